// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// What comes back from recipients: poll sessions and answers (under per-campaign pseudonyms,
// see campaign_store.h) and the record of every inbound SMS (for de-duplication and the inbox),
// behind a backend-neutral interface (SQLite today: sqlite_response_store.h).
//
// Every method commits on its own, or, called inside a caller's transaction, becomes part of
// it (store::Transaction nests as a savepoint), so the inbound pipeline writes a whole batch of
// messages with one durable commit.
//
// Errors are std::error_code (StoreErrc) and never carry numbers, bodies or ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "store/database.h"

namespace liaison::gateway::store {

enum class SessionState : int { Open = 1, Finished = 2, Expired = 3, Stopped = 4 };

struct PollSessionRecord {
  std::string campaign_id;
  std::string pseudonym;
  std::string language;          // BCP 47, the respondent's language when the session opened
  std::string country;           // ISO 3166-1 alpha-2 or empty, copied for breakdowns
  std::string current_question;  // empty when not awaiting a reply
  int reasks = 0;
  SessionState state = SessionState::Open;
  std::int64_t started_at = 0;
  std::int64_t last_activity = 0;
};

// Numbers are stored; they match outreach::PollAnswer::Kind + 1.
enum class AnswerKind : int { Choice = 1, YesNo = 2, Number = 3, Text = 4 };
enum class AnswerSource : int { Sms = 1, FieldDevice = 2 };

struct AnswerRecord {
  std::string campaign_id;
  std::string pseudonym;
  std::string question_id;
  AnswerKind kind = AnswerKind::Text;
  std::string choice_id;         // Choice; "yes" / "no" for YesNo
  std::optional<double> number;  // Number (and 1 / 0 for YesNo)
  std::string text;              // Text  @sensitive
  bool truncated = false;
  AnswerSource source = AnswerSource::Sms;
  std::int64_t answered_at = 0;
};

// Where an inbound message went. Numbers are stored.
enum class InboundRoute : int {
  Stop = 1,
  Start = 2,
  Help = 3,
  PollAnswer = 4,
  Inbox = 5,
  Duplicate = 6
};

struct InboundRecord {
  std::int64_t id = 0;  // assigned by the store
  std::string tenant_id;
  std::string channel;      // "smpp:<account>", "http:<profile>"
  std::string provider_id;  // empty when the channel gives none
  std::string from_e164;    // @sensitive
  std::uint64_t content_hash = 0;
  InboundRoute route = InboundRoute::Inbox;
  std::string campaign_id;  // PollAnswer: the poll it answered
  std::string body;         // kept for Inbox only  @sensitive
  std::int64_t received_at = 0;
  // A reply was queued for it (the next poll question, a confirmation): a later identical text
  // is then an answer to that reply, not a redelivery of this one.
  bool replied = false;
};

class ResponseStore {
 public:
  virtual ~ResponseStore() = default;

  // Inserts a session unless one exists for (campaign, pseudonym); *created says which.
  virtual std::error_code openSession(const PollSessionRecord& session, bool* created) = 0;
  // NotFound when there is no such session.
  virtual std::error_code getSession(std::string_view campaign_id, std::string_view pseudonym,
                                     PollSessionRecord* out) = 0;
  // The contact's most recently active open session in a running poll. NotFound if none.
  virtual std::error_code findOpenSession(std::int64_t contact_id, PollSessionRecord* out) = 0;
  // Writes current_question, reasks, state and last_activity of an existing session.
  virtual std::error_code updateSession(const PollSessionRecord& session) = 0;
  // Every open session of the contact becomes Stopped (STOP ends all polls at once).
  virtual std::error_code stopSessions(std::int64_t contact_id, std::int64_t now,
                                       std::int64_t* stopped) = 0;
  // Open sessions of `campaign_id` silent since before `cutoff` become Expired.
  virtual std::error_code expireSessions(std::string_view campaign_id, std::int64_t cutoff,
                                         std::int64_t* expired) = 0;

  // Inserts or replaces the answer to (campaign, question, pseudonym).
  virtual std::error_code putAnswer(const AnswerRecord& answer) = 0;

  // Records an inbound message and sets record->id. Constraint when (channel, provider_id)
  // was already recorded: the caller treats that as a duplicate.
  virtual std::error_code recordInbound(InboundRecord* record) = 0;
  // True when the same sender sent the same content (hash) at or after `since` and that message
  // got no reply (InboundRecord::replied): a redelivery, not a new message.
  virtual std::error_code seenRecently(std::string_view from_e164, std::uint64_t content_hash,
                                       std::int64_t since, bool* seen) = 0;
  // True when (channel, provider_id) was recorded.
  virtual std::error_code seenProviderId(std::string_view channel, std::string_view provider_id,
                                         bool* seen) = 0;
  // The tenant's inbox (unsolicited messages), newest first, at most `limit`, before `before_id`
  // (0: from the newest) for paging.
  virtual std::error_code inbox(std::string_view tenant, std::int64_t before_id, int limit,
                                std::vector<InboundRecord>* out) = 0;
};

}  // namespace liaison::gateway::store
