// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteContactStore: contacts, groups, custom fields and consents in SQLite. Every statement
// is portable SQL (ON CONFLICT ... DO UPDATE, RETURNING, numbered placeholders) and comes from a
// fixed set of texts, so the prepared-statement cache holds them all.
#include "store/sqlite_contact_store.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace liaison::gateway::store {

namespace {

constexpr std::string_view kColumns =
    "c.id, c.tenant_id, c.phone_e164, c.display_name, c.language, c.country, c.region, "
    "c.city, c.time_zone, c.time_zone_overridden, c.status, c.created_at, c.updated_at";

void readContact(const Statement& s, Contact* c) {
  c->id = s.int64(0);
  c->tenant_id = s.text(1);
  c->phone_e164 = s.text(2);
  c->display_name = s.text(3);
  c->language = s.text(4);
  c->country = s.text(5);
  c->region = s.text(6);
  c->city = s.text(7);
  c->time_zone = s.text(8);
  c->time_zone_overridden = s.int64(9) != 0;
  c->status = static_cast<ContactStatus>(s.int64(10));
  c->created_at = s.int64(11);
  c->updated_at = s.int64(12);
  c->groups.clear();
  c->fields.clear();
  c->consents.clear();
}

std::error_code loadDetails(Database& db, Contact* c) {
  std::error_code ec;
  bool row = false;
  {
    auto s = db.cached("SELECT name FROM contact_groups WHERE contact_id = ?1 ORDER BY name", &ec);
    if (ec) return ec;
    s->bind(1, c->id);
    while (!(ec = s->step(&row)) && row) c->groups.emplace_back(s->text(0));
    if (ec) return ec;
  }
  {
    auto s = db.cached(
        "SELECT key, value_text FROM contact_fields WHERE contact_id = ?1 "
        "ORDER BY key, value_text",
        &ec);
    if (ec) return ec;
    s->bind(1, c->id);
    while (!(ec = s->step(&row)) && row) {
      c->fields.push_back(FieldValue{std::string(s->text(0)), std::string(s->text(1))});
    }
    if (ec) return ec;
  }
  {
    auto s = db.cached(
        "SELECT given_at, channel, wording_version, language, recorded_by, withdrawn_at "
        "FROM consents WHERE contact_id = ?1 ORDER BY given_at, id",
        &ec);
    if (ec) return ec;
    s->bind(1, c->id);
    while (!(ec = s->step(&row)) && row) {
      Consent k;
      k.given_at = s->int64(0);
      k.channel = static_cast<ConsentChannel>(s->int64(1));
      k.wording_version = s->text(2);
      k.language = s->text(3);
      k.recorded_by = s->text(4);
      if (!s->isNull(5)) k.withdrawn_at = s->int64(5);
      c->consents.push_back(std::move(k));
    }
    if (ec) return ec;
  }
  return {};
}

// The upsert text for one ContactUpdate: column names come from this fixed list, values are
// always parameters. At most 2^8 * 3 distinct texts, in practice one per import.
std::string upsertSql(const ContactUpdate& u) {
  std::string sql =
      "INSERT INTO contacts (tenant_id, phone_e164, display_name, language, country, region, "
      "city, time_zone, time_zone_overridden, status, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) "
      "ON CONFLICT (tenant_id, phone_e164) DO UPDATE SET updated_at = excluded.updated_at";
  if (u.display_name) sql += ", display_name = excluded.display_name";
  if (u.language) sql += ", language = excluded.language";
  if (u.country) sql += ", country = excluded.country";
  if (u.region) sql += ", region = excluded.region";
  if (u.city) sql += ", city = excluded.city";
  switch (u.time_zone) {
    case ContactUpdate::TimeZone::Keep: break;
    case ContactUpdate::TimeZone::IfDerived:
      sql +=
          ", time_zone = CASE WHEN contacts.time_zone_overridden = 0 THEN excluded.time_zone "
          "ELSE contacts.time_zone END";
      break;
    case ContactUpdate::TimeZone::Set:
      sql +=
          ", time_zone = excluded.time_zone, time_zone_overridden = excluded.time_zone_overridden";
      break;
  }
  // Opt-out is absolute: no import or upsert turns an opted-out contact back on.
  if (u.status) sql += ", status = CASE WHEN contacts.status = 2 THEN 2 ELSE excluded.status END";
  // No RETURNING here: SQLite implements it through the TEMP schema, which costs an 85 KiB
  // allocation per statement (5x slower imports). The id comes from the lookup before, or from
  // last_insert_rowid: inside our BEGIN IMMEDIATE nobody else can insert the number between
  // the two. A PostgreSQL backend uses RETURNING id instead.
  return sql;
}

bool parseNumber(std::string_view text, double* out) {
  if (text.empty() || text.size() > 32) return false;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, *out, std::chars_format::fixed);
  return ec == std::errc() && p == end && std::isfinite(*out);
}

