// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The store commands (commands.h). Each one resolves the store and tenant (Context), calls
// the library the REST API calls (the importer, the planner, results, the token store), and
// words the outcome for a terminal: one line per problem, then what to do about it.
//
// Progress (imports and campaign starts) goes to stderr: on a terminal a bar redrawn in place,
// otherwise one line per 10% step (or every 5 seconds when a step takes longer), so logs of
// scripted runs stay short. toml++ is included here for the campaign files only.
#include "cli/commands.h"

#include <sqlite3.h>
#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <span>
#include <sstream>
#include <utility>
#include <vector>

#include "api/auth.h"
#include "api/proto_json.h"
#include "api/rest_api.h"
#include "config/config.h"
#include "liaison/sync/uuid.h"
#include "outreach/campaign_planner.h"
#include "outreach/contact_export.h"
#include "outreach/contact_import.h"
#include "outreach/csv.h"
#include "outreach/normalize.h"
#include "outreach/results.h"
#include "store/segment_store.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"
#include "store/sqlite_results_store.h"
#include "store/sqlite_store.h"

namespace liaison::gateway::cli {

namespace fs = std::filesystem;
namespace v1 = liaison::v1;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxCampaignFileBytes = 1 << 20;  // the REST API's default body limit
constexpr std::size_t kChunkBytes = 64 * 1024;
// The CLI waits this long for the daemon's write transactions (a planning page, a flush);
// the daemon's own connection waits 5 s. Longer than any single unit of the daemon's work.
constexpr int kBusyTimeoutMs = 30'000;

std::int64_t nowSeconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100.0);
  return buf;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Why a store call failed, for a person: the code's fixed message plus what to try.
std::string storeHint(const std::error_code& ec) {
  std::string s = ec.message();
  if (ec == store::StoreErrc::Busy) {
    s += " (another process kept the database locked for " + std::to_string(kBusyTimeoutMs / 1000) +
         " s, e.g. a large import; retry when it has finished)";
  } else if (ec == store::StoreErrc::ReadOnly) {
    s += " (check that you may write to the data directory)";
  } else if (ec == store::StoreErrc::Full) {
    s += " (free some disk space and retry)";
  }
  return s;
}

// ---- Store and tenant

struct Context {
  std::string prefix;  // "liaison contacts import: "
  std::string data_dir;
  std::string tenant;
  std::string default_country;  // the tenant's default_region; empty when none
  std::unique_ptr<store::SqliteStore> store;

  store::Database& db() { return store->database(); }
};

bool validTenantId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

// Resolves the data dir and tenant and opens the store. Prints the reason and returns the exit
// code on failure; kExitOk when *ctx is ready.
int openContext(const StoreOptions& o, std::string_view command, CommandIo& io, Context* ctx) {
  ctx->prefix = "liaison " + std::string(command) + ": ";
  config::Config cfg;
  bool have_config = false;
  if (!o.config_path.empty()) {
    config::LoadOptions lo;
    lo.check_files = false;  // TLS files are the daemon's business, not the CLI's
    config::LoadResult loaded = config::loadConfigFile(o.config_path, lo);
    if (!loaded.ok()) {
      io.err << config::formatIssues(loaded.issues, o.config_path) << ctx->prefix
             << loaded.issues.size()
             << " problem(s) in the configuration (docs/config.md describes every key). Fix "
                "them, or pass --data-dir and --tenant instead of --config.\n";
      return kExitUsage;
    }
    cfg = std::move(loaded.config);
    have_config = true;
  }
  ctx->data_dir = !o.data_dir.empty() ? o.data_dir
                  : have_config       ? cfg.server.data_dir
                                      : std::string("liaison-data");

  if (have_config && !cfg.tenants.empty()) {
    std::string names;
    for (const config::TenantConfig& t : cfg.tenants) names += (names.empty() ? "" : ", ") + t.id;
    const config::TenantConfig* chosen = nullptr;
    if (o.tenant.empty()) {
      if (cfg.tenants.size() > 1) {
        io.err << ctx->prefix << o.config_path << " has " << cfg.tenants.size() << " tenants ("
               << names << "): choose one with --tenant.\n";
        return kExitUsage;
      }
      chosen = &cfg.tenants.front();
    } else {
      chosen = cfg.findTenant(o.tenant);
      if (chosen == nullptr) {
        io.err << ctx->prefix << "no tenant '" << o.tenant << "' in " << o.config_path
               << "; its tenants are: " << names << ".\n";
        return kExitUsage;
      }
    }
    ctx->tenant = chosen->id;
    if (chosen->default_region != "ZZ") ctx->default_country = chosen->default_region;
  } else {
    ctx->tenant = o.tenant.empty() ? std::string("default") : o.tenant;
    if (!validTenantId(ctx->tenant)) {
      io.err << ctx->prefix << "--tenant must be lower-case letters, digits, '-' or '_' (at "
             << "most 63, starting with a letter or digit).\n";
      return kExitUsage;
    }
  }

  const fs::path db_path = fs::path(ctx->data_dir) / "liaison.db";
  std::error_code fs_ec;
  if (!fs::is_regular_file(db_path, fs_ec)) {
    io.err << ctx->prefix << "no store in " << ctx->data_dir << " (" << db_path.string()
           << " does not exist): run `liaison serve` once with this data directory, or point "
              "at the daemon's with --data-dir DIR or --config FILE.\n";
    return kExitUsage;
  }
  try {
    ctx->store = store::SqliteStore::open(db_path.string());
  } catch (const std::exception& e) {
    io.err << ctx->prefix << e.what() << "\n";
    return kExitFailed;
  }
  sqlite3_busy_timeout(ctx->db().handle(), kBusyTimeoutMs);
  return kExitOk;
}

