// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteOutboxStore: the outbox ledger in SQLite (schema: migration 3 in sqlite_store.cc).
// Every statement is portable SQL from a fixed set of texts (all fit the statement cache).
// Each single-row transition is an UPDATE guarded by `state IN (allowed)`: the guard is what
// keeps final states final, and it holds even against a racing second writer.
#include "store/sqlite_outbox_store.h"

#include <algorithm>
#include <utility>

namespace liaison::gateway::store {

namespace {

constexpr std::string_view kSelectColumns =
    "SELECT o.id, o.tenant_id, o.campaign_id, o.contact_id, o.step, o.to_e164, o.body, "
    "o.language, o.encoding, o.segments, o.priority, o.resend_policy, o.time_zone, o.state, "
    "o.attempts, o.channel, o.not_before, o.expires_at, o.failure_code, o.created_at, "
    "o.updated_at";
constexpr int kColumnCount = 21;

constexpr std::size_t kMaxProviderIdLength = 64;
constexpr std::size_t kMaxSegments = 255;

void readRow(const Statement& s, OutboxMessage* m) {
  m->id = s.int64(0);
  m->tenant_id = s.text(1);
  m->campaign_id = s.text(2);
  m->contact_id = s.int64(3);
  m->step = s.text(4);
  m->to_e164 = s.text(5);
  m->body = s.text(6);
  m->language = s.text(7);
  m->encoding = static_cast<OutboxEncoding>(s.int64(8));
  m->segments = static_cast<int>(s.int64(9));
  m->priority = static_cast<OutboxPriority>(s.int64(10));
  m->resend_policy = static_cast<ResendPolicy>(s.int64(11));
  m->time_zone = s.text(12);
  m->state = static_cast<OutboxState>(s.int64(13));
  m->attempts = static_cast<int>(s.int64(14));
  m->channel = s.text(15);
  m->not_before = s.int64(16);
  m->expires_at = s.isNull(17) ? std::nullopt : std::optional<std::int64_t>(s.int64(17));
  m->failure_code = s.text(18);
  m->created_at = s.int64(19);
  m->updated_at = s.int64(20);
  m->provider_ids.clear();
}

bool validMessage(const NewOutboxMessage& m) {
  auto in = [](int v, int lo, int hi) { return v >= lo && v <= hi; };
  return !m.tenant_id.empty() && !m.campaign_id.empty() && !m.step.empty() && !m.to_e164.empty() &&
         m.segments >= 1 && static_cast<std::size_t>(m.segments) <= kMaxSegments &&
         in(static_cast<int>(m.encoding), 1, 3) && in(static_cast<int>(m.priority), 1, 3) &&
         in(static_cast<int>(m.resend_policy), 1, 2);
}

// Runs one update as its single-row call. Row-level refusals land in *result; other errors
// are returned.
std::error_code applyOne(OutboxStore& store, const OutboxUpdate& u, std::int64_t now,
                         OutboxUpdateResult* result) {
  Transition t = Transition::Ignored;
  std::error_code ec;
  switch (u.kind) {
    case OutboxUpdate::Kind::Submitted:
      ec = store.markSubmitted(u.id, u.provider_ids, now, &t);
      break;
    case OutboxUpdate::Kind::Delivered: ec = store.markDelivered(u.id, now, &t); break;
    case OutboxUpdate::Kind::Failed: ec = store.markFailed(u.id, u.failure_code, now, &t); break;
    case OutboxUpdate::Kind::Expired: ec = store.markExpired(u.id, now, &t); break;
    case OutboxUpdate::Kind::Unknown: ec = store.markUnknown(u.id, now, &t); break;
    case OutboxUpdate::Kind::Requeue: ec = store.requeue(u.id, u.not_before, now, &t); break;
  }
  *result = {};
  if (ec == StoreErrc::NotFound || ec == StoreErrc::InvalidArgument) {
    result->error = ec;
    return {};
  }
  if (ec) return ec;
  result->transition = t;
  return {};
}

}  // namespace

std::error_code OutboxStore::applyBatch(std::span<const OutboxUpdate> updates, std::int64_t now,
                                        std::vector<OutboxUpdateResult>* results) {
  results->assign(updates.size(), OutboxUpdateResult{});
  for (std::size_t i = 0; i < updates.size(); ++i) {
    if (auto ec = applyOne(*this, updates[i], now, &(*results)[i])) return ec;
  }
  return {};
}

std::error_code SqliteOutboxStore::applyBatch(std::span<const OutboxUpdate> updates,
                                              std::int64_t now,
                                              std::vector<OutboxUpdateResult>* results) {
  results->clear();
  if (updates.empty()) return {};
  std::vector<OutboxUpdateResult> out(updates.size());
  Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    // Each call's own transaction is a savepoint inside this one: a refused row undoes only
    // its own writes, and nothing is durable before the commit below.
    if (auto ec = applyOne(*this, updates[i], now, &out[i])) return ec;  // rolls back
  }
  if (auto ec = txn.commit()) return ec;
  *results = std::move(out);
  return {};
}

