// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// OutboxStore over one SQLite connection: the writer (SqliteStore::database()), because every
// call but get/findByProviderId/countByState writes. Not thread-safe: use it from the thread
// (strand) that owns the connection. Every transition is one statement or one BEGIN IMMEDIATE
// transaction, committed before the call returns (synchronous=FULL: it survives power loss).
#pragma once

#include <cstddef>
#include <string>

#include "store/outbox_store.h"

namespace liaison::gateway::store {

class SqliteOutboxStore final : public OutboxStore {
 public:
  static constexpr std::size_t kDefaultBatchRows = 5000;

  // `batch_rows`: rows per enqueue transaction (one fsync each); 0 is taken as 1.
  explicit SqliteOutboxStore(Database& db, std::size_t batch_rows = kDefaultBatchRows)
      : db_(db), batch_rows_(batch_rows == 0 ? 1 : batch_rows) {}

  std::size_t batchRows() const { return batch_rows_; }

  // claimDue claims only this tenant's rows (empty: every tenant's). A channel belongs to one
  // tenant: its sender id, contract and costs are that tenant's, so the daemon gives each
  // dispatcher an outbox scoped to its channel's tenant. Set before use.
  void setClaimTenant(std::string tenant) { claim_tenant_ = std::move(tenant); }

  std::error_code enqueueBatch(std::span<const NewOutboxMessage> messages, std::int64_t now,
                               EnqueueCounts* counts) override;
  std::error_code enqueueOne(const NewOutboxMessage& message, std::int64_t now, std::int64_t* id,
                             bool* inserted) override;
  std::error_code claimDue(std::int64_t now, int limit, std::string_view channel,
                           std::vector<OutboxMessage>* out, ClaimCounts* counts) override;
  std::error_code markSubmitted(std::int64_t id, std::span<const std::string> provider_ids,
                                std::int64_t now, Transition* result) override;
  std::error_code markDelivered(std::int64_t id, std::int64_t now, Transition* result) override;
  std::error_code markFailed(std::int64_t id, std::string_view failure_code, std::int64_t now,
                             Transition* result) override;
  std::error_code markExpired(std::int64_t id, std::int64_t now, Transition* result) override;
  std::error_code markUnknown(std::int64_t id, std::int64_t now, Transition* result) override;
  std::error_code requeue(std::int64_t id, std::int64_t not_before, std::int64_t now,
                          Transition* result) override;
  // One BEGIN IMMEDIATE ... COMMIT around the single-row calls (theirs nest as savepoints).
  std::error_code applyBatch(std::span<const OutboxUpdate> updates, std::int64_t now,
                             std::vector<OutboxUpdateResult>* results) override;
  std::error_code expireOverdue(std::int64_t now, std::int64_t* expired) override;
  std::error_code recover(std::int64_t now, RecoverCounts* counts) override;
  std::error_code get(std::int64_t id, OutboxMessage* out) override;
  std::error_code findByProviderId(std::string_view channel, std::string_view provider_id,
                                   std::int64_t* id) override;
  std::error_code countQueued(std::int64_t* out) override;
  std::error_code countByState(std::string_view campaign_id,
                               std::array<std::int64_t, 8>* out) override;
  std::error_code holdCampaign(std::string_view campaign_id, bool held, std::int64_t now,
                               std::int64_t* rows) override;
  std::error_code cancelCampaign(std::string_view campaign_id, std::int64_t now,
                                 std::int64_t* rows) override;

 private:
  // Runs one single-row transition UPDATE already bound (id is ?1) and reports the outcome.
  std::error_code finishTransition(Statement& update, std::int64_t id, Transition* result);
  std::error_code exists(std::int64_t id, bool* found);

  Database& db_;
  std::size_t batch_rows_;
  std::string claim_tenant_;
};

}  // namespace liaison::gateway::store