// ---- Progress on stderr

class Progress {
 public:
  Progress(CommandIo& io, std::string label)
      : io_(io), label_(std::move(label)), last_line_(Clock::now()) {}

  // `done` of `total` (bytes, recipients); `detail` follows the percentage.
  void update(std::uint64_t done, std::uint64_t total, const std::string& detail) {
    if (total == 0) return;
    const unsigned pct = static_cast<unsigned>(std::min<std::uint64_t>(done * 100 / total, 100));
    const auto now = Clock::now();
    if (io_.err_is_tty) {
      if (pct == shown_pct_ && now - last_line_ < std::chrono::milliseconds(200)) return;
      constexpr unsigned kWidth = 30;
      const unsigned filled = pct * kWidth / 100;
      io_.err << "\r\033[K" << label_ << " [" << std::string(filled, '#')
              << std::string(kWidth - filled, '.') << "] " << pct << "% " << detail << std::flush;
      drawn_ = true;
    } else {
      // A line per 10% step, or every 5 s when a step takes longer; 100% is the summary's job.
      const bool step = pct / 10 > shown_pct_ / 10;
      if (pct >= 100 || (!step && now - last_line_ < std::chrono::seconds(5))) return;
      io_.err << label_ << ": " << pct << "% " << detail << "\n";
    }
    shown_pct_ = pct;
    last_line_ = now;
  }

  // Before printing anything else on stderr.
  void clear() {
    if (drawn_) io_.err << "\r\033[K" << std::flush;
    drawn_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  CommandIo& io_;
  std::string label_;
  unsigned shown_pct_ = 0;
  Clock::time_point last_line_;
  bool drawn_ = false;
};

// Writes through a temporary file renamed over `path` on success.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".partial") {
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
  }
  ~AtomicFile() {
    if (!committed_) {
      out_.close();
      std::error_code ec;
      fs::remove(tmp_, ec);
    }
  }
  bool ok() const { return out_.good(); }
  std::ostream& stream() { return out_; }
  bool commit() {
    out_.flush();
    if (!out_.good()) return false;
    out_.close();
    std::error_code ec;
    fs::rename(tmp_, path_, ec);
    committed_ = !ec;
    return committed_;
  }

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

// ---- Campaign files

bool readFileLimited(const std::string& path, std::size_t limit, std::string* out,
                     std::string* why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    *why = fs::exists(path, ec) ? "cannot be opened (check its permissions)" : "does not exist";
    return false;
  }
  out->assign(limit + 1, '\0');
  in.read(out->data(), static_cast<std::streamsize>(out->size()));
  if (in.bad()) {
    *why = "could not be read";
    return false;
  }
  out->resize(static_cast<std::size_t>(in.gcount()));
  if (out->size() > limit) {
    *why = "is larger than " + std::to_string(limit) + " bytes";
    return false;
  }
  return true;
}

// Line and column (1-based) of byte `offset` in `text`.
std::pair<std::size_t, std::size_t> lineColumn(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::string twoDigits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

bool tomlToJson(const toml::node& node, const std::string& path, json* out, std::string* error) {
  switch (node.type()) {
    case toml::node_type::table: {
      *out = json::object();
      for (const auto& [key, value] : *node.as_table()) {
        const std::string k(key.str());
        if (!tomlToJson(value, path.empty() ? k : path + "." + k, &(*out)[k], error)) return false;
      }
      return true;
    }
    case toml::node_type::array: {
      *out = json::array();
      const toml::array& arr = *node.as_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        json element;
        if (!tomlToJson(*arr.get(i), path + "[" + std::to_string(i) + "]", &element, error)) {
          return false;
        }
        out->push_back(std::move(element));
      }
      return true;
    }
    case toml::node_type::string: *out = std::string(node.as_string()->get()); return true;
    case toml::node_type::integer: *out = node.as_integer()->get(); return true;
    case toml::node_type::floating_point: *out = node.as_floating_point()->get(); return true;
    case toml::node_type::boolean: *out = node.as_boolean()->get(); return true;
    case toml::node_type::date_time: {
      const toml::date_time& dt = node.as_date_time()->get();
      if (!dt.offset) {
        *error = path + ": a date-time needs a UTC offset, e.g. 2026-06-05T08:00:00Z";
        return false;
      }
      std::string s = std::to_string(dt.date.year) + "-" + twoDigits(dt.date.month) + "-" +
                      twoDigits(dt.date.day) + "T" + twoDigits(dt.time.hour) + ":" +
                      twoDigits(dt.time.minute) + ":" + twoDigits(dt.time.second);
      const int minutes = dt.offset->minutes;
      if (minutes == 0) {
        s += "Z";
      } else {
        const int a = minutes < 0 ? -minutes : minutes;
        s += (minutes < 0 ? "-" : "+") + twoDigits(a / 60) + ":" + twoDigits(a % 60);
      }
      *out = s;
      return true;
    }
    case toml::node_type::date:
    case toml::node_type::time:
      *error = path + ": a date or time alone is not allowed; write a date-time with a UTC " +
               "offset, e.g. 2026-06-05T08:00:00Z";
      return false;
    case toml::node_type::none: break;
  }
  *error = path + ": unsupported value";
  return false;
}

