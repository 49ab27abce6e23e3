// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The REST API's flows over a real SQLite file, through the router and its authenticator
// (handler level), plus a few over a real socket with libcurl: keep-alive, 413, HEAD.
#include "api/rest_api.h"

#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <curl/curl.h>

#include <atomic>
#include <regex>
#include <thread>

#include "api/http_server.h"
#include "api/proto_json.h"
#include "api_test_support.h"
#include "http_client.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"

namespace liaison::gateway::api {
namespace {

using nlohmann::json;
using testing::ApiHarness;

constexpr char kTenant[] = "tenant-a";

// True when `text` holds something that looks like a phone number (7+ digits in a row).
bool hasDigitRun(const std::string& text) {
  static const std::regex kRun("[0-9]{7,}");
  return std::regex_search(text, kRun);
}

class RestApiTest : public ::testing::Test {
 protected:
  ApiHarness::Reply as(Role role, const std::string& method, const std::string& target,
                       const json& body = nullptr) {
    return api_.callAs(kTenant, role, method, target, body);
  }
  ApiHarness::Reply admin(const std::string& method, const std::string& target,
                          const json& body = nullptr) {
    return as(Role::Admin, method, target, body);
  }
  ApiHarness::Reply csv(const std::string& target, const std::string& body,
                        Role role = Role::Officer) {
    return ApiHarness::toReply(
        api_.raw("POST", target, api_.token(kTenant, role), body, "text/csv"));
  }

