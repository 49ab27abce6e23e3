// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The TOML loader. toml++ (a large template library) lives only in this translation unit.
// Reading is one pass over the document with a Table cursor per TOML table: every key a
// section asks for is recorded, so whatever is left over is an unknown key. Problems are
// collected, never thrown; cross-references (tenants, duplicate names) are checked at the end.
#include "config/config.h"

#include <fcntl.h>
#include <phonenumbers/phonenumberutil.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "api/http_server.h"
#include "channels/smpp/smpp_channel.h"
#include "liaison/sync/batch_codec.h"
#include "outreach/inbound_processor.h"
#include "outreach/text_normalizer.h"

namespace liaison::gateway::config {

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr std::size_t kMaxTenants = 1000;
constexpr std::size_t kMaxChannels = 256;
constexpr std::size_t kMaxBindGroups = 16;
constexpr uint32_t kMaxBindsPerAccount = 32;
constexpr std::size_t kMaxLanguages = 64;
constexpr std::size_t kMaxWords = 200;
constexpr std::size_t kMaxWordBytes = 64;
constexpr std::size_t kMaxReplyBytes = 1600;  // ten GSM 7-bit segments
constexpr std::size_t kMaxNameBytes = 63;
constexpr std::size_t kMaxTextBytes = 1024;  // ordinary string values
constexpr std::size_t kMaxPathBytes = 4096;
constexpr std::size_t kMaxUrlBytes = 2048;
constexpr std::size_t kMinWebhookSecret = 16;
constexpr std::size_t kMinAdminToken = 32;

// ---- Small text helpers

// A value for a message: quoted, control characters escaped, long values cut (file paths are
// shown whole: an operator must be able to find the file). Only ever used for values that are
// not secrets.
std::string shown(std::string_view s, std::size_t max_chars = 60) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < max_chars; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > max_chars) out += "...";
  out += '"';
  return out;
}

// A key as it appears in a path: bare when it can be, else quoted.
std::string keyText(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? std::string(key) : shown(key);
}

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions
// of neighbours ("prot" -> "port") each cost one.
std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* typeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// A run of 7 or more digits could be (or be mistaken for) a phone number in metrics and logs.
bool hasLongDigitRun(std::string_view s) {
  int run = 0;
  for (char c : s) {
    run = std::isdigit(static_cast<unsigned char>(c)) ? run + 1 : 0;
    if (run >= 7) return true;
  }
  return false;
}

// Tenant ids and channel names: they appear in metrics labels, logs and webhook paths.
std::string checkName(std::string_view s) {
  if (s.empty()) return "must not be empty";
  if (s.size() > kMaxNameBytes) return "is longer than 63 characters";
  const bool ok = std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!ok || s[0] == '-' || s[0] == '_') {
    return shown(s) + " is not a name: use a-z, 0-9, '-' and '_', starting with a letter or digit";
  }
  if (hasLongDigitRun(s)) return shown(s) + " has 7 or more digits in a row (like a phone number)";
  return {};
}

// BCP 47, in the shape the contacts and polls use: "en", "fr", "pt-BR", "zh-Hant".
bool validLanguage(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
  if (i < 2 || i > 3) return false;
  while (i < s.size()) {
    if (s[i] != '-') return false;
    std::size_t j = ++i;
    while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
    if (j - i < 2 || j - i > 8) return false;
    i = j;
  }
  return true;
}

bool validHost(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':';
  });
}

bool validEnvName(std::string_view s) {
  if (s.empty() || s.size() > 128 || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "HH:MM-HH:MM" (24:00 allowed as the end) -> DailyWindow.
bool parseWindow(std::string_view s, outreach::DailyWindow* out) {
  auto two = [&](std::size_t at, int* v) {
    if (!std::isdigit(static_cast<unsigned char>(s[at])) ||
        !std::isdigit(static_cast<unsigned char>(s[at + 1]))) {
      return false;
    }
    *v = (s[at] - '0') * 10 + (s[at + 1] - '0');
    return true;
  };
  if (s.size() != 11 || s[2] != ':' || s[5] != '-' || s[8] != ':') return false;
  int h1, m1, h2, m2;
  if (!two(0, &h1) || !two(3, &m1) || !two(6, &h2) || !two(9, &m2)) return false;
  if (h2 == 24 && m2 == 0) h2 = 0;  // end of day
  return !outreach::makeWindow(h1, m1, h2, m2, out);
}

std::string resolvePath(const fs::path& base, const std::string& p) {
  if (p.empty() || base.empty() || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

// Reads at most `limit` bytes; false with a reason when unreadable or larger.
bool readFileLimited(const std::string& path, std::size_t limit, std::string* out,
                     std::string* why) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    *why = std::strerror(errno);
    return false;
  }
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    ::close(fd);
    *why = "not a regular file";
    return false;
  }
  out->clear();
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      *why = std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<std::size_t>(n));
    if (out->size() > limit) {
      ::close(fd);
      *why = "larger than " + std::to_string(limit) + " bytes";
      return false;
    }
  }
  ::close(fd);
  return true;
}

std::optional<std::string> processEnv(const std::string& name) {
  if (const char* v = std::getenv(name.c_str())) return std::string(v);
  return std::nullopt;
}

// ---- The reading machinery

struct Context {
  const LoadOptions& options;
  fs::path base_dir;
  std::vector<ConfigIssue>& issues;

  void error(const toml::node* where, std::string path, std::string message) {
    error(where ? &where->source() : nullptr, std::move(path), std::move(message));
  }
  void error(const toml::source_region* where, std::string path, std::string message) {
    ConfigIssue issue{std::move(path), std::move(message)};
    if (where && where->begin) {
      issue.line = where->begin.line;
      issue.column = where->begin.column;
    }
    issues.push_back(std::move(issue));
  }
  std::optional<std::string> env(const std::string& name) const {
    return options.env ? options.env(name) : processEnv(name);
  }
};

// A cursor over one TOML table. Every key asked for is recorded as known; finish() reports
// the rest as unknown. Readers return true when the key is present and valid (then *out is
// set); a present but invalid value is reported and leaves *out unchanged.
class Table {
 public:
  Table(Context& ctx, const toml::table& table, std::string path)
      : ctx_(&ctx), table_(&table), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  const toml::node* node() const { return table_; }
  std::string keyPath(std::string_view key) const {
    return path_.empty() ? keyText(key) : path_ + "." + keyText(key);
  }
  void error(const toml::node* where, std::string_view key, std::string message) {
    ctx_->error(where ? where : table_, keyPath(key), std::move(message));
  }
  // An error at a path below this table that is not one key ("replies.stop", "headers.X").
  void errorBelow(const toml::node* where, const std::string& relative, std::string message) {
    ctx_->error(where ? where : table_, path_.empty() ? relative : path_ + "." + relative,
                std::move(message));
  }
  Context& context() { return *ctx_; }
  // The key a secret under `base` was read from (for messages about its value).
  std::string secretKey(std::string_view base) {
    const std::string file_key = std::string(base) + "_file";
    return table_->contains(file_key) ? file_key : std::string(base) + "_env";
  }

