// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Store, sync side: what goes into the next request and how a response is applied
// (docs/sync-protocol.md sections 2, 4 and 7). The transport lives elsewhere: this is the part
// every transport shares, so it is tested without a network.
#include <algorithm>
#include <set>
#include <utility>

#include "liaison/sync/batch_codec.h"
#include "store.h"

namespace liaison::mobile {

namespace {

using sync::Status;

constexpr std::size_t kMaxRejectionDetail = 256;

// The local meaning of a response status other than OK and SEQUENCE_GAP.
Status statusForResponse(wire::ErrorCode code) {
  switch (code) {
    case wire::ERROR_CODE_UNSUPPORTED_VERSION:
      return Status::Unsupported("the gateway does not speak this protocol version");
    case wire::ERROR_CODE_UNAUTHENTICATED:
      return Status::PermissionDenied("the gateway did not accept this device's signature");
    case wire::ERROR_CODE_DEVICE_REVOKED:
      return Status::PermissionDenied("the gateway revoked this device: enrol it again");
    case wire::ERROR_CODE_SCOPE_FORBIDDEN:
      return Status::PermissionDenied("the device follows a scope it may not read");
    case wire::ERROR_CODE_SERVER_BUSY: return Status::Unavailable("the gateway is busy");
    case wire::ERROR_CODE_BATCH_INVALID:
      return Status::InvalidArgument("the gateway refused the batch as invalid");
    default: return Status::Corruption("the response has no valid status");
  }
}

}  // namespace

sync::Status Store::followScope(const std::string& scope) {
  std::lock_guard lock(mu_);
  if (scope.empty() || scope.size() > 128) {
    return Status::InvalidArgument("scope must be 1-128 bytes");
  }
  auto s = db_->cached("INSERT INTO sync_cursors(scope) VALUES (?1) ON CONFLICT DO NOTHING");
  if (!s.ok()) return s.status();
  return (*s)->bind(1, scope).run();
}

sync::Result<wire::SyncRequest> Store::nextSyncRequest(std::size_t max_operations) {
  std::lock_guard lock(mu_);
  if (!device_id_) return Status::Unavailable("the store is not enrolled yet");
  if (max_operations == 0 || max_operations > sync::BatchLimits{}.max_operations) {
    return Status::InvalidArgument("max_operations must be 1-500");
  }
  wire::SyncRequest req;
  req.set_protocol_version(sync::kProtocolVersion);
  req.set_device_id(*device_id_);
  {
    auto s = db_->cached("SELECT device_seq, sealed FROM outbox ORDER BY device_seq LIMIT ?1");
    if (!s.ok()) return s.status();
    (*s)->bind(1, static_cast<int64_t>(max_operations));
    for (;;) {
      auto row = (*s)->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      auto op = openRecord<wire::Operation>((*s)->blob(1),
                                            rowName("outbox", std::to_string((*s)->int64(0))));
      if (!op.ok()) return op.status();
      *req.mutable_push()->add_operations() = std::move(op).value();
    }
  }
  {
    // What waits behind this push, for the officers' view (same lock: one snapshot).
    auto s = db_->cached("SELECT count(*) FROM outbox");
    if (!s.ok()) return s.status();
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    const int64_t left = (*s)->int64(0) - req.push().operations_size();
    req.set_pending_operations(
        static_cast<uint32_t>(std::clamp<int64_t>(left, 0, kMaxReportedPending)));
  }
  {
    auto s = db_->cached("SELECT scope, seq FROM sync_cursors ORDER BY scope");
    if (!s.ok()) return s.status();
    for (;;) {
      auto row = (*s)->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      wire::Cursor* c = req.add_cursors();
      c->set_scope(std::string((*s)->text(0)));
      c->set_seq(static_cast<uint64_t>((*s)->int64(1)));
    }
  }
  const sync::HlcTimestamp hlc = clock_.now();
  req.mutable_device_clock()->set_wall_ms(hlc.wall_ms);
  req.mutable_device_clock()->set_logical(hlc.logical);
  *req.mutable_device_time() = timestampNow();
  return req;
}

sync::Result<SyncApplyReport> Store::applySyncResponse(const wire::SyncResponse& response) {
  std::lock_guard lock(mu_);
  SyncApplyReport report;
  if (response.status() == wire::ERROR_CODE_SEQUENCE_GAP) {
    // Nothing was applied; the outbox still holds everything unacknowledged, oldest first, so
    // the next request resends from the right place, unless this device lost those entries.
    auto s = db_->cached("SELECT min(device_seq) FROM outbox");
    if (!s.ok()) return s.status();
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (response.resend_from_seq() == 0 ||
        ((*s)->isNull(0) || static_cast<uint64_t>((*s)->int64(0)) > response.resend_from_seq())) {
      return Status::Corruption("the gateway asks for operations this device no longer has");
    }
    report.resend_from = response.resend_from_seq();
    return report;
  }
  if (response.status() != wire::ERROR_CODE_OK) return statusForResponse(response.status());
  if (auto st = sync::verifyPage(response); !st.ok()) return st;

  Transaction txn(*db_);
  if (auto st = txn.begin(); !st.ok()) return st;

  // 1. The acknowledgement: rejections first, then everything else up to `through` is synced,
  //    then the outbox entries go.
  const uint64_t through = response.ack().applied_through_seq();
  {
    auto s = db_->cached("SELECT last_device_seq FROM device");
    if (!s.ok()) return s.status();
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row || through > static_cast<uint64_t>((*s)->int64(0))) {
      return Status::Corruption("the gateway acknowledged an operation this device never made");
    }
  }
  report.acked_through = through;
  for (const wire::Rejection& r : response.ack().rejections()) {
    if (r.device_seq() == 0 || r.device_seq() > through) {
      return Status::Corruption("a rejection lies outside the acknowledged range");
    }
    const std::string detail = r.detail().substr(0, kMaxRejectionDetail);
    {
      // Still in the outbox: newly rejected (a replayed range reports stored rejections again).
      auto s = db_->cached("SELECT record_id FROM outbox WHERE device_seq = ?1");
      if (!s.ok()) return s.status();
      (*s)->bind(1, static_cast<int64_t>(r.device_seq()));
      auto row = (*s)->step();
      if (!row.ok()) return row.status();
      if (*row) {
        report.rejections.push_back({r.device_seq(), std::string((*s)->text(0)), r.code(), detail});
      }
    }
    for (const char* sql :
         {"UPDATE members SET sync_state = 4, rejection_code = ?2, rejection_detail = ?3 "
          "WHERE device_seq = ?1 AND sync_state <> 4",
          "UPDATE submissions SET sync_state = 4, rejection_code = ?2, rejection_detail = ?3 "
          "WHERE device_seq = ?1 AND sync_state <> 4"}) {
      auto s = db_->cached(sql);
      if (!s.ok()) return s.status();
      if (auto st = (*s)->bind(1, static_cast<int64_t>(r.device_seq()))
                        .bind(2, static_cast<int64_t>(r.code()))
                        .bind(3, detail)
                        .run();
          !st.ok()) {
        return st;
      }
      report.records_rejected += static_cast<int>(db_->changes());
    }
  }
  for (const char* sql : {"UPDATE members SET sync_state = 3 WHERE sync_state = 2 AND "
                          "device_seq <= ?1",
                          "UPDATE submissions SET sync_state = 3 WHERE sync_state = 2 AND "
                          "device_seq <= ?1"}) {
    auto s = db_->cached(sql);
    if (!s.ok()) return s.status();
    if (auto st = (*s)->bind(1, static_cast<int64_t>(through)).run(); !st.ok()) return st;
    report.records_synced += static_cast<int>(db_->changes());
  }
  {
    auto s = db_->cached("DELETE FROM outbox WHERE device_seq <= ?1");
    if (!s.ok()) return s.status();
    if (auto st = (*s)->bind(1, static_cast<int64_t>(through)).run(); !st.ok()) return st;
  }

