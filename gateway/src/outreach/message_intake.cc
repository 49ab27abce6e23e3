// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// MessageIntake (message_intake.h): one thread, one transaction per gathered batch.
#include "outreach/message_intake.h"

#include <chrono>
#include <utility>

#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "util/log.h"

namespace liaison::gateway::outreach {

MessageIntake::MessageIntake(store::Database& db, std::mutex& store_mu, IntakeOptions options,
                             std::function<void()> on_committed)
    : db_(db),
      store_mu_(store_mu),
      options_(std::move(options)),
      on_committed_(std::move(on_committed)),
      group_([this](std::vector<Pending>& batch) { commit(batch); }, options_.max_batch,
             options_.max_pending) {}

MessageIntake::~MessageIntake() = default;

std::int64_t MessageIntake::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void MessageIntake::submit(DirectMessage message, Done done) {
  Pending p{std::move(message), std::move(done)};
  if (group_.submit(p)) return;
  IntakeResult busy;
  busy.outcome = IntakeOutcome::Busy;
  p.done(busy);
}

IntakeStats MessageIntake::stats() const {
  IntakeStats s;
  s.accepted = accepted_;
  s.duplicates = duplicates_;
  s.refused = refused_;
  s.store_failures = store_failures_;
  s.groups = group_.stats();
  return s;
}

void MessageIntake::commit(std::vector<Pending>& batch) {
  std::vector<IntakeResult> results(batch.size());
  std::error_code failed;
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t refused = 0;
  {
    std::lock_guard store_lock(store_mu_);
    store::SqliteContactStore contacts(db_);
    store::SqliteOutboxStore outbox(db_);
    const std::int64_t t = now();
    store::Transaction txn(db_);
    failed = txn.begin();
    for (std::size_t i = 0; i < batch.size() && !failed; ++i) {
      const DirectMessage& m = batch[i].message;
      IntakeResult& r = results[i];
      store::Contact c;
      std::error_code ec = m.contact_id != 0 ? contacts.findBasicById(m.tenant_id, m.contact_id, &c)
                                             : contacts.findBasic(m.tenant_id, m.to_e164, &c);
      if (ec == store::StoreErrc::NotFound) {
        r.outcome = IntakeOutcome::NoSuchContact;
        ++refused;
        continue;
      }
      if (ec) {
        failed = ec;
        break;
      }
      if (c.status != store::ContactStatus::Active) {
        r.outcome = c.status == store::ContactStatus::OptedOut ? IntakeOutcome::OptedOut
                                                                : IntakeOutcome::InvalidContact;
        ++refused;
        continue;
      }
      store::NewOutboxMessage row;
      row.tenant_id = m.tenant_id;
      row.campaign_id = std::string(kDirectCampaignId);
      row.contact_id = c.id;
      row.step = "api:" + m.key;
      row.to_e164 = c.phone_e164;
      row.body = m.body;
      row.language = c.language;
      row.encoding = m.encoding;
      row.segments = m.segments;
      // Sent ahead of campaign bulk, without a sending window: the caller chose the moment.
      row.priority = store::OutboxPriority::Reply;
      row.resend_policy = m.resend_policy;
      row.time_zone = c.time_zone;
      row.not_before = t;
      row.expires_at = m.expires_at;
      bool inserted = false;
      if ((ec = outbox.enqueueOne(row, t, &r.message_id, &inserted))) {
        failed = ec;
        break;
      }
      r.contact_id = c.id;
      if (inserted) {
        r.outcome = IntakeOutcome::Accepted;
        ++accepted;
        continue;
      }
      store::OutboxMessage existing;
      if ((ec = outbox.get(r.message_id, &existing))) {
        failed = ec;
        break;
      }
      r.outcome = IntakeOutcome::Duplicate;
      r.state = existing.state;
      ++duplicates;
    }
    if (!failed) failed = txn.commit();
  }
  if (failed) {
    log::warn("intake.commit_failed",
              {{"messages", std::to_string(batch.size())}, {"reason", failed.message()}});
    for (IntakeResult& r : results) {
      r = IntakeResult{};
      r.outcome = IntakeOutcome::StoreFailed;
      r.error = failed;
    }
  }
  if (failed) {
    store_failures_ += batch.size();
  } else {
    accepted_ += accepted;
    duplicates_ += duplicates;
    refused_ += refused;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
  if (!failed && accepted > 0 && on_committed_) on_committed_();
}

}  // namespace liaison::gateway::outreach
