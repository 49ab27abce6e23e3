// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The TOML configuration: defaults, docs/liaison.example.toml (loaded as shipped, so the
// example stays valid), every validation path with its key path and message, secrets from
// files and the (injected) environment and never in a message, bounded input, and the
// mappings onto the SMPP channel, inbound pipeline, HTTP server and sync limits.
#include "config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "channels/smpp/smpp_channel.h"
#include "liaison/sync/batch_codec.h"
#include "outreach/inbound_processor.h"
#include "temp_dir.h"

#ifndef LIAISON_SOURCE_DIR
#define LIAISON_SOURCE_DIR LIAISON_INTEROP_DIR "/../.."
#endif

namespace liaison::gateway::config {
namespace {

namespace fs = std::filesystem;
using liaison::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kMinimal = R"(
[[tenants]]
id = "t1"
)";

// A valid SMPP channel (the password from $SMPP_PW) for tests to break one key at a time.
constexpr const char* kSmpp = R"(
[[tenants]]
id = "t1"

[[channels.smpp]]
name = "smsc"
tenant = "t1"
host = "127.0.0.1"
system_id = "liaison"
password_env = "SMPP_PW"
)";

class ConfigTest : public ::testing::Test {
 protected:
  LoadOptions options() {
    LoadOptions o;
    o.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    o.base_dir = dir_.path().string();
    return o;
  }
  LoadResult parse(const std::string& text) { return parseConfig(text, options(), "test.toml"); }
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = dir_.file(name);
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  static std::string all(const LoadResult& r) { return formatIssues(r.issues, "test.toml"); }
  // The one issue at `path`; fails the test unless there is exactly one.
  static std::string issueAt(const LoadResult& r, const std::string& path) {
    std::vector<std::string> found;
    for (const auto& i : r.issues) {
      if (i.path == path) found.push_back(i.message);
    }
    EXPECT_EQ(found.size(), 1u) << "issues at " << path << " in:\n" << all(r);
    return found.empty() ? std::string() : found[0];
  }
  static bool hasIssue(const LoadResult& r, const std::string& path) {
    for (const auto& i : r.issues) {
      if (i.path == path) return true;
    }
    return false;
  }

  TempDir dir_;
  std::map<std::string, std::string> env_{{"SMPP_PW", "secret1"}};
};

// ---- Defaults and the shipped example

