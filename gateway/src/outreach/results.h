// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A campaign's results: per-question tallies and shares, response and completion rates,
// delivery statistics from the outbox, the same per country and per language, and a streaming
// CSV export with one row per respondent. Respondents are per-campaign pseudonyms
// (campaign_store.h); nothing here reads a contact or a phone number.
//
// Everything is counted in the database (store/results_store.h); this file only shapes the
// grouped rows into the result, so its memory grows with questions x choices x countries x
// languages, never with respondents. The structs are plain values meant to be serialised to
// JSON as they are (a share is a fraction in [0, 1]; an absent statistic is nullopt).
//
// Definitions:
//   started    poll sessions of the campaign (one per respondent the poll reached)
//   responded  sessions with at least one answer; response rate = responded / started
//   completed  sessions in state Finished; completion rate = completed / started
//   share      of a choice: its count / the respondents who answered that question
//   delivery rate  delivered / every outbox row of the campaign (so it rises as receipts come)
// Answers from field devices (source FieldDevice, synced offline answers) count exactly like
// SMS answers; each question also reports how many came from each source. Answers whose
// pseudonym has no session count in the overall tallies but in no breakdown (they have no
// country or language) and not in the export; answers_without_session says how many there
// were. Answers to a question id the definition does not have are left out everywhere.
//
// Free-text answers are sensitive: they are in the export (the analyst needs them) but never
// in errors or logs. Errors are std::error_code (store::StoreErrc, ExportErrc) without values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "outreach/contact_export.h"
#include "store/outbox_store.h"
#include "store/response_store.h"
#include "store/results_store.h"

namespace liaison::gateway::outreach {

struct ChoiceCount {
  std::string choice_id;  // a Choice.id, or "yes" / "no"
  std::int64_t count = 0;
  double share = 0;
};

struct QuestionResult {
  std::string question_id;
  store::AnswerKind kind = store::AnswerKind::Text;
  std::int64_t answered = 0;  // respondents who answered this question
  std::int64_t from_sms = 0;
  std::int64_t from_field_device = 0;
  // Choice: every choice of the definition in definition order, zero counts included, then any
  // stored choice id the definition no longer has (sorted). YesNo: "yes" then "no".
  std::vector<ChoiceCount> choices;
  // Number: over the answers; nullopt when nobody answered.
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> mean;
  std::optional<double> median;
  // Text: answers cut to the question's max_chars.
  std::int64_t truncated = 0;
};

struct SessionStats {
  std::int64_t started = 0;
  std::int64_t responded = 0;
  std::int64_t completed = 0;  // Finished
  std::int64_t stopped = 0;    // ended by STOP
  std::int64_t expired = 0;
  std::int64_t open = 0;  // still waiting for a reply
  double response_rate = 0;
  double completion_rate = 0;
};

// The results restricted to respondents of one country or one language.
struct GroupResult {
  std::string key;  // ISO 3166-1 alpha-2 or BCP 47; "" for sessions with no country
  SessionStats sessions;
  std::vector<QuestionResult> questions;  // same order and shape as CampaignResults::questions
};

struct DeliveryStats {
  std::int64_t queued = 0;
  std::int64_t sending = 0;
  std::int64_t submitted = 0;
  std::int64_t delivered = 0;
  std::int64_t failed = 0;
  std::int64_t expired = 0;
  std::int64_t unknown = 0;
  std::int64_t total = 0;
  double delivery_rate = 0;
};

struct CampaignResults {
  std::string campaign_id;
  SessionStats sessions;
  std::vector<QuestionResult> questions;  // in definition order; empty for a notice
  std::int64_t answers_without_session = 0;
  DeliveryStats delivery;
  std::vector<GroupResult> by_country;   // sorted by key
  std::vector<GroupResult> by_language;  // sorted by key
};

// Computes the results of campaign `campaign_id` of `tenant`. NotFound when the campaign is
// not in that tenant (another tenant's id is NotFound); other store errors as they come. All
// reads happen in one snapshot (ResultsStore::readSnapshot), which covers `outbox` when it
// shares the results store's connection. Not thread-safe: the stores' thread.
std::error_code computeResults(store::ResultsStore& results, store::OutboxStore& outbox,
                               std::string_view tenant, std::string_view campaign_id,
                               CampaignResults* out);

// Stable names for JSON and CSV: "single_choice", "yes_no", "number", "free_text";
// "open", "finished", "expired", "stopped".
const char* answerKindName(store::AnswerKind kind);
const char* sessionStateName(store::SessionState state);

struct ResultsExportOptions {
  char delimiter = ',';
  // The sink is called whenever this many bytes are buffered (and once at the end); 0 calls it
  // after every row.
  std::size_t flush_bytes = 64 * 1024;
};

// Streams the CSV export (RFC 4180, CRLF line ends) to `sink`; the sink returns false to stop
// (WriteFailed). Header: pseudonym, language, country, state, started_at, one column per
// question (its id, in definition order), last_answered_at. One row per respondent (session)
// in pseudonym order: choice id, "yes"/"no", the number, or the text; an empty cell when the
// question was not answered; times are ISO 8601 UTC. A cell starting with = + - @, a tab or a
// CR gets a leading apostrophe so no spreadsheet runs it as a formula; numbers are written as
// numbers (a negative number keeps its sign). Memory holds one row and the buffer. The whole
// export reads one snapshot, held while the sink runs: give the store a read-only connection
// of its own (sqlite_results_store.h) so a slow client never holds up the writer.
// ExportResult::rows counts respondents. NotFound (store category) as for computeResults.
// Not thread-safe: the store's thread.
ExportResult exportResultsCsv(store::ResultsStore& results, std::string_view tenant,
                              std::string_view campaign_id,
                              const std::function<bool(std::string_view chunk)>& sink,
                              const ResultsExportOptions& options = {});
// The same into a stream; WriteFailed when the stream goes bad.
ExportResult exportResultsCsv(store::ResultsStore& results, std::string_view tenant,
                              std::string_view campaign_id, std::ostream& out,
                              const ResultsExportOptions& options = {});

}  // namespace liaison::gateway::outreach
