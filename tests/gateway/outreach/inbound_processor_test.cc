// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The inbound pipeline over a real SQLite store: whole poll conversations in several languages,
// re-asks, branching, STOP in the middle of a poll, START and HELP, duplicates by provider id
// and by content, the inbox, expiry, restart, and a failing batch that leaves nothing behind.
// Time is passed in (received_at), so nothing here depends on the clock.
#include "outreach/inbound_processor.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sample_poll.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::outreach {
namespace {

using liaison::testing::TempDir;
using store::InboundRoute;

constexpr std::int64_t kT0 = 1'750'000'000;
constexpr char kTenant[] = "ministry";
constexpr char kPoll[] = "0190a1b2-0000-7000-8000-000000000001";

struct Stores {
  explicit Stores(const std::string& path)
      : db(store::SqliteStore::open(path)),
        contacts(db->database()),
        campaigns(db->database()),
        responses(db->database()),
        outbox(db->database()) {}
  std::unique_ptr<store::SqliteStore> db;
  store::SqliteContactStore contacts;
  store::SqliteCampaignStore campaigns;
  store::SqliteResponseStore responses;
  store::SqliteOutboxStore outbox;
};

// A store with three contacts and the sample poll running, every contact at its first question.
class InboundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("gateway.db");
    open();
    addContact("+33612345678", "fr", "FR");
    addContact("+905321234567", "tr", "TR");
    addContact("+4915112345678", "de", "DE");
    store::CampaignRecord c;
    c.id = kPoll;
    c.tenant_id = kTenant;
    c.name = "return intentions";
    c.kind = store::CampaignKind::Poll;
    c.state = store::CampaignState::Running;
    *c.definition.mutable_poll() = samples::returnPoll();
    c.definition.mutable_poll()->mutable_session_expiry()->set_seconds(24 * 3600);
    c.definition.set_fallback_language("fr");
    ASSERT_FALSE(s_->campaigns.create(c, kT0));
    for (const char* phone : {"+33612345678", "+905321234567", "+4915112345678"}) {
      openSession(phone);
    }
  }

  void open() {
    processor_.reset();
    s_ = std::make_unique<Stores>(path_);
    processor_ = std::make_unique<InboundProcessor>(s_->db->database(), s_->contacts, s_->campaigns,
                                                    s_->responses, s_->outbox, InboundConfig{});
  }

  void addContact(const std::string& phone, const std::string& language,
                  const std::string& country) {
    store::Contact c;
    c.tenant_id = kTenant;
    c.phone_e164 = phone;
    c.language = language;
    c.country = country;
    store::UpsertOutcome outcome{};
    ASSERT_FALSE(s_->contacts.upsert(c, store::ContactUpdate{}, kT0, &outcome));
  }

  store::Contact contact(const std::string& phone) {
    store::Contact c;
    EXPECT_FALSE(s_->contacts.find(kTenant, phone, &c));
    return c;
  }

  // As the planner does when it sends the first question.
  void openSession(const std::string& phone) {
    const store::Contact c = contact(phone);
    std::string pseudonym;
    ASSERT_FALSE(s_->campaigns.pseudonymFor(kPoll, c.id, &pseudonym));
    store::PollSessionRecord rec;
    rec.campaign_id = kPoll;
    rec.pseudonym = pseudonym;
    rec.language = c.language;
    rec.country = c.country;
    rec.current_question = "return";
    rec.started_at = kT0;
    rec.last_activity = kT0;
    bool created = false;
    ASSERT_FALSE(s_->responses.openSession(rec, &created));
  }

  store::PollSessionRecord session(const std::string& phone) {
    std::string pseudonym;
    EXPECT_FALSE(s_->campaigns.pseudonymFor(kPoll, contact(phone).id, &pseudonym));
    store::PollSessionRecord rec;
    EXPECT_FALSE(s_->responses.getSession(kPoll, pseudonym, &rec));
    return rec;
  }

  InboundResult send(const std::string& from, const std::string& text, std::int64_t at,
                     const std::string& provider_id = "") {
    InboundMessage m{kTenant, "smpp:main", provider_id, from, text, at};
    std::vector<InboundResult> results;
    const std::error_code ec = processor_->process(std::span(&m, 1), &results);
    EXPECT_FALSE(ec) << ec.message();
    return results.empty() ? InboundResult{} : results[0];
  }

  // Everything queued for `phone`, in id order: "step|body|priority".
  std::vector<std::string> queued(const std::string& phone) {
    std::vector<std::string> out;
    std::error_code ec;
    auto s = s_->db->database().prepare(
        "SELECT step, body, priority FROM outbox WHERE to_e164 = ?1 ORDER BY id", &ec);
    EXPECT_FALSE(ec);
    s->bind(1, phone);
    bool row = false;
    while (!s->step(&row) && row) {
      out.push_back(std::string(s->text(0)) + "|" + std::string(s->text(1)) + "|" +
                    std::to_string(s->int64(2)));
    }
    return out;
  }

  std::int64_t count(const std::string& sql) {
    std::error_code ec;
    auto s = s_->db->database().prepare(sql, &ec);
    EXPECT_FALSE(ec);
    bool row = false;
    EXPECT_FALSE(s->step(&row));
    return row ? s->int64(0) : -1;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Stores> s_;
  std::unique_ptr<InboundProcessor> processor_;
};

