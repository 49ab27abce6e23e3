// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteResponseStore on a real SQLite file: sessions, answers and inbound records.
#include "store/sqlite_response_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::store {
namespace {

using liaison::testing::TempDir;

class ResponseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = SqliteStore::open(dir_.file("r.db"));
    contacts_ = std::make_unique<SqliteContactStore>(db_->database());
    campaigns_ = std::make_unique<SqliteCampaignStore>(db_->database());
    responses_ = std::make_unique<SqliteResponseStore>(db_->database());
    Contact c;
    c.tenant_id = "t";
    c.phone_e164 = "+33612345678";
    UpsertOutcome outcome{};
    ASSERT_FALSE(contacts_->upsert(c, ContactUpdate{}, 1, &outcome));
    ASSERT_FALSE(contacts_->find("t", c.phone_e164, &c));
    contact_id_ = c.id;
    for (const char* id : {"poll-a", "poll-b"}) {
      CampaignRecord r;
      r.id = id;
      r.tenant_id = "t";
      r.name = id;
      r.kind = CampaignKind::Poll;
      r.state = CampaignState::Running;
      r.definition.mutable_poll()->add_questions()->set_id("q1");
      ASSERT_FALSE(campaigns_->create(r, 1));
    }
  }

  PollSessionRecord sessionIn(const std::string& campaign, std::int64_t last_activity) {
    PollSessionRecord s;
    s.campaign_id = campaign;
    EXPECT_FALSE(campaigns_->pseudonymFor(campaign, contact_id_, &s.pseudonym));
    s.language = "fr";
    s.country = "FR";
    s.current_question = "q1";
    s.started_at = 100;
    s.last_activity = last_activity;
    return s;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> db_;
  std::unique_ptr<SqliteContactStore> contacts_;
  std::unique_ptr<SqliteCampaignStore> campaigns_;
  std::unique_ptr<SqliteResponseStore> responses_;
  std::int64_t contact_id_ = 0;
};

TEST_F(ResponseStoreTest, OpenSessionIsInsertOnce) {
  PollSessionRecord s = sessionIn("poll-a", 100);
  bool created = false;
  ASSERT_FALSE(responses_->openSession(s, &created));
  EXPECT_TRUE(created);
  s.current_question = "changed";
  ASSERT_FALSE(responses_->openSession(s, &created));
  EXPECT_FALSE(created);
  PollSessionRecord got;
  ASSERT_FALSE(responses_->getSession("poll-a", s.pseudonym, &got));
  EXPECT_EQ(got.current_question, "q1");
  EXPECT_EQ(got.country, "FR");
  EXPECT_EQ(responses_->getSession("poll-a", "nobody", &got), StoreErrc::NotFound);
  s.state = static_cast<SessionState>(9);
  EXPECT_EQ(responses_->openSession(s, &created), StoreErrc::InvalidArgument);
}

TEST_F(ResponseStoreTest, FindOpenSessionPrefersTheMostRecentRunningPoll) {
  bool created = false;
  ASSERT_FALSE(responses_->openSession(sessionIn("poll-a", 500), &created));
  ASSERT_FALSE(responses_->openSession(sessionIn("poll-b", 300), &created));
  PollSessionRecord got;
  ASSERT_FALSE(responses_->findOpenSession(contact_id_, &got));
  EXPECT_EQ(got.campaign_id, "poll-a");
  // Once poll-a is paused, replies belong to poll-b.
  Transition t{};
  ASSERT_FALSE(campaigns_->setState("t", "poll-a", CampaignState::Running, CampaignState::Paused,
                                    2, &t));
  ASSERT_FALSE(responses_->findOpenSession(contact_id_, &got));
  EXPECT_EQ(got.campaign_id, "poll-b");
  std::int64_t n = 0;
  ASSERT_FALSE(responses_->stopSessions(contact_id_, 600, &n));
  EXPECT_EQ(n, 2);  // every open session, paused poll or not
  EXPECT_EQ(responses_->findOpenSession(contact_id_, &got), StoreErrc::NotFound);
}

