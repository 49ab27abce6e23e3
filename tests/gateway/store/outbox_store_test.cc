// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteOutboxStore on real database files: idempotent enqueue, claim order, opt-out at
// dispatch, expiry, every transition, and recovery from every state per resend policy. The
// database is closed and reopened between steps, so each assertion reads what was committed.
#include "store/sqlite_outbox_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store/sqlite_contact_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::store {
namespace {

using liaison::testing::TempDir;

constexpr std::int64_t kNow = 1'700'000'000;

class OutboxStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  // Closes and reopens the database file: what the next step sees is only what was committed.
  void reopen(std::size_t batch_rows = SqliteOutboxStore::kDefaultBatchRows) {
    outbox_.reset();
    contacts_.reset();
    db_.reset();
    db_ = SqliteStore::open(dir_.file("g.db"));
    contacts_ = std::make_unique<SqliteContactStore>(db_->database());
    outbox_ = std::make_unique<SqliteOutboxStore>(db_->database(), batch_rows);
  }

  std::int64_t addContact(const std::string& phone, ContactStatus status = ContactStatus::Active) {
    Contact c;
    c.tenant_id = "t1";
    c.phone_e164 = phone;
    c.language = "tr";
    c.time_zone = "Europe/Berlin";
    UpsertOutcome outcome{};
    EXPECT_FALSE(contacts_->upsert(c, ContactUpdate{}, kNow - 1000, &outcome));
    if (status != ContactStatus::Active) {
      EXPECT_FALSE(contacts_->setStatus("t1", phone, status, kNow - 900));
    }
    Contact got;
    EXPECT_FALSE(contacts_->find("t1", phone, &got));
    return got.id;
  }

  static NewOutboxMessage message(std::int64_t contact_id, std::string step = "notice",
                                  OutboxPriority priority = OutboxPriority::Bulk,
                                  std::int64_t not_before = kNow,
                                  std::optional<std::int64_t> expires_at = std::nullopt,
                                  ResendPolicy policy = ResendPolicy::AtLeastOnce,
                                  std::string campaign = "c1") {
    NewOutboxMessage m;
    m.tenant_id = "t1";
    m.campaign_id = std::move(campaign);
    m.contact_id = contact_id;
    m.step = std::move(step);
    m.to_e164 = "+4915100000000";
    m.body = "Merhaba";
    m.language = "tr";
    m.encoding = OutboxEncoding::Gsm7;
    m.segments = 1;
    m.priority = priority;
    m.resend_policy = policy;
    m.time_zone = "Europe/Berlin";
    m.not_before = not_before;
    m.expires_at = expires_at;
    return m;
  }

  // Enqueues one message and returns its id.
  std::int64_t enqueueOne(const NewOutboxMessage& m) {
    EnqueueCounts counts;
    EXPECT_FALSE(outbox_->enqueueBatch(std::span(&m, 1), kNow, &counts));
    EXPECT_EQ(counts.inserted, 1);
    std::int64_t id = 0;
    std::error_code ec;
    auto s = db_->database().prepare(
        "SELECT id FROM outbox WHERE campaign_id = ?1 AND contact_id = ?2 AND step = ?3", &ec);
    EXPECT_FALSE(ec);
    s->bind(1, std::string_view(m.campaign_id));
    s->bind(2, m.contact_id);
    s->bind(3, std::string_view(m.step));
    bool row = false;
    EXPECT_FALSE(s->step(&row));
    EXPECT_TRUE(row);
    if (row) id = s->int64(0);
    return id;
  }

  OutboxMessage get(std::int64_t id) {
    OutboxMessage m;
    EXPECT_FALSE(outbox_->get(id, &m));
    return m;
  }