std::error_code insertField(Database& db, std::int64_t id, const FieldValue& f) {
  std::error_code ec;
  auto s = db.cached(
      "INSERT INTO contact_fields (contact_id, key, value_text, value_num) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (contact_id, key, value_text) DO NOTHING",
      &ec);
  if (ec) return ec;
  s->bind(1, id);
  s->bind(2, std::string_view(f.key));
  s->bind(3, std::string_view(f.value));
  double num = 0;
  if (parseNumber(f.value, &num)) {
    s->bind(4, num);
  } else {
    s->bindNull(4);
  }
  return s->run();
}

// Writes one contact. The caller holds a transaction.
std::error_code writeContact(Database& db, std::string_view tenant, const Contact& c,
                             const ContactUpdate& u, std::int64_t now, UpsertOutcome* outcome) {
  std::error_code ec;
  bool existed = false;
  bool row = false;
  std::int64_t id = 0;
  {
    auto s = db.cached("SELECT id FROM contacts WHERE tenant_id = ?1 AND phone_e164 = ?2", &ec);
    if (ec) return ec;
    s->bind(1, tenant);
    s->bind(2, std::string_view(c.phone_e164));
    if ((ec = s->step(&row))) return ec;
    existed = row;
    if (row) id = s->int64(0);
  }
  {
    auto s = db.cached(upsertSql(u), &ec);
    if (ec) return ec;
    s->bind(1, tenant);
    s->bind(2, std::string_view(c.phone_e164));
    s->bindOptional(3, c.display_name);
    s->bindOptional(4, c.language);
    s->bindOptional(5, c.country);
    s->bindOptional(6, c.region);
    s->bindOptional(7, c.city);
    s->bindOptional(8, c.time_zone);
    s->bind(9, std::int64_t{c.time_zone_overridden ? 1 : 0});
    s->bind(10, static_cast<std::int64_t>(c.status));
    s->bind(11, now);
    if ((ec = s->run())) return ec;
    if (!existed) id = db.lastInsertRowId();
  }
  if (!existed || u.groups) {
    if (existed) {
      auto s = db.cached("DELETE FROM contact_groups WHERE contact_id = ?1", &ec);
      if (ec) return ec;
      s->bind(1, id);
      if ((ec = s->run())) return ec;
    }
    for (const std::string& g : c.groups) {
      auto s = db.cached(
          "INSERT INTO contact_groups (contact_id, name) VALUES (?1, ?2) "
          "ON CONFLICT (contact_id, name) DO NOTHING",
          &ec);
      if (ec) return ec;
      s->bind(1, id);
      s->bind(2, std::string_view(g));
      if ((ec = s->run())) return ec;
    }
  }
  const bool all_fields = !existed || u.all_fields;
  if (existed && u.all_fields) {
    auto s = db.cached("DELETE FROM contact_fields WHERE contact_id = ?1", &ec);
    if (ec) return ec;
    s->bind(1, id);
    if ((ec = s->run())) return ec;
  } else if (existed) {
    for (const std::string& key : u.field_keys) {
      auto s = db.cached("DELETE FROM contact_fields WHERE contact_id = ?1 AND key = ?2", &ec);
      if (ec) return ec;
      s->bind(1, id);
      s->bind(2, std::string_view(key));
      if ((ec = s->run())) return ec;
    }
  }
  for (const FieldValue& f : c.fields) {
    if (!all_fields &&
        std::find(u.field_keys.begin(), u.field_keys.end(), f.key) == u.field_keys.end()) {
      continue;
    }
    if ((ec = insertField(db, id, f))) return ec;
  }
  if (!existed || u.consents) {
    for (const Consent& k : c.consents) {
      auto s = db.cached(
          "INSERT INTO consents (contact_id, given_at, channel, wording_version, language, "
          "recorded_by, withdrawn_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
          "ON CONFLICT (contact_id, given_at, channel, wording_version) DO UPDATE SET "
          "language = COALESCE(excluded.language, consents.language), "
          "recorded_by = COALESCE(excluded.recorded_by, consents.recorded_by), "
          "withdrawn_at = COALESCE(consents.withdrawn_at, excluded.withdrawn_at)",
          &ec);
      if (ec) return ec;
      s->bind(1, id);
      s->bind(2, k.given_at);
      s->bind(3, static_cast<std::int64_t>(k.channel));
      s->bind(4, std::string_view(k.wording_version));
      s->bindOptional(5, k.language);
      s->bindOptional(6, k.recorded_by);
      if (k.withdrawn_at) {
        s->bind(7, *k.withdrawn_at);
      } else {
        s->bindNull(7);
      }
      if ((ec = s->run())) return ec;
    }
  }
  *outcome = existed ? UpsertOutcome::Updated : UpsertOutcome::Inserted;
  return {};
}

