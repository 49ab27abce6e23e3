// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Database, Statement and Transaction over the SQLite C API.
#include "database.h"

#include <sqlite3.h>

#include <utility>

namespace liaison::mobile {

sync::Status sqliteStatus(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // A write the file system refused (a full disk, a quota, a file size limit) is storage
  // full, whichever code SQLite chose: SQLITE_FULL for ENOSPC, SQLITE_IOERR_WRITE for the rest
  // (EFBIG, EDQUOT; its errno is not reliably kept, so every failed write counts).
  const int ext = db ? sqlite3_extended_errcode(db) : rc;
  if ((rc & 0xff) == SQLITE_FULL || rc == SQLITE_IOERR_WRITE || ext == SQLITE_IOERR_WRITE) {
    return sync::Status::ResourceExhausted(
        msg + " (the device storage is full or refuses writes: free some space)");
  }
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return sync::Status::Corruption(msg);
    case SQLITE_FULL: return sync::Status::ResourceExhausted(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return sync::Status::Unavailable(msg);
    case SQLITE_CONSTRAINT: return sync::Status::Conflict(msg);
    case SQLITE_MISUSE:
    case SQLITE_RANGE: return sync::Status::Internal(msg);
    default: return sync::Status::IoError(msg);
  }
}

// ---- Statement ----

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Statement& Statement::bindBlob(int index, std::string_view bytes) {
  // A zero-length blob must still be a blob, not NULL: pass a valid pointer.
  sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                      SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

sync::Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sync::Status st = sqliteStatus(db_, rc, what_);
  sqlite3_reset(stmt_);
  return st;
}

sync::Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row.ok()) return row.status();
    if (!*row) return sync::Status::OK();
  }
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
std::string_view Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string_view(p, sqlite3_column_bytes(stmt_, column)) : std::string_view();
}
std::string_view Statement::blob(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return p ? std::string_view(p, sqlite3_column_bytes(stmt_, column)) : std::string_view();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

// ---- Database ----

sync::Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  if (rc != SQLITE_OK) {
    sync::Status st = sqliteStatus(raw, rc, "cannot open the store");
    sqlite3_close(raw);
    return st;
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_busy_timeout(raw, 2000);
  // The first statement reads page 1: a file that is not a database fails here (Corruption).
  if (auto st = db->exec("PRAGMA journal_mode=WAL", "cannot enable WAL"); !st.ok()) return st;
  if (auto st = db->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                         "PRAGMA temp_store=MEMORY",
                         "cannot configure the store");
      !st.ok()) {
    return st;
  }
  return db;
}

Database::~Database() {
  cache_.clear();  // finalize every statement before closing
  sqlite3_close_v2(db_);
}

sync::Status Database::exec(std::string_view sql, std::string_view what) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? sync::Status::OK() : sqliteStatus(db_, rc, what);
}

sync::Result<StatementLoan> Database::cached(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqliteStatus(db_, rc, "cannot prepare a statement");
    it =
        cache_
            .emplace(key,
                     std::unique_ptr<Statement>(new Statement(db_, stmt, "store statement failed")))
            .first;
  }
  return StatementLoan(it->second.get());
}

int64_t Database::changes() const { return sqlite3_changes64(db_); }
bool Database::inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- Transaction ----

Transaction::~Transaction() {
  if (active_) db_.exec("ROLLBACK", "rollback").ok();
}

sync::Status Transaction::begin() {
  auto st = db_.exec("BEGIN IMMEDIATE", "cannot start a transaction");
  active_ = st.ok();
  return st;
}

sync::Status Transaction::commit() {
  auto st = db_.exec("COMMIT", "cannot commit");
  if (st.ok()) {
    active_ = false;
  } else if (!db_.inTransaction()) {
    active_ = false;  // SQLite already rolled back (e.g. disk full during commit)
  }
  return st;
}

}  // namespace liaison::mobile