  bool has(std::string_view key) {
    known_.emplace(key);
    return table_->contains(key);
  }
  const toml::node* take(std::string_view key) {
    known_.emplace(key);
    return table_->get(key);
  }

  bool string(std::string_view key, std::string* out, std::size_t max_bytes = kMaxTextBytes) {
    const toml::node* n = take(key);
    if (!n) return false;
    const auto* v = n->as_string();
    if (!v) {
      error(n, key, "must be a string, not " + std::string(typeName(*n)));
      return false;
    }
    if (v->get().size() > max_bytes) {
      error(n, key, "is longer than " + std::to_string(max_bytes) + " bytes");
      return false;
    }
    *out = v->get();
    return true;
  }

  // A name (tenant id, channel name); required.
  bool name(std::string_view key, std::string* out) {
    std::string v;
    if (!string(key, &v, 4 * kMaxNameBytes)) {
      if (!table_->contains(key)) error(nullptr, key, "is required");
      return false;
    }
    if (std::string why = checkName(v); !why.empty()) {
      error(take(key), key, why);
      return false;
    }
    *out = v;
    return true;
  }

  bool boolean(std::string_view key, bool* out) {
    const toml::node* n = take(key);
    if (!n) return false;
    const auto* v = n->as_boolean();
    if (!v) {
      error(n, key, "must be true or false, not " + std::string(typeName(*n)));
      return false;
    }
    *out = v->get();
    return true;
  }

  bool integer(std::string_view key, int64_t min, int64_t max, int64_t* out,
               std::string_view what = {}) {
    const toml::node* n = take(key);
    if (!n) return false;
    const auto* v = n->as_integer();
    if (!v) {
      error(n, key, "must be an integer, not " + std::string(typeName(*n)));
      return false;
    }
    const int64_t x = v->get();
    if (x < min || x > max) {
      const std::string range = "(" + std::to_string(min) + "-" + std::to_string(max) + ")";
      error(n, key,
            std::to_string(x) +
                (what.empty() ? " is out of range " : " is not " + std::string(what) + " ") +
                range);
      return false;
    }
    *out = x;
    return true;
  }

  template <typename T>
  bool integerAs(std::string_view key, int64_t min, int64_t max, T* out) {
    int64_t v = 0;
    if (!integer(key, min, max, &v)) return false;
    *out = static_cast<T>(v);
    return true;
  }

  bool port(std::string_view key, bool allow_zero, uint16_t* out) {
    int64_t v = 0;
    if (!integer(key, allow_zero ? 0 : 1, 65535, &v, "a port")) return false;
    *out = static_cast<uint16_t>(v);
    return true;
  }

  bool millis(std::string_view key, int64_t min, int64_t max, milliseconds* out) {
    int64_t v = 0;
    if (!integer(key, min, max, &v)) return false;
    *out = milliseconds(v);
    return true;
  }

  // An integer or a float.
  bool number(std::string_view key, double min, double max, double* out) {
    const toml::node* n = take(key);
    if (!n) return false;
    double x = 0;
    if (const auto* i = n->as_integer()) {
      x = static_cast<double>(i->get());
    } else if (const auto* f = n->as_floating_point()) {
      x = f->get();
    } else {
      error(n, key, "must be a number, not " + std::string(typeName(*n)));
      return false;
    }
    if (!std::isfinite(x) || x < min || x > max) {
      std::ostringstream msg;
      msg << "must be a number from " << min << " to " << max;
      error(n, key, msg.str());
      return false;
    }
    *out = x;
    return true;
  }

