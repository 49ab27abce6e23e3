// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The outbox: the ledger of every message the gateway sends, and the backend-neutral interface
// the campaign planner and the dispatcher use. SQLite implements it today
// (sqlite_outbox_store.h); a PostgreSQL backend implements the same interface later.
//
// A message moves through the ledger one committed step at a time (DESIGN.md flow 1):
//
//   queued --claimDue--> sending --markSubmitted--> submitted --receipt--> delivered
//     |                    |                          |
//     +-> expired          +-> failed                 +-> failed / expired / unknown
//     |   (deadline)       +-> unknown (response lost)
//     +-> failed           +-> queued (requeue; recover when at-least-once)
//         (opted_out at    +-> unknown (recover when never-resend)
//          dispatch)
//
// delivered, failed and expired are final: no call moves a row out of them (a stale or repeated
// receipt is reported as Transition::Ignored, not as an error). unknown ends dispatch, but a late
// receipt may still resolve it to delivered / failed / expired, and a submit response that
// arrives after its timeout moves it to submitted.
//
// Errors are std::error_code (StoreErrc); they never carry phone numbers, bodies or ids.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "store/database.h"

namespace liaison::gateway::store {

// Numbers match liaison.v1.OutboundState and are stored as such.
enum class OutboxState : int {
  Queued = 1,
  Sending = 2,
  Submitted = 3,
  Delivered = 4,
  Failed = 5,
  Expired = 6,
  Unknown = 7,
};
// Numbers match liaison.v1.Priority; higher is sent first.
enum class OutboxPriority : int { Bulk = 1, Reply = 2, Confirmation = 3 };
// Numbers match liaison.v1.ResendPolicy.
enum class ResendPolicy : int { AtLeastOnce = 1, Never = 2 };
// Numbers match liaison.v1.TextEncoding.
enum class OutboxEncoding : int { Gsm7 = 1, Gsm7National = 2, Ucs2 = 3 };

// Failure codes the store itself writes. Callers use their own from the same small public set
// (STYLE R12): lower-case [a-z0-9_], at most kMaxFailureCodeLength, never provider text.
inline constexpr std::string_view kFailureOptedOut = "opted_out";
inline constexpr std::string_view kFailureContactInvalid = "contact_invalid";
inline constexpr std::string_view kFailureContactGone = "contact_gone";
inline constexpr std::string_view kFailureCampaignCancelled = "campaign_cancelled";
inline constexpr std::size_t kMaxFailureCodeLength = 32;

// What the planner enqueues: one message to one contact for one campaign step.
struct NewOutboxMessage {
  std::string tenant_id;
  std::string campaign_id;
  std::int64_t contact_id = 0;  // contacts.id; the opt-out check at dispatch joins on it
  std::string step;             // "notice" or a question id; (campaign, contact, step) is unique
  std::string to_e164;          // @sensitive
  std::string body;             // @sensitive, UTF-8
  std::string language;
  OutboxEncoding encoding = OutboxEncoding::Gsm7;
  int segments = 1;
  OutboxPriority priority = OutboxPriority::Bulk;
  ResendPolicy resend_policy = ResendPolicy::AtLeastOnce;
  std::string time_zone;        // the recipient's IANA zone, so dispatch can re-check the window
  std::int64_t not_before = 0;  // Unix seconds
  std::optional<std::int64_t> expires_at;  // Unix seconds; none: never expires
};

// A ledger row.
struct OutboxMessage : NewOutboxMessage {
  std::int64_t id = 0;
  OutboxState state = OutboxState::Queued;
  int attempts = 0;                       // claims so far
  std::string channel;                    // bind of the last claim: "smpp:<bind>", "http:..."
  std::vector<std::string> provider_ids;  // one per segment once submitted, in segment order
  std::string failure_code;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct EnqueueCounts {
  std::int64_t inserted = 0;
  std::int64_t already_present = 0;  // same (campaign, contact, step) was enqueued before
};

struct ClaimCounts {
  std::int64_t claimed = 0;
  std::int64_t expired = 0;     // due rows past their deadline, recorded as expired
  std::int64_t suppressed = 0;  // failed at dispatch: opted out, invalid or gone
};

struct RecoverCounts {
  std::int64_t requeued = 0;  // sending, at-least-once: back to queued
  std::int64_t unknown = 0;   // sending, never-resend: unknown
};

// Whether a transition changed the row. Ignored: the row exists but its state does not allow
// the step (a final state, a repeated receipt); nothing was written.
enum class Transition { Applied, Ignored };

// One ledger step for OutboxStore::applyBatch: the single-row call of the same name.
struct OutboxUpdate {
  enum class Kind : std::uint8_t { Submitted, Delivered, Failed, Expired, Unknown, Requeue };
  Kind kind = Kind::Unknown;
  std::int64_t id = 0;
  std::vector<std::string> provider_ids;  // Submitted
  std::string failure_code;               // Failed
  std::int64_t not_before = 0;            // Requeue
};

// What one update of a batch did: its Transition, or the error that refused this row only
// (NotFound, InvalidArgument) and left the rest of the batch alone.
struct OutboxUpdateResult {
  Transition transition = Transition::Ignored;
  std::error_code error;
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Inserts `messages` as queued, skipping any whose (campaign, contact, step) is already in
  // the ledger, so re-running a campaign step inserts nothing twice. Commits every
  // `batchRows()` rows: after a failure, the batches before it stay committed and *counts says
  // how far it got; a re-run completes the rest.
  virtual std::error_code enqueueBatch(std::span<const NewOutboxMessage> messages, std::int64_t now,
                                       EnqueueCounts* counts) = 0;

