// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Route table for the gateway's HTTP API.
#include "api/router.h"

#include "store/sqlite_store.h"
#include "version.h"

namespace liaison::gateway::api {

namespace {

HttpResponse json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

HttpHandler makeRouter(const store::SqliteStore& store) {
  return [&store](const HttpRequest& req) -> HttpResponse {
    const std::string_view path = req.path();
    const bool get = req.method == "GET" || req.method == "HEAD";
    if (path == "/healthz" || path == "/readyz" || path == "/v1/version") {
      if (!get) {
        HttpResponse r =
            json(405, R"({"error":{"code":"method_not_allowed","message":"use GET"}})");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
      }
      if (path == "/healthz") return json(200, R"({"status":"alive"})");
      if (path == "/readyz") {
        if (store.writable()) return json(200, R"({"status":"ready","store":"writable"})");
        return json(503, R"({"status":"not_ready","store":"not_writable"})");
      }
      return json(200, std::string(R"({"version":")") + versionString() + "\"}");
    }
    return json(404, R"({"error":{"code":"not_found","message":"no such route"}})");
  };
}

}  // namespace liaison::gateway::api
