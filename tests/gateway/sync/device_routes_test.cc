// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The officers' field device routes (api/device_routes.h) over loopback HTTP: the real
// api::HttpServer on 127.0.0.1 serving the route table as the daemon builds it
// (buildRouteTable with the REST API, the device routes and the sync endpoint as extra
// routes), real API tokens, a real SQLite store, libcurl as the client, the sync engine as the
// device. The whole flow: an officer creates a code -> the device enrols and syncs -> the
// officer sees it (last seen, high-water mark) -> revokes it -> its next request is refused
// and applies nothing. Plus every validation answer of the code route, paging, team filter,
// roles and tenants. (Each route's 401/403/404 is also in tests/gateway/api/route_auth_test.cc,
// generated from the table.)
#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../api/api_test_support.h"
#include "api/http_server.h"
#include "http_client.h"
#include "sync_test_support.h"

namespace liaison::gateway::sync {
namespace {

using api::Role;
using api::testing::ApiHarness;
using nlohmann::json;
using testing::Device;
using testing::formSubmission;
using testing::Ids;

constexpr char kTenantA[] = "tenant-a";
constexpr char kTenantB[] = "tenant-b";

struct Reply {
  long status = 0;
  json body;  // null unless JSON
  std::string raw;
  std::string headers;  // lower case
  std::optional<wire::SyncResponse> sync;
};

class DeviceRoutesTest : public ::testing::Test {
 protected:
  DeviceRoutesTest() {
    now_ = api_.nowMs();
    api::HttpServerOptions o;
    o.body_limit = 5u << 20;
    server_ = std::make_unique<api::HttpServer>(ioc_, o, api_.handler());
    if (server_->start()) throw std::runtime_error("cannot listen on 127.0.0.1");
    for (auto& t : threads_) t = std::thread([this] { ioc_.run(); });
  }
  ~DeviceRoutesTest() override {
    server_->stop();
    for (auto& t : threads_) t.join();
  }

  void advance(std::int64_t ms) {
    api_.advanceMs(ms);
    now_ = api_.nowMs();
  }