  std::vector<std::int64_t> claimIds(std::int64_t now, int limit, ClaimCounts* counts = nullptr) {
    std::vector<OutboxMessage> claimed;
    ClaimCounts local;
    EXPECT_FALSE(outbox_->claimDue(now, limit, "smpp:bind-a", &claimed, &local));
    if (counts) *counts = local;
    std::vector<std::int64_t> ids;
    for (const OutboxMessage& m : claimed) {
      EXPECT_EQ(m.state, OutboxState::Sending);
      EXPECT_EQ(m.channel, "smpp:bind-a");
      ids.push_back(m.id);
    }
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> db_;
  std::unique_ptr<SqliteContactStore> contacts_;
  std::unique_ptr<SqliteOutboxStore> outbox_;
};

TEST_F(OutboxStoreTest, SchemaIsTheAppendedMigration) {
  EXPECT_EQ(db_->schemaVersion(), SqliteStore::latestSchemaVersion());
  EXPECT_NE(SqliteStore::migrationForTest(3).find("CREATE TABLE outbox ("), std::string::npos);
}

TEST_F(OutboxStoreTest, EnqueueIsIdempotentPerCampaignContactStepAcrossBatches) {
  reopen(/*batch_rows=*/2);
  const std::int64_t a = addContact("+4915100000001");
  const std::int64_t b = addContact("+4915100000002");
  std::vector<NewOutboxMessage> step1 = {message(a), message(b), message(a, "q1"),
                                         message(a, "notice", OutboxPriority::Bulk, kNow,
                                                 std::nullopt, ResendPolicy::AtLeastOnce, "c2")};
  EnqueueCounts counts;
  ASSERT_FALSE(outbox_->enqueueBatch(step1, kNow, &counts));
  EXPECT_EQ(counts.inserted, 4);
  EXPECT_EQ(counts.already_present, 0);

  reopen(2);
  // The planner re-runs the step after a crash, with one more recipient: only that one is new.
  const std::int64_t c = addContact("+4915100000003");
  step1.push_back(message(c));
  ASSERT_FALSE(outbox_->enqueueBatch(step1, kNow + 5, &counts));
  EXPECT_EQ(counts.inserted, 1);
  EXPECT_EQ(counts.already_present, 4);

  reopen();
  std::array<std::int64_t, 8> by_state{};
  ASSERT_FALSE(outbox_->countByState("c1", &by_state));
  EXPECT_EQ(by_state[static_cast<int>(OutboxState::Queued)], 4);
  ASSERT_FALSE(outbox_->countByState("c2", &by_state));
  EXPECT_EQ(by_state[static_cast<int>(OutboxState::Queued)], 1);
  EXPECT_TRUE(outbox_->enqueueBatch({}, kNow, &counts) == std::error_code{});
  EXPECT_EQ(counts.inserted, 0);
}

TEST_F(OutboxStoreTest, EnqueueRejectsInvalidInputBeforeWritingAnything) {
  const std::int64_t a = addContact("+4915100000001");
  std::vector<NewOutboxMessage> batch = {message(a), message(a, "q1")};
  batch[1].segments = 0;
  EnqueueCounts counts;
  EXPECT_EQ(outbox_->enqueueBatch(batch, kNow, &counts), StoreErrc::InvalidArgument);
  batch[1].segments = 1;
  batch[1].step.clear();
  EXPECT_EQ(outbox_->enqueueBatch(batch, kNow, &counts), StoreErrc::InvalidArgument);
  std::array<std::int64_t, 8> by_state{};
  ASSERT_FALSE(outbox_->countByState("c1", &by_state));
  EXPECT_EQ(by_state[1], 0);
}

TEST_F(OutboxStoreTest, EnqueuedRowRoundTrips) {
  const std::int64_t a = addContact("+4915100000001");
  NewOutboxMessage m =
      message(a, "q1", OutboxPriority::Reply, kNow + 60, kNow + 3600, ResendPolicy::Never);
  m.encoding = OutboxEncoding::Ucs2;
  m.segments = 3;
  m.body = "Çok teşekkürler — 🙏";
  const std::int64_t id = enqueueOne(m);
  reopen();
  const OutboxMessage got = get(id);
  EXPECT_EQ(got.tenant_id, "t1");
  EXPECT_EQ(got.campaign_id, "c1");
  EXPECT_EQ(got.contact_id, a);
  EXPECT_EQ(got.step, "q1");
  EXPECT_EQ(got.body, m.body);
  EXPECT_EQ(got.encoding, OutboxEncoding::Ucs2);
  EXPECT_EQ(got.segments, 3);
  EXPECT_EQ(got.priority, OutboxPriority::Reply);
  EXPECT_EQ(got.resend_policy, ResendPolicy::Never);
  EXPECT_EQ(got.time_zone, "Europe/Berlin");
  EXPECT_EQ(got.not_before, kNow + 60);
  EXPECT_EQ(got.expires_at, std::optional<std::int64_t>(kNow + 3600));
  EXPECT_EQ(got.state, OutboxState::Queued);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.created_at, kNow);
  EXPECT_TRUE(got.provider_ids.empty());
  OutboxMessage none;
  EXPECT_EQ(outbox_->get(id + 1000, &none), StoreErrc::NotFound);
}

