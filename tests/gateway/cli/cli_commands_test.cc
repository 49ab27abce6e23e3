// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The store commands (`liaison contacts|campaign|results|tokens`) run as an officer runs them:
// the shipped binary as a subprocess on a real SQLite store in a temporary directory, its
// stdout, stderr and exit code checked, and the store read back directly. Bad input of every
// kind the brief lists: missing, empty and bad CSV files, unknown and other tenants' campaign
// ids, bad roles, campaign files with errors, TOML syntax errors.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/auth.h"
#include "child_process.h"
#include "cli/commands.h"
#include "http_client.h"
#include "liaison/v1/segments.pb.h"
#include "store/segment_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace {

using liaison::gateway::store::Database;
using liaison::gateway::store::SqliteStore;

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// German mobile numbers, all valid and distinct.
std::string mobile(int i) { return "+49151" + std::to_string(10000000 + i); }

class CliCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.file("data");
    std::filesystem::create_directories(data_);
    SqliteStore::open(data_ + "/liaison.db");  // what `liaison serve` does on its first run
  }

  // Runs `liaison ARGS` (stdin empty), capturing stdout and stderr separately.
  RunResult run(const std::vector<std::string>& args) {
    std::string cmd = quoted(LIAISON_BINARY);
    for (const std::string& a : args) cmd += " " + quoted(a);
    const std::string out = dir_.file("stdout"), err = dir_.file("stderr");
    cmd += " <" + quoted("/dev/null") + " >" + quoted(out) + " 2>" + quoted(err);
    RunResult r;
    const int status = std::system(cmd.c_str());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readAll(out);
    r.err = readAll(err);
    return r;
  }
  // The same with --data-dir pointing at the test's store.
  RunResult cli(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(data_);
    return run(args);
  }

  std::int64_t scalar(const std::string& sql) {
    auto db = SqliteStore::open(data_ + "/liaison.db");
    std::error_code ec;
    auto s = db->database().prepare(sql, &ec);
    EXPECT_FALSE(ec) << sql;
    if (ec) return -1;
    bool row = false;
    EXPECT_FALSE(s->step(&row));
    return row ? s->int64(0) : -1;
  }

  // A segment with every active contact of `tenant`; returns its id.
  std::string everyoneSegment(const std::string& tenant = "default") {
    auto db = SqliteStore::open(data_ + "/liaison.db");
    liaison::gateway::store::SqliteSegmentStore segments(db->database());
    liaison::v1::Filter f;
    f.mutable_condition()->set_field("status");
    f.mutable_condition()->set_op(liaison::v1::FieldCondition::OPERATOR_IN);
    f.mutable_condition()->add_values("active");
    std::int64_t id = 0;
    EXPECT_FALSE(segments.create(tenant, "everyone", f.SerializeAsString(), 1'800'000'000, &id));
    return std::to_string(id);
  }

  // A CSV of `n` valid contacts.
  std::string contactsCsv(int n) {
    std::string csv = "phone,name,language,country\n";
    for (int i = 0; i < n; ++i) csv += mobile(i) + ",Person " + std::to_string(i) + ",de,DE\n";
    return csv;
  }

  std::string noticeJson(const std::string& segment_id, const std::string& name = "Consular day") {
    return R"({"name": ")" + name + R"(", "segment_id": ")" + segment_id +
           R"(", "fallback_language": "en",
  "notice": {"body": {"translations": [
    {"language": "en", "text": "Consular day on Saturday at 10:00."},
    {"language": "de", "text": "Konsulartag am Samstag um 10:00."}]}},
  "schedule": {"window": {"start": {"hour": 0, "minute": 0}, "end": {"hour": 23, "minute": 59}},
               "validity": "86400s"}})";
  }

  // Imports n contacts, saves a segment and creates a notice; returns the campaign id.
  std::string readyCampaign(int n) {
    writeFile(dir_.file("people.csv"), contactsCsv(n));
    EXPECT_EQ(cli({"contacts", "import", dir_.file("people.csv")}).code, 0);
    writeFile(dir_.file("notice.json"), noticeJson(everyoneSegment()));
    RunResult r = cli({"campaign", "create", dir_.file("notice.json")});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }

  liaison::testing::TempDir dir_;
  std::string data_;
};

// ---- contacts import

