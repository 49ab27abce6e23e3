// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The intake of single messages (POST /v1/messages): each one is durably in the outbox before
// its caller hears "accepted", and many callers share one commit (group commit).
//
//   HTTP threads: validate, analyse the text --submit--> pending (bounded)
//                                                          |
//   intake thread:  take everything pending (<= max_batch) +--> store mutex, one transaction:
//                   per message: the contact (tenant-scoped; opted out / invalid refused),
//                   insert the outbox row (or find the one its idempotency key made before)
//                   --> COMMIT (one fsync for the batch) --> each caller's `done`
//                   --> on_committed (wakes the dispatchers)
//
// While a commit runs, new requests gather for the next one, so under load a batch holds as
// many messages as arrived during one fsync, and with few requests a batch is one message
// (latency is one commit, no timer). One durable commit per message caps a store at about
// 2,000-4,000 per second (bench/README.md, inbound batch 1); batching is what allows more.
//
// A message goes to a contact of the caller's tenant (by id or by phone number), never to a
// bare number: the opt-out check, the language and the time zone are the contact's, and the
// dispatcher checks the opt-out again when it claims the row, so a STOP that arrives after the
// request still wins. Rows carry campaign id kDirectCampaignId and step "api:<key>", so the
// ledger's UNIQUE (campaign, contact, step) makes a retried request with the same key return
// the first one's message instead of sending twice.
//
// Thread-safety: submit() and stats() from any thread; `done` runs on the intake thread
// (or, for a refusal because the queue is full or the intake stopped, on the caller's) and
// must not block for long. The destructor commits what is pending, then stops.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "store/database.h"
#include "store/outbox_store.h"
#include "util/group_commit.h"

namespace liaison::gateway::outreach {

// The outbox campaign id of messages sent one by one through the API.
inline constexpr std::string_view kDirectCampaignId = "api";

struct DirectMessage {
  std::string tenant_id;
  // The recipient: a contact id, or (contact_id 0) the contact with this E.164 number.
  std::int64_t contact_id = 0;
  std::string to_e164;  // @sensitive
  std::string body;     // @sensitive, UTF-8, already analysed
  store::OutboxEncoding encoding = store::OutboxEncoding::Gsm7;
  int segments = 1;
  // The step suffix: the caller's idempotency key, or a fresh random one.
  std::string key;
  store::ResendPolicy resend_policy = store::ResendPolicy::AtLeastOnce;
  std::optional<std::int64_t> expires_at;  // Unix seconds
};

enum class IntakeOutcome {
  Accepted,       // a new outbox row
  Duplicate,      // the key was used before for this contact: that row
  NoSuchContact,  // no contact with that id or number in the tenant
  OptedOut,       // the contact said STOP
  InvalidContact, // the contact's number is marked invalid
  Busy,           // max_pending messages are waiting: try again shortly
  StoreFailed,    // the batch could not be committed (error says why); nothing of it is kept
};

struct IntakeResult {
  IntakeOutcome outcome = IntakeOutcome::StoreFailed;
  std::error_code error;         // StoreFailed
  std::int64_t message_id = 0;   // Accepted, Duplicate
  std::int64_t contact_id = 0;   // Accepted, Duplicate
  store::OutboxState state = store::OutboxState::Queued;  // Duplicate: the row's state now
};

struct IntakeOptions {
  std::size_t max_batch = 2'000;     // messages per transaction
  std::size_t max_pending = 50'000;  // waiting for a commit; beyond: Busy
  std::function<std::int64_t()> clock;  // Unix seconds; empty: the system clock
};

struct IntakeStats {
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t refused = 0;         // no such contact, opted out, invalid
  std::uint64_t store_failures = 0;  // messages in failed batches
  util::GroupCommitStats groups;     // commits, largest group, pending, busy (refused there)
};

class MessageIntake {
 public:
  // `db` is the writer connection, `store_mu` the mutex every user of it takes; both outlive
  // the intake. `on_committed` (may be empty) runs on the intake thread after each commit
  // that queued at least one message.
  MessageIntake(store::Database& db, std::mutex& store_mu, IntakeOptions options = {},
                std::function<void()> on_committed = {});
  ~MessageIntake();
  MessageIntake(const MessageIntake&) = delete;
  MessageIntake& operator=(const MessageIntake&) = delete;

  using Done = std::function<void(const IntakeResult&)>;
  void submit(DirectMessage message, Done done);
  IntakeStats stats() const;

 private:
  struct Pending {
    DirectMessage message;
    Done done;
  };
  void commit(std::vector<Pending>& batch);
  std::int64_t now() const;

  store::Database& db_;
  std::mutex& store_mu_;
  IntakeOptions options_;
  std::function<void()> on_committed_;
  std::atomic<std::uint64_t> accepted_{0}, duplicates_{0}, refused_{0}, store_failures_{0};
  util::GroupCommitter<Pending> group_;  // last: its thread stops first
};

}  // namespace liaison::gateway::outreach
