// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// MessageIntake over a real SQLite file: group commit, idempotency keys, refusals, the bound on
// pending messages, and shutdown committing what was accepted.
#include "outreach/message_intake.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::outreach {
namespace {

constexpr char kTenant[] = "tenant-a";
constexpr std::int64_t kNow = 1'780'300'800;

class MessageIntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::SqliteStore::open(dir_.file("liaison.db"));
    store::SqliteContactStore contacts(store_->database());
    for (int i = 0; i < 3; ++i) {
      store::Contact c;
      c.tenant_id = kTenant;
      c.phone_e164 = "+491511234000" + std::to_string(i);
      c.language = "de";
      c.time_zone = "Europe/Berlin";
      store::UpsertOutcome outcome{};
      ASSERT_FALSE(contacts.upsert(c, store::ContactUpdate{}, kNow, &outcome));
      store::Contact stored;
      ASSERT_FALSE(contacts.findBasic(kTenant, c.phone_e164, &stored));
      ids_.push_back(stored.id);
    }
    ASSERT_FALSE(contacts.setStatus(kTenant, "+4915112340002", store::ContactStatus::OptedOut,
                                    kNow));
  }

  DirectMessage message(std::int64_t contact, const std::string& key) const {
    DirectMessage m;
    m.tenant_id = kTenant;
    m.contact_id = contact;
    m.body = "Termin am Samstag";
    m.key = key;
    return m;
  }

  IntakeOptions options() const {
    IntakeOptions o;
    o.clock = [] { return kNow; };
    return o;
  }

  std::int64_t queued() {
    std::lock_guard lock(mu_);
    store::SqliteOutboxStore outbox(store_->database());
    std::array<std::int64_t, 8> counts{};
    EXPECT_FALSE(outbox.countByState(kDirectCampaignId, &counts));
    return counts[static_cast<int>(store::OutboxState::Queued)];
  }

  liaison::testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
  std::mutex mu_;
  std::vector<std::int64_t> ids_;
};

