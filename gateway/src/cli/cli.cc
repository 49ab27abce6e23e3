// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CLI11 lives only in this translation unit: it is a heavy header-only library.
#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/demo.h"
#include "cli/smsc_sim_cmd.h"
#include "config/config.h"
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
  out.config.server.address = host.empty() ? "127.0.0.1" : host;
  out.config.server.port = static_cast<uint16_t>(port);
  return true;
}

// The outreach officer's store commands (commands.h): CLI11 fills plain structs here, the
// commands run in commands.cc. One object so the bound variables outlive parsing.
struct StoreCommands {
  StoreOptions store;
  ContactsImportOptions importing;
  ContactsExportOptions exporter;
  std::int64_t segment_id = 0;
  CampaignCreateOptions create;
  std::string campaign_id;
  ResultsOptions results;
  TokensCreateOptions token;
  std::int64_t expires_in_days = 0;

  CLI::App* contacts_import = nullptr;
  CLI::App* contacts_export = nullptr;
  CLI::App* campaign_create = nullptr;
  CLI::App* campaign_list = nullptr;
  CLI::App* campaign_moves[4] = {};  // start, pause, resume, cancel (CampaignAction order)
  CLI::App* results_cmd = nullptr;
  CLI::App* tokens_create = nullptr;

  void addCommon(CLI::App* cmd) {
    cmd->add_option("--config", store.config_path,
                    "The daemon's TOML configuration: its data_dir and tenants");
    cmd->add_option("--data-dir", store.data_dir,
                    "Directory of the store (over the config's data_dir; default liaison-data)");
    cmd->add_option("--tenant", store.tenant,
                    "Tenant to act for (default: the config's only tenant, else \"default\")");
  }

  void add(CLI::App& app) {
    auto* contacts = app.add_subcommand("contacts", "Import or export contacts (CSV)");
    contacts->require_subcommand(1);
    contacts_import = contacts->add_subcommand(
        "import", "Import contacts from a CSV file: one transaction; rejected rows are listed");
    contacts_import->add_option("file", importing.file, "CSV file (columns: docs/cli.md)")
        ->required();
    contacts_import->add_option("--default-country", importing.default_country,
                                "ISO 3166-1 alpha-2 for national numbers in rows without a "
                                "country (default: the tenant's default_region)");
    contacts_import->add_flag("--dry-run", importing.dry_run,
                              "Check every row and report, then write nothing");
    contacts_import
        ->add_option("--max-errors", importing.max_errors_shown,
                     "Rejected rows to list on stderr (the rest are counted)")
        ->capture_default_str();
    contacts_import->add_option("--errors-file", importing.errors_file,
                                "Write every rejected row (line, column, reason) to this CSV");
    addCommon(contacts_import);
    contacts_export = contacts->add_subcommand(
        "export", "Export contacts as CSV in the columns the import reads (personal data)");
    contacts_export->add_option("--out", exporter.out_file, "Output file (default: stdout)");
    contacts_export->add_option("--segment", segment_id, "Only the contacts of this segment id")
        ->check(CLI::PositiveNumber);
    addCommon(contacts_export);

    auto* campaign = app.add_subcommand("campaign", "Create, start, pause, resume, cancel, list");
    campaign->require_subcommand(1);
    campaign_create = campaign->add_subcommand(
        "create", "Create a draft campaign from a .json or .toml file; prints its id");
    campaign_create
        ->add_option("file", create.file, "Campaign file: the REST API's body, as JSON or TOML")
        ->required();
    campaign_create->add_flag("--draft", create.allow_problems,
                              "Save it even when validation finds problems");
    addCommon(campaign_create);
    static constexpr const char* kMoves[4][2] = {
        {"start", "Plan the campaign's messages into the outbox and set it running"},
        {"pause", "Hold a running campaign's queued messages"},
        {"resume", "Release a paused campaign's messages"},
        {"cancel", "Cancel the campaign's queued messages (final)"}};
    for (int i = 0; i < 4; ++i) {
      campaign_moves[i] = campaign->add_subcommand(kMoves[i][0], kMoves[i][1]);
      campaign_moves[i]->add_option("id", campaign_id, "Campaign id")->required();
      addCommon(campaign_moves[i]);
    }
    campaign_list = campaign->add_subcommand("list", "List the tenant's campaigns, newest first");
    addCommon(campaign_list);

    results_cmd = app.add_subcommand("results", "A campaign's tallies, or its answers as CSV");
    results_cmd->add_option("id", results.campaign_id, "Campaign id")->required();
    results_cmd->add_flag("--csv", results.csv, "One CSV row per respondent instead of tallies");
    results_cmd->add_option("--out", results.out_file, "With --csv: output file (default stdout)");
    addCommon(results_cmd);

    auto* tokens = app.add_subcommand("tokens", "API tokens");
    tokens->require_subcommand(1);
    tokens_create =
        tokens->add_subcommand("create", "Create an API token for the tenant; prints it once");
    tokens_create->add_option("--role", token.role, "admin, officer, analyst or auditor")
        ->required();
    tokens_create->add_option("--name", token.name, "What it is for (default \"cli\")");
    tokens_create->add_option("--expires-in-days", expires_in_days,
                              "Expire it after this many days (default: never)");
    addCommon(tokens_create);
  }