  std::int64_t makeSegment(const std::string& name, const json& filter) {
    auto r = admin("POST", "/v1/segments", {{"name", name}, {"filter", filter}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("id", std::int64_t{0});
  }

  static json languageIs(const std::string& language) {
    json filter = json::parse(R"({"condition": {"field": "language", "op": "OPERATOR_EQUALS"}})");
    filter["condition"]["values"] = json::array({language});
    return filter;
  }

  static json activeOnly() {
    return json::parse(
        R"({"condition": {"field": "status", "op": "EQUALS", "values": ["active"]}})");
  }

  // Seven contacts: four English in Germany (two in group "berlin"), three Turkish in France.
  void importSample() {
    auto r = csv("/v1/contacts/import",
                 "phone,name,language,country,groups\n"
                 "+4915112340001,Ana,en,DE,berlin\n"
                 "+4915112340002,Ben,en,DE,berlin\n"
                 "+4915112340003,Cem,en,DE,\n"
                 "+4915112340004,Dua,en,DE,\n"
                 "+33612340005,Ece,tr,FR,\n"
                 "+33612340006,Filiz,tr,FR,\n"
                 "+33612340007,Gül,tr,FR,\n");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json["inserted"], 7);
  }

  ApiHarness api_;
};

// ---- contacts

TEST_F(RestApiTest, ContactCrudRoundTrip) {
  auto created = as(Role::Officer, "POST", "/v1/contacts",
                    {{"phone", "0151 1234 0001"},
                     {"name", "Ana Lima"},
                     {"language", "PT_br"},
                     {"country", "de"},
                     {"groups", json::array({"berlin", "volunteers"})},
                     {"fields", {{"skills", json::array({"nurse", "driver"})}}},
                     {"consent",
                      {{"given_at", "2026-05-01T10:00:00Z"},
                       {"channel", "web_form"},
                       {"wording_version", "v2"}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.json["id"];
  EXPECT_EQ(created.header("Location"), "/v1/contacts/" + std::to_string(id));
  EXPECT_EQ(created.json["phone"], "+4915112340001");  // national number read in the country
  EXPECT_EQ(created.json["language"], "pt-BR");
  EXPECT_EQ(created.json["country"], "DE");
  EXPECT_EQ(created.json["time_zone"], "Europe/Berlin");
  EXPECT_EQ(created.json["status"], "active");
  EXPECT_EQ(created.json["groups"], json::array({"berlin", "volunteers"}));
  EXPECT_EQ(created.json["fields"]["skills"], json::array({"driver", "nurse"}));
  ASSERT_EQ(created.json["consents"].size(), 1u);
  EXPECT_EQ(created.json["consents"][0]["channel"], "web_form");

  auto again = as(Role::Officer, "POST", "/v1/contacts", {{"phone", "+49 151 12340001"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json["error"]["code"], "conflict");

  auto got = as(Role::Auditor, "GET", "/v1/contacts/" + std::to_string(id));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json, created.json);

  api_.advanceMs(5000);
  auto patched = as(
      Role::Officer, "PATCH", "/v1/contacts/" + std::to_string(id),
      {{"name", "Ana L."}, {"groups", json::array({"hamburg"})}, {"time_zone", "Europe/Lisbon"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json["name"], "Ana L.");
  EXPECT_EQ(patched.json["groups"], json::array({"hamburg"}));
  EXPECT_EQ(patched.json["time_zone"], "Europe/Lisbon");
  EXPECT_TRUE(patched.json["time_zone_overridden"].get<bool>());
  EXPECT_EQ(patched.json["language"], "pt-BR");            // absent fields stay
  EXPECT_EQ(patched.json["fields"]["skills"].size(), 2u);  // likewise
  EXPECT_EQ(patched.json["updated_at"], "2026-06-01T08:00:05Z");

  // A GET body can be sent back as it is (read-only fields are ignored).
  auto round = as(Role::Officer, "PATCH", "/v1/contacts/" + std::to_string(id), patched.json);
  ASSERT_EQ(round.status, 200) << round.body;
  EXPECT_EQ(round.json["name"], "Ana L.");

  auto phone_change = as(Role::Officer, "PATCH", "/v1/contacts/" + std::to_string(id),
                         {{"phone", "+4915112349999"}});
  EXPECT_EQ(phone_change.status, 422);
  EXPECT_FALSE(hasDigitRun(phone_change.body));

  EXPECT_EQ(as(Role::Officer, "DELETE", "/v1/contacts/" + std::to_string(id)).status, 204);
  EXPECT_EQ(as(Role::Officer, "GET", "/v1/contacts/" + std::to_string(id)).status, 404);
  EXPECT_EQ(as(Role::Officer, "DELETE", "/v1/contacts/" + std::to_string(id)).status, 404);
  EXPECT_EQ(as(Role::Officer, "GET", "/v1/contacts/not-a-number").status, 404);
}

TEST_F(RestApiTest, InvalidContactsAreRejectedByFieldWithoutEchoingValues) {
  struct Case {
    json body;
    int status;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {{{"phone", "+49 1"}}, 422, "phone: invalid phone number"},
      {{{"phone", "+4915112340001"}, {"language", "xx_yyyyyyyyyyy"}}, 422, "language"},
      {{{"phone", "+4915112340001"}, {"country", "ZZ"}}, 422, "country"},
      {{{"phone", "+4915112340001"}, {"time_zone", "Mars/Base"}}, 422, "time_zone"},
      {{{"phone", "+4915112340001"}, {"status", "maybe"}}, 422, "status"},
      {{{"phone", "+4915112340001"}, {"name", 12}}, 400, "name: not a string"},
      {{{"phone", "+4915112340001"}, {"colour", "red"}}, 400, "unknown field"},
      {{{"name", "No Phone"}}, 422, "phone: required"},
      {{{"phone", "+4915112340001"}, {"consent", {{"channel", "web_form"}}}}, 422, "consent"},
      {{{"phone", "+4915112340001"}, {"groups", json::array({"a;b"})}}, 422, "groups"},
  };
  for (const Case& c : cases) {
    auto r = admin("POST", "/v1/contacts", c.body);
    EXPECT_EQ(r.status, c.status) << c.body.dump() << " -> " << r.body;
    EXPECT_NE(r.json["error"]["message"].get<std::string>().find(c.needle), std::string::npos)
        << r.body;
    EXPECT_FALSE(hasDigitRun(r.body)) << r.body;
    EXPECT_EQ(r.body.find("Mars"), std::string::npos);
    EXPECT_EQ(r.body.find("No Phone"), std::string::npos);
  }
  EXPECT_EQ(
      api_.raw("POST", "/v1/contacts", api_.token(kTenant, Role::Admin), "{\"phone\":").status,
      400);
  EXPECT_EQ(api_.raw("POST", "/v1/contacts", api_.token(kTenant, Role::Admin),
                     std::string(100, '[') + std::string(100, ']'))
                .status,
            400);
  auto wrong_type = api_.raw("POST", "/v1/contacts", api_.token(kTenant, Role::Admin),
                             "phone\n+4915112340001\n", "text/csv");
  EXPECT_EQ(wrong_type.status, 415);
}

TEST_F(RestApiTest, SearchFiltersAndPagesWithCursors) {
  importSample();
  std::vector<std::string> phones;
  std::string cursor;
  for (int page = 0; page < 4; ++page) {
    auto r = as(Role::Auditor, "GET",
                "/v1/contacts?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    for (const json& c : r.json["items"]) phones.push_back(c["phone"]);
    if (r.json["next_cursor"].is_null()) break;
    cursor = r.json["next_cursor"];
  }
  EXPECT_EQ(phones.size(), 7u);
  EXPECT_EQ(phones.front(), "+4915112340001");
  EXPECT_EQ(phones.back(), "+33612340007");

  auto by_language = admin("GET", "/v1/contacts?language=TR");
  EXPECT_EQ(by_language.json["items"].size(), 3u);
  auto by_group = admin("GET", "/v1/contacts?group=berlin&country=de");
  EXPECT_EQ(by_group.json["items"].size(), 2u);
  auto by_phone = admin("GET", "/v1/contacts?phone=%2B33612340006");
  ASSERT_EQ(by_phone.json["items"].size(), 1u);
  EXPECT_EQ(by_phone.json["items"][0]["name"], "Filiz");
  const std::int64_t segment = makeSegment("turkish", languageIs("tr"));
  auto by_segment = admin("GET", "/v1/contacts?segment_id=" + std::to_string(segment) + "&limit=2");
  EXPECT_EQ(by_segment.json["items"].size(), 2u);
  EXPECT_FALSE(by_segment.json["next_cursor"].is_null());

  json any = json::parse(R"({"any": {"filters": [
      {"condition": {"field": "groups", "op": "HAS", "values": ["berlin"]}}]}})");
  any["any"]["filters"].push_back(languageIs("tr"));
  auto search = admin("POST", "/v1/contacts/search", {{"filter", any}, {"limit", 10}});
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(search.json["items"].size(), 5u);

  auto bad_filter = admin("POST", "/v1/contacts/search", json::parse(R"({"filter":
      {"condition": {"field": "shoe_size", "op": "EQUALS", "values": ["4"]}}})"));
  EXPECT_EQ(bad_filter.status, 422);
  EXPECT_EQ(bad_filter.json["error"]["code"], "invalid_filter");

  EXPECT_EQ(admin("GET", "/v1/contacts?limit=0").status, 400);
  EXPECT_EQ(admin("GET", "/v1/contacts?limit=501").status, 400);
  EXPECT_EQ(admin("GET", "/v1/contacts?cursor=%21%21").status, 400);
  EXPECT_EQ(admin("GET", "/v1/contacts?languag=tr").status, 400);  // typo: not ignored
  EXPECT_EQ(admin("GET", "/v1/contacts?status=gone").status, 400);
  EXPECT_EQ(admin("GET", "/v1/contacts?segment_id=999").status, 404);
}

TEST_F(RestApiTest, CsvImportReportsEachRejectedRowAndCommitsTheRest) {
  auto r = csv("/v1/contacts/import?default_country=DE",
               "phone,name,language\n"
               "0151 1234 0001,Ana,en\n"
               "+49 1,Ben,en\n"
               "+4915112340001,Ana again,en\n"
               "+4915112340003,Cem,not a language\n"
               "+4915112340004,Dua,de\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json["committed"].get<bool>());
  EXPECT_EQ(r.json["rows"], 5);
  EXPECT_EQ(r.json["inserted"], 2);
  EXPECT_EQ(r.json["rejected"], 3);
  ASSERT_EQ(r.json["rejections"].size(), 3u);
  EXPECT_EQ(r.json["rejections"][0]["line"], 3);
  EXPECT_EQ(r.json["rejections"][0]["column"], "phone");
  EXPECT_EQ(r.json["rejections"][1]["line"], 4);
  EXPECT_EQ(r.json["rejections"][1]["duplicate_of_line"], 2);
  EXPECT_EQ(r.json["rejections"][2]["column"], "language");
  EXPECT_FALSE(hasDigitRun(r.body)) << r.body;
  EXPECT_EQ(r.body.find("Ana again"), std::string::npos);
  EXPECT_EQ(r.body.find("not a language"), std::string::npos);

  auto bad_header = csv("/v1/contacts/import", "phone,shoe_size\n+4915112340009,44\n");
  EXPECT_EQ(bad_header.status, 422);
  EXPECT_EQ(bad_header.json["error"]["code"], "invalid_csv_header");
  EXPECT_EQ(admin("GET", "/v1/contacts?phone=%2B4915112340009").json["items"].size(), 0u);
  EXPECT_EQ(csv("/v1/contacts/import", "").status, 400);
  EXPECT_EQ(csv("/v1/contacts/import?default_country=XX", "phone\n1\n").status, 400);
}

TEST_F(RestApiTest, ContactExportIsCsvThatImportsBack) {
  importSample();
  auto r = ApiHarness::toReply(
      api_.raw("GET", "/v1/contacts/export", api_.token(kTenant, Role::Auditor)));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.body.rfind("phone,", 0) == 0) << r.body.substr(0, 80);
  EXPECT_NE(r.body.find("+33612340007"), std::string::npos);
  EXPECT_NE(r.header("Content-Disposition").find("contacts.csv"), std::string::npos);
  const std::int64_t segment = makeSegment("english", languageIs("en"));
  auto seg = ApiHarness::toReply(
      api_.raw("GET", "/v1/contacts/export?segment_id=" + std::to_string(segment),
               api_.token(kTenant, Role::Officer)));
  ASSERT_EQ(seg.status, 200);
  EXPECT_NE(seg.body.find("+4915112340004"), std::string::npos);
  EXPECT_EQ(seg.body.find("+33612340007"), std::string::npos);
  // Export -> import: every row an update, none rejected.
  auto again = csv("/v1/contacts/import", r.body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["updated"], 7);
  EXPECT_EQ(again.json["rejected"], 0);
}

TEST_F(RestApiTest, ExportsLargerThanTheLimitAnswer413) {
  RestApiOptions options;
  options.max_export_bytes = 200;
  ApiHarness small(options);
  auto imported = ApiHarness::toReply(small.raw(
      "POST", "/v1/contacts/import", small.token(kTenant, Role::Admin),
      "phone,name\n+4915112340001,A\n+4915112340002,B\n+4915112340003,C\n+4915112340004,D\n",
      "text/csv"));
  ASSERT_EQ(imported.status, 200);
  auto r = ApiHarness::toReply(
      small.raw("GET", "/v1/contacts/export", small.token(kTenant, Role::Admin)));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json["error"]["code"], "export_too_large");
}

// ---- segments

TEST_F(RestApiTest, SegmentsHaveLiveCountsAndCrud) {
  importSample();
  const std::int64_t en = makeSegment("english", languageIs("en"));
  auto got = as(Role::Analyst, "GET", "/v1/segments/" + std::to_string(en));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json["count"]["total"], 4);
  EXPECT_EQ(got.json["count"]["reachable"], 4);
  EXPECT_EQ(got.json["filter"]["condition"]["op"], "OPERATOR_EQUALS");

  // Counts are live: an opt-out leaves the total and lowers the reachable count.
  {
    std::lock_guard lock(api_.mutex());
    store::SqliteContactStore contacts(api_.store().database());
    ASSERT_FALSE(
        contacts.setStatus(kTenant, "+4915112340001", store::ContactStatus::OptedOut, api_.nowS()));
  }
  got = as(Role::Analyst, "GET", "/v1/segments/" + std::to_string(en));
  EXPECT_EQ(got.json["count"]["total"], 4);
  EXPECT_EQ(got.json["count"]["reachable"], 3);

  makeSegment("turkish", languageIs("tr"));
  makeSegment("all berlin", json::parse(R"({"condition":
      {"field": "groups", "op": "HAS", "values": ["berlin"]}})"));
  auto page1 = as(Role::Auditor, "GET", "/v1/segments?limit=2");
  ASSERT_EQ(page1.status, 200);
  ASSERT_EQ(page1.json["items"].size(), 2u);
  EXPECT_EQ(page1.json["items"][0]["name"], "all berlin");
  EXPECT_EQ(page1.json["items"][0]["count"]["total"], 2);
  auto page2 = as(Role::Auditor, "GET",
                  "/v1/segments?limit=2&cursor=" + page1.json["next_cursor"].get<std::string>());
  ASSERT_EQ(page2.json["items"].size(), 1u);
  EXPECT_EQ(page2.json["items"][0]["name"], "turkish");
  EXPECT_TRUE(page2.json["next_cursor"].is_null());

  auto dup = admin("POST", "/v1/segments", {{"name", "turkish"}, {"filter", languageIs("tr")}});
  EXPECT_EQ(dup.status, 409);
  auto bad = admin("POST", "/v1/segments", json::parse(R"({"name": "bad", "filter":
      {"condition": {"field": "language", "op": "LESS", "values": ["x"]}}})"));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.json["error"]["code"], "invalid_filter");
  ASSERT_FALSE(bad.json["error"]["details"].empty());
  auto unknown_op = admin("POST", "/v1/segments", json::parse(R"({"name": "bad", "filter":
      {"condition": {"field": "language", "op": "SOUNDS_LIKE"}}})"));
  EXPECT_EQ(unknown_op.status, 422);
  EXPECT_EQ(unknown_op.json["error"]["details"][0], "filter.condition.op: unknown value");

  auto put = admin("PUT", "/v1/segments/" + std::to_string(en),
                   {{"name", "english speakers"}, {"filter", languageIs("en")}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["name"], "english speakers");
  EXPECT_EQ(as(Role::Analyst, "DELETE", "/v1/segments/" + std::to_string(en)).status, 403);
  EXPECT_EQ(admin("DELETE", "/v1/segments/" + std::to_string(en)).status, 204);
  EXPECT_EQ(admin("GET", "/v1/segments/" + std::to_string(en)).status, 404);
}

// ---- campaigns

TEST_F(RestApiTest, CampaignDefinitionsRoundTripThroughJson) {
  const json poll = testing::pollJson("census", 7);
  liaison::v1::Campaign c;
  std::string error;
  ASSERT_TRUE(campaignFromJson(poll, &c, &error)) << error;
  EXPECT_EQ(c.segment_id(), "7");
  EXPECT_EQ(c.resend_policy(), liaison::v1::RESEND_POLICY_NEVER);
  EXPECT_EQ(c.poll().questions(1).number().max(), 20);
  EXPECT_EQ(c.poll().session_expiry().seconds(), 86400);
  json back = campaignToJson(c);
  liaison::v1::Campaign again;
  ASSERT_TRUE(campaignFromJson(back, &again, &error)) << error;
  EXPECT_EQ(again.SerializeAsString(), c.SerializeAsString());

  json typo = poll;
  typo["poll"]["questions"][1]["numbr"] = json::object();
  EXPECT_FALSE(campaignFromJson(typo, &c, &error));
  EXPECT_EQ(error, "poll.questions[1].numbr: unknown field");
  json bad_duration = poll;
  bad_duration["schedule"]["validity"] = "a day";
  EXPECT_FALSE(campaignFromJson(bad_duration, &c, &error));
  EXPECT_EQ(error, "schedule.validity: not a duration (\"3600s\")");
  json two_kinds = poll;
  two_kinds["poll"]["questions"][0]["free_text"] = {{"max_chars", 10}};
  EXPECT_FALSE(campaignFromJson(two_kinds, &c, &error));
  EXPECT_NE(error.find("poll.questions[0]"), std::string::npos);
}

TEST_F(RestApiTest, NoticeCampaignFromDraftToCancelled) {
  importSample();
  const std::int64_t everyone = makeSegment("everyone", activeOnly());
  auto created =
      as(Role::Officer, "POST", "/v1/campaigns", testing::noticeJson("consular day", everyone));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json["id"];
  EXPECT_EQ(created.json["state"], "CAMPAIGN_STATE_DRAFT");
  EXPECT_EQ(created.json["kind"], "notice");
  EXPECT_EQ(created.json["problems"], json::array());
  EXPECT_EQ(created.json["messages"]["total"], 0);
  EXPECT_EQ(created.header("Location"), "/v1/campaigns/" + id);
  EXPECT_EQ(
      as(Role::Officer, "POST", "/v1/campaigns", testing::noticeJson("consular day", everyone))
          .status,
      409);

  auto valid = as(Role::Analyst, "GET", "/v1/campaigns/" + id + "/validation");
  ASSERT_EQ(valid.status, 200);
  EXPECT_TRUE(valid.json["valid"].get<bool>());

  auto preview = as(Role::Auditor, "GET", "/v1/campaigns/" + id + "/preview");
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.json["audience"], 7);
  ASSERT_EQ(preview.json["messages"].size(), 2u);
  EXPECT_EQ(preview.json["messages"][0]["language"], "en");
  EXPECT_EQ(preview.json["messages"][0]["text"], "Consular day on Saturday 10:00.");
  EXPECT_EQ(preview.json["messages"][0]["encoding"], "gsm7");
  EXPECT_EQ(preview.json["messages"][0]["segments"], 1);
  EXPECT_EQ(preview.json["messages"][0]["recipients"], 4);
  EXPECT_EQ(preview.json["messages"][1]["language"], "tr");
  EXPECT_EQ(preview.json["messages"][1]["recipients"], 3);
  EXPECT_NE(preview.json["messages"][1]["encoding"], "");

  EXPECT_EQ(as(Role::Analyst, "POST", "/v1/campaigns/" + id + "/start").status, 403);
  EXPECT_EQ(admin("POST", "/v1/campaigns/" + id + "/pause").status, 409);  // not running yet
  auto started = as(Role::Officer, "POST", "/v1/campaigns/" + id + "/start");
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json["state"], "CAMPAIGN_STATE_RUNNING");
  EXPECT_EQ(started.json["inserted"], 7);
  EXPECT_TRUE(started.json["started"].get<bool>());
  // Started again: a top-up that adds nobody twice.
  auto again = as(Role::Officer, "POST", "/v1/campaigns/" + id + "/start");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json["inserted"], 0);
  EXPECT_EQ(again.json["already_present"], 7);

  // A running campaign's definition is frozen.
  auto frozen = admin("PUT", "/v1/campaigns/" + id, testing::noticeJson("renamed", everyone));
  EXPECT_EQ(frozen.status, 409);
  EXPECT_EQ(frozen.json["error"]["code"], "wrong_state");

  auto got = as(Role::Analyst, "GET", "/v1/campaigns/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json["messages"]["queued"], 7);
  EXPECT_EQ(got.json["notice"]["body"]["translations"][1]["language"], "tr");

  // Messages: bodies for staff only, numbers for all but analysts.
  auto officer = as(Role::Officer, "GET", "/v1/campaigns/" + id + "/messages?state=queued&limit=5");
  ASSERT_EQ(officer.status, 200) << officer.body;
  ASSERT_EQ(officer.json["items"].size(), 5u);
  EXPECT_EQ(officer.json["items"][0]["state"], "queued");
  EXPECT_TRUE(officer.json["items"][0].contains("body"));
  EXPECT_TRUE(officer.json["items"][0].contains("to"));
  auto rest = as(Role::Officer, "GET",
                 "/v1/campaigns/" + id + "/messages?state=queued&limit=5&cursor=" +
                     officer.json["next_cursor"].get<std::string>());
  EXPECT_EQ(rest.json["items"].size(), 2u);
  EXPECT_TRUE(rest.json["next_cursor"].is_null());
  auto auditor = as(Role::Auditor, "GET", "/v1/campaigns/" + id + "/messages");
  ASSERT_EQ(auditor.json["items"].size(), 7u);
  EXPECT_FALSE(auditor.json["items"][0].contains("body"));
  EXPECT_TRUE(auditor.json["items"][0].contains("to"));
  auto analyst = as(Role::Analyst, "GET", "/v1/campaigns/" + id + "/messages");
  ASSERT_EQ(analyst.status, 200);
  EXPECT_FALSE(hasDigitRun(analyst.body)) << analyst.body;
  EXPECT_EQ(analyst.body.find("Consular"), std::string::npos);
  EXPECT_EQ(as(Role::Officer, "GET", "/v1/campaigns/" + id + "/messages?state=lost").status, 400);
  EXPECT_EQ(as(Role::Officer, "GET", "/v1/campaigns/" + id + "/messages?state=delivered")
                .json["items"]
                .size(),
            0u);

  auto paused = as(Role::Officer, "POST", "/v1/campaigns/" + id + "/pause");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.json["state"], "CAMPAIGN_STATE_PAUSED");
  EXPECT_EQ(paused.json["messages_affected"], 7);
  EXPECT_EQ(as(Role::Officer, "POST", "/v1/campaigns/" + id + "/pause").status, 409);
  auto resumed = as(Role::Officer, "POST", "/v1/campaigns/" + id + "/resume");
  ASSERT_EQ(resumed.status, 200);
  EXPECT_EQ(resumed.json["state"], "CAMPAIGN_STATE_RUNNING");
  auto cancelled = as(Role::Officer, "POST", "/v1/campaigns/" + id + "/cancel");
  ASSERT_EQ(cancelled.status, 200);
  EXPECT_EQ(cancelled.json["state"], "CAMPAIGN_STATE_CANCELLED");
  EXPECT_EQ(cancelled.json["messages_affected"], 7);
  EXPECT_EQ(as(Role::Officer, "POST", "/v1/campaigns/" + id + "/resume").status, 409);
  EXPECT_EQ(as(Role::Officer, "GET", "/v1/campaigns/" + id + "/messages?state=failed")
                .json["items"]
                .size(),
            7u);

  auto list = as(Role::Analyst, "GET", "/v1/campaigns?state=cancelled");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json["items"].size(), 1u);
  EXPECT_EQ(list.json["items"][0]["id"], id);
  EXPECT_EQ(as(Role::Analyst, "GET", "/v1/campaigns?state=draft").json["items"].size(), 0u);
  EXPECT_EQ(as(Role::Analyst, "GET", "/v1/campaigns?state=sleeping").status, 400);
}

TEST_F(RestApiTest, CampaignProblemsBlockTheStartAndNameFields) {
  auto created = admin("POST", "/v1/campaigns", json::parse(R"({"name": "unfinished",
      "fallback_language": "en",
      "notice": {"body": {"translations": [{"language": "fr", "text": "Bonjour"}]}}})"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json["id"];
  const json problems = created.json["problems"];
  ASSERT_FALSE(problems.empty());
  const std::string all = problems.dump();
  EXPECT_NE(all.find("segment_id"), std::string::npos);
  EXPECT_NE(all.find("notice.body"), std::string::npos);
  EXPECT_EQ(all.find("Bonjour"), std::string::npos);

  auto start = admin("POST", "/v1/campaigns/" + id + "/start");
  EXPECT_EQ(start.status, 422);
  EXPECT_EQ(start.json["error"]["code"], "invalid_campaign");
  EXPECT_EQ(start.json["error"]["details"], problems);
  EXPECT_EQ(admin("GET", "/v1/campaigns/" + id + "/preview").status, 422);

  // Fixed through PUT while still a draft.
  const std::int64_t seg = makeSegment("all", activeOnly());
  auto fixed = admin("PUT", "/v1/campaigns/" + id, testing::noticeJson("finished", seg));
  ASSERT_EQ(fixed.status, 200) << fixed.body;
  EXPECT_EQ(fixed.json["name"], "finished");
  EXPECT_EQ(fixed.json["problems"], json::array());

  EXPECT_EQ(admin("POST", "/v1/campaigns", {{"name", "x"}}).status, 422);
  EXPECT_EQ(
      admin("POST", "/v1/campaigns", json::parse(R"({"name": "x", "notice": {"bdy": {}}})")).status,
      400);
}

TEST_F(RestApiTest, PollResultsAsJsonAndCsv) {
  importSample();
  const std::int64_t seg = makeSegment("english", languageIs("en"));
  auto created = admin("POST", "/v1/campaigns", testing::pollJson("turnout", seg));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json["id"];
  EXPECT_EQ(created.json["kind"], "poll");
  ASSERT_EQ(created.json["problems"], json::array()) << created.body;
  auto started = admin("POST", "/v1/campaigns/" + id + "/start");
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json["sessions_opened"], 4);