TEST_F(MessageIntakeTest, MessagesArrivingDuringACommitShareTheNext) {
  constexpr int kMessages = 300;
  std::vector<std::future<IntakeResult>> answers;
  std::vector<std::promise<IntakeResult>> promises(kMessages);
  int woken = 0;
  {
    MessageIntake intake(store_->database(), mu_, options(), [&] { ++woken; });
    {
      // While the store is busy (as during a commit), everything submitted waits together.
      std::lock_guard busy(mu_);
      for (int i = 0; i < kMessages; ++i) {
        answers.push_back(promises[i].get_future());
        intake.submit(message(ids_[i % 2], "k" + std::to_string(i)),
                      [&promises, i](const IntakeResult& r) { promises[i].set_value(r); });
      }
    }
    std::vector<std::int64_t> seen;
    for (auto& a : answers) {
      const IntakeResult r = a.get();
      ASSERT_EQ(r.outcome, IntakeOutcome::Accepted);
      seen.push_back(r.message_id);
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "ids must differ";
    const IntakeStats stats = intake.stats();
    EXPECT_EQ(stats.accepted, static_cast<std::uint64_t>(kMessages));
    // The intake thread takes what is pending, then waits for the store: whatever it took
    // is one group, and everything submitted after that the next. 300 messages, 2 commits.
    EXPECT_LE(stats.groups.commits, 2u);
    EXPECT_EQ(stats.groups.items, static_cast<std::uint64_t>(kMessages));
    EXPECT_GE(stats.groups.largest_group, static_cast<std::size_t>(kMessages / 2));
  }
  EXPECT_EQ(queued(), kMessages);
  EXPECT_GE(woken, 1);
  EXPECT_LE(woken, 2);
}

TEST_F(MessageIntakeTest, KeysRefusalsAndTheRowsFields) {
  MessageIntake intake(store_->database(), mu_, options());
  auto send = [&](DirectMessage m) {
    std::promise<IntakeResult> p;
    auto f = p.get_future();
    intake.submit(std::move(m), [&p](const IntakeResult& r) { p.set_value(r); });
    return f.get();
  };
  DirectMessage first = message(ids_[0], "order-1");
  first.expires_at = kNow + 600;
  first.resend_policy = store::ResendPolicy::Never;
  const IntakeResult a = send(first);
  ASSERT_EQ(a.outcome, IntakeOutcome::Accepted);
  const IntakeResult again = send(message(ids_[0], "order-1"));
  EXPECT_EQ(again.outcome, IntakeOutcome::Duplicate);
  EXPECT_EQ(again.message_id, a.message_id);
  EXPECT_EQ(again.state, store::OutboxState::Queued);
  // The same key for another contact is another message.
  EXPECT_EQ(send(message(ids_[1], "order-1")).outcome, IntakeOutcome::Accepted);
  DirectMessage by_phone = message(0, "by-phone");
  by_phone.to_e164 = "+4915112340001";
  const IntakeResult p = send(by_phone);
  EXPECT_EQ(p.outcome, IntakeOutcome::Accepted);
  EXPECT_EQ(p.contact_id, ids_[1]);
  EXPECT_EQ(send(message(ids_[2], "stop")).outcome, IntakeOutcome::OptedOut);
  EXPECT_EQ(send(message(987654, "none")).outcome, IntakeOutcome::NoSuchContact);
  DirectMessage other_tenant = message(ids_[0], "x");
  other_tenant.tenant_id = "tenant-b";
  EXPECT_EQ(send(other_tenant).outcome, IntakeOutcome::NoSuchContact);

  std::lock_guard lock(mu_);
  store::SqliteOutboxStore outbox(store_->database());
  store::OutboxMessage row;
  ASSERT_FALSE(outbox.get(a.message_id, &row));
  EXPECT_EQ(row.tenant_id, kTenant);
  EXPECT_EQ(row.step, "api:order-1");
  EXPECT_EQ(row.to_e164, "+4915112340000");
  EXPECT_EQ(row.language, "de");
  EXPECT_EQ(row.time_zone, "Europe/Berlin");
  EXPECT_EQ(row.not_before, kNow);
  EXPECT_EQ(row.expires_at, kNow + 600);
  EXPECT_EQ(row.resend_policy, store::ResendPolicy::Never);
  EXPECT_EQ(row.priority, store::OutboxPriority::Reply);
}

TEST_F(MessageIntakeTest, BeyondMaxPendingTheCallerHearsBusyAtOnce) {
  IntakeOptions o = options();
  o.max_pending = 5;
  std::vector<IntakeOutcome> outcomes;
  std::mutex outcomes_mu;
  {
    MessageIntake intake(store_->database(), mu_, o);
    std::lock_guard busy(mu_);  // nothing commits meanwhile
    for (int i = 0; i < 20; ++i) {
      intake.submit(message(ids_[0], "b" + std::to_string(i)), [&](const IntakeResult& r) {
        std::lock_guard lock(outcomes_mu);
        outcomes.push_back(r.outcome);
      });
    }
    std::lock_guard lock(outcomes_mu);
    // The worker takes what is pending (at most max_pending) and waits for the store; at most
    // max_pending more can wait behind it.
    const auto busy_count = std::count(outcomes.begin(), outcomes.end(), IntakeOutcome::Busy);
    EXPECT_GE(busy_count, 20 - 2 * 5);
    EXPECT_EQ(busy_count, static_cast<long>(outcomes.size()));
  }
  // Destroyed: everything it accepted was committed, and every caller got an answer.
  EXPECT_EQ(outcomes.size(), 20u);
  const auto accepted = std::count(outcomes.begin(), outcomes.end(), IntakeOutcome::Accepted);
  EXPECT_EQ(queued(), accepted);
  EXPECT_GE(accepted, 5);
}

TEST_F(MessageIntakeTest, AFailedCommitKeepsNothingAndSaysSo) {
  MessageIntake intake(store_->database(), mu_, options());
  {
    std::lock_guard lock(mu_);
    ASSERT_FALSE(store_->database().exec("ALTER TABLE outbox RENAME TO outbox_gone"));
  }
  std::promise<IntakeResult> p;
  auto f = p.get_future();
  intake.submit(message(ids_[0], "lost"), [&p](const IntakeResult& r) { p.set_value(r); });
  const IntakeResult r = f.get();
  EXPECT_EQ(r.outcome, IntakeOutcome::StoreFailed);
  EXPECT_TRUE(r.error);
  EXPECT_EQ(intake.stats().store_failures, 1u);
}

}  // namespace
}  // namespace liaison::gateway::outreach