// Reads `file` (.json or .toml) into a campaign; prints and returns the exit code on failure.
int readCampaignFile(const std::string& file, const std::string& prefix, CommandIo& io,
                     v1::Campaign* def) {
  std::string text, why;
  if (!readFileLimited(file, kMaxCampaignFileBytes, &text, &why)) {
    io.err << prefix << file << " " << why << ".\n";
    return kExitUsage;
  }
  std::string ext = fs::path(file).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  json body;
  if (ext == ".toml") {
    std::string json_text, error;
    if (!campaignJsonFromToml(text, &json_text, &error)) {
      // "3:5: TOML syntax error ..." or "schedule.start_at: ..."
      const bool positioned = !error.empty() && error[0] >= '0' && error[0] <= '9';
      io.err << prefix << file << (positioned ? ":" : ": ") << error << "\n";
      return kExitFailed;
    }
    body = json::parse(json_text);
  } else {
    try {
      body = json::parse(text);
    } catch (const json::parse_error& e) {
      // e.what() quotes the input near the error: report the position only.
      const auto [line, column] = lineColumn(text, e.byte > 0 ? e.byte - 1 : 0);
      io.err << prefix << file << ":" << line << ":" << column
             << ": JSON syntax error (docs/api.md shows a campaign body)\n";
      return kExitFailed;
    }
  }
  std::string error;
  if (!api::campaignFromJson(body, def, &error)) {
    io.err << prefix << file << ": " << error << "\n"
           << prefix << "nothing was saved; the fields are those of the REST API's campaign "
           << "body (docs/api.md, docs/cli.md).\n";
    return kExitFailed;
  }
  const std::vector<std::string> missing = api::campaignSaveProblems(*def);
  if (!missing.empty()) {
    for (const std::string& m : missing) io.err << prefix << file << ": " << m << "\n";
    io.err << prefix << "nothing was saved.\n";
    return kExitFailed;
  }
  return kExitOk;
}

const char* stateName(store::CampaignState s) {
  switch (s) {
    case store::CampaignState::Draft: return "draft";
    case store::CampaignState::Scheduled: return "scheduled";
    case store::CampaignState::Running: return "running";
    case store::CampaignState::Paused: return "paused";
    case store::CampaignState::Completed: return "completed";
    case store::CampaignState::Cancelled: return "cancelled";
  }
  return "unknown";
}

const char* kindName(store::CampaignKind k) {
  return k == store::CampaignKind::Poll ? "poll" : "notice";
}

// Campaign ids are UUID text (36 characters); anything else is a typo, said before the store
// is opened.
bool checkCampaignId(const std::string& id, std::string_view command, CommandIo& io) {
  bool ok = id.size() == 36;
  for (std::size_t i = 0; ok && i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    ok = dash ? id[i] == '-' : std::isxdigit(static_cast<unsigned char>(id[i])) != 0;
  }
  if (!ok) {
    io.err << "liaison " << command << ": a campaign id looks like "
           << "0190b1c8-7a3e-7c41-9d2e-5f0a1b2c3d4e (`liaison campaign list` shows them).\n";
  }
  return ok;
}

// Prints "no campaign" for NotFound, else the store error; returns kExitFailed.
int campaignLookupFailed(const Context& ctx, const std::string& id, const std::error_code& ec,
                         CommandIo& io) {
  if (ec == store::StoreErrc::NotFound) {
    io.err << ctx.prefix << "no campaign " << id << " in tenant " << ctx.tenant
           << " (`liaison campaign list` shows its campaigns; --tenant picks another).\n";
  } else {
    io.err << ctx.prefix << "reading the campaign failed: " << storeHint(ec) << "\n";
  }
  return kExitFailed;
}

