// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The read queries a poll's results need (outreach/results.h), behind a backend-neutral
// interface (SQLite today: sqlite_results_store.h; PostgreSQL later). The store aggregates in
// the database (GROUP BY over sessions and answers, medians with window functions) and hands
// back small grouped rows, so a campaign's size never becomes memory in the gateway; the
// export walks respondents one at a time.
//
// Respondents are named by their per-campaign pseudonym only (campaign_store.h): nothing here
// reads campaign_recipients, contacts or phone numbers.
//
// Errors are std::error_code (StoreErrc) and never carry ids, answers or text.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "liaison/v1/campaigns.pb.h"
#include "store/database.h"
#include "store/response_store.h"

namespace liaison::gateway::store {

// A campaign's sessions counted per (country, language, state).
struct SessionGroupCount {
  std::string country;  // empty when the session has none
  std::string language;
  SessionState state = SessionState::Open;
  std::int64_t sessions = 0;
  std::int64_t responded = 0;  // of those, sessions with at least one answer
};

// A campaign's answers counted per (question, country, language, choice). Country and
// language are the respondent's session's; answers whose pseudonym has no session (has_session
// false) come in groups of their own with both empty.
struct AnswerGroupTally {
  std::string question_id;
  bool has_session = true;
  std::string country;  // empty when the session has none
  std::string language;
  std::string choice_id;  // the stored choice_id (Choice; "yes"/"no" for YesNo); else empty
  std::int64_t answers = 0;
  std::int64_t from_field_device = 0;  // source FieldDevice; the others came by SMS
  std::int64_t truncated = 0;
  // Over the group's Number answers only; sum, min and max are meaningful when numbers > 0.
  std::int64_t numbers = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
};

enum class ResultsGrouping { Overall, Country, Language };

// The median of one Number question's answers in one group.
struct NumberMedian {
  std::string group;  // country (empty: none) or language; empty for Overall
  std::int64_t count = 0;
  double median = 0;  // the mean of the two middle values when count is even
};

// One respondent as the export sees it.
struct RespondentRow {
  PollSessionRecord session;
  // Parallel to the question ids asked for: the answer, or nullopt when there is none.
  std::vector<std::optional<AnswerRecord>> answers;
};

class ResultsStore {
 public:
  virtual ~ResultsStore() = default;

  // The stored definition of campaign `id` of `tenant`. NotFound when there is no such
  // campaign in that tenant (another tenant's id is NotFound too); Corrupt when the stored
  // definition does not parse.
  virtual std::error_code findCampaign(std::string_view tenant, std::string_view id,
                                       liaison::v1::Campaign* definition) = 0;

  // Sessions per (country, language, state), in no particular order.
  virtual std::error_code sessionCounts(std::string_view campaign_id,
                                        std::vector<SessionGroupCount>* out) = 0;

  // Answers per (question, country, language, choice), in no particular order. Every answer
  // is in exactly one row, including those without a session.
  virtual std::error_code answerTallies(std::string_view campaign_id,
                                        std::vector<AnswerGroupTally>* out) = 0;

  // Medians of question `question_id`'s Number answers, overall (every answer) or per country
  // or language of the session (answers without a session are left out). Groups without
  // Number answers have no row.
  virtual std::error_code numberMedians(std::string_view campaign_id, std::string_view question_id,
                                        ResultsGrouping by, std::vector<NumberMedian>* out) = 0;

  // Calls `fn` once per session of the campaign, in pseudonym order (byte order), with its
  // answers to `question_ids`; stops early when `fn` returns false. Streams: memory holds one
  // respondent whatever the campaign's size. Answers whose pseudonym has no session are not
  // visited. `fn` must not use this store.
  virtual std::error_code forEachRespondent(
      std::string_view campaign_id, std::span<const std::string> question_ids,
      const std::function<bool(const RespondentRow&)>& fn) = 0;

  // Runs `fn` so that every read it makes through this store (and through any other store on
  // the same connection) sees one consistent snapshot; returns fn's error, or the store's.
  // Inside a transaction the caller already holds, `fn` simply runs in it.
  virtual std::error_code readSnapshot(const std::function<std::error_code()>& fn) = 0;
};

}  // namespace liaison::gateway::store