  auto results = as(Role::Analyst, "GET", "/v1/campaigns/" + id + "/results");
  ASSERT_EQ(results.status, 200) << results.body;
  EXPECT_EQ(results.json["campaign_id"], id);
  EXPECT_EQ(results.json["sessions"]["started"], 4);
  EXPECT_EQ(results.json["sessions"]["open"], 4);
  ASSERT_EQ(results.json["questions"].size(), 2u);
  EXPECT_EQ(results.json["questions"][0]["kind"], "yes_no");
  EXPECT_EQ(results.json["delivery"]["queued"], 4);
  std::string without_id = results.body;
  without_id.erase(without_id.find(id), id.size());
  EXPECT_FALSE(hasDigitRun(without_id)) << results.body;

  auto export_csv = ApiHarness::toReply(api_.raw("GET", "/v1/campaigns/" + id + "/results/export",
                                                 api_.token(kTenant, Role::Analyst)));
  ASSERT_EQ(export_csv.status, 200) << export_csv.body;
  EXPECT_EQ(export_csv.body.substr(0, export_csv.body.find('\r')),
            "pseudonym,language,country,state,started_at,q1,q2,last_answered_at");
  EXPECT_EQ(std::count(export_csv.body.begin(), export_csv.body.end(), '\n'), 5);
  EXPECT_EQ(export_csv.body.find("+49"), std::string::npos);
}

// ---- opt-outs, inbox, tokens

TEST_F(RestApiTest, OptOutsAndInboxAreListedPerRole) {
  importSample();
  {
    std::lock_guard lock(api_.mutex());
    store::SqliteContactStore contacts(api_.store().database());
    ASSERT_FALSE(contacts.setStatus(kTenant, "+33612340006", store::ContactStatus::OptedOut,
                                    api_.nowS() + 60));
    store::SqliteResponseStore responses(api_.store().database());
    for (int i = 0; i < 3; ++i) {
      store::InboundRecord in;
      in.tenant_id = kTenant;
      in.channel = "smpp:test";
      in.provider_id = "p" + std::to_string(i);
      in.from_e164 = "+4915112340001";
      in.content_hash = static_cast<std::uint64_t>(i);
      in.body = "question number " + std::to_string(i);
      in.received_at = api_.nowS() + i;
      ASSERT_FALSE(responses.recordInbound(&in));
    }
  }
  auto opt = as(Role::Auditor, "GET", "/v1/opt-outs");
  ASSERT_EQ(opt.status, 200) << opt.body;
  ASSERT_EQ(opt.json["items"].size(), 1u);
  EXPECT_EQ(opt.json["items"][0]["phone"], "+33612340006");
  EXPECT_EQ(opt.json["items"][0]["opted_out_at"], "2026-06-01T08:01:00Z");
  EXPECT_EQ(as(Role::Analyst, "GET", "/v1/opt-outs").status, 403);

  auto inbox = as(Role::Officer, "GET", "/v1/inbox?limit=2");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  ASSERT_EQ(inbox.json["items"].size(), 2u);
  EXPECT_EQ(inbox.json["items"][0]["body"], "question number 2");  // newest first
  auto older = as(Role::Officer, "GET",
                  "/v1/inbox?limit=2&cursor=" + inbox.json["next_cursor"].get<std::string>());
  ASSERT_EQ(older.json["items"].size(), 1u);
  EXPECT_EQ(older.json["items"][0]["body"], "question number 0");
  auto audited = as(Role::Auditor, "GET", "/v1/inbox");
  ASSERT_EQ(audited.json["items"].size(), 3u);
  EXPECT_FALSE(audited.json["items"][0].contains("body"));
  EXPECT_EQ(as(Role::Analyst, "GET", "/v1/inbox").status, 403);
}

// ---- single messages

std::int64_t contactIdOf(ApiHarness& api, const std::string& phone) {
  std::lock_guard lock(api.mutex());
  store::SqliteContactStore contacts(api.store().database());
  store::Contact c;
  EXPECT_FALSE(contacts.findBasic(kTenant, phone, &c));
  return c.id;
}

TEST_F(RestApiTest, SingleMessagesAreStoredBeforeTheAnswerAndOnlyOncePerKey) {
  importSample();
  const std::int64_t ece = contactIdOf(api_, "+33612340005");
  auto sent = as(Role::Officer, "POST", "/v1/messages",
                 {{"contact_id", ece}, {"text", "Konsolosluk günü Cumartesi saat 10'da."}});
  ASSERT_EQ(sent.status, 202) << sent.body;
  EXPECT_EQ(sent.json["state"], "queued");
  EXPECT_EQ(sent.json["duplicate"], false);
  const std::int64_t id = sent.json["id"];
  EXPECT_EQ(sent.header("Location"), "/v1/messages/" + std::to_string(id));
  // Durable before the answer: the row is in the file, read through another connection.
  {
    std::error_code ec;
    auto reader = store::Database::open(api_.dir().file("liaison.db"),
                                        store::Database::Mode::ReadOnly, &ec);
    ASSERT_TRUE(reader) << ec.message();
    store::SqliteOutboxStore outbox(*reader);
    store::OutboxMessage row;
    ASSERT_FALSE(outbox.get(id, &row));
    EXPECT_EQ(row.state, store::OutboxState::Queued);
    EXPECT_EQ(row.to_e164, "+33612340005");
    EXPECT_EQ(row.language, "tr");
    EXPECT_EQ(row.priority, store::OutboxPriority::Reply);
    EXPECT_EQ(row.campaign_id, "api");
    ASSERT_TRUE(row.expires_at.has_value());
    EXPECT_EQ(*row.expires_at, api_.nowS() + 24 * 3600);
  }
  auto got = as(Role::Officer, "GET", "/v1/messages/" + std::to_string(id));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json["body"], "Konsolosluk günü Cumartesi saat 10'da.");
  EXPECT_EQ(got.json["to"], "+33612340005");
  EXPECT_EQ(got.json["segments"], 1);
  auto analysed = as(Role::Analyst, "GET", "/v1/messages/" + std::to_string(id));
  ASSERT_EQ(analysed.status, 200);
  EXPECT_FALSE(analysed.json.contains("body"));
  EXPECT_FALSE(analysed.json.contains("to"));

