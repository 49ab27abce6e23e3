// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// docs/openapi.json against the route table: every route documented with its method, every
// documented operation routed, the roles and parameters as the table has them, and the file
// byte-for-byte what openApiDocument() generates from the table (so schemas cannot drift
// either). The document is generated rather than hand-written because the route table is the
// single source of truth; the checked-in copy is for readers and client generators. To update
// it after changing routes:
//
//   LIAISON_UPDATE_OPENAPI=1 liaison_gateway_tests --gtest_filter='OpenApi*'
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "api_test_support.h"

namespace liaison::gateway::api {
namespace {

using nlohmann::json;

std::string docPath() { return std::string(LIAISON_INTEROP_DIR) + "/../../docs/openapi.json"; }

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

class OpenApiTest : public ::testing::Test {
 protected:
  OpenApiTest() {
    generated_ = openApiDocument(api_.table().routes());
    if (const char* update = std::getenv("LIAISON_UPDATE_OPENAPI"); update && *update == '1') {
      std::ofstream(docPath(), std::ios::binary) << generated_;
    }
    file_ = readFile(docPath());
    doc_ = json::parse(file_, nullptr, false);
  }

  testing::ApiHarness api_;
  std::string generated_;
  std::string file_;
  json doc_;
};

TEST_F(OpenApiTest, CheckedInDocumentIsWhatTheRouteTableGenerates) {
  ASSERT_FALSE(file_.empty()) << docPath() << " is missing";
  ASSERT_FALSE(doc_.is_discarded()) << docPath() << " is not JSON";
  EXPECT_TRUE(file_ == generated_)
      << "docs/openapi.json is stale: regenerate it with LIAISON_UPDATE_OPENAPI=1 (see the "
         "header of this test)";
}

TEST_F(OpenApiTest, EveryRouteIsDocumentedAndEveryDocumentedOperationIsRouted) {
  ASSERT_TRUE(doc_.is_object());
  std::set<std::pair<std::string, std::string>> routed;
  for (const Route& r : api_.table().routes()) routed.emplace(lower(r.method), r.pattern);
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc_["paths"].items()) {
    for (const auto& [method, op] : item.items()) documented.emplace(method, path);
  }
  for (const auto& [method, path] : routed) {
    EXPECT_TRUE(documented.contains({method, path})) << method << " " << path << " undocumented";
  }
  for (const auto& [method, path] : documented) {
    EXPECT_TRUE(routed.contains({method, path})) << method << " " << path << " not routed";
  }
  EXPECT_EQ(routed.size(), documented.size());
}

TEST_F(OpenApiTest, OperationsCarryTheTablesRolesParametersAndSecurity) {
  ASSERT_TRUE(doc_.is_object());
  EXPECT_EQ(doc_["openapi"].get<std::string>().rfind("3.0", 0), 0u);
  std::set<std::string> operation_ids;
  for (const Route& r : api_.table().routes()) {
    const json& op = doc_["paths"][r.pattern][lower(r.method)];
    ASSERT_TRUE(op.is_object()) << r.method << " " << r.pattern;
    EXPECT_EQ(op["summary"], r.summary);
    EXPECT_TRUE(operation_ids.insert(op["operationId"].get<std::string>()).second)
        << "duplicate operationId " << op["operationId"];
    EXPECT_TRUE(op["responses"].contains(std::to_string(r.success_status))) << r.pattern;
    if (r.access == RouteAccess::Token) {
      EXPECT_EQ(op["security"], json::parse(R"([{"bearer": []}])")) << r.pattern;
      json roles = json::array();
      for (Role role : r.roles.list()) roles.push_back(roleName(role));
      EXPECT_EQ(op["x-liaison-roles"], roles) << r.pattern;
      for (const char* status : {"401", "403", "429"}) {
        EXPECT_TRUE(op["responses"].contains(status)) << r.pattern << " " << status;
      }
    } else {
      EXPECT_EQ(op["security"], json::array()) << r.pattern;
    }
    // Path parameters: exactly the pattern's {names}, all required.
    std::set<std::string> in_pattern, in_doc;
    for (std::size_t open = r.pattern.find('{'); open != std::string::npos;
         open = r.pattern.find('{', open + 1)) {
      in_pattern.insert(r.pattern.substr(open + 1, r.pattern.find('}', open) - open - 1));
    }
    std::set<std::string> query_doc;
    for (const json& p : op.value("parameters", json::array())) {
      if (p["in"] == "path") {
        in_doc.insert(p["name"].get<std::string>());
        EXPECT_TRUE(p["required"].get<bool>());
      } else {
        query_doc.insert(p["name"].get<std::string>());
      }
    }
    EXPECT_EQ(in_pattern, in_doc) << r.pattern;
    std::set<std::string> query_table;
    for (const QueryParam& q : r.query) query_table.insert(q.name);
    EXPECT_EQ(query_table, query_doc) << r.pattern;
    EXPECT_EQ(op.contains("requestBody"), r.request != BodyKind::None) << r.pattern;
  }
}

TEST_F(OpenApiTest, EveryReferenceResolves) {
  ASSERT_TRUE(doc_.is_object());
  std::vector<std::string> refs;
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (k == "$ref" && v.is_string()) refs.push_back(v.get<std::string>());
        walk(v);
      }
    } else if (j.is_array()) {
      for (const json& v : j) walk(v);
    }
  };
  walk(doc_);
  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
    const json::json_pointer pointer(ref.substr(1));
    EXPECT_TRUE(doc_.contains(pointer)) << ref << " does not resolve";
  }
}

TEST_F(OpenApiTest, TheDaemonServesTheDocumentOfItsTable) {
  HttpRequest req;
  req.method = "GET";
  req.target = "/v1/openapi.json";
  HttpResponse res = api_.handler()(req);
  ASSERT_EQ(res.status, 200);  // public: no token
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_TRUE(res.body == generated_);
}

}  // namespace
}  // namespace liaison::gateway::api
