// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Generated from the route table: for EVERY route (one test each, named after the route) call
// it without a token (401), with a bad token (401), with each role the route does not allow
// (403), and, as an admin of tenant A, with the ids of tenant B's objects (404: another
// tenant's id is never 403 and never leaks). Routes without ids are checked not to return
// tenant B's data to tenant A. A route added to the table is covered without editing this file;
// a route whose ids this file cannot fill fails. Routes that authenticate themselves (Custom:
// the sync endpoint) are listed by name and must refuse a request without their credentials.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "api_test_support.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_response_store.h"
#include "sync/device_auth.h"

namespace liaison::gateway::api {
namespace {

using nlohmann::json;
using testing::ApiHarness;

constexpr char kTenantA[] = "tenant-a";
constexpr char kTenantB[] = "tenant-b";
// Tenant B's data, to look for in tenant A's answers.
constexpr char kPhoneB[] = "+4915112345001";
constexpr char kSegmentB[] = "segment of tenant b";
constexpr char kCampaignB[] = "campaign of tenant b";
constexpr char kInboxB[] = "inbox text of tenant b";

struct RouteKey {
  std::string method;
  std::string pattern;
  RouteAccess access = RouteAccess::Token;
  RoleSet roles;
};

std::vector<RouteKey> catalog() {
  ApiHarness api;
  std::vector<RouteKey> out;
  for (const Route& r : api.table().routes())
    out.push_back({r.method, r.pattern, r.access, r.roles});
  return out;
}

// One tenant's objects, made through the API itself.
struct Objects {
  std::map<std::string, std::string> ids;  // path parameter name -> id
};

Objects populate(ApiHarness& api, const std::string& tenant, const std::string& phone,
                 const std::string& segment_name, const std::string& campaign_name,
                 const std::string& inbox_text) {
  Objects o;
  auto contact = api.callAs(tenant, Role::Admin, "POST", "/v1/contacts",
                            {{"phone", phone}, {"language", "en"}, {"country", "DE"}});
  EXPECT_EQ(contact.status, 201) << contact.body;
  o.ids["contact_id"] = std::to_string(contact.json.value("id", 0));
  auto message = api.callAs(tenant, Role::Officer, "POST", "/v1/messages",
                            {{"contact_id", contact.json.value("id", 0)},
                             {"text", "Consular day on Saturday."}});
  EXPECT_EQ(message.status, 202) << message.body;
  o.ids["message_id"] = std::to_string(message.json.value("id", 0));
  json segment_body = json::parse(
      R"({"filter": {"condition": {"field": "language", "op": "EQUALS", "values": ["en"]}}})");
  segment_body["name"] = segment_name;
  auto segment = api.callAs(tenant, Role::Admin, "POST", "/v1/segments", segment_body);
  EXPECT_EQ(segment.status, 201) << segment.body;
  const std::int64_t segment_id = segment.json.value("id", 0);
  o.ids["segment_id"] = std::to_string(segment_id);
  auto campaign = api.callAs(tenant, Role::Admin, "POST", "/v1/campaigns",
                             testing::noticeJson(campaign_name, segment_id));
  EXPECT_EQ(campaign.status, 201) << campaign.body;
  o.ids["campaign_id"] = campaign.json.value("id", "");
  auto started =
      api.callAs(tenant, Role::Admin, "POST", "/v1/campaigns/" + o.ids["campaign_id"] + "/start");
  EXPECT_EQ(started.status, 200) << started.body;
  auto token = api.callAs(tenant, Role::Admin, "POST", "/v1/tokens",
                          {{"name", "spare"}, {"role", "analyst"}});
  EXPECT_EQ(token.status, 201) << token.body;
  o.ids["token_id"] = token.json.value("id", "");
  // An opt-out and an inbox message, written as the inbound pipeline would.
  {
    std::lock_guard lock(api.mutex());
    store::SqliteContactStore contacts(api.store().database());
    EXPECT_FALSE(contacts.setStatus(tenant, phone, store::ContactStatus::OptedOut, api.nowS()));
    store::SqliteResponseStore responses(api.store().database());
    store::InboundRecord in;
    in.tenant_id = tenant;
    in.channel = "smpp:test";
    in.from_e164 = phone;
    in.content_hash = 42;
    in.body = inbox_text;
    in.received_at = api.nowS();
    EXPECT_FALSE(responses.recordInbound(&in));
  }
  // A field device, enrolled with a code an officer created through the API.
  auto code = api.callAs(tenant, Role::Officer, "POST", "/v1/devices/enrolment-codes",
                         {{"team", "drive-1"}});
  EXPECT_EQ(code.status, 201) << code.body;
  const sync::DeviceKey key = sync::generateDeviceKey();
  const std::string text = code.json.value("code", "");
  sync::Enrolment enrolled;
  EXPECT_FALSE(api.syncService().auth().enrol(text, key.public_key, sync::signEnrolment(key, text),
                                              api.nowMs(), &enrolled));
  o.ids["device_id"] = enrolled.device_id;
  return o;
}

std::string fill(const std::string& pattern, const Objects& objects, bool* complete) {
  std::string out;
  *complete = true;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] != '{') {
      out += pattern[i++];
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    const std::string name = pattern.substr(i + 1, close - i - 1);
    auto it = objects.ids.find(name);
    if (it == objects.ids.end()) {
      *complete = false;
      out += "0";
    } else {
      out += it->second;
    }
    i = close + 1;
  }
  return out;
}