bool isValidFailureCode(std::string_view code) {
  if (code.empty() || code.size() > kMaxFailureCodeLength) return false;
  for (char ch : code) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

namespace {

constexpr std::string_view kInsertMessage =
    "INSERT INTO outbox (tenant_id, campaign_id, contact_id, step, to_e164, body, language, "
    "encoding, segments, priority, resend_policy, time_zone, not_before, expires_at, state, "
    "attempts, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, 0, ?15, ?15) "
    "ON CONFLICT (campaign_id, contact_id, step) DO NOTHING";

void bindMessage(Statement& s, const NewOutboxMessage& m, std::int64_t now) {
  s.reset();  // binding a stepped statement fails silently: reset first
  s.bind(1, std::string_view(m.tenant_id));
  s.bind(2, std::string_view(m.campaign_id));
  s.bind(3, m.contact_id);
  s.bind(4, std::string_view(m.step));
  s.bind(5, std::string_view(m.to_e164));
  s.bind(6, std::string_view(m.body));
  s.bindOptional(7, m.language);
  s.bind(8, static_cast<std::int64_t>(m.encoding));
  s.bind(9, static_cast<std::int64_t>(m.segments));
  s.bind(10, static_cast<std::int64_t>(m.priority));
  s.bind(11, static_cast<std::int64_t>(m.resend_policy));
  s.bindOptional(12, m.time_zone);
  s.bind(13, m.not_before);
  if (m.expires_at) {
    s.bind(14, *m.expires_at);
  } else {
    s.bindNull(14);
  }
  s.bind(15, now);
}

}  // namespace

std::error_code SqliteOutboxStore::enqueueBatch(std::span<const NewOutboxMessage> messages,
                                                std::int64_t now, EnqueueCounts* counts) {
  *counts = {};
  // Validate everything first, so bad input never leaves half a campaign step committed.
  for (const NewOutboxMessage& m : messages) {
    if (!validMessage(m)) return StoreErrc::InvalidArgument;
  }
  std::size_t next = 0;
  while (next < messages.size()) {
    const std::size_t end = std::min(messages.size(), next + batch_rows_);
    EnqueueCounts batch;
    Transaction txn(db_);
    if (auto ec = txn.begin()) return ec;
    std::error_code ec;
    auto s = db_.cached(kInsertMessage, &ec);
    if (ec) return ec;
    for (std::size_t i = next; i < end; ++i) {
      bindMessage(*s, messages[i], now);
      if ((ec = s->run())) return ec;  // the transaction rolls back; earlier batches stand
      if (db_.changes() > 0) {
        ++batch.inserted;
      } else {
        ++batch.already_present;
      }
    }
    if ((ec = txn.commit())) return ec;
    counts->inserted += batch.inserted;
    counts->already_present += batch.already_present;
    next = end;
  }
  return {};
}

std::error_code SqliteOutboxStore::enqueueOne(const NewOutboxMessage& message, std::int64_t now,
                                              std::int64_t* id, bool* inserted) {
  if (!validMessage(message)) return StoreErrc::InvalidArgument;
  std::error_code ec;
  {
    auto s = db_.cached(kInsertMessage, &ec);
    if (ec) return ec;
    bindMessage(*s, message, now);
    if ((ec = s->run())) return ec;
  }
  *inserted = db_.changes() > 0;
  if (*inserted) {
    *id = db_.lastInsertRowId();
    return {};
  }
  auto s = db_.cached(
      "SELECT id FROM outbox WHERE campaign_id = ?1 AND contact_id = ?2 AND step = ?3", &ec);
  if (ec) return ec;
  s->bind(1, std::string_view(message.campaign_id));
  s->bind(2, message.contact_id);
  s->bind(3, std::string_view(message.step));
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::Other;  // the conflict that stopped the insert is gone: a bug
  *id = s->int64(0);
  return {};
}

// The claim runs in one BEGIN IMMEDIATE transaction: SQLite has one writer, so no other
// connection can claim the same rows between the SELECT and the UPDATEs. PostgreSQL, with
// several gateway nodes on one database, claims in one statement and lets nodes skip each
// other's locked rows instead of queueing on them:
//
//   WITH due AS (
//     SELECT o.id FROM outbox o
//     WHERE o.state = 1 AND o.priority = $1 AND o.not_before <= $2
//     ORDER BY o.not_before, o.id LIMIT $3
//     FOR UPDATE OF o SKIP LOCKED)
//   UPDATE outbox o SET state = 2, attempts = o.attempts + 1, channel = $4, updated_at = $2
//   FROM due WHERE o.id = due.id RETURNING o.*;
//
// with the expiry and opt-out checks as two UPDATEs before it over the same locked set (or
// the row-at-a-time loop below inside the same transaction).
std::error_code SqliteOutboxStore::claimDue(std::int64_t now, int limit, std::string_view channel,
                                            std::vector<OutboxMessage>* out, ClaimCounts* counts) {
  out->clear();
  *counts = {};
  if (limit <= 0) return {};
  if (channel.empty()) return StoreErrc::InvalidArgument;
  Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  std::vector<OutboxMessage> claimed;
  ClaimCounts c;
  std::vector<std::pair<OutboxMessage, std::int64_t>> due;  // row, contact status (0: none)
  for (int priority : {3, 2, 1}) {
    while (static_cast<int>(claimed.size()) < limit) {
      const int want = limit - static_cast<int>(claimed.size());
      std::error_code ec;
      due.clear();
      {
        // Served by the partial index outbox_queued: equality on priority, range on
        // not_before, already in (not_before, id) order.
        auto s = db_.cached(std::string(kSelectColumns)
                                .append(", c.status FROM outbox o LEFT JOIN contacts c "
                                        "ON c.id = o.contact_id AND c.tenant_id = o.tenant_id "
                                        "WHERE o.state = 1 AND o.held = 0 AND o.priority = ?1 "
                                        "AND o.not_before <= ?2 ")
                                .append(claim_tenant_.empty() ? "" : "AND o.tenant_id = ?4 ")
                                .append("ORDER BY o.not_before, o.id LIMIT ?3"),
                            &ec);
        if (ec) return ec;
        s->bind(1, static_cast<std::int64_t>(priority));
        s->bind(2, now);
        s->bind(3, static_cast<std::int64_t>(want));
        if (!claim_tenant_.empty()) s->bind(4, std::string_view(claim_tenant_));
        bool row = false;
        while (!(ec = s->step(&row)) && row) {
          OutboxMessage m;
          readRow(*s, &m);
          due.emplace_back(std::move(m), s->isNull(kColumnCount) ? 0 : s->int64(kColumnCount));
        }
        if (ec) return ec;
      }
      for (auto& [m, status] : due) {
        std::string_view failure;
        if (m.expires_at && now >= *m.expires_at) {
          auto s = db_.cached(
              "UPDATE outbox SET state = 6, updated_at = ?2 WHERE id = ?1 AND state = 1", &ec);
          if (ec) return ec;
          s->bind(1, m.id);
          s->bind(2, now);
          if ((ec = s->run())) return ec;
          ++c.expired;
          continue;
        }
        // Opt-out is absolute (promise 3), checked here and not only when the audience was
        // built: a STOP that arrives after enqueueing still stops the send. Status numbers
        // are ContactStatus: 1 active, 2 opted out, 3 invalid.
        if (m.priority != OutboxPriority::Confirmation) {
          if (status == 0) failure = kFailureContactGone;
          if (status == 2) failure = kFailureOptedOut;
          if (status == 3) failure = kFailureContactInvalid;
        }
        if (!failure.empty()) {
          auto s = db_.cached(
              "UPDATE outbox SET state = 5, failure_code = ?3, updated_at = ?2 "
              "WHERE id = ?1 AND state = 1",
              &ec);
          if (ec) return ec;
          s->bind(1, m.id);
          s->bind(2, now);
          s->bind(3, failure);
          if ((ec = s->run())) return ec;
          ++c.suppressed;
          continue;
        }
        auto s = db_.cached(
            "UPDATE outbox SET state = 2, attempts = attempts + 1, channel = ?3, "
            "updated_at = ?2 WHERE id = ?1 AND state = 1",
            &ec);
        if (ec) return ec;
        s->bind(1, m.id);
        s->bind(2, now);
        s->bind(3, channel);
        if ((ec = s->run())) return ec;
        m.state = OutboxState::Sending;
        m.attempts += 1;
        m.channel = channel;
        m.updated_at = now;
        claimed.push_back(std::move(m));
      }
      // Fewer rows than asked for: this priority has no more due rows. Otherwise loop: rows
      // that expired or were suppressed left the queue, and the next SELECT sees fresh ones.
      if (static_cast<int>(due.size()) < want) break;
    }
  }
  if (auto ec = txn.commit()) return ec;
  c.claimed = static_cast<std::int64_t>(claimed.size());
  *out = std::move(claimed);
  *counts = c;
  return {};
}

std::error_code SqliteOutboxStore::exists(std::int64_t id, bool* found) {
  std::error_code ec;
  auto s = db_.cached("SELECT 1 FROM outbox WHERE id = ?1", &ec);
  if (ec) return ec;
  s->bind(1, id);
  return s->step(found);
}

std::error_code SqliteOutboxStore::finishTransition(Statement& update, std::int64_t id,
                                                    Transition* result) {
  if (auto ec = update.run()) return ec;
  if (db_.changes() > 0) {
    *result = Transition::Applied;
    return {};
  }
  bool found = false;
  if (auto ec = exists(id, &found)) return ec;
  if (!found) return StoreErrc::NotFound;
  *result = Transition::Ignored;
  return {};
}

std::error_code SqliteOutboxStore::markSubmitted(std::int64_t id,
                                                 std::span<const std::string> provider_ids,
                                                 std::int64_t now, Transition* result) {
  if (provider_ids.empty() || provider_ids.size() > kMaxSegments) {
    return StoreErrc::InvalidArgument;
  }
  for (const std::string& p : provider_ids) {
    if (p.empty() || p.size() > kMaxProviderIdLength) return StoreErrc::InvalidArgument;
  }
  Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  std::error_code ec;
  std::string channel;
  {
    auto s = db_.cached(
        "UPDATE outbox SET state = 3, updated_at = ?2 WHERE id = ?1 AND state IN (2, 7)", &ec);
    if (ec) return ec;
    s->bind(1, id);
    s->bind(2, now);
    if ((ec = finishTransition(*s, id, result))) return ec;
    if (*result == Transition::Ignored) return {};  // nothing written; rolls back a no-op
  }
  {
    auto s = db_.cached("SELECT channel FROM outbox WHERE id = ?1", &ec);
    if (ec) return ec;
    s->bind(1, id);
    bool row = false;
    if ((ec = s->step(&row))) return ec;
    if (row) channel = s->text(0);
  }
  {
    auto s = db_.cached("DELETE FROM outbox_parts WHERE outbox_id = ?1", &ec);
    if (ec) return ec;
    s->bind(1, id);
    if ((ec = s->run())) return ec;
  }
  std::int64_t seq = 1;
  for (const std::string& p : provider_ids) {
    auto s = db_.cached(
        "INSERT INTO outbox_parts (outbox_id, seq, channel, provider_id) VALUES (?1, ?2, ?3, ?4)",
        &ec);
    if (ec) return ec;
    s->bind(1, id);
    s->bind(2, seq++);
    s->bind(3, std::string_view(channel));
    s->bind(4, std::string_view(p));
    if ((ec = s->run())) return ec;
  }
  return txn.commit();
}

std::error_code SqliteOutboxStore::markDelivered(std::int64_t id, std::int64_t now,
                                                 Transition* result) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE outbox SET state = 4, updated_at = ?2 WHERE id = ?1 AND state IN (3, 7)", &ec);
  if (ec) return ec;
  s->bind(1, id);
  s->bind(2, now);
  return finishTransition(*s, id, result);
}

