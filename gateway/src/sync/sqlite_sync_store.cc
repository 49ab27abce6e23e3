// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteSyncStore: the sync tables in SQLite (schema: migrations 6 and 8 in
// store/sqlite_store.cc).
// Versions are stored as three columns (hlc wall, hlc logical, device id); an absent base is
// three NULLs.
#include "sync/sqlite_sync_store.h"

#include <algorithm>
#include <utility>

namespace liaison::gateway::sync {

namespace {

using store::Statement;
using store::StoreErrc;

void bindVersion(Statement& s, int first, const engine::Version& v) {
  s.bind(first, static_cast<std::int64_t>(v.hlc.wall_ms));
  s.bind(first + 1, static_cast<std::int64_t>(v.hlc.logical));
  s.bind(first + 2, std::string_view(v.device_id));
}

void bindOptionalVersion(Statement& s, int first, const std::optional<engine::Version>& v) {
  if (v.has_value()) return bindVersion(s, first, *v);
  s.bindNull(first);
  s.bindNull(first + 1);
  s.bindNull(first + 2);
}

engine::Version readVersion(const Statement& s, int first) {
  return engine::Version{
      {static_cast<std::uint64_t>(s.int64(first)), static_cast<std::uint32_t>(s.int64(first + 1))},
      std::string(s.text(first + 2))};
}

std::optional<engine::Version> readOptionalVersion(const Statement& s, int first) {
  if (s.isNull(first)) return std::nullopt;
  return readVersion(s, first);
}

// The columns readDevice reads, in its order.
#define LIAISON_DEVICE_COLUMNS                                                              \
  "device_id, tenant_id, team, scopes, public_key, enrolled_ms, revoked_ms, last_seen_ms, " \
  "last_hlc_wall, last_hlc_lc, hwm, outbox_depth, outbox_depth_ms"

// One sync_devices row selected with LIAISON_DEVICE_COLUMNS.
void readDevice(const Statement& s, DeviceRecord* out) {
  auto optional = [&s](int i) {
    return s.isNull(i) ? std::nullopt : std::optional<std::int64_t>(s.int64(i));
  };
  out->device_id = s.text(0);
  out->tenant_id = s.text(1);
  out->team = s.text(2);
  out->scopes = splitScopes(s.text(3));
  out->public_key = s.blob(4);
  out->enrolled_ms = s.int64(5);
  out->revoked_ms = optional(6);
  out->last_seen_ms = optional(7);
  out->last_clock = {static_cast<std::uint64_t>(s.int64(8)),
                     static_cast<std::uint32_t>(s.int64(9))};
  out->hwm = static_cast<std::uint64_t>(s.int64(10));
  // Stored bounded (setOutboxDepth's callers); clamped again so a hand-edited row cannot wrap.
  out->outbox_depth = s.isNull(11)
                          ? std::nullopt
                          : std::optional<std::uint32_t>(static_cast<std::uint32_t>(
                                std::clamp<std::int64_t>(s.int64(11), 0, kMaxOutboxDepth)));
  out->outbox_depth_ms = optional(12);
}

}  // namespace

std::string joinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& s : scopes) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}

std::vector<std::string> splitScopes(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    const std::size_t nl = joined.find('\n');
    out.emplace_back(joined.substr(0, nl));
    if (nl == std::string_view::npos) break;
    joined.remove_prefix(nl + 1);
  }
  return out;
}

// ---- Enrolment codes and devices ----