TEST_F(OutboxStoreTest, ClaimOrdersByPriorityThenNotBeforeThenId) {
  const std::int64_t a = addContact("+4915100000001");
  const std::int64_t bulk_late = enqueueOne(message(a, "b1", OutboxPriority::Bulk, kNow - 10));
  const std::int64_t bulk_early = enqueueOne(message(a, "b2", OutboxPriority::Bulk, kNow - 50));
  const std::int64_t bulk_tie = enqueueOne(message(a, "b3", OutboxPriority::Bulk, kNow - 10));
  const std::int64_t reply = enqueueOne(message(a, "r1", OutboxPriority::Reply, kNow));
  const std::int64_t confirm = enqueueOne(message(a, "stop", OutboxPriority::Confirmation, kNow));
  const std::int64_t future = enqueueOne(message(a, "b4", OutboxPriority::Bulk, kNow + 1));
  const std::int64_t future_confirm =
      enqueueOne(message(a, "help", OutboxPriority::Confirmation, kNow + 1));
  reopen();
  EXPECT_EQ(claimIds(kNow, 2), (std::vector<std::int64_t>{confirm, reply}));
  reopen();
  EXPECT_EQ(claimIds(kNow, 10), (std::vector<std::int64_t>{bulk_early, bulk_late, bulk_tie}));
  EXPECT_TRUE(claimIds(kNow, 10).empty());
  reopen();
  EXPECT_EQ(claimIds(kNow + 1, 10), (std::vector<std::int64_t>{future_confirm, future}));
  const OutboxMessage m = get(confirm);
  EXPECT_EQ(m.state, OutboxState::Sending);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.channel, "smpp:bind-a");
  EXPECT_EQ(m.updated_at, kNow);
  std::vector<OutboxMessage> out;
  ClaimCounts counts;
  EXPECT_FALSE(outbox_->claimDue(kNow, 0, "smpp:bind-a", &out, &counts));
  EXPECT_EQ(outbox_->claimDue(kNow, 5, "", &out, &counts), StoreErrc::InvalidArgument);
}

TEST_F(OutboxStoreTest, AClaimScopedToATenantTakesOnlyThatTenantsRows) {
  const std::int64_t a = addContact("+4915100000001");
  Contact other;
  other.tenant_id = "t2";
  other.phone_e164 = "+4915100000002";
  UpsertOutcome outcome{};
  ASSERT_FALSE(contacts_->upsert(other, ContactUpdate{}, kNow - 1000, &outcome));
  ASSERT_FALSE(contacts_->find("t2", other.phone_e164, &other));
  const std::int64_t mine = enqueueOne(message(a, "n1"));
  NewOutboxMessage theirs_msg = message(other.id, "n1");
  theirs_msg.tenant_id = "t2";
  const std::int64_t theirs = enqueueOne(theirs_msg);
  SqliteOutboxStore t2_view(db_->database());
  t2_view.setClaimTenant("t2");
  std::vector<OutboxMessage> out;
  ClaimCounts counts;
  ASSERT_FALSE(t2_view.claimDue(kNow, 10, "smpp:t2-account", &out, &counts));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, theirs);
  EXPECT_EQ(get(mine).state, OutboxState::Queued);  // left for t1's own channel
  EXPECT_EQ(claimIds(kNow, 10), (std::vector<std::int64_t>{mine}));  // unscoped: the rest
}