  // 2. Published records, in (scope, seq) order; a seq at or below the cursor is a no-op.
  for (const wire::PublishedRecord& rec : response.records()) {
    auto s = db_->cached("SELECT seq FROM sync_cursors WHERE scope = ?1");
    if (!s.ok()) return s.status();
    (*s)->bind(1, rec.scope());
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    const uint64_t cursor = *row ? static_cast<uint64_t>((*s)->int64(0)) : 0;
    if (rec.seq() <= cursor) {
      ++report.records_skipped;
      continue;
    }
    switch (rec.record_case()) {
      case wire::PublishedRecord::kForm: {
        Status st = putFormLocked(rec.form());
        if (st.IsInvalidArgument()) {
          ++report.forms_invalid;  // unusable; the cursor still moves past it
        } else if (!st.ok()) {
          return st;
        } else {
          ++report.forms_stored;
        }
        break;
      }
      case wire::PublishedRecord::kInboxItem:
        if (auto st = putInboxItemLocked(rec.inbox_item(), rec.scope()); !st.ok()) return st;
        ++report.inbox_items_stored;
        break;
      case wire::PublishedRecord::kOperation: {
        const wire::Operation& op = rec.operation();
        if (op.payload_case() != wire::Operation::kEntityUpdate &&
            op.payload_case() != wire::Operation::kEntityDelete) {
          return Status::Corruption("a relayed operation is not a shared-entity operation");
        }
        if (auto st = putEntityOpLocked(op); !st.ok()) return st;
        ++report.entity_ops_stored;
        break;
      }
      case wire::PublishedRecord::kRosterEntry:
      case wire::PublishedRecord::kPollDefinition:
      case wire::PublishedRecord::kTombstone: {
        // Kept sealed for the screens that will show them; the page applies whole.
        auto ins = db_->cached(
            "INSERT INTO published_records(scope, seq, kind, sealed) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT(scope, seq) DO UPDATE SET kind = excluded.kind, sealed = excluded.sealed");
        if (!ins.ok()) return ins.status();
        const std::string key = rec.scope() + "/" + std::to_string(rec.seq());
        if (auto st = (*ins)
                          ->bind(1, rec.scope())
                          .bind(2, static_cast<int64_t>(rec.seq()))
                          .bind(3, static_cast<int64_t>(rec.record_case()))
                          .bindBlob(4, cipher_.seal(rec.SerializeAsString(),
                                                    rowName("published_records", key)))
                          .run();
            !st.ok()) {
          return st;
        }
        ++report.other_records_stored;
        break;
      }
      default:
        // A record kind newer than this build. Refusing the page keeps the cursor, so
        // nothing is skipped unseen; an app update reads it.
        return Status::Unsupported("the page holds a record kind this build cannot store");
    }
  }

