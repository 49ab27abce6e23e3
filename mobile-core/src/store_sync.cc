// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Store, sync side: what goes into the next request and how a response is applied
// (docs/sync-protocol.md sections 2, 4 and 7). The transport lives elsewhere: this is the part
// every transport shares, so it is tested without a network.
#include <algorithm>
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
    case wire::ERROR_CODE_DEVICE_REVOKED:
    case wire::ERROR_CODE_SCOPE_FORBIDDEN:
      return Status::PermissionDenied("the gateway refused this device");
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
      default:
        // Rosters, poll definitions and relayed entity operations come with a later version of
        // the core. Refusing the page keeps the cursor, so nothing is skipped unseen.
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
