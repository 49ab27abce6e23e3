// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "temp_dir.h"

namespace liaison::gateway::store {
namespace {

using liaison::testing::TempDir;

TEST(SqliteStore, CreatesAMigratedWalDatabase) {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("g.db"));
  EXPECT_EQ(store->schemaVersion(), SqliteStore::latestSchemaVersion());
  EXPECT_TRUE(store->writable());
  EXPECT_TRUE(std::filesystem::exists(dir.file("g.db-wal")));
}

TEST(SqliteStore, ReopeningKeepsDataAndVersion) {
  TempDir dir;
  SqliteStore::open(dir.file("g.db")).reset();
  auto again = SqliteStore::open(dir.file("g.db"));
  EXPECT_EQ(again->schemaVersion(), SqliteStore::latestSchemaVersion());
}

TEST(SqliteStore, RefusesADatabaseFromANewerVersion) {
  TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("new.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=999", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  try {
    SqliteStore::open(dir.file("new.db"));
    FAIL() << "expected a refusal";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this build"), std::string::npos);
  }
}

TEST(SqliteStore, MissingDirectoryIsAClearError) {
  TempDir dir;
  try {
    SqliteStore::open(dir.file("no/such/dir/g.db"));
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open store"), std::string::npos);
  }
}

TEST(SqliteStore, NotADatabaseIsAClearError) {
  TempDir dir;
  {
    FILE* f = std::fopen(dir.file("junk.db").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::string junk(8192, 'J');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  EXPECT_THROW(SqliteStore::open(dir.file("junk.db")), std::runtime_error);
}

}  // namespace
}  // namespace liaison::gateway::store
