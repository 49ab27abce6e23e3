// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The route table, its matcher and the dispatcher in front of every handler (router.h).
#include "api/router.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "api/rest_api.h"
#include "store/sqlite_store.h"
#include "util/log.h"
#include "version.h"

namespace liaison::gateway::api {

namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  for (;;) {
    const std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool isParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; nullopt for a malformed escape. `plus_is_space` for query strings.
std::optional<std::string> percentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = hexValue(in[i + 1]);
      const int lo = hexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

bool validMethod(std::string_view m) {
  return m == "GET" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE";
}

// "application/json; charset=utf-8" -> "application/json", lower case.
std::string mediaType(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  std::size_t start = 0;
  while (start < out.size() && (out[start] == ' ' || out[start] == '\t')) ++start;
  out.erase(0, start);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::int64_t systemClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

HttpResponse jsonResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

// ---- RequestContext

std::string_view RequestContext::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

std::optional<std::string> RequestContext::query(std::string_view name) const {
  std::string_view target = http.target;
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const std::size_t eq = pair.find('=');
    const auto key = percentDecode(pair.substr(0, eq), true);
    if (key && *key == name) {
      if (eq == std::string_view::npos) return std::string();
      auto value = percentDecode(pair.substr(eq + 1), true);
      return value ? std::move(*value) : std::string();
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::vector<std::string> RequestContext::queryNames() const {
  std::vector<std::string> out;
  std::string_view target = http.target;
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (!pair.empty()) {
      auto key = percentDecode(pair.substr(0, pair.find('=')), true);
      out.push_back(key ? std::move(*key) : std::string("?"));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

// ---- RouteTable

void RouteTable::add(Route route) {
  if (!validMethod(route.method)) throw std::invalid_argument("route: bad method " + route.method);
  const auto segments = splitPath(route.pattern);
  if (segments.empty()) throw std::invalid_argument("route: bad pattern " + route.pattern);
  for (std::string_view s : segments) {
    if (s.empty()) throw std::invalid_argument("route: empty segment in " + route.pattern);
    const bool braces =
        s.find('{') != std::string_view::npos || s.find('}') != std::string_view::npos;
    if (braces && !isParam(s))
      throw std::invalid_argument("route: bad parameter in " + route.pattern);
  }
  if (!route.handler) throw std::invalid_argument("route: no handler for " + route.pattern);
  if (route.access == RouteAccess::Token && route.roles.empty()) {
    throw std::invalid_argument("route: no roles for " + route.pattern);
  }
  for (const Route& r : routes_) {
    if (r.method != route.method) continue;
    const auto other = splitPath(r.pattern);
    if (other.size() != segments.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      same = (isParam(other[i]) && isParam(segments[i])) || other[i] == segments[i];
    }
    if (same) {
      throw std::invalid_argument("route: " + route.method + " " + route.pattern +
                                  " collides with " + r.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

void RouteTable::add(std::vector<Route> routes) {
  for (Route& r : routes) add(std::move(r));
}

RouteTable::Match RouteTable::match(std::string_view method, std::string_view path) const {
  Match best;
  const auto parts = splitPath(path);
  if (parts.empty()) return best;
  const std::string_view want = method == "HEAD" ? std::string_view("GET") : method;
  // Among the patterns that match the path, the one with the most literal segments wins
  // (first of equals); methods are collected over the winning shape only.
  int best_literals = -1;
  std::vector<std::string> methods;
  std::string best_shape;
  for (const Route& r : routes_) {
    const auto pat = splitPath(r.pattern);
    if (pat.size() != parts.size()) continue;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < pat.size() && ok; ++i) {
      if (isParam(pat[i])) {
        ok = !parts[i].empty();
      } else {
        ok = pat[i] == parts[i];
        ++literals;
      }
    }
    if (!ok) continue;
    // The shape: the pattern with parameter names blanked, so equal shapes group together.
    std::string shape;
    for (std::string_view s : pat) {
      shape += '/';
      shape += isParam(s) ? std::string_view("{}") : s;
    }
    if (literals > best_literals) {
      best_literals = literals;
      best_shape = shape;
      methods.clear();
      best = Match{};
    } else if (literals < best_literals || shape != best_shape) {
      continue;
    }
    methods.push_back(r.method);
    if (best.kind != MatchKind::Found && r.method == want) {
      best.kind = MatchKind::Found;
      best.route = &r;
      best.params.clear();
      for (std::size_t i = 0; i < pat.size(); ++i) {
        if (!isParam(pat[i])) continue;
        auto value = percentDecode(parts[i], false);
        if (!value) return Match{};  // a malformed escape names nothing
        best.params.emplace_back(std::string(pat[i].substr(1, pat[i].size() - 2)),
                                 std::move(*value));
      }
    }
  }
  if (best_literals < 0) return Match{};
  if (best.kind == MatchKind::Found) return best;
  best.kind = MatchKind::WrongMethod;
  if (std::find(methods.begin(), methods.end(), "GET") != methods.end()) methods.push_back("HEAD");
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  for (const std::string& m : methods) {
    if (!best.allow.empty()) best.allow += ", ";
    best.allow += m;
  }
  return best;
}

// ---- Dispatcher

HttpResponse errorResponse(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return jsonResponse(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpHandler makeDispatcher(std::shared_ptr<const RouteTable> table, Authenticator* auth,
                           std::function<std::int64_t()> clock_ms) {
  if (!clock_ms) clock_ms = systemClockMs;
  return [table = std::move(table), auth,
          clock = std::move(clock_ms)](const HttpRequest& req) -> HttpResponse {
    RouteTable::Match m = table->match(req.method, req.path());
    if (m.kind == RouteTable::MatchKind::NotFound) {
      return errorResponse(404, "not_found", "no such route");
    }
    if (m.kind == RouteTable::MatchKind::WrongMethod) {
      HttpResponse r = errorResponse(405, "method_not_allowed", "method not allowed here");
      r.headers.emplace_back("Allow", m.allow);
      return r;
    }
    const Route& route = *m.route;
    RequestContext ctx{req, std::move(m.params), nullptr, clock()};
    AuthResult who;
    if (route.access == RouteAccess::Token) {
      if (auth == nullptr) return errorResponse(401, "unauthorized", "authentication required");
      who = auth->authenticate(req.header("Authorization"), ctx.now_ms);
      if (who.error == AuthErrc::RateLimited) {
        HttpResponse r = errorResponse(429, "rate_limited", "too many requests for this token");
        r.headers.emplace_back("Retry-After", std::to_string(who.retry_after_s));
        return r;
      }
      if (who.error && who.error.category() == authCategory()) {
        HttpResponse r = errorResponse(401, "unauthorized", who.error.message());
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
      }
      if (who.error) {
        log::error("api.auth_store_failed", {{"reason", who.error.message()}});
        HttpResponse r = errorResponse(503, "unavailable", "the token store cannot be read now");
        r.headers.emplace_back("Retry-After", "1");
        return r;
      }
      if (!route.roles.contains(who.principal.role)) {
        return errorResponse(403, "forbidden", "this token's role may not use this route");
      }
      ctx.principal = &who.principal;
      // A misspelt filter must not silently widen a list.
      for (const std::string& name : ctx.queryNames()) {
        const bool known = std::any_of(route.query.begin(), route.query.end(),
                                       [&](const QueryParam& q) { return q.name == name; });
        if (!known) return errorResponse(400, "bad_request", "unknown query parameter");
      }
    }
    if (route.access != RouteAccess::Custom && !req.body.empty() &&
        (route.request == BodyKind::Json || route.request == BodyKind::Csv)) {
      const std::string type = mediaType(req.header("Content-Type"));
      const bool ok = route.request == BodyKind::Json
                          ? type == "application/json"
                          : (type == "text/csv" || type == "application/csv");
      if (!ok) {
        return errorResponse(
            415, "unsupported_media_type",
            route.request == BodyKind::Json ? "send application/json" : "send text/csv");
      }
    }
    HttpResponse res = route.handler(ctx);
    if (req.method == "HEAD") res.body.clear();
    return res;
  };
}

std::vector<Route> publicRoutes(const store::SqliteStore& store,
                                std::function<bool()> channels_ready) {
  std::vector<Route> routes;
  Route healthz;
  healthz.method = "GET";
  healthz.pattern = "/healthz";
  healthz.access = RouteAccess::Public;
  healthz.summary = "Liveness: the process answers";
  healthz.tag = "health";
  healthz.response_schema = "Status";
  healthz.handler = [](const RequestContext&) {
    return jsonResponse(200, R"({"status":"alive"})");
  };
  routes.push_back(std::move(healthz));

  Route readyz;
  readyz.method = "GET";
  readyz.pattern = "/readyz";
  readyz.access = RouteAccess::Public;
  readyz.summary = "Readiness: the store is writable and a channel is bound";
  readyz.tag = "health";
  readyz.response_schema = "Status";
  readyz.description =
      "503 with status not_ready when the store cannot take a write now, or when channels are "
      "configured and none of them is bound (connected and logged in).";
  readyz.handler = [&store, channels_ready = std::move(channels_ready)](const RequestContext&) {
    const bool writable = store.writable();
    // "none_configured": a gateway without channels (sync and API only) is ready.
    const char* channels = !channels_ready    ? "none_configured"
                           : channels_ready() ? "bound"
                                              : "none_bound";
    const bool ready = writable && std::string_view(channels) != "none_bound";
    nlohmann::json body{{"status", ready ? "ready" : "not_ready"},
                        {"store", writable ? "writable" : "not_writable"},
                        {"channels", channels}};
    return jsonResponse(ready ? 200 : 503, body.dump());
  };
  routes.push_back(std::move(readyz));

  Route version;
  version.method = "GET";
  version.pattern = "/v1/version";
  version.access = RouteAccess::Public;
  version.summary = "The gateway's version";
  version.tag = "health";
  version.response_schema = "Version";
  version.handler = [](const RequestContext&) {
    return jsonResponse(200, nlohmann::json{{"version", versionString()}}.dump());
  };
  routes.push_back(std::move(version));
  return routes;
}

std::shared_ptr<const RouteTable> buildRouteTable(const store::SqliteStore& store,
                                                  const RouterOptions& options) {
  auto table = std::make_shared<RouteTable>();
  table->add(publicRoutes(store, options.channels_ready));
  if (options.api != nullptr) table->add(options.api->routes());
  // The document describes the finished table, itself included: it is rendered once the
  // table is complete and handed to the handler through this shared slot.
  auto document = std::make_shared<std::string>();
  Route openapi;
  openapi.method = "GET";
  openapi.pattern = "/v1/openapi.json";
  openapi.access = RouteAccess::Public;
  openapi.summary = "This API's OpenAPI 3.0 document";
  openapi.tag = "health";
  openapi.response_schema = "";
  openapi.handler = [document](const RequestContext&) { return jsonResponse(200, *document); };
  table->add(std::move(openapi));
  table->add(options.extra_routes);
  *document = openApiDocument(table->routes());
  return table;
}

HttpHandler makeRouter(const store::SqliteStore& store, RouterOptions options) {
  auto table = buildRouteTable(store, options);
  Authenticator* auth = options.api != nullptr ? &options.api->authenticator() : nullptr;
  return makeDispatcher(std::move(table), auth, std::move(options.clock_ms));
}

HttpHandler makeRouter(const store::SqliteStore& store) { return makeRouter(store, {}); }

}  // namespace liaison::gateway::api
