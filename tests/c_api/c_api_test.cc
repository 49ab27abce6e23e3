// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The C API through the shipped liaison_mobile_core shared library (STYLE R3).
#include "liaison/liaison.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstring>
#include <fstream>

#include "temp_dir.h"

namespace {

using liaison::testing::TempDir;

struct StoreCloser {
  void operator()(liaison_store* s) const { liaison_store_close(s); }
};
using StorePtr = std::unique_ptr<liaison_store, StoreCloser>;

TEST(CApiStore, OpenCreatesAndMigrates) {
  TempDir dir;
  liaison_error err{};
  StorePtr store(liaison_store_open(dir.file("m.db").c_str(), &err));
  ASSERT_NE(store, nullptr) << err.message;
  EXPECT_GE(liaison_store_schema_version(store.get()), 1);
}

TEST(CApiStore, ReopenKeepsSchemaVersion) {
  TempDir dir;
  int32_t first;
  {
    StorePtr s(liaison_store_open(dir.file("m.db").c_str(), nullptr));
    ASSERT_NE(s, nullptr);
    first = liaison_store_schema_version(s.get());
  }
  StorePtr s(liaison_store_open(dir.file("m.db").c_str(), nullptr));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(liaison_store_schema_version(s.get()), first);
}

TEST(CApiStore, CorruptFileIsReportedAsCorrupt) {
  TempDir dir;
  std::ofstream(dir.file("bad.db"), std::ios::binary) << std::string(4096, '\x7f');
  liaison_error err{};
  StorePtr s(liaison_store_open(dir.file("bad.db").c_str(), &err));
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(err.domain, LIAISON_DOMAIN_STORAGE);
  EXPECT_EQ(err.code, LIAISON_ERROR_CORRUPT) << liaison_error_code_name(err.code);
}

TEST(CApiStore, NewerSchemaIsUnsupported) {
  TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("future.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version=1000", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  liaison_error err{};
  StorePtr s(liaison_store_open(dir.file("future.db").c_str(), &err));
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(err.code, LIAISON_ERROR_UNSUPPORTED);
}

TEST(CApiErrors, EveryCodeHasAName) {
  for (int32_t code = LIAISON_OK; code <= LIAISON_ERROR_INTERNAL; ++code) {
    EXPECT_STRNE(liaison_error_code_name(code), "LIAISON_ERROR_UNKNOWN") << code;
  }
  EXPECT_STREQ(liaison_error_code_name(12345), "LIAISON_ERROR_UNKNOWN");
}

}  // namespace