  // The same Idempotency-Key for the same contact: the first message, nothing new queued.
  const json by_number = {{"to", "+49 151 12340002"}, {"text", "Your passport is ready."}};
  auto withKey = [&](Role role, const std::string& key) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/v1/messages";
    r.headers = {{"Authorization", "Bearer " + api_.token(kTenant, role)},
                 {"Content-Type", "application/json"},
                 {"Idempotency-Key", key}};
    r.body = by_number.dump();
    return ApiHarness::toReply(ApiHarness::resolve(api_.handler()(r)));
  };
  auto first = withKey(Role::Admin, "passport-2026-0042");
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(first.json["contact_id"], contactIdOf(api_, "+4915112340002"));
  auto second = withKey(Role::Officer, "passport-2026-0042");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json["id"], first.json["id"]);
  EXPECT_EQ(second.json["duplicate"], true);
  // Without a key, the same request is a new message.
  EXPECT_EQ(as(Role::Admin, "POST", "/v1/messages", by_number).status, 202);
  {
    std::lock_guard lock(api_.mutex());
    store::SqliteOutboxStore outbox(api_.store().database());
    std::array<std::int64_t, 8> counts{};
    ASSERT_FALSE(outbox.countByState("api", &counts));
    EXPECT_EQ(counts[static_cast<int>(store::OutboxState::Queued)], 3);
  }
  EXPECT_EQ(withKey(Role::Officer, "has space").status, 400);
}

