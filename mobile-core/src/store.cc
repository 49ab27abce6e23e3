// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Store implementation: open, pragmas, migrations.
#include "store.h"

#include <sqlite3.h>

namespace liaison::mobile {

namespace {

sync::Status sqliteStatus(sqlite3* db, int rc, const std::string& what) {
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return sync::Status::Corruption(msg);
    case SQLITE_FULL: return sync::Status::ResourceExhausted(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return sync::Status::Unavailable(msg);
    default: return sync::Status::IoError(msg);
  }
}

sync::Status exec(sqlite3* db, const std::string& sql, const std::string& what) {
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? sync::Status::OK() : sqliteStatus(db, rc, what);
}

}  // namespace

sync::Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  if (path.empty()) return sync::Status::InvalidArgument("store path is empty");
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    sync::Status st = sqliteStatus(db, rc, "cannot open the store");
    sqlite3_close(db);
    return st;
  }
  std::unique_ptr<Store> store(new Store(db));
  sqlite3_busy_timeout(db, 2000);
  if (auto st = exec(db, "PRAGMA journal_mode=WAL", "cannot enable WAL"); !st.ok()) return st;
  if (auto st = exec(db, "PRAGMA synchronous=FULL", "cannot set synchronous"); !st.ok()) {
    return st;
  }
  if (auto st = store->migrate(); !st.ok()) return st;
  return store;
}

Store::~Store() { sqlite3_close_v2(db_); }

int Store::schemaVersion() const {
  sqlite3_stmt* stmt = nullptr;
  int version = -1;
  if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    version = sqlite3_column_int(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return version;
}

sync::Status Store::migrate() {
  const int current = schemaVersion();
  if (current < 0) return sync::Status::Corruption("cannot read the schema version");
  if (current > kMigrationCount) {
    return sync::Status::Unsupported("the store was written by a newer version of the app");
  }
  for (int v = current; v < kMigrationCount; ++v) {
    if (auto st = exec(db_, "BEGIN IMMEDIATE", "cannot start a migration"); !st.ok()) return st;
    sync::Status st =
        exec(db_, kMigrations[v].sql, std::string("migration ") + kMigrations[v].name);
    if (st.ok()) {
      st = exec(db_, "PRAGMA user_version=" + std::to_string(v + 1), "cannot record the version");
    }
    if (st.ok()) st = exec(db_, "COMMIT", "cannot commit a migration");
    if (!st.ok()) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return st;
    }
  }
  return sync::Status::OK();
}

}  // namespace liaison::mobile