TEST_F(ConfigTest, MinimalConfigTakesTheDefaults) {
  const LoadResult r = parse(kMinimal);
  ASSERT_TRUE(r.ok()) << all(r);
  const Config& c = r.config;
  EXPECT_EQ(c.server.address, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.server.data_dir, (dir_.path() / "liaison-data").string());  // relative: resolved
  EXPECT_FALSE(c.server.tls());
  EXPECT_EQ(c.server.request_timeout, milliseconds(30'000));
  EXPECT_EQ(c.log.level, log::Level::Info);
  EXPECT_FALSE(c.api.bootstrap_admin_token.has_value());
  EXPECT_TRUE(c.sync.enabled);
  EXPECT_EQ(c.webhooks.timestamp_tolerance, seconds(300));
  ASSERT_EQ(c.tenants.size(), 1u);
  const TenantConfig& t = c.tenants[0];
  EXPECT_EQ(t.id, "t1");
  EXPECT_EQ(t.name, "t1");
  EXPECT_EQ(t.default_region, "ZZ");
  EXPECT_EQ(t.fallback_language, "en");
  EXPECT_EQ(t.languages, std::vector<std::string>{"en"});
  EXPECT_EQ(t.sending_window, (outreach::DailyWindow{9 * 60, 20 * 60}));
  EXPECT_EQ(t.duplicate_window_s, 60);
  EXPECT_TRUE(t.keywords.include_defaults);
  EXPECT_TRUE(c.smpp.empty());
  EXPECT_TRUE(c.http.empty());
  EXPECT_EQ(c.findTenant("t1"), &c.tenants[0]);
  EXPECT_EQ(c.findTenant("t2"), nullptr);
}

TEST_F(ConfigTest, ShippedExampleLoads) {
  // Loaded as shipped, from a copy beside the secret file it names relative to itself.
  const fs::path example = fs::path(LIAISON_SOURCE_DIR) / "docs/liaison.example.toml";
  ASSERT_TRUE(fs::exists(example)) << example;
  const std::string copy = dir_.file("liaison.toml");
  fs::copy_file(example, copy);
  write("secrets/kannel-password", "kannel-pw\n");
  env_ = {{"LIAISON_BOOTSTRAP_TOKEN", std::string(40, 'a')},
          {"LIAISON_SMPP_ORANGE_PASSWORD", "orange1"},
          {"LIAISON_KANNEL_WEBHOOK_SECRET", "kannel-webhook-secret"},
          {"LIAISON_AGGREGATOR_API_KEY", "api-key-value"},
          {"LIAISON_AGGREGATOR_WEBHOOK_SECRET", "aggregator-webhook-secret"}};
  LoadOptions o = options();
  o.base_dir.clear();  // the file's own directory
  const LoadResult r = loadConfigFile(copy, o);
  ASSERT_TRUE(r.ok()) << formatIssues(r.issues, copy);
  const Config& c = r.config;

  EXPECT_EQ(c.server.public_url, "https://sms.consulate.example.org");
  EXPECT_EQ(c.server.data_dir, "/var/lib/liaison");
  ASSERT_TRUE(c.api.bootstrap_admin_token.has_value());
  EXPECT_EQ(c.api.bootstrap_admin_token->reveal(), std::string(40, 'a'));
  EXPECT_EQ(c.api.bootstrap_admin_token->origin(), "env LIAISON_BOOTSTRAP_TOKEN");

  ASSERT_EQ(c.tenants.size(), 2u);
  const TenantConfig& paris = c.tenants[0];
  EXPECT_EQ(paris.id, "paris");
  EXPECT_EQ(paris.default_region, "FR");
  EXPECT_EQ(paris.fallback_language, "fr");
  EXPECT_EQ(paris.languages, (std::vector<std::string>{"fr", "en", "ar", "tr"}));
  EXPECT_EQ(paris.keywords.stop_words, (std::vector<std::string>{"DESABONNER", "DESINSCRIRE"}));
  EXPECT_EQ(paris.keywords.help_words, (std::vector<std::string>{"AIDE", "INFO"}));
  EXPECT_EQ(paris.stop_replies.size(), 2u);
  EXPECT_EQ(paris.stop_replies.count("ar"), 1u);
  EXPECT_EQ(paris.help_replies.count("fr"), 1u);
  EXPECT_EQ(c.tenants[1].languages, (std::vector<std::string>{"de", "en", "tr"}));

  ASSERT_EQ(c.smpp.size(), 1u);
  const SmppAccountConfig& orange = c.smpp[0];
  EXPECT_EQ(orange.name, "orange-fr");
  EXPECT_EQ(orange.tenant, "paris");
  EXPECT_EQ(orange.password.reveal(), "orange1");
  EXPECT_EQ(orange.segments_per_second, 50);
  EXPECT_EQ(orange.national_languages, std::vector<sms::Language>{sms::Language::Turkish});
  ASSERT_EQ(orange.binds.size(), 2u);
  EXPECT_EQ(orange.binds[0].mode, smpp::BindMode::Transmitter);
  EXPECT_EQ(orange.binds[0].count, 2u);
  EXPECT_EQ(orange.binds[1].mode, smpp::BindMode::Receiver);

  ASSERT_EQ(c.http.size(), 2u);
  const HttpAggregatorConfig& kannel = c.http[0];
  EXPECT_EQ(kannel.profile, HttpProfile::Kannel);
  EXPECT_EQ(kannel.username, "liaison");
  EXPECT_EQ(kannel.password.reveal(), "kannel-pw");  // one trailing newline removed
  EXPECT_EQ(kannel.password.origin(),
            "file \"" + (dir_.path() / "secrets/kannel-password").string() + "\"");
  EXPECT_EQ(kannel.webhook_auth, WebhookAuth::Token);
  const HttpAggregatorConfig& json = c.http[1];
  EXPECT_EQ(json.profile, HttpProfile::Json);
  EXPECT_EQ(json.webhook_auth, WebhookAuth::HmacSha256);
  EXPECT_EQ(json.json.auth, HttpAuth::Header);
  EXPECT_EQ(json.json.auth_header, "X-Api-Key");
  EXPECT_EQ(json.json.message_id_pointer, "/messages/0/id");
  EXPECT_EQ(json.json.headers.at("Accept"), "application/json");
  EXPECT_EQ(json.json.body.at("client_ref"), "{ref}");
  EXPECT_EQ(json.password.reveal(), "api-key-value");
}

TEST_F(ConfigTest, ExampleWithoutItsSecretsNamesEachMissingOne) {
  const fs::path example = fs::path(LIAISON_SOURCE_DIR) / "docs/liaison.example.toml";
  env_.clear();
  LoadOptions o = options();
  o.base_dir = dir_.path().string();  // no secrets/kannel-password there
  const LoadResult r = loadConfigFile(example.string(), o);
  EXPECT_EQ(r.issues.size(), 6u) << all(r);
  EXPECT_EQ(issueAt(r, "api.bootstrap_admin_token_env"),
            "the environment variable LIAISON_BOOTSTRAP_TOKEN is not set");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password_env"),
            "the environment variable LIAISON_SMPP_ORANGE_PASSWORD is not set");
  EXPECT_NE(issueAt(r, "channels.http[0].password_file").find("cannot read"), std::string::npos);
  EXPECT_TRUE(hasIssue(r, "channels.http[0].webhook_secret_env"));
  EXPECT_TRUE(hasIssue(r, "channels.http[1].password_env"));
  EXPECT_TRUE(hasIssue(r, "channels.http[1].webhook_secret_env"));
}

// ---- Syntax, size and files

TEST_F(ConfigTest, SyntaxErrorHasLineAndColumn) {
  const LoadResult r = parse("[[tenants]]\nid = \"t1\"\nname = \n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].path, "");
  EXPECT_NE(r.issues[0].message.find("TOML syntax error"), std::string::npos);
  EXPECT_EQ(r.issues[0].line, 3u);
  EXPECT_GT(r.issues[0].column, 0u);
  EXPECT_EQ(formatIssues(r.issues, "test.toml").rfind("test.toml:3:", 0), 0u) << all(r);
}

TEST_F(ConfigTest, SyntaxErrorsDoNotEchoValues) {
  for (const char* text : {"password = hunter2secret\n", "password = \"hunter2secret\n",
                           "pw = [\"hunter2secret\" \"x\"]\n"}) {
    const LoadResult r = parse(text);
    ASSERT_EQ(r.issues.size(), 1u) << text;
    EXPECT_EQ(all(r).find("hunter2"), std::string::npos) << all(r);
  }
}

TEST_F(ConfigTest, DuplicateKeyIsASyntaxError) {
  const LoadResult r = parse("[server]\nport = 1\nport = 2\n[[tenants]]\nid = \"t1\"\n");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].line, 3u);
}

TEST_F(ConfigTest, InputIsBounded) {
  LoadOptions o = options();
  o.max_file_bytes = 64;
  const std::string big = std::string(kMinimal) + "# " + std::string(100, 'x') + "\n";
  LoadResult r = parseConfig(big, o);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].message, "the configuration is larger than 64 bytes");
  const std::string path = write("big.toml", big);
  r = loadConfigFile(path, o);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_NE(r.issues[0].message.find("larger than 64 bytes"), std::string::npos);
}

TEST_F(ConfigTest, MissingFileIsReported) {
  const LoadResult r = loadConfigFile(dir_.file("nope.toml"), options());
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_NE(r.issues[0].message.find("No such file or directory"), std::string::npos);
}

TEST_F(ConfigTest, LoadOrThrowThrowsEveryIssue) {
  const std::string path = write("bad.toml", "[server]\nport = -1\nprot = 2\n");
  try {
    loadConfigOrThrow(path, options());
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.issues().size(), 3u);  // port, prot, no tenants
    const std::string what = e.what();
    EXPECT_NE(what.find(path + ":2:8: server.port: -1 is not a port (0-65535)\n"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find(path + ":3:1: server.prot: unknown key (did you mean port?)\n"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find(path + ": tenants: at least one [[tenants]] entry is required\n"),
              std::string::npos)
        << what;
  }
  write("good.toml", kMinimal);
  EXPECT_EQ(loadConfigOrThrow(dir_.file("good.toml"), options()).tenants.size(), 1u);
}

// ---- Unknown keys and types

TEST_F(ConfigTest, UnknownKeysAreErrorsWithSuggestions) {
  const LoadResult r = parse(std::string(kSmpp) + R"(
pasword_file = "/x"
colour = "blue"

[logging]
level = "info"

[server]
adress = "0.0.0.0"
)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].pasword_file"),
            "unknown key (did you mean password_file?)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].colour"), "unknown key");
  EXPECT_EQ(issueAt(r, "logging"), "unknown key (did you mean log?)")
      << "[logging] after [[channels.smpp]] is a new top-level table";
  EXPECT_EQ(issueAt(r, "server.adress"), "unknown key (did you mean address?)");
}

