// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The campaign planner: checks a notice or poll definition, previews what each language group
// of its audience will see, and plans its first step into the outbox ledger (DESIGN.md flow 1):
//
//   segment filter --compile--> audience pages (reachable contacts, id order, one page at a time)
//     -> text of the recipient's language, else the fallback (analysed once per text)
//     -> send time in the recipient's own window, spread over schedule.spread, not before
//        schedule.start_at; expiry = send time + schedule.validity        (send_window.h)
//     -> outbox rows, one transaction per page; polls also get, in the same transaction, the
//        recipient's pseudonym and an open poll session
//
// Which text a recipient gets (the poll engine's rule, so a poll and a notice agree): the
// translation in their language, else the first one with the same primary subtag ("pt" for
// "pt-BR"), else the fallback language's. For a poll the text is what PollEngine::start sends
// (intro, newline, first question).
//
// Outbox step ids (the idempotency key with campaign and contact): "notice" for a notice, the
// first question's id for a poll.
//
// Resend policy when the campaign leaves it unspecified: Never for polls (a second copy of a
// question skews its answers), AtLeastOnce for notices.
//
// State rule of plan(): it accepts a Draft, Scheduled or Running campaign (Paused, Completed
// and Cancelled are WrongState). Draft and Scheduled move to Running only after the whole
// audience is in the outbox; if planning stops early (error, crash, cancel through the
// progress callback) the state stays, the pages committed so far stay queued (the dispatcher
// may already send them), and plan() again inserts nothing twice and completes the rest. On a
// Running campaign plan() is a top-up: it adds contacts who joined the segment since.
//
// Problems (validate, and plan/preview of an invalid campaign) are one line each, naming the
// field and never a message text, name or number: "notice.body: no text for fallback
// language 'en'", "schedule.window.start: hour 25 out of range", "segment_id: no such segment",
// "poll.questions[1].branches[0]: no question 'q9'".
//
// Thread-safety: a planner uses its stores, so it belongs to the thread (strand) that owns
// their connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "liaison/v1/campaigns.pb.h"
#include "store/campaign_store.h"
#include "store/outbox_store.h"
#include "store/response_store.h"
#include "store/segment_store.h"

namespace liaison::gateway::outreach {

enum class PlanErrc {
  InvalidCampaign = 1,  // the definition has problems (listed in *problems)
  WrongState = 2,       // the campaign's state does not allow planning (see the header)
  Cancelled = 3,        // the progress callback asked to stop; plan() again completes it
};

const std::error_category& planCategory();
std::error_code make_error_code(PlanErrc e);

}  // namespace liaison::gateway::outreach

template <>
struct std::is_error_code_enum<liaison::gateway::outreach::PlanErrc> : std::true_type {};