TEST_F(CliCommands, ImportReportsEachBadRowByLineAndColumnNeverByValue) {
  const std::string bad_phone = "+4912";
  writeFile(dir_.file("people.csv"), "phone,name,country\n" + mobile(1) + ",Ana Lima,DE\n" +
                                         bad_phone + ",Bruno Secret,DE\n" + mobile(2) +
                                         ",Cem,XX1\n" + mobile(3) + ",Dara,DE\n" + mobile(1) +
                                         ",Ana Again,DE\n");
  RunResult r = cli({"contacts", "import", dir_.file("people.csv")});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "line 3, column phone: invalid phone number")) << r.err;
  EXPECT_TRUE(contains(r.err, "line 4, column country:")) << r.err;
  EXPECT_TRUE(contains(r.err, "line 6")) << r.err;  // the duplicate of line 2
  EXPECT_TRUE(contains(r.err, "5 row(s): 2 imported (2 new, 0 updated), 3 rejected")) << r.err;
  for (const std::string& secret : {bad_phone, std::string("Bruno"), mobile(1), mobile(2)}) {
    EXPECT_FALSE(contains(r.err + r.out, secret)) << secret << " leaked:\n" << r.err;
  }
  // The good rows are in, the bad ones are not.
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts WHERE tenant_id = 'default'"), 2);
}

TEST_F(CliCommands, ImportOfACleanFileExitsZeroAndIsScopedToTheTenant) {
  writeFile(dir_.file("people.csv"), contactsCsv(5));
  RunResult r = cli({"contacts", "import", dir_.file("people.csv"), "--tenant", "lyon"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "5 row(s): 5 imported (5 new, 0 updated), 0 rejected")) << r.err;
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts WHERE tenant_id = 'lyon'"), 5);
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts WHERE tenant_id <> 'lyon'"), 0);
  // Again: updated, not doubled.
  r = cli({"contacts", "import", dir_.file("people.csv"), "--tenant", "lyon"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "5 imported (0 new, 5 updated)")) << r.err;
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts"), 5);
}

TEST_F(CliCommands, ImportShowsProgressLinesWhenStderrIsNotATerminal) {
  writeFile(dir_.file("people.csv"), contactsCsv(4000));  // about 180 KiB: several chunks
  RunResult r = cli({"contacts", "import", dir_.file("people.csv")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "importing: ")) << r.err;
  EXPECT_FALSE(contains(r.err, "\r")) << "no bar redrawing outside a terminal";
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts"), 4000);
}

TEST_F(CliCommands, ImportDryRunWritesNothing) {
  writeFile(dir_.file("people.csv"), contactsCsv(3) + "12,Bad,de,DE\n");
  RunResult r = cli({"contacts", "import", "--dry-run", dir_.file("people.csv")});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "3 would be imported")) << r.err;
  EXPECT_TRUE(contains(r.err, "Dry run: nothing was written")) << r.err;
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts"), 0);
}

TEST_F(CliCommands, ImportListsAFewErrorsAndWritesAllToTheErrorsFile) {
  std::string csv = "phone\n";
  for (int i = 0; i < 30; ++i) csv += "123\n";
  writeFile(dir_.file("bad.csv"), csv);
  RunResult r = cli({"contacts", "import", dir_.file("bad.csv"), "--max-errors", "5",
                     "--errors-file", dir_.file("errors.csv")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "and 25 more rejected row(s) not shown")) << r.err;
  const std::string errors = readAll(dir_.file("errors.csv"));
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 31) << errors;  // header + 30
  EXPECT_TRUE(contains(errors, "31,phone,invalid phone number")) << errors;
  EXPECT_FALSE(contains(errors, ",123")) << errors;
}

TEST_F(CliCommands, ImportRejectsMissingEmptyAndHeaderlessFiles) {
  RunResult r = cli({"contacts", "import", dir_.file("nope.csv")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "nope.csv does not exist")) << r.err;

  writeFile(dir_.file("empty.csv"), "");
  r = cli({"contacts", "import", dir_.file("empty.csv")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "the header row is not usable")) << r.err;

  writeFile(dir_.file("typo.csv"), "phone,nmae\n" + mobile(1) + ",Ana\n");
  r = cli({"contacts", "import", dir_.file("typo.csv")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "nmae")) << r.err;  // a column name, not a value
  EXPECT_TRUE(contains(r.err, "Nothing was imported")) << r.err;
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts"), 0);
}

TEST_F(CliCommands, CommandsRefuseADirectoryWithoutAStore) {
  writeFile(dir_.file("people.csv"), contactsCsv(1));
  RunResult r =
      run({"contacts", "import", dir_.file("people.csv"), "--data-dir", dir_.file("elsewhere")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "no store in")) << r.err;
  EXPECT_TRUE(contains(r.err, "liaison serve")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("elsewhere"))) << "nothing created";
}

