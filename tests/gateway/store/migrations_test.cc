// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The schema history: shipped migrations are pinned, and a database made by an earlier
// version (here: schema 1, rebuilt from its frozen text) upgrades with its data intact.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::store {
namespace {

using liaison::testing::TempDir;

// Schema 1 as shipped. If this test fails, a shipped migration was edited: append instead.
constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
)sql";

int queryInt(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  int v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    v = sqlite3_column_int(s, 0);
  }
  sqlite3_finalize(s);
  return v;
}

TEST(Migrations, ShippedMigrationsAreUnchanged) {
  EXPECT_EQ(SqliteStore::migrationForTest(1), kSchema1);
  EXPECT_GE(SqliteStore::latestSchemaVersion(), 2);
  EXPECT_TRUE(SqliteStore::migrationForTest(0).empty());
}

TEST(Migrations, UpgradesASchema1DatabaseKeepingItsData) {
  TempDir dir;
  const std::string path = dir.file("v1.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, std::string(kSchema1).c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO meta(key, value) VALUES ('marker', 'kept');"
                           "PRAGMA user_version=1;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = SqliteStore::open(path);
  EXPECT_EQ(store->schemaVersion(), SqliteStore::latestSchemaVersion());
  sqlite3* db = store->database().handle();
  EXPECT_EQ(queryInt(db, "SELECT count(*) FROM meta WHERE key = 'marker' AND value = 'kept'"), 1);
  for (const char* table :
       {"contacts", "contact_groups", "contact_fields", "consents", "segments"}) {
    const std::string sql =
        std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") +
        table + "'";
    EXPECT_EQ(queryInt(db, sql.c_str()), 1) << table;
  }
}

TEST(Migrations, FreshAndUpgradedSchemasAreIdentical) {
  TempDir dir;
  auto fresh = SqliteStore::open(dir.file("fresh.db"));
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("old.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, std::string(kSchema1).c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=1", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto upgraded = SqliteStore::open(dir.file("old.db"));
  auto schema = [](sqlite3* db) {
    std::string out;
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name", -1,
                       &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW) {
      out += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      out += '\n';
    }
    sqlite3_finalize(s);
    return out;
  };
  EXPECT_EQ(schema(fresh->database().handle()), schema(upgraded->database().handle()));
}

TEST(Database, CachedStatementsAreResetAndErrorsAreCodes) {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("g.db"));
  Database& db = store->database();
  std::error_code ec;
  {
    auto s = db.cached("SELECT ?1 + 1", &ec);
    ASSERT_FALSE(ec);
    s->bind(1, std::int64_t{41});
    bool row = false;
    ASSERT_FALSE(s->step(&row));
    ASSERT_TRUE(row);
    EXPECT_EQ(s->int64(0), 42);
  }
  {
    auto s = db.cached("SELECT ?1 + 1", &ec);  // same statement, reset and unbound
    bool row = false;
    ASSERT_FALSE(s->step(&row));
    EXPECT_TRUE(s->isNull(0));
  }
  auto bad = db.prepare("SELECT FROM nowhere", &ec);
  EXPECT_EQ(bad, nullptr);
  EXPECT_EQ(ec, StoreErrc::Misuse);
  ASSERT_FALSE(db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)"));
  ASSERT_FALSE(db.exec("INSERT INTO t VALUES (1)"));
  EXPECT_EQ(db.exec("INSERT INTO t VALUES (1)"), StoreErrc::Constraint);
  {
    Transaction txn(db);
    ASSERT_FALSE(txn.begin());
    ASSERT_FALSE(db.exec("INSERT INTO t VALUES (2)"));
  }  // rolled back
  auto s = db.cached("SELECT count(*) FROM t", &ec);
  bool row = false;
  ASSERT_FALSE(s->step(&row));
  EXPECT_EQ(s->int64(0), 1);
}

TEST(Database, CacheOverflowNeverDangles) {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("g.db"));
  Database& db = store->database();
  std::error_code ec;
  auto first = db.cached("SELECT 0", &ec);
  for (int i = 1; i < static_cast<int>(Database::kMaxCached) + 10; ++i) {
    auto s = db.cached("SELECT " + std::to_string(i), &ec);
    ASSERT_FALSE(ec);
    bool row = false;
    ASSERT_FALSE(s->step(&row));
    EXPECT_EQ(s->int64(0), i);
  }
  bool row = false;
  ASSERT_FALSE(first->step(&row));
  EXPECT_EQ(first->int64(0), 0);
}

}  // namespace
}  // namespace liaison::gateway::store
