// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The inbound pipeline (DESIGN.md flow 2): every SMS a person sends us goes through here, in
// order, and leaves a durable trace before the channel acknowledges it.
//
//   sender -> E.164 -> de-duplicate (provider id; same text from the same sender within
//   duplicate_window_s) -> keyword (STOP / START / HELP, KeywordRouter) -> the sender's open
//   poll session (PollEngine) -> else the inbox
//
// STOP is absolute (promise 3): the contact becomes opted out for every campaign at once (the
// dispatcher re-checks at send time), their open poll sessions stop, and one confirmation is
// queued; a repeated STOP changes nothing and queues nothing. A STOP from a number we do not
// know creates an opted-out contact, so a later import cannot make it reachable. START
// re-activates an opted-out contact (with a confirmation); HELP queues the help text. Poll
// replies are interpreted by the campaign's PollEngine: the answer is stored under the
// campaign's pseudonym and the next question, re-ask or closing message is queued as a Reply
// (which jumps the bulk queue). Anything else is kept in the inbox for an officer.
//
// A batch is one transaction: process() returns only after one durable commit, so the caller
// acknowledges every message of the batch after it returns, or none if it fails (then nothing
// of the batch was written and the SMSC or aggregator will deliver it again).
//
// Not thread-safe: use from the thread (strand) that owns the writer connection.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "outreach/keyword_router.h"
#include "store/campaign_store.h"
#include "store/contact_store.h"
#include "store/database.h"
#include "store/outbox_store.h"
#include "store/response_store.h"

namespace liaison::gateway::outreach {

class PollEngine;

struct InboundMessage {
  std::string tenant_id;         // the tenant whose number or account received it
  std::string channel;           // "smpp:<account>", "http:<profile>"
  std::string provider_id;       // the provider's message id; empty when the channel gives none
  std::string from;              // sender as received: E.164 with or without '+', or national
  std::string text;              // UTF-8
  std::int64_t received_at = 0;  // Unix seconds
};

// What happened to one message. `outcome` is a PII-free word for logs and metrics.
struct InboundResult {
  store::InboundRoute route = store::InboundRoute::Inbox;
  std::int64_t inbound_id = 0;  // 0 for duplicates (not recorded again)
  std::string campaign_id;      // PollAnswer: the poll
  bool answer_recorded = false;
  int replies_queued = 0;  // confirmations, help text, next question, re-ask or closing
  const char* outcome = "";
};

// Texts sent back, per language (BCP 47), with a fallback language.
struct ReplyTexts {
  std::map<std::string, std::string> stop_confirmation;
  std::map<std::string, std::string> start_confirmation;
  std::map<std::string, std::string> help;
};

struct InboundConfig {
  KeywordConfig keywords;
  ReplyTexts replies = defaultReplies();
  std::string fallback_language = "en";
  // Region used to read a sender number given without a country code.
  std::string default_region = "ZZ";
  // A message with the same text from the same sender within this many seconds is taken as a
  // redelivery and dropped. Too long a window drops a real repeated answer ("1" to two
  // questions in a row); SMSC redeliveries come within seconds to a minute.
  std::int64_t duplicate_window_s = 60;
  // Longer inbox bodies are cut (an SMS reassembles to at most 255 parts).
  std::size_t max_body_bytes = 8192;

  static ReplyTexts defaultReplies();
};

struct InboundStats {
  std::int64_t processed = 0;
  std::int64_t duplicates = 0;
  std::int64_t stops = 0;
  std::int64_t starts = 0;
  std::int64_t helps = 0;
  std::int64_t answers = 0;
  std::int64_t reasks = 0;
  std::int64_t inbox = 0;
};

class InboundProcessor {
 public:
  InboundProcessor(store::Database& db, store::ContactStore& contacts,
                   store::CampaignStore& campaigns, store::ResponseStore& responses,
                   store::OutboxStore& outbox, InboundConfig config);
  ~InboundProcessor();

  // Processes `batch` in order in one transaction and fills `results` (one per message).
  // Returns a store error if the batch could not be committed; nothing of it is then kept.
  std::error_code process(std::span<const InboundMessage> batch,
                          std::vector<InboundResult>* results);

  // Closes the open sessions of running polls that have been silent longer than their poll's
  // session_expiry, so results count them as expired (a reply after that is not an answer
  // either way; see PollEngine::expired). Run periodically; one transaction. *expired counts
  // the sessions closed.
  std::error_code expireSilentSessions(std::int64_t now, std::int64_t* expired);

  const InboundStats& stats() const { return stats_; }

 private:
  struct Engine;
  std::error_code processOne(const InboundMessage& m, InboundResult* r);
  std::error_code handleStop(const InboundMessage& m, const std::string& e164, InboundResult* r);
  std::error_code handleStart(const InboundMessage& m, const std::string& e164, InboundResult* r);
  std::error_code handleHelp(const InboundMessage& m, const std::string& e164, InboundResult* r);
  // Routes to the sender's open poll session; *handled = false when there is none.
  std::error_code handlePollReply(const InboundMessage& m, const store::Contact& contact,
                                  InboundResult* r, bool* handled);
  std::error_code queueReply(const InboundMessage& m, std::int64_t contact_id,
                             const std::string& e164, const std::string& campaign_id,
                             const std::string& step, const std::string& text,
                             const std::string& language, store::OutboxPriority priority,
                             InboundResult* r);
  const PollEngine* engineFor(const std::string& tenant, const std::string& campaign_id,
                              std::error_code* ec);
  std::error_code record(const InboundMessage& m, const std::string& from,
                         std::uint64_t content_hash, InboundResult* r);

  store::Database& db_;
  store::ContactStore& contacts_;
  store::CampaignStore& campaigns_;
  store::ResponseStore& responses_;
  store::OutboxStore& outbox_;
  InboundConfig config_;
  KeywordRouter router_;
  // Poll engines by campaign id (definitions are frozen while a poll runs); bounded.
  static constexpr std::size_t kMaxCachedEngines = 256;
  std::unordered_map<std::string, std::unique_ptr<Engine>> engines_;
  InboundStats stats_;
};

// FNV-1a 64 of the exact text: the de-duplication key. Stable across builds and platforms.
std::uint64_t contentHash(std::string_view text);

}  // namespace liaison::gateway::outreach
