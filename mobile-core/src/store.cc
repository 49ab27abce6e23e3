// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Store: open, key check, migrations, enrolment and the operation sequence.
#include "store.h"

#include <sodium.h>
#include <sqlite3.h>

#include <chrono>
#include <utility>

#include "liaison/sync/batch_codec.h"

namespace liaison::mobile {

namespace {

using sync::Status;

uint64_t systemMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// user_version, or -1 when it cannot be read (not a database, damaged).
sync::Result<int> userVersion(Database& db) {
  auto s = db.cached("PRAGMA user_version");
  if (!s.ok()) return s.status();
  auto row = (*s)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Corruption("cannot read the schema version");
  return static_cast<int>((*s)->int64(0));
}

sync::Result<std::optional<std::string>> metaValue(Database& db, std::string_view key) {
  auto s = db.cached("SELECT value FROM meta WHERE key = ?1");
  if (!s.ok()) return s.status();
  (*s)->bind(1, key);
  auto row = (*s)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(std::string((*s)->text(0)));
}

Status putMeta(Database& db, std::string_view key, std::string_view value) {
  auto s = db.cached("INSERT INTO meta(key, value) VALUES (?1, ?2)");
  if (!s.ok()) return s.status();
  return (*s)->bind(1, key).bind(2, value).run();
}

// Whether a table holds any row (used to refuse adopting a key for a store with data).
sync::Result<bool> hasRows(Database& db, const char* sql) {
  auto s = db.cached(sql);
  if (!s.ok()) return s.status();
  return (*s)->step();
}

bool isWellFormedId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Checks `key` against the store's key check, or adopts it for a store that has none yet
// (a new store, or one from 0.1.0, which had no records to protect).
Status checkOrAdoptKey(Database& db, std::span<const uint8_t> key,
                       std::optional<RecordCipher>* out) {
  auto salt_hex = metaValue(db, "key_salt");
  if (!salt_hex.ok()) return salt_hex.status();
  auto check_hex = metaValue(db, "key_check");
  if (!check_hex.ok()) return check_hex.status();
  if (salt_hex->has_value() != check_hex->has_value()) {
    return Status::Corruption("the store's key check is damaged");
  }
  if (salt_hex->has_value()) {
    std::string salt;
    std::string check;
    if (!fromHex(**salt_hex, &salt) || !fromHex(**check_hex, &check) ||
        salt.size() != kStoreSaltBytes || check.size() != 32) {
      return Status::Corruption("the store's key check is damaged");
    }
    auto cipher = RecordCipher::create(
        key, std::span(reinterpret_cast<const uint8_t*>(salt.data()), salt.size()));
    if (!cipher.ok()) return cipher.status();
    const std::string expected = cipher->keyCheck();
    if (sodium_memcmp(expected.data(), check.data(), check.size()) != 0) {
      return Status::PermissionDenied("the key does not open this store");
    }
    out->emplace(std::move(cipher).value());
    return Status::OK();
  }
  // No key yet. Refuse if sealed data exists: that means the key check was removed.
  auto has_records = hasRows(db, "SELECT 1 FROM sqlite_schema WHERE name = 'members'");
  if (!has_records.ok()) return has_records.status();
  if (*has_records) {
    auto any = hasRows(db,
                       "SELECT 1 FROM members UNION ALL SELECT 1 FROM submissions UNION ALL "
                       "SELECT 1 FROM forms UNION ALL SELECT 1 FROM outbox LIMIT 1");
    if (!any.ok()) return any.status();
    if (*any) return Status::Corruption("the store's key check is missing");
  }
  std::array<uint8_t, kStoreSaltBytes> salt{};
  randomBytes(salt);
  auto cipher = RecordCipher::create(key, salt);
  if (!cipher.ok()) return cipher.status();
  Transaction txn(db);
  if (auto st = txn.begin(); !st.ok()) return st;
  if (auto st = putMeta(db, "key_salt",
                        toHex(std::string_view(reinterpret_cast<char*>(salt.data()), salt.size())));
      !st.ok()) {
    return st;
  }
  if (auto st = putMeta(db, "key_check", toHex(cipher->keyCheck())); !st.ok()) return st;
  if (auto st = txn.commit(); !st.ok()) return st;
  out->emplace(std::move(cipher).value());
  return Status::OK();
}

}  // namespace

std::string rowName(std::string_view table, std::string_view key) {
  std::string out(table);
  out += '/';
  out += key;
  return out;
}

// SyncStatus from the (device_seq, sync_state, rejection_code, rejection_detail) columns
// starting at `first`.
views::SyncStatus syncStatusFromRow(const Statement& s, int first) {
  views::SyncStatus out;
  out.set_device_seq(s.isNull(first) ? 0 : static_cast<uint64_t>(s.int64(first)));
  out.set_state(static_cast<views::SyncState>(s.int64(first + 1)));
  if (!s.isNull(first + 2)) {
    out.set_rejection_code(static_cast<wire::ErrorCode>(s.int64(first + 2)));
  }
  if (!s.isNull(first + 3)) out.set_rejection_detail(std::string(s.text(first + 3)));
  return out;
}

int Store::latestSchemaVersion() { return kMigrationCount; }

std::string_view Store::migrationForTest(int version) {
  if (version < 1 || version > kMigrationCount) return {};
  return kMigrations[version - 1].sql;
}

Store::Store(std::unique_ptr<Database> db, RecordCipher cipher, StoreOptions options)
    : db_(std::move(db)),
      cipher_(std::move(cipher)),
      options_(std::move(options)),
      clock_(options_.wall_clock_ms),
      uuids_(options_.wall_clock_ms, options_.random) {}

Store::~Store() = default;

sync::Result<std::unique_ptr<Store>> Store::open(const std::string& path,
                                                 std::span<const uint8_t> key,
                                                 StoreOptions options) {
  if (path.empty()) return Status::InvalidArgument("store path is empty");
  if (key.size() != kStoreKeyBytes) {
    return Status::InvalidArgument("the store key must be 32 bytes");
  }
  if (auto st = cryptoInit(); !st.ok()) return st;
  if (!options.wall_clock_ms) options.wall_clock_ms = systemMs;
  if (!options.random) options.random = [](std::span<uint8_t> out) { randomBytes(out); };

  auto db = Database::open(path);
  if (!db.ok()) return db.status();
  Database& d = **db;
  auto version = userVersion(d);
  if (!version.ok()) return version.status();
  if (*version > kMigrationCount) {
    return Status::Unsupported("the store was written by a newer version of the app");
  }
  // Check the key before changing anything, so a wrong key never writes to the file. A new
  // file has no meta table yet: migrate it first, then adopt the key.
  std::optional<RecordCipher> cipher;
  if (*version >= 1) {
    if (auto st = checkOrAdoptKey(d, key, &cipher); !st.ok()) return st;
  }
  if (auto st = migrate(d, *version); !st.ok()) return st;
  if (!cipher) {
    if (auto st = checkOrAdoptKey(d, key, &cipher); !st.ok()) return st;
  }
  std::unique_ptr<Store> store(
      new Store(std::move(db).value(), std::move(*cipher), std::move(options)));
  if (auto st = store->loadDevice(); !st.ok()) return st;
  return store;
}

sync::Status Store::migrate(Database& db, int from) {
  for (int v = from; v < kMigrationCount; ++v) {
    Transaction txn(db);
    if (auto st = txn.begin(); !st.ok()) return st;
    if (auto st = db.exec(kMigrations[v].sql, "migration failed"); !st.ok()) return st;
    if (auto st = db.exec("PRAGMA user_version=" + std::to_string(v + 1),
                          "cannot record the schema version");
        !st.ok()) {
      return st;
    }
    if (auto st = txn.commit(); !st.ok()) return st;
  }
  return Status::OK();
}

sync::Status Store::loadDevice() {
  auto s = db_->cached("SELECT device_id, hlc_wall_ms, hlc_logical FROM device");
  if (!s.ok()) return s.status();
  auto row = (*s)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Corruption("the device row is missing");
  if (!(*s)->isNull(0)) device_id_ = std::string((*s)->text(0));
  clock_.restore(sync::HlcTimestamp{static_cast<uint64_t>((*s)->int64(1)),
                                    static_cast<uint32_t>((*s)->int64(2))});
  return Status::OK();
}

int Store::schemaVersion() {
  std::lock_guard lock(mu_);
  auto v = userVersion(*db_);
  return v.ok() ? *v : -1;
}

sync::Status Store::enrol(const std::string& device_id) {
  std::lock_guard lock(mu_);
  if (!isWellFormedId(device_id)) {
    return Status::InvalidArgument("device id must be 1-64 characters of [A-Za-z0-9._:-]");
  }
  if (device_id_) {
    return *device_id_ == device_id
               ? Status::OK()
               : Status::Conflict("the store is already enrolled under another device id");
  }
  auto s = db_->cached("UPDATE device SET device_id = ?1 WHERE device_id IS NULL");
  if (!s.ok()) return s.status();
  if (auto st = (*s)->bind(1, device_id).run(); !st.ok()) return st;
  device_id_ = device_id;
  return Status::OK();
}

sync::Result<std::string> Store::deviceId() {
  std::lock_guard lock(mu_);
  if (!device_id_) return Status::NotFound("the store is not enrolled");
  return *device_id_;
}

pb::Timestamp Store::timestampNow() const {
  const uint64_t ms = nowMs();
  pb::Timestamp t;
  t.set_seconds(static_cast<int64_t>(ms / 1000));
  t.set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  return t;
}

// The next device_seq and an HLC timestamp, persisted in the caller's transaction: a rolled
// back write gives its seq back, and a committed one never reuses it.
sync::Result<Store::Operation> Store::nextOperation(Transaction& txn) {
  if (!device_id_) return Status::Unavailable("the store is not enrolled yet");
  auto sel = txn.db().cached("SELECT last_device_seq FROM device");
  if (!sel.ok()) return sel.status();
  auto row = (*sel)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Corruption("the device row is missing");
  const uint64_t seq = static_cast<uint64_t>((*sel)->int64(0)) + 1;
  const sync::HlcTimestamp hlc = clock_.now();
  auto upd =
      txn.db().cached("UPDATE device SET last_device_seq = ?1, hlc_wall_ms = ?2, hlc_logical = ?3");
  if (!upd.ok()) return upd.status();
  if (auto st = (*upd)
                    ->bind(1, static_cast<int64_t>(seq))
                    .bind(2, static_cast<int64_t>(hlc.wall_ms))
                    .bind(3, static_cast<int64_t>(hlc.logical))
                    .run();
      !st.ok()) {
    return st;
  }
  Operation out{seq, {}};
  out.op.set_device_id(*device_id_);
  out.op.set_device_seq(seq);
  out.op.mutable_hlc()->set_wall_ms(hlc.wall_ms);
  out.op.mutable_hlc()->set_logical(hlc.logical);
  *out.op.mutable_claimed_at() = timestampNow();
  return out;
}

sync::Status Store::appendOutbox(Transaction& txn, int record_kind, const std::string& record_id,
                                 const wire::Operation& op) {
  // The gateway's record checks, run here so a record it would refuse is refused locally.
  if (auto st = sync::validateRecord(op); !st.ok()) return Status::Internal(st.message());
  std::string bytes;
  if (!op.SerializeToString(&bytes)) return Status::Internal("cannot encode an operation");
  const std::string seq = std::to_string(op.device_seq());
  auto s = txn.db().cached(
      "INSERT INTO outbox(device_seq, record_kind, record_id, sealed) VALUES (?1, ?2, ?3, ?4)");
  if (!s.ok()) return s.status();
  return (*s)
      ->bind(1, static_cast<int64_t>(op.device_seq()))
      .bind(2, record_kind)
      .bind(3, record_id)
      .bindBlob(4, cipher_.seal(bytes, rowName("outbox", seq)))
      .run();
}

}  // namespace liaison::mobile