  // An array of strings; each item checked by `check` (empty result: fine).
  bool stringArray(std::string_view key, std::size_t max_items, std::size_t max_bytes,
                   const std::function<std::string(const std::string&)>& check,
                   std::vector<std::string>* out) {
    const toml::node* n = take(key);
    if (!n) return false;
    const auto* arr = n->as_array();
    if (!arr) {
      error(n, key, "must be an array of strings, not " + std::string(typeName(*n)));
      return false;
    }
    if (arr->size() > max_items) {
      error(n, key, "has more than " + std::to_string(max_items) + " items");
      return false;
    }
    std::vector<std::string> items;
    bool ok = true;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::node& item = *arr->get(i);
      const std::string path = keyPath(key) + "[" + std::to_string(i) + "]";
      const auto* s = item.as_string();
      if (!s) {
        ctx_->error(&item, path, "must be a string, not " + std::string(typeName(item)));
        ok = false;
        continue;
      }
      if (s->get().size() > max_bytes) {
        ctx_->error(&item, path, "is longer than " + std::to_string(max_bytes) + " bytes");
        ok = false;
        continue;
      }
      if (std::string why = check ? check(s->get()) : std::string(); !why.empty()) {
        ctx_->error(&item, path, why);
        ok = false;
        continue;
      }
      items.push_back(s->get());
    }
    if (ok) *out = std::move(items);
    return ok;
  }

  std::optional<Table> table(std::string_view key) {
    const toml::node* n = take(key);
    if (!n) return std::nullopt;
    const auto* t = n->as_table();
    if (!t) {
      error(n, key, "must be a table, not " + std::string(typeName(*n)));
      return std::nullopt;
    }
    return Table(*ctx_, *t, keyPath(key));
  }

  // An array of tables ([[key]] or key = [{...}]), each with the path key[i].
  std::vector<Table> tables(std::string_view key, std::size_t max_items) {
    std::vector<Table> out;
    const toml::node* n = take(key);
    if (!n) return out;
    const auto* arr = n->as_array();
    if (!arr) {
      error(n, key,
            "must be an array of tables ([[" + keyPath(key) + "]]), not " +
                std::string(typeName(*n)));
      return out;
    }
    if (arr->size() > max_items) {
      error(n, key, "has more than " + std::to_string(max_items) + " entries");
      return out;
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::node& item = *arr->get(i);
      const std::string path = keyPath(key) + "[" + std::to_string(i) + "]";
      if (const auto* t = item.as_table()) {
        out.emplace_back(*ctx_, *t, path);
      } else {
        ctx_->error(&item, path, "must be a table, not " + std::string(typeName(item)));
      }
    }
    return out;
  }

  // A string-to-string table (reply texts per language, JSON headers and body fields).
  bool stringMap(std::string_view key, std::size_t max_items, std::size_t max_bytes,
                 const std::function<std::string(const std::string&)>& check_key,
                 std::map<std::string, std::string>* out) {
    auto t = table(key);
    if (!t) return false;
    bool ok = true;
    std::map<std::string, std::string> items;
    if (t->table_->size() > max_items) {
      error(t->table_, key, "has more than " + std::to_string(max_items) + " entries");
      return false;
    }
    for (auto&& [k, v] : *t->table_) {
      const std::string name(k.str());
      t->known_.insert(name);
      const std::string path = t->keyPath(name);
      if (std::string why = check_key ? check_key(name) : std::string(); !why.empty()) {
        ctx_->error(&v, path, why);
        ok = false;
        continue;
      }
      const auto* s = v.as_string();
      if (!s) {
        ctx_->error(&v, path, "must be a string, not " + std::string(typeName(v)));
        ok = false;
      } else if (s->get().empty()) {
        ctx_->error(&v, path, "must not be empty");
        ok = false;
      } else if (s->get().size() > max_bytes) {
        ctx_->error(&v, path, "is longer than " + std::to_string(max_bytes) + " bytes");
        ok = false;
      } else {
        items[name] = s->get();
      }
    }
    if (ok) *out = std::move(items);
    return ok;
  }

  // A file path: resolved against the base directory, optionally checked for reading.
  bool file(std::string_view key, bool check, std::string* out) {
    std::string p;
    if (!string(key, &p, kMaxPathBytes)) return false;
    if (p.empty()) {
      error(take(key), key, "must not be empty (leave the key out instead)");
      return false;
    }
    p = resolvePath(ctx_->base_dir, p);
    if (check && ctx_->options.check_files) {
      const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (fd < 0) {
        error(take(key), key,
              "cannot read " + shown(p, kMaxPathBytes) + ": " + std::strerror(errno));
        return false;
      }
      ::close(fd);
    }
    *out = p;
    return true;
  }

  // A secret under `base`: `base_file` or `base_env`, never `base` itself. Returns true when
  // one was read. `required`: neither given is an error.
  bool secret(std::string_view base, bool required, Secret* out) {
    const std::string file_key = std::string(base) + "_file";
    const std::string env_key = std::string(base) + "_env";
    if (const toml::node* inline_value = take(base)) {
      error(inline_value, base,
            "secrets are not accepted inline: put it in a file and set " + file_key +
                ", or in an environment variable and set " + env_key);
    }
    const bool has_file = table_->contains(file_key);
    const bool has_env = table_->contains(env_key);
    known_.insert(file_key);
    known_.insert(env_key);
    if (has_file && has_env) {
      error(take(file_key), file_key, "set only one of " + file_key + " and " + env_key);
      return false;
    }
    if (has_file) {
      std::string path;
      if (!file(file_key, /*check=*/false, &path)) return false;
      std::string value, why;
      if (!readFileLimited(path, ctx_->options.max_secret_bytes, &value, &why)) {
        error(take(file_key), file_key, "cannot read " + shown(path, kMaxPathBytes) + ": " + why);
        return false;
      }
      if (value.ends_with("\r\n")) {
        value.resize(value.size() - 2);
      } else if (value.ends_with('\n')) {
        value.pop_back();
      }
      if (value.empty()) {
        error(take(file_key), file_key, "the file " + shown(path, kMaxPathBytes) + " is empty");
        return false;
      }
      // The whole path (it is not secret): an operator must be able to find the file.
      *out = Secret(std::move(value), "file " + shown(path, kMaxPathBytes));
      return true;
    }
    if (has_env) {
      std::string name;
      if (!string(env_key, &name, 256)) return false;
      if (!validEnvName(name)) {
        error(take(env_key), env_key,
              "is not an environment variable name (letters, digits and '_')");
        return false;
      }
      std::optional<std::string> value = ctx_->env(name);
      if (!value) {
        error(take(env_key), env_key, "the environment variable " + name + " is not set");
        return false;
      }
      if (value->empty()) {
        error(take(env_key), env_key, "the environment variable " + name + " is empty");
        return false;
      }
      if (value->size() > ctx_->options.max_secret_bytes) {
        error(take(env_key), env_key,
              "the environment variable " + name + " is longer than " +
                  std::to_string(ctx_->options.max_secret_bytes) + " bytes");
        return false;
      }
      *out = Secret(std::move(*value), "env " + name);
      return true;
    }
    if (required && !table_->contains(base)) {
      error(nullptr, file_key, "is required: set " + file_key + " or " + env_key);
    }
    return false;
  }

  // Reports every key nobody asked for, with the closest known key as a suggestion.
  void finish() {
    for (auto&& entry : *table_) {
      const toml::key& k = entry.first;
      const std::string key(k.str());
      if (known_.count(key)) continue;
      // The closest known key within a few edits, else a known key that is a prefix of it
      // ("smpp_accounts" -> "smpp") or has it as a prefix.
      const std::string typed = lower(key);
      const std::size_t threshold = std::clamp<std::size_t>(key.size() / 3, 1, 3);
      std::string best;
      std::size_t best_distance = threshold + 1;
      for (const auto& candidate : known_) {
        const std::size_t d = editDistance(typed, candidate);
        if (d < best_distance) {
          best = candidate;
          best_distance = d;
        }
      }
      if (best.empty()) {
        for (const auto& candidate : known_) {
          if (std::min(candidate.size(), typed.size()) >= 3 &&
              (typed.starts_with(candidate) || candidate.starts_with(typed))) {
            best = candidate;
            break;
          }
        }
      }
      std::string message = "unknown key";
      if (!best.empty()) message += " (did you mean " + best + "?)";
      ctx_->error(&k.source(), keyPath(key), message);
    }
  }

 private:
  Context* ctx_;
  const toml::table* table_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

// ---- Sections

