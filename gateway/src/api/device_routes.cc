// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Field device routes (device_routes.h). Handler shape as in rest_api.cc: path ids are checked
// against the caller's tenant first (404), then the body is read and validated (400 / 422),
// then DeviceAuth acts under the store mutex. Nothing here logs or returns a code after its
// creation, a key, or anything a member typed.
#include "api/device_routes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "api/auth.h"
#include "outreach/contact_import.h"  // formatIsoTime
#include "store/database.h"
#include "sync/device_auth.h"
#include "sync/sync_service.h"
#include "util/log.h"

namespace liaison::gateway::api {

namespace {

using nlohmann::json;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr int kMaxJsonDepth = 16;
constexpr std::size_t kMaxIdBytes = 64;       // device ids and teams (batch_codec's charset)
constexpr std::size_t kMaxScopeBytes = 128;   // protocol section 8
constexpr std::size_t kMaxExtraScopes = 63;   // + the team scope = BatchLimits::max_cursors
constexpr std::int64_t kMinLifetimeS = 60;    // a code must survive being read out and typed
constexpr std::size_t kMaxCursorChars = 256;  // base64url of "<ms>/<device id>"

const RoleSet kStaff = {Role::Admin, Role::Officer};
const RoleSet kReaders = {Role::Admin, Role::Officer, Role::Auditor};

HttpResponse jsonReply(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse invalid(std::string_view message) {
  return errorResponse(422, "invalid_enrolment_request", message);
}

HttpResponse notFound() { return errorResponse(404, "not_found", "no such device"); }

// A store failure as the client sees it; ours are logged by code only.
HttpResponse storeFailure(std::error_code ec, std::string_view op) {
  if (ec == store::StoreErrc::NotFound) return notFound();
  if (ec == store::StoreErrc::Busy) {
    HttpResponse r = errorResponse(503, "unavailable", "the store is busy; retry");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  log::error("api.store_failed", {{"op", op},
                                  {"category", ec.category().name()},
                                  {"code", std::to_string(ec.value())},
                                  {"reason", ec.message()}});
  return errorResponse(500, "internal", "internal error");
}

bool isIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':';
}

bool validId(std::string_view s) {
  return !s.empty() && s.size() <= kMaxIdBytes && std::all_of(s.begin(), s.end(), isIdChar);
}

bool validScope(std::string_view s) {
  return !s.empty() && s.size() <= kMaxScopeBytes && std::all_of(s.begin(), s.end(), [](char c) {
    return isIdChar(c) || c == '/' || c == '=';
  });
}

std::optional<std::int64_t> parseInt(std::string_view s) {
  std::int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end) return std::nullopt;
  return v;
}

json timeJson(std::int64_t ms) { return outreach::formatIsoTime(ms / 1000); }
json timeOrNull(const std::optional<std::int64_t>& ms) {
  return ms ? timeJson(*ms) : json(nullptr);
}

json deviceJson(const sync::DeviceRecord& d) {
  return {{"device_id", d.device_id},
          {"team", d.team},
          {"scopes", d.scopes},
          {"enrolled_at", timeJson(d.enrolled_ms)},
          {"last_seen_at", timeOrNull(d.last_seen_ms)},
          {"revoked", d.revoked_ms.has_value()},
          {"revoked_at", timeOrNull(d.revoked_ms)},
          {"high_water_mark", d.hwm},
          // null until the device reports it (apps that predate it never do): unknown, not 0
          {"outbox_depth", d.outbox_depth ? json(*d.outbox_depth) : json(nullptr)},
          {"outbox_depth_at", timeOrNull(d.outbox_depth_ms)}};
}

// The request body as a JSON object, or the error response in *err.
std::optional<json> jsonBody(const HttpRequest& req, HttpResponse* err) {
  if (req.body.empty()) {
    *err = errorResponse(400, "bad_request", "a JSON object body is required");
    return std::nullopt;
  }
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : req.body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if ((c == '[' || c == '{') && ++depth > kMaxJsonDepth) {
      *err = errorResponse(400, "bad_request", "JSON nested too deeply");
      return std::nullopt;
    }
    if (c == ']' || c == '}') --depth;
  }
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded()) {
    *err = errorResponse(400, "invalid_json", "the body is not valid JSON");
    return std::nullopt;
  }
  if (!j.is_object()) {
    *err = errorResponse(400, "bad_request", "the body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

// "lifetime": whole seconds as a number or as "<n>s" (the API's duration form).
std::optional<std::int64_t> lifetimeSeconds(const json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.get_ref<const std::string&>();
  if (s.size() < 2 || s.back() != 's') return std::nullopt;
  return parseInt(s.substr(0, s.size() - 1));
}

// Cursors are opaque to clients: base64url of "<enrolled_ms>/<device id>".
std::string encodeCursor(const sync::DeviceRecord& last) {
  const std::string key = std::to_string(last.enrolled_ms) + "/" + last.device_id;
  return base64UrlEncode(std::span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
}

bool decodeCursor(std::string_view text, std::int64_t* after_ms, std::string* after_id) {
  if (text.size() > kMaxCursorChars) return false;
  std::string key;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '-') v = 62;
    if (c == '_') v = 63;
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      key += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  const std::size_t slash = key.find('/');
  if (slash == std::string::npos) return false;
  auto ms = parseInt(std::string_view(key).substr(0, slash));
  *after_id = key.substr(slash + 1);
  if (!ms || !validId(*after_id)) return false;
  *after_ms = *ms;
  return true;
}

class DeviceHandlers {
 public:
  explicit DeviceHandlers(sync::SyncService& service) : service_(service) {}

  HttpResponse createCode(const RequestContext& ctx) {
    HttpResponse err;
    auto body = jsonBody(ctx.http, &err);
    if (!body) return err;
    for (const auto& [key, value] : body->items()) {
      if (key != "team" && key != "scopes" && key != "lifetime") {
        return invalid("unknown field in the request: team, scopes and lifetime are allowed");
      }
    }
    sync::EnrolmentGrant grant;
    grant.tenant_id = ctx.principal->tenant_id;
    const auto team = body->find("team");
    if (team == body->end() || !team->is_string() ||
        !validId(team->get_ref<const std::string&>())) {
      return invalid("team: required, 1 to 64 characters of A-Z a-z 0-9 . _ : -");
    }
    grant.team = team->get<std::string>();
    if (const auto scopes = body->find("scopes"); scopes != body->end() && !scopes->is_null()) {
      if (!scopes->is_array() || scopes->size() > kMaxExtraScopes) {
        return invalid("scopes: an array of at most 63 scopes");
      }
      for (const json& s : *scopes) {
        if (!s.is_string() || !validScope(s.get_ref<const std::string&>())) {
          return invalid("scopes: each 1 to 128 characters of A-Z a-z 0-9 . _ : - / =");
        }
        grant.scopes.push_back(s.get<std::string>());
      }
    }
    const sync::DeviceAuthOptions& limits = service_.auth().options();
    const std::int64_t max_s = limits.max_code_ttl_ms / 1000;
    std::int64_t lifetime_ms = limits.default_code_ttl_ms;
    if (const auto lifetime = body->find("lifetime");
        lifetime != body->end() && !lifetime->is_null()) {
      auto s = lifetimeSeconds(*lifetime);
      if (!s || *s < kMinLifetimeS || *s > max_s) {
        return invalid("lifetime: whole seconds (3600 or \"3600s\") from 60 to " +
                       std::to_string(max_s));
      }
      lifetime_ms = *s * 1000;
    }
    grant.ttl_ms = lifetime_ms;
    // The officer, as a token listing shows it: never a member's data.
    grant.created_by = "lia_" + ctx.principal->token_id;
    std::string code;
    if (auto ec = service_.auth().createEnrolmentCode(grant, ctx.now_ms, &code)) {
      if (ec == sync::DeviceAuthErrc::InvalidGrant) return invalid("the grant is not valid");
      return storeFailure(ec, "enrolment_code_create");
    }
    std::set<std::string> scopes(grant.scopes.begin(), grant.scopes.end());
    scopes.insert(sync::teamScope(grant.team));
    log::info("api.enrolment_code_created",
              {{"by", grant.created_by}, {"lifetime_s", std::to_string(lifetime_ms / 1000)}});
    HttpResponse r = jsonReply(201, {{"code", code},
                                     {"team", grant.team},
                                     {"scopes", scopes},
                                     {"created_at", timeJson(ctx.now_ms)},
                                     {"expires_at", timeJson(ctx.now_ms + lifetime_ms)}});
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }

  HttpResponse list(const RequestContext& ctx) {
    int limit = kDefaultPageSize;
    if (auto l = ctx.query("limit")) {
      auto v = parseInt(*l);
      if (!v || *v < 1 || *v > kMaxPageSize) {
        return errorResponse(400, "bad_request",
                             "limit must be an integer from 1 to " + std::to_string(kMaxPageSize));
      }
      limit = static_cast<int>(*v);
    }
    std::int64_t after_ms = std::numeric_limits<std::int64_t>::min();
    std::string after_id;
    if (auto c = ctx.query("cursor"); c && !c->empty()) {
      if (!decodeCursor(*c, &after_ms, &after_id)) {
        return errorResponse(400, "bad_request", "malformed cursor");
      }
    }
    std::string team;
    if (auto t = ctx.query("team")) {
      if (!validId(*t)) {
        return errorResponse(400, "bad_request",
                             "team must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
      }
      team = std::move(*t);
    }
    std::vector<sync::DeviceRecord> rows;
    if (auto ec = service_.auth().listDevices(ctx.principal->tenant_id, team, after_ms, after_id,
                                              limit + 1, &rows)) {
      return storeFailure(ec, "devices_list");
    }
    json items = json::array();
    json next = nullptr;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (static_cast<int>(i) == limit) {
        next = encodeCursor(rows[i - 1]);
        break;
      }
      items.push_back(deviceJson(rows[i]));
    }
    return jsonReply(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
  }

  HttpResponse get(const RequestContext& ctx) {
    sync::DeviceRecord d;
    if (auto ec =
            service_.auth().findDevice(ctx.principal->tenant_id, ctx.param("device_id"), &d)) {
      return storeFailure(ec, "device_get");
    }
    return jsonReply(200, deviceJson(d));
  }

  HttpResponse revoke(const RequestContext& ctx) {
    sync::DeviceRecord d;
    bool changed = false;
    if (auto ec = service_.auth().revoke(ctx.principal->tenant_id, ctx.param("device_id"),
                                         ctx.now_ms, &d, &changed)) {
      return storeFailure(ec, "device_revoke");
    }
    if (changed) {
      log::info("api.device_revoked",
                {{"device", d.device_id}, {"by", "lia_" + ctx.principal->token_id}});
    }
    return jsonReply(200, deviceJson(d));
  }

 private:
  sync::SyncService& service_;
};

Route route(std::string method, std::string pattern, RouteAccess access, RoleSet roles,
            std::string summary, RouteHandler handler) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.access = access;
  r.roles = roles;
  r.summary = std::move(summary);
  r.handler = std::move(handler);
  r.tag = "devices";
  return r;
}

}  // namespace

std::vector<Route> deviceRoutes(sync::SyncService& service) {
  auto handlers = std::make_shared<DeviceHandlers>(service);
  auto h = [handlers](HttpResponse (DeviceHandlers::*fn)(const RequestContext&)) -> RouteHandler {
    return [handlers, fn](const RequestContext& ctx) { return ((*handlers).*fn)(ctx); };
  };
  std::vector<Route> out;
  {
    Route r =
        route("POST", "/v1/devices/enrolment-codes", RouteAccess::Token, kStaff,
              "Create a one-time enrolment code for a field team", h(&DeviceHandlers::createCode));
    r.request = BodyKind::Json;
    r.success_status = 201;
    r.description =
        "Body: team (required), scopes (sync scopes the device may read; team:<team> is always "
        "added), lifetime (seconds or \"3600s\"; 72 hours by default, at most 30 days). The code "
        "is in the response once and never again (only its hash is kept); the device redeems "
        "it at POST /v1/sync/enrol.";
    out.push_back(std::move(r));
  }
  {
    Route r = route("GET", "/v1/devices", RouteAccess::Token, kReaders,
                    "List the tenant's field devices", h(&DeviceHandlers::list));
    r.query = {{"team", "Only devices of this team."},
               {"limit", "Page size (1 to 500, 50 by default).", "integer"},
               {"cursor", "Opaque cursor from the previous page's next_cursor.", "string"}};
    r.description =
        "In enrolment order: team, scopes, enrolled_at, last_seen_at, revoked, revoked_at, "
        "high_water_mark (every operation of the device up to it is durably applied), "
        "outbox_depth (operations the device still had to send at its last sync, at most "
        "1000000; null when the device never reported it) and outbox_depth_at (when it "
        "reported it).";
    out.push_back(std::move(r));
  }
  {
    Route r = route("GET", "/v1/devices/{device_id}", RouteAccess::Token, kReaders,
                    "Get a field device", h(&DeviceHandlers::get));
    out.push_back(std::move(r));
  }
  {
    Route r = route("POST", "/v1/devices/{device_id}/revoke", RouteAccess::Token, kStaff,
                    "Revoke a field device", h(&DeviceHandlers::revoke));
    r.description =
        "Takes effect at the device's next request (403 DEVICE_REVOKED); what it synced before "
        "stays. Revoking again changes nothing. Answers the device.";
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Route> syncEndpointRoutes(sync::SyncService& service) {
  std::vector<Route> out;
  {
    Route r = route(
        "POST", std::string(sync::kSyncPath), RouteAccess::Custom, {},
        "Field device sync: push operations, pull scope records",
        [&service](const RequestContext& ctx) { return service.handleSync(ctx.http, ctx.now_ms); });
    r.tag = "sync";
    r.request = BodyKind::Binary;
    r.response = BodyKind::Binary;
    r.description =
        "A liaison.sync.v1.SyncRequest (application/x-protobuf, optionally zstd) signed by an "
        "enrolled device; answers a SyncResponse. See docs/sync-protocol.md.";
    out.push_back(std::move(r));
  }
  {
    Route r = route("POST", std::string(sync::kEnrolPath), RouteAccess::Custom, {},
                    "Field device enrolment: redeem a one-time code for a device id",
                    [&service](const RequestContext& ctx) {
                      return service.handleEnrol(ctx.http, ctx.now_ms);
                    });
    r.tag = "sync";
    r.request = BodyKind::Json;
    r.success_status = 201;
    r.description =
        "Body: code, public_key (base64 Ed25519), proof (the key's signature of the code). See "
        "docs/sync-protocol.md section 14.";
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace liaison::gateway::api