namespace liaison::gateway::outreach {

struct PlannerOptions {
  int page_rows = 5000;   // recipients read, and enqueued, per page (and per transaction)
  int max_segments = 10;  // the longest message (in SMS segments) a campaign may send
};

// What one group of recipients will see on their phones.
struct PreviewMessage {
  std::string language;  // the language of the text sent
  std::string text;      // exactly what is sent (UTF-8)
  store::OutboxEncoding encoding = store::OutboxEncoding::Gsm7;
  int segments = 0;            // SMS segments per recipient
  std::size_t characters = 0;  // Unicode code points
  std::int64_t recipients = 0;
  // The contacts' own languages counted in `recipients`, sorted ("" = no language set). A
  // language without a text of its own appears under the fallback.
  std::vector<std::string> audience_languages;
};

struct CampaignPreview {
  std::int64_t audience = 0;        // reachable recipients
  std::int64_t total_segments = 0;  // what the first step costs, in SMS segments
  // One per text: every language the message has a text in (recipients may be 0), most
  // recipients first, then by language.
  std::vector<PreviewMessage> messages;
};

struct PlanResult {
  std::int64_t audience = 0;  // reachable recipients counted when planning began
  std::int64_t planned = 0;   // recipients handled: inserted + already_present
  std::int64_t inserted = 0;
  std::int64_t already_present = 0;  // in the outbox from an earlier run of the same step
  std::int64_t sessions_opened = 0;  // polls: sessions created by this run
  // Recipients whose own zone is missing or unknown: planned in their country's default
  // zone, or in UTC when that is unknown too.
  std::int64_t zone_fallbacks = 0;
  std::int64_t utc_fallbacks = 0;  // of those, planned in UTC
  bool started = false;            // this run moved the campaign to Running
};

// Called after each page with the recipients handled so far and the audience size; return
// false to stop (plan() then returns PlanErrc::Cancelled). May be null.
using PlanProgress = std::function<bool(std::int64_t done, std::int64_t total)>;

// The resend policy in force: the campaign's, else the default for its kind (header).
// How the SMS layer will send a text: its encoding, segments and characters.
struct SmsTextAnalysis {
  store::OutboxEncoding encoding = store::OutboxEncoding::Gsm7;
  int segments = 0;
  std::size_t characters = 0;
};
// Analyses `text` as the SMS layer will send it, allowing at most `max_segments` (1-255);
// false with *why (which never quotes the text) when it cannot be sent. Pure, thread-safe.
bool analyseSmsText(std::string_view text, int max_segments, SmsTextAnalysis* out,
                    std::string* why);

store::ResendPolicy effectiveResendPolicy(const liaison::v1::Campaign& campaign);

class CampaignPlanner {
 public:
  // The stores must share one connection (CampaignStore::inTransaction spans them) and outlive
  // the planner.
  CampaignPlanner(store::CampaignStore& campaigns, store::SegmentStore& segments,
                  store::OutboxStore& outbox, store::ResponseStore& responses,
                  PlannerOptions options = {});

  // Checks `campaign` (its tenant_id names the segment's tenant). *problems is empty when it
  // is valid. Returns an error only when the segment could not be read.
  std::error_code validate(const liaison::v1::Campaign& campaign,
                           std::vector<std::string>* problems);

  // The messages the campaign would send now, per text, with their encodings and counts (the
  // counts are per language in SQL; nothing is read contact by contact). InvalidCampaign with
  // *problems filled when validate() finds problems.
  std::error_code preview(const liaison::v1::Campaign& campaign, CampaignPreview* out,
                          std::vector<std::string>* problems);

  // Plans the first step of campaign `campaign_id` of `tenant` into the outbox, as `now`
  // (Unix seconds). NotFound (StoreErrc) when there is no such campaign in the tenant;
  // WrongState; InvalidCampaign with *problems; Cancelled; or a store error. *out counts what
  // was done, also on failure. Memory stays flat in the audience size (one page at a time).
  std::error_code plan(std::string_view tenant, std::string_view campaign_id, std::int64_t now,
                       const PlanProgress& progress, PlanResult* out,
                       std::vector<std::string>* problems);

  // Moves a campaign from `from` to `to` (the lifecycle of store::isAllowedTransition) and
  // applies it to the ledger in the same transaction: pausing holds the campaign's queued
  // messages (the dispatcher skips them), resuming releases them where they were, cancelling
  // fails them as campaign_cancelled. Messages already handed to a channel finish normally.
  // *result is Ignored (nothing written) when the campaign is not in `from`; *rows counts the
  // ledger rows held, released or cancelled. InvalidArgument for a move the lifecycle forbids.
  std::error_code changeState(std::string_view tenant, std::string_view campaign_id,
                              store::CampaignState from, store::CampaignState to, std::int64_t now,
                              store::Transition* result, std::int64_t* rows);

 private:
  struct Checked;
  std::error_code check(const liaison::v1::Campaign& campaign, std::int64_t now, Checked* out,
                        std::vector<std::string>* problems);

  store::CampaignStore& campaigns_;
  store::SegmentStore& segments_;
  store::OutboxStore& outbox_;
  store::ResponseStore& responses_;
  PlannerOptions options_;
};

}  // namespace liaison::gateway::outreach
