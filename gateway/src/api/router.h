// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The gateway's HTTP surface as ONE route table. Every route is an entry
// {method, path pattern with {params}, access, allowed roles, handler, summary, OpenAPI hints};
// the dispatcher built from the table does, in this order:
//
//   path matches no pattern            -> 404 not_found
//   pattern matches, method does not   -> 405 method_not_allowed (with Allow)
//   access Public                      -> handler
//   access Custom                      -> handler (it authenticates the request itself:
//                                         webhook signatures, sync device signatures)
//   access Token: Authorization        -> 401 unauthorized (missing, malformed, unknown,
//                 Bearer checked          expired, revoked token), 429 rate_limited with
//                                         Retry-After, 503 when the token store is unreadable
//                 role not in the route -> 403 forbidden
//                 -> handler, with the caller's Principal (tenant + role)
//
// Literal path segments win over {params} ("/v1/contacts/export" before
// "/v1/contacts/{contact_id}"). HEAD is answered by the GET route, without a body. The same
// table generates the OpenAPI document (rest_api.h, openApiDocument), so the two cannot drift.
//
// Mounting more routes (for the daemon: /metrics, webhooks, the sync endpoint): pass them in
// RouterOptions::extra_routes with access Custom (or Public, or Token with roles); they join
// the table, get the same 404/405 handling and appear in /v1/openapi.json.
//
// Error bodies are always {"error": {"code": "...", "message": "..."}} (errorResponse) and
// never carry personal data.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/auth.h"
#include "api/http_server.h"

namespace liaison::gateway::store {
class SqliteStore;
}

namespace liaison::gateway::api {

class RestApi;

// What a handler sees besides the request.
struct RequestContext {
  const HttpRequest& http;
  // The {params} of the pattern, percent-decoded, in pattern order.
  std::vector<std::pair<std::string, std::string>> params;
  // The authenticated caller; null for Public and Custom routes.
  const Principal* principal = nullptr;
  std::int64_t now_ms = 0;  // Unix milliseconds, from the router's clock

  // The value of path parameter `name` ("" when the pattern has none).
  std::string_view param(std::string_view name) const;
  // The first value of query parameter `name`, percent-decoded ('+' is a space); nullopt when
  // absent.
  std::optional<std::string> query(std::string_view name) const;
  // Every query parameter name, in order (to reject unknown ones).
  std::vector<std::string> queryNames() const;
};

using RouteHandler = std::function<HttpResponse(const RequestContext&)>;

enum class RouteAccess {
  Token,   // Authorization: Bearer, role checked against Route::roles
  Public,  // anyone (health, version, the OpenAPI document)
  Custom,  // the handler authenticates the request itself (webhooks, sync endpoint)
};

// Body kinds, for Content-Type checks and the OpenAPI document.
enum class BodyKind { None, Json, Csv, Text, Binary, EventStream };

struct QueryParam {
  std::string name;
  std::string description;
  std::string type = "string";  // OpenAPI schema type: string, integer, boolean
};

struct Route {
  std::string method;   // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string pattern;  // "/v1/contacts/{contact_id}": literal or {name} segments
  RouteAccess access = RouteAccess::Token;
  RoleSet roles;  // Token routes: the roles allowed (never empty)
  RouteHandler handler;
  std::string summary;  // one line, for the OpenAPI document

  // OpenAPI hints. The dispatcher also rejects a request body whose Content-Type does not
  // match `request` (415) for Json and Csv routes.
  std::string tag;  // group in the document ("contacts", "campaigns", ...)
  BodyKind request = BodyKind::None;
  BodyKind response = BodyKind::Json;
  int success_status = 200;
  std::vector<QueryParam> query;
  std::string request_schema;   // a components/schemas name, "" for none or a generic object
  std::string response_schema;  // likewise
  std::string description;      // optional longer text
};

// An ordered set of routes. Not thread-safe to modify; const use is thread-safe.
class RouteTable {
 public:
  // Throws std::invalid_argument for a malformed pattern or method, a Token route without
  // roles, a route without handler, or a (method, pattern) already present (also when the
  // two patterns differ only in parameter names).
  void add(Route route);
  void add(std::vector<Route> routes);
  const std::vector<Route>& routes() const { return routes_; }

  enum class MatchKind { Found, WrongMethod, NotFound };
  struct Match {
    MatchKind kind = MatchKind::NotFound;
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;  // WrongMethod: "GET, HEAD, POST"
  };
  // Finds the route for `method` (HEAD finds GET) and `path` (no query string).
  Match match(std::string_view method, std::string_view path) const;

 private:
  std::vector<Route> routes_;
};

// {"error": {"code": code, "message": message}} with `status`. `code` is a stable lower-case
// word; `message` is a fixed English sentence without personal data.
HttpResponse errorResponse(int status, std::string_view code, std::string_view message);

// Builds the dispatcher over `table` (see the header). `auth` may be null when the table has
// no Token routes; `clock_ms` (Unix ms) is the clock handed to handlers and to `auth`.
HttpHandler makeDispatcher(std::shared_ptr<const RouteTable> table, Authenticator* auth,
                           std::function<std::int64_t()> clock_ms);

// /healthz (alive), /readyz (store writable and, when `channels_ready` is set, it says a
// channel is bound), /v1/version. `store` must outlive the routes.
std::vector<Route> publicRoutes(const store::SqliteStore& store,
                                std::function<bool()> channels_ready = {});

struct RouterOptions {
  // The REST API (rest_api.h): its routes are mounted behind its authenticator, and
  // GET /v1/openapi.json serves the document of the whole table. Null: public routes only.
  RestApi* api = nullptr;
  // More routes (webhooks, sync endpoint, /metrics), with their own access.
  std::vector<Route> extra_routes;
  // Unix milliseconds; empty: the system clock.
  std::function<std::int64_t()> clock_ms;
  // True when at least one SMS channel is bound; empty when none is configured (/readyz).
  std::function<bool()> channels_ready;
};

// The whole table: publicRoutes + the API's routes + GET /v1/openapi.json + extra routes.
// Throws std::invalid_argument when two routes collide (a start-up failure).
std::shared_ptr<const RouteTable> buildRouteTable(const store::SqliteStore& store,
                                                  const RouterOptions& options);

// The request handler for HttpServer. `store` (and options.api) must outlive it.
HttpHandler makeRouter(const store::SqliteStore& store, RouterOptions options);
// Public routes only (no REST API).
HttpHandler makeRouter(const store::SqliteStore& store);

}  // namespace liaison::gateway::api