TEST_F(ConfigTest, TopLevelUnknownSectionAndQuotedKeys) {
  const LoadResult r = parse(std::string(kMinimal) + "[metrics]\n\"odd key\" = 1\n" +
                             "[channels]\nsmpp_accounts = []\n");
  EXPECT_EQ(issueAt(r, "metrics"), "unknown key");
  EXPECT_EQ(issueAt(r, "channels.smpp_accounts"), "unknown key (did you mean smpp?)");
}

TEST_F(ConfigTest, WrongTypesAreNamed) {
  const LoadResult r = parse(R"(
server = { port = "8080", address = 1 }
log = "debug"
[[tenants]]
id = 7
languages = "en"
duplicate_window_s = 1.5
[tenants.keywords]
include_defaults = "yes"
)");
  EXPECT_EQ(issueAt(r, "server.port"), "must be an integer, not a string");
  EXPECT_EQ(issueAt(r, "server.address"), "must be a string, not an integer");
  EXPECT_EQ(issueAt(r, "log"), "must be a table, not a string");
  EXPECT_EQ(issueAt(r, "tenants[0].id"), "must be a string, not an integer");
  EXPECT_EQ(issueAt(r, "tenants[0].languages"), "must be an array of strings, not a string");
  EXPECT_EQ(issueAt(r, "tenants[0].duplicate_window_s"),
            "must be an integer, not a floating-point number");
  EXPECT_EQ(issueAt(r, "tenants[0].keywords.include_defaults"),
            "must be true or false, not a string");
}

TEST_F(ConfigTest, EveryProblemIsCollected) {
  const LoadResult r = parse(R"(
[server]
port = 70000
[log]
level = "verbose"
[[tenants]]
id = "Bad Id"
sending_window = "9-20"
[[channels.smpp]]
name = "a"
tenant = "nobody"
host = "h"
port = 0
system_id = "x"
password_env = "SMPP_PW"
)");
  EXPECT_EQ(r.issues.size(), 6u) << all(r);
  EXPECT_EQ(issueAt(r, "server.port"), "70000 is not a port (0-65535)");
  EXPECT_EQ(issueAt(r, "log.level"), "\"verbose\" is not a level (debug, info, warn, error)");
  EXPECT_NE(issueAt(r, "tenants[0].id").find("is not a name"), std::string::npos);
  EXPECT_EQ(issueAt(r, "tenants[0].sending_window"),
            "\"9-20\" is not HH:MM-HH:MM (e.g. \"09:00-20:00\")");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].port"), "0 is not a port (1-65535)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].tenant"), "no tenant has the id \"nobody\"");
  // In file order, each with its position.
  for (std::size_t i = 1; i < r.issues.size(); ++i) {
    EXPECT_LE(r.issues[i - 1].line, r.issues[i].line);
  }
  EXPECT_EQ(r.issues[0].line, 3u);
}

TEST_F(ConfigTest, PortMessageMatchesTheDocumentedExample) {
  const LoadResult r = parse(std::string(kSmpp) + R"(
[[channels.smpp]]
name = "second"
tenant = "t1"
host = "smsc.example.net"
port = 70000
system_id = "liaison"
password_env = "SMPP_PW"
)");
  ASSERT_EQ(r.issues.size(), 1u) << all(r);
  EXPECT_EQ(r.issues[0].text(), "channels.smpp[1].port: 70000 is not a port (1-65535)");
  EXPECT_EQ(r.issues[0].line, 16u);
  EXPECT_EQ(r.issues[0].column, 8u);
}

TEST_F(ConfigTest, StructureErrors) {
  LoadResult r = parse("tenants = 1\n");
  EXPECT_EQ(issueAt(r, "tenants"), "must be an array of tables ([[tenants]]), not an integer");
  r = parse("tenants = [\"t1\", { id = \"t2\" }]\nchannels = { smpp = { name = \"x\" } }\n");
  EXPECT_EQ(issueAt(r, "tenants[0]"), "must be a table, not a string");
  EXPECT_EQ(issueAt(r, "channels.smpp"),
            "must be an array of tables ([[channels.smpp]]), not a table");
  ASSERT_EQ(r.config.tenants.size(), 1u);
  EXPECT_EQ(r.config.tenants[0].id, "t2");
}

TEST_F(ConfigTest, ListsAndStringsAreBounded) {
  std::string many;
  for (int i = 0; i < 1001; ++i) many += "[[tenants]]\nid = \"t" + std::to_string(i) + "\"\n";
  LoadResult r = parse(many);
  EXPECT_EQ(issueAt(r, "tenants"), "has more than 1000 entries");

  std::string languages = "[[tenants]]\nid = \"t1\"\nlanguages = [";
  for (int i = 0; i < 65; ++i) languages += "\"en\",";
  r = parse(languages + "]\n");
  EXPECT_EQ(issueAt(r, "tenants[0].languages"), "has more than 64 items");

  r = parse("[[tenants]]\nid = \"" + std::string(64, 'a') + "\"\n[[tenants]]\nid = \"" +
            std::string(300, 'b') + "\"\n");
  EXPECT_EQ(issueAt(r, "tenants[0].id"), "is longer than 63 characters");
  EXPECT_EQ(issueAt(r, "tenants[1].id"), "is longer than 252 bytes");

  r = parse("[[tenants]]\nid = \"t1\"\n[tenants.replies.help]\nen = \"" + std::string(1601, 'x') +
            "\"\n[tenants.keywords]\nhelp = [\"a\\nb\"]\n");
  EXPECT_EQ(issueAt(r, "tenants[0].replies.help.en"), "is longer than 1600 bytes");
  EXPECT_EQ(issueAt(r, "tenants[0].keywords.help[0]"), "must be one line");
}

TEST_F(ConfigTest, HostsAndAddresses) {
  LoadResult r = parse(std::string(kMinimal) + "[server]\naddress = \"0.0.0.0 \"\n");
  EXPECT_EQ(issueAt(r, "server.address"), "\"0.0.0.0 \" is not a host name or address");
  r = parse(std::string(kMinimal) + "[server]\naddress = \"::\"\nport = 0\n");
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.config.server.port, 0);
}

// ---- Secrets

