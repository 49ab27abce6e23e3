// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// ResultsStore over one SQLite connection. Every call only reads, so give it a read-only
// Database of its own (Database::open(path, Mode::ReadOnly)) when results are computed or
// exported while the gateway runs: WAL gives that reader a snapshot and the writer is never
// held up, even by a long export to a slow client. It also works on the writer connection.
// Not thread-safe: use it from the thread that owns the connection.
#pragma once

#include "store/results_store.h"

namespace liaison::gateway::store {

class SqliteResultsStore final : public ResultsStore {
 public:
  explicit SqliteResultsStore(Database& db) : db_(db) {}

  std::error_code findCampaign(std::string_view tenant, std::string_view id,
                               liaison::v1::Campaign* definition) override;
  std::error_code sessionCounts(std::string_view campaign_id,
                                std::vector<SessionGroupCount>* out) override;
  std::error_code answerTallies(std::string_view campaign_id,
                                std::vector<AnswerGroupTally>* out) override;
  std::error_code numberMedians(std::string_view campaign_id, std::string_view question_id,
                                ResultsGrouping by, std::vector<NumberMedian>* out) override;
  std::error_code forEachRespondent(std::string_view campaign_id,
                                    std::span<const std::string> question_ids,
                                    const std::function<bool(const RespondentRow&)>& fn) override;
  std::error_code readSnapshot(const std::function<std::error_code()>& fn) override;

 private:
  Database& db_;
};

}  // namespace liaison::gateway::store
