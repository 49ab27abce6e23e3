// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The web console (issue 8, docs/console.md): plain HTML, CSS and JavaScript modules embedded
// into the binary at build time and served by the daemon itself, so it needs no internet and
// no other server. It is a client of the REST API like any other: it signs in with an API
// token (kept in the browser's sessionStorage, sent as Bearer) and the API enforces roles.
//
// Routes (all RouteAccess::Public, GET and HEAD, nothing outside the embedded set):
//   /console              the application (index.html)
//   /console/{file}       one embedded file by name ("app.css", "main.js", ...); else 404
//   /console/             308 to /console (withTrailingSlashRedirect: the route table has no
//                         empty segments, so this is answered in front of the router)
// Every answer carries a strict Content-Security-Policy (scripts, styles, images and fetches
// from this origin only; no inline code, no framing, no plugins), nosniff, no-referrer, and
// Cache-Control "no-cache" with a strong ETag (If-None-Match answers 304), so a browser
// revalidates and never runs assets older than the binary.
#pragma once

#include <string_view>
#include <vector>

#include "api/router.h"

namespace liaison::gateway::console {

// The Content-Security-Policy sent with every console answer.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

// The console's routes, to mount with the API's (RouterOptions::extra_routes). Thread-safe:
// the handlers read immutable data only.
std::vector<api::Route> routes();

// `next`, except that GET or HEAD /console/ (with or without a query) is answered with a
// 308 redirect to /console, the query kept. Wrap the daemon's router with it.
api::HttpHandler withTrailingSlashRedirect(api::HttpHandler next);

}  // namespace liaison::gateway::console