TEST_F(RestApiTest, SingleMessagesAreRefusedForStopUnknownRecipientsAndBadBodies) {
  importSample();
  {
    std::lock_guard lock(api_.mutex());
    store::SqliteContactStore contacts(api_.store().database());
    ASSERT_FALSE(contacts.setStatus(kTenant, "+33612340006", store::ContactStatus::OptedOut,
                                    api_.nowS()));
  }
  auto send = [&](const json& body) { return as(Role::Officer, "POST", "/v1/messages", body); };
  auto stopped = send({{"to", "+33612340006"}, {"text", "hello"}});
  EXPECT_EQ(stopped.status, 409);
  EXPECT_EQ(stopped.json["error"]["code"], "opted_out");
  EXPECT_EQ(send({{"contact_id", 999999}, {"text", "hello"}}).status, 404);
  EXPECT_EQ(send({{"to", "+4915112349999"}, {"text", "hello"}}).status, 404);  // not a contact
  for (const json& bad : {json::object(),
                          json{{"text", "no recipient"}},
                          json{{"contact_id", 1}, {"to", "+4915112340001"}, {"text", "both"}},
                          json{{"contact_id", -4}, {"text", "negative"}},
                          json{{"contact_id", "1"}, {"text", "id as a string"}},
                          json{{"to", "not a number"}, {"text", "x"}},
                          json{{"to", "+4915112340001"}},
                          json{{"to", "+4915112340001"}, {"text", ""}},
                          json{{"to", "+4915112340001"}, {"text", std::string(2000, 'a')}},
                          json{{"to", "+4915112340001"}, {"text", "x"}, {"resend", "sometimes"}},
                          json{{"to", "+4915112340001"}, {"text", "x"}, {"valid_for_s", 5}},
                          json{{"to", "+4915112340001"}, {"text", "x"}, {"colour", "red"}}}) {
    auto r = send(bad);
    EXPECT_EQ(r.status, 422) << bad.dump() << " -> " << r.body;
    EXPECT_FALSE(hasDigitRun(r.body)) << r.body;
  }
  EXPECT_EQ(as(Role::Analyst, "POST", "/v1/messages", {{"contact_id", 1}, {"text", "x"}}).status,
            403);
  // Nothing of the refused requests reached the outbox.
  std::lock_guard lock(api_.mutex());
  store::SqliteOutboxStore outbox(api_.store().database());
  std::array<std::int64_t, 8> counts{};
  ASSERT_FALSE(outbox.countByState("api", &counts));
  EXPECT_EQ(counts[static_cast<int>(store::OutboxState::Queued)], 0);
}