TEST_F(CliCommands, ContactsExportRoundTrips) {
  writeFile(dir_.file("people.csv"), contactsCsv(3));
  ASSERT_EQ(cli({"contacts", "import", dir_.file("people.csv")}).code, 0);
  RunResult r = cli({"contacts", "export", "--out", dir_.file("out.csv")});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string out = readAll(dir_.file("out.csv"));
  EXPECT_TRUE(contains(out, mobile(2))) << out;
  EXPECT_TRUE(contains(r.err, "3 contact(s)")) << r.err;
  r = cli({"contacts", "export"});  // stdout
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, mobile(0))) << r.out;
}

// ---- config and tenants

TEST_F(CliCommands, ConfigWithSeveralTenantsNeedsTenant) {
  writeFile(dir_.file("liaison.toml"), R"([server]
data_dir = "data"

[[tenants]]
id = "paris"
default_region = "FR"

[[tenants]]
id = "berlin"
default_region = "DE"
)");
  writeFile(dir_.file("people.csv"), "phone,name\n0151 10000001,Ana\n");
  RunResult r =
      run({"contacts", "import", dir_.file("people.csv"), "--config", dir_.file("liaison.toml")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "2 tenants (paris, berlin)")) << r.err;
  r = run({"contacts", "import", dir_.file("people.csv"), "--config", dir_.file("liaison.toml"),
           "--tenant", "rome"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "no tenant 'rome'")) << r.err;
  // The national number is read in berlin's default_region (DE); data_dir is relative to the
  // configuration file.
  r = run({"contacts", "import", dir_.file("people.csv"), "--config", dir_.file("liaison.toml"),
           "--tenant", "berlin"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts WHERE tenant_id = 'berlin' AND phone_e164 = '" +
                   mobile(1) + "'"),
            1);
}

TEST_F(CliCommands, BadConfigIsReportedWithItsKey) {
  writeFile(dir_.file("bad.toml"), "[server]\ndata_dri = \"x\"\n");
  RunResult r = run({"campaign", "list", "--config", dir_.file("bad.toml")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "data_dri")) << r.err;
}

// ---- campaigns

TEST_F(CliCommands, CampaignCreateStartPauseResumeCancel) {
  const std::string id = readyCampaign(4);
  ASSERT_EQ(id.size(), 36u) << id;
  EXPECT_EQ(scalar("SELECT count(*) FROM campaigns WHERE id = '" + id + "' AND state = 1"), 1);

  RunResult r = cli({"campaign", "start", id});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "is running: 4 of 4 recipient(s) planned (4 new")) << r.out;
  EXPECT_EQ(scalar("SELECT count(*) FROM outbox WHERE campaign_id = '" + id + "'"), 4);

  r = cli({"campaign", "resume", id});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "is running and cannot be resumed")) << r.err;

  r = cli({"campaign", "pause", id});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "is paused: 4 queued message(s) held")) << r.out;
  r = cli({"campaign", "start", id});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "campaign resume")) << r.err;
  r = cli({"campaign", "resume", id});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "is running: 4 queued message(s) released")) << r.out;

  r = cli({"campaign", "list"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, id)) << r.out;
  EXPECT_TRUE(contains(r.out, "running")) << r.out;
  EXPECT_TRUE(contains(r.out, "Consular day")) << r.out;

  r = cli({"campaign", "cancel", id});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(scalar("SELECT count(*) FROM outbox WHERE campaign_id = '" + id + "' AND state = 5"),
            4);
  r = cli({"campaign", "cancel", id});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "is cancelled and cannot be cancelled")) << r.err;
}