std::error_code SqliteSyncStore::insertEnrolmentCode(std::string_view code_hash,
                                                     const EnrolmentCodeRecord& code) {
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO sync_enrolment_codes (code_hash, tenant_id, team, scopes, created_by, "
      "created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      &ec);
  if (ec) return ec;
  s->bindBlob(1, code_hash);
  s->bind(2, code.tenant_id);
  s->bind(3, code.team);
  s->bind(4, joinScopes(code.scopes));
  s->bind(5, code.created_by);
  s->bind(6, code.created_ms);
  s->bind(7, code.expires_ms);
  return s->run();
}

std::error_code SqliteSyncStore::findEnrolmentCode(std::string_view code_hash,
                                                   EnrolmentCodeRecord* out,
                                                   std::string* stored_hash) {
  std::error_code ec;
  auto s = db_.cached(
      "SELECT id, tenant_id, team, scopes, created_by, created_ms, expires_ms, used_ms, "
      "device_id, code_hash FROM sync_enrolment_codes WHERE code_hash = ?1",
      &ec);
  if (ec) return ec;
  s->bindBlob(1, code_hash);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  out->id = s->int64(0);
  out->tenant_id = s->text(1);
  out->team = s->text(2);
  out->scopes = splitScopes(s->text(3));
  out->created_by = s->text(4);
  out->created_ms = s->int64(5);
  out->expires_ms = s->int64(6);
  out->used_ms = s->isNull(7) ? std::nullopt : std::optional<std::int64_t>(s->int64(7));
  out->device_id = s->isNull(8) ? std::string() : std::string(s->text(8));
  *stored_hash = s->blob(9);
  return {};
}

std::error_code SqliteSyncStore::markEnrolmentCodeUsed(std::int64_t id, std::string_view device_id,
                                                       std::int64_t now_ms, bool* marked) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE sync_enrolment_codes SET used_ms = ?2, device_id = ?3 "
      "WHERE id = ?1 AND used_ms IS NULL",
      &ec);
  if (ec) return ec;
  s->bind(1, id);
  s->bind(2, now_ms);
  s->bind(3, device_id);
  if ((ec = s->run())) return ec;
  *marked = db_.changes() == 1;
  return {};
}

std::error_code SqliteSyncStore::insertDevice(const DeviceRecord& d) {
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO sync_devices (device_id, tenant_id, team, scopes, public_key, enrolled_ms, "
      "hwm) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
      &ec);
  if (ec) return ec;
  s->bind(1, d.device_id);
  s->bind(2, d.tenant_id);
  s->bind(3, d.team);
  s->bind(4, joinScopes(d.scopes));
  s->bindBlob(5, d.public_key);
  s->bind(6, d.enrolled_ms);
  return s->run();
}

std::error_code SqliteSyncStore::findDevice(std::string_view device_id, DeviceRecord* out) {
  std::error_code ec;
  auto s =
      db_.cached("SELECT " LIAISON_DEVICE_COLUMNS " FROM sync_devices WHERE device_id = ?1", &ec);
  if (ec) return ec;
  s->bind(1, device_id);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  readDevice(*s, out);
  return {};
}

std::error_code SqliteSyncStore::listDevices(std::string_view tenant, std::string_view team,
                                             std::int64_t after_enrolled_ms,
                                             std::string_view after_id, int limit,
                                             std::vector<DeviceRecord>* out) {
  out->clear();
  if (limit <= 0) return {};
  std::error_code ec;
  auto s = db_.cached("SELECT " LIAISON_DEVICE_COLUMNS
                      " FROM sync_devices WHERE tenant_id = ?1 AND (?2 = '' OR team = ?2) "
                      "AND (enrolled_ms > ?3 OR (enrolled_ms = ?3 AND device_id > ?4)) "
                      "ORDER BY enrolled_ms, device_id LIMIT ?5",
                      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, team);
  s->bind(3, after_enrolled_ms);
  s->bind(4, after_id);
  s->bind(5, static_cast<std::int64_t>(limit));
  for (;;) {
    bool row = false;
    if ((ec = s->step(&row))) return ec;
    if (!row) return {};
    readDevice(*s, &out->emplace_back());
  }
}

#undef LIAISON_DEVICE_COLUMNS

std::error_code SqliteSyncStore::revokeDevice(std::string_view device_id, std::int64_t now_ms,
                                              bool* changed) {
  std::error_code ec;
  {
    auto s = db_.cached(
        "UPDATE sync_devices SET revoked_ms = ?2 WHERE device_id = ?1 AND revoked_ms IS NULL", &ec);
    if (ec) return ec;
    s->bind(1, device_id);
    s->bind(2, now_ms);
    if ((ec = s->run())) return ec;
  }
  *changed = db_.changes() == 1;
  if (*changed) return {};
  DeviceRecord d;
  return findDevice(device_id, &d);  // NotFound, or already revoked
}