std::error_code SqliteOutboxStore::markFailed(std::int64_t id, std::string_view failure_code,
                                              std::int64_t now, Transition* result) {
  if (!isValidFailureCode(failure_code)) return StoreErrc::InvalidArgument;
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE outbox SET state = 5, failure_code = ?3, updated_at = ?2 "
      "WHERE id = ?1 AND state IN (1, 2, 3, 7)",
      &ec);
  if (ec) return ec;
  s->bind(1, id);
  s->bind(2, now);
  s->bind(3, failure_code);
  return finishTransition(*s, id, result);
}

std::error_code SqliteOutboxStore::markExpired(std::int64_t id, std::int64_t now,
                                               Transition* result) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE outbox SET state = 6, updated_at = ?2 WHERE id = ?1 AND state IN (1, 3, 7)", &ec);
  if (ec) return ec;
  s->bind(1, id);
  s->bind(2, now);
  return finishTransition(*s, id, result);
}

std::error_code SqliteOutboxStore::markUnknown(std::int64_t id, std::int64_t now,
                                               Transition* result) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE outbox SET state = 7, updated_at = ?2 WHERE id = ?1 AND state IN (2, 3)", &ec);
  if (ec) return ec;
  s->bind(1, id);
  s->bind(2, now);
  return finishTransition(*s, id, result);
}