TEST_F(ConfigTest, InlineSecretsAreRefusedAndNeverEchoed) {
  const LoadResult r = parse(R"(
[api]
bootstrap_admin_token = "inline-token-value-0123456789abcdef"
[[tenants]]
id = "t1"
[[channels.smpp]]
name = "a"
tenant = "t1"
host = "h"
system_id = "x"
password = "hunter2"
[[channels.http]]
name = "b"
tenant = "t1"
profile = "json"
url = "https://api.example.com/send"
password = "inline-api-key"
webhook_secret = "inline-webhook-secret"
)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password"),
            "secrets are not accepted inline: put it in a file and set password_file, or in an "
            "environment variable and set password_env");
  EXPECT_TRUE(hasIssue(r, "api.bootstrap_admin_token"));
  EXPECT_TRUE(hasIssue(r, "channels.http[0].password"));
  EXPECT_TRUE(hasIssue(r, "channels.http[0].webhook_secret"));
  EXPECT_FALSE(hasIssue(r, "channels.smpp[0].password_file")) << "no second 'required' issue";
  const std::string text = all(r);
  for (const char* secret :
       {"hunter2", "inline-token", "inline-api-key", "inline-webhook-secret"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
  }
}

TEST_F(ConfigTest, SecretFromFileTrimsOneTrailingNewline) {
  const std::map<std::string, std::string> cases = {
      {"pw\n", "pw"}, {"pw\r\n", "pw"}, {"pw\n\n", "pw\n"}, {"pw", "pw"}, {"p w\t", "p w\t"}};
  for (const auto& [content, expected] : cases) {
    write("secret", content);
    const LoadResult r = parse(R"(
[[tenants]]
id = "t1"
[[channels.smpp]]
name = "a"
tenant = "t1"
host = "h"
system_id = "x"
password_file = "secret"
)");
    ASSERT_TRUE(r.ok()) << all(r);
    EXPECT_EQ(r.config.smpp[0].password.reveal(), expected);
    EXPECT_EQ(r.config.smpp[0].password.origin(), "file \"" + dir_.file("secret") + "\"");
  }
}

TEST_F(ConfigTest, SecretFileProblems) {
  write("empty", "\n");
  write("big", std::string(200, 'x'));
  fs::create_directories(dir_.path() / "a-dir");
  LoadOptions o = options();
  o.max_secret_bytes = 100;
  auto load = [&](const std::string& file) {
    return parseConfig(R"(
[[tenants]]
id = "t1"
[[channels.smpp]]
name = "a"
tenant = "t1"
host = "h"
system_id = "x"
password_file = ")" + file +
                           "\"\n",
                       o);
  };
  LoadResult r = load("missing");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password_file"),
            "cannot read \"" + dir_.file("missing") + "\": No such file or directory");
  r = load("empty");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password_file"),
            "the file \"" + dir_.file("empty") + "\" is empty");
  r = load("big");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password_file"),
            "cannot read \"" + dir_.file("big") + "\": larger than 100 bytes");
  EXPECT_EQ(all(r).find("xxxxxxxx"), std::string::npos);
  r = load("a-dir");
  EXPECT_NE(issueAt(r, "channels.smpp[0].password_file").find("not a regular file"),
            std::string::npos);
  r = load(dir_.file("big"));  // absolute paths are taken as they are
  EXPECT_NE(issueAt(r, "channels.smpp[0].password_file").find(dir_.file("big")), std::string::npos);
}

TEST_F(ConfigTest, SecretFromEnvironment) {
  LoadResult r = parse(kSmpp);
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.config.smpp[0].password.reveal(), "secret1");
  EXPECT_EQ(r.config.smpp[0].password.origin(), "env SMPP_PW");

  env_.erase("SMPP_PW");
  r = parse(kSmpp);
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password_env"),
            "the environment variable SMPP_PW is not set");
  env_["SMPP_PW"] = "";
  r = parse(kSmpp);
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password_env"),
            "the environment variable SMPP_PW is empty");
  r = parse(std::string(kSmpp) + "password_file = \"x\"\n");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password_file"),
            "set only one of password_file and password_env");
}

TEST_F(ConfigTest, BadEnvironmentVariableNameIsNotEchoed) {
  const LoadResult r = parse(R"(
[[tenants]]
id = "t1"
[[channels.smpp]]
name = "a"
tenant = "t1"
host = "h"
system_id = "x"
password_env = "pass word!"
)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password_env"),
            "is not an environment variable name (letters, digits and '_')");
}

TEST_F(ConfigTest, DefaultEnvironmentLookupReadsTheProcessEnvironment) {
  ::setenv("LIAISON_CONFIG_TEST_PW", "fromenv", 1);
  LoadOptions o;  // no injected lookup
  const LoadResult r = parseConfig(R"(
[[tenants]]
id = "t1"
[[channels.smpp]]
name = "a"
tenant = "t1"
host = "h"
system_id = "x"
password_env = "LIAISON_CONFIG_TEST_PW"
)",
                                   o);
  ::unsetenv("LIAISON_CONFIG_TEST_PW");
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.config.smpp[0].password.reveal(), "fromenv");
}

TEST_F(ConfigTest, RequiredSecretsAndTheirLengths) {
  env_["LONG_PW"] = "123456789";
  env_["SHORT"] = "short";
  LoadResult r = parse(R"(
[api]
bootstrap_admin_token_env = "SHORT"
[[tenants]]
id = "t1"
[[channels.smpp]]
name = "a"
tenant = "t1"
host = "h"
system_id = "x"
[[channels.smpp]]
name = "b"
tenant = "t1"
host = "h"
system_id = "x"
password_env = "LONG_PW"
[[channels.http]]
name = "c"
tenant = "t1"
profile = "json"
url = "https://api.example.com/"
password_env = "SHORT"
webhook_secret_env = "SHORT"
)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].password_file"),
            "is required: set password_file or password_env");
  EXPECT_EQ(issueAt(r, "channels.smpp[1].password_env"),
            "the password is longer than 8 characters, the SMPP 3.4 limit");
  EXPECT_EQ(issueAt(r, "channels.http[0].webhook_secret_env"),
            "the secret is shorter than 16 characters: use a long random value");
  EXPECT_EQ(issueAt(r, "api.bootstrap_admin_token_env"),
            "the token is shorter than 32 characters: use a long random value");
  EXPECT_EQ(r.issues.size(), 4u) << all(r);
  const std::string text = all(r);
  EXPECT_EQ(text.find("123456789"), std::string::npos);
}

// ---- Tenants

