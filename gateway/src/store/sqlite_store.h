// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The gateway's embedded store: one SQLite file in WAL mode with a migration history kept in
// `PRAGMA user_version`. Later work puts contacts, campaigns and the outbox here behind one
// interface so a PostgreSQL backend can follow (DESIGN.md, "Growing past one machine").
#pragma once

#include <memory>
#include <string>

struct sqlite3;

namespace liaison::gateway::store {

class SqliteStore {
 public:
  // Opens or creates the database at `path` and brings its schema up to date. Throws
  // std::runtime_error naming the path and SQLite's reason: this is a start-up failure.
  static std::unique_ptr<SqliteStore> open(const std::string& path);
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Number of migrations applied (PRAGMA user_version).
  int schemaVersion() const;
  // Latest schema version this build knows.
  static int latestSchemaVersion();
  // True when a write transaction can be taken now (for /readyz). Thread-safe.
  bool writable() const;

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  void migrate();

  sqlite3* db_;
};

}  // namespace liaison::gateway::store