void readServer(Table& t, ServerConfig& s) {
  if (t.string("address", &s.address, 253) && !validHost(s.address)) {
    t.error(t.take("address"), "address", shown(s.address) + " is not a host name or address");
  }
  t.port("port", /*allow_zero=*/true, &s.port);
  std::string dir;
  if (t.string("data_dir", &dir, kMaxPathBytes)) {
    if (dir.empty()) {
      t.error(t.take("data_dir"), "data_dir", "must not be empty");
    } else {
      s.data_dir = dir;
    }
  }
  s.data_dir = resolvePath(t.context().base_dir, s.data_dir);
  if (t.string("public_url", &s.public_url, kMaxUrlBytes)) {
    if (!(s.public_url.starts_with("https://") || s.public_url.starts_with("http://"))) {
      t.error(t.take("public_url"), "public_url",
              shown(s.public_url) + " is not an http:// or https:// URL");
    } else if (s.public_url.ends_with('/')) {
      s.public_url.pop_back();
    }
  }
  const bool has_cert = t.has("tls_cert_file");
  const bool has_key = t.has("tls_key_file");
  t.file("tls_cert_file", true, &s.tls_cert_file);
  t.file("tls_key_file", true, &s.tls_key_file);
  if (has_cert != has_key) {
    const std::string present = has_cert ? "tls_cert_file" : "tls_key_file";
    t.error(t.take(present), has_cert ? "tls_key_file" : "tls_cert_file",
            "is required with " + present);
  }
  t.integerAs("max_header_bytes", 1 << 10, 1 << 20, &s.max_header_bytes);
  t.integerAs("max_body_bytes", 1 << 10, 64 << 20, &s.max_body_bytes);
  t.millis("request_timeout_ms", 100, 600'000, &s.request_timeout);
  t.integerAs("max_connections", 1, 100'000, &s.max_connections);
  t.millis("shutdown_grace_ms", 0, 300'000, &s.shutdown_grace);
  t.finish();
}

void readLog(Table& t, LogConfig& l) {
  std::string level;
  if (t.string("level", &level, 16)) {
    if (level == "debug") {
      l.level = log::Level::Debug;
    } else if (level == "info") {
      l.level = log::Level::Info;
    } else if (level == "warn") {
      l.level = log::Level::Warn;
    } else if (level == "error") {
      l.level = log::Level::Error;
    } else {
      t.error(t.take("level"), "level",
              shown(level) + " is not a level (debug, info, warn, error)");
    }
  }
  t.finish();
}

void readApi(Table& t, ApiConfig& a) {
  t.number("rate_limit_per_second", 0.01, 1e6, &a.rate_limit_per_second);
  t.integerAs("rate_limit_burst", 1, 1'000'000, &a.rate_limit_burst);
  Secret token;
  if (t.secret("bootstrap_admin_token", /*required=*/false, &token)) {
    if (token.reveal().size() < kMinAdminToken) {
      const std::string key = t.secretKey("bootstrap_admin_token");
      t.error(t.take(key), key, "the token is shorter than 32 characters: use a long random value");
    } else if (token.reveal().size() > 256) {
      const std::string key = t.secretKey("bootstrap_admin_token");
      t.error(t.take(key), key, "the token is longer than 256 characters");
    } else {
      a.bootstrap_admin_token = std::move(token);
    }
  }
  t.finish();
}

void readSync(Table& t, SyncConfig& s) {
  t.boolean("enabled", &s.enabled);
  t.integerAs("max_request_bytes", 1 << 10, 64 << 20, &s.max_request_bytes);
  t.integerAs("max_operations", 1, 100'000, &s.max_operations);
  t.integerAs("max_operation_bytes", 256, 16 << 20, &s.max_operation_bytes);
  if (s.max_operation_bytes > s.max_request_bytes) {
    t.error(t.take("max_operation_bytes"), "max_operation_bytes",
            "is larger than max_request_bytes");
  }
  t.finish();
}

void readWebhooks(Table& t, WebhookConfig& w) {
  int64_t seconds = 0;
  if (t.integer("timestamp_tolerance_s", 1, 3600, &seconds)) {
    w.timestamp_tolerance = std::chrono::seconds(seconds);
  }
  t.integerAs("max_body_bytes", 1 << 10, 1 << 20, &w.max_body_bytes);
  t.finish();
}

std::string checkLanguage(const std::string& s) {
  return validLanguage(s) ? std::string()
                          : shown(s) + " is not a language tag (BCP 47, e.g. \"en\", \"pt-BR\")";
}

std::string checkWord(const std::string& s) {
  if (s.empty()) return "must not be empty";
  if (s.find_first_of("\r\n\t") != std::string::npos) return "must be one line";
  // Matching compares normalised text: a word that normalises to nothing would match nothing
  // (or, worse, an empty message).
  if (outreach::normalizeAnswer(s).empty()) return shown(s) + " has no letters or digits";
  return {};
}

void readTenant(Table& t, TenantConfig& tenant) {
  t.name("id", &tenant.id);
  if (!t.string("name", &tenant.name, 200)) tenant.name = tenant.id;
  if (t.string("default_region", &tenant.default_region, 8)) {
    const bool shaped = tenant.default_region.size() == 2 &&
                        std::all_of(tenant.default_region.begin(), tenant.default_region.end(),
                                    [](char c) { return c >= 'A' && c <= 'Z'; });
    const bool known =
        shaped && (tenant.default_region == "ZZ" ||
                   i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(
                       tenant.default_region) != 0);
    if (!known) {
      t.error(t.take("default_region"), "default_region",
              shown(tenant.default_region) +
                  " is not a region code with phone numbers (ISO 3166 alpha-2 in capitals, e.g. "
                  "\"DE\"; \"ZZ\" for none)");
      tenant.default_region = "ZZ";
    }
  }
  std::string fallback;
  if (t.string("fallback_language", &fallback, 35)) {
    if (validLanguage(fallback)) {
      tenant.fallback_language = fallback;
    } else {
      t.error(t.take("fallback_language"), "fallback_language", checkLanguage(fallback));
    }
  }
  if (t.stringArray("languages", kMaxLanguages, 35, checkLanguage, &tenant.languages)) {
    if (tenant.languages.empty()) {
      t.error(t.take("languages"), "languages", "must list at least one language");
    } else if (std::find(tenant.languages.begin(), tenant.languages.end(),
                         tenant.fallback_language) == tenant.languages.end()) {
      t.error(t.take("languages"), "languages",
              "does not contain the fallback language " + shown(tenant.fallback_language));
    }
    std::set<std::string> seen;
    for (const auto& l : tenant.languages) {
      if (!seen.insert(l).second) {
        t.error(t.take("languages"), "languages", shown(l) + " is listed twice");
      }
    }
  }
  if (tenant.languages.empty()) tenant.languages = {tenant.fallback_language};

  std::string window;
  if (t.string("sending_window", &window, 64) && !parseWindow(window, &tenant.sending_window)) {
    t.error(t.take("sending_window"), "sending_window",
            shown(window) + " is not HH:MM-HH:MM (e.g. \"09:00-20:00\")");
  }
  t.integer("duplicate_window_s", 0, 86'400, &tenant.duplicate_window_s);

  if (auto k = t.table("keywords")) {
    k->stringArray("stop", kMaxWords, kMaxWordBytes, checkWord, &tenant.keywords.stop_words);
    k->stringArray("start", kMaxWords, kMaxWordBytes, checkWord, &tenant.keywords.start_words);
    k->stringArray("help", kMaxWords, kMaxWordBytes, checkWord, &tenant.keywords.help_words);
    k->boolean("include_defaults", &tenant.keywords.include_defaults);
    k->finish();
  }
  const auto languageKey = [&](const std::string& key) -> std::string {
    if (!validLanguage(key)) return checkLanguage(key);
    if (std::find(tenant.languages.begin(), tenant.languages.end(), key) ==
        tenant.languages.end()) {
      return "language " + shown(key) + " is not in " + t.path() + ".languages";
    }
    return {};
  };
  const outreach::ReplyTexts defaults = outreach::InboundConfig::defaultReplies();
  if (auto r = t.table("replies")) {
    r->stringMap("stop", 100, kMaxReplyBytes, languageKey, &tenant.stop_replies);
    r->stringMap("start", 100, kMaxReplyBytes, languageKey, &tenant.start_replies);
    r->stringMap("help", 100, kMaxReplyBytes, languageKey, &tenant.help_replies);
    r->finish();
  }
  // Every reply must exist at least in the fallback language.
  const auto need = [&](const char* which, const std::map<std::string, std::string>& configured,
                        const std::map<std::string, std::string>& builtin) {
    if (configured.count(tenant.fallback_language) || builtin.count(tenant.fallback_language)) {
      return;
    }
    std::vector<std::string> have;
    for (const auto& [lang, text] : builtin) have.push_back(lang);
    t.errorBelow(t.take("replies"), std::string("replies.") + which,
                 "no text for the fallback language " + shown(tenant.fallback_language) +
                     " (built-in texts exist for " + join(have, ", ") + ")");
  };
  need("stop", tenant.stop_replies, defaults.stop_confirmation);
  need("start", tenant.start_replies, defaults.start_confirmation);
  need("help", tenant.help_replies, defaults.help);
  t.finish();
}

bool parseBindMode(std::string_view s, smpp::BindMode* out) {
  if (s == "transceiver") {
    *out = smpp::BindMode::Transceiver;
  } else if (s == "transmitter") {
    *out = smpp::BindMode::Transmitter;
  } else if (s == "receiver") {
    *out = smpp::BindMode::Receiver;
  } else {
    return false;
  }
  return true;
}

void readSmpp(Table& t, SmppAccountConfig& a) {
  t.name("name", &a.name);
  t.name("tenant", &a.tenant);
  if (t.string("host", &a.host, 253)) {
    if (!validHost(a.host)) {
      t.error(t.take("host"), "host", shown(a.host) + " is not a host name or address");
    }
  } else if (!t.has("host")) {
    t.error(nullptr, "host", "is required");
  }
  t.port("port", /*allow_zero=*/false, &a.port);
  if (t.string("system_id", &a.system_id, 64)) {
    if (a.system_id.empty() || a.system_id.size() > 15) {
      t.error(t.take("system_id"), "system_id", "must be 1 to 15 characters (SMPP 3.4)");
    }
  } else if (!t.has("system_id")) {
    t.error(nullptr, "system_id", "is required");
  }
  if (t.secret("password", /*required=*/true, &a.password) && a.password.reveal().size() > 8) {
    const std::string key = t.secretKey("password");
    t.error(t.take(key), key, "the password is longer than 8 characters, the SMPP 3.4 limit");
  }
  if (t.string("system_type", &a.system_type, 64) && a.system_type.size() > 12) {
    t.error(t.take("system_type"), "system_type", "is longer than 12 characters (SMPP 3.4)");
  }
  if (t.has("binds")) {
    std::vector<SmppBindGroup> groups;
    uint32_t total = 0;
    bool any_transmit = false, any_receive = false;
    auto bind_tables = t.tables("binds", kMaxBindGroups);
    for (auto& b : bind_tables) {
      SmppBindGroup g;
      std::string mode;
      if (b.string("mode", &mode, 32)) {
        if (!parseBindMode(mode, &g.mode)) {
          b.error(b.take("mode"), "mode",
                  shown(mode) + " is not a bind mode (transceiver, transmitter, receiver)");
        }
      }
      b.integerAs("count", 1, kMaxBindsPerAccount, &g.count);
      b.finish();
      total += g.count;
      any_transmit = any_transmit || g.mode != smpp::BindMode::Receiver;
      any_receive = any_receive || g.mode != smpp::BindMode::Transmitter;
      groups.push_back(g);
    }
    const auto* arr = t.take("binds")->as_array();
    if (arr && arr->empty()) {
      t.error(t.take("binds"), "binds", "must list at least one bind");
    } else if (!groups.empty()) {
      if (total > kMaxBindsPerAccount) {
        t.error(t.take("binds"), "binds",
                std::to_string(total) + " binds in all: at most " +
                    std::to_string(kMaxBindsPerAccount));
      }
      if (!any_transmit) {
        t.error(t.take("binds"), "binds", "no bind can send: add a transceiver or transmitter");
      }
      if (!any_receive) {
        t.error(t.take("binds"), "binds",
                "no bind can receive, so delivery receipts and replies would never arrive: add a "
                "transceiver or receiver");
      }
      a.binds = std::move(groups);
    }
  }
  t.integerAs("window", 1, 1000, &a.window);
  t.number("segments_per_second", 0, 100'000, &a.segments_per_second);
  t.number("burst", 0, 100'000, &a.burst);
  t.boolean("tls", &a.tls);
  if (t.file("tls_ca_file", true, &a.tls_ca_file) && !a.tls) {
    t.error(t.take("tls_ca_file"), "tls_ca_file", "is set but tls is not true");
  }
  if (t.string("source_addr", &a.source_addr, 64) && a.source_addr.size() > 20) {
    t.error(t.take("source_addr"), "source_addr", "is longer than 20 characters (SMPP 3.4)");
  }
  t.integerAs("source_ton", 0, 6, &a.source_ton);
  t.integerAs("source_npi", 0, 18, &a.source_npi);
  if (a.source_ton == 5 && a.source_addr.size() > 11) {
    t.error(t.take("source_addr"), "source_addr",
            "an alphanumeric sender (source_ton = 5) has at most 11 characters");
  }
  std::vector<std::string> languages;
  const auto checkNational = [](const std::string& s) -> std::string {
    for (std::size_t i = 1; i < sms::kLanguageCount; ++i) {
      if (lower(sms::languageName(static_cast<sms::Language>(i))) == lower(s)) return {};
    }
    std::vector<std::string> names;
    for (std::size_t i = 1; i < sms::kLanguageCount; ++i) {
      names.push_back(lower(sms::languageName(static_cast<sms::Language>(i))));
    }
    return shown(s) + " is not a GSM national language (" + join(names, ", ") + ")";
  };
  if (t.stringArray("national_languages", sms::kLanguageCount, 32, checkNational, &languages)) {
    a.national_languages.clear();
    for (const auto& s : languages) {
      for (std::size_t i = 1; i < sms::kLanguageCount; ++i) {
        const auto l = static_cast<sms::Language>(i);
        if (lower(sms::languageName(l)) == lower(s) &&
            std::find(a.national_languages.begin(), a.national_languages.end(), l) ==
                a.national_languages.end()) {
          a.national_languages.push_back(l);
        }
      }
    }
  }
  t.boolean("data_coding_1_is_gsm7", &a.data_coding_1_is_gsm7);
  t.millis("connect_timeout_ms", 100, 600'000, &a.connect_timeout);
  t.millis("bind_timeout_ms", 100, 600'000, &a.bind_timeout);
  t.millis("response_timeout_ms", 100, 600'000, &a.response_timeout);
  t.millis("enquire_link_interval_ms", 1'000, 3'600'000, &a.enquire_link_interval);
  t.millis("reconnect_max_ms", 1'000, 3'600'000, &a.reconnect_max);
  t.integerAs("max_queued_segments", 1, 10'000'000, &a.max_queued_segments);
  int64_t receipt_s = 0;
  if (t.integer("receipt_timeout_s", 60, 30 * 86'400, &receipt_s)) {
    a.receipt_timeout = std::chrono::seconds(receipt_s);
  }
  t.finish();
}

bool isLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// Checks an aggregator URL; empty when fine.
std::string checkUrl(const std::string& url, bool allow_insecure_http) {
  const bool https = url.starts_with("https://");
  const bool http = url.starts_with("http://");
  if (!https && !http) return shown(url) + " is not an http:// or https:// URL";
  std::string_view rest = std::string_view(url).substr(https ? 8 : 7);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    // Never echo it: the part before '@' is a credential.
    return "must not contain credentials: use username and password_file or password_env";
  }
  std::string_view host = authority;
  if (host.starts_with('[')) {
    host = host.substr(
        1, host.find(']') == std::string_view::npos ? host.size() - 1 : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty()) return shown(url) + " has no host";
  if (http && !isLoopbackHost(host) && !allow_insecure_http) {
    return "plain http to another host sends the password in clear text: use https, or set "
           "allow_insecure_http = true for a private network";
  }
  return {};
}

std::string checkHeaderName(const std::string& name) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      })) {
    return shown(name) + " is not a header name";
  }
  const std::string l = lower(name);
  const bool credential = l == "authorization" || l == "proxy-authorization" || l == "cookie";
  for (const char* secretish :
       {"token", "secret", "password", "api-key", "apikey", "api_key", "x-auth"}) {
    if (credential || l.find(secretish) != std::string::npos) {
      return "header " + shown(name) +
             " looks like a credential: use auth (with auth_header) and the channel's "
             "password_file or password_env";
    }
  }
  return {};
}

void readJsonProfile(Table& j, JsonProfileConfig& p) {
  if (j.string("method", &p.method, 16) && p.method != "POST" && p.method != "PUT") {
    j.error(j.take("method"), "method", shown(p.method) + " is not POST or PUT");
  }
  j.stringMap("headers", 32, 1024, checkHeaderName, &p.headers);
  // Header values must be one line.
  for (const auto& [name, value] : p.headers) {
    if (value.find_first_of("\r\n") != std::string::npos) {
      j.errorBelow(j.take("headers"), "headers." + keyText(name), "must be one line");
    }
  }
  std::map<std::string, std::string> body;
  if (j.stringMap("body", 64, 1024, nullptr, &body)) {
    bool to = false, text = false, ok = true;
    for (const auto& [field, tmpl] : body) {
      // Every {...} must be a known placeholder.
      for (std::size_t open = tmpl.find('{'); open != std::string::npos;
           open = tmpl.find('{', open + 1)) {
        const std::size_t close = tmpl.find('}', open);
        const std::string ph =
            close == std::string::npos ? tmpl.substr(open) : tmpl.substr(open, close - open + 1);
        if (ph == "{to}") {
          to = true;
        } else if (ph == "{text}") {
          text = true;
        } else if (ph != "{from}" && ph != "{ref}") {
          j.errorBelow(j.take("body"), "body." + keyText(field),
                       shown(ph) + " is not a placeholder ({to}, {from}, {text}, {ref})");
          ok = false;
        }
      }
    }
    if (ok && (!to || !text)) {
      j.error(j.take("body"), "body", "must use {to} and {text} in its fields");
    }
    if (ok) p.body = std::move(body);
  }
  if (j.string("message_id_pointer", &p.message_id_pointer, 256) && !p.message_id_pointer.empty() &&
      !p.message_id_pointer.starts_with('/')) {
    j.error(j.take("message_id_pointer"), "message_id_pointer",
            shown(p.message_id_pointer) + " is not a JSON pointer (e.g. \"/messages/0/id\")");
  }
  if (const toml::node* n = j.take("accepted_status")) {
    const auto* arr = n->as_array();
    std::vector<int> codes;
    bool ok = arr && !arr->empty() && arr->size() <= 20;
    if (!ok) {
      j.error(n, "accepted_status", "must be an array of 1 to 20 status codes (200-299)");
    } else {
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto* v = arr->get(i)->as_integer();
        if (!v || v->get() < 200 || v->get() > 299) {
          j.context().error(arr->get(i),
                            j.keyPath("accepted_status") + "[" + std::to_string(i) + "]",
                            "must be a success status code (200-299)");
          ok = false;
        } else {
          codes.push_back(static_cast<int>(v->get()));
        }
      }
      if (ok) p.accepted_status = std::move(codes);
    }
  }
  std::string auth;
  if (j.string("auth", &auth, 16)) {
    if (auth == "none") {
      p.auth = HttpAuth::None;
    } else if (auth == "basic") {
      p.auth = HttpAuth::Basic;
    } else if (auth == "bearer") {
      p.auth = HttpAuth::Bearer;
    } else if (auth == "header") {
      p.auth = HttpAuth::Header;
    } else {
      j.error(j.take("auth"), "auth", shown(auth) + " is not none, basic, bearer or header");
    }
  }
  if (j.string("auth_header", &p.auth_header, 128)) {
    if (p.auth != HttpAuth::Header) {
      j.error(j.take("auth_header"), "auth_header", "is only used with auth = \"header\"");
    } else if (p.auth_header.empty() ||
               !std::all_of(p.auth_header.begin(), p.auth_header.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
               })) {
      j.error(j.take("auth_header"), "auth_header", shown(p.auth_header) + " is not a header name");
    }
  } else if (p.auth == HttpAuth::Header && !j.has("auth_header")) {
    j.error(nullptr, "auth_header", "is required with auth = \"header\"");
  }
  j.finish();
}

void readHttp(Table& t, HttpAggregatorConfig& h) {
  t.name("name", &h.name);
  t.name("tenant", &h.tenant);
  std::string profile;
  bool profile_ok = false;
  if (t.string("profile", &profile, 16)) {
    if (profile == "kannel") {
      h.profile = HttpProfile::Kannel;
      h.webhook_auth = WebhookAuth::Token;  // Kannel cannot sign its callbacks
      profile_ok = true;
    } else if (profile == "json") {
      h.profile = HttpProfile::Json;
      profile_ok = true;
    } else {
      t.error(t.take("profile"), "profile", shown(profile) + " is not a profile (kannel, json)");
    }
  } else if (!t.has("profile")) {
    t.error(nullptr, "profile", "is required (kannel or json)");
  }
  bool insecure = false;
  t.boolean("allow_insecure_http", &insecure);
  if (t.string("url", &h.url, kMaxUrlBytes)) {
    if (std::string why = checkUrl(h.url, insecure); !why.empty()) {
      t.error(t.take("url"), "url", why);
    }
  } else if (!t.has("url")) {
    t.error(nullptr, "url", "is required");
  }
  t.string("username", &h.username, 256);
  // The JSON profile first: its auth decides whether a password is needed.
  if (auto j = t.table("json")) {
    if (profile_ok && h.profile != HttpProfile::Json) {
      t.error(t.take("json"), "json", "is only used with profile = \"json\"");
    }
    readJsonProfile(*j, h.json);
  }
  const bool needs_password = h.profile == HttpProfile::Kannel || h.json.auth != HttpAuth::None;
  if (h.profile == HttpProfile::Kannel && profile_ok && h.username.empty()) {
    t.error(t.take("username"), "username", "is required for profile = \"kannel\"");
  }
  const bool has_password = t.secret("password", needs_password && profile_ok, &h.password);
  if (has_password && !needs_password) {
    const std::string key = t.secretKey("password");
    t.error(t.take(key), key, "is not used with auth = \"none\"");
  }
  t.file("tls_ca_file", true, &h.tls_ca_file);
  if (t.string("source_addr", &h.source_addr, 64) && h.source_addr.size() > 20) {
    t.error(t.take("source_addr"), "source_addr", "is longer than 20 characters");
  }
  t.number("messages_per_second", 0, 100'000, &h.messages_per_second);
  t.integerAs("max_in_flight", 1, 1000, &h.max_in_flight);
  t.millis("connect_timeout_ms", 100, 600'000, &h.connect_timeout);
  t.millis("request_timeout_ms", 100, 600'000, &h.request_timeout);
  std::string auth;
  if (t.string("webhook_auth", &auth, 32)) {
    if (auth == "hmac-sha256") {
      h.webhook_auth = WebhookAuth::HmacSha256;
    } else if (auth == "token") {
      h.webhook_auth = WebhookAuth::Token;
    } else {
      t.error(t.take("webhook_auth"), "webhook_auth", shown(auth) + " is not hmac-sha256 or token");
    }
  }
  if (t.secret("webhook_secret", /*required=*/true, &h.webhook_secret) &&
      h.webhook_secret.reveal().size() < kMinWebhookSecret) {
    const char* key = t.has("webhook_secret_file") ? "webhook_secret_file" : "webhook_secret_env";
    t.error(t.take(key), key, "the secret is shorter than 16 characters: use a long random value");
  }
  t.finish();
}

// Cross-references: tenants exist, names are unique, a Kannel channel has a public URL.
void checkReferences(Context& ctx, const toml::table& root, Config& c) {
  std::map<std::string, std::string> tenant_paths;
  for (std::size_t i = 0; i < c.tenants.size(); ++i) {
    const std::string path = "tenants[" + std::to_string(i) + "].id";
    const std::string& id = c.tenants[i].id;
    if (id.empty()) continue;
    if (auto [it, fresh] = tenant_paths.emplace(id, path); !fresh) {
      ctx.error(root.at_path("tenants[" + std::to_string(i) + "].id").node(), path,
                shown(id) + " is already used by " + it->second);
    }
  }
  std::vector<std::string> tenant_ids;
  for (const auto& [id, path] : tenant_paths) tenant_ids.push_back(id);

  std::map<std::string, std::string> channel_paths;
  const auto check = [&](const std::string& prefix, std::size_t i, const std::string& name,
                         const std::string& tenant) {
    const std::string base = prefix + "[" + std::to_string(i) + "]";
    if (!name.empty()) {
      if (auto [it, fresh] = channel_paths.emplace(name, base + ".name"); !fresh) {
        ctx.error(root.at_path(base + ".name").node(), base + ".name",
                  shown(name) + " is already used by " + it->second);
      }
    }
    if (!tenant.empty() && !tenant_paths.count(tenant)) {
      ctx.error(
          root.at_path(base + ".tenant").node(), base + ".tenant",
          "no tenant has the id " + shown(tenant) +
              (tenant_ids.empty() ? std::string() : " (tenants: " + join(tenant_ids, ", ") + ")"));
    }
  };
  for (std::size_t i = 0; i < c.smpp.size(); ++i) {
    check("channels.smpp", i, c.smpp[i].name, c.smpp[i].tenant);
  }
  for (std::size_t i = 0; i < c.http.size(); ++i) {
    check("channels.http", i, c.http[i].name, c.http[i].tenant);
    if (c.http[i].profile == HttpProfile::Kannel && c.server.public_url.empty()) {
      ctx.error(root.at_path("channels.http[" + std::to_string(i) + "].profile").node(),
                "server.public_url",
                "is required by channels.http[" + std::to_string(i) +
                    "] (Kannel calls back to the gateway's dlr-url)");
    }
  }
}

void readRoot(Context& ctx, const toml::table& root, Config& c) {
  Table t(ctx, root, "");
  if (auto s = t.table("server")) {
    readServer(*s, c.server);
  } else {
    c.server.data_dir = resolvePath(ctx.base_dir, c.server.data_dir);
  }
  if (auto s = t.table("log")) readLog(*s, c.log);
  if (auto s = t.table("api")) readApi(*s, c.api);
  if (auto s = t.table("sync")) readSync(*s, c.sync);
  if (auto s = t.table("webhooks")) readWebhooks(*s, c.webhooks);
  for (auto& tt : t.tables("tenants", kMaxTenants)) {
    c.tenants.emplace_back();
    readTenant(tt, c.tenants.back());
  }
  if (!t.has("tenants")) {
    ctx.error(static_cast<const toml::node*>(nullptr), "tenants",
              "at least one [[tenants]] entry is required");
  }
  if (auto ch = t.table("channels")) {
    for (auto& st : ch->tables("smpp", kMaxChannels)) {
      c.smpp.emplace_back();
      readSmpp(st, c.smpp.back());
    }
    for (auto& ht : ch->tables("http", kMaxChannels)) {
      c.http.emplace_back();
      readHttp(ht, c.http.back());
    }
    ch->finish();
  }
  t.finish();
  checkReferences(ctx, root, c);
}

}  // namespace

// ---- Public API

const TenantConfig* Config::findTenant(std::string_view id) const {
  for (const auto& t : tenants) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::string ConfigIssue::text() const { return path.empty() ? message : path + ": " + message; }

std::string formatIssues(const std::vector<ConfigIssue>& issues, std::string_view source_name) {
  std::string out;
  for (const auto& i : issues) {
    out += source_name;
    if (i.line) out += ":" + std::to_string(i.line) + ":" + std::to_string(i.column);
    out += ": ";
    out += i.text();
    out += '\n';
  }
  return out;
}

LoadResult parseConfig(std::string_view text, const LoadOptions& options,
                       std::string_view source_name) {
  LoadResult result;
  if (text.size() > options.max_file_bytes) {
    result.issues.push_back({"", "the configuration is larger than " +
                                     std::to_string(options.max_file_bytes) + " bytes"});
    return result;
  }
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    ConfigIssue issue{"", "TOML syntax error: " + std::string(e.description())};
    issue.line = e.source().begin.line;
    issue.column = e.source().begin.column;
    result.issues.push_back(std::move(issue));
    return result;
  }
  Context ctx{options, fs::path(options.base_dir), result.issues};
  readRoot(ctx, root, result.config);
  std::stable_sort(result.issues.begin(), result.issues.end(),
                   [](const ConfigIssue& a, const ConfigIssue& b) {
                     // Positioned issues in file order; the rest (missing keys) after.
                     if ((a.line == 0) != (b.line == 0)) return a.line != 0;
                     return a.line != b.line ? a.line < b.line : a.column < b.column;
                   });
  return result;
}

LoadResult loadConfigFile(const std::string& path, const LoadOptions& options) {
  std::string text, why;
  if (!readFileLimited(path, options.max_file_bytes, &text, &why)) {
    LoadResult result;
    result.issues.push_back({"", "cannot read " + shown(path, kMaxPathBytes) + ": " + why});
    return result;
  }
  LoadOptions with_base = options;
  if (with_base.base_dir.empty()) {
    std::error_code ec;
    fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
    with_base.base_dir = ec ? std::string() : dir.string();
  }
  return parseConfig(text, with_base, path);
}

ConfigError::ConfigError(std::vector<ConfigIssue> issues, const std::string& source_name)
    : std::runtime_error(formatIssues(issues, source_name)), issues_(std::move(issues)) {}

Config loadConfigOrThrow(const std::string& path, const LoadOptions& options) {
  LoadResult r = loadConfigFile(path, options);
  if (!r.ok()) throw ConfigError(std::move(r.issues), path);
  return std::move(r.config);
}

smpp::SmppChannelConfig smppChannelConfig(const SmppAccountConfig& a) {
  smpp::SmppChannelConfig c;
  for (const auto& group : a.binds) {
    for (uint32_t i = 0; i < group.count; ++i) {
      smpp::SmppClientConfig b;
      b.host = a.host;
      b.port = a.port;
      b.system_id = a.system_id;
      b.password = a.password.reveal();
      b.system_type = a.system_type;
      b.mode = group.mode;
      b.window = a.window;
      b.connect_timeout = a.connect_timeout;
      b.bind_timeout = a.bind_timeout;
      b.response_timeout = a.response_timeout;
      b.enquire_link_interval = a.enquire_link_interval;
      b.reconnect_max = std::max(a.reconnect_max, b.reconnect_initial);
      b.tls = a.tls;
      b.tls_ca_file = a.tls_ca_file;
      c.binds.push_back(std::move(b));
    }
  }
  c.segments_per_second = a.segments_per_second;
  c.burst = a.burst;
  c.source_addr = a.source_addr;
  c.source_ton = a.source_ton;
  c.source_npi = a.source_npi;
  c.receipts.receipt_timeout = a.receipt_timeout;
  c.max_queued_segments = a.max_queued_segments;
  c.max_queued_priority_segments = std::max<std::size_t>(1, a.max_queued_segments / 10);
  c.national_languages = a.national_languages;
  c.gsm7_data_coding = a.data_coding_1_is_gsm7 ? 0x01 : 0x00;
  return c;
}

outreach::InboundConfig inboundConfig(const TenantConfig& t) {
  outreach::InboundConfig c;
  c.keywords = t.keywords;
  for (const auto& [lang, text] : t.stop_replies) c.replies.stop_confirmation[lang] = text;
  for (const auto& [lang, text] : t.start_replies) c.replies.start_confirmation[lang] = text;
  for (const auto& [lang, text] : t.help_replies) c.replies.help[lang] = text;
  c.fallback_language = t.fallback_language;
  c.default_region = t.default_region;
  c.duplicate_window_s = t.duplicate_window_s;
  return c;
}

api::HttpServerOptions httpServerOptions(const ServerConfig& s) {
  api::HttpServerOptions o;
  o.address = s.address;
  o.port = s.port;
  o.header_limit = s.max_header_bytes;
  o.body_limit = s.max_body_bytes;
  o.request_timeout = s.request_timeout;
  o.max_connections = s.max_connections;
  o.tls_cert_file = s.tls_cert_file;
  o.tls_key_file = s.tls_key_file;
  return o;
}

sync::BatchLimits batchLimits(const SyncConfig& s) {
  sync::BatchLimits l;
  l.max_request_bytes = s.max_request_bytes;
  l.max_operations = s.max_operations;
  l.max_operation_bytes = s.max_operation_bytes;
  return l;
}

}  // namespace liaison::gateway::config