TEST(RestApiRegions, NationalNumbersAreReadInTheTenantsOwnRegion) {
  RestApiOptions options;
  options.default_country = "DE";
  options.tenant_regions = {{kTenant, "FR"}};
  ApiHarness api(options);
  auto call = [&](const std::string& tenant, const std::string& method, const std::string& path,
                  const json& body) { return api.callAs(tenant, Role::Officer, method, path, body); };
  auto paris = call(kTenant, "POST", "/v1/contacts", {{"phone", "06 12 34 00 05"}});
  ASSERT_EQ(paris.status, 201) << paris.body;
  EXPECT_EQ(paris.json["phone"], "+33612340005");
  auto sent = call(kTenant, "POST", "/v1/messages", {{"to", "0612340005"}, {"text", "Bonjour"}});
  ASSERT_EQ(sent.status, 202) << sent.body;
  EXPECT_EQ(sent.json["contact_id"], paris.json["id"]);
  // Another tenant without a region of its own reads them in the API's default country.
  auto berlin = call("tenant-b", "POST", "/v1/contacts", {{"phone", "0151 12340005"}});
  ASSERT_EQ(berlin.status, 201) << berlin.body;
  EXPECT_EQ(berlin.json["phone"], "+4915112340005");
}

TEST_F(RestApiTest, AdminsManageTokensThatWorkUntilRevoked) {
  auto created = admin("POST", "/v1/tokens", {{"name", "field laptop"}, {"role", "officer"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string token = created.json["token"];
  const std::string id = created.json["id"];
  EXPECT_EQ(created.json["role"], "officer");
  EXPECT_EQ(created.header("Cache-Control"), "no-store");
  std::string_view parsed_id;
  ASSERT_TRUE(parseToken(token, &parsed_id));
  EXPECT_EQ(parsed_id, id);

  EXPECT_EQ(api_.call("GET", "/v1/contacts", token).status, 200);
  EXPECT_EQ(api_.call("GET", "/v1/tokens", token).status, 403);  // officers manage no tokens

  auto list = admin("GET", "/v1/tokens");
  ASSERT_EQ(list.status, 200);
  bool found = false;
  for (const json& t : list.json["items"]) {
    EXPECT_FALSE(t.contains("token"));
    EXPECT_FALSE(t.contains("secret_hash"));
    if (t["id"] == id) {
      found = true;
      EXPECT_EQ(t["prefix"], "lia_" + id);
      EXPECT_FALSE(t["last_used_at"].is_null());
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(list.body.find(token.substr(4 + kTokenIdChars + 1)), std::string::npos);

  EXPECT_EQ(admin("DELETE", "/v1/tokens/" + id).status, 204);
  auto refused = api_.call("GET", "/v1/contacts", token);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.json["error"]["message"], "token revoked");
  EXPECT_EQ(admin("DELETE", "/v1/tokens/" + id).status, 204);  // idempotent
  EXPECT_EQ(admin("DELETE", "/v1/tokens/0123456789abcdef").status, 404);

  auto expiring =
      admin("POST", "/v1/tokens",
            {{"name", "visitor"}, {"role", "analyst"}, {"expires_at", "2026-06-01T09:00:00Z"}});
  ASSERT_EQ(expiring.status, 201);
  EXPECT_EQ(api_.call("GET", "/v1/segments", expiring.json["token"]).status, 200);
  api_.advanceMs(3600 * 1000);
  EXPECT_EQ(api_.call("GET", "/v1/segments", expiring.json["token"]).status, 401);

  EXPECT_EQ(admin("POST", "/v1/tokens", {{"name", "x"}, {"role", "root"}}).status, 422);
  EXPECT_EQ(admin("POST", "/v1/tokens", {{"role", "admin"}}).status, 422);
  EXPECT_EQ(admin("POST", "/v1/tokens",
                  {{"name", "x"}, {"role", "admin"}, {"expires_at", "2020-01-01T00:00:00Z"}})
                .status,
            422);
}

TEST_F(RestApiTest, UnknownRoutesAndMethodsAnswerCleanly) {
  auto missing = admin("GET", "/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json["error"]["code"], "not_found");
  auto wrong = admin("PUT", "/v1/contacts");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("Allow"), "GET, HEAD, POST");
  auto export_post = admin("POST", "/v1/contacts/export");
  EXPECT_EQ(export_post.status, 405);  // the literal route wins over /v1/contacts/{contact_id}
  EXPECT_EQ(api_.call("GET", "/healthz", "").status, 200);
  EXPECT_EQ(api_.call("GET", "/v1/version", "").status, 200);
  auto head = api_.raw("HEAD", "/v1/contacts", api_.token(kTenant, Role::Admin));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST(RestApiConcurrencyTest, RequestsFromSeveralThreadsShareTheStore) {
  RestApiOptions options;
  options.planner.page_rows = 3;  // many pages: the planner lets go of the store between them
  ApiHarness api(options);
  std::string rows = "phone,language\n";
  for (int i = 0; i < 60; ++i) rows += "+49151123" + std::to_string(40000 + i) + ",en\n";
  ASSERT_EQ(ApiHarness::toReply(api.raw("POST", "/v1/contacts/import",
                                        api.token(kTenant, Role::Admin), rows, "text/csv"))
                .json["inserted"],
            60);
  auto seg = api.callAs(kTenant, Role::Admin, "POST", "/v1/segments",
                        json::parse(R"({"name": "all", "filter": {"condition":
                            {"field": "language", "op": "EQUALS", "values": ["en"]}}})"));
  ASSERT_EQ(seg.status, 201);
  auto campaign = api.callAs(kTenant, Role::Admin, "POST", "/v1/campaigns",
                             testing::noticeJson("busy", seg.json["id"].get<std::int64_t>()));
  ASSERT_EQ(campaign.status, 201);
  const std::string id = campaign.json["id"];
  // Tokens first: issuing them is not part of what runs concurrently.
  const std::string officer = api.token(kTenant, Role::Officer);
  const std::string auditor = api.token(kTenant, Role::Auditor);

  std::atomic<int> failures{0};
  std::thread planner([&] {
    auto r = api.call("POST", "/v1/campaigns/" + id + "/start", officer);
    if (r.status != 200 || r.json["inserted"] != 60) ++failures;
  });
  std::thread writer([&] {
    for (int i = 0; i < 20; ++i) {
      auto r = api.call("POST", "/v1/contacts", officer,
                        {{"phone", "+49151129" + std::to_string(10000 + i)}, {"language", "de"}});
      if (r.status != 201) ++failures;
    }
  });
  std::thread reader([&] {
    for (int i = 0; i < 20; ++i) {
      if (api.call("GET", "/v1/segments", auditor).status != 200) ++failures;
      if (api.call("GET", "/v1/campaigns/" + id + "/messages?limit=10", auditor).status != 200) {
        ++failures;
      }
      if (api.call("GET", "/v1/campaigns/" + id + "/results", auditor).status != 200) ++failures;
    }
  });
  planner.join();
  writer.join();
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  auto got = api.call("GET", "/v1/campaigns/" + id, auditor);
  EXPECT_EQ(got.json["messages"]["queued"], 60);
  EXPECT_EQ(got.json["state"], "CAMPAIGN_STATE_RUNNING");
  EXPECT_EQ(api.call("GET", "/v1/contacts?language=de&limit=50", auditor).json["items"].size(),
            20u);
}

TEST(RouteTableTest, RejectsCollidingAndMalformedRoutes) {
  RouteTable table;
  auto route = [](std::string method, std::string pattern) {
    Route r;
    r.method = std::move(method);
    r.pattern = std::move(pattern);
    r.access = RouteAccess::Public;
    r.handler = [](const RequestContext&) { return HttpResponse{}; };
    return r;
  };
  table.add(route("GET", "/v1/things/{id}"));
  EXPECT_THROW(table.add(route("GET", "/v1/things/{other}")), std::invalid_argument);
  EXPECT_NO_THROW(table.add(route("DELETE", "/v1/things/{id}")));
  EXPECT_THROW(table.add(route("GET", "v1/x")), std::invalid_argument);
  EXPECT_THROW(table.add(route("GET", "/v1//x")), std::invalid_argument);
  EXPECT_THROW(table.add(route("GET", "/v1/{x")), std::invalid_argument);
  EXPECT_THROW(table.add(route("BREW", "/v1/x")), std::invalid_argument);
  Route no_roles = route("GET", "/v1/y");
  no_roles.access = RouteAccess::Token;
  EXPECT_THROW(table.add(no_roles), std::invalid_argument);
  auto m = table.match("GET", "/v1/things/a%20b");
  ASSERT_EQ(m.kind, RouteTable::MatchKind::Found);
  EXPECT_EQ(m.params[0].second, "a b");
  EXPECT_EQ(table.match("GET", "/v1/things/%zz").kind, RouteTable::MatchKind::NotFound);
  EXPECT_EQ(table.match("GET", "/v1/things/").kind, RouteTable::MatchKind::NotFound);
  EXPECT_EQ(table.match("POST", "/v1/things/1").kind, RouteTable::MatchKind::WrongMethod);
}

TEST(RouterExtraRoutesTest, ExtraRoutesJoinTheTableWithTheirOwnAccess) {
  liaison::testing::TempDir dir;
  auto store = store::SqliteStore::open(dir.file("x.db"));
  RouterOptions options;
  Route hook;
  hook.method = "POST";
  hook.pattern = "/v1/webhooks/{channel}/inbound";
  hook.access = RouteAccess::Custom;
  hook.summary = "Inbound messages from an aggregator";
  hook.handler = [](const RequestContext& ctx) {
    HttpResponse r;
    r.body = "{\"channel\":\"" + std::string(ctx.param("channel")) + "\"}";
    return r;
  };
  options.extra_routes.push_back(hook);
  HttpHandler handler = makeRouter(*store, std::move(options));
  HttpRequest req;
  req.method = "POST";
  req.target = "/v1/webhooks/kannel/inbound?from=x";
  auto res = handler(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "{\"channel\":\"kannel\"}");
  req.method = "GET";
  req.target = "/v1/openapi.json";
  res = handler(req);
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("/v1/webhooks/{channel}/inbound"), std::string::npos);
  req.target = "/v1/contacts";
  EXPECT_EQ(handler(req).status, 404);  // no REST API mounted
  // Mounting a route twice is a start-up error.
  RouterOptions twice;
  twice.extra_routes = {hook, hook};
  EXPECT_THROW(makeRouter(*store, std::move(twice)), std::invalid_argument);
}

// ---- over a real socket

class RestApiSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.body_limit = 64 * 1024;
    server_ = std::make_unique<HttpServer>(ioc_, options, api_.handler());
    ASSERT_FALSE(server_->start());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  ApiHarness api_;
  boost::asio::io_context ioc_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

size_t appendTo(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

TEST_F(RestApiSocketTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  const std::string auth = "Authorization: Bearer " + api_.token(kTenant, Role::Admin);
  CURL* curl = curl_easy_init();
  ASSERT_NE(curl, nullptr);
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  std::string body;
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendTo);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  long connects_total = 0;
  for (const char* path : {"/v1/segments", "/v1/contacts", "/v1/campaigns", "/v1/inbox"}) {
    body.clear();
    curl_easy_setopt(curl, CURLOPT_URL, (base + path).c_str());
    ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
    long status = 0, connects = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
    EXPECT_EQ(status, 200) << path << ": " << body;
    connects_total += connects;
  }
  EXPECT_EQ(connects_total, 1);  // one TCP connection for all four requests
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
}

TEST_F(RestApiSocketTest, OversizedImportGets413AndTheServerGoesOn) {
  const std::string auth = "Authorization: Bearer " + api_.token(kTenant, Role::Admin);
  std::string big = "phone\n";
  while (big.size() <= 70 * 1024) big += "+4915112340001\n";
  auto res = liaison::testing::httpRequest("POST", server_->port(), "/v1/contacts/import", big,
                                           {auth, "Content-Type: text/csv"});
  EXPECT_EQ(res.status, 413);
  EXPECT_NE(res.body.find("body_too_large"), std::string::npos);
  auto ok = liaison::testing::httpRequest("GET", server_->port(), "/v1/contacts", {}, {auth});
  EXPECT_EQ(ok.status, 200);
  auto anonymous = liaison::testing::httpGet(server_->port(), "/v1/contacts");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_NE(anonymous.headers.find("WWW-Authenticate: Bearer"), std::string::npos);
}

}  // namespace
}  // namespace liaison::gateway::api
