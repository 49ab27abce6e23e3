// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CLI11 lives only in this translation unit: it is a heavy header-only library.
#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <iostream>
#include <string>

#include "cli/demo.h"
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
  CLI::App app{"Liaison gateway: SMS polls and notices for a diaspora, and the sync endpoint "
               "for offline field devices.",
               "liaison"};
  app.set_version_flag("--version", buildInfo(), "Print the version and library versions");
  app.require_subcommand(0, 1);

  DaemonOptions daemon;
  std::string listen = "127.0.0.1:8080";
  auto* serve = app.add_subcommand("serve", "Run the gateway daemon until SIGINT/SIGTERM");
  serve->add_option("--listen", listen, "HTTP API address as HOST:PORT")
      ->capture_default_str();
  serve->add_option("--data-dir", daemon.data_dir, "Directory for the SQLite store")
      ->capture_default_str();

  DemoOptions demo;
  auto* demo_cmd = app.add_subcommand("demo", "Start a gateway on a scratch store and show it working");
  demo_cmd->add_option("--data-dir", demo.data_dir,
                       "Directory for the demo's store (default: a fresh temporary directory)");

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
  std::cout << app.help();
  return 0;
}

}  // namespace liaison::gateway::cli