  // 3. Cursors: the positions after applying the page in full.
  for (const wire::Cursor& c : response.cursors()) {
    if (c.scope().empty() || c.scope().size() > 128) {
      return Status::Corruption("a cursor in the response is malformed");
    }
    auto s = db_->cached(
        "INSERT INTO sync_cursors(scope, seq) VALUES (?1, ?2) "
        "ON CONFLICT(scope) DO UPDATE SET seq = excluded.seq");
    if (!s.ok()) return s.status();
    if (auto st = (*s)->bind(1, c.scope()).bind(2, static_cast<int64_t>(c.seq())).run(); !st.ok()) {
      return st;
    }
  }

  // 4. The server clock seeds the device's HLC (section 5).
  if (response.has_server_clock()) {
    const auto observed =
        clock_.observe({response.server_clock().wall_ms(), response.server_clock().logical()});
    auto s = db_->cached("UPDATE device SET hlc_wall_ms = ?1, hlc_logical = ?2");
    if (!s.ok()) return s.status();
    if (auto st = (*s)->bind(1, static_cast<int64_t>(observed.timestamp.wall_ms))
                      .bind(2, static_cast<int64_t>(observed.timestamp.logical))
                      .run();
        !st.ok()) {
      return st;
    }
  }
  if (auto st = txn.commit(); !st.ok()) return st;
  report.more = response.more();
  return report;
}

sync::Result<views::SyncStatus> Store::recordStatus(const std::string& id) {
  std::lock_guard lock(mu_);
  for (const char* sql :
       {"SELECT device_seq, sync_state, rejection_code, rejection_detail FROM members "
        "WHERE id = ?1",
        "SELECT device_seq, sync_state, rejection_code, rejection_detail FROM submissions "
        "WHERE id = ?1"}) {
    auto s = db_->cached(sql);
    if (!s.ok()) return s.status();
    (*s)->bind(1, id);
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (*row) return syncStatusFromRow(**s, 0);
  }
  return Status::NotFound("no such record");
}

