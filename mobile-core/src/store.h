// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The mobile core's single entry point to SQLite (STYLE R14): WAL mode, one writer
// connection, migrations from mobile-core/sql/*.sql tracked in PRAGMA user_version.
#pragma once

#include <memory>
#include <string>

#include "liaison/sync/status.h"

struct sqlite3;

namespace liaison::mobile {

class Store {
 public:
  // Opens or creates the database and migrates it. Errors: IoError (cannot open or write),
  // Corruption (not a database), Unsupported (schema newer than this build).
  static sync::Result<std::unique_ptr<Store>> open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schemaVersion() const;

 private:
  explicit Store(sqlite3* db) : db_(db) {}
  sync::Status migrate();

  sqlite3* db_;
};

// The migrations compiled into this build, oldest first (generated from sql/*.sql).
struct Migration {
  const char* name;
  const char* sql;
};
extern const Migration kMigrations[];
extern const int kMigrationCount;

}  // namespace liaison::mobile