class SqliteContactWriteBatch final : public ContactWriteBatch {
 public:
  SqliteContactWriteBatch(Database& db, std::string tenant, std::int64_t now)
      : db_(db), txn_(db), tenant_(std::move(tenant)), now_(now) {}

  std::error_code begin() {
    if (auto ec = txn_.begin()) return ec;
    // Numbers seen in this batch, to report a repeated row against its first line without
    // holding a million numbers in memory. TEMP: private to this connection, on temp storage,
    // and gone with the transaction if it rolls back.
    return db_.exec(
        "CREATE TEMP TABLE IF NOT EXISTS liaison_batch_seen "
        "(phone TEXT PRIMARY KEY, line INTEGER NOT NULL); "
        "DELETE FROM temp.liaison_batch_seen");
  }

  std::error_code upsert(const Contact& contact, const ContactUpdate& update,
                         std::uint64_t source_line, UpsertOutcome* outcome,
                         std::uint64_t* first_line) override {
    if (!txn_.active()) return StoreErrc::Misuse;
    std::error_code ec;
    {
      auto s = db_.cached(
          "INSERT INTO temp.liaison_batch_seen (phone, line) VALUES (?1, ?2) "
          "ON CONFLICT (phone) DO NOTHING",
          &ec);
      if (ec) return ec;
      s->bind(1, std::string_view(contact.phone_e164));
      s->bind(2, static_cast<std::int64_t>(source_line));
      if ((ec = s->run())) return ec;
    }
    if (db_.changes() == 0) {
      auto s = db_.cached("SELECT line FROM temp.liaison_batch_seen WHERE phone = ?1", &ec);
      if (ec) return ec;
      s->bind(1, std::string_view(contact.phone_e164));
      bool row = false;
      if ((ec = s->step(&row))) return ec;
      if (first_line) *first_line = row ? static_cast<std::uint64_t>(s->int64(0)) : 0;
      *outcome = UpsertOutcome::DuplicateInBatch;
      return {};
    }
    return writeContact(db_, tenant_, contact, update, now_, outcome);
  }

  std::error_code commit() override {
    if (!txn_.active()) return StoreErrc::Misuse;
    if (auto ec = db_.exec("DROP TABLE IF EXISTS temp.liaison_batch_seen")) {
      txn_.rollback();
      return ec;
    }
    return txn_.commit();
  }

 private:
  Database& db_;
  Transaction txn_;
  std::string tenant_;
  std::int64_t now_;
};

std::string selectWhere(std::string_view head, const SqlWhere* where, std::string_view tail) {
  std::string sql(head);
  sql += " WHERE c.tenant_id = ?1";
  if (where != nullptr) {
    sql += " AND (";
    sql += where->sql;
    sql += ')';
  }
  sql += tail;
  return sql;
}

void bindWhere(Statement& s, std::string_view tenant, const SqlWhere* where) {
  s.bind(1, tenant);
  if (where == nullptr) return;
  int index = ContactStore::kFirstFilterParam;
  for (const SqlValue& v : where->params) s.bind(index++, v);
}

}  // namespace

std::error_code SqliteContactStore::beginBatch(std::string_view tenant, std::int64_t now,
                                               std::unique_ptr<ContactWriteBatch>* out) {
  if (tenant.empty()) return StoreErrc::InvalidArgument;
  auto batch = std::make_unique<SqliteContactWriteBatch>(db_, std::string(tenant), now);
  if (auto ec = batch->begin()) return ec;
  *out = std::move(batch);
  return {};
}

std::error_code SqliteContactStore::upsert(const Contact& contact, const ContactUpdate& update,
                                           std::int64_t now, UpsertOutcome* outcome) {
  if (contact.tenant_id.empty() || contact.phone_e164.empty()) return StoreErrc::InvalidArgument;
  Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  if (auto ec = writeContact(db_, contact.tenant_id, contact, update, now, outcome)) return ec;
  return txn.commit();
}