std::string paddedRight(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string paddedLeft(const std::string& s, std::size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

void printSessions(const outreach::SessionStats& s, std::ostream& out) {
  out << s.started << " started, " << s.responded << " responded (" << percent(s.response_rate)
      << "), " << s.completed << " completed (" << percent(s.completion_rate) << "), " << s.stopped
      << " stopped, " << s.expired << " expired, " << s.open << " open\n";
}

void printQuestion(const outreach::QuestionResult& q, std::ostream& out) {
  out << "\n"
      << q.question_id << " (" << outreach::answerKindName(q.kind) << "): " << q.answered
      << " answered (" << q.from_sms << " by SMS, " << q.from_field_device
      << " from field devices)\n";
  if (!q.choices.empty()) {
    std::size_t width = 6;
    for (const outreach::ChoiceCount& c : q.choices) width = std::max(width, c.choice_id.size());
    out << "  " << paddedRight("choice", width) << "  " << paddedLeft("count", 8) << "  "
        << paddedLeft("share", 7) << "\n";
    for (const outreach::ChoiceCount& c : q.choices) {
      out << "  " << paddedRight(c.choice_id, width) << "  "
          << paddedLeft(std::to_string(c.count), 8) << "  " << paddedLeft(percent(c.share), 7)
          << "\n";
    }
  }
  if (q.kind == store::AnswerKind::Number) {
    if (q.mean) {
      out << "  min " << number(*q.min) << ", max " << number(*q.max) << ", mean "
          << number(*q.mean) << ", median " << number(*q.median) << "\n";
    } else {
      out << "  no answers yet\n";
    }
  }
  if (q.kind == store::AnswerKind::Text) {
    out << "  free text: the answers are in `liaison results ID --csv`";
    if (q.truncated > 0) out << " (" << q.truncated << " cut to the question's max_chars)";
    out << "\n";
  }
}

void printGroups(const char* title, const std::vector<outreach::GroupResult>& groups,
                 std::ostream& out) {
  if (groups.empty()) return;
  out << "\nBy " << title << ":\n";
  out << "  " << paddedRight(title, 9) << paddedLeft("started", 9) << paddedLeft("responded", 11)
      << paddedLeft("rate", 8) << paddedLeft("completed", 11) << paddedLeft("rate", 8) << "\n";
  for (const outreach::GroupResult& g : groups) {
    out << "  " << paddedRight(g.key.empty() ? "(none)" : g.key, 9)
        << paddedLeft(std::to_string(g.sessions.started), 9)
        << paddedLeft(std::to_string(g.sessions.responded), 11)
        << paddedLeft(percent(g.sessions.response_rate), 8)
        << paddedLeft(std::to_string(g.sessions.completed), 11)
        << paddedLeft(percent(g.sessions.completion_rate), 8) << "\n";
  }
}

}  // namespace

// =============================================================================================
// contacts import / export
// =============================================================================================

int contactsImport(const ContactsImportOptions& o, CommandIo& io) {
  const std::string prefix = "liaison contacts import: ";
  std::FILE* f = std::fopen(o.file.c_str(), "rb");
  if (f == nullptr) {
    std::error_code ec;
    io.err << prefix << o.file
           << (fs::exists(o.file, ec) ? " cannot be opened (check its permissions).\n"
                                      : " does not exist.\n");
    return kExitUsage;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(f, &std::fclose);
  std::error_code size_ec;
  const std::uint64_t total = fs::file_size(o.file, size_ec);

  Context ctx;
  if (int code = openContext(o.store, "contacts import", io, &ctx)) return code;

  outreach::ImportOptions options;
  options.tenant_id = ctx.tenant;
  options.default_country = ctx.default_country;
  if (!o.default_country.empty()) {
    auto c = outreach::canonicalCountry(o.default_country);
    if (!c) {
      io.err << prefix << "--default-country must be an ISO 3166-1 alpha-2 code such as DE.\n";
      return kExitUsage;
    }
    options.default_country = *c;
  }

  std::unique_ptr<AtomicFile> errors_out;
  if (!o.errors_file.empty()) {
    errors_out = std::make_unique<AtomicFile>(o.errors_file);
    if (!errors_out->ok()) {
      io.err << prefix << "cannot write " << o.errors_file << ".\n";
      return kExitUsage;
    }
    errors_out->stream() << "line,column,reason,detail\r\n";
  }

  Progress progress(io, "importing");
  outreach::ImportStats latest;
  std::uint64_t shown = 0;
  bool finishing = false;
  options.now = nowSeconds();
  options.max_kept_rejections = 0;  // reported as they come
  options.progress_every = 1000;
  options.on_progress = [&](const outreach::ImportStats& s) {
    latest = s;
    return !(finishing && o.dry_run);  // a dry run says no at the very end: all rolled back
  };
  options.on_reject = [&](const outreach::RowRejection& r) {
    if (shown < o.max_errors_shown) {
      progress.clear();
      io.err << "  " << outreach::describeRejection(r) << "\n";
      ++shown;
    }
    if (errors_out) {
      std::string line;
      outreach::CsvLineWriter w(',', &line);
      w.raw(std::to_string(r.line));
      w.raw(r.column);
      w.raw(outreach::rejectReasonText(r.reason));
      std::string detail = r.detail != nullptr ? r.detail : "";
      if (r.reason == outreach::RejectReason::DuplicateInFile && r.duplicate_of_line != 0) {
        detail = "line " + std::to_string(r.duplicate_of_line);
      }
      w.raw(detail);
      w.end();
      errors_out->stream() << line;
    }
  };

  outreach::ImportResult result;
  store::SqliteContactStore contacts(ctx.db());
  outreach::ContactImporter importer(contacts, options);
  std::string buf(kChunkBytes, '\0');
  std::uint64_t read_bytes = 0;
  bool read_failed = false;
  for (;;) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), file.get());
    if (n > 0) {
      read_bytes += n;
      if (importer.feed(std::string_view(buf.data(), n))) break;
      progress.update(read_bytes, total,
                      "(" + std::to_string(latest.rows) + " rows, " +
                          std::to_string(latest.rejected) + " rejected)");
    }
    if (n < buf.size()) {
      read_failed = std::ferror(file.get()) != 0;
      break;
    }
  }
  finishing = true;
  result = read_failed ? importer.abort(outreach::ImportErrc::ReadFailed) : importer.finish();
  progress.clear();

  // A dry run's result counts nothing as kept; its last progress call saw the real counts.
  const bool dry = o.dry_run && result.error == outreach::ImportErrc::Cancelled;
  const outreach::ImportStats& s = dry ? latest : result.stats;
  if (result.error == outreach::ImportErrc::BadHeader) {
    io.err << prefix << o.file << ": the header row is not usable: " << result.detail
           << ". Nothing was imported. The columns are listed in docs/cli.md (phone is "
              "required).\n";
    return kExitFailed;
  }
  if (result.error == outreach::ImportErrc::ReadFailed) {
    io.err << prefix << o.file << " could not be read to the end; nothing was imported.\n";
    return kExitFailed;
  }
  if (result.error && !dry) {
    io.err << prefix << "the import failed and nothing was imported: " << storeHint(result.error)
           << "\n";
    return kExitFailed;
  }
  if (s.rejected > shown) {
    io.err << "  ... and " << (s.rejected - shown) << " more rejected row(s) not shown ("
           << (errors_out ? "all are in " + o.errors_file
                          : std::string("--errors-file FILE lists them all"))
           << ")\n";
  }
  if (errors_out && !errors_out->commit()) {
    io.err << prefix << "could not write " << o.errors_file << ".\n";
  }
  const std::uint64_t imported = s.inserted + s.updated;
  io.err << o.file << ": " << s.rows << " row(s): " << imported
         << (dry ? " would be imported (" : " imported (") << s.inserted << " new, " << s.updated
         << " updated), " << s.rejected << " rejected, tenant " << ctx.tenant << ".\n";
  if (dry) io.err << "Dry run: nothing was written.\n";
  if (s.rejected > 0) {
    io.err << (dry ? "Fix the rejected rows before importing."
                   : "The other rows were imported; fix the rejected rows and import the file "
                     "again (rows already imported are updated, not doubled).")
           << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

int contactsExport(const ContactsExportOptions& o, CommandIo& io) {
  Context ctx;
  if (int code = openContext(o.store, "contacts export", io, &ctx)) return code;
  store::SqliteContactStore contacts(ctx.db());
  outreach::ExportOptions eo;
  eo.tenant_id = ctx.tenant;
  v1::Filter filter;
  if (o.segment_id) {
    store::SqliteSegmentStore segments(ctx.db());
    store::SavedSegment segment;
    if (auto ec = segments.get(ctx.tenant, *o.segment_id, &segment)) {
      if (ec == store::StoreErrc::NotFound) {
        io.err << ctx.prefix << "no segment " << *o.segment_id << " in tenant " << ctx.tenant
               << ".\n";
      } else {
        io.err << ctx.prefix << "reading the segment failed: " << storeHint(ec) << "\n";
      }
      return kExitFailed;
    }
    if (!filter.ParseFromString(segment.filter)) {
      io.err << ctx.prefix << "the segment's filter cannot be read.\n";
      return kExitFailed;
    }
    eo.filter = &filter;
  }
  outreach::ExportResult r;
  if (o.out_file.empty()) {
    r = outreach::exportContacts(contacts, eo, [&](std::string_view chunk) {
      io.out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      return io.out.good();
    });
    io.out.flush();
  } else {
    r = outreach::exportContactsToFile(contacts, eo, o.out_file);
  }
  if (!r.ok()) {
    io.err << ctx.prefix << "the export failed: " << r.error.message()
           << (r.detail.empty() ? "" : ": " + r.detail) << "\n";
    return kExitFailed;
  }
  io.err << ctx.prefix << r.rows << " contact(s) of tenant " << ctx.tenant << " written"
         << (o.out_file.empty() ? "" : " to " + o.out_file)
         << ". The file holds personal data: keep it safe and delete it when done.\n";
  return kExitOk;
}

// =============================================================================================
// campaigns
// =============================================================================================

int campaignCreate(const CampaignCreateOptions& o, CommandIo& io) {
  const std::string prefix = "liaison campaign create: ";
  v1::Campaign def;
  // The file first: its errors need no store.
  if (int code = readCampaignFile(o.file, prefix, io, &def)) return code;
  Context ctx;
  if (int code = openContext(o.store, "campaign create", io, &ctx)) return code;
  def.set_tenant_id(ctx.tenant);

  store::SqliteCampaignStore campaigns(ctx.db());
  store::SqliteSegmentStore segments(ctx.db());
  store::SqliteOutboxStore outbox(ctx.db());
  store::SqliteResponseStore responses(ctx.db());
  outreach::CampaignPlanner planner(campaigns, segments, outbox, responses);
  std::vector<std::string> problems;
  if (auto ec = planner.validate(def, &problems)) {
    io.err << prefix << "validating the campaign failed: " << storeHint(ec) << "\n";
    return kExitFailed;
  }
  if (!problems.empty() && !o.allow_problems) {
    for (const std::string& p : problems) io.err << prefix << o.file << ": " << p << "\n";
    io.err << prefix << problems.size()
           << " problem(s); nothing was saved. Fix them, or pass --draft to save it as a draft "
              "anyway (it cannot start until they are fixed).\n";
    return kExitFailed;
  }

  const std::int64_t now = nowSeconds();
  liaison::sync::UuidV7Generator uuids(
      [] {
        return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
      },
      [](std::span<std::uint8_t> out) { api::osRandom(out); });
  store::CampaignRecord r;
  r.id = uuids.next().toString();
  r.tenant_id = ctx.tenant;
  r.name = def.name();
  r.kind = def.has_poll() ? store::CampaignKind::Poll : store::CampaignKind::Notice;
  r.state = store::CampaignState::Draft;
  def.set_id(r.id);
  def.set_state(v1::CAMPAIGN_STATE_DRAFT);
  def.mutable_created_at()->set_seconds(now);
  r.definition = def;
  if (auto ec = campaigns.create(r, now)) {
    if (ec == store::StoreErrc::Constraint) {
      io.err << prefix << "tenant " << ctx.tenant
             << " already has a campaign with this name: choose another name (`liaison "
                "campaign list` shows them).\n";
    } else {
      io.err << prefix << "saving the campaign failed: " << storeHint(ec) << "\n";
    }
    return kExitFailed;
  }
  io.out << r.id << "\n" << std::flush;
  for (const std::string& p : problems) io.err << prefix << "problem: " << p << "\n";
  io.err << "Draft " << kindName(r.kind) << " campaign created in tenant " << ctx.tenant << ". "
         << (problems.empty() ? "Start it with `liaison campaign start " + r.id + "`."
                              : std::string("Fix its problems (through the REST API's PUT) "
                                            "before starting it."))
         << "\n";
  return kExitOk;
}

int campaignAction(const StoreOptions& so, CampaignAction action, const std::string& id,
                   CommandIo& io) {
  static constexpr std::array<const char*, 4> kVerbs = {"start", "pause", "resume", "cancel"};
  const char* verb = kVerbs[static_cast<std::size_t>(action)];
  if (!checkCampaignId(id, std::string("campaign ") + verb, io)) return kExitUsage;
  Context ctx;
  if (int code = openContext(so, std::string("campaign ") + verb, io, &ctx)) return code;
  store::SqliteCampaignStore campaigns(ctx.db());
  store::SqliteSegmentStore segments(ctx.db());
  store::SqliteOutboxStore outbox(ctx.db());
  store::SqliteResponseStore responses(ctx.db());
  outreach::CampaignPlanner planner(campaigns, segments, outbox, responses);

  store::CampaignRecord r;
  if (auto ec = campaigns.get(ctx.tenant, id, &r)) return campaignLookupFailed(ctx, id, ec, io);

  if (action == CampaignAction::Start) {
    Progress progress(io, "planning");
    outreach::PlanResult result;
    std::vector<std::string> problems;
    auto ec = planner.plan(
        ctx.tenant, id, nowSeconds(),
        [&](std::int64_t done, std::int64_t total) {
          progress.update(
              static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(total),
              "(" + std::to_string(done) + " of " + std::to_string(total) + " recipients)");
          return true;
        },
        &result, &problems);
    progress.clear();
    if (ec == outreach::PlanErrc::InvalidCampaign) {
      for (const std::string& p : problems) io.err << ctx.prefix << "problem: " << p << "\n";
      io.err << ctx.prefix << "campaign " << id << " has " << problems.size()
             << " problem(s) and was not started.\n";
      return kExitFailed;
    }
    if (ec == outreach::PlanErrc::WrongState) {
      io.err << ctx.prefix << "campaign " << id << " is " << stateName(r.state)
             << "; only a draft, scheduled or running campaign can be started"
             << (r.state == store::CampaignState::Paused
                     ? " (`liaison campaign resume " + id + "` continues a paused one)"
                     : std::string())
             << ".\n";
      return kExitFailed;
    }
    if (ec == store::StoreErrc::NotFound) return campaignLookupFailed(ctx, id, ec, io);
    if (ec) {
      io.err << ctx.prefix << "planning stopped after " << result.planned << " of "
             << result.audience << " recipients: " << storeHint(ec)
             << ". What was planned stays queued; run the command again to plan the rest.\n";
      return kExitFailed;
    }
    io.out << "campaign " << id << " is running: " << result.planned << " of " << result.audience
           << " recipient(s) planned (" << result.inserted << " new, " << result.already_present
           << " already queued";
    if (r.kind == store::CampaignKind::Poll)
      io.out << ", " << result.sessions_opened << " polls opened";
    io.out << ").\n";
    if (result.zone_fallbacks > 0) {
      io.out << result.zone_fallbacks << " recipient(s) without a known time zone were planned "
             << "in their country's zone (" << result.utc_fallbacks << " in UTC).\n";
    }
    io.err << "`liaison serve` on this data directory sends the messages in each recipient's "
              "sending window.\n";
    return kExitOk;
  }

  const store::CampaignState to = action == CampaignAction::Pause ? store::CampaignState::Paused
                                  : action == CampaignAction::Resume
                                      ? store::CampaignState::Running
                                      : store::CampaignState::Cancelled;
  // Resume continues a paused campaign only (start plans a draft).
  const bool allowed = action == CampaignAction::Resume
                           ? r.state == store::CampaignState::Paused
                           : r.state != to && store::isAllowedTransition(r.state, to);
  if (!allowed) {
    io.err << ctx.prefix << "campaign " << id << " is " << stateName(r.state) << " and cannot be "
           << (action == CampaignAction::Pause    ? "paused"
               : action == CampaignAction::Resume ? "resumed (only a paused one can)"
                                                  : "cancelled")
           << ".\n";
    return kExitFailed;
  }
  store::Transition transition{};
  std::int64_t rows = 0;
  if (auto ec =
          planner.changeState(ctx.tenant, id, r.state, to, nowSeconds(), &transition, &rows)) {
    io.err << ctx.prefix << "changing the campaign failed: " << storeHint(ec) << "\n";
    return kExitFailed;
  }
  if (transition == store::Transition::Ignored) {
    io.err << ctx.prefix << "campaign " << id << " changed state meanwhile; run "
           << "`liaison campaign list` and retry.\n";
    return kExitFailed;
  }
  io.out << "campaign " << id << " is " << stateName(to) << ": " << rows << " queued message(s) "
         << (action == CampaignAction::Pause    ? "held"
             : action == CampaignAction::Resume ? "released"
                                                : "cancelled")
         << ".\n";
  return kExitOk;
}

int campaignList(const StoreOptions& so, CommandIo& io) {
  Context ctx;
  if (int code = openContext(so, "campaign list", io, &ctx)) return code;
  store::SqliteCampaignStore campaigns(ctx.db());
  store::SqliteOutboxStore outbox(ctx.db());
  std::vector<store::CampaignRecord> all;
  if (auto ec = campaigns.list(ctx.tenant, &all)) {
    io.err << ctx.prefix << "listing campaigns failed: " << storeHint(ec) << "\n";
    return kExitFailed;
  }
  if (all.empty()) {
    io.err << "Tenant " << ctx.tenant << " has no campaigns (`liaison campaign create FILE`).\n";
    return kExitOk;
  }
  io.out << paddedRight("ID", 38) << paddedRight("STATE", 11) << paddedRight("KIND", 8)
         << paddedRight("CREATED", 22) << paddedLeft("MESSAGES", 9) << "  NAME\n";
  for (const store::CampaignRecord& r : all) {
    std::array<std::int64_t, 8> counts{};
    std::int64_t total = 0;
    if (!outbox.countByState(r.id, &counts)) {
      for (std::size_t i = 1; i < counts.size(); ++i) total += counts[i];
    }
    io.out << paddedRight(r.id, 38) << paddedRight(stateName(r.state), 11)
           << paddedRight(kindName(r.kind), 8)
           << paddedRight(outreach::formatIsoTime(r.created_at), 22)
           << paddedLeft(std::to_string(total), 9) << "  " << r.name << "\n";
  }
  return kExitOk;
}

// =============================================================================================
// results
// =============================================================================================

int results(const ResultsOptions& o, CommandIo& io) {
  if (!checkCampaignId(o.campaign_id, "results", io)) return kExitUsage;
  Context ctx;
  if (int code = openContext(o.store, "results", io, &ctx)) return code;
  store::SqliteCampaignStore campaigns(ctx.db());
  store::CampaignRecord r;
  if (auto ec = campaigns.get(ctx.tenant, o.campaign_id, &r)) {
    return campaignLookupFailed(ctx, o.campaign_id, ec, io);
  }
  store::SqliteResultsStore rs(ctx.db());
  if (o.csv) {
    outreach::ExportResult er;
    if (o.out_file.empty()) {
      er = outreach::exportResultsCsv(rs, ctx.tenant, o.campaign_id, io.out);
      io.out.flush();
    } else {
      AtomicFile file(o.out_file);
      if (!file.ok()) {
        io.err << ctx.prefix << "cannot write " << o.out_file << ".\n";
        return kExitUsage;
      }
      er = outreach::exportResultsCsv(rs, ctx.tenant, o.campaign_id, file.stream());
      if (er.ok() && !file.commit()) er.error = outreach::ExportErrc::WriteFailed;
    }
    if (!er.ok()) {
      if (er.error == store::StoreErrc::NotFound) {
        return campaignLookupFailed(ctx, o.campaign_id, er.error, io);
      }
      io.err << ctx.prefix << "the export failed: " << storeHint(er.error) << "\n";
      return kExitFailed;
    }
    io.err << ctx.prefix << er.rows << " respondent(s) written"
           << (o.out_file.empty() ? "" : " to " + o.out_file)
           << ". Free-text answers can be personal: keep the file safe.\n";
    return kExitOk;
  }

  store::SqliteOutboxStore outbox(ctx.db());
  outreach::CampaignResults res;
  if (auto ec = outreach::computeResults(rs, outbox, ctx.tenant, o.campaign_id, &res)) {
    return campaignLookupFailed(ctx, o.campaign_id, ec, io);
  }
  std::ostream& out = io.out;
  out << "Campaign " << r.id << ": " << r.name << " (" << kindName(r.kind) << ", "
      << stateName(r.state) << ")\n";
  const outreach::DeliveryStats& d = res.delivery;
  out << "Messages: " << d.total << " total, " << d.delivered << " delivered ("
      << percent(d.delivery_rate) << "), " << d.submitted << " awaiting a receipt, " << d.queued
      << " queued, " << d.sending << " sending, " << d.failed << " failed, " << d.expired
      << " expired, " << d.unknown << " unknown\n";
  if (r.kind == store::CampaignKind::Poll) {
    out << "Respondents: ";
    printSessions(res.sessions, out);
    for (const outreach::QuestionResult& q : res.questions) printQuestion(q, out);
    if (res.answers_without_session > 0) {
      out << "\n"
          << res.answers_without_session
          << " answer(s) without a poll session are counted above but in no breakdown.\n";
    }
    printGroups("country", res.by_country, out);
    printGroups("language", res.by_language, out);
  }
  return kExitOk;
}

// =============================================================================================
// tokens
// =============================================================================================

int tokensCreate(const TokensCreateOptions& o, CommandIo& io) {
  const std::string prefix = "liaison tokens create: ";
  const std::optional<api::Role> role = api::parseRole(o.role);
  if (!role) {
    io.err << prefix << "unknown role '" << o.role
           << "': choose admin, officer, analyst or auditor (docs/api.md says what each may "
              "do).\n";
    return kExitUsage;
  }
  if (o.expires_in_days && (*o.expires_in_days < 1 || *o.expires_in_days > 3650)) {
    io.err << prefix << "--expires-in-days must be from 1 to 3650.\n";
    return kExitUsage;
  }
  Context ctx;
  if (int code = openContext(o.store, "tokens create", io, &ctx)) return code;
  api::SqliteTokenStore tokens(ctx.db());
  api::NewToken spec;
  spec.tenant_id = ctx.tenant;
  spec.name = o.name.empty() ? std::string("cli") : o.name;
  spec.role = *role;
  const std::int64_t now = nowSeconds();
  if (o.expires_in_days) spec.expires_at = now + *o.expires_in_days * 86400;
  api::IssuedToken issued;
  if (auto ec = api::issueToken(tokens, spec, now, &issued)) {
    if (ec == store::StoreErrc::InvalidArgument) {
      io.err << prefix << "--name must be 1 to 100 bytes of text.\n";
      return kExitUsage;
    }
    io.err << prefix << "creating the token failed: " << storeHint(ec) << "\n";
    return kExitFailed;
  }
  io.out << issued.token << "\n" << std::flush;
  io.err << "Token " << issued.record.prefix << " (role " << api::roleName(*role) << ", tenant "
         << ctx.tenant << ")"
         << (o.expires_in_days ? ", expires " + outreach::formatIsoTime(*spec.expires_at)
                               : std::string())
         << ".\nStore it now, e.g. in a password manager: it is shown only this once and "
            "cannot be recovered (liaison keeps only its hash). Send it as "
            "`Authorization: Bearer <token>`.\n";
  return kExitOk;
}

// =============================================================================================
// TOML campaign files
// =============================================================================================

bool campaignJsonFromToml(std::string_view toml_text, std::string* json_text, std::string* error) {
  error->clear();
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    *error = std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) +
             ": TOML syntax error: " + std::string(e.description());
    return false;
  }
  json out;
  if (!tomlToJson(root, "", &out, error)) return false;
  *json_text = out.dump();
  return true;
}

}  // namespace liaison::gateway::cli