std::error_code SqliteSyncStore::touchDevice(std::string_view device_id, std::int64_t now_ms,
                                             const engine::HlcTimestamp& device_clock) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE sync_devices SET last_seen_ms = ?2, last_hlc_wall = ?3, last_hlc_lc = ?4 "
      "WHERE device_id = ?1",
      &ec);
  if (ec) return ec;
  s->bind(1, device_id);
  s->bind(2, now_ms);
  s->bind(3, static_cast<std::int64_t>(device_clock.wall_ms));
  s->bind(4, static_cast<std::int64_t>(device_clock.logical));
  return s->run();
}

std::error_code SqliteSyncStore::setOutboxDepth(std::string_view device_id, std::uint32_t depth,
                                                std::int64_t now_ms) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE sync_devices SET outbox_depth = ?2, outbox_depth_ms = ?3 WHERE device_id = ?1", &ec);
  if (ec) return ec;
  s->bind(1, device_id);
  s->bind(2, static_cast<std::int64_t>(depth));
  s->bind(3, now_ms);
  if ((ec = s->run())) return ec;
  return db_.changes() == 1 ? std::error_code() : make_error_code(StoreErrc::NotFound);
}

std::error_code SqliteSyncStore::setDeviceHwm(std::string_view device_id, std::uint64_t hwm) {
  std::error_code ec;
  auto s = db_.cached("UPDATE sync_devices SET hwm = ?2 WHERE device_id = ?1", &ec);
  if (ec) return ec;
  s->bind(1, device_id);
  s->bind(2, static_cast<std::int64_t>(hwm));
  if ((ec = s->run())) return ec;
  return db_.changes() == 1 ? std::error_code() : make_error_code(StoreErrc::NotFound);
}

std::error_code SqliteSyncStore::insertNonce(std::string_view device_id, std::string_view nonce,
                                             std::int64_t now_ms, bool* fresh) {
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO sync_nonces (device_id, nonce, seen_ms) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (device_id, nonce) DO NOTHING",
      &ec);
  if (ec) return ec;
  s->bind(1, device_id);
  s->bindBlob(2, nonce);
  s->bind(3, now_ms);
  if ((ec = s->run())) return ec;
  *fresh = db_.changes() == 1;
  return {};
}

std::error_code SqliteSyncStore::purgeNonces(std::int64_t before_ms) {
  std::error_code ec;
  auto s = db_.cached("DELETE FROM sync_nonces WHERE seen_ms < ?1", &ec);
  if (ec) return ec;
  s->bind(1, before_ms);
  return s->run();
}

// ---- Merge ----

std::error_code SqliteSyncStore::loadEntity(std::string_view tenant, const engine::EntityKey& key,
                                            engine::EntityState* out, bool* found) {
  *out = {};
  *found = false;
  std::error_code ec;
  bool row = false;
  {
    auto s = db_.cached(
        "SELECT field, value, hlc_wall, hlc_lc, device_id, base_wall, base_lc, base_device "
        "FROM sync_entity_fields WHERE tenant_id = ?1 AND entity_type = ?2 AND entity_id = ?3",
        &ec);
    if (ec) return ec;
    s->bind(1, tenant);
    s->bind(2, key.type);
    s->bind(3, key.id);
    while (!(ec = s->step(&row)) && row) {
      out->fields.emplace(std::string(s->text(0)),
                          engine::FieldState{std::string(s->blob(1)), readVersion(*s, 2),
                                             readOptionalVersion(*s, 5)});
      *found = true;
    }
    if (ec) return ec;
  }
  auto s = db_.cached(
      "SELECT hlc_wall, hlc_lc, device_id, base_wall, base_lc, base_device FROM sync_tombstones "
      "WHERE tenant_id = ?1 AND entity_type = ?2 AND entity_id = ?3",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, key.type);
  s->bind(3, key.id);
  if ((ec = s->step(&row))) return ec;
  if (row) {
    out->tombstone = engine::Tombstone{readVersion(*s, 0), readOptionalVersion(*s, 3)};
    *found = true;
  }
  return {};
}