TEST_F(InboundTest, FrenchConversationToTheEndStoresAnswersUnderThePseudonym) {
  const std::string fr = "+33612345678";
  InboundResult r = send("33612345678", " Oui ", kT0 + 60);  // SMPP gives bare digits
  EXPECT_EQ(r.route, InboundRoute::PollAnswer);
  EXPECT_EQ(r.campaign_id, kPoll);
  EXPECT_TRUE(r.answer_recorded);
  EXPECT_EQ(r.replies_queued, 1);
  r = send(fr, "j'ai ٤٢ ans", kT0 + 120);
  EXPECT_STREQ(r.outcome, "answer");
  r = send(fr, "La famille", kT0 + 180);
  EXPECT_STREQ(r.outcome, "answer_final");

  EXPECT_EQ(queued(fr),
            (std::vector<std::string>{"age|Quel âge avez-vous ?|2",
                                      "why|Pourquoi ? (réponse libre)|2", "closing|Merci !|2"}));
  const store::PollSessionRecord s = session(fr);
  EXPECT_EQ(s.state, store::SessionState::Finished);
  EXPECT_EQ(s.last_activity, kT0 + 180);
  // Answers name the pseudonym only; the phone number appears nowhere in them.
  EXPECT_EQ(count("SELECT count(*) FROM answers WHERE pseudonym = '" + s.pseudonym + "'"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM answers WHERE choice_id = 'yes' AND question_id = "
                  "'return'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM answers WHERE value_num = 42 AND question_id = 'age'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM answers WHERE value_text = 'La famille'"), 1);
  // Routed messages keep no body.
  EXPECT_EQ(count("SELECT count(*) FROM inbound WHERE body IS NOT NULL"), 0);
  // A message after the end goes to the inbox.
  EXPECT_EQ(send(fr, "merci à vous", kT0 + 240).route, InboundRoute::Inbox);
}

TEST_F(InboundTest, TurkishReplyBranchesAndUnclearAnswersAreReasked) {
  const std::string tr = "+905321234567";
  InboundResult r = send(tr, "belki", kT0 + 10);  // "maybe": not a choice
  EXPECT_STREQ(r.outcome, "reask");
  EXPECT_FALSE(r.answer_recorded);
  EXPECT_EQ(session(tr).reasks, 1);
  r = send(tr, "HAYIR", kT0 + 20);  // "no" branches to the free-text question
  EXPECT_TRUE(r.answer_recorded);
  const std::vector<std::string> q = queued(tr);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].substr(0, q[0].find('|')), "return#reask1");
  EXPECT_EQ(q[1], "why|Pourquoi ? (réponse libre)|2");
  EXPECT_EQ(session(tr).current_question, "why");
}

