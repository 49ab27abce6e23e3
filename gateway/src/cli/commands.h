// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The outreach officer's commands (`liaison contacts|campaign|results|tokens ...`, issue 5):
// each opens the daemon's SQLite store directly, acts for one tenant, prints what it did and
// returns the process exit code. The arguments arrive as plain structs: CLI11 stays in cli.cc.
//
// Store and tenant: --config FILE takes data_dir and the tenants from the daemon's TOML
// (config::loadConfigFile), --data-dir DIR overrides the directory (default liaison-data).
// --tenant picks the tenant; without it the config's only tenant is used (several: an error
// listing them), and "default" without a config, as `liaison serve` does. The store must
// exist (`liaison serve` creates it): a mistyped directory is an error, not a new empty store.
//
// Running beside `liaison serve` on the same data dir is safe: SQLite in WAL mode lets readers
// and one writer proceed together, and each side waits for the other's write transaction (up
// to its busy timeout: 30 s here, 5 s in the daemon) instead of failing at once. Campaign
// planning commits page by page, so the daemon's dispatcher (which polls the ledger) starts
// sending a campaign started here within its idle interval. A contact import is one
// transaction (all or nothing): the daemon's writes wait for it and fail past 5 s
// (docs/cli.md), so import very large files at a quiet time.
//
// Output: results on stdout (ids, tables, CSV, the new token), everything else on stderr
// (progress, per-row errors, problems, hints). No message names a phone number, a contact's
// name, a message text or a token secret, except the new token itself, printed once.
//
// Exit codes: 0 done; 1 the command ran and failed (rejected CSV rows, campaign problems,
// unknown campaign, wrong state, store errors); 2 usage (bad arguments, unreadable input or
// config, unknown tenant or role, no store). Not thread-safe: one command per process.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace liaison::gateway::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Where the commands write. `err_is_tty` chooses a redrawn progress bar over progress lines.
struct CommandIo {
  std::ostream& out;
  std::ostream& err;
  bool err_is_tty = false;
};

// Options every store command takes.
struct StoreOptions {
  std::string config_path;  // --config; empty: none
  std::string data_dir;     // --data-dir; empty: the config's, else "liaison-data"
  std::string tenant;       // --tenant; empty: the config's only tenant, else "default"
};

struct ContactsImportOptions {
  StoreOptions store;
  std::string file;
  // ISO 3166-1 alpha-2 for national numbers in rows without a country; empty: the tenant's
  // default_region from the config (none without a config).
  std::string default_country;
  bool dry_run = false;                 // validate every row, then roll back
  std::uint64_t max_errors_shown = 50;  // rejected rows printed on stderr; the rest counted
  std::string errors_file;  // when set: every rejection as CSV (line,column,reason,detail)
};
int contactsImport(const ContactsImportOptions& options, CommandIo& io);

struct ContactsExportOptions {
  StoreOptions store;
  std::string out_file;  // empty: stdout
  std::optional<std::int64_t> segment_id;
};
int contactsExport(const ContactsExportOptions& options, CommandIo& io);

struct CampaignCreateOptions {
  StoreOptions store;
  std::string file;             // .json or .toml (by extension; anything else is read as JSON)
  bool allow_problems = false;  // save a draft even when validation finds problems
};
// Prints the new campaign's id on stdout.
int campaignCreate(const CampaignCreateOptions& options, CommandIo& io);

enum class CampaignAction { Start, Pause, Resume, Cancel };
int campaignAction(const StoreOptions& store, CampaignAction action, const std::string& id,
                   CommandIo& io);
int campaignList(const StoreOptions& store, CommandIo& io);

struct ResultsOptions {
  StoreOptions store;
  std::string campaign_id;
  bool csv = false;      // one row per respondent (outreach/results.h) instead of the tallies
  std::string out_file;  // --csv only; empty: stdout
};
int results(const ResultsOptions& options, CommandIo& io);

struct TokensCreateOptions {
  StoreOptions store;
  std::string role;  // admin | officer | analyst | auditor
  std::string name;  // empty: "cli"
  std::optional<std::int64_t> expires_in_days;
};
int tokensCreate(const TokensCreateOptions& options, CommandIo& io);

// The TOML form of a campaign converted to the REST API's JSON body (docs/cli.md): tables are
// objects, arrays arrays, date-times with an offset RFC 3339 strings; a local date or time,
// or a date-time without an offset, is an error. False with *error ("line:column: what" for
// syntax errors, the key path otherwise); values never appear in *error. Pure.
bool campaignJsonFromToml(std::string_view toml_text, std::string* json_text, std::string* error);

}  // namespace liaison::gateway::cli
