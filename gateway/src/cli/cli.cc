// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CLI11 lives only in this translation unit: it is a heavy header-only library.
#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli/demo.h"
#include "cli/smsc_sim_cmd.h"
#include "daemon.h"
#include "version.h"

namespace liaison::gateway::cli {

namespace {

// "HOST:PORT" or ":PORT" -> options; false with a reason on bad input.
bool parseListen(const std::string& text, DaemonOptions& out, std::string& why) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    why = "expected HOST:PORT, e.g. 127.0.0.1:8080";
    return false;
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:8080
  }
  const std::string port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty()) {
    why = "port must be a number from 0 to 65535";
    return false;
  }
  out.listen_address = host.empty() ? "127.0.0.1" : host;
  out.listen_port = static_cast<uint16_t>(port);
  return true;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{
      "Liaison gateway: SMS polls and notices for a diaspora, and the sync endpoint "
      "for offline field devices.",
      "liaison"};
  app.set_version_flag("--version", buildInfo(), "Print the version and library versions");
  app.require_subcommand(0, 1);

  DaemonOptions daemon;
  std::string listen = "127.0.0.1:8080";
  auto* serve = app.add_subcommand("serve", "Run the gateway daemon until SIGINT/SIGTERM");
  serve->add_option("--listen", listen, "HTTP API address as HOST:PORT")->capture_default_str();
  serve->add_option("--data-dir", daemon.data_dir, "Directory for the SQLite store")
      ->capture_default_str();

  DemoOptions demo;
  auto* demo_cmd =
      app.add_subcommand("demo", "Start a gateway on a scratch store and show it working");
  demo_cmd->add_option("--data-dir", demo.data_dir,
                       "Directory for the demo's store (default: a fresh temporary directory)");

  smpp::SmscSimulatorConfig sim;
  std::string sim_listen = "127.0.0.1:2775";
  int sim_stats_every = 5;
  auto* sim_cmd = app.add_subcommand(
      "smsc-sim", "Run the SMSC simulator (SMPP 3.4 server) with fault knobs, for tests and demos");
  sim_cmd->add_option("--listen", sim_listen, "SMPP address as HOST:PORT")->capture_default_str();
  sim_cmd->add_option("--system-id", sim.system_id,
                      "Accept only this system_id (password from $LIAISON_SMSC_SIM_PASSWORD); "
                      "default: accept any");
  sim_cmd
      ->add_option("--throttle-share", sim.throttle_share,
                   "Share of submits answered ESME_RTHROTTLED")
      ->check(CLI::Range(0.0, 1.0));
  sim_cmd
      ->add_option("--error-share", sim.error_share,
                   "Share of submits answered with --error-status")
      ->check(CLI::Range(0.0, 1.0));
  sim_cmd->add_option("--error-status", sim.error_status, "command_status for --error-share");
  sim_cmd->add_option("--swallow-share", sim.swallow_share, "Share of submits never answered")
      ->check(CLI::Range(0.0, 1.0));
  int response_delay_ms = 0, drop_every_ms = 0, receipt_delay_ms = 0;
  sim_cmd->add_option("--response-delay-ms", response_delay_ms, "Delay every response")
      ->check(CLI::Range(0, 600'000));
  sim_cmd->add_option("--receipt-delay-ms", receipt_delay_ms, "Delay every receipt")
      ->check(CLI::Range(0, 600'000));
  sim_cmd->add_option("--drop-every-ms", drop_every_ms, "Close each connection after this long")
      ->check(CLI::Range(0, 86'400'000));
  sim_cmd->add_option("--drop-after-submits", sim.drop_after_submits,
                      "Close a connection after this many submits");
  sim_cmd->add_flag("--refuse-binds", sim.refuse_binds, "Answer every bind with ESME_RBINDFAIL");
  bool mute_enquire = false, no_receipts = false;
  sim_cmd->add_flag("--ignore-enquire-link", mute_enquire, "Never answer enquire_link");
  sim_cmd->add_flag("--no-receipts", no_receipts, "Never send delivery receipts");
  sim_cmd->add_option("--receipt-stat", sim.receipt_stat, "stat: value in receipts")
      ->check(CLI::IsMember({"DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "DELETED"}));
  sim_cmd->add_option("--seed", sim.seed, "Random seed for the fault pattern");
  sim_cmd->add_option("--stats-every", sim_stats_every, "Print stats every N seconds (0: never)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*serve) {
    std::string why;
    if (!parseListen(listen, daemon, why)) {
      std::cerr << "liaison serve: bad --listen '" << listen << "': " << why << "\n";
      return 2;
    }
    return runDaemon(daemon);
  }
  if (*demo_cmd) return runDemo(demo, std::cout);
  if (*sim_cmd) {
    DaemonOptions where;
    std::string why;
    if (!parseListen(sim_listen, where, why)) {
      std::cerr << "liaison smsc-sim: bad --listen '" << sim_listen << "': " << why << "\n";
      return 2;
    }
    sim.address = where.listen_address;
    sim.port = where.listen_port;
    if (const char* pw = std::getenv("LIAISON_SMSC_SIM_PASSWORD")) sim.password = pw;
    sim.response_delay = std::chrono::milliseconds(response_delay_ms);
    sim.receipt_delay = std::chrono::milliseconds(receipt_delay_ms);
    sim.drop_every = std::chrono::milliseconds(drop_every_ms);
    sim.answer_enquire_link = !mute_enquire;
    sim.receipts = !no_receipts;
    sim.record_submits = false;  // a long-running process must not grow without bound
    return runSmscSimulator(sim, sim_stats_every, std::cout);
  }
  std::cout << app.help();
  return 0;
}

}  // namespace liaison::gateway::cli