TEST_F(InboundTest, ReasksAreBoundedThenThePollMovesOn) {
  const std::string de = "+4915112345678";
  EXPECT_STREQ(send(de, "hmm", kT0 + 1).outcome, "reask");
  EXPECT_STREQ(send(de, "was?", kT0 + 2).outcome, "reask");
  // max_reasks of the first question is 2: the third unclear reply skips it.
  const InboundResult r = send(de, "keine Ahnung", kT0 + 3);
  EXPECT_FALSE(r.answer_recorded);
  EXPECT_EQ(session(de).current_question, "age");
  EXPECT_EQ(count("SELECT count(*) FROM answers"), 0);
}

TEST_F(InboundTest, StopInTheMiddleOfAPollEndsEverythingWithOneConfirmation) {
  const std::string fr = "+33612345678";
  send(fr, "1", kT0 + 10);
  InboundResult r = send(fr, "ARRET", kT0 + 20);
  EXPECT_EQ(r.route, InboundRoute::Stop);
  EXPECT_EQ(r.replies_queued, 1);
  EXPECT_EQ(contact(fr).status, store::ContactStatus::OptedOut);
  EXPECT_EQ(session(fr).state, store::SessionState::Stopped);
  // A late answer is not counted, and a second STOP gets no second confirmation.
  EXPECT_EQ(send(fr, "34", kT0 + 30).route, InboundRoute::Inbox);
  r = send(fr, "stop please", kT0 + 40);
  EXPECT_EQ(r.route, InboundRoute::Stop);
  EXPECT_EQ(r.replies_queued, 0);
  const std::vector<std::string> q = queued(fr);
  ASSERT_EQ(q.size(), 2u);  // the next question (already queued) and the confirmation
  EXPECT_EQ(q[1].substr(q[1].size() - 2), "|3");
  EXPECT_NE(q[1].find("Vous ne recevrez plus"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM answers WHERE question_id = 'age'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM consents WHERE withdrawn_at IS NULL AND contact_id = " +
                  std::to_string(contact(fr).id)),
            0);

  // At dispatch the opted-out contact gets the confirmation only: the question queued before
  // the STOP is failed as opted_out.
  std::vector<store::OutboxMessage> claimed;
  store::ClaimCounts counts;
  ASSERT_FALSE(s_->outbox.claimDue(kT0 + 50, 10, "smpp:main", &claimed, &counts));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].priority, store::OutboxPriority::Confirmation);
  EXPECT_EQ(counts.suppressed, 1);

  // The STOP survives a restart.
  open();
  EXPECT_EQ(contact(fr).status, store::ContactStatus::OptedOut);
}

TEST_F(InboundTest, StartReactivatesAndHelpAnswersInTheContactsLanguage) {
  const std::string de = "+4915112345678";
  send(de, "STOP", kT0 + 1);
  InboundResult r = send(de, "START", kT0 + 2);
  EXPECT_EQ(r.route, InboundRoute::Start);
  EXPECT_EQ(r.replies_queued, 1);
  EXPECT_EQ(contact(de).status, store::ContactStatus::Active);
  r = send(de, "hilfe", kT0 + 3);
  EXPECT_EQ(r.route, InboundRoute::Help);
  EXPECT_EQ(r.replies_queued, 1);
  const std::vector<std::string> q = queued(de);
  ASSERT_EQ(q.size(), 3u);
  EXPECT_NE(q[2].find("Nachrichten Ihres Konsulats"), std::string::npos);
  // START from someone already active changes nothing and sends nothing.
  EXPECT_EQ(send(de, "start", kT0 + 4).replies_queued, 0);
}