std::error_code SqliteSyncStore::stage(std::string_view tenant, const engine::StageKeys& keys,
                                       engine::StagedState* out) {
  for (const engine::EntityKey& key : keys.entities) {
    engine::EntityState state;
    bool found = false;
    if (auto ec = loadEntity(tenant, key, &state, &found)) return ec;
    if (found) out->entities.emplace(key, std::move(state));
  }
  std::error_code ec;
  auto s = db_.cached(
      "SELECT content_hash FROM sync_submissions WHERE tenant_id = ?1 AND submission_id = ?2", &ec);
  if (ec) return ec;
  for (const std::string& id : keys.submissions) {
    s->bind(1, tenant);
    s->bind(2, id);
    bool row = false;
    if ((ec = s->step(&row))) return ec;
    if (row) out->submissions.emplace(id, std::string(s->blob(0)));
    s->reset();
  }
  return {};
}

std::error_code SqliteSyncStore::putEntity(std::string_view tenant,
                                           const engine::EntityWrite& write) {
  std::error_code ec;
  {
    auto s = db_.cached(
        "DELETE FROM sync_entity_fields WHERE tenant_id = ?1 AND entity_type = ?2 AND "
        "entity_id = ?3",
        &ec);
    if (ec) return ec;
    s->bind(1, tenant);
    s->bind(2, write.key.type);
    s->bind(3, write.key.id);
    if ((ec = s->run())) return ec;
  }
  {
    auto s = db_.cached(
        "INSERT INTO sync_entity_fields (tenant_id, entity_type, entity_id, field, value, "
        "hlc_wall, hlc_lc, device_id, base_wall, base_lc, base_device) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        &ec);
    if (ec) return ec;
    for (const auto& [name, f] : write.state.fields) {
      s->bind(1, tenant);
      s->bind(2, write.key.type);
      s->bind(3, write.key.id);
      s->bind(4, name);
      s->bindBlob(5, f.value);
      bindVersion(*s, 6, f.version);
      bindOptionalVersion(*s, 9, f.base);
      if ((ec = s->run())) return ec;
      s->reset();
    }
  }
  if (!write.state.tombstone.has_value()) {
    auto s = db_.cached(
        "DELETE FROM sync_tombstones WHERE tenant_id = ?1 AND entity_type = ?2 AND "
        "entity_id = ?3",
        &ec);
    if (ec) return ec;
    s->bind(1, tenant);
    s->bind(2, write.key.type);
    s->bind(3, write.key.id);
    return s->run();
  }
  auto s = db_.cached(
      "INSERT INTO sync_tombstones (tenant_id, entity_type, entity_id, hlc_wall, hlc_lc, "
      "device_id, base_wall, base_lc, base_device) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (tenant_id, entity_type, entity_id) DO UPDATE SET hlc_wall = "
      "excluded.hlc_wall, hlc_lc = excluded.hlc_lc, device_id = excluded.device_id, base_wall = "
      "excluded.base_wall, base_lc = excluded.base_lc, base_device = excluded.base_device",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, write.key.type);
  s->bind(3, write.key.id);
  bindVersion(*s, 4, write.state.tombstone->version);
  bindOptionalVersion(*s, 7, write.state.tombstone->base);
  return s->run();
}

std::error_code SqliteSyncStore::insertSubmission(std::string_view tenant,
                                                  std::string_view submission_id,
                                                  std::string_view content_hash,
                                                  SubmissionKind kind, std::string_view record,
                                                  std::string_view device_id,
                                                  std::uint64_t device_seq, std::int64_t now_ms) {
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO sync_submissions (tenant_id, submission_id, content_hash, kind, record, "
      "device_id, device_seq, received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, submission_id);
  s->bindBlob(3, content_hash);
  s->bind(4, static_cast<std::int64_t>(kind));
  s->bindBlob(5, record);
  s->bind(6, device_id);
  s->bind(7, static_cast<std::int64_t>(device_seq));
  s->bind(8, now_ms);
  return s->run();
}

namespace {

int outcomeNumber(engine::OpOutcome o) {
  switch (o) {
    case engine::OpOutcome::Applied: return 1;
    case engine::OpOutcome::Superseded: return 2;
    case engine::OpOutcome::Duplicate: return 3;
    case engine::OpOutcome::Rejected: return 4;
    case engine::OpOutcome::Replay:
    case engine::OpOutcome::Deferred: break;
  }
  return 0;
}

engine::OpOutcome outcomeFromNumber(std::int64_t n) {
  switch (n) {
    case 1: return engine::OpOutcome::Applied;
    case 2: return engine::OpOutcome::Superseded;
    case 3: return engine::OpOutcome::Duplicate;
    default: return engine::OpOutcome::Rejected;
  }
}

int reasonNumber(engine::ReviewReason r) { return static_cast<int>(r) + 1; }

}  // namespace

std::error_code SqliteSyncStore::recordOp(std::string_view device_id, const OpRecord& op,
                                          std::int64_t now_ms) {
  const int outcome = outcomeNumber(op.outcome);
  if (outcome == 0) return StoreErrc::InvalidArgument;  // replays are not consumed again
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO sync_ops (device_id, device_seq, outcome, code, detail, received_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      &ec);
  if (ec) return ec;
  s->bind(1, device_id);
  s->bind(2, static_cast<std::int64_t>(op.device_seq));
  s->bind(3, static_cast<std::int64_t>(outcome));
  if (op.outcome == engine::OpOutcome::Rejected) {
    s->bind(4, static_cast<std::int64_t>(op.code));
    s->bind(5, op.detail);
  } else {
    s->bindNull(4);
    s->bindNull(5);
  }
  s->bind(6, now_ms);
  return s->run();
}

std::error_code SqliteSyncStore::ops(std::string_view device_id, std::uint64_t from,
                                     std::uint64_t to, bool rejected_only,
                                     std::vector<OpRecord>* out) {
  out->clear();
  std::error_code ec;
  auto s = db_.cached(
      "SELECT device_seq, outcome, code, detail FROM sync_ops WHERE device_id = ?1 AND "
      "device_seq BETWEEN ?2 AND ?3 AND (?4 = 0 OR outcome = 4) ORDER BY device_seq",
      &ec);
  if (ec) return ec;
  s->bind(1, device_id);
  s->bind(2, static_cast<std::int64_t>(std::min<std::uint64_t>(from, INT64_MAX)));
  s->bind(3, static_cast<std::int64_t>(std::min<std::uint64_t>(to, INT64_MAX)));
  s->bind(4, static_cast<std::int64_t>(rejected_only ? 1 : 0));
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    OpRecord r;
    r.device_seq = static_cast<std::uint64_t>(s->int64(0));
    r.outcome = outcomeFromNumber(s->int64(1));
    if (!s->isNull(2)) r.code = static_cast<wire::ErrorCode>(s->int64(2));
    if (!s->isNull(3)) r.detail = s->text(3);
    out->push_back(std::move(r));
  }
  return ec;
}

std::error_code SqliteSyncStore::insertReviewFlag(std::string_view tenant,
                                                  const engine::ReviewFlag& f,
                                                  std::int64_t now_ms) {
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO sync_review_flags (tenant_id, reason, entity_type, entity_id, field, "
      "winner_wall, winner_lc, winner_device, loser_wall, loser_lc, loser_device, losing_value, "
      "created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
      "ON CONFLICT (tenant_id, reason, entity_type, entity_id, field, winner_wall, winner_lc, "
      "winner_device, loser_wall, loser_lc, loser_device) DO NOTHING",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, static_cast<std::int64_t>(reasonNumber(f.reason)));
  s->bind(3, f.key.type);
  s->bind(4, f.key.id);
  s->bind(5, f.field);
  bindVersion(*s, 6, f.winner);
  bindVersion(*s, 9, f.loser);
  if (f.losing_value.empty()) {
    s->bindNull(12);
  } else {
    s->bindBlob(12, f.losing_value);
  }
  s->bind(13, now_ms);
  return s->run();
}

// ---- Published log ----

std::error_code SqliteSyncStore::lastSeq(std::string_view tenant, std::string_view scope,
                                         std::uint64_t* out) {
  std::error_code ec;
  auto s = db_.cached("SELECT last_seq FROM sync_scopes WHERE tenant_id = ?1 AND scope = ?2", &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, scope);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  *out = row ? static_cast<std::uint64_t>(s->int64(0)) : 0;
  return {};
}

std::error_code SqliteSyncStore::append(std::string_view tenant, std::string_view scope,
                                        std::span<const wire::PublishedRecord> records,
                                        std::int64_t now_ms, std::uint64_t* last_seq) {
  std::uint64_t seq = 0;
  if (auto ec = lastSeq(tenant, scope, &seq)) return ec;
  if (records.empty()) {
    *last_seq = seq;
    return {};
  }
  std::error_code ec;
  {
    auto s = db_.cached(
        "INSERT INTO sync_published (tenant_id, scope, seq, record, published_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
        &ec);
    if (ec) return ec;
    std::string bytes;
    for (const wire::PublishedRecord& r : records) {
      // Only the record oneof is stored; scope and seq are the row's key.
      wire::PublishedRecord payload = r;
      payload.clear_scope();
      payload.clear_seq();
      bytes.clear();
      if (!payload.SerializeToString(&bytes)) return StoreErrc::InvalidArgument;
      s->bind(1, tenant);
      s->bind(2, scope);
      s->bind(3, static_cast<std::int64_t>(++seq));
      s->bindBlob(4, bytes);
      s->bind(5, now_ms);
      if ((ec = s->run())) return ec;
      s->reset();
    }
  }
  auto s = db_.cached(
      "INSERT INTO sync_scopes (tenant_id, scope, last_seq) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (tenant_id, scope) DO UPDATE SET last_seq = excluded.last_seq",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, scope);
  s->bind(3, static_cast<std::int64_t>(seq));
  if ((ec = s->run())) return ec;
  *last_seq = seq;
  return {};
}

std::error_code SqliteSyncStore::readScope(
    std::string_view tenant, std::string_view scope, std::uint64_t after, std::size_t limit,
    google::protobuf::RepeatedPtrField<wire::PublishedRecord>* out, std::size_t* read) {
  *read = 0;
  if (limit == 0) return {};
  std::error_code ec;
  auto s = db_.cached(
      "SELECT seq, record FROM sync_published WHERE tenant_id = ?1 AND scope = ?2 AND seq > ?3 "
      "ORDER BY seq LIMIT ?4",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, scope);
  s->bind(3, static_cast<std::int64_t>(std::min<std::uint64_t>(after, INT64_MAX)));
  s->bind(4, static_cast<std::int64_t>(limit));
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    wire::PublishedRecord* r = out->Add();
    const std::string_view bytes = s->blob(1);
    if (!r->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      out->RemoveLast();
      return StoreErrc::Corrupt;
    }
    r->set_scope(std::string(scope));
    r->set_seq(static_cast<std::uint64_t>(s->int64(0)));
    ++*read;
  }
  return ec;
}

