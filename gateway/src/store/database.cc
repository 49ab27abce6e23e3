// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Database, Statement, Transaction and Savepoint over the SQLite C API.
#include "store/database.h"

#include <sqlite3.h>

namespace liaison::gateway::store {

namespace {

class StoreCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "liaison.store"; }
  std::string message(int ev) const override {
    switch (static_cast<StoreErrc>(ev)) {
      case StoreErrc::Busy: return "database is busy";
      case StoreErrc::Constraint: return "constraint failed";
      case StoreErrc::Full: return "database or disk is full";
      case StoreErrc::IoError: return "disk I/O error";
      case StoreErrc::Corrupt: return "database file is damaged";
      case StoreErrc::ReadOnly: return "database is read-only";
      case StoreErrc::Interrupted: return "operation interrupted";
      case StoreErrc::TooBig: return "value too large";
      case StoreErrc::Misuse: return "store misuse (bug)";
      case StoreErrc::Other: return "database error";
      case StoreErrc::NotFound: return "not found";
      case StoreErrc::InvalidArgument: return "invalid argument";
    }
    return "unknown store error";
  }
};

}  // namespace

const std::error_category& storeCategory() {
  static const StoreCategory category;
  return category;
}

std::error_code make_error_code(StoreErrc e) { return {static_cast<int>(e), storeCategory()}; }

std::error_code sqliteError(int rc) {
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return {};
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return StoreErrc::Busy;
    case SQLITE_CONSTRAINT: return StoreErrc::Constraint;
    case SQLITE_FULL: return StoreErrc::Full;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN: return StoreErrc::IoError;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return StoreErrc::Corrupt;
    case SQLITE_READONLY: return StoreErrc::ReadOnly;
    case SQLITE_INTERRUPT: return StoreErrc::Interrupted;
    case SQLITE_TOOBIG: return StoreErrc::TooBig;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_ERROR: return StoreErrc::Misuse;
    default: return StoreErrc::Other;
  }
}

// ---- Statement ----

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
void Statement::bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
void Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::bindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
}
void Statement::bindNull(int index) { sqlite3_bind_null(stmt_, index); }
void Statement::bindOptional(int index, std::string_view text) {
  if (text.empty()) {
    bindNull(index);
  } else {
    bind(index, text);
  }
}
void Statement::bind(int index, const SqlValue& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          bindNull(index);
        } else if constexpr (std::is_same_v<T, std::string>) {
          bind(index, std::string_view(v));
        } else {
          bind(index, v);
        }
      },
      value);
}

std::error_code Statement::step(bool* row) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    *row = true;
    return {};
  }
  *row = false;
  if (rc == SQLITE_DONE) return {};
  sqlite3_reset(stmt_);
  return sqliteError(rc);
}

std::error_code Statement::run() {
  bool row = true;
  while (row) {
    if (auto ec = step(&row)) return ec;
  }
  return {};
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }
std::string_view Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (p == nullptr) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string_view Statement::blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  if (p == nullptr) return {};
  return {static_cast<const char*>(p),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

// ---- Database ----

std::unique_ptr<Database> Database::open(const std::string& path, Mode mode, std::error_code* ec) {
  sqlite3* raw = nullptr;
  const int flags =
      mode == Mode::ReadWrite ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
  auto db = std::make_unique<Database>(raw);  // closes `raw` even when opening failed
  if (rc != SQLITE_OK) {
    *ec = sqliteError(rc);
    return nullptr;
  }
  sqlite3_busy_timeout(raw, 5000);
  if (mode == Mode::ReadWrite) {
    // See sqlite_store.h for where synchronous=FULL is needed and why it stays on.
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
      if ((*ec = db->exec(pragma))) return nullptr;
    }
  } else {
    if ((*ec = db->exec("PRAGMA query_only=ON"))) return nullptr;
  }
  *ec = {};
  return db;
}

Database::Database(sqlite3* db) : db_(db) {}

Database::~Database() {
  cache_.clear();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

std::error_code Database::exec(std::string_view sql) {
  return sqliteError(sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, nullptr));
}

std::unique_ptr<Statement> Database::prepare(std::string_view sql, std::error_code* ec) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK || stmt == nullptr) {
    sqlite3_finalize(stmt);
    *ec = rc != SQLITE_OK ? sqliteError(rc) : make_error_code(StoreErrc::Misuse);
    return nullptr;
  }
  *ec = {};
  return std::unique_ptr<Statement>(new Statement(stmt));
}

CachedStatement Database::cached(std::string_view sql, std::error_code* ec) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    auto stmt = prepare(sql, ec);
    if (!stmt) return CachedStatement();
    // A fixed set of SQL texts never reaches the bound; past it, statements are one-off.
    if (cache_.size() >= kMaxCached) return CachedStatement(std::move(stmt));
    it = cache_.emplace(std::string(sql), std::move(stmt)).first;
  }
  *ec = {};
  return CachedStatement(it->second.get());
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }
std::int64_t Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
bool Database::inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
void Database::interrupt() { sqlite3_interrupt(db_); }

// ---- Transaction and Savepoint ----

Transaction::~Transaction() { rollback(); }

namespace {

// Transaction control runs on every batch and every nested store call: cached statements
// spare SQLite re-parsing the same few words each time.
std::error_code control(Database& db, std::string_view sql) {
  std::error_code ec;
  CachedStatement s = db.cached(sql, &ec);
  if (ec) return ec;
  return s->run();
}

}  // namespace

std::error_code Transaction::begin() {
  // Inside an enclosing transaction this is a savepoint, so a store call that commits on its
  // own (setStatus, markDelivered) also composes into a caller's larger unit of work.
  nested_ = db_.inTransaction();
  auto ec = control(db_, nested_ ? "SAVEPOINT nested_txn" : "BEGIN IMMEDIATE");
  active_ = !ec;
  return ec;
}

std::error_code Transaction::commit() {
  if (!active_) return StoreErrc::Misuse;
  auto ec = control(db_, nested_ ? "RELEASE SAVEPOINT nested_txn" : "COMMIT");
  if (ec) {
    rollback();
    return ec;
  }
  active_ = false;
  return {};
}

void Transaction::rollback() {
  if (!active_) return;
  active_ = false;
  // A failed statement may already have rolled back; ROLLBACK then reports an error we ignore.
  if (!db_.inTransaction()) return;
  if (nested_) {
    control(db_, "ROLLBACK TO SAVEPOINT nested_txn");
    control(db_, "RELEASE SAVEPOINT nested_txn");
  } else {
    control(db_, "ROLLBACK");
  }
}

Savepoint::~Savepoint() { rollback(); }

std::error_code Savepoint::begin() {
  auto ec = db_.exec("SAVEPOINT " + name_);
  active_ = !ec;
  return ec;
}

std::error_code Savepoint::release() {
  if (!active_) return StoreErrc::Misuse;
  auto ec = db_.exec("RELEASE SAVEPOINT " + name_);
  if (!ec) active_ = false;
  return ec;
}

void Savepoint::rollback() {
  if (!active_) return;
  active_ = false;
  db_.exec("ROLLBACK TO SAVEPOINT " + name_);
  db_.exec("RELEASE SAVEPOINT " + name_);
}

}  // namespace liaison::gateway::store