std::error_code SqliteOutboxStore::requeue(std::int64_t id, std::int64_t not_before,
                                           std::int64_t now, Transition* result) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE outbox SET state = 1, not_before = ?3, updated_at = ?2 WHERE id = ?1 AND state = 2",
      &ec);
  if (ec) return ec;
  s->bind(1, id);
  s->bind(2, now);
  s->bind(3, not_before);
  return finishTransition(*s, id, result);
}

std::error_code SqliteOutboxStore::expireOverdue(std::int64_t now, std::int64_t* expired) {
  *expired = 0;
  std::error_code ec;
  // One statement, so one implicit transaction; served by the partial index
  // outbox_queued_expiry (its WHERE terms are repeated here so the planner may use it).
  auto s = db_.cached(
      "UPDATE outbox SET state = 6, updated_at = ?1 "
      "WHERE state = 1 AND expires_at IS NOT NULL AND expires_at <= ?1",
      &ec);
  if (ec) return ec;
  s->bind(1, now);
  if ((ec = s->run())) return ec;
  *expired = db_.changes();
  return {};
}

std::error_code SqliteOutboxStore::recover(std::int64_t now, RecoverCounts* counts) {
  *counts = {};
  Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  std::error_code ec;
  RecoverCounts r;
  {
    // At-least-once: the send may or may not have reached the SMSC; sending again risks one
    // duplicate per message in flight, which promise 2 allows and counts (attempts > 1).
    auto s = db_.cached(
        "UPDATE outbox SET state = 1, updated_at = ?1 WHERE state = 2 AND resend_policy = 1", &ec);
    if (ec) return ec;
    s->bind(1, now);
    if ((ec = s->run())) return ec;
    r.requeued = db_.changes();
  }
  {
    // Never-resend: a second copy of a poll question would skew its answers.
    auto s = db_.cached(
        "UPDATE outbox SET state = 7, updated_at = ?1 WHERE state = 2 AND resend_policy = 2", &ec);
    if (ec) return ec;
    s->bind(1, now);
    if ((ec = s->run())) return ec;
    r.unknown = db_.changes();
  }
  if ((ec = txn.commit())) return ec;
  *counts = r;
  return {};
}

