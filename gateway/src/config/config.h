// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The daemon's configuration (`liaison serve --config liaison.toml`): plain structs, the TOML
// loader that fills them, and the functions that turn them into the subsystems' own configs.
// docs/config.md documents every key; docs/liaison.example.toml is loaded by the tests.
//
// Loading validates everything before anything starts and collects every problem, not just
// the first, each naming its key path and what is wrong:
//   liaison.toml:14:8: channels.smpp[1].port: 70000 is not a port (1-65535)
// Unknown keys are errors (with a "did you mean" for typos), as are duplicate names, channels
// naming an unknown tenant, TOML syntax errors (with line:column) and oversized input.
//
// Secrets (SMPP and aggregator passwords, webhook secrets, the bootstrap admin token) come
// from files or the environment, never inline and never from the command line:
//   password_file = "/run/secrets/smpp"   or   password_env = "SMPP_PASSWORD"
// A file is read whole (bounded) with one trailing newline removed. An inline `password =` is
// an error. No message ever contains a secret's value.
//
// toml++ stays in config.cc. Relative paths (data_dir, secret, TLS and CA files) are resolved
// against the configuration file's directory. The structs are plain values: copy freely; the
// loader functions are thread-safe (the default environment lookup reads getenv).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channels/smpp/smpp_client.h"
#include "outreach/keyword_router.h"
#include "outreach/send_window.h"
#include "sms/gsm7.h"
#include "util/log.h"

namespace liaison::gateway::smpp {
struct SmppChannelConfig;
}
namespace liaison::gateway::outreach {
struct InboundConfig;
}
namespace liaison::gateway::api {
struct HttpServerOptions;
}
namespace liaison::sync {
struct BatchLimits;
}

namespace liaison::gateway::config {

inline constexpr std::size_t kMaxConfigBytes = 1 << 20;   // the TOML file
inline constexpr std::size_t kMaxSecretBytes = 64 << 10;  // one secret file

// A secret value. It has no stream operator and no implicit conversion, so it cannot end up
// in a log line by accident; reveal() is for the one place that sends it to a provider.
class Secret {
 public:
  Secret() = default;
  Secret(std::string value, std::string origin)
      : value_(std::move(value)), origin_(std::move(origin)) {}
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  // Where it came from, safe to log: `file "/run/secrets/smpp"` or `env SMPP_PASSWORD`.
  const std::string& origin() const { return origin_; }