  // The exit code of the selected command; nullopt when none of these was selected.
  std::optional<int> run() {
    CommandIo io{std::cout, std::cerr, isatty(STDERR_FILENO) == 1};
    if (*contacts_import) {
      importing.store = store;
      return contactsImport(importing, io);
    }
    if (*contacts_export) {
      exporter.store = store;
      if (segment_id > 0) exporter.segment_id = segment_id;
      return contactsExport(exporter, io);
    }
    if (*campaign_create) {
      create.store = store;
      return campaignCreate(create, io);
    }
    for (int i = 0; i < 4; ++i) {
      if (*campaign_moves[i]) {
        return campaignAction(store, static_cast<CampaignAction>(i), campaign_id, io);
      }
    }
    if (*campaign_list) return campaignList(store, io);
    if (*results_cmd) {
      results.store = store;
      return cli::results(results, io);
    }
    if (*tokens_create) {
      token.store = store;
      if (expires_in_days != 0) token.expires_in_days = expires_in_days;
      return tokensCreate(token, io);
    }
    return std::nullopt;
  }
};

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{
      "Liaison gateway: SMS polls and notices for a diaspora, and the sync endpoint "
      "for offline field devices.",
      "liaison"};
  app.set_version_flag("--version", buildInfo(), "Print the version and library versions");
  app.require_subcommand(0, 1);

  std::string config_path, listen, data_dir;
  auto* serve = app.add_subcommand("serve", "Run the gateway daemon until SIGINT/SIGTERM");
  serve->add_option("--config", config_path,
                    "TOML configuration (docs/config.md; docs/liaison.example.toml to start "
                    "from). Without it: one tenant \"default\", no channels");
  serve->add_option("--listen", listen,
                    "HTTP address as HOST:PORT, over [server] address/port (default "
                    "127.0.0.1:8080)");
  serve->add_option("--data-dir", data_dir,
                    "Directory for the SQLite store, over [server] data_dir (default "
                    "liaison-data)");

  DemoOptions demo;
  auto* demo_cmd =
      app.add_subcommand("demo",
                         "Run the whole system here: a gateway on a scratch SQLite store, the "
                         "SMSC simulator and simulated people answering a poll sent through the "
                         "REST API");
  demo_cmd->add_option("--data-dir", demo.data_dir,
                       "Directory for the demo's store (default: a fresh temporary directory)");
  demo_cmd->add_option("--contacts", demo.contacts, "How many simulated people to poll")
      ->check(CLI::Range(1, 50'000))
      ->capture_default_str();
  demo_cmd->add_option("--seed", demo.seed, "Seed for the contacts and their behaviour")
      ->capture_default_str();
  bool demo_exit = false;
  demo_cmd->add_flag("--exit", demo_exit,
                     "Stop after the results instead of keeping the gateway running");

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
  bool reply_to_polls = false;
  sim_cmd->add_flag("--reply-to-polls", reply_to_polls,
                    "Simulated people answer the questions sent to them, after a short delay, "
                    "the way people do (clean answers, spelled-out ones, typos, other scripts, "
                    "some STOP, some silence)");

  auto store_commands = std::make_unique<StoreCommands>();
  store_commands->add(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; any other parse error is a usage error (2).
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }

  if (*serve) {
    DaemonOptions daemon;
    if (!config_path.empty()) {
      config::LoadResult loaded = config::loadConfigFile(config_path);
      if (!loaded.ok()) {
        std::cerr << config::formatIssues(loaded.issues, config_path)
                  << "liaison serve: " << loaded.issues.size()
                  << " problem(s) in the configuration; nothing was started. Every key is "
                     "described in docs/config.md.\n";
        return 2;
      }
      daemon.config = std::move(loaded.config);
      daemon.config_source = config_path;
    }
    if (!listen.empty()) {
      std::string why;
      if (!parseListen(listen, daemon, why)) {
        std::cerr << "liaison serve: bad --listen '" << listen << "': " << why << "\n";
        return 2;
      }
    }
    if (!data_dir.empty()) daemon.config.server.data_dir = data_dir;
    return runDaemon(daemon);
  }
  if (*demo_cmd) {
    demo.keep_running = !demo_exit;
    return runDemo(demo, std::cout);
  }
  if (*sim_cmd) {
    DaemonOptions where;
    std::string why;
    if (!parseListen(sim_listen, where, why)) {
      std::cerr << "liaison smsc-sim: bad --listen '" << sim_listen << "': " << why << "\n";
      return 2;
    }
    sim.address = where.config.server.address;
    sim.port = where.config.server.port;
    if (const char* pw = std::getenv("LIAISON_SMSC_SIM_PASSWORD")) sim.password = pw;
    sim.response_delay = std::chrono::milliseconds(response_delay_ms);
    sim.receipt_delay = std::chrono::milliseconds(receipt_delay_ms);
    sim.drop_every = std::chrono::milliseconds(drop_every_ms);
    sim.answer_enquire_link = !mute_enquire;
    sim.receipts = !no_receipts;
    sim.record_submits = false;  // a long-running process must not grow without bound
    DiasporaOptions people;
    people.seed = sim.seed;
    return runSmscSimulator(sim, sim_stats_every, std::cout, reply_to_polls ? &people : nullptr);
  }
  if (std::optional<int> code = store_commands->run()) return *code;
  std::cout << app.help();
  return 0;
}

}  // namespace liaison::gateway::cli