TEST_F(ConfigTest, TenantValidation) {
  const LoadResult r = parse(R"(
[[tenants]]
id = "t1"
default_region = "fr"
fallback_language = "EN"
languages = ["en", "en", "x"]
duplicate_window_s = -1
[tenants.keywords]
stop = ["", "ok", "!!!"]
[tenants.replies.stop]
de = "Tschuess"
[tenants.replies.help]
"not a tag" = "x"
en = ""

[[tenants]]
id = "t2"
default_region = "XX"
fallback_language = "ar"
languages = ["fr"]

[[tenants]]
id = "t3"
fallback_language = "ar"
languages = []
)");
  EXPECT_NE(issueAt(r, "tenants[0].default_region").find("\"fr\" is not a region code"),
            std::string::npos);
  EXPECT_EQ(issueAt(r, "tenants[0].fallback_language"),
            "\"EN\" is not a language tag (BCP 47, e.g. \"en\", \"pt-BR\")");
  EXPECT_EQ(issueAt(r, "tenants[0].languages[2]"),
            "\"x\" is not a language tag (BCP 47, e.g. \"en\", \"pt-BR\")");
  EXPECT_EQ(issueAt(r, "tenants[0].duplicate_window_s"), "-1 is out of range (0-86400)");
  EXPECT_EQ(issueAt(r, "tenants[0].keywords.stop[0]"), "must not be empty");
  EXPECT_EQ(issueAt(r, "tenants[0].keywords.stop[2]"), "\"!!!\" has no letters or digits");
  EXPECT_EQ(issueAt(r, "tenants[0].replies.stop.de"),
            "language \"de\" is not in tenants[0].languages");
  EXPECT_EQ(issueAt(r, "tenants[0].replies.help.\"not a tag\""),
            "\"not a tag\" is not a language tag (BCP 47, e.g. \"en\", \"pt-BR\")");
  EXPECT_EQ(issueAt(r, "tenants[0].replies.help.en"), "must not be empty");
  EXPECT_NE(issueAt(r, "tenants[1].default_region").find("\"XX\""), std::string::npos);
  EXPECT_EQ(issueAt(r, "tenants[1].languages"), "does not contain the fallback language \"ar\"");
  EXPECT_EQ(issueAt(r, "tenants[1].replies.stop"),
            "no text for the fallback language \"ar\" (built-in texts exist for de, en, es, fr, "
            "tr)");
  EXPECT_TRUE(hasIssue(r, "tenants[1].replies.start"));
  EXPECT_TRUE(hasIssue(r, "tenants[1].replies.help"));
  EXPECT_EQ(issueAt(r, "tenants[2].languages"), "must list at least one language");
}

TEST_F(ConfigTest, TenantLanguageListedTwice) {
  const LoadResult r = parse("[[tenants]]\nid = \"t1\"\nlanguages = [\"en\", \"fr\", \"en\"]\n");
  EXPECT_EQ(issueAt(r, "tenants[0].languages"), "\"en\" is listed twice");
}

TEST_F(ConfigTest, TenantRepliesForTheirOwnFallbackLanguage) {
  const LoadResult r = parse(R"(
[[tenants]]
id = "t1"
default_region = "SN"
fallback_language = "wo"
languages = ["wo", "fr"]
sending_window = "22:00-06:00"
[tenants.replies.stop]
wo = "Stop"
[tenants.replies.start]
wo = "Start"
[tenants.replies.help]
wo = "Help"
)");
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.config.tenants[0].sending_window, (outreach::DailyWindow{22 * 60, 6 * 60}));
  EXPECT_TRUE(r.config.tenants[0].sending_window.overnight());
}

TEST_F(ConfigTest, SendingWindowForms) {
  for (const auto& [text, ok] : std::vector<std::pair<std::string, bool>>{{"09:00-20:00", true},
                                                                          {"00:00-24:00", true},
                                                                          {"00:00-00:00", true},
                                                                          {"9:00-20:00", false},
                                                                          {"09:00-25:00", false},
                                                                          {"09:60-20:00", false},
                                                                          {"24:00-09:00", false},
                                                                          {"09:00 - 20:00", false},
                                                                          {"", false}}) {
    const LoadResult r = parse("[[tenants]]\nid = \"t1\"\nsending_window = \"" + text + "\"\n");
    EXPECT_EQ(r.ok(), ok) << text << "\n" << all(r);
  }
  const LoadResult r = parse("[[tenants]]\nid = \"t1\"\nsending_window = \"08:30-24:00\"\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.tenants[0].sending_window, (outreach::DailyWindow{8 * 60 + 30, 0}));
}

TEST_F(ConfigTest, NamesAreChecked) {
  const LoadResult r = parse(R"(
[[tenants]]
id = "consulate-0612345678"
[[tenants]]
id = "-dash"
[[tenants]]
id = ""
[[tenants]]
name = "no id"
)");
  EXPECT_EQ(issueAt(r, "tenants[0].id"),
            "\"consulate-0612345678\" has 7 or more digits in a row (like a phone number)");
  EXPECT_NE(issueAt(r, "tenants[1].id").find("is not a name"), std::string::npos);
  EXPECT_EQ(issueAt(r, "tenants[2].id"), "must not be empty");
  EXPECT_EQ(issueAt(r, "tenants[3].id"), "is required");
}

TEST_F(ConfigTest, DuplicateNamesAndUnknownTenants) {
  env_["H"] = "a-long-webhook-secret";
  const LoadResult r = parse(std::string(kSmpp) + R"(
[[tenants]]
id = "t1"
[[channels.smpp]]
name = "smsc"
tenant = "t2"
host = "h"
system_id = "x"
password_env = "SMPP_PW"
[[channels.http]]
name = "smsc"
tenant = "t1"
profile = "json"
url = "https://a.example.com/"
password_env = "H"
webhook_secret_env = "H"
)");
  EXPECT_EQ(issueAt(r, "tenants[1].id"), "\"t1\" is already used by tenants[0].id");
  EXPECT_EQ(issueAt(r, "channels.smpp[1].name"),
            "\"smsc\" is already used by channels.smpp[0].name");
  EXPECT_EQ(issueAt(r, "channels.smpp[1].tenant"), "no tenant has the id \"t2\" (tenants: t1)");
  EXPECT_EQ(issueAt(r, "channels.http[0].name"),
            "\"smsc\" is already used by channels.smpp[0].name");
  EXPECT_EQ(r.issues.size(), 4u) << all(r);
}

TEST_F(ConfigTest, AtLeastOneTenant) {
  const LoadResult r = parse("[log]\nlevel = \"debug\"\n");
  EXPECT_EQ(issueAt(r, "tenants"), "at least one [[tenants]] entry is required");
}

// ---- SMPP

TEST_F(ConfigTest, SmppAccountValidation) {
  const LoadResult r = parse(R"(
[[tenants]]
id = "t1"
[[channels.smpp]]
name = "a"
tenant = "t1"
host = "bad host"
system_id = "a-system-id-too-long"
system_type = "much-too-long-type"
password_env = "SMPP_PW"
window = 0
segments_per_second = -1
tls_ca_file = "ca.pem"
source_addr = "LONGSENDERNAME"
source_ton = 7
national_languages = ["klingon", "Turkish"]
connect_timeout_ms = 10
binds = [{ mode = "duplex" }, { mode = "receiver", count = 40 }]

[[channels.smpp]]
name = "b"
tenant = "t1"
system_id = "x"
password_env = "SMPP_PW"
binds = [{ mode = "transmitter" }]

[[channels.smpp]]
name = "c"
tenant = "t1"
host = "h"
system_id = "x"
password_env = "SMPP_PW"
binds = [{ mode = "receiver", count = 2, extra = 1 }]

[[channels.smpp]]
name = "d"
tenant = "t1"
host = "h"
system_id = "x"
password_env = "SMPP_PW"
binds = []
)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].host"), "\"bad host\" is not a host name or address");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].system_id"), "must be 1 to 15 characters (SMPP 3.4)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].system_type"), "is longer than 12 characters (SMPP 3.4)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].window"), "0 is out of range (1-1000)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].segments_per_second"),
            "must be a number from 0 to 100000");
  EXPECT_NE(issueAt(r, "channels.smpp[0].tls_ca_file").find("cannot read"), std::string::npos);
  EXPECT_EQ(issueAt(r, "channels.smpp[0].source_addr"),
            "an alphanumeric sender (source_ton = 5) has at most 11 characters");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].source_ton"), "7 is out of range (0-6)");
  EXPECT_NE(issueAt(r, "channels.smpp[0].national_languages[0]")
                .find("\"klingon\" is not a GSM national language (turkish, spanish,"),
            std::string::npos);
  EXPECT_EQ(issueAt(r, "channels.smpp[0].connect_timeout_ms"), "10 is out of range (100-600000)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].binds[0].mode"),
            "\"duplex\" is not a bind mode (transceiver, transmitter, receiver)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].binds[1].count"), "40 is out of range (1-32)");
  EXPECT_EQ(issueAt(r, "channels.smpp[1].host"), "is required");
  EXPECT_EQ(issueAt(r, "channels.smpp[1].binds"),
            "no bind can receive, so delivery receipts and replies would never arrive: add a "
            "transceiver or receiver");
  EXPECT_EQ(issueAt(r, "channels.smpp[2].binds"),
            "no bind can send: add a transceiver or transmitter");
  EXPECT_EQ(issueAt(r, "channels.smpp[2].binds[0].extra"), "unknown key");
  EXPECT_EQ(issueAt(r, "channels.smpp[3].binds"), "must list at least one bind");
}