  Reply request(const std::string& method, const std::string& target, const std::string& bearer,
                const std::string& body = {},
                std::vector<std::string> headers = {"Content-Type: application/json"}) {
    headers.push_back("Expect:");
    if (!bearer.empty()) headers.push_back("Authorization: Bearer " + bearer);
    const auto res = liaison::testing::httpRequest(method, server_->port(), target, body, headers);
    Reply out;
    out.status = res.status;
    out.raw = res.body;
    out.headers = res.headers;
    std::transform(out.headers.begin(), out.headers.end(), out.headers.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (out.headers.find("content-type: application/x-protobuf") != std::string::npos) {
      out.sync =
          Device::parse(res.body, out.headers.find("content-encoding: zstd") != std::string::npos);
    } else {
      out.body = json::parse(res.body, nullptr, false);
      if (out.body.is_discarded()) out.body = nullptr;
    }
    return out;
  }
  Reply as(const std::string& tenant, Role role, const std::string& method,
           const std::string& target, const json& body = nullptr) {
    return request(method, target, api_.token(tenant, role), body.is_null() ? "" : body.dump());
  }

  // POST /v1/devices/enrolment-codes as an officer; the code.
  std::string createCode(const std::string& tenant, const json& body) {
    const Reply r = as(tenant, Role::Officer, "POST", "/v1/devices/enrolment-codes", body);
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.is_object() ? r.body.value("code", "") : "";
  }

  // POST /v1/sync/enrol as the device does.
  Reply enrol(Device& d, const std::string& code) {
    json j;
    j["code"] = code;
    j["public_key"] = base64Encode(d.key().public_key);
    j["proof"] = base64Encode(signEnrolment(d.key(), code));
    Reply r = request("POST", std::string(kEnrolPath), "", j.dump());
    if (r.status == 201) d.setId(r.body.value("device_id", ""));
    return r;
  }

  // POST /v1/sync, signed by the device.
  Reply sync(Device& d, const wire::SyncRequest& req) {
    const api::HttpRequest signed_req = d.http(req);
    std::vector<std::string> headers;
    for (const auto& [k, v] : signed_req.headers) headers.push_back(k + ": " + v);
    return request("POST", signed_req.target, "", signed_req.body, headers);
  }

  std::int64_t count(const std::string& sql) {
    std::lock_guard lock(api_.mutex());
    std::error_code ec;
    auto st = api_.store().database().prepare(sql, &ec);
    EXPECT_FALSE(ec);
    bool row = false;
    EXPECT_FALSE(st->step(&row));
    return row ? st->int64(0) : -1;
  }

  ApiHarness api_;
  std::int64_t now_ = 0;
  boost::asio::io_context ioc_;
  std::unique_ptr<api::HttpServer> server_;
  std::thread threads_[2];
  Ids ids_{5};
};

TEST_F(DeviceRoutesTest, EnrolSyncRevokeRefusedOverHttp) {
  // 1. An officer creates a code for a team: shown once, with its expiry.
  const Reply code = as(kTenantA, Role::Officer, "POST", "/v1/devices/enrolment-codes",
                        {{"team", "berlin-drive-3"}, {"scopes", {"forms", "notices:DE"}}});
  ASSERT_EQ(code.status, 201) << code.raw;
  const std::string text = code.body.value("code", "");
  EXPECT_TRUE(
      std::regex_match(text, std::regex("[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}")))
      << "code form";
  EXPECT_EQ(code.body["team"], "berlin-drive-3");
  EXPECT_EQ(code.body["scopes"], json({"forms", "notices:DE", "team:berlin-drive-3"}));
  EXPECT_EQ(code.body["created_at"], "2026-06-01T08:00:00Z");
  EXPECT_EQ(code.body["expires_at"], "2026-06-04T08:00:00Z");  // 72 hours by default
  EXPECT_NE(code.headers.find("cache-control: no-store"), std::string::npos);
  // Only the code's hash is kept: the code is nowhere in the database files.
  EXPECT_EQ(count("SELECT count(*) FROM sync_enrolment_codes"), 1);
  for (const char* file : {"liaison.db", "liaison.db-wal"}) {
    std::ifstream in(api_.dir().file(file), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(normaliseEnrolmentCode(text)), std::string::npos) << file;
    EXPECT_EQ(bytes.find(text), std::string::npos) << file;
  }

  // 2. The device enrols with it over HTTP and syncs.
  Device dev(1, &now_);
  const Reply enrolled = enrol(dev, text);
  ASSERT_EQ(enrolled.status, 201) << enrolled.raw;
  EXPECT_EQ(enrolled.body["tenant_id"], kTenantA);
  EXPECT_EQ(enrol(dev, text).status, 401);  // one-time
  for (int i = 0; i < 3; ++i) dev.submit(formSubmission(ids_.next()));
  advance(60'000);
  Reply synced = sync(dev, dev.request());
  ASSERT_EQ(synced.status, 200) << synced.raw;
  ASSERT_TRUE(synced.sync);
  EXPECT_EQ(synced.sync->status(), wire::ERROR_CODE_OK);
  EXPECT_TRUE(dev.apply(*synced.sync).ok);
  EXPECT_EQ(dev.acked(), 3u);

  // 3. The officer sees it: team, scopes, times, high-water mark.
  const Reply list = as(kTenantA, Role::Officer, "GET", "/v1/devices");
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["items"].size(), 1u);
  const json& d = list.body["items"][0];
  EXPECT_EQ(d["device_id"], dev.id());
  EXPECT_EQ(d["team"], "berlin-drive-3");
  EXPECT_EQ(d["scopes"], json({"forms", "notices:DE", "team:berlin-drive-3"}));
  EXPECT_EQ(d["enrolled_at"], "2026-06-01T08:00:00Z");
  EXPECT_EQ(d["last_seen_at"], "2026-06-01T08:01:00Z");
  EXPECT_EQ(d["revoked"], false);
  EXPECT_TRUE(d["revoked_at"].is_null());
  EXPECT_EQ(d["high_water_mark"], 3);
  // This device never says its outbox depth (an app that predates it): unknown, not 0.
  ASSERT_TRUE(d.contains("outbox_depth"));
  EXPECT_TRUE(d["outbox_depth"].is_null());
  EXPECT_TRUE(d["outbox_depth_at"].is_null());
  EXPECT_TRUE(list.body["next_cursor"].is_null());
  EXPECT_EQ(list.raw.find("public_key"), std::string::npos);
  EXPECT_EQ(list.raw.find(text), std::string::npos);
  // An auditor reads it too.
  const Reply one = as(kTenantA, Role::Auditor, "GET", "/v1/devices/" + dev.id());
  ASSERT_EQ(one.status, 200) << one.raw;
  EXPECT_EQ(one.body, d);

  // 4. Revoked by the officer (an auditor may not).
  EXPECT_EQ(as(kTenantA, Role::Auditor, "POST", "/v1/devices/" + dev.id() + "/revoke").status, 403);
  advance(60'000);
  const Reply revoked = as(kTenantA, Role::Officer, "POST", "/v1/devices/" + dev.id() + "/revoke");
  ASSERT_EQ(revoked.status, 200) << revoked.raw;
  EXPECT_EQ(revoked.body["revoked"], true);
  EXPECT_EQ(revoked.body["revoked_at"], "2026-06-01T08:02:00Z");
  EXPECT_EQ(revoked.body["high_water_mark"], 3);
  // Again: nothing changes, the first time stays.
  advance(60'000);
  const Reply again = as(kTenantA, Role::Admin, "POST", "/v1/devices/" + dev.id() + "/revoke");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body["revoked_at"], "2026-06-01T08:02:00Z");

  // 5. Its next request is refused with a clear code, and nothing of it applies.
  dev.submit(formSubmission(ids_.next()));
  const Reply refused = sync(dev, dev.request());
  EXPECT_EQ(refused.status, 403);
  ASSERT_TRUE(refused.sync);
  EXPECT_EQ(refused.sync->status(), wire::ERROR_CODE_DEVICE_REVOKED);
  EXPECT_FALSE(dev.apply(*refused.sync).ok);
  EXPECT_EQ(dev.acked(), 3u);  // the device keeps its unsent record
  EXPECT_EQ(count("SELECT count(*) FROM sync_submissions"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM sync_ops"), 3);
  const Reply after = as(kTenantA, Role::Officer, "GET", "/v1/devices/" + dev.id());
  EXPECT_EQ(after.body["high_water_mark"], 3);
  EXPECT_EQ(after.body["last_seen_at"], "2026-06-01T08:01:00Z");
}

// SyncRequest.pending_operations: stored with the time of the exchange that reported it and
// shown by both device routes; a request without it keeps the last report; a value over the
// bound is stored as the bound while the records in the same request still apply.
TEST_F(DeviceRoutesTest, OutboxDepthIsShownWhenReportedAndBounded) {
  Device dev(2, &now_);
  ASSERT_EQ(enrol(dev, createCode(kTenantA, {{"team", "berlin-drive-3"}})).status, 201);
  auto shown = [&] {
    const Reply one = as(kTenantA, Role::Auditor, "GET", "/v1/devices/" + dev.id());
    EXPECT_EQ(one.status, 200) << one.raw;
    const Reply list = as(kTenantA, Role::Officer, "GET", "/v1/devices");
    EXPECT_EQ(list.status, 200) << list.raw;
    EXPECT_EQ(list.body["items"].size(), 1u);
    if (list.body["items"].size() == 1u) {
      EXPECT_EQ(list.body["items"][0], one.body);
    }
    return one.body;
  };
  auto syncWith = [&](std::optional<std::uint32_t> pending) {
    wire::SyncRequest r = dev.request();
    if (pending) r.set_pending_operations(*pending);
    const Reply res = sync(dev, r);
    EXPECT_EQ(res.status, 200) << res.raw;
    EXPECT_TRUE(res.sync && res.sync->status() == wire::ERROR_CODE_OK);
    if (res.sync) {
      EXPECT_TRUE(dev.apply(*res.sync).ok);
    }
  };

  json d = shown();  // enrolled, never synced
  EXPECT_TRUE(d["outbox_depth"].is_null());
  EXPECT_TRUE(d["outbox_depth_at"].is_null());

  advance(60'000);
  dev.submit(formSubmission(ids_.next()));
  syncWith(42);
  d = shown();
  EXPECT_EQ(d["outbox_depth"], 42);
  EXPECT_EQ(d["outbox_depth_at"], "2026-06-01T08:01:00Z");
  EXPECT_EQ(d["last_seen_at"], "2026-06-01T08:01:00Z");

  // An older app (field absent) leaves the last report and its time; last seen moves on.
  advance(60'000);
  syncWith(std::nullopt);
  d = shown();
  EXPECT_EQ(d["outbox_depth"], 42);
  EXPECT_EQ(d["outbox_depth_at"], "2026-06-01T08:01:00Z");
  EXPECT_EQ(d["last_seen_at"], "2026-06-01T08:02:00Z");

  // 0 is a report (an empty outbox), not unknown.
  advance(60'000);
  syncWith(0);
  d = shown();
  ASSERT_FALSE(d["outbox_depth"].is_null());
  EXPECT_EQ(d["outbox_depth"], 0);
  EXPECT_EQ(d["outbox_depth_at"], "2026-06-01T08:03:00Z");

  // Over the bound: stored as the bound ("at least"); the push in the request still applies.
  advance(60'000);
  dev.submit(formSubmission(ids_.next()));
  syncWith(std::numeric_limits<std::uint32_t>::max());
  d = shown();
  EXPECT_EQ(d["outbox_depth"], kMaxOutboxDepth);
  EXPECT_EQ(d["high_water_mark"], 2);
  EXPECT_EQ(count("SELECT max(outbox_depth) FROM sync_devices"), kMaxOutboxDepth);
  syncWith(kMaxOutboxDepth);
  EXPECT_EQ(shown()["outbox_depth"], kMaxOutboxDepth);
  syncWith(kMaxOutboxDepth - 1);
  EXPECT_EQ(shown()["outbox_depth"], kMaxOutboxDepth - 1);
}

TEST_F(DeviceRoutesTest, CodeRequestsAreValidatedWithClearErrors) {
  const std::string path = "/v1/devices/enrolment-codes";
  auto expect422 = [&](const json& body, const std::string& field) {
    const Reply r = as(kTenantA, Role::Admin, "POST", path, body);
    EXPECT_EQ(r.status, 422) << body.dump();
    EXPECT_EQ(r.body["error"]["code"], "invalid_enrolment_request") << body.dump();
    const std::string message = r.body["error"].value("message", "");
    EXPECT_EQ(message.rfind(field, 0), 0u) << message;
  };
  expect422(json::object(), "team");
  expect422({{"team", ""}}, "team");
  expect422({{"team", std::string(65, 'a')}}, "team");
  expect422({{"team", "drive 3"}}, "team");
  expect422({{"team", 3}}, "team");
  expect422({{"team", "t"}, {"scopes", "forms"}}, "scopes");
  expect422({{"team", "t"}, {"scopes", {"forms", 7}}}, "scopes");
  expect422({{"team", "t"}, {"scopes", {"forms\nx"}}}, "scopes");
  expect422({{"team", "t"}, {"scopes", {std::string(129, 's')}}}, "scopes");
  expect422({{"team", "t"}, {"scopes", json(std::vector<std::string>(64, "s"))}}, "scopes");
  expect422({{"team", "t"}, {"lifetime", 59}}, "lifetime");
  expect422({{"team", "t"}, {"lifetime", 30 * 86400 + 1}}, "lifetime");
  expect422({{"team", "t"}, {"lifetime", "1h"}}, "lifetime");
  expect422({{"team", "t"}, {"lifetime", 1.5}}, "lifetime");
  expect422({{"team", "t"}, {"role", "admin"}}, "unknown field");
  // Not JSON, not an object, the wrong type: 400 and 415.
  EXPECT_EQ(request("POST", path, api_.token(kTenantA, Role::Admin), "{").status, 400);
  EXPECT_EQ(request("POST", path, api_.token(kTenantA, Role::Admin), "[]").status, 400);
  EXPECT_EQ(request("POST", path, api_.token(kTenantA, Role::Admin), "").status, 400);
  EXPECT_EQ(request("POST", path, api_.token(kTenantA, Role::Admin),
                    std::string(40, '[') + "1" + std::string(40, ']'))
                .status,
            400);
  EXPECT_EQ(request("POST", path, api_.token(kTenantA, Role::Admin), R"({"team":"t"})",
                    {"Content-Type: text/plain"})
                .status,
            415);
  EXPECT_EQ(count("SELECT count(*) FROM sync_enrolment_codes"), 0);
  // Values are never echoed.
  const Reply r = as(kTenantA, Role::Admin, "POST", path, {{"team", "secret value"}});
  EXPECT_EQ(r.raw.find("secret value"), std::string::npos);

  // A valid lifetime, both forms; the expiry follows it and an expired code is refused.
  const Reply hour = as(kTenantA, Role::Admin, "POST", path, {{"team", "t"}, {"lifetime", 3600}});
  ASSERT_EQ(hour.status, 201) << hour.raw;
  EXPECT_EQ(hour.body["expires_at"], "2026-06-01T09:00:00Z");
  const Reply month =
      as(kTenantA, Role::Admin, "POST", path, {{"team", "t"}, {"lifetime", "2592000s"}});
  ASSERT_EQ(month.status, 201) << month.raw;
  EXPECT_EQ(month.body["expires_at"], "2026-07-01T08:00:00Z");
  advance(3600 * 1000);
  Device late(2, &now_);
  const Reply expired = enrol(late, hour.body.value("code", ""));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body["error"]["code"], "enrolment_code_expired") << expired.raw;
  EXPECT_EQ(enrol(late, month.body.value("code", "")).status, 201);
}

TEST_F(DeviceRoutesTest, ListPagesFiltersByTeamAndStaysInItsTenant) {
  std::vector<std::unique_ptr<Device>> devices;
  for (int i = 0; i < 5; ++i) {
    advance(1000);
    devices.push_back(std::make_unique<Device>(static_cast<std::uint8_t>(10 + i), &now_));
    const std::string code = createCode(kTenantA, {{"team", i % 2 ? "odd" : "even"}});
    ASSERT_EQ(enrol(*devices.back(), code).status, 201);
  }
  Device other(20, &now_);
  ASSERT_EQ(enrol(other, createCode(kTenantB, {{"team", "even"}})).status, 201);

  // Pages of 2 in enrolment order, then the team filter.
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 4; ++page) {
    const Reply r = as(kTenantA, Role::Auditor, "GET",
                       "/v1/devices?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.raw;
    for (const json& d : r.body["items"]) seen.push_back(d["device_id"]);
    if (r.body["next_cursor"].is_null()) break;
    cursor = r.body["next_cursor"].get<std::string>();
  }
  std::vector<std::string> want;
  for (const auto& d : devices) want.push_back(d->id());
  EXPECT_EQ(seen, want);
  const Reply odd = as(kTenantA, Role::Officer, "GET", "/v1/devices?team=odd");
  ASSERT_EQ(odd.status, 200);
  ASSERT_EQ(odd.body["items"].size(), 2u);
  EXPECT_EQ(odd.body["items"][0]["device_id"], devices[1]->id());
  EXPECT_EQ(odd.body["items"][1]["device_id"], devices[3]->id());
  EXPECT_EQ(as(kTenantA, Role::Officer, "GET", "/v1/devices?team=none").body["items"].size(), 0u);

  // Tenant B sees only its own device; A's ids are 404 to it and stay unrevoked.
  const Reply b = as(kTenantB, Role::Admin, "GET", "/v1/devices");
  ASSERT_EQ(b.body["items"].size(), 1u);
  EXPECT_EQ(b.body["items"][0]["device_id"], other.id());
  for (const auto& d : devices) EXPECT_EQ(b.raw.find(d->id()), std::string::npos);
  EXPECT_EQ(as(kTenantB, Role::Admin, "GET", "/v1/devices/" + devices[0]->id()).status, 404);
  const Reply foreign =
      as(kTenantB, Role::Admin, "POST", "/v1/devices/" + devices[0]->id() + "/revoke");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.body["error"]["code"], "not_found");
  EXPECT_EQ(as(kTenantA, Role::Admin, "GET", "/v1/devices/" + devices[0]->id()).body["revoked"],
            false);
  // Unknown and malformed ids are 404 too.
  EXPECT_EQ(as(kTenantA, Role::Admin, "GET", "/v1/devices/dev-unknown").status, 404);
  EXPECT_EQ(as(kTenantA, Role::Admin, "GET", "/v1/devices/%20bad%0A").status, 404);

  // Bad paging and filters are 400, never a silently wider list.
  for (const char* q :
       {"limit=0", "limit=501", "limit=x", "cursor=!!", "cursor=YWJj", "team=a%20b", "teams=odd"}) {
    const Reply r = as(kTenantA, Role::Admin, "GET", std::string("/v1/devices?") + q);
    EXPECT_EQ(r.status, 400) << q << ": " << r.raw;
  }
  // Analysts see no devices; nobody without a token does.
  EXPECT_EQ(as(kTenantA, Role::Analyst, "GET", "/v1/devices").status, 403);
  EXPECT_EQ(request("GET", "/v1/devices", "").status, 401);
}

}  // namespace
}  // namespace liaison::gateway::sync
