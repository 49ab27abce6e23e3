// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Serves the embedded console files (console.h). The file table is generated at build time
// (embedded.h); this file maps names to files and sets the headers. It deliberately calls
// nothing of the gateway library (which links it, so a call back would be a cycle between the
// two archives): header and parameter lookups are done here, and the 404 body is written here
// in the API's error shape.
#include "console/console.h"

#include <string>
#include <utility>

#include "console/embedded.h"

namespace liaison::gateway::console {

namespace {

std::string_view contentTypeOf(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "json") return "application/json";
  return "application/octet-stream";
}

void addSecurityHeaders(api::HttpResponse& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  r.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  r.headers.emplace_back("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view headerOf(const api::HttpRequest& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (equalsIgnoreCase(k, name)) return v;
  }
  return {};
}

std::string_view paramOf(const api::RequestContext& ctx, std::string_view name) {
  for (const auto& [k, v] : ctx.params) {
    if (k == name) return v;
  }
  return {};
}

const EmbeddedFile* find(std::string_view name) {
  for (const EmbeddedFile& f : embeddedFiles()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

// True when an If-None-Match list names `etag` (or is "*").
bool etagMatches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag || item == "*") return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

api::HttpResponse serve(const api::RequestContext& ctx, std::string_view name) {
  api::HttpResponse r;
  addSecurityHeaders(r);
  const EmbeddedFile* file = find(name);
  if (file == nullptr) {
    r.status = 404;
    r.content_type = "application/json";
    r.body = R"({"error": {"code": "not_found", "message": "no such console file"}})";
    return r;
  }
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("ETag", file->etag);
  r.content_type = std::string(contentTypeOf(file->name));
  if (etagMatches(headerOf(ctx.http, "If-None-Match"), file->etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.body.assign(reinterpret_cast<const char*>(file->data), file->size);
  return r;
}

api::Route route(std::string pattern, api::RouteHandler handler, std::string summary) {
  api::Route r;
  r.method = "GET";
  r.pattern = std::move(pattern);
  r.access = api::RouteAccess::Public;
  r.handler = std::move(handler);
  r.summary = std::move(summary);
  r.tag = "console";
  r.response = api::BodyKind::Text;
  return r;
}

}  // namespace

api::HttpHandler withTrailingSlashRedirect(api::HttpHandler next) {
  return [next = std::move(next)](const api::HttpRequest& req) -> api::HttpResponse {
    const std::string_view target = req.target;
    const std::size_t q = target.find('?');
    if (target.substr(0, q) != "/console/" || (req.method != "GET" && req.method != "HEAD")) {
      return next(req);
    }
    api::HttpResponse r;
    addSecurityHeaders(r);
    r.status = 308;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back(
        "Location", "/console" + std::string(q == std::string_view::npos ? "" : target.substr(q)));
    return r;
  };
}

std::vector<api::Route> routes() {
  std::vector<api::Route> out;
  out.push_back(route(
      "/console", [](const api::RequestContext& ctx) { return serve(ctx, "index.html"); },
      "The web console (HTML)"));
  out.push_back(route(
      "/console/{file}",
      [](const api::RequestContext& ctx) { return serve(ctx, paramOf(ctx, "file")); },
      "One of the web console's embedded files"));
  return out;
}

}  // namespace liaison::gateway::console