TEST_F(ResponseStoreTest, ExpireSessionsClosesOnlySilentOnes) {
  bool created = false;
  ASSERT_FALSE(responses_->openSession(sessionIn("poll-a", 100), &created));
  std::int64_t n = 0;
  ASSERT_FALSE(responses_->expireSessions("poll-a", 100, &n));
  EXPECT_EQ(n, 0);  // active at the cutoff: kept
  ASSERT_FALSE(responses_->expireSessions("poll-a", 101, &n));
  EXPECT_EQ(n, 1);
  PollSessionRecord got;
  ASSERT_FALSE(responses_->getSession("poll-a", sessionIn("poll-a", 0).pseudonym, &got));
  EXPECT_EQ(got.state, SessionState::Expired);
  EXPECT_TRUE(got.current_question.empty());
}

TEST_F(ResponseStoreTest, ALaterAnswerToTheSameQuestionReplacesTheFirst) {
  AnswerRecord a;
  a.campaign_id = "poll-a";
  a.pseudonym = "p1";
  a.question_id = "q1";
  a.kind = AnswerKind::Number;
  a.number = 3;
  a.answered_at = 10;
  ASSERT_FALSE(responses_->putAnswer(a));
  a.number = 4;
  a.source = AnswerSource::FieldDevice;
  ASSERT_FALSE(responses_->putAnswer(a));
  std::error_code ec;
  auto s = db_->database().prepare("SELECT count(*), max(value_num), max(source) FROM answers",
                                   &ec);
  bool row = false;
  ASSERT_FALSE(s->step(&row));
  EXPECT_EQ(s->int64(0), 1);
  EXPECT_EQ(s->real(1), 4.0);
  EXPECT_EQ(s->int64(2), 2);
  a.question_id.clear();
  EXPECT_EQ(responses_->putAnswer(a), StoreErrc::InvalidArgument);
}

TEST_F(ResponseStoreTest, InboundProviderIdsAreUniquePerChannelAndContentIsWindowed) {
  InboundRecord r;
  r.tenant_id = "t";
  r.channel = "http:kannel";
  r.provider_id = "abc";
  r.from_e164 = "+33612345678";
  r.content_hash = 0xfedcba9876543210ull;  // above INT64_MAX: stored by bit pattern
  r.route = InboundRoute::PollAnswer;
  r.body = "not kept";
  r.received_at = 1000;
  ASSERT_FALSE(responses_->recordInbound(&r));
  EXPECT_GT(r.id, 0);
  InboundRecord again = r;
  EXPECT_EQ(responses_->recordInbound(&again), StoreErrc::Constraint);
  again.channel = "smpp:main";  // the same id on another channel is another message
  EXPECT_FALSE(responses_->recordInbound(&again));

  bool seen = false;
  ASSERT_FALSE(responses_->seenProviderId("http:kannel", "abc", &seen));
  EXPECT_TRUE(seen);
  ASSERT_FALSE(responses_->seenProviderId("http:kannel", "abd", &seen));
  EXPECT_FALSE(seen);
  ASSERT_FALSE(responses_->seenRecently("+33612345678", 0xfedcba9876543210ull, 1000, &seen));
  EXPECT_TRUE(seen);
  ASSERT_FALSE(responses_->seenRecently("+33612345678", 0xfedcba9876543210ull, 1001, &seen));
  EXPECT_FALSE(seen);
  ASSERT_FALSE(responses_->seenRecently("+33612345679", 0xfedcba9876543210ull, 0, &seen));
  EXPECT_FALSE(seen);

  std::error_code ec;
  auto s = db_->database().prepare("SELECT count(*) FROM inbound WHERE body IS NULL", &ec);
  bool row = false;
  ASSERT_FALSE(s->step(&row));
  EXPECT_EQ(s->int64(0), 2);  // routed messages keep no body
}

}  // namespace
}  // namespace liaison::gateway::store
