// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CampaignStore over one SQLite connection (the writer, SqliteStore::database(), shared with
// the outbox and response stores so inTransaction() spans all three). Not thread-safe: use it
// from the thread (strand) that owns the connection. Each write is one statement or one
// BEGIN IMMEDIATE transaction; called inside a caller's transaction it joins it.
#pragma once

#include "store/campaign_store.h"

namespace liaison::gateway::store {

class SqliteCampaignStore final : public CampaignStore {
 public:
  explicit SqliteCampaignStore(Database& db) : db_(db) {}

  SqlDialect dialect() const override { return SqlDialect::Sqlite; }

  std::error_code create(const CampaignRecord& campaign, std::int64_t now) override;
  std::error_code get(std::string_view tenant, std::string_view id, CampaignRecord* out) override;
  std::error_code update(const CampaignRecord& campaign, std::int64_t now,
                         Transition* result) override;
  std::error_code list(std::string_view tenant, std::vector<CampaignRecord>* out) override;
  std::error_code listRunning(std::vector<CampaignRecord>* out) override;
  std::error_code setState(std::string_view tenant, std::string_view id, CampaignState from,
                           CampaignState to, std::int64_t now, Transition* result) override;

  std::error_code pseudonymFor(std::string_view campaign_id, std::int64_t contact_id,
                               std::string* pseudonym) override;
  std::error_code contactFor(std::string_view campaign_id, std::string_view pseudonym,
                             std::int64_t* contact_id) override;
  std::error_code forgetRecipients(std::string_view campaign_id, std::int64_t* removed) override;

  std::error_code audienceLanguages(std::string_view tenant, const SqlWhere* where,
                                    std::vector<LanguageCount>* out) override;
  std::error_code audiencePage(std::string_view tenant, const SqlWhere* where,
                               std::int64_t after_id, int limit,
                               std::vector<AudienceMember>* out) override;

  std::error_code inTransaction(const std::function<std::error_code()>& work) override;

 private:
  std::error_code exists(std::string_view tenant, std::string_view id, bool* found);
  std::error_code findPseudonym(std::string_view campaign_id, std::int64_t contact_id,
                                std::string* pseudonym, bool* found);

  Database& db_;
};

}  // namespace liaison::gateway::store