TEST_F(ConfigTest, SmppTlsAndBindTotals) {
  write("ca.pem", "not really a certificate");
  const LoadResult r = parse(std::string(kSmpp) + R"(
tls_ca_file = "ca.pem"
binds = [{ mode = "transceiver", count = 20 }, { mode = "transceiver", count = 20 }]
)");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].tls_ca_file"), "is set but tls is not true");
  EXPECT_EQ(issueAt(r, "channels.smpp[0].binds"), "40 binds in all: at most 32");
  EXPECT_EQ(r.issues.size(), 2u) << all(r);
}

TEST_F(ConfigTest, SmppChannelConfigMapping) {
  write("ca.pem", "pem");
  const LoadResult r = parse(std::string(kSmpp) + R"(
port = 3550
system_type = "VMA"
window = 25
segments_per_second = 80.5
burst = 10
tls = true
tls_ca_file = "ca.pem"
source_addr = "33612345678"
source_ton = 1
source_npi = 1
national_languages = ["portuguese", "spanish"]
data_coding_1_is_gsm7 = true
response_timeout_ms = 15000
enquire_link_interval_ms = 20000
max_queued_segments = 5000
receipt_timeout_s = 86400
binds = [{ mode = "transmitter", count = 2 }, { mode = "receiver" }]
)");
  ASSERT_TRUE(r.ok()) << all(r);
  const smpp::SmppChannelConfig c = smppChannelConfig(r.config.smpp[0]);
  ASSERT_EQ(c.binds.size(), 3u);
  EXPECT_EQ(c.binds[0].mode, smpp::BindMode::Transmitter);
  EXPECT_EQ(c.binds[1].mode, smpp::BindMode::Transmitter);
  EXPECT_EQ(c.binds[2].mode, smpp::BindMode::Receiver);
  for (const auto& b : c.binds) {
    EXPECT_EQ(b.host, "127.0.0.1");
    EXPECT_EQ(b.port, 3550);
    EXPECT_EQ(b.system_id, "liaison");
    EXPECT_EQ(b.password, "secret1");
    EXPECT_EQ(b.system_type, "VMA");
    EXPECT_EQ(b.window, 25u);
    EXPECT_TRUE(b.tls);
    EXPECT_EQ(b.tls_ca_file, dir_.file("ca.pem"));
    EXPECT_EQ(b.response_timeout, milliseconds(15'000));
    EXPECT_EQ(b.enquire_link_interval, milliseconds(20'000));
  }
  EXPECT_DOUBLE_EQ(c.segments_per_second, 80.5);
  EXPECT_DOUBLE_EQ(c.burst, 10);
  EXPECT_EQ(c.source_addr, "33612345678");
  EXPECT_EQ(c.source_ton, 1);
  EXPECT_EQ(c.source_npi, 1);
  EXPECT_EQ(c.national_languages,
            (std::vector<sms::Language>{sms::Language::Portuguese, sms::Language::Spanish}));
  EXPECT_EQ(c.gsm7_data_coding, 0x01);
  EXPECT_EQ(c.max_queued_segments, 5000u);
  EXPECT_EQ(c.receipts.receipt_timeout, std::chrono::hours(24));

  // Defaults: one transceiver, GSM text as data_coding 0.
  const LoadResult d = parse(kSmpp);
  ASSERT_TRUE(d.ok()) << all(d);
  const smpp::SmppChannelConfig dc = smppChannelConfig(d.config.smpp[0]);
  ASSERT_EQ(dc.binds.size(), 1u);
  EXPECT_EQ(dc.binds[0].mode, smpp::BindMode::Transceiver);
  EXPECT_EQ(dc.binds[0].port, 2775);
  EXPECT_FALSE(dc.binds[0].tls);
  EXPECT_EQ(dc.gsm7_data_coding, 0x00);
  EXPECT_TRUE(dc.national_languages.empty());
}

// ---- HTTP aggregators

constexpr const char* kHttpHead = R"(
[server]
public_url = "https://gw.example.org/"
[[tenants]]
id = "t1"
)";

TEST_F(ConfigTest, HttpAggregatorValidation) {
  env_["K"] = "a-long-webhook-secret";
  const LoadResult r = parse(std::string(kHttpHead) + R"(
[[channels.http]]
name = "a"
tenant = "t1"
profile = "smpp"
url = "ftp://x"
webhook_secret_env = "K"

[[channels.http]]
name = "b"
tenant = "t1"
profile = "kannel"
url = "https://user:pa55word@kannel.example.net/cgi-bin/sendsms"
password_env = "K"
webhook_secret_env = "K"
webhook_auth = "md5"
[channels.http.json]
auth = "none"

[[channels.http]]
name = "c"
tenant = "t1"
profile = "json"
url = "http://aggregator.example.com/send"
password_env = "K"
webhook_secret_env = "K"
[channels.http.json]
method = "GET"
message_id_pointer = "id"
accepted_status = [200, 404]
auth = "header"
[channels.http.json.headers]
Authorization = "Bearer abc"
"Bad Header" = "x"
[channels.http.json.body]
to = "{to}"
msg = "{message}"

[[channels.http]]
name = "d"
tenant = "t1"
profile = "json"
url = "https://aggregator.example.com/send"
webhook_secret_env = "K"
[channels.http.json]
[channels.http.json.body]
to = "{to}"
)");
  EXPECT_EQ(issueAt(r, "channels.http[0].profile"), "\"smpp\" is not a profile (kannel, json)");
  EXPECT_EQ(issueAt(r, "channels.http[0].url"), "\"ftp://x\" is not an http:// or https:// URL");
  EXPECT_EQ(issueAt(r, "channels.http[1].url"),
            "must not contain credentials: use username and password_file or password_env");
  EXPECT_EQ(issueAt(r, "channels.http[1].username"), "is required for profile = \"kannel\"");
  EXPECT_EQ(issueAt(r, "channels.http[1].webhook_auth"), "\"md5\" is not hmac-sha256 or token");
  EXPECT_EQ(issueAt(r, "channels.http[1].json"), "is only used with profile = \"json\"");
  EXPECT_NE(issueAt(r, "channels.http[2].url").find("plain http to another host"),
            std::string::npos);
  EXPECT_EQ(issueAt(r, "channels.http[2].json.method"), "\"GET\" is not POST or PUT");
  EXPECT_EQ(issueAt(r, "channels.http[2].json.message_id_pointer"),
            "\"id\" is not a JSON pointer (e.g. \"/messages/0/id\")");
  EXPECT_EQ(issueAt(r, "channels.http[2].json.accepted_status[1]"),
            "must be a success status code (200-299)");
  EXPECT_EQ(issueAt(r, "channels.http[2].json.auth_header"), "is required with auth = \"header\"");
  EXPECT_NE(
      issueAt(r, "channels.http[2].json.headers.Authorization").find("looks like a credential"),
      std::string::npos);
  EXPECT_EQ(issueAt(r, "channels.http[2].json.headers.\"Bad Header\""),
            "\"Bad Header\" is not a header name");
  EXPECT_EQ(issueAt(r, "channels.http[2].json.body.msg"),
            "\"{message}\" is not a placeholder ({to}, {from}, {text}, {ref})");
  EXPECT_EQ(issueAt(r, "channels.http[3].json.body"), "must use {to} and {text} in its fields");
  EXPECT_EQ(issueAt(r, "channels.http[3].password_file"),
            "is required: set password_file or password_env");
  const std::string text = all(r);
  EXPECT_EQ(text.find("pa55word"), std::string::npos);
  EXPECT_EQ(text.find("Bearer abc"), std::string::npos);
}

TEST_F(ConfigTest, HttpPlainUrlsOnlyToLoopbackOrWhenAllowed) {
  env_["K"] = "a-long-webhook-secret";
  auto load = [&](const std::string& url, bool allow) {
    return parse(std::string(kHttpHead) + "[[channels.http]]\nname = \"a\"\ntenant = \"t1\"\n" +
                 "profile = \"json\"\npassword_env = \"K\"\nwebhook_secret_env = \"K\"\n" +
                 "url = \"" + url + "\"\n" + (allow ? "allow_insecure_http = true\n" : ""));
  };
  EXPECT_TRUE(load("http://127.0.0.1:13013/cgi-bin/sendsms", false).ok());
  EXPECT_TRUE(load("http://localhost/send", false).ok());
  EXPECT_TRUE(load("http://[::1]:8080/send", false).ok());
  EXPECT_FALSE(load("http://10.0.0.5/send", false).ok());
  EXPECT_TRUE(load("http://10.0.0.5/send", true).ok());
  EXPECT_TRUE(load("https://10.0.0.5/send", false).ok());
  EXPECT_FALSE(load("https:///send", false).ok());
}

TEST_F(ConfigTest, JsonProfileWithoutAuthNeedsNoPassword) {
  env_["K"] = "a-long-webhook-secret";
  const std::string head = std::string(kHttpHead) +
                           "[[channels.http]]\nname = \"a\"\ntenant = \"t1\"\nprofile = \"json\"\n"
                           "url = \"https://a.example.com/\"\nwebhook_secret_env = \"K\"\n";
  LoadResult r = parse(head + "[channels.http.json]\nauth = \"none\"\n");
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.config.http[0].json.auth, HttpAuth::None);
  EXPECT_TRUE(r.config.http[0].password.empty());
  EXPECT_EQ(r.config.http[0].json.body.size(), 3u);  // the default body
  r = parse(head + "password_env = \"K\"\n[channels.http.json]\nauth = \"none\"\n");
  EXPECT_EQ(issueAt(r, "channels.http[0].password_env"), "is not used with auth = \"none\"");
  r = parse(head + "[channels.http.json]\nauth = \"basic\"\nauth_header = \"X-Key\"\n");
  EXPECT_EQ(issueAt(r, "channels.http[0].json.auth_header"), "is only used with auth = \"header\"");
}

TEST_F(ConfigTest, KannelNeedsThePublicUrl) {
  env_["K"] = "a-long-webhook-secret";
  const LoadResult r = parse(R"(
[[tenants]]
id = "t1"
[[channels.http]]
name = "k"
tenant = "t1"
profile = "kannel"
url = "http://127.0.0.1:13013/cgi-bin/sendsms"
username = "u"
password_env = "K"
webhook_secret_env = "K"
)");
  EXPECT_EQ(issueAt(r, "server.public_url"),
            "is required by channels.http[0] (Kannel calls back to the gateway's dlr-url)");
  EXPECT_EQ(r.issues.size(), 1u) << all(r);
}

// ---- Server, API, sync, webhooks

TEST_F(ConfigTest, ServerValidationAndMapping) {
  write("cert.pem", "c");
  write("key.pem", "k");
  LoadResult r = parse(std::string(kMinimal) + R"(
[server]
address = "0.0.0.0"
port = 8443
data_dir = "data"
public_url = "https://gw.example.org/"
tls_cert_file = "cert.pem"
tls_key_file = "key.pem"
max_header_bytes = 8192
max_body_bytes = 2097152
request_timeout_ms = 5000
max_connections = 64
shutdown_grace_ms = 2000
)");
  ASSERT_TRUE(r.ok()) << all(r);
  const ServerConfig& s = r.config.server;
  EXPECT_TRUE(s.tls());
  EXPECT_EQ(s.tls_cert_file, dir_.file("cert.pem"));
  EXPECT_EQ(s.data_dir, dir_.file("data"));
  EXPECT_EQ(s.public_url, "https://gw.example.org");  // trailing '/' dropped
  EXPECT_EQ(s.shutdown_grace, milliseconds(2000));
  const api::HttpServerOptions o = httpServerOptions(s);
  EXPECT_EQ(o.address, "0.0.0.0");
  EXPECT_EQ(o.port, 8443);
  EXPECT_EQ(o.header_limit, 8192u);
  EXPECT_EQ(o.body_limit, 2097152u);
  EXPECT_EQ(o.request_timeout, milliseconds(5000));
  EXPECT_EQ(o.max_connections, 64u);

  r = parse(std::string(kMinimal) + R"(
[server]
tls_cert_file = "missing.pem"
max_body_bytes = 10
public_url = "gw.example.org"
data_dir = ""
)");
  EXPECT_EQ(issueAt(r, "server.tls_cert_file"),
            "cannot read \"" + dir_.file("missing.pem") + "\": No such file or directory");
  EXPECT_EQ(issueAt(r, "server.tls_key_file"), "is required with tls_cert_file");
  EXPECT_EQ(issueAt(r, "server.max_body_bytes"), "10 is out of range (1024-67108864)");
  EXPECT_EQ(issueAt(r, "server.public_url"),
            "\"gw.example.org\" is not an http:// or https:// URL");
  EXPECT_EQ(issueAt(r, "server.data_dir"), "must not be empty");

  // File checks can be turned off (e.g. to validate a config on another machine).
  LoadOptions o2 = options();
  o2.check_files = false;
  r = parseConfig(std::string(kMinimal) +
                      "[server]\ntls_cert_file = \"/nope/c.pem\"\ntls_key_file = \"/nope/k.pem\"\n",
                  o2);
  EXPECT_TRUE(r.ok()) << all(r);
}

TEST_F(ConfigTest, ApiSyncWebhooksAndLog) {
  env_["TOKEN"] = std::string(48, 't');
  LoadResult r = parse(std::string(kMinimal) + R"(
[api]
rate_limit_per_second = 2.5
rate_limit_burst = 5
bootstrap_admin_token_env = "TOKEN"
[sync]
enabled = false
max_request_bytes = 1048576
max_operations = 100
max_operation_bytes = 65536
[webhooks]
timestamp_tolerance_s = 60
max_body_bytes = 4096
[log]
level = "warn"
)");
  ASSERT_TRUE(r.ok()) << all(r);
  const Config& c = r.config;
  EXPECT_DOUBLE_EQ(c.api.rate_limit_per_second, 2.5);
  EXPECT_EQ(c.api.rate_limit_burst, 5u);
  ASSERT_TRUE(c.api.bootstrap_admin_token);
  EXPECT_EQ(c.api.bootstrap_admin_token->reveal(), std::string(48, 't'));
  EXPECT_FALSE(c.sync.enabled);
  const sync::BatchLimits limits = batchLimits(c.sync);
  EXPECT_EQ(limits.max_request_bytes, 1048576u);
  EXPECT_EQ(limits.max_operations, 100u);
  EXPECT_EQ(limits.max_operation_bytes, 65536u);
  EXPECT_EQ(c.webhooks.timestamp_tolerance, seconds(60));
  EXPECT_EQ(c.webhooks.max_body_bytes, 4096u);
  EXPECT_EQ(c.log.level, log::Level::Warn);

  r = parse(std::string(kMinimal) + R"(
[api]
rate_limit_per_second = 0
[sync]
max_request_bytes = 2048
max_operation_bytes = 4096
[webhooks]
timestamp_tolerance_s = 0
)");
  EXPECT_EQ(issueAt(r, "api.rate_limit_per_second"), "must be a number from 0.01 to 1e+06");
  EXPECT_EQ(issueAt(r, "sync.max_operation_bytes"), "is larger than max_request_bytes");
  EXPECT_EQ(issueAt(r, "webhooks.timestamp_tolerance_s"), "0 is out of range (1-3600)");
}

// ---- Inbound mapping

TEST_F(ConfigTest, InboundConfigMergesRepliesOverTheBuiltInOnes) {
  const LoadResult r = parse(R"(
[[tenants]]
id = "t1"
default_region = "TR"
fallback_language = "tr"
languages = ["tr", "fr", "ku"]
duplicate_window_s = 120
[tenants.keywords]
stop = ["DUR"]
start = ["BASLA"]
help = ["YARDIM"]
include_defaults = false
[tenants.replies.stop]
fr = "Arret confirme."
ku = "Raweste."
)");
  ASSERT_TRUE(r.ok()) << all(r);
  const outreach::InboundConfig c = inboundConfig(r.config.tenants[0]);
  EXPECT_EQ(c.default_region, "TR");
  EXPECT_EQ(c.fallback_language, "tr");
  EXPECT_EQ(c.duplicate_window_s, 120);
  EXPECT_EQ(c.keywords.stop_words, std::vector<std::string>{"DUR"});
  EXPECT_EQ(c.keywords.start_words, std::vector<std::string>{"BASLA"});
  EXPECT_EQ(c.keywords.help_words, std::vector<std::string>{"YARDIM"});
  EXPECT_FALSE(c.keywords.include_defaults);
  const outreach::ReplyTexts builtin = outreach::InboundConfig::defaultReplies();
  EXPECT_EQ(c.replies.stop_confirmation.at("fr"), "Arret confirme.");                   // replaced
  EXPECT_EQ(c.replies.stop_confirmation.at("ku"), "Raweste.");                          // added
  EXPECT_EQ(c.replies.stop_confirmation.at("tr"), builtin.stop_confirmation.at("tr"));  // kept
  EXPECT_EQ(c.replies.help, builtin.help);
}

}  // namespace
}  // namespace liaison::gateway::config