TEST_F(OutboxStoreTest, OptOutIsCheckedAtDispatchTimeNotOnlyAtEnqueue) {
  const std::int64_t active = addContact("+4915100000001");
  const std::int64_t stopper = addContact("+4915100000002");
  const std::int64_t invalid = addContact("+4915100000003", ContactStatus::Invalid);
  const std::int64_t to_stopper =
      enqueueOne(message(stopper, "notice", OutboxPriority::Bulk, kNow - 30));
  const std::int64_t reply_to_stopper =
      enqueueOne(message(stopper, "q2", OutboxPriority::Reply, kNow - 30));
  const std::int64_t to_invalid =
      enqueueOne(message(invalid, "notice", OutboxPriority::Bulk, kNow - 20));
  const std::int64_t to_gone =
      enqueueOne(message(999999, "notice", OutboxPriority::Bulk, kNow - 20));
  const std::int64_t to_active =
      enqueueOne(message(active, "notice", OutboxPriority::Bulk, kNow - 10));
  // STOP arrives after the audience was built and the rows were enqueued.
  ASSERT_FALSE(contacts_->setStatus("t1", "+4915100000002", ContactStatus::OptedOut, kNow - 5));
  // The one confirmation a STOP gets still goes out.
  const std::int64_t stop_confirmation =
      enqueueOne(message(stopper, "stop-ack", OutboxPriority::Confirmation, kNow - 1));
  reopen();
  ClaimCounts counts;
  // limit 2: the suppressed rows do not use up the limit; the claim keeps looking.
  EXPECT_EQ(claimIds(kNow, 2, &counts), (std::vector<std::int64_t>{stop_confirmation, to_active}));
  EXPECT_EQ(counts.claimed, 2);
  EXPECT_EQ(counts.suppressed, 4);
  EXPECT_EQ(counts.expired, 0);
  reopen();
  for (auto [id, code] :
       {std::pair{to_stopper, kFailureOptedOut}, std::pair{reply_to_stopper, kFailureOptedOut},
        std::pair{to_invalid, kFailureContactInvalid}, std::pair{to_gone, kFailureContactGone}}) {
    const OutboxMessage m = get(id);
    EXPECT_EQ(m.state, OutboxState::Failed) << id;
    EXPECT_EQ(m.failure_code, code) << id;
    EXPECT_EQ(m.attempts, 0) << id;  // never handed to a bind
  }
  // START re-joins, but suppressed rows stay failed: final states never regress.
  ASSERT_FALSE(contacts_->setStatus("t1", "+4915100000002", ContactStatus::Active, kNow + 1));
  EXPECT_TRUE(claimIds(kNow + 2, 10).empty());
}

TEST_F(OutboxStoreTest, ExpiryIsRecordedAtClaimAndBySweep) {
  const std::int64_t a = addContact("+4915100000001");
  const std::int64_t stale_due =
      enqueueOne(message(a, "s1", OutboxPriority::Bulk, kNow - 100, kNow - 1));
  const std::int64_t at_deadline =
      enqueueOne(message(a, "s2", OutboxPriority::Bulk, kNow - 100, kNow));
  const std::int64_t fresh =
      enqueueOne(message(a, "s3", OutboxPriority::Bulk, kNow - 100, kNow + 1));
  const std::int64_t forever = enqueueOne(message(a, "s4", OutboxPriority::Bulk, kNow - 100));
  const std::int64_t later =
      enqueueOne(message(a, "s5", OutboxPriority::Bulk, kNow + 100, kNow + 200));
  reopen();
  ClaimCounts counts;
  EXPECT_EQ(claimIds(kNow, 10, &counts), (std::vector<std::int64_t>{fresh, forever}));
  EXPECT_EQ(counts.expired, 2);
  reopen();
  EXPECT_EQ(get(stale_due).state, OutboxState::Expired);
  EXPECT_EQ(get(stale_due).updated_at, kNow);
  EXPECT_EQ(get(at_deadline).state, OutboxState::Expired);

  // The sweep: queued rows past their deadline, even ones never due yet; rows in flight are
  // not touched (their fate is the SMSC's).
  std::int64_t expired = -1;
  ASSERT_FALSE(outbox_->expireOverdue(kNow + 199, &expired));
  EXPECT_EQ(expired, 0);
  ASSERT_FALSE(outbox_->expireOverdue(kNow + 500, &expired));
  EXPECT_EQ(expired, 1);
  reopen();
  EXPECT_EQ(get(later).state, OutboxState::Expired);
  EXPECT_EQ(get(later).updated_at, kNow + 500);
  EXPECT_EQ(get(fresh).state, OutboxState::Sending);  // claimed before its deadline
  EXPECT_EQ(get(forever).state, OutboxState::Sending);
}

