// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A thin wrapper over one SQLite connection: RAII statements, a bounded prepared-statement
// cache, transactions and savepoints, and SQLite result codes mapped to std::error_code
// (StoreErrc). The SQL the store writes through it stays portable (ON CONFLICT DO UPDATE,
// RETURNING, positional parameters) so a PostgreSQL backend can implement the same store
// interfaces (contact_store.h, segment_store.h). Error codes never carry values: a phone
// number or name can never reach an error string through this layer.
//
// Thread-safety: a Database and its statements belong to one thread at a time (the writer's
// strand, or one reader). Open another Database for concurrent reads; WAL gives it a snapshot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <variant>

struct sqlite3;
struct sqlite3_stmt;

namespace liaison::gateway::store {

// Store failures a caller can branch on. Values never change once shipped.
enum class StoreErrc {
  Busy = 1,              // another writer holds the lock past the busy timeout (retryable)
  Constraint = 2,        // a UNIQUE, CHECK, NOT NULL or FOREIGN KEY constraint failed
  Full = 3,              // disk or database full
  IoError = 4,           // the OS reported an I/O error
  Corrupt = 5,           // the file is damaged or not a database
  ReadOnly = 6,          // the database or connection is read-only
  Interrupted = 7,       // the operation was interrupted
  TooBig = 8,            // a string or blob exceeded SQLite's limits
  Misuse = 9,            // API misuse: a bug in the caller (prepared SQL invalid, ...)
  Other = 10,            // any other SQLite failure
  NotFound = 11,         // the addressed row does not exist
  InvalidArgument = 12,  // rejected before reaching the database
};

const std::error_category& storeCategory();
std::error_code make_error_code(StoreErrc e);
// Maps an SQLite result code (primary or extended) to StoreErrc; SQLITE_OK maps to {}.
std::error_code sqliteError(int rc);

}  // namespace liaison::gateway::store

template <>
struct std::is_error_code_enum<liaison::gateway::store::StoreErrc> : std::true_type {};

namespace liaison::gateway::store {

// A value bound to a statement parameter.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

class Statement {
 public:
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based. Text is copied (SQLITE_TRANSIENT), so the argument may die.
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }
  void bindNull(int index);
  void bind(int index, const SqlValue& value);
  // Binds raw bytes (a serialised protobuf): embedded NULs survive.
  void bindBlob(int index, std::string_view bytes);
  // Binds `text`, or NULL when it is empty.
  void bindOptional(int index, std::string_view text);

  // Runs one step. Returns {} with *row = true when a row is ready, {} with *row = false when
  // done, or the error (the statement is then reset).
  std::error_code step(bool* row);
  // Steps to completion, ignoring rows.
  std::error_code run();

  bool isNull(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  // Valid until the next step, reset or column access of another type on this column.
  std::string_view text(int column) const;
  std::string_view blob(int column) const;

  // Resets the statement and clears its bindings.
  void reset();

 private:
  friend class Database;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_;
};

// A cached statement on loan: resets (and clears bindings) when it goes out of scope. When the
// cache is full it owns a one-off statement instead, so a loan never dangles.
class CachedStatement {
 public:
  CachedStatement() = default;
  explicit CachedStatement(Statement* s) : s_(s) {}
  explicit CachedStatement(std::unique_ptr<Statement> owned)
      : s_(owned.get()), owned_(std::move(owned)) {}
  ~CachedStatement() {
    if (s_ && !owned_) s_->reset();
  }
  CachedStatement(CachedStatement&& o) noexcept : s_(o.s_), owned_(std::move(o.owned_)) {
    o.s_ = nullptr;
  }
  CachedStatement& operator=(CachedStatement&&) = delete;
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;

  Statement* operator->() const { return s_; }
  Statement& operator*() const { return *s_; }
  explicit operator bool() const { return s_ != nullptr; }

 private:
  Statement* s_ = nullptr;
  std::unique_ptr<Statement> owned_;
};

class Database {
 public:
  enum class Mode { ReadWrite, ReadOnly };

  // Opens an existing or new database file. ReadWrite sets WAL, synchronous=FULL, foreign keys
  // and a busy timeout; ReadOnly opens a reader for an existing WAL database. Returns null and
  // sets *ec on failure.
  static std::unique_ptr<Database> open(const std::string& path, Mode mode, std::error_code* ec);
  // Adopts an open connection; closes it on destruction.
  explicit Database(sqlite3* db);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Executes one or more statements without parameters (DDL, BEGIN, PRAGMA).
  std::error_code exec(std::string_view sql);

  // A statement from the cache, prepared on first use. The cache is bounded (kMaxCached); use it
  // for SQL drawn from a fixed set, and prepare() for SQL that varies without bound.
  CachedStatement cached(std::string_view sql, std::error_code* ec);
  std::unique_ptr<Statement> prepare(std::string_view sql, std::error_code* ec);

  std::int64_t changes() const;
  std::int64_t lastInsertRowId() const;
  bool inTransaction() const;
  // Asks a running statement on this connection to stop (thread-safe).
  void interrupt();
  sqlite3* handle() const { return db_; }

  static constexpr std::size_t kMaxCached = 64;

 private:
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back on destruction unless committed. IMMEDIATE takes the
// write lock up front so a transaction never fails half-way with SQLITE_BUSY on upgrade.
// Begun while the connection is already inside a transaction, it is a savepoint instead: its
// commit releases into the enclosing transaction, its rollback undoes only its own writes, and
// nothing is durable until the outermost commit.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  std::error_code begin();
  std::error_code commit();
  void rollback();
  bool active() const { return active_; }

 private:
  Database& db_;
  bool active_ = false;
  bool nested_ = false;
};

// SAVEPOINT name ... RELEASE, rolled back to and released on destruction unless released.
class Savepoint {
 public:
  Savepoint(Database& db, std::string name) : db_(db), name_(std::move(name)) {}
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  std::error_code begin();
  std::error_code release();
  void rollback();

 private:
  Database& db_;
  std::string name_;
  bool active_ = false;
};

}  // namespace liaison::gateway::store
