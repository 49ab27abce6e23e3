// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The gateway's embedded store: one SQLite file in WAL mode with a migration history kept in
// `PRAGMA user_version`. Contacts and segments live here behind backend-neutral interfaces
// (contact_store.h, segment_store.h) so a PostgreSQL backend can follow (DESIGN.md, "Growing
// past one machine").
//
// Durability: the writer connection runs with synchronous=FULL. In WAL mode that costs one
// fsync per COMMIT, not per row, so batching (the CSV import is one transaction) keeps it
// cheap. FULL is needed wherever the API acknowledges a write (promise 1): opt-out status
// changes and consent withdrawals (promise 3: a STOP must survive power loss), outbox rows
// handed to the dispatcher, received answers, and sync batches acknowledged to a phone.
// NORMAL would only be safe for re-derivable data (a re-runnable import, caches, counters);
// since all of those share the one writer connection and the cost is per commit, the
// connection stays FULL rather than switching per transaction.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/database.h"

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

  // The one writer connection. Use it from one thread at a time (the writer's strand).
  Database& database() { return *db_; }
  const std::string& path() const { return path_; }

  // The SQL of migration `version` (1-based), so tests can pin shipped migrations.
  static std::string_view migrationForTest(int version);

 private:
  SqliteStore(std::unique_ptr<Database> db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}
  void migrate();

  std::unique_ptr<Database> db_;
  std::string path_;
};

}  // namespace liaison::gateway::store
