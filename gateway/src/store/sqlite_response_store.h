// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// ResponseStore over one SQLite connection (the writer). Not thread-safe: use it from the
// thread (strand) that owns the connection. Each call is one statement or one transaction;
// inside a caller's Transaction it joins that transaction.
#pragma once

#include "store/response_store.h"

namespace liaison::gateway::store {

class SqliteResponseStore : public ResponseStore {
 public:
  explicit SqliteResponseStore(Database& db) : db_(db) {}

  std::error_code openSession(const PollSessionRecord& session, bool* created) override;
  std::error_code getSession(std::string_view campaign_id, std::string_view pseudonym,
                             PollSessionRecord* out) override;
  std::error_code findOpenSession(std::int64_t contact_id, PollSessionRecord* out) override;
  std::error_code updateSession(const PollSessionRecord& session) override;
  std::error_code stopSessions(std::int64_t contact_id, std::int64_t now,
                               std::int64_t* stopped) override;
  std::error_code expireSessions(std::string_view campaign_id, std::int64_t cutoff,
                                 std::int64_t* expired) override;
  std::error_code putAnswer(const AnswerRecord& answer) override;
  std::error_code recordInbound(InboundRecord* record) override;
  std::error_code seenRecently(std::string_view from_e164, std::uint64_t content_hash,
                               std::int64_t since, bool* seen) override;
  std::error_code seenProviderId(std::string_view channel, std::string_view provider_id,
                                 bool* seen) override;
  std::error_code inbox(std::string_view tenant, std::int64_t before_id, int limit,
                        std::vector<InboundRecord>* out) override;

 private:
  Database& db_;
};

}  // namespace liaison::gateway::store
