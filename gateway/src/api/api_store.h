// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The few store operations the REST API needs that the subsystem stores do not offer (deleting
// a contact, paging a campaign's outbox rows), behind an interface like theirs so a PostgreSQL
// backend can implement it too. Everything else the API does goes through the subsystem stores
// (contact_store.h, segment_store.h, campaign_store.h, outbox_store.h, response_store.h,
// results_store.h). Implemented (SQLite) in rest_api.cc.
//
// Errors are std::error_code (store::StoreErrc) without values. Not thread-safe: bound to one
// connection, used under the store mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "store/database.h"
#include "store/outbox_store.h"

namespace liaison::gateway::api {

class ApiStore {
 public:
  virtual ~ApiStore() = default;
  // Deletes contact `id` of `tenant` (groups, fields and consents cascade) and its
  // per-campaign pseudonym links, so earlier results about it become anonymous. The outbox
  // keeps its rows (the ledger of what was sent). NotFound when the tenant has no such contact.
  virtual std::error_code deleteContact(std::string_view tenant, std::int64_t id) = 0;
  // Up to `limit` outbox rows of campaign `campaign_id` of `tenant`, optionally only those in
  // `state`, ordered by (contact_id, step) and strictly after (after_contact_id, after_step):
  // keyset paging along the outbox's (campaign_id, contact_id, step) key, so a page costs the
  // same at the end of a million-row campaign as at its start. Start with (0, ""). Provider
  // ids are not loaded.
  virtual std::error_code campaignMessages(std::string_view tenant, std::string_view campaign_id,
                                           std::optional<store::OutboxState> state,
                                           std::int64_t after_contact_id,
                                           std::string_view after_step, int limit,
                                           std::vector<store::OutboxMessage>* out) = 0;
};

class SqliteApiStore final : public ApiStore {
 public:
  explicit SqliteApiStore(store::Database& db) : db_(db) {}
  std::error_code deleteContact(std::string_view tenant, std::int64_t id) override;
  std::error_code campaignMessages(std::string_view tenant, std::string_view campaign_id,
                                   std::optional<store::OutboxState> state,
                                   std::int64_t after_contact_id, std::string_view after_step,
                                   int limit, std::vector<store::OutboxMessage>* out) override;

 private:
  store::Database& db_;
};

}  // namespace liaison::gateway::api
