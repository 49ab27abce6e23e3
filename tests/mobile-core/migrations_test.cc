// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The schema history (STYLE R14): shipped migrations are pinned, a real store file written by
// release 0.1.0 upgrades with its data, every intermediate schema upgrades to the same schema
// as a fresh store, and a failed migration leaves the file as it was.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "crypto.h"
#include "store_fixture.h"

namespace liaison::mobile {
namespace {

using namespace liaison::mobile::testing;

// SHA-256 of each migration as shipped. If this fails, a shipped migration was edited: add a
// new migration instead. (Pin a new migration here when it ships.)
constexpr const char* kPinned[] = {
    "7273d521961e85bddaa8863509f9e3645299066d822cdcf3810a4fc9a377ca00",  // 0001_init
    "f233e654e5ca623850ad35f78f1a90edcb7d00b366fd6932f2240c12e2b89919",  // 0002_records
    "84ca08bf0b3826e45701e3fabe2c2f1748f85fea01e6e45719e4511231af34e0",  // 0003_inbox_and_cursors
    "2b12f2ee32424585274b02403b39b89a7f8d897c2008b28f972f067a993564a8",  // 0004_sync_client
};

std::string schemaOf(const std::string& path) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return out;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT type, name, sql FROM sqlite_schema ORDER BY type, name", -1, &s,
                     nullptr);
  while (sqlite3_step(s) == SQLITE_ROW) {
    for (int c = 0; c < 3; ++c) {
      const auto* t = sqlite3_column_text(s, c);
      out += t ? reinterpret_cast<const char*>(t) : "NULL";
      out += '|';
    }
    out += '\n';
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

std::string metaValue(const std::string& path, const char* key) {
  sqlite3* db = nullptr;
  std::string out;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &s, nullptr);
  sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

// A file at schema `version`, made by running the shipped migration texts directly.
void makeSchema(const std::string& path, int version) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr), SQLITE_OK);
  for (int v = 1; v <= version; ++v) {
    ASSERT_EQ(sqlite3_exec(db, std::string(Store::migrationForTest(v)).c_str(), nullptr, nullptr,
                           nullptr),
              SQLITE_OK)
        << v;
  }
  const std::string pragma = "PRAGMA user_version=" + std::to_string(version);
  ASSERT_EQ(sqlite3_exec(db, pragma.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST(MobileMigrations, ShippedMigrationsAreUnchanged) {
  ASSERT_EQ(Store::latestSchemaVersion(), static_cast<int>(std::size(kPinned)));
  for (int v = 1; v <= Store::latestSchemaVersion(); ++v) {
    EXPECT_EQ(toHex(sha256(Store::migrationForTest(v))), kPinned[v - 1]) << "migration " << v;
  }
  EXPECT_TRUE(Store::migrationForTest(0).empty());
  EXPECT_TRUE(Store::migrationForTest(Store::latestSchemaVersion() + 1).empty());
}

TEST_F(StoreTest, UpgradesTheStoreFileWrittenByRelease010) {
  // A real file from 0.1.0 (schema 1, WAL mode, no key), checked in under tests/mobile-core/data.
  std::filesystem::copy_file(std::string(LIAISON_MOBILE_TEST_DATA) + "/schema1-0.1.0.sqlite",
                             path());
  const std::string created = metaValue(path(), "created_at");
  ASSERT_EQ(created, "2026-12-02T00:26:58Z");
  auto s = openReady();  // adopts the key: 0.1.0 stores held no records
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->schemaVersion(), Store::latestSchemaVersion());
  ASSERT_TRUE(s->registerMember(sampleRegistration()).ok());
  s.reset();
  EXPECT_EQ(metaValue(path(), "created_at"), created);
  EXPECT_FALSE(metaValue(path(), "key_check").empty());
  // From now on the key is the store's: another key is refused.
  EXPECT_EQ(Store::open(path(), testKey(9), options()).status().code(),
            sync::Status::Code::PermissionDenied);
}

class MobileMigrationsFrom : public StoreTest, public ::testing::WithParamInterface<int> {};

TEST_P(MobileMigrationsFrom, UpgradeEqualsAFreshStore) {
  auto fresh = open(1, "fresh.db");
  ASSERT_NE(fresh, nullptr);
  fresh.reset();
  makeSchema(path("old.db"), GetParam());
  auto upgraded = open(1, "old.db");
  ASSERT_NE(upgraded, nullptr);
  EXPECT_EQ(upgraded->schemaVersion(), Store::latestSchemaVersion());
  upgraded.reset();
  EXPECT_EQ(schemaOf(path("old.db")), schemaOf(path("fresh.db")));
}

INSTANTIATE_TEST_SUITE_P(EverySchema, MobileMigrationsFrom,
                         ::testing::Range(1, Store::latestSchemaVersion()),
                         [](const auto& p) { return "Schema" + std::to_string(p.param); });

TEST_F(StoreTest, AFailedMigrationLeavesTheFileAsItWas) {
  makeSchema(path(), 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  // A table in the way makes migration 2 fail half-way.
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE submissions (x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const std::string before = schemaOf(path());
  auto s = Store::open(path(), testKey(1), options());
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(schemaOf(path()), before);
}

TEST_F(StoreTest, ANewerSchemaIsUnsupported) {
  makeSchema(path(), 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(Store::open(path(), testKey(1), options()).status().code(),
            sync::Status::Code::Unsupported);
}

TEST_F(StoreTest, NotADatabaseIsCorruption) {
  {
    std::ofstream out(path(), std::ios::binary);
    out << std::string(4096, '\x7f');
  }
  EXPECT_TRUE(Store::open(path(), testKey(1), options()).status().IsCorruption());
}

}  // namespace
}  // namespace liaison::mobile