TEST_F(OutboxStoreTest, HappyPathEveryStepDurableAndReceiptLookup) {
  const std::int64_t a = addContact("+4915100000001");
  NewOutboxMessage m = message(a);
  m.segments = 2;
  const std::int64_t id = enqueueOne(m);
  reopen();
  ASSERT_EQ(claimIds(kNow, 10), (std::vector<std::int64_t>{id}));
  reopen();
  EXPECT_EQ(get(id).state, OutboxState::Sending);
  Transition t{};
  const std::vector<std::string> ids = {"a1b2", "a1b3"};
  ASSERT_FALSE(outbox_->markSubmitted(id, ids, kNow + 1, &t));
  EXPECT_EQ(t, Transition::Applied);
  reopen();
  OutboxMessage got = get(id);
  EXPECT_EQ(got.state, OutboxState::Submitted);
  EXPECT_EQ(got.provider_ids, ids);
  std::int64_t found = 0;
  ASSERT_FALSE(outbox_->findByProviderId("smpp:bind-a", "a1b3", &found));
  EXPECT_EQ(found, id);
  EXPECT_EQ(outbox_->findByProviderId("smpp:bind-b", "a1b3", &found), StoreErrc::NotFound);
  ASSERT_FALSE(outbox_->markDelivered(id, kNow + 2, &t));
  EXPECT_EQ(t, Transition::Applied);
  reopen();
  got = get(id);
  EXPECT_EQ(got.state, OutboxState::Delivered);
  EXPECT_EQ(got.updated_at, kNow + 2);
  // A repeated receipt is a no-op, not an error.
  ASSERT_FALSE(outbox_->markDelivered(id, kNow + 3, &t));
  EXPECT_EQ(t, Transition::Ignored);
  EXPECT_EQ(get(id).updated_at, kNow + 2);
}

TEST_F(OutboxStoreTest, BadArgumentsAndMissingRows) {
  const std::int64_t id = enqueueOne(message(addContact("+4915100000001")));
  Transition t{};
  // Failure codes are a small public set: no provider text, no numbers with '+', no spaces.
  EXPECT_EQ(outbox_->markFailed(id, "+4915100000001", kNow, &t), StoreErrc::InvalidArgument);
  EXPECT_EQ(outbox_->markFailed(id, "Rejected by SMSC", kNow, &t), StoreErrc::InvalidArgument);
  EXPECT_EQ(outbox_->markFailed(id, "", kNow, &t), StoreErrc::InvalidArgument);
  EXPECT_EQ(outbox_->markSubmitted(id, {}, kNow, &t), StoreErrc::InvalidArgument);
  const std::vector<std::string> empty_id = {""};
  EXPECT_EQ(outbox_->markSubmitted(id, empty_id, kNow, &t), StoreErrc::InvalidArgument);
  EXPECT_EQ(get(id).state, OutboxState::Queued);
  const std::int64_t missing = id + 100;
  const std::vector<std::string> one = {"x"};
  EXPECT_EQ(outbox_->markSubmitted(missing, one, kNow, &t), StoreErrc::NotFound);
  EXPECT_EQ(outbox_->markDelivered(missing, kNow, &t), StoreErrc::NotFound);
  EXPECT_EQ(outbox_->markFailed(missing, "rejected", kNow, &t), StoreErrc::NotFound);
  EXPECT_EQ(outbox_->markExpired(missing, kNow, &t), StoreErrc::NotFound);
  EXPECT_EQ(outbox_->markUnknown(missing, kNow, &t), StoreErrc::NotFound);
  EXPECT_EQ(outbox_->requeue(missing, kNow, kNow, &t), StoreErrc::NotFound);
  EXPECT_TRUE(isValidFailureCode("throttled"));
  EXPECT_TRUE(isValidFailureCode("smpp_0x45"));
  EXPECT_FALSE(isValidFailureCode(std::string(kMaxFailureCodeLength + 1, 'a')));
}

