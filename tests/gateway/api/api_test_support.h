// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A REST API over a real SQLite file for the api tests: the router as the daemon builds it
// (the REST API, plus the field device routes and the sync endpoint over a SyncService on the
// same store), an injected clock, tokens per (tenant, role), and request helpers that call the
// handler directly (no socket) with JSON parsed back.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/auth.h"
#include "api/device_routes.h"
#include "api/rest_api.h"
#include "api/router.h"
#include "store/sqlite_store.h"
#include "sync/sync_service.h"
#include "temp_dir.h"

namespace liaison::gateway::api::testing {

// 2026-06-01T08:00:00Z
inline constexpr std::int64_t kStartMs = 1'780'300'800'000;

inline std::string roleToken(const std::string& tenant, Role role) {
  return tenant + "/" + roleName(role);
}

class ApiHarness {
 public:
  explicit ApiHarness(RestApiOptions options = {}) {
    store_ = store::SqliteStore::open(dir_.file("liaison.db"));
    options.clock_ms = [this] { return now_ms_; };
    options.db_path = dir_.file("liaison.db");
    if (options.default_country.empty()) options.default_country = "DE";
    if (options.auth.requests_per_second == AuthOptions{}.requests_per_second) {
      options.auth.requests_per_second = 1e6;  // tests make many calls per token
      options.auth.burst = 1e6;
    }
    api_ = std::make_unique<RestApi>(store_->database(), mu_, std::move(options));
    sync::SyncServiceOptions so;
    so.now_ms = [this] { return now_ms_; };
    sync_ = std::make_unique<sync::SyncService>(*store_, mu_, so);
    RouterOptions ro;
    ro.api = api_.get();
    ro.clock_ms = [this] { return now_ms_; };
    ro.extra_routes = deviceRoutes(*sync_);
    for (Route& r : syncEndpointRoutes(*sync_)) ro.extra_routes.push_back(std::move(r));
    table_ = buildRouteTable(*store_, ro);
    handler_ = makeDispatcher(table_, &api_->authenticator(), ro.clock_ms);
  }

  // A token of `role` in `tenant`, issued once and cached.
  const std::string& token(const std::string& tenant, Role role) {
    const std::string key = roleToken(tenant, role);
    auto it = tokens_.find(key);
    if (it != tokens_.end()) return it->second;
    SqliteTokenStore ts(store_->database());
    IssuedToken issued;
    std::lock_guard lock(mu_);
    NewToken spec{tenant, std::string("test ") + roleName(role), role, std::nullopt};
    EXPECT_FALSE(issueToken(ts, spec, now_ms_ / 1000, &issued));
    return tokens_.emplace(key, issued.token).first->second;
  }

  HttpResponse raw(const std::string& method, const std::string& target, const std::string& bearer,
                   const std::string& body = {},
                   const std::string& content_type = "application/json") {
    HttpRequest req;
    req.method = method;
    req.target = target;
    if (!bearer.empty()) req.headers.emplace_back("Authorization", "Bearer " + bearer);
    if (!body.empty()) req.headers.emplace_back("Content-Type", content_type);
    req.body = body;
    return resolve(handler_(req));
  }

  // A deferred response (POST /v1/messages) waited for, as the HTTP server would.
  static HttpResponse resolve(HttpResponse r) {
    if (!r.deferred) return r;
    std::promise<HttpResponse> answer;
    auto later = answer.get_future();
    r.deferred([&answer](HttpResponse done) { answer.set_value(std::move(done)); });
    return later.get();
  }

  struct Reply {
    int status = 0;
    nlohmann::json json;  // null when the body is not JSON
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string header(const std::string& name) const {
      for (const auto& [k, v] : headers) {
        if (k == name) return v;
      }
      return {};
    }
  };

  Reply call(const std::string& method, const std::string& target, const std::string& bearer,
             const nlohmann::json& body = nullptr) {
    return toReply(raw(method, target, bearer, body.is_null() ? std::string() : body.dump()));
  }

  Reply callAs(const std::string& tenant, Role role, const std::string& method,
               const std::string& target, const nlohmann::json& body = nullptr) {
    return call(method, target, token(tenant, role), body);
  }

  static Reply toReply(HttpResponse r) {
    Reply out;
    out.status = r.status;
    out.body = r.body;
    out.headers = r.headers;
    out.json = nlohmann::json::parse(r.body, nullptr, false);
    if (out.json.is_discarded()) out.json = nullptr;
    return out;
  }

  store::SqliteStore& store() { return *store_; }
  std::mutex& mutex() { return mu_; }
  const RouteTable& table() const { return *table_; }
  const HttpHandler& handler() const { return handler_; }
  RestApi& api() { return *api_; }
  sync::SyncService& syncService() { return *sync_; }
  void advanceMs(std::int64_t ms) { now_ms_ += ms; }
  std::int64_t nowMs() const { return now_ms_; }
  std::int64_t nowS() const { return now_ms_ / 1000; }
  const liaison::testing::TempDir& dir() const { return dir_; }

 private:
  liaison::testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
  std::mutex mu_;
  std::int64_t now_ms_ = kStartMs;
  std::unique_ptr<RestApi> api_;
  std::unique_ptr<sync::SyncService> sync_;
  std::shared_ptr<const RouteTable> table_;
  HttpHandler handler_;
  std::map<std::string, std::string> tokens_;
};

// A notice and a small poll for segment `segment_id`, sendable at any hour.
inline nlohmann::json noticeJson(const std::string& name, std::int64_t segment_id) {
  nlohmann::json c = nlohmann::json::parse(R"({
    "fallback_language": "en",
    "notice": {"body": {"translations": [
      {"language": "en", "text": "Consular day on Saturday 10:00."},
      {"language": "tr", "text": "Cumartesi konsolosluk günü 10:00."}]}},
    "schedule": {
      "window": {"start": {"hour": 0, "minute": 0}, "end": {"hour": 23, "minute": 59}},
      "validity": "86400s"}})");
  c["name"] = name;
  c["segment_id"] = std::to_string(segment_id);
  return c;
}

inline nlohmann::json pollJson(const std::string& name, std::int64_t segment_id) {
  nlohmann::json c = nlohmann::json::parse(R"({
    "fallback_language": "en",
    "poll": {
      "questions": [
        {"id": "q1", "prompt": {"translations": [{"language": "en", "text": "Do you vote?"}]},
         "yes_no": {}},
        {"id": "q2", "prompt": {"translations": [{"language": "en", "text": "How many?"}]},
         "number": {"min": 0, "max": 20, "integer_only": true}}],
      "closing": {"translations": [{"language": "en", "text": "Thanks."}]},
      "session_expiry": "86400s"},
    "schedule": {
      "window": {"start": {"hour": 0, "minute": 0}, "end": {"hour": 23, "minute": 59}},
      "validity": "86400s"},
    "resend_policy": "NEVER"})");
  c["name"] = name;
  c["segment_id"] = segment_id;  // a number is accepted too
  return c;
}

}  // namespace liaison::gateway::api::testing