  // Inserts one message as queued, or finds the row its (campaign, contact, step) already
  // has: *id is that row either way and *inserted says which. Opens no transaction of its own
  // (one statement, two on a conflict), so a caller commits many in one of its own.
  // InvalidArgument for a message enqueueBatch would refuse.
  virtual std::error_code enqueueOne(const NewOutboxMessage& message, std::int64_t now,
                                     std::int64_t* id, bool* inserted) = 0;

  // Moves up to `limit` due rows (queued, not_before <= now) to sending in one transaction and
  // returns them: highest priority first, then oldest not_before, then id. Each claim counts an
  // attempt and records `channel`. In the same transaction, due rows past their deadline become
  // expired, and rows whose contact is opted out (or invalid, or gone) become failed with
  // kFailureOptedOut (kFailureContactInvalid, kFailureContactGone) instead of being returned;
  // Confirmation rows are exempt from the opt-out check (the one reply a STOP gets).
  virtual std::error_code claimDue(std::int64_t now, int limit, std::string_view channel,
                                   std::vector<OutboxMessage>* out, ClaimCounts* counts) = 0;

  // sending (or unknown, when the response arrived after the timeout) -> submitted, storing
  // one provider id per segment, in one transaction.
  virtual std::error_code markSubmitted(std::int64_t id, std::span<const std::string> provider_ids,
                                        std::int64_t now, Transition* result) = 0;
  // submitted / unknown -> delivered.
  virtual std::error_code markDelivered(std::int64_t id, std::int64_t now, Transition* result) = 0;
  // Any non-final state -> failed with `failure_code` (InvalidArgument if not a plain code).
  virtual std::error_code markFailed(std::int64_t id, std::string_view failure_code,
                                     std::int64_t now, Transition* result) = 0;
  // queued / submitted / unknown -> expired (a deadline passed, or the SMSC says so).
  virtual std::error_code markExpired(std::int64_t id, std::int64_t now, Transition* result) = 0;
  // sending / submitted -> unknown (response or receipt lost).
  virtual std::error_code markUnknown(std::int64_t id, std::int64_t now, Transition* result) = 0;
  // sending -> queued with a new not_before: the window closed before the send, or a retryable
  // failure (throttled, link down). The attempt stays counted.
  virtual std::error_code requeue(std::int64_t id, std::int64_t not_before, std::int64_t now,
                                  Transition* result) = 0;

  // Applies `updates` in order, each exactly as its single-row call would, as one unit of work:
  // the dispatcher records a flush of outcomes with one commit (one fsync) instead of one per
  // message. (*results)[i] reports updates[i]. A refusal of one row (NotFound,
  // InvalidArgument) is reported there and the batch goes on; any other error is returned,
  // and the backend override rolls the whole batch back (nothing applied, *results cleared).
  // This default runs the single-row calls one by one, each committed on its own, and stops
  // at the first other error (earlier updates stay applied); SqliteOutboxStore overrides it
  // with one transaction.
  virtual std::error_code applyBatch(std::span<const OutboxUpdate> updates, std::int64_t now,
                                     std::vector<OutboxUpdateResult>* results);

  // Queued rows whose deadline is <= now become expired (recorded, not deleted).
  virtual std::error_code expireOverdue(std::int64_t now, std::int64_t* expired) = 0;

  // On start, before dispatching: rows left in sending by a crash had an unknown outcome.
  // At-least-once rows go back to queued (they may be sent twice: promise 2 bounds that by the
  // window in flight); never-resend rows become unknown. One transaction.
  virtual std::error_code recover(std::int64_t now, RecoverCounts* counts) = 0;

  // Reads one row (with its provider ids). NotFound when there is none.
  virtual std::error_code get(std::int64_t id, OutboxMessage* out) = 0;
  // The row a delivery receipt refers to. NotFound when no row has that id on that channel.
  virtual std::error_code findByProviderId(std::string_view channel, std::string_view provider_id,
                                           std::int64_t* id) = 0;
  // Rows waiting to be claimed (queued and not held), all tenants: the queue depth.
  virtual std::error_code countQueued(std::int64_t* out) = 0;
  // Rows of a campaign per state, indexed by OutboxState (index 0 unused).
  virtual std::error_code countByState(std::string_view campaign_id,
                                       std::array<std::int64_t, 8>* out) = 0;

  // Pausing a campaign holds its queued rows (they stay queued but claimDue skips them);
  // resuming releases them where they were. *rows counts the rows changed.
  virtual std::error_code holdCampaign(std::string_view campaign_id, bool held, std::int64_t now,
                                       std::int64_t* rows) = 0;
  // Cancelling a campaign fails its queued rows with kFailureCampaignCancelled (recorded, not
  // deleted). Rows already handed to a channel finish normally.
  virtual std::error_code cancelCampaign(std::string_view campaign_id, std::int64_t now,
                                         std::int64_t* rows) = 0;
};

// True if `code` is a plain failure code: [a-z0-9_]{1,kMaxFailureCodeLength}.
bool isValidFailureCode(std::string_view code);

}  // namespace liaison::gateway::store