std::error_code SqliteOutboxStore::get(std::int64_t id, OutboxMessage* out) {
  std::error_code ec;
  {
    auto s = db_.cached(std::string(kSelectColumns).append(" FROM outbox o WHERE o.id = ?1"), &ec);
    if (ec) return ec;
    s->bind(1, id);
    bool row = false;
    if ((ec = s->step(&row))) return ec;
    if (!row) return StoreErrc::NotFound;
    readRow(*s, out);
  }
  auto s =
      db_.cached("SELECT provider_id FROM outbox_parts WHERE outbox_id = ?1 ORDER BY seq", &ec);
  if (ec) return ec;
  s->bind(1, id);
  bool row = false;
  while (!(ec = s->step(&row)) && row) out->provider_ids.emplace_back(s->text(0));
  return ec;
}

std::error_code SqliteOutboxStore::findByProviderId(std::string_view channel,
                                                    std::string_view provider_id,
                                                    std::int64_t* id) {
  std::error_code ec;
  // Newest first: SMSCs recycle ids, and a receipt refers to the latest submission.
  auto s = db_.cached(
      "SELECT outbox_id FROM outbox_parts WHERE channel = ?1 AND provider_id = ?2 "
      "ORDER BY outbox_id DESC LIMIT 1",
      &ec);
  if (ec) return ec;
  s->bind(1, channel);
  s->bind(2, provider_id);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  *id = s->int64(0);
  return {};
}