// A body the route would accept from tenant A, so nothing but the checks under test can fail.
std::string bodyFor(const Route& route) {
  if (route.request == BodyKind::Csv) return "phone\n+4915112345999\n";
  if (route.request == BodyKind::Json) return "{}";
  return {};
}

class RouteAuthTest : public ::testing::TestWithParam<RouteKey> {
 protected:
  static void SetUpTestSuite() {
    api_ = new ApiHarness();
    objects_a_ = new Objects(populate(*api_, kTenantA, "+4915112345000", "segment of tenant a",
                                      "campaign of tenant a", "inbox text of tenant a"));
    objects_b_ = new Objects(populate(*api_, kTenantB, kPhoneB, kSegmentB, kCampaignB, kInboxB));
  }
  static void TearDownTestSuite() {
    delete objects_a_;
    delete objects_b_;
    delete api_;
  }

  const Route& route() {
    for (const Route& r : api_->table().routes()) {
      if (r.method == GetParam().method && r.pattern == GetParam().pattern) return r;
    }
    ADD_FAILURE() << "route vanished";
    return api_->table().routes().front();
  }

  HttpResponse send(const Route& r, const std::string& target, const std::string& bearer) {
    const std::string body = bodyFor(r);
    return api_->raw(r.method, target, bearer, body,
                     r.request == BodyKind::Csv ? "text/csv" : "application/json");
  }

  static ApiHarness* api_;
  static Objects* objects_a_;
  static Objects* objects_b_;
};

ApiHarness* RouteAuthTest::api_ = nullptr;
Objects* RouteAuthTest::objects_a_ = nullptr;
Objects* RouteAuthTest::objects_b_ = nullptr;