TEST_F(InboundTest, StopFromAStrangerIsRememberedThroughImports) {
  const std::string stranger = "+447911123456";
  const InboundResult r = send(stranger, "unsubscribe", kT0 + 1);
  EXPECT_EQ(r.route, InboundRoute::Stop);
  EXPECT_EQ(contact(stranger).status, store::ContactStatus::OptedOut);
  // An import that lists the number as active does not make it reachable again.
  store::Contact c;
  c.tenant_id = kTenant;
  c.phone_e164 = stranger;
  store::ContactUpdate update;
  update.status = true;
  store::UpsertOutcome outcome{};
  ASSERT_FALSE(s_->contacts.upsert(c, update, kT0 + 5, &outcome));
  EXPECT_EQ(contact(stranger).status, store::ContactStatus::OptedOut);
  // START and HELP from a stranger do not create contacts; they land in the inbox.
  EXPECT_EQ(send("+447911654321", "START", kT0 + 6).route, InboundRoute::Inbox);
  EXPECT_EQ(send("+447911654321", "HELP", kT0 + 7).route, InboundRoute::Inbox);
  store::Contact none;
  EXPECT_EQ(s_->contacts.find(kTenant, "+447911654321", &none), store::StoreErrc::NotFound);
}

TEST_F(InboundTest, DuplicatesByProviderIdAndByContentWithinTheWindow) {
  const std::string fr = "+33612345678";
  EXPECT_TRUE(send(fr, "1", kT0 + 10, "mo-1").answer_recorded);
  // The same provider id again (the SMSC or aggregator redelivered): nothing changes.
  InboundResult r = send(fr, "1", kT0 + 500, "mo-1");
  EXPECT_EQ(r.route, InboundRoute::Duplicate);
  EXPECT_EQ(r.inbound_id, 0);
  // The same text with another provider id is another message, whatever the window.
  EXPECT_EQ(send(fr, "36", kT0 + 600, "mo-2").route, InboundRoute::PollAnswer);
  // Without an id, the same text within the window after the first copy was answered (the
  // next question went out) is the answer to that question, not a redelivery: "36" twice.
  EXPECT_STREQ(send(fr, "36", kT0 + 630).outcome, "answer_final");
  // An unanswered text (the inbox) repeated within the window is a redelivery...
  const std::string de = "+4915199999999";
  EXPECT_EQ(send(de, "Wann ist das Konsulat offen?", kT0 + 640).route, InboundRoute::Inbox);
  EXPECT_EQ(send(de, "Wann ist das Konsulat offen?", kT0 + 670).route, InboundRoute::Duplicate);
  // ... and after the window it is a new message.
  EXPECT_EQ(send(de, "Wann ist das Konsulat offen?", kT0 + 710).route, InboundRoute::Inbox);
  EXPECT_EQ(count("SELECT count(*) FROM inbound"), 5);
  EXPECT_EQ(processor_->stats().duplicates, 2);
}

TEST_F(InboundTest, UnsolicitedMessagesAreKeptInTheInboxWithTheirText) {
  send("+4915199999999", "Wann ist das Konsulat geöffnet?", kT0 + 1);
  send("INFO-SVC", "promo text from an alphanumeric sender", kT0 + 2);
  std::vector<store::InboundRecord> inbox;
  ASSERT_FALSE(s_->responses.inbox(kTenant, 0, 10, &inbox));
  ASSERT_EQ(inbox.size(), 2u);
  EXPECT_EQ(inbox[0].from_e164, "INFO-SVC");
  EXPECT_EQ(inbox[1].from_e164, "+4915199999999");
  EXPECT_EQ(inbox[1].body, "Wann ist das Konsulat geöffnet?");
  // Paging: before the newest id.
  ASSERT_FALSE(s_->responses.inbox(kTenant, inbox[0].id, 10, &inbox));
  EXPECT_EQ(inbox.size(), 1u);
  // Another tenant sees none of it.
  ASSERT_FALSE(s_->responses.inbox("other", 0, 10, &inbox));
  EXPECT_TRUE(inbox.empty());
}

TEST_F(InboundTest, AReplyAfterTheSessionExpiredIsNotCounted) {
  const std::string tr = "+905321234567";
  const InboundResult r = send(tr, "evet", kT0 + 25 * 3600);
  EXPECT_EQ(r.route, InboundRoute::Inbox);
  EXPECT_FALSE(r.answer_recorded);
  EXPECT_EQ(session(tr).state, store::SessionState::Expired);
  EXPECT_EQ(count("SELECT count(*) FROM answers"), 0);
}