// ---- Contact ids ----

std::error_code SqliteSyncStore::linkContact(std::string_view tenant, std::string_view contact_uuid,
                                             std::int64_t contact_id) {
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO sync_contact_ids (tenant_id, contact_uuid, contact_id) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (tenant_id, contact_uuid) DO UPDATE SET contact_id = excluded.contact_id",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, contact_uuid);
  s->bind(3, contact_id);
  return s->run();
}

std::error_code SqliteSyncStore::contactForUuid(std::string_view tenant,
                                                std::string_view contact_uuid,
                                                std::int64_t* contact_id) {
  std::error_code ec;
  auto s = db_.cached(
      "SELECT contact_id FROM sync_contact_ids WHERE tenant_id = ?1 AND contact_uuid = ?2", &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, contact_uuid);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  *contact_id = s->int64(0);
  return {};
}

// ---- Clock ----

std::error_code SqliteSyncStore::loadServerClock(engine::HlcTimestamp* out) {
  std::error_code ec;
  auto s = db_.cached("SELECT hlc_wall, hlc_lc FROM sync_server_clock WHERE id = 1", &ec);
  if (ec) return ec;
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  *out = row ? engine::HlcTimestamp{static_cast<std::uint64_t>(s->int64(0)),
                                    static_cast<std::uint32_t>(s->int64(1))}
             : engine::HlcTimestamp{};
  return {};
}