sync::Result<int64_t> Store::pendingCount() {
  std::lock_guard lock(mu_);
  auto s = db_->cached("SELECT count(*) FROM outbox");
  if (!s.ok()) return s.status();
  auto row = (*s)->step();
  if (!row.ok()) return row.status();
  return (*s)->int64(0);
}

}  // namespace liaison::mobile

// ---- The sync client's state ----

namespace liaison::mobile {

namespace {

bool isWellFormedScope(std::string_view scope) {
  return !scope.empty() && scope.size() <= 128 && scope.find('\n') == std::string_view::npos;
}

bool isWellFormedName(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

void setVersion(wire::Version* out, const sync::Version& v) {
  out->mutable_hlc()->set_wall_ms(v.hlc.wall_ms);
  out->mutable_hlc()->set_logical(v.hlc.logical);
  out->set_device_id(v.device_id);
}

}  // namespace

sync::Status Store::saveEnrolment(const std::string& device_id, const SyncCredential& credential) {
  if (credential.secret_key.size() != 64) {
    return Status::InvalidArgument("the device's secret key must be 64 bytes");
  }
  std::set<std::string> scopes;
  for (const std::string& scope : credential.scopes) {
    if (!isWellFormedScope(scope)) return Status::InvalidArgument("a granted scope is malformed");
    scopes.insert(scope);
  }
  if (auto st = enrol(device_id); !st.ok()) return st;
  std::lock_guard lock(mu_);
  Transaction txn(*db_);
  if (auto st = txn.begin(); !st.ok()) return st;
  std::string joined;
  for (const std::string& scope : scopes) {
    if (!joined.empty()) joined += '\n';
    joined += scope;
    auto s = db_->cached("INSERT INTO sync_cursors(scope) VALUES (?1) ON CONFLICT DO NOTHING");
    if (!s.ok()) return s.status();
    if (auto st = (*s)->bind(1, scope).run(); !st.ok()) return st;
  }
  auto s = db_->cached(
      "INSERT INTO sync_credential(singleton, sealed, granted_scopes) VALUES (1, ?1, ?2) "
      "ON CONFLICT(singleton) DO UPDATE SET sealed = excluded.sealed, "
      "granted_scopes = excluded.granted_scopes");
  if (!s.ok()) return s.status();
  if (auto st =
          (*s)->bindBlob(1, cipher_.seal(credential.secret_key, rowName("sync_credential", "1")))
              .bind(2, joined)
              .run();
      !st.ok()) {
    return st;
  }
  return txn.commit();
}

sync::Result<SyncCredential> Store::credential() {
  std::lock_guard lock(mu_);
  auto s = db_->cached("SELECT sealed, granted_scopes FROM sync_credential");
  if (!s.ok()) return s.status();
  auto row = (*s)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("the store was not enrolled through the sync client");
  auto key = cipher_.open((*s)->blob(0), rowName("sync_credential", "1"));
  if (!key.ok()) return key.status();
  if (key->size() != 64) return Status::Corruption("the stored device key is damaged");
  SyncCredential out;
  out.secret_key = std::move(key).value();
  std::string_view scopes = (*s)->text(1);
  while (!scopes.empty()) {
    const auto nl = scopes.find('\n');
    out.scopes.emplace_back(scopes.substr(0, nl));
    scopes = nl == std::string_view::npos ? std::string_view() : scopes.substr(nl + 1);
  }
  return out;
}

sync::Status Store::unfollowScope(const std::string& scope) {
  std::lock_guard lock(mu_);
  auto s = db_->cached("DELETE FROM sync_cursors WHERE scope = ?1");
  if (!s.ok()) return s.status();
  return (*s)->bind(1, scope).run();
}

sync::Result<std::vector<std::string>> Store::followedScopes() {
  std::lock_guard lock(mu_);
  auto s = db_->cached("SELECT scope FROM sync_cursors ORDER BY scope");
  if (!s.ok()) return s.status();
  std::vector<std::string> out;
  for (;;) {
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.emplace_back((*s)->text(0));
  }
  return out;
}

// ---- Shared entities ----

sync::Status Store::putEntityOpLocked(const wire::Operation& op) {
  const bool update = op.payload_case() == wire::Operation::kEntityUpdate;
  const std::string& type =
      update ? op.entity_update().entity_type() : op.entity_delete().entity_type();
  const std::string& id = update ? op.entity_update().entity_id() : op.entity_delete().entity_id();
  if (!isWellFormedName(type) || !isWellFormedName(id) || !isWellFormedName(op.device_id()) ||
      op.device_seq() == 0 || !op.has_hlc()) {
    return Status::Corruption("a shared-entity operation is malformed");
  }
  // (device_id, device_seq) is the operation's identity: a repeat is a no-op.
  auto s = db_->cached(
      "INSERT INTO entity_ops(device_id, device_seq, entity_type, entity_id, sealed) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");
  if (!s.ok()) return s.status();
  const std::string key = op.device_id() + "/" + std::to_string(op.device_seq());
  return (*s)
      ->bind(1, op.device_id())
      .bind(2, static_cast<int64_t>(op.device_seq()))
      .bind(3, type)
      .bind(4, id)
      .bindBlob(5, cipher_.seal(op.SerializeAsString(), rowName("entity_ops", key)))
      .run();
}

sync::Result<sync::EntityState> Store::entityLocked(const std::string& type,
                                                    const std::string& id) {
  auto s = db_->cached(
      "SELECT device_id, device_seq, sealed FROM entity_ops WHERE entity_type = ?1 AND "
      "entity_id = ?2");
  if (!s.ok()) return s.status();
  (*s)->bind(1, type).bind(2, id);
  std::vector<wire::Operation> ops;
  for (;;) {
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string key = std::string((*s)->text(0)) + "/" + std::to_string((*s)->int64(1));
    auto op = openRecord<wire::Operation>((*s)->blob(2), rowName("entity_ops", key));
    if (!op.ok()) return op.status();
    ops.push_back(std::move(op).value());
  }
  if (ops.empty()) return Status::NotFound("no such entity");
  std::vector<const wire::Operation*> ptrs;
  ptrs.reserve(ops.size());
  for (const wire::Operation& op : ops) ptrs.push_back(&op);
  // No high-water mark: the set of operations decides, whatever their order (section 6.2).
  const sync::Plan plan = sync::computePlan(sync::StagedState{}, ptrs);
  for (const sync::EntityWrite& w : plan.entity_writes) {
    if (w.key.type == type && w.key.id == id) return w.state;
  }
  return sync::EntityState{};
}

sync::Result<sync::EntityState> Store::entity(const std::string& type, const std::string& id) {
  std::lock_guard lock(mu_);
  return entityLocked(type, id);
}

sync::Status Store::updateEntity(const std::string& type, const std::string& id,
                                 const std::vector<EntityField>& fields) {
  const sync::BatchLimits limits;
  if (!isWellFormedName(type) || !isWellFormedName(id)) {
    return Status::InvalidArgument("entity type and id must be 1-64 of [A-Za-z0-9._:-]");
  }
  if (fields.empty() || fields.size() > limits.max_fields_per_update) {
    return Status::InvalidArgument("an entity update writes 1-128 fields");
  }
  std::set<std::string> names;
  for (const auto& [name, value] : fields) {
    if (!isWellFormedName(name) || !names.insert(name).second) {
      return Status::InvalidArgument("field names must be unique, 1-64 of [A-Za-z0-9._:-]");
    }
    if (value.size() > limits.max_field_value_bytes) {
      return Status::InvalidArgument("a field value is over 64 KiB");
    }
  }
  std::lock_guard lock(mu_);
  Transaction txn(*db_);
  if (auto st = txn.begin(); !st.ok()) return st;
  auto current = entityLocked(type, id);
  if (!current.ok() && !current.status().IsNotFound()) return current.status();
  auto next = nextOperation(txn);
  if (!next.ok()) return next.status();
  wire::EntityUpdate* u = next->op.mutable_entity_update();
  u->set_entity_type(type);
  u->set_entity_id(id);
  for (const auto& [name, value] : fields) {
    wire::FieldWrite* f = u->add_fields();
    f->set_field(name);
    f->set_value(value);
    if (current.ok()) {
      if (auto it = current->fields.find(name); it != current->fields.end()) {
        setVersion(f->mutable_base(), it->second.version);
      }
    }
  }
  if (auto st = appendOutbox(txn, 3, id, next->op); !st.ok()) return st;
  if (auto st = putEntityOpLocked(next->op); !st.ok()) return st;
  return txn.commit();
}

}  // namespace liaison::mobile