// ---- every transition from every state ----

enum class Op { Submit, Deliver, Fail, Expire, Unknown, Requeue };

const char* opName(Op op) {
  switch (op) {
    case Op::Submit: return "submit";
    case Op::Deliver: return "deliver";
    case Op::Fail: return "fail";
    case Op::Expire: return "expire";
    case Op::Unknown: return "unknown";
    case Op::Requeue: return "requeue";
  }
  return "?";
}

// The state a row is in after `op` from `from`; `from` itself means Ignored.
OutboxState expectedAfter(OutboxState from, Op op) {
  using S = OutboxState;
  switch (from) {
    case S::Queued:
      if (op == Op::Fail) return S::Failed;
      if (op == Op::Expire) return S::Expired;
      return from;
    case S::Sending:
      if (op == Op::Submit) return S::Submitted;
      if (op == Op::Fail) return S::Failed;
      if (op == Op::Unknown) return S::Unknown;
      if (op == Op::Requeue) return S::Queued;
      return from;
    case S::Submitted:
      if (op == Op::Deliver) return S::Delivered;
      if (op == Op::Fail) return S::Failed;
      if (op == Op::Expire) return S::Expired;
      if (op == Op::Unknown) return S::Unknown;
      return from;
    case S::Unknown:  // a late response or receipt resolves it
      if (op == Op::Submit) return S::Submitted;
      if (op == Op::Deliver) return S::Delivered;
      if (op == Op::Fail) return S::Failed;
      if (op == Op::Expire) return S::Expired;
      return from;
    case S::Delivered:
    case S::Failed:
    case S::Expired: return from;  // final: never regress
  }
  return from;
}

class OutboxStateMachineTest : public OutboxStoreTest {
 protected:
  // Drives a fresh row to `state` through the public API only.
  std::int64_t rowIn(OutboxState state, const std::string& step,
                     ResendPolicy policy = ResendPolicy::AtLeastOnce) {
    // Each new row is due a second earlier than the one before, so a claim at kNow takes it
    // ahead of rows left queued by earlier cases.
    const std::int64_t id = enqueueOne(
        message(contact_, step, OutboxPriority::Bulk, kNow - ++seq_, std::nullopt, policy));
    if (state == OutboxState::Queued) return id;
    Transition t{};
    if (state == OutboxState::Expired) {
      EXPECT_FALSE(outbox_->markExpired(id, kNow, &t));
      return id;
    }
    std::vector<OutboxMessage> claimed;
    ClaimCounts counts;
    EXPECT_FALSE(outbox_->claimDue(kNow, 1, "smpp:bind-a", &claimed, &counts));
    EXPECT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed.empty() ? 0 : claimed[0].id, id);
    const std::vector<std::string> ids = {"p-" + step};
    switch (state) {
      case OutboxState::Sending: break;
      case OutboxState::Submitted: EXPECT_FALSE(outbox_->markSubmitted(id, ids, kNow, &t)); break;
      case OutboxState::Delivered:
        EXPECT_FALSE(outbox_->markSubmitted(id, ids, kNow, &t));
        EXPECT_FALSE(outbox_->markDelivered(id, kNow, &t));
        break;
      case OutboxState::Failed: EXPECT_FALSE(outbox_->markFailed(id, "rejected", kNow, &t)); break;
      case OutboxState::Unknown: EXPECT_FALSE(outbox_->markUnknown(id, kNow, &t)); break;
      default: break;
    }
    EXPECT_EQ(get(id).state, state);
    return id;
  }

  std::error_code apply(Op op, std::int64_t id, Transition* t) {
    const std::vector<std::string> ids = {"late-1"};
    switch (op) {
      case Op::Submit: return outbox_->markSubmitted(id, ids, kNow + 10, t);
      case Op::Deliver: return outbox_->markDelivered(id, kNow + 10, t);
      case Op::Fail: return outbox_->markFailed(id, "undeliverable", kNow + 10, t);
      case Op::Expire: return outbox_->markExpired(id, kNow + 10, t);
      case Op::Unknown: return outbox_->markUnknown(id, kNow + 10, t);
      case Op::Requeue: return outbox_->requeue(id, kNow + 60, kNow + 10, t);
    }
    return {};
  }

  std::int64_t contact_ = 0;
  std::int64_t seq_ = 0;
};

