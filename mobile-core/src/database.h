// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The mobile core's thin layer over one SQLite connection: RAII statements, a prepared
// statement cache, and BEGIN IMMEDIATE transactions, with SQLite result codes mapped to
// sync::Status (the core's error currency, docs/adr/0002). Messages name the operation and
// SQLite's error text, which never contains bound values, so no personal data reaches them.
//
// Thread-safety: a Database and its statements belong to one thread at a time; Store
// serialises access with its mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "liaison/sync/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace liaison::mobile {

// Maps an SQLite result code to a Status: CORRUPT/NOTADB -> Corruption, FULL and a failed
// write (IOERR_WRITE: no space, quota, file size limit) -> ResourceExhausted, BUSY/LOCKED ->
// Unavailable, CONSTRAINT -> Conflict, anything else IoError.
sync::Status sqliteStatus(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based; text and blobs are copied.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bindBlob(int index, std::string_view bytes);
  Statement& bindNull(int index);

  // One step: true with a row ready, false when done; errors are returned as a Status.
  sync::Result<bool> step();
  // Steps to completion, ignoring rows.
  sync::Status run();

  bool isNull(int column) const;
  int64_t int64(int column) const;
  // Valid until the next step or reset.
  std::string_view text(int column) const;
  std::string_view blob(int column) const;

  void reset();

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string what)
      : db_(db), stmt_(stmt), what_(std::move(what)) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string what_;  // fixed text naming the statement's purpose, for errors
};

// A statement from the cache; reset and unbound when the loan ends.
class StatementLoan {
 public:
  explicit StatementLoan(Statement* s) : s_(s) {}
  ~StatementLoan() {
    if (s_) s_->reset();
  }
  StatementLoan(StatementLoan&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  StatementLoan(const StatementLoan&) = delete;
  StatementLoan& operator=(const StatementLoan&) = delete;
  StatementLoan& operator=(StatementLoan&&) = delete;
  Statement* operator->() const { return s_; }
  Statement& operator*() const { return *s_; }

 private:
  Statement* s_;
};

class Database {
 public:
  // Opens (creating if needed) the file with WAL, synchronous=FULL, foreign keys on, temporary
  // tables in memory and a busy timeout. Errors: IoError, Corruption (not a database).
  static sync::Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs SQL without parameters (DDL, PRAGMA, several statements).
  sync::Status exec(std::string_view sql, std::string_view what);
  // The cached statement for `sql` (a fixed string: the cache is never evicted, so callers
  // pass only SQL from a fixed set). The statement is prepared on first use.
  sync::Result<StatementLoan> cached(std::string_view sql);

  int64_t changes() const;
  bool inTransaction() const;
  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back on destruction unless committed. IMMEDIATE takes the
// write lock up front, so a transaction never fails half-way on a lock upgrade. Not nestable:
// the Store opens exactly one per public write.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  sync::Status begin();
  sync::Status commit();
  Database& db() { return db_; }

 private:
  Database& db_;
  bool active_ = false;
};

}  // namespace liaison::mobile