std::error_code SqliteSyncStore::saveServerClock(const engine::HlcTimestamp& clock) {
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO sync_server_clock (id, hlc_wall, hlc_lc) VALUES (1, ?1, ?2) "
      "ON CONFLICT (id) DO UPDATE SET hlc_wall = excluded.hlc_wall, hlc_lc = excluded.hlc_lc",
      &ec);
  if (ec) return ec;
  s->bind(1, static_cast<std::int64_t>(clock.wall_ms));
  s->bind(2, static_cast<std::int64_t>(clock.logical));
  return s->run();
}

// ---- Read-back ----

std::error_code SqliteSyncStore::loadEntities(
    std::string_view tenant, std::map<engine::EntityKey, engine::EntityState>* out) {
  out->clear();
  std::error_code ec;
  bool row = false;
  {
    auto s = db_.cached(
        "SELECT entity_type, entity_id, field, value, hlc_wall, hlc_lc, device_id, base_wall, "
        "base_lc, base_device FROM sync_entity_fields WHERE tenant_id = ?1",
        &ec);
    if (ec) return ec;
    s->bind(1, tenant);
    while (!(ec = s->step(&row)) && row) {
      engine::EntityKey key{std::string(s->text(0)), std::string(s->text(1))};
      (*out)[key].fields.emplace(std::string(s->text(2)),
                                 engine::FieldState{std::string(s->blob(3)), readVersion(*s, 4),
                                                    readOptionalVersion(*s, 7)});
    }
    if (ec) return ec;
  }
  auto s = db_.cached(
      "SELECT entity_type, entity_id, hlc_wall, hlc_lc, device_id, base_wall, base_lc, "
      "base_device FROM sync_tombstones WHERE tenant_id = ?1",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  while (!(ec = s->step(&row)) && row) {
    engine::EntityKey key{std::string(s->text(0)), std::string(s->text(1))};
    (*out)[key].tombstone = engine::Tombstone{readVersion(*s, 2), readOptionalVersion(*s, 5)};
  }
  return ec;
}

std::error_code SqliteSyncStore::reviewFlags(std::string_view tenant,
                                             std::vector<StoredReviewFlag>* out) {
  out->clear();
  std::error_code ec;
  auto s = db_.cached(
      "SELECT reason, entity_type, entity_id, field, winner_wall, winner_lc, winner_device, "
      "loser_wall, loser_lc, loser_device, losing_value, created_ms FROM sync_review_flags "
      "WHERE tenant_id = ?1 ORDER BY id",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    StoredReviewFlag f;
    f.flag.reason = static_cast<engine::ReviewReason>(s->int64(0) - 1);
    f.flag.key = {std::string(s->text(1)), std::string(s->text(2))};
    f.flag.field = s->text(3);
    f.flag.winner = readVersion(*s, 4);
    f.flag.loser = readVersion(*s, 7);
    if (!s->isNull(10)) f.flag.losing_value = s->blob(10);
    f.created_ms = s->int64(11);
    out->push_back(std::move(f));
  }
  return ec;
}

std::error_code SqliteSyncStore::submissions(std::string_view tenant,
                                             std::map<std::string, std::string>* out) {
  out->clear();
  std::error_code ec;
  auto s = db_.cached(
      "SELECT submission_id, content_hash FROM sync_submissions WHERE tenant_id = ?1", &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    out->emplace(std::string(s->text(0)), std::string(s->blob(1)));
  }
  return ec;
}

std::error_code SqliteSyncStore::findSubmission(std::string_view tenant,
                                                std::string_view submission_id,
                                                std::string* content_hash, SubmissionKind* kind,
                                                std::string* record) {
  std::error_code ec;
  auto s = db_.cached(
      "SELECT content_hash, kind, record FROM sync_submissions WHERE tenant_id = ?1 AND "
      "submission_id = ?2",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, submission_id);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  *content_hash = s->blob(0);
  *kind = static_cast<SubmissionKind>(s->int64(1));
  *record = s->blob(2);
  return {};
}

}  // namespace liaison::gateway::sync