std::error_code SqliteOutboxStore::countQueued(std::int64_t* out) {
  *out = 0;
  std::error_code ec;
  // Served by the partial index outbox_queued (state = 1 AND held = 0).
  auto s = db_.cached("SELECT count(*) FROM outbox WHERE state = 1 AND held = 0", &ec);
  if (ec) return ec;
  bool row = false;
  if (!(ec = s->step(&row)) && row) *out = s->int64(0);
  return ec;
}

std::error_code SqliteOutboxStore::countByState(std::string_view campaign_id,
                                                std::array<std::int64_t, 8>* out) {
  out->fill(0);
  std::error_code ec;
  auto s =
      db_.cached("SELECT state, count(*) FROM outbox WHERE campaign_id = ?1 GROUP BY state", &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    const std::int64_t state = s->int64(0);
    if (state >= 1 && state <= 7) (*out)[static_cast<std::size_t>(state)] = s->int64(1);
  }
  return ec;
}

std::error_code SqliteOutboxStore::holdCampaign(std::string_view campaign_id, bool held,
                                                std::int64_t now, std::int64_t* rows) {
  // The (campaign, contact, step) unique index finds the campaign's rows.
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE outbox SET held = ?2, updated_at = ?3 "
      "WHERE campaign_id = ?1 AND state = 1 AND held <> ?2",
      &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  s->bind(2, static_cast<std::int64_t>(held ? 1 : 0));
  s->bind(3, now);
  if ((ec = s->run())) return ec;
  if (rows) *rows = db_.changes();
  return {};
}

std::error_code SqliteOutboxStore::cancelCampaign(std::string_view campaign_id, std::int64_t now,
                                                  std::int64_t* rows) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE outbox SET state = 5, failure_code = ?2, held = 0, updated_at = ?3 "
      "WHERE campaign_id = ?1 AND state = 1",
      &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  s->bind(2, kFailureCampaignCancelled);
  s->bind(3, now);
  if ((ec = s->run())) return ec;
  if (rows) *rows = db_.changes();
  return {};
}

}  // namespace liaison::gateway::store