TEST_F(OutboxStateMachineTest, EveryTransitionFromEveryState) {
  contact_ = addContact("+4915100000001");
  const OutboxState states[] = {
      OutboxState::Queued, OutboxState::Sending, OutboxState::Submitted, OutboxState::Delivered,
      OutboxState::Failed, OutboxState::Expired, OutboxState::Unknown};
  const Op ops[] = {Op::Submit, Op::Deliver, Op::Fail, Op::Expire, Op::Unknown, Op::Requeue};
  int applied = 0;
  for (OutboxState from : states) {
    for (Op op : ops) {
      const std::string step = "s" + std::to_string(static_cast<int>(from)) + "-" + opName(op);
      SCOPED_TRACE(step);
      const std::int64_t id = rowIn(from, step);
      const OutboxMessage before = get(id);
      Transition t{};
      ASSERT_FALSE(apply(op, id, &t));
      reopen();  // the outcome must be durable, not just in this connection's cache
      const OutboxMessage after = get(id);
      const OutboxState want = expectedAfter(from, op);
      EXPECT_EQ(after.state, want);
      if (want == from) {
        EXPECT_EQ(t, Transition::Ignored);
        EXPECT_EQ(after.updated_at, before.updated_at);  // nothing was written
        EXPECT_EQ(after.failure_code, before.failure_code);
        EXPECT_EQ(after.provider_ids, before.provider_ids);
      } else {
        ++applied;
        EXPECT_EQ(t, Transition::Applied);
        EXPECT_EQ(after.updated_at, kNow + 10);
        if (want == OutboxState::Failed) {
          EXPECT_EQ(after.failure_code, "undeliverable");
        }
        if (want == OutboxState::Submitted) {
          EXPECT_EQ(after.provider_ids, std::vector<std::string>{"late-1"});
        }
        if (want == OutboxState::Queued) {
          EXPECT_EQ(after.not_before, kNow + 60);
        }
      }
      // Whatever happened, a row never leaves a final state afterwards.
      if (want == OutboxState::Delivered || want == OutboxState::Failed ||
          want == OutboxState::Expired) {
        for (Op again : ops) {
          Transition t2{};
          ASSERT_FALSE(apply(again, id, &t2));
          EXPECT_EQ(t2, Transition::Ignored) << opName(again);
        }
        EXPECT_EQ(get(id).state, want);
      }
    }
  }
  EXPECT_EQ(applied, 14);
}

// ---- recovery on start ----

struct RecoverCase {
  ResendPolicy policy;
  OutboxState sending_becomes;
};

void PrintTo(const RecoverCase& c, std::ostream* os) {
  *os << (c.policy == ResendPolicy::AtLeastOnce ? "at_least_once" : "never");
}

class OutboxRecoverTest : public OutboxStateMachineTest,
                          public ::testing::WithParamInterface<RecoverCase> {};