namespace {

// A contact's own columns by (tenant, `column` = key); `column` is one of a fixed few, so the
// statement cache stays bounded.
template <class Key>
std::error_code findOne(Database& db, std::string_view column, std::string_view tenant,
                        const Key& key, Contact* out) {
  std::error_code ec;
  auto s = db.cached(std::string("SELECT ")
                         .append(kColumns)
                         .append(" FROM contacts c WHERE c.tenant_id = ?1 AND c.")
                         .append(column)
                         .append(" = ?2"),
                     &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, key);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  *out = Contact{};
  readContact(*s, out);
  return {};
}

}  // namespace

std::error_code SqliteContactStore::findBasic(std::string_view tenant, std::string_view phone_e164,
                                              Contact* out) {
  return findOne(db_, "phone_e164", tenant, phone_e164, out);
}

std::error_code SqliteContactStore::findBasicById(std::string_view tenant, std::int64_t id,
                                                  Contact* out) {
  return findOne(db_, "id", tenant, id, out);
}

std::error_code SqliteContactStore::find(std::string_view tenant, std::string_view phone_e164,
                                         Contact* out) {
  if (auto ec = findBasic(tenant, phone_e164, out)) return ec;
  return loadDetails(db_, out);
}

std::error_code SqliteContactStore::setStatus(std::string_view tenant, std::string_view phone_e164,
                                              ContactStatus status, std::int64_t now) {
  Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  std::error_code ec;
  std::int64_t id = 0;
  {
    auto s = db_.cached(
        "UPDATE contacts SET status = ?3, updated_at = ?4 "
        "WHERE tenant_id = ?1 AND phone_e164 = ?2 RETURNING id",
        &ec);
    if (ec) return ec;
    s->bind(1, tenant);
    s->bind(2, phone_e164);
    s->bind(3, static_cast<std::int64_t>(status));
    s->bind(4, now);
    bool row = false;
    if ((ec = s->step(&row))) return ec;
    if (!row) return StoreErrc::NotFound;
    id = s->int64(0);
    if ((ec = s->run())) return ec;
  }
  if (status == ContactStatus::OptedOut) {
    auto s = db_.cached(
        "UPDATE consents SET withdrawn_at = ?2 WHERE contact_id = ?1 AND withdrawn_at IS NULL",
        &ec);
    if (ec) return ec;
    s->bind(1, id);
    s->bind(2, now);
    if ((ec = s->run())) return ec;
  }
  return txn.commit();
}

std::error_code SqliteContactStore::count(std::string_view tenant, const SqlWhere* where,
                                          SegmentCount* out) {
  const std::string sql = selectWhere(
      "SELECT count(*), COALESCE(sum(CASE WHEN c.status = 1 THEN 1 ELSE 0 END), 0) "
      "FROM contacts c",
      where, "");
  std::error_code ec;
  // Filters vary without bound: prepare per call (microseconds) rather than churn the cache.
  auto s = db_.prepare(sql, &ec);
  if (ec) return ec;
  bindWhere(*s, tenant, where);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::Other;
  out->total = s->int64(0);
  out->reachable = s->int64(1);
  return {};
}

std::error_code SqliteContactStore::forEach(std::string_view tenant, const SqlWhere* where,
                                            const std::function<bool(const Contact&)>& fn) {
  const std::string sql = selectWhere(
      std::string("SELECT ").append(kColumns).append(" FROM contacts c"), where, " ORDER BY c.id");
  std::error_code ec;
  auto s = db_.prepare(sql, &ec);
  if (ec) return ec;
  bindWhere(*s, tenant, where);
  Contact c;
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    readContact(*s, &c);
    if ((ec = loadDetails(db_, &c))) return ec;
    if (!fn(c)) break;
  }
  return ec;
}

std::error_code SqliteContactStore::customFieldKeys(std::string_view tenant,
                                                    std::vector<std::string>* out) {
  std::error_code ec;
  auto s = db_.cached(
      "SELECT DISTINCT f.key FROM contact_fields f JOIN contacts c ON c.id = f.contact_id "
      "WHERE c.tenant_id = ?1 ORDER BY f.key",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  out->clear();
  bool row = false;
  while (!(ec = s->step(&row)) && row) out->emplace_back(s->text(0));
  return ec;
}

}  // namespace liaison::gateway::store