TEST_F(CliCommands, UnknownAndOtherTenantsCampaignsAreNotFound) {
  const std::string id = readyCampaign(1);
  RunResult r = cli({"campaign", "start", "0190b1c8-7a3e-7c41-9d2e-5f0a1b2c3d4e"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "no campaign 0190b1c8-7a3e-7c41-9d2e-5f0a1b2c3d4e in tenant default"))
      << r.err;
  for (const char* verb : {"start", "pause", "resume", "cancel"}) {
    r = cli({"campaign", verb, id, "--tenant", "other"});
    EXPECT_EQ(r.code, 1) << verb;
    EXPECT_TRUE(contains(r.err, "no campaign " + id + " in tenant other")) << verb << r.err;
  }
  r = cli({"results", id, "--tenant", "other"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "no campaign")) << r.err;
  r = cli({"campaign", "start", "not-an-id"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "a campaign id looks like")) << r.err;
  r = cli({"results", id, "--csv", "--tenant", "other"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(scalar("SELECT count(*) FROM outbox"), 0);  // nothing started
}

TEST_F(CliCommands, CampaignFilesWithErrorsSaveNothing) {
  const std::string segment = everyoneSegment();
  // A JSON syntax error: the position, never the text around it.
  writeFile(dir_.file("syntax.json"), "{\"name\": \"x\",\n  \"notice\": {SECRET}}");
  RunResult r = cli({"campaign", "create", dir_.file("syntax.json")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "syntax.json:2:")) << r.err;
  EXPECT_FALSE(contains(r.err, "SECRET")) << r.err;
  // An unknown field.
  writeFile(dir_.file("typo.json"), R"({"name": "x", "segmnt_id": "1"})");
  r = cli({"campaign", "create", dir_.file("typo.json")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "segmnt_id: unknown field")) << r.err;
  // No content.
  writeFile(dir_.file("empty.json"), R"({"name": "x"})");
  r = cli({"campaign", "create", dir_.file("empty.json")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "content: neither a notice nor a poll")) << r.err;
  // Valid JSON, but problems the planner finds: one per line.
  writeFile(dir_.file("problems.json"), noticeJson("999"));
  r = cli({"campaign", "create", dir_.file("problems.json")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "segment_id: no such segment")) << r.err;
  EXPECT_TRUE(contains(r.err, "nothing was saved")) << r.err;
  EXPECT_FALSE(contains(r.err, "Consular day on")) << "message text in an error";
  EXPECT_EQ(scalar("SELECT count(*) FROM campaigns"), 0);
  // --draft saves it anyway, and start then lists the problems.
  r = cli({"campaign", "create", "--draft", dir_.file("problems.json")});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string id = r.out.substr(0, r.out.find('\n'));
  EXPECT_TRUE(contains(r.err, "problem: segment_id: no such segment")) << r.err;
  r = cli({"campaign", "start", id});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "was not started")) << r.err;
  // Same name again.
  writeFile(dir_.file("ok.json"), noticeJson(segment));
  r = cli({"campaign", "create", dir_.file("ok.json")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "already has a campaign with this name")) << r.err;
  // Missing file.
  r = cli({"campaign", "create", dir_.file("nope.json")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "nope.json does not exist")) << r.err;
}

TEST_F(CliCommands, CampaignFromToml) {
  const std::string segment = everyoneSegment();
  writeFile(dir_.file("poll.toml"), R"(name = "Return survey"
segment_id = ")" + segment + R"("
fallback_language = "en"
resend_policy = "NEVER"

[schedule]
start_at = 2026-06-05T10:00:00+02:00
validity = "86400s"
window = { start = { hour = 9, minute = 0 }, end = { hour = 20, minute = 0 } }

[[poll.intro.translations]]
language = "en"
text = "Three questions from your consulate."

[[poll.questions]]
id = "q1"
[[poll.questions.prompt.translations]]
language = "en"
text = "Do you plan to return? YES or NO"
[poll.questions.yes_no]
)");
  RunResult r = cli({"campaign", "create", dir_.file("poll.toml")});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string id = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(scalar("SELECT count(*) FROM campaigns WHERE id = '" + id + "' AND kind = 2"), 1);

  writeFile(dir_.file("syntax.toml"), "name = \"x\"\nsegment_id = = 3\n");
  r = cli({"campaign", "create", dir_.file("syntax.toml")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "syntax.toml:2:")) << r.err;
  EXPECT_TRUE(contains(r.err, "TOML syntax error")) << r.err;

  writeFile(dir_.file("local.toml"), "name = \"y\"\n[schedule]\nstart_at = 2026-06-05T10:00:00\n");
  r = cli({"campaign", "create", dir_.file("local.toml")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "schedule.start_at: a date-time needs a UTC offset")) << r.err;
  EXPECT_EQ(scalar("SELECT count(*) FROM campaigns"), 1);
}

TEST(CampaignJsonFromToml, ConvertsTablesArraysAndOffsets) {
  std::string json, error;
  ASSERT_TRUE(liaison::gateway::cli::campaignJsonFromToml(
      "a = 1\nb = [true, 2.5]\n[c]\nd = 2026-01-02T03:04:05-01:30\n", &json, &error))
      << error;
  EXPECT_EQ(json, R"({"a":1,"b":[true,2.5],"c":{"d":"2026-01-02T03:04:05-01:30"}})");
  EXPECT_FALSE(liaison::gateway::cli::campaignJsonFromToml("x = 2026-01-02\n", &json, &error));
  EXPECT_EQ(error.rfind("x: ", 0), 0u) << error;
}