TEST_F(InboundTest, SilentSessionsAreSweptAsExpired) {
  send("+33612345678", "oui", kT0 + 10 * 3600);  // active 10 h in
  std::int64_t expired = 0;
  ASSERT_FALSE(processor_->expireSilentSessions(kT0 + 24 * 3600, &expired));
  EXPECT_EQ(expired, 0);  // exactly at the limit: still open
  ASSERT_FALSE(processor_->expireSilentSessions(kT0 + 24 * 3600 + 1, &expired));
  EXPECT_EQ(expired, 2);  // the two that never answered
  EXPECT_EQ(session("+33612345678").state, store::SessionState::Open);
  EXPECT_EQ(session("+905321234567").state, store::SessionState::Expired);
}

TEST_F(InboundTest, APausedPollTakesNoAnswers) {
  store::Transition t{};
  ASSERT_FALSE(s_->campaigns.setState(kTenant, kPoll, store::CampaignState::Running,
                                      store::CampaignState::Paused, kT0 + 1, &t));
  EXPECT_EQ(send("+33612345678", "oui", kT0 + 2).route, InboundRoute::Inbox);
  EXPECT_EQ(count("SELECT count(*) FROM answers"), 0);
}

TEST_F(InboundTest, ABatchIsOneCommit) {
  std::vector<InboundMessage> batch = {
      {kTenant, "smpp:main", "", "+33612345678", "oui", kT0 + 1},
      {kTenant, "smpp:main", "", "+905321234567", "STOP", kT0 + 1},
      {kTenant, "smpp:main", "", "+4915112345678", "3", kT0 + 2},
  };
  std::vector<InboundResult> results;
  ASSERT_FALSE(processor_->process(batch, &results));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].route, InboundRoute::PollAnswer);
  EXPECT_EQ(results[1].route, InboundRoute::Stop);
  EXPECT_EQ(results[2].route, InboundRoute::PollAnswer);
  EXPECT_EQ(count("SELECT count(*) FROM answers"), 2);
}

// A store that fails on the Nth inbound record, standing in for a disk that fills up half-way
// through a batch.
class FailingResponses : public store::SqliteResponseStore {
 public:
  FailingResponses(store::Database& db, int fail_at) : SqliteResponseStore(db), fail_at_(fail_at) {}
  std::error_code recordInbound(store::InboundRecord* r) override {
    if (++calls_ == fail_at_) return store::StoreErrc::Full;
    return SqliteResponseStore::recordInbound(r);
  }

 private:
  int fail_at_;
  int calls_ = 0;
};

TEST_F(InboundTest, AFailedBatchLeavesNothingBehind) {
  FailingResponses failing(s_->db->database(), 3);
  InboundProcessor p(s_->db->database(), s_->contacts, s_->campaigns, failing, s_->outbox,
                     InboundConfig{});
  std::vector<InboundMessage> batch = {
      {kTenant, "smpp:main", "", "+33612345678", "oui", kT0 + 1},
      {kTenant, "smpp:main", "", "+905321234567", "STOP", kT0 + 1},
      {kTenant, "smpp:main", "", "+4915112345678", "3", kT0 + 2},
  };
  std::vector<InboundResult> results;
  EXPECT_EQ(p.process(batch, &results), store::StoreErrc::Full);
  EXPECT_TRUE(results.empty());
  EXPECT_EQ(p.stats().processed, 0);
  // The STOP of message 2 and the answer of message 1 were rolled back with the batch.
  EXPECT_EQ(contact("+905321234567").status, store::ContactStatus::Active);
  EXPECT_EQ(count("SELECT count(*) FROM answers"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM inbound"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(session("+33612345678").current_question, "return");
  // Redelivered, the same batch goes through.
  ASSERT_FALSE(processor_->process(batch, &results));
  EXPECT_EQ(contact("+905321234567").status, store::ContactStatus::OptedOut);
}

}  // namespace
}  // namespace liaison::gateway::outreach
