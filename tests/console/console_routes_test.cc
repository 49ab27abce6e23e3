// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The console's routes (gateway/console/console.h) through the real dispatcher: every
// embedded file is served with its type, the security headers and a working ETag; nothing
// outside the embedded set is; and every file index.html names, and every module main.js
// imports, is in the set (so a file missing from the CMake list fails here, not in a browser).
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <set>
#include <string>

#include "api/router.h"
#include "console/console.h"

namespace liaison::gateway::console {
namespace {

class ConsoleRoutesTest : public ::testing::Test {
 protected:
  ConsoleRoutesTest() {
    auto table = std::make_shared<api::RouteTable>();
    table->add(routes());
    dispatch_ = api::makeDispatcher(table, nullptr, [] { return std::int64_t{0}; });
  }

  api::HttpResponse get(const std::string& target, const std::string& method = "GET",
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    api::HttpRequest req;
    req.method = method;
    req.target = target;
    req.headers = std::move(headers);
    return dispatch_(req);
  }

  static std::string header(const api::HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  api::HttpHandler dispatch_;
};

TEST_F(ConsoleRoutesTest, IndexIsServedAtConsoleWithStrictHeaders) {
  const api::HttpResponse r = get("/console");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<script type=\"module\" src=\"/console/main.js\">"), std::string::npos);
  const std::string csp = header(r, "Content-Security-Policy");
  EXPECT_EQ(csp, kContentSecurityPolicy);
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  EXPECT_FALSE(header(r, "ETag").empty());
  EXPECT_EQ(get("/console/index.html").body, r.body);
}

TEST_F(ConsoleRoutesTest, EachFileHasItsContentType) {
  EXPECT_EQ(get("/console/app.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(get("/console/main.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/console/icon.svg").content_type, "image/svg+xml");
}

TEST_F(ConsoleRoutesTest, NothingOutsideTheEmbeddedSet) {
  for (const char* target :
       {"/console/nope.js", "/console/..%2Fconsole.cc", "/console/%2e%2e",
        "/console/CMakeLists.txt", "/console/main.js%00", "/console/MAIN.JS"}) {
    const api::HttpResponse r = get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_FALSE(header(r, "Content-Security-Policy").empty()) << target;
  }
  EXPECT_EQ(get("/console/main.js/x").status, 404);
  EXPECT_EQ(get("/console", "POST").status, 405);
}

TEST_F(ConsoleRoutesTest, ETagRevalidationAnswers304AndHeadHasNoBody) {
  const api::HttpResponse first = get("/console/app.css");
  const std::string etag = header(first, "ETag");
  ASSERT_FALSE(etag.empty());
  const api::HttpResponse again = get("/console/app.css", "GET", {{"if-none-match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(get("/console/app.css", "GET", {{"If-None-Match", "\"other\", W/" + etag}}).status,
            304);
  EXPECT_EQ(get("/console/app.css", "GET", {{"If-None-Match", "\"other\""}}).status, 200);
  const api::HttpResponse head = get("/console/app.css", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

// The route table has no empty segments, so /console/ is answered in front of the router.
TEST_F(ConsoleRoutesTest, TrailingSlashRedirectsToTheApp) {
  EXPECT_EQ(get("/console/").status, 404);  // the router alone
  const api::HttpHandler wrapped = withTrailingSlashRedirect(dispatch_);
  auto call = [&](const std::string& method, const std::string& target) {
    api::HttpRequest req;
    req.method = method;
    req.target = target;
    return wrapped(req);
  };
  const api::HttpResponse r = call("GET", "/console/");
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(header(r, "Location"), "/console");
  EXPECT_EQ(header(r, "Content-Security-Policy"), kContentSecurityPolicy);
  EXPECT_EQ(header(call("HEAD", "/console/?lang=fr"), "Location"), "/console?lang=fr");
  // Everything else goes to the router as before.
  EXPECT_EQ(call("GET", "/console").status, 200);
  EXPECT_EQ(call("GET", "/console/app.css").status, 200);
  EXPECT_EQ(call("POST", "/console/").status, 404);
  EXPECT_EQ(call("GET", "/console//").status, 404);
  EXPECT_EQ(call("GET", "/consoles/").status, 404);
}

// Every /console/<file> named by index.html and every './x.js' imported by a module is served.
TEST_F(ConsoleRoutesTest, EveryReferencedFileIsEmbedded) {
  std::set<std::string> seen;
  std::vector<std::string> todo = {"index.html"};
  const std::regex html_ref(R"re((?:src|href)="/console/([A-Za-z0-9_.-]+)")re");
  const std::regex js_import(R"re(from '\./([A-Za-z0-9_.-]+)')re");
  while (!todo.empty()) {
    const std::string name = todo.back();
    todo.pop_back();
    if (!seen.insert(name).second) continue;
    const api::HttpResponse r = get("/console/" + name);
    ASSERT_EQ(r.status, 200) << name << " is referenced but not embedded";
    const std::regex& re = name.ends_with(".html") ? html_ref : js_import;
    for (std::sregex_iterator it(r.body.begin(), r.body.end(), re), end; it != end; ++it) {
      todo.push_back((*it)[1]);
    }
  }
  EXPECT_GE(seen.size(), 12u);
}

}  // namespace
}  // namespace liaison::gateway::console