 private:
  std::string value_;
  std::string origin_;
};

struct ServerConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (tests)
  std::string data_dir = "liaison-data";
  // The gateway's URL as providers reach it, for callbacks (Kannel's dlr-url); no trailing
  // '/'. Required when a Kannel channel is configured.
  std::string public_url;
  std::string tls_cert_file;  // PEM; both set or neither; empty: plain HTTP
  std::string tls_key_file;
  std::size_t max_header_bytes = 16 << 10;
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds request_timeout{30'000};
  std::size_t max_connections = 1024;
  std::chrono::milliseconds shutdown_grace{10'000};

  bool tls() const { return !tls_cert_file.empty(); }
};

struct LogConfig {
  log::Level level = log::Level::Info;
};

struct TenantConfig {
  std::string id;                     // [a-z0-9][a-z0-9_-]*, at most 63 characters
  std::string name;                   // for people; defaults to id
  std::string default_region = "ZZ";  // ISO 3166 alpha-2 for national numbers; ZZ: none
  std::string fallback_language = "en";
  std::vector<std::string> languages;  // BCP 47; always contains fallback_language
  outreach::KeywordConfig keywords;    // extra STOP/START/HELP words
  // Reply texts per language as configured; the built-in texts
  // (outreach::InboundConfig::defaultReplies()) cover the languages not listed here.
  std::map<std::string, std::string> stop_replies;
  std::map<std::string, std::string> start_replies;
  std::map<std::string, std::string> help_replies;
  outreach::DailyWindow sending_window{9 * 60, 20 * 60};  // campaigns without their own
  std::int64_t duplicate_window_s = 60;
};

struct SmppBindGroup {
  smpp::BindMode mode = smpp::BindMode::Transceiver;
  uint32_t count = 1;
};

struct SmppAccountConfig {
  std::string name;    // unique among all channels; the metrics' channel label
  std::string tenant;  // a TenantConfig::id
  std::string host;
  uint16_t port = 2775;
  std::string system_id;  // at most 15 characters
  Secret password;        // at most 8 characters (SMPP 3.4)
  std::string system_type;
  std::vector<SmppBindGroup> binds{SmppBindGroup{}};
  uint32_t window = 10;
  double segments_per_second = 0;  // shared by the account's binds; 0: unlimited
  double burst = 0;                // 0: derived from the rate
  bool tls = false;
  std::string tls_ca_file;  // empty: the system trust store
  std::string source_addr;
  uint8_t source_ton = 5;
  uint8_t source_npi = 0;
  std::vector<sms::Language> national_languages;  // GSM 7-bit shift tables allowed
  // The SMSC labels GSM 7-bit text data_coding 0x01 instead of 0x00 (node-smpp and some
  // SMSCs do): send GSM text as 0x01, and read 0x01 from the SMSC as GSM 7-bit (the MO side
  // needs an SmppChannelConfig option that does not exist yet; smppChannelConfig() maps the
  // outgoing side only).
  bool data_coding_1_is_gsm7 = false;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds bind_timeout{10'000};
  std::chrono::milliseconds response_timeout{10'000};
  std::chrono::milliseconds enquire_link_interval{30'000};
  std::chrono::milliseconds reconnect_max{60'000};
  std::size_t max_queued_segments = 10'000;
  std::chrono::seconds receipt_timeout{72 * 3600};
};

enum class HttpProfile { Kannel, Json };
enum class HttpAuth { None, Basic, Bearer, Header };
enum class WebhookAuth { HmacSha256, Token };

// The generic JSON profile: how to shape a send request and read its response.
struct JsonProfileConfig {
  std::string method = "POST";                 // POST or PUT
  std::map<std::string, std::string> headers;  // extra, non-secret headers
  // Body fields: name -> template. Placeholders: {to} (E.164 with '+'), {from}, {text}, {ref}.
  std::map<std::string, std::string> body{{"from", "{from}"}, {"text", "{text}"}, {"to", "{to}"}};
  std::string message_id_pointer = "/id";  // JSON pointer (RFC 6901) into the response
  std::vector<int> accepted_status{200, 201, 202};
  HttpAuth auth = HttpAuth::Bearer;  // the channel's password as the credential
  std::string auth_header;           // HttpAuth::Header: the header carrying it
};

struct HttpAggregatorConfig {
  std::string name;
  std::string tenant;
  HttpProfile profile = HttpProfile::Json;
  std::string url;  // https:// (http:// only to loopback, or with allow_insecure_http)
  std::string username;
  Secret password;                 // empty only for a JSON profile with auth = none
  std::string tls_ca_file;         // empty: the system trust store
  std::string source_addr;         // sender id ("from")
  double messages_per_second = 0;  // 0: unlimited
  std::size_t max_in_flight = 16;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};
  WebhookAuth webhook_auth = WebhookAuth::HmacSha256;  // Kannel: Token by default
  Secret webhook_secret;                               // at least 16 characters
  JsonProfileConfig json;                              // HttpProfile::Json only
};

struct WebhookConfig {
  std::chrono::seconds timestamp_tolerance{300};  // signed webhooks older or newer: rejected
  std::size_t max_body_bytes = 64 << 10;
};

struct ApiConfig {
  double rate_limit_per_second = 20;  // per token
  uint32_t rate_limit_burst = 40;
  // Creates an admin token with this value at start if no admin token exists (first run).
  std::optional<Secret> bootstrap_admin_token;  // at least 32 characters
};

struct SyncConfig {
  bool enabled = true;
  std::size_t max_request_bytes = 4 << 20;
  std::size_t max_operations = 500;
  std::size_t max_operation_bytes = 256 << 10;
};

struct Config {
  ServerConfig server;
  LogConfig log;
  ApiConfig api;
  SyncConfig sync;
  WebhookConfig webhooks;
  std::vector<TenantConfig> tenants;  // at least one
  std::vector<SmppAccountConfig> smpp;
  std::vector<HttpAggregatorConfig> http;

  const TenantConfig* findTenant(std::string_view id) const;
};

// One problem. `path` names the key ("channels.smpp[1].port"; empty for a syntax error);
// `message` says what is wrong and never contains a secret. line/column: 1-based, 0 if unknown.
struct ConfigIssue {
  std::string path;
  std::string message;
  uint32_t line = 0;
  uint32_t column = 0;

  std::string text() const;  // "path: message"
};

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

struct LoadOptions {
  EnvLookup env;         // empty: the process environment
  std::string base_dir;  // for relative paths; loadConfigFile: the file's directory
  std::size_t max_file_bytes = kMaxConfigBytes;
  std::size_t max_secret_bytes = kMaxSecretBytes;
  bool check_files = true;  // TLS certificate, key and CA files must be readable
};

struct LoadResult {
  Config config;  // meaningful only when ok()
  std::vector<ConfigIssue> issues;
  bool ok() const { return issues.empty(); }
};

// Reads and validates `path`. Never throws for bad input: every problem is in `issues`.
LoadResult loadConfigFile(const std::string& path, const LoadOptions& options = {});
// Validates TOML text; `source_name` is used in TOML syntax messages only.
LoadResult parseConfig(std::string_view toml_text, const LoadOptions& options = {},
                       std::string_view source_name = "config");

// One line per issue, "source:line:column: path: message" (line:column left out when unknown).
std::string formatIssues(const std::vector<ConfigIssue>& issues, std::string_view source_name);

// Start-up convenience: loadConfigFile, throwing ConfigError (what(): formatIssues) on issues.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::vector<ConfigIssue> issues, const std::string& source_name);
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::vector<ConfigIssue> issues_;
};
Config loadConfigOrThrow(const std::string& path, const LoadOptions& options = {});

// ---- Mappings onto the subsystems' configs (callers include the target headers).

// Every bind group expanded (count copies), credentials, TLS, rate, source address, national
// tables, data_coding 0x01 for GSM text when data_coding_1_is_gsm7, timeouts and queue bounds.
smpp::SmppChannelConfig smppChannelConfig(const SmppAccountConfig& account);
// Keywords, reply texts (configured ones over the built-in ones), fallback language, default
// region and duplicate window.
outreach::InboundConfig inboundConfig(const TenantConfig& tenant);
// Address, port and request limits.
api::HttpServerOptions httpServerOptions(const ServerConfig& server);
// Request, operation and per-operation byte limits.
sync::BatchLimits batchLimits(const SyncConfig& sync);

}  // namespace liaison::gateway::config
