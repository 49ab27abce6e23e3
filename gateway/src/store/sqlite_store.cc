// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteStore: opening, pragmas and migrations.
#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <array>
#include <stdexcept>
#include <string_view>

namespace liaison::gateway::store {

namespace {

// Migration N (1-based) brings user_version from N-1 to N. Never edit a shipped entry;
// append a new one. tests/gateway/store keeps databases made by earlier versions.
constexpr std::array<std::string_view, 1> kMigrations = {
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
)sql",
};

void exec(sqlite3* db, std::string_view sql, std::string_view what) {
  char* err = nullptr;
  if (sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = std::string(what) + ": " + (err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    throw std::runtime_error(msg);
  }
}

}  // namespace

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open store '" + path + "': " +
                      (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
                      " (check that the directory exists and is writable)";
    sqlite3_close(db);
    throw std::runtime_error(msg);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 5000);
  exec(db, "PRAGMA journal_mode=WAL", "enabling WAL on '" + path + "'");
  // FULL: a commit survives power loss; the API acknowledges only after it (promise 1).
  exec(db, "PRAGMA synchronous=FULL", "setting synchronous");
  exec(db, "PRAGMA foreign_keys=ON", "enabling foreign keys");
  store->migrate();
  return store;
}

SqliteStore::~SqliteStore() { sqlite3_close_v2(db_); }

int SqliteStore::latestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

int SqliteStore::schemaVersion() const {
  sqlite3_stmt* stmt = nullptr;
  int version = -1;
  if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    version = sqlite3_column_int(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return version;
}

void SqliteStore::migrate() {
  const int current = schemaVersion();
  if (current > latestSchemaVersion()) {
    throw std::runtime_error("store schema version " + std::to_string(current) +
                             " is newer than this build knows (" +
                             std::to_string(latestSchemaVersion()) +
                             "); upgrade liaison or use a copy of the older database");
  }
  for (int v = current; v < latestSchemaVersion(); ++v) {
    exec(db_, "BEGIN IMMEDIATE", "starting migration");
    try {
      exec(db_, kMigrations[static_cast<size_t>(v)], "migration " + std::to_string(v + 1));
      exec(db_, "PRAGMA user_version=" + std::to_string(v + 1), "recording schema version");
      exec(db_, "COMMIT", "committing migration");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
}

bool SqliteStore::writable() const {
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return false;
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return true;
}

}  // namespace liaison::gateway::store