TEST_P(OutboxRecoverTest, RecoversFromEveryState) {
  const RecoverCase& c = GetParam();
  contact_ = addContact("+4915100000001");
  const OutboxState states[] = {
      OutboxState::Queued, OutboxState::Sending, OutboxState::Submitted, OutboxState::Delivered,
      OutboxState::Failed, OutboxState::Expired, OutboxState::Unknown};
  std::vector<std::pair<std::int64_t, OutboxState>> rows;
  for (OutboxState s : states) {
    rows.emplace_back(rowIn(s, "r" + std::to_string(static_cast<int>(s)), c.policy), s);
  }
  reopen();  // the "crash": only committed state survives
  RecoverCounts counts;
  ASSERT_FALSE(outbox_->recover(kNow + 100, &counts));
  EXPECT_EQ(counts.requeued, c.policy == ResendPolicy::AtLeastOnce ? 1 : 0);
  EXPECT_EQ(counts.unknown, c.policy == ResendPolicy::Never ? 1 : 0);
  reopen();
  for (const auto& [id, before] : rows) {
    const OutboxMessage m = get(id);
    SCOPED_TRACE(static_cast<int>(before));
    if (before == OutboxState::Sending) {
      EXPECT_EQ(m.state, c.sending_becomes);
      EXPECT_EQ(m.updated_at, kNow + 100);
      EXPECT_EQ(m.attempts, 1);
    } else {
      EXPECT_EQ(m.state, before);  // recovery touches only rows in flight
    }
  }
  // Recovery is idempotent.
  ASSERT_FALSE(outbox_->recover(kNow + 200, &counts));
  EXPECT_EQ(counts.requeued + counts.unknown, 0);
  // A requeued row is claimed again and its second attempt is counted (promise 2: duplicates
  // are bounded and counted); an unknown one is never sent again.
  const std::int64_t was_sending = rows[1].first;
  const std::vector<std::int64_t> again = claimIds(kNow + 300, 10);
  if (c.policy == ResendPolicy::AtLeastOnce) {
    // The recovered row and the queued one, in not_before order.
    EXPECT_EQ(again, (std::vector<std::int64_t>{was_sending, rows[0].first}));
    EXPECT_EQ(get(was_sending).attempts, 2);
  } else {
    EXPECT_EQ(again, (std::vector<std::int64_t>{rows[0].first}));
    EXPECT_EQ(get(was_sending).state, OutboxState::Unknown);
  }
}

INSTANTIATE_TEST_SUITE_P(Policies, OutboxRecoverTest,
                         ::testing::Values(RecoverCase{ResendPolicy::AtLeastOnce,
                                                       OutboxState::Queued},
                                           RecoverCase{ResendPolicy::Never, OutboxState::Unknown}),
                         [](const ::testing::TestParamInfo<RecoverCase>& param) {
                           return std::string(param.param.policy == ResendPolicy::AtLeastOnce
                                                  ? "AtLeastOnce"
                                                  : "NeverResend");
                         });

// A real crash: a child process claims rows and is killed with SIGKILL before it can report
// anything. The parent reopens the file and recovers per policy.
TEST_F(OutboxStoreTest, KillNineWhileSendingLosesNothing) {
  const std::int64_t a = addContact("+4915100000001");
  const std::int64_t notice = enqueueOne(
      message(a, "notice", OutboxPriority::Bulk, kNow, std::nullopt, ResendPolicy::AtLeastOnce));
  const std::int64_t poll = enqueueOne(
      message(a, "q1", OutboxPriority::Bulk, kNow, std::nullopt, ResendPolicy::Never, "c2"));
  const std::int64_t untouched = enqueueOne(message(a, "later", OutboxPriority::Bulk, kNow + 3600));
  outbox_.reset();
  contacts_.reset();
  db_.reset();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto db = SqliteStore::open(dir_.file("g.db"));
    SqliteOutboxStore outbox(db->database());
    std::vector<OutboxMessage> claimed;
    ClaimCounts counts;
    const bool ok =
        !outbox.claimDue(kNow, 10, "smpp:bind-a", &claimed, &counts) && claimed.size() == 2;
    if (ok) kill(getpid(), SIGKILL);  // "in flight" when the process dies
    _exit(3);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child did not claim both rows";
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  reopen();
  EXPECT_EQ(get(notice).state, OutboxState::Sending);
  EXPECT_EQ(get(poll).state, OutboxState::Sending);
  RecoverCounts counts;
  ASSERT_FALSE(outbox_->recover(kNow + 5, &counts));
  EXPECT_EQ(counts.requeued, 1);
  EXPECT_EQ(counts.unknown, 1);
  EXPECT_EQ(get(notice).state, OutboxState::Queued);
  EXPECT_EQ(get(poll).state, OutboxState::Unknown);
  EXPECT_EQ(get(untouched).state, OutboxState::Queued);
}

}  // namespace
}  // namespace liaison::gateway::store