// ---- results

TEST_F(CliCommands, ResultsTableAndCsv) {
  const std::string id = readyCampaign(3);
  ASSERT_EQ(cli({"campaign", "start", id}).code, 0);
  RunResult r = cli({"results", id});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Campaign " + id + ": Consular day (notice, running)")) << r.out;
  EXPECT_TRUE(contains(r.out, "Messages: 3 total, 0 delivered (0.0%)")) << r.out;
  EXPECT_TRUE(contains(r.out, "3 queued")) << r.out;

  r = cli({"results", id, "--csv", "--out", dir_.file("results.csv")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(readAll(dir_.file("results.csv")).rfind("pseudonym,", 0), 0u);
  r = cli({"results", id, "--csv"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("pseudonym,", 0), 0u) << r.out;
}

// ---- tokens

TEST_F(CliCommands, TokensCreatePrintsTheTokenOnceAndStoresItsHash) {
  RunResult r = cli({"tokens", "create", "--role", "officer", "--name", "laptop"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string token = r.out.substr(0, r.out.find('\n'));
  std::string_view token_id;
  ASSERT_TRUE(liaison::gateway::api::parseToken(token, &token_id)) << r.out;
  EXPECT_TRUE(contains(r.err, "shown only this once")) << r.err;
  EXPECT_FALSE(contains(r.err, token)) << "the secret goes to stdout only";

  auto db = SqliteStore::open(data_ + "/liaison.db");
  liaison::gateway::api::SqliteTokenStore tokens(db->database());
  liaison::gateway::api::TokenRecord rec;
  ASSERT_FALSE(tokens.get(token_id, &rec));
  EXPECT_EQ(rec.role, liaison::gateway::api::Role::Officer);
  EXPECT_EQ(rec.tenant_id, "default");
  EXPECT_EQ(rec.name, "laptop");
  EXPECT_EQ(rec.secret_hash, liaison::gateway::api::sha256(token));
  // It authenticates.
  std::mutex mu;
  liaison::gateway::api::Authenticator auth(tokens, mu);
  EXPECT_TRUE(auth.authenticate("Bearer " + token, 1'800'000'000'000).ok());

  r = cli({"tokens", "create", "--role", "superuser"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "unknown role 'superuser'")) << r.err;
  EXPECT_EQ(r.out, "");
  r = cli({"tokens", "create"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--role")) << r.err;
}

// ---- beside a running daemon

// The daemon and the CLI on one data dir at once: WAL and the busy timeouts let both write,
// and the daemon's API sees what the CLI wrote (and authenticates the CLI's token).
TEST_F(CliCommands, WorksWhileServeRunsOnTheSameStore) {
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const uint16_t port = ntohs(addr.sin_port);
  close(probe);
  liaison::testing::ChildProcess serve({LIAISON_BINARY, "serve", "--listen",
                                        "127.0.0.1:" + std::to_string(port), "--data-dir", data_});
  ASSERT_TRUE(serve.started()) << serve.startError();
  long status = 0;
  for (int i = 0; i < 400 && status != 200; ++i) {  // up to 20 s for the daemon to listen
    status = liaison::testing::httpGet(port, "/healthz").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, 200);

  const std::string id = readyCampaign(50);
  RunResult r = cli({"campaign", "start", id});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(scalar("SELECT count(*) FROM outbox WHERE campaign_id = '" + id + "'"), 50);
  r = cli({"tokens", "create", "--role", "admin"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string token = r.out.substr(0, r.out.find('\n'));
  auto got = liaison::testing::httpRequest("GET", port, "/v1/campaigns/" + id, {},
                                           {"Authorization: Bearer " + token});
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_TRUE(contains(got.body, "RUNNING")) << got.body;
  // And the other way round: paused through the API, seen by the CLI.
  got = liaison::testing::httpRequest("POST", port, "/v1/campaigns/" + id + "/pause", {},
                                      {"Authorization: Bearer " + token});
  EXPECT_EQ(got.status, 200) << got.body;
  r = cli({"campaign", "list"});
  EXPECT_TRUE(contains(r.out, "paused")) << r.out;

  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(std::chrono::seconds(15)), 0);
}

}  // namespace