TEST_P(RouteAuthTest, NeedsATokenTheRightRoleAndTheCallersTenant) {
  const Route& r = route();
  if (r.access == RouteAccess::Public) {
    // Public routes are listed on purpose: health, version and the API document only.
    const std::set<std::string> public_paths = {"/healthz", "/readyz", "/v1/version",
                                                "/v1/openapi.json"};
    EXPECT_TRUE(public_paths.contains(r.pattern)) << r.pattern << " is not behind a token";
    return;
  }
  if (r.access == RouteAccess::Custom) {
    // The sync endpoint authenticates devices itself (signatures, one-time codes): an API
    // token is no credential there, and a request without its own is refused.
    const std::set<std::string> custom_paths = {"/v1/sync", "/v1/sync/enrol"};
    EXPECT_TRUE(custom_paths.contains(r.pattern)) << r.pattern << " is not behind a token";
    for (const std::string& bearer : {std::string(), api_->token(kTenantA, Role::Admin)}) {
      HttpResponse res = send(r, r.pattern, bearer);
      EXPECT_GE(res.status, 400) << r.method << " " << r.pattern << ": " << res.body;
      EXPECT_LT(res.status, 500) << r.method << " " << r.pattern;
    }
    return;
  }
  bool complete = false;
  const std::string own = fill(r.pattern, *objects_a_, &complete);
  ASSERT_TRUE(complete) << "no test object for a parameter of " << r.pattern;
  const std::string foreign = fill(r.pattern, *objects_b_, &complete);

  // 1. No token, and tokens that are not tokens: 401, whatever the path names.
  for (const std::string& target : {own, foreign}) {
    HttpResponse res = send(r, target, "");
    EXPECT_EQ(res.status, 401) << r.method << " " << target << " without a token";
    EXPECT_NE(res.body.find("\"unauthorized\""), std::string::npos);
    std::string bad = api_->token(kTenantA, Role::Admin);
    bad.back() = bad.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(send(r, target, bad).status, 401) << r.method << " " << target << " bad secret";
  }

  // 2. Every role the route does not allow: 403 (before any lookup).
  for (Role role : kAllRoles) {
    if (r.roles.contains(role)) continue;
    for (const std::string& target : {own, foreign}) {
      HttpResponse res = send(r, target, api_->token(kTenantA, role));
      EXPECT_EQ(res.status, 403) << r.method << " " << target << " as " << roleName(role);
      EXPECT_NE(res.body.find("\"forbidden\""), std::string::npos);
    }
  }

  // 3. Another tenant's ids: 404 for every allowed role.
  if (r.pattern.find('{') != std::string::npos) {
    for (Role role : r.roles.list()) {
      HttpResponse res = send(r, foreign, api_->token(kTenantA, role));
      EXPECT_EQ(res.status, 404) << r.method << " " << foreign << " as " << roleName(role) << ": "
                                 << res.body;
      EXPECT_NE(res.body.find("\"not_found\""), std::string::npos);
    }
    return;
  }
  // Routes without ids: a read never shows tenant B's data to tenant A.
  if (r.method == "GET") {
    for (Role role : r.roles.list()) {
      HttpResponse res = send(r, own, api_->token(kTenantA, role));
      EXPECT_LT(res.status, 300) << r.method << " " << own << " as " << roleName(role) << ": "
                                 << res.body;
      for (const char* marker : {kPhoneB, kSegmentB, kCampaignB, kInboxB}) {
        EXPECT_EQ(res.body.find(marker), std::string::npos)
            << r.method << " " << own << " shows tenant B's data to " << roleName(role);
      }
      for (const auto& [name, id] : objects_b_->ids) {
        // Small integers recur.
        if (name == "contact_id" || name == "segment_id" || name == "message_id") continue;
        EXPECT_EQ(res.body.find(id), std::string::npos)
            << r.method << " " << own << " shows tenant B's " << name;
      }
    }
  }
}

std::string routeName(const ::testing::TestParamInfo<RouteKey>& param) {
  std::string out = param.param.method + "_";
  for (char c : param.param.pattern) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += alnum ? c : '_';
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(EveryRoute, RouteAuthTest, ::testing::ValuesIn(catalog()), routeName);

TEST(RouteAuthCatalogTest, EveryApiRouteIsBehindATokenAndAdminsMayUseIt) {
  std::size_t token_routes = 0;
  for (const RouteKey& r : catalog()) {
    if (r.access != RouteAccess::Token) continue;
    ++token_routes;
    EXPECT_TRUE(r.roles.contains(Role::Admin)) << r.pattern;
  }
  EXPECT_GE(token_routes, 30u);
}

}  // namespace
}  // namespace liaison::gateway::api
