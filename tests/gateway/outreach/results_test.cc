// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Poll results on real database files: a campaign row holding a real serialised
// liaison.v1.Campaign, sessions and answers written with SQL (as the response store writes
// them), outbox rows through SqliteOutboxStore. Checks tallies with zero-count choices and
// shares, rates, breakdowns by country and language, delivery statistics, the exact CSV export
// (quoting, formula guard, Unicode, empty cells), tenant scoping, and, on a generated campaign,
// that every figure and every exported row agrees with a brute-force computation.
#include "outreach/results.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "outreach/contact_import.h"
#include "outreach/csv.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"
#include "store/sqlite_results_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::outreach {
namespace {

using liaison::testing::TempDir;
using store::AnswerKind;
using store::AnswerSource;
using store::SessionState;

constexpr std::int64_t kT = 1'700'000'000;  // 2023-11-14T22:13:20Z

liaison::v1::Campaign pollDefinition(const std::string& id, const std::string& tenant) {
  liaison::v1::Campaign c;
  c.set_id(id);
  c.set_tenant_id(tenant);
  c.set_name("survey " + id);
  c.set_fallback_language("tr");
  c.set_state(liaison::v1::CAMPAIGN_STATE_RUNNING);
  liaison::v1::Poll* poll = c.mutable_poll();
  auto text = [](liaison::v1::LocalizedText* t, const std::string& s) {
    liaison::v1::Translation* tr = t->add_translations();
    tr->set_language("tr");
    tr->set_text(s);
  };

  liaison::v1::Question* q = poll->add_questions();
  q->set_id("q_country");
  text(q->mutable_prompt(), "Hangi ülkede yaşıyorsunuz?");
  liaison::v1::SingleChoiceQuestion* sc = q->mutable_single_choice();
  sc->set_keys(liaison::v1::SingleChoiceQuestion::KEYS_NUMBERS);
  for (const char* choice_id : {"de", "nl", "fr"}) {  // nobody picks "fr"
    liaison::v1::Choice* ch = sc->add_choices();
    ch->set_id(choice_id);
    text(ch->mutable_label(), choice_id);
  }

  q = poll->add_questions();
  q->set_id("q_return");
  text(q->mutable_prompt(), "Dönmeyi düşünüyor musunuz?");
  q->mutable_yes_no();

  q = poll->add_questions();
  q->set_id("q_age");
  text(q->mutable_prompt(), "Yaşınız?");
  q->mutable_number()->set_min(0);
  q->mutable_number()->set_max(120);

  q = poll->add_questions();
  q->set_id("q_comment");
  text(q->mutable_prompt(), "Yorumunuz?");
  q->mutable_free_text()->set_max_chars(160);
  return c;
}

class ResultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = store::SqliteStore::open(dir_.file("g.db"));
    contacts_ = std::make_unique<store::SqliteContactStore>(db_->database());
    outbox_ = std::make_unique<store::SqliteOutboxStore>(db_->database());
    results_ = std::make_unique<store::SqliteResultsStore>(db_->database());
  }

  store::Database& db() { return db_->database(); }

  void exec(const std::string& sql, const std::vector<store::SqlValue>& args) {
    std::error_code ec;
    auto s = db().prepare(sql, &ec);
    ASSERT_FALSE(ec) << ec.message();
    for (std::size_t i = 0; i < args.size(); ++i) s->bind(static_cast<int>(i + 1), args[i]);
    ASSERT_FALSE(s->run());
  }

  void insertCampaign(const liaison::v1::Campaign& c, int kind = 2) {
    std::error_code ec;
    auto s = db().prepare(
        "INSERT INTO campaigns (id, tenant_id, name, kind, state, definition, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, 3, ?5, ?6, ?6)",
        &ec);
    ASSERT_FALSE(ec);
    s->bind(1, std::string_view(c.id()));
    s->bind(2, std::string_view(c.tenant_id()));
    s->bind(3, std::string_view(c.name()));
    s->bind(4, static_cast<std::int64_t>(kind));
    s->bindBlob(5, c.SerializeAsString());
    s->bind(6, kT);
    ASSERT_FALSE(s->run());
  }

  void session(const std::string& campaign, const std::string& pseudonym,
               const std::string& language, const std::string& country, SessionState state,
               std::int64_t started_at) {
    exec(
        "INSERT INTO poll_sessions (campaign_id, pseudonym, language, country, state, "
        "started_at, last_activity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        {campaign, pseudonym, language,
         country.empty() ? store::SqlValue(nullptr) : store::SqlValue(country),
         static_cast<std::int64_t>(state), started_at});
  }

  void answer(const std::string& campaign, const std::string& pseudonym,
              const std::string& question, AnswerKind kind, const std::string& choice,
              std::optional<double> number, const std::string& text, bool truncated,
              AnswerSource source, std::int64_t at) {
    exec(
        "INSERT INTO answers (campaign_id, pseudonym, question_id, kind, choice_id, value_num, "
        "value_text, truncated, source, answered_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        {campaign, pseudonym, question, static_cast<std::int64_t>(kind),
         choice.empty() ? store::SqlValue(nullptr) : store::SqlValue(choice),
         number ? store::SqlValue(*number) : store::SqlValue(nullptr),
         kind == AnswerKind::Text ? store::SqlValue(text) : store::SqlValue(nullptr),
         static_cast<std::int64_t>(truncated ? 1 : 0), static_cast<std::int64_t>(source), at});
  }
  void choice(const std::string& c, const std::string& p, const std::string& q,
              const std::string& id, std::int64_t at, AnswerSource src = AnswerSource::Sms) {
    answer(c, p, q, AnswerKind::Choice, id, std::nullopt, "", false, src, at);
  }
  void yesNo(const std::string& c, const std::string& p, const std::string& q, bool yes,
             std::int64_t at, AnswerSource src = AnswerSource::Sms) {
    answer(c, p, q, AnswerKind::YesNo, yes ? "yes" : "no", yes ? 1.0 : 0.0, "", false, src, at);
  }
  void number(const std::string& c, const std::string& p, const std::string& q, double v,
              std::int64_t at, AnswerSource src = AnswerSource::Sms) {
    answer(c, p, q, AnswerKind::Number, "", v, "", false, src, at);
  }
  void text(const std::string& c, const std::string& p, const std::string& q, const std::string& v,
            std::int64_t at, bool truncated = false, AnswerSource src = AnswerSource::Sms) {
    answer(c, p, q, AnswerKind::Text, "", std::nullopt, v, truncated, src, at);
  }

  // Campaign c1 of tenant t1: seven respondents, one answer without a session.
  void seedMainCampaign() {
    insertCampaign(pollDefinition("c1", "t1"));
    const std::string c = "c1";
    const auto fd = AnswerSource::FieldDevice;
    session(c, "p01", "tr", "DE", SessionState::Finished, kT + 60);
    choice(c, "p01", "q_country", "de", kT + 100);
    yesNo(c, "p01", "q_return", true, kT + 110);
    number(c, "p01", "q_age", 30, kT + 120);
    text(c, "p01", "q_comment", "Çok iyi 👍", kT + 130);

    session(c, "p02", "tr", "NL", SessionState::Finished, kT + 120);
    choice(c, "p02", "q_country", "nl", kT + 200);
    yesNo(c, "p02", "q_return", false, kT + 210);
    number(c, "p02", "q_age", 40, kT + 220);
    text(c, "p02", "q_comment", "=cmd|' /C calc'!A0", kT + 230);

    // Offline answers synced from a field device count like SMS ones.
    session(c, "p03", "ar", "DE", SessionState::Stopped, kT + 180);
    choice(c, "p03", "q_country", "de", kT + 300, fd);
    yesNo(c, "p03", "q_return", true, kT + 310, fd);

    session(c, "p04", "ar", "", SessionState::Open, kT + 240);
    choice(c, "p04", "q_country", "de", kT + 400);

    session(c, "p05", "tr", "DE", SessionState::Expired, kT + 300);
    session(c, "p06", "de", "NL", SessionState::Open, kT + 360);

    session(c, "p07", "fr", "NL", SessionState::Finished, kT + 420);
    choice(c, "p07", "q_country", "nl", kT + 700, fd);
    yesNo(c, "p07", "q_return", true, kT + 710);
    number(c, "p07", "q_age", 25.5, kT + 720);
    text(c, "p07", "q_comment", "line1\nline2, \"quoted\"", kT + 730, /*truncated=*/true);

    // An answer whose session is missing: overall tallies only.
    yesNo(c, "p99", "q_return", false, kT + 900, fd);
  }

  std::int64_t addContact(int i) {
    store::Contact ct;
    ct.tenant_id = "t1";
    ct.phone_e164 = "+49151000000" + std::to_string(10 + i);
    ct.language = "tr";
    ct.time_zone = "Europe/Berlin";
    store::UpsertOutcome outcome{};
    EXPECT_FALSE(contacts_->upsert(ct, store::ContactUpdate{}, kT, &outcome));
    store::Contact got;
    EXPECT_FALSE(contacts_->find("t1", ct.phone_e164, &got));
    return got.id;
  }

  store::NewOutboxMessage message(std::int64_t contact, const std::string& campaign,
                                  std::int64_t not_before) {
    store::NewOutboxMessage m;
    m.tenant_id = "t1";
    m.campaign_id = campaign;
    m.contact_id = contact;
    m.step = "q_country";
    m.to_e164 = "+4915100000000";
    m.body = "Hangi ülkede yaşıyorsunuz? 1 de 2 nl 3 fr";
    m.language = "tr";
    m.priority = store::OutboxPriority::Bulk;
    m.resend_policy = store::ResendPolicy::Never;
    m.not_before = not_before;
    return m;
  }

  // Eight outbox rows of c1, one in each state and two delivered, plus one of another campaign.
  void seedOutbox() {
    std::vector<store::NewOutboxMessage> batch;
    for (int i = 0; i < 8; ++i) {
      // The last one is not due yet and stays queued.
      batch.push_back(message(addContact(i), "c1", i == 7 ? kT + 3600 : kT));
    }
    batch.push_back(message(addContact(8), "c2", kT));
    store::EnqueueCounts counts;
    ASSERT_FALSE(outbox_->enqueueBatch(batch, kT, &counts));
    ASSERT_EQ(counts.inserted, 9);
    std::vector<store::OutboxMessage> claimed;
    store::ClaimCounts cc;
    ASSERT_FALSE(outbox_->claimDue(kT + 1, 100, "smpp:a", &claimed, &cc));
    std::vector<std::int64_t> ids;
    for (const auto& m : claimed) {
      if (m.campaign_id == "c1") ids.push_back(m.id);
    }
    ASSERT_EQ(ids.size(), 7u);
    store::Transition t{};
    const std::vector<std::string> pid = {"m1"};
    // ids[0]: stays sending; ids[1]: unknown; ids[2..6]: submitted, then delivered x2,
    // failed, expired, and one left submitted.
    ASSERT_FALSE(outbox_->markUnknown(ids[1], kT + 2, &t));
    for (std::size_t i = 2; i < 7; ++i) {
      const std::vector<std::string> p = {"m" + std::to_string(i)};
      ASSERT_FALSE(outbox_->markSubmitted(ids[i], p, kT + 2, &t));
    }
    ASSERT_FALSE(outbox_->markDelivered(ids[2], kT + 3, &t));
    ASSERT_FALSE(outbox_->markDelivered(ids[3], kT + 3, &t));
    ASSERT_FALSE(outbox_->markFailed(ids[4], "rejected", kT + 3, &t));
    ASSERT_FALSE(outbox_->markExpired(ids[5], kT + 3, &t));
  }

  CampaignResults compute(const std::string& tenant, const std::string& campaign) {
    CampaignResults r;
    EXPECT_FALSE(computeResults(*results_, *outbox_, tenant, campaign, &r));
    return r;
  }

  std::string exportCsv(const std::string& tenant, const std::string& campaign,
                        ResultsExportOptions options = {}) {
    std::ostringstream out;
    const ExportResult r = exportResultsCsv(*results_, tenant, campaign, out, options);
    EXPECT_FALSE(r.error) << r.error.message();
    return out.str();
  }

  TempDir dir_;
  std::unique_ptr<store::SqliteStore> db_;
  std::unique_ptr<store::SqliteContactStore> contacts_;
  std::unique_ptr<store::SqliteOutboxStore> outbox_;
  std::unique_ptr<store::SqliteResultsStore> results_;
};

const GroupResult* findGroup(const std::vector<GroupResult>& groups, const std::string& key) {
  for (const GroupResult& g : groups) {
    if (g.key == key) return &g;
  }
  return nullptr;
}

std::vector<std::string> keys(const std::vector<GroupResult>& groups) {
  std::vector<std::string> out;
  for (const GroupResult& g : groups) out.push_back(g.key);
  return out;
}

// {choice id, count} pairs in result order.
std::vector<std::pair<std::string, std::int64_t>> counts(const QuestionResult& q) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const ChoiceCount& c : q.choices) out.emplace_back(c.choice_id, c.count);
  return out;
}
std::vector<double> shares(const QuestionResult& q) {
  std::vector<double> out;
  for (const ChoiceCount& c : q.choices) out.push_back(c.share);
  return out;
}

using Counts = std::vector<std::pair<std::string, std::int64_t>>;
using Doubles = std::vector<double>;

TEST_F(ResultsTest, TalliesIncludeUnpickedChoicesInDefinitionOrderWithShares) {
  seedMainCampaign();
  const CampaignResults r = compute("t1", "c1");
  EXPECT_EQ(r.campaign_id, "c1");
  ASSERT_EQ(r.questions.size(), 4u);

  const QuestionResult& country = r.questions[0];
  EXPECT_EQ(country.question_id, "q_country");
  EXPECT_EQ(country.kind, AnswerKind::Choice);
  EXPECT_EQ(country.answered, 5);
  EXPECT_EQ(counts(country), (Counts{{"de", 3}, {"nl", 2}, {"fr", 0}}));
  EXPECT_EQ(shares(country), (Doubles{0.6, 0.4, 0.0}));
  EXPECT_EQ(country.from_sms, 3);
  EXPECT_EQ(country.from_field_device, 2);
  EXPECT_FALSE(country.mean.has_value());

  // The answer without a session counts here (5 answered), and only here.
  const QuestionResult& ret = r.questions[1];
  EXPECT_EQ(ret.question_id, "q_return");
  EXPECT_EQ(ret.kind, AnswerKind::YesNo);
  EXPECT_EQ(ret.answered, 5);
  EXPECT_EQ(counts(ret), (Counts{{"yes", 3}, {"no", 2}}));
  EXPECT_EQ(shares(ret), (Doubles{0.6, 0.4}));
  EXPECT_EQ(ret.from_field_device, 2);
  EXPECT_EQ(r.answers_without_session, 1);

  const QuestionResult& age = r.questions[2];
  EXPECT_EQ(age.question_id, "q_age");
  EXPECT_EQ(age.kind, AnswerKind::Number);
  EXPECT_EQ(age.answered, 3);
  EXPECT_TRUE(age.choices.empty());
  EXPECT_EQ(age.min, 25.5);
  EXPECT_EQ(age.max, 40.0);
  EXPECT_DOUBLE_EQ(*age.mean, 95.5 / 3);
  EXPECT_EQ(age.median, 30.0);

  const QuestionResult& comment = r.questions[3];
  EXPECT_EQ(comment.question_id, "q_comment");
  EXPECT_EQ(comment.kind, AnswerKind::Text);
  EXPECT_EQ(comment.answered, 3);
  EXPECT_EQ(comment.truncated, 1);
  EXPECT_EQ(comment.from_sms, 3);
  EXPECT_TRUE(comment.choices.empty());
}

TEST_F(ResultsTest, ResponseAndCompletionRates) {
  seedMainCampaign();
  const SessionStats s = compute("t1", "c1").sessions;
  EXPECT_EQ(s.started, 7);
  EXPECT_EQ(s.responded, 5);  // p05 and p06 never answered; p99 has no session
  EXPECT_EQ(s.completed, 3);
  EXPECT_EQ(s.stopped, 1);
  EXPECT_EQ(s.expired, 1);
  EXPECT_EQ(s.open, 2);
  EXPECT_DOUBLE_EQ(s.response_rate, 5.0 / 7);
  EXPECT_DOUBLE_EQ(s.completion_rate, 3.0 / 7);
}

TEST_F(ResultsTest, BreakdownByCountry) {
  seedMainCampaign();
  const CampaignResults r = compute("t1", "c1");
  EXPECT_EQ(keys(r.by_country), (std::vector<std::string>{"", "DE", "NL"}));

  const GroupResult* none = findGroup(r.by_country, "");
  ASSERT_NE(none, nullptr);
  EXPECT_EQ(none->sessions.started, 1);
  EXPECT_EQ(none->sessions.responded, 1);
  EXPECT_EQ(none->sessions.open, 1);
  ASSERT_EQ(none->questions.size(), 4u);
  EXPECT_EQ(counts(none->questions[0]), (Counts{{"de", 1}, {"nl", 0}, {"fr", 0}}));
  EXPECT_EQ(shares(none->questions[0]), (Doubles{1.0, 0.0, 0.0}));
  // Questions nobody in the group answered keep their shape, with zero counts and no stats.
  EXPECT_EQ(counts(none->questions[1]), (Counts{{"yes", 0}, {"no", 0}}));
  EXPECT_EQ(shares(none->questions[1]), (Doubles{0.0, 0.0}));
  EXPECT_EQ(none->questions[2].answered, 0);
  EXPECT_FALSE(none->questions[2].min.has_value());
  EXPECT_FALSE(none->questions[2].median.has_value());

  const GroupResult* de = findGroup(r.by_country, "DE");
  ASSERT_NE(de, nullptr);
  EXPECT_EQ(de->sessions.started, 3);
  EXPECT_EQ(de->sessions.responded, 2);
  EXPECT_EQ(de->sessions.completed, 1);
  EXPECT_EQ(de->sessions.stopped, 1);
  EXPECT_EQ(de->sessions.expired, 1);
  EXPECT_DOUBLE_EQ(de->sessions.response_rate, 2.0 / 3);
  EXPECT_DOUBLE_EQ(de->sessions.completion_rate, 1.0 / 3);
  EXPECT_EQ(counts(de->questions[0]), (Counts{{"de", 2}, {"nl", 0}, {"fr", 0}}));
  EXPECT_EQ(de->questions[0].from_field_device, 1);
  EXPECT_EQ(counts(de->questions[1]), (Counts{{"yes", 2}, {"no", 0}}));
  EXPECT_EQ(de->questions[2].answered, 1);
  EXPECT_EQ(de->questions[2].median, 30.0);
  EXPECT_EQ(de->questions[2].mean, 30.0);
  EXPECT_EQ(de->questions[3].answered, 1);
  EXPECT_EQ(de->questions[3].truncated, 0);

  const GroupResult* nl = findGroup(r.by_country, "NL");
  ASSERT_NE(nl, nullptr);
  EXPECT_EQ(nl->sessions.started, 3);
  EXPECT_EQ(nl->sessions.responded, 2);
  EXPECT_EQ(nl->sessions.completed, 2);
  EXPECT_EQ(nl->sessions.open, 1);
  EXPECT_EQ(counts(nl->questions[0]), (Counts{{"de", 0}, {"nl", 2}, {"fr", 0}}));
  EXPECT_EQ(counts(nl->questions[1]), (Counts{{"yes", 1}, {"no", 1}}));
  EXPECT_EQ(shares(nl->questions[1]), (Doubles{0.5, 0.5}));
  EXPECT_EQ(nl->questions[2].min, 25.5);
  EXPECT_EQ(nl->questions[2].max, 40.0);
  EXPECT_EQ(nl->questions[2].mean, 32.75);
  EXPECT_EQ(nl->questions[2].median, 32.75);  // even count: the mean of the middle two
  EXPECT_EQ(nl->questions[3].answered, 2);
  EXPECT_EQ(nl->questions[3].truncated, 1);
}

TEST_F(ResultsTest, BreakdownByLanguage) {
  seedMainCampaign();
  const CampaignResults r = compute("t1", "c1");
  EXPECT_EQ(keys(r.by_language), (std::vector<std::string>{"ar", "de", "fr", "tr"}));

  const GroupResult* ar = findGroup(r.by_language, "ar");
  ASSERT_NE(ar, nullptr);
  EXPECT_EQ(ar->sessions.started, 2);
  EXPECT_EQ(ar->sessions.responded, 2);
  EXPECT_EQ(ar->sessions.completed, 0);
  EXPECT_EQ(ar->sessions.stopped, 1);
  EXPECT_EQ(counts(ar->questions[0]), (Counts{{"de", 2}, {"nl", 0}, {"fr", 0}}));
  EXPECT_EQ(counts(ar->questions[1]), (Counts{{"yes", 1}, {"no", 0}}));
  EXPECT_EQ(shares(ar->questions[1]), (Doubles{1.0, 0.0}));

  const GroupResult* de = findGroup(r.by_language, "de");
  ASSERT_NE(de, nullptr);
  EXPECT_EQ(de->sessions.started, 1);
  EXPECT_EQ(de->sessions.responded, 0);
  EXPECT_EQ(de->sessions.response_rate, 0.0);
  for (const QuestionResult& q : de->questions) EXPECT_EQ(q.answered, 0) << q.question_id;

  const GroupResult* fr = findGroup(r.by_language, "fr");
  ASSERT_NE(fr, nullptr);
  EXPECT_EQ(fr->sessions.completed, 1);
  EXPECT_EQ(fr->sessions.completion_rate, 1.0);
  EXPECT_EQ(fr->questions[2].median, 25.5);

  const GroupResult* tr = findGroup(r.by_language, "tr");
  ASSERT_NE(tr, nullptr);
  EXPECT_EQ(tr->sessions.started, 3);
  EXPECT_EQ(tr->sessions.responded, 2);
  EXPECT_EQ(tr->sessions.completed, 2);
  EXPECT_EQ(tr->sessions.expired, 1);
  EXPECT_EQ(counts(tr->questions[1]), (Counts{{"yes", 1}, {"no", 1}}));
  EXPECT_EQ(tr->questions[2].median, 35.0);
  EXPECT_EQ(tr->questions[2].mean, 35.0);
  EXPECT_EQ(tr->questions[3].answered, 2);
}

TEST_F(ResultsTest, DeliveryStatisticsCountTheCampaignsOutboxRowsPerState) {
  seedMainCampaign();
  seedOutbox();
  const DeliveryStats d = compute("t1", "c1").delivery;
  EXPECT_EQ(d.queued, 1);
  EXPECT_EQ(d.sending, 1);
  EXPECT_EQ(d.submitted, 1);
  EXPECT_EQ(d.delivered, 2);
  EXPECT_EQ(d.failed, 1);
  EXPECT_EQ(d.expired, 1);
  EXPECT_EQ(d.unknown, 1);
  EXPECT_EQ(d.total, 8);  // c2's row is not counted
  EXPECT_EQ(d.delivery_rate, 0.25);
}

TEST_F(ResultsTest, AnotherTenantsCampaignIsNotFound) {
  seedMainCampaign();
  insertCampaign(pollDefinition("c9", "t2"));
  session("c9", "x1", "tr", "DE", SessionState::Finished, kT);
  CampaignResults r;
  EXPECT_EQ(computeResults(*results_, *outbox_, "t1", "c9", &r), store::StoreErrc::NotFound);
  EXPECT_EQ(computeResults(*results_, *outbox_, "t2", "c1", &r), store::StoreErrc::NotFound);
  EXPECT_EQ(computeResults(*results_, *outbox_, "t1", "nope", &r), store::StoreErrc::NotFound);
  EXPECT_FALSE(computeResults(*results_, *outbox_, "t2", "c9", &r));
  EXPECT_EQ(r.sessions.started, 1);

  int calls = 0;
  const ExportResult e = exportResultsCsv(*results_, "t1", "c9", [&](std::string_view) {
    ++calls;
    return true;
  });
  EXPECT_EQ(e.error, store::StoreErrc::NotFound);
  EXPECT_EQ(calls, 0);  // not even a header
  EXPECT_EQ(e.rows, 0u);
}

TEST_F(ResultsTest, ExportIsOneRowPerRespondentInPseudonymOrder) {
  seedMainCampaign();
  const std::string csv = exportCsv("t1", "c1");
  EXPECT_EQ(csv,
            "pseudonym,language,country,state,started_at,q_country,q_return,q_age,q_comment,"
            "last_answered_at\r\n"
            "p01,tr,DE,finished,2023-11-14T22:14:20Z,de,yes,30,Çok iyi 👍,2023-11-14T22:15:30Z\r\n"
            "p02,tr,NL,finished,2023-11-14T22:15:20Z,nl,no,40,'=cmd|' /C calc'!A0,"
            "2023-11-14T22:17:10Z\r\n"
            "p03,ar,DE,stopped,2023-11-14T22:16:20Z,de,yes,,,2023-11-14T22:18:30Z\r\n"
            "p04,ar,,open,2023-11-14T22:17:20Z,de,,,,2023-11-14T22:20:00Z\r\n"
            "p05,tr,DE,expired,2023-11-14T22:18:20Z,,,,,\r\n"
            "p06,de,NL,open,2023-11-14T22:19:20Z,,,,,\r\n"
            "p07,fr,NL,finished,2023-11-14T22:20:20Z,nl,yes,25.5,\"line1\nline2, \"\"quoted\"\"\","
            "2023-11-14T22:25:30Z\r\n");

  // The project's own parser reads it back: seven rows of ten fields, text intact.
  CsvParser parser;
  std::string_view in = csv;
  CsvRecord rec;
  std::vector<CsvRecord> recs;
  while (parser.next(&in, true, &rec) == CsvStatus::Record) recs.push_back(rec);
  ASSERT_EQ(recs.size(), 8u);
  for (const CsvRecord& x : recs) {
    EXPECT_EQ(x.error, CsvError::None);
    EXPECT_EQ(x.fields.size(), 10u);
  }
  EXPECT_EQ(recs[7].fields[8], "line1\nline2, \"quoted\"");
}

TEST_F(ResultsTest, ExportGuardsFormulaCellsButNotNumbers) {
  liaison::v1::Campaign c;
  c.set_id("c3");
  c.set_tenant_id("t1");
  c.set_name("formulas");
  liaison::v1::Question* q = c.mutable_poll()->add_questions();
  q->set_id("t");
  q->mutable_free_text()->set_max_chars(200);
  q = c.mutable_poll()->add_questions();
  q->set_id("n");
  q->mutable_number()->set_min(-10);
  q->mutable_number()->set_max(1e7);
  insertCampaign(c);

  const std::vector<std::pair<std::string, std::optional<double>>> rows = {
      {"+1", -3},
      {"-2", 1e6},
      {"@SUM(A1)", 0.25},
      {"\tx", std::nullopt},
      {"\rx", std::nullopt},
      {"=1+1", std::nullopt},
      {"safe", std::nullopt},
      {" spaced ", std::nullopt},
      {"say \"hi\", ok", std::nullopt},
      {"نعم، شكرا", std::nullopt},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string p = "a" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1);
    session("c3", p, "tr", "DE", SessionState::Finished, kT);
    text("c3", p, "t", rows[i].first, kT + 60);
    if (rows[i].second) number("c3", p, "n", *rows[i].second, kT + 60);
  }
  const std::string csv = exportCsv("t1", "c3");
  const std::string head = "pseudonym,language,country,state,started_at,t,n,last_answered_at\r\n";
  const std::string mid = ",tr,DE,finished,2023-11-14T22:13:20Z,";
  const std::string tail = ",2023-11-14T22:14:20Z\r\n";
  EXPECT_EQ(csv, head +                                                //
                     "a01" + mid + "'+1,-3" + tail +                   //
                     "a02" + mid + "'-2,1000000" + tail +              //
                     "a03" + mid + "'@SUM(A1),0.25" + tail +           //
                     "a04" + mid + "'\tx," + tail +                    //
                     "a05" + mid + "\"'\rx\"," + tail +                //
                     "a06" + mid + "'=1+1," + tail +                   //
                     "a07" + mid + "safe," + tail +                    //
                     "a08" + mid + "\" spaced \"," + tail +            //
                     "a09" + mid + "\"say \"\"hi\"\", ok\"," + tail +  //
                     "a10" + mid + "نعم، شكرا," + tail);
}

TEST_F(ResultsTest, ExportOfNoRespondentsIsTheHeaderOnly) {
  insertCampaign(pollDefinition("c4", "t1"));
  EXPECT_EQ(exportCsv("t1", "c4"),
            "pseudonym,language,country,state,started_at,q_country,q_return,q_age,q_comment,"
            "last_answered_at\r\n");
  ResultsExportOptions semicolons;
  semicolons.delimiter = ';';
  EXPECT_EQ(exportCsv("t1", "c4", semicolons),
            "pseudonym;language;country;state;started_at;q_country;q_return;q_age;q_comment;"
            "last_answered_at\r\n");

  const CampaignResults r = compute("t1", "c4");
  EXPECT_EQ(r.sessions.started, 0);
  EXPECT_EQ(r.sessions.response_rate, 0.0);
  ASSERT_EQ(r.questions.size(), 4u);
  EXPECT_EQ(counts(r.questions[0]), (Counts{{"de", 0}, {"nl", 0}, {"fr", 0}}));
  EXPECT_TRUE(r.by_country.empty());
  EXPECT_TRUE(r.by_language.empty());
  EXPECT_EQ(r.delivery.total, 0);
  EXPECT_EQ(r.delivery.delivery_rate, 0.0);
}

TEST_F(ResultsTest, ANoticeHasDeliveryStatisticsAndNoQuestions) {
  liaison::v1::Campaign c;
  c.set_id("c2");
  c.set_tenant_id("t1");
  c.set_name("notice");
  liaison::v1::Translation* t = c.mutable_notice()->mutable_body()->add_translations();
  t->set_language("tr");
  t->set_text("Konsolosluk cumartesi açık.");
  insertCampaign(c, /*kind=*/1);
  seedOutbox();  // one c2 row, queued then claimed: sending
  const CampaignResults r = compute("t1", "c2");
  EXPECT_TRUE(r.questions.empty());
  EXPECT_EQ(r.delivery.total, 1);
  EXPECT_EQ(r.delivery.sending, 1);
  EXPECT_EQ(exportCsv("t1", "c2"),
            "pseudonym,language,country,state,started_at,last_answered_at\r\n");
}

TEST_F(ResultsTest, StoredChoiceIdsMissingFromTheDefinitionStillAddUp) {
  insertCampaign(pollDefinition("c5", "t1"));
  session("c5", "s1", "tr", "DE", SessionState::Finished, kT);
  session("c5", "s2", "tr", "DE", SessionState::Finished, kT);
  choice("c5", "s1", "q_country", "de", kT);
  choice("c5", "s2", "q_country", "zz", kT);           // a choice the definition no longer has
  text("c5", "s2", "q_gone", "removed question", kT);  // a question it no longer has
  const CampaignResults r = compute("t1", "c5");
  EXPECT_EQ(r.questions[0].answered, 2);
  EXPECT_EQ(counts(r.questions[0]), (Counts{{"de", 1}, {"nl", 0}, {"fr", 0}, {"zz", 1}}));
  EXPECT_EQ(shares(r.questions[0]), (Doubles{0.5, 0.0, 0.0, 0.5}));
  EXPECT_EQ(r.answers_without_session, 0);
}

TEST_F(ResultsTest, ExportStreamsToTheSinkAndStopsWhenItRefuses) {
  seedMainCampaign();
  ResultsExportOptions every_row;
  every_row.flush_bytes = 0;
  std::vector<std::string> chunks;
  ExportResult e = exportResultsCsv(
      *results_, "t1", "c1",
      [&](std::string_view chunk) {
        chunks.emplace_back(chunk);
        return true;
      },
      every_row);
  ASSERT_FALSE(e.error);
  EXPECT_EQ(e.rows, 7u);
  ASSERT_EQ(chunks.size(), 8u);  // the header, then one call per row
  EXPECT_EQ(chunks[1].substr(0, 4), "p01,");
  EXPECT_EQ(chunks[7].substr(0, 4), "p07,");

  int calls = 0;
  e = exportResultsCsv(
      *results_, "t1", "c1", [&](std::string_view) { return ++calls < 3; }, every_row);
  EXPECT_EQ(e.error, ExportErrc::WriteFailed);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(e.rows, 2u);
  // The read snapshot ended with the export: the connection is usable for writes again.
  EXPECT_FALSE(db().inTransaction());
  session("c1", "p08", "tr", "DE", SessionState::Open, kT);
}

TEST_F(ResultsTest, AReadOnlyConnectionGivesTheSameResults) {
  seedMainCampaign();
  seedOutbox();
  std::error_code ec;
  auto reader = store::Database::open(dir_.file("g.db"), store::Database::Mode::ReadOnly, &ec);
  ASSERT_TRUE(reader) << ec.message();
  store::SqliteResultsStore results(*reader);
  store::SqliteOutboxStore outbox(*reader);
  CampaignResults got;
  ASSERT_FALSE(computeResults(results, outbox, "t1", "c1", &got));
  const CampaignResults want = compute("t1", "c1");
  EXPECT_EQ(got.sessions.responded, want.sessions.responded);
  EXPECT_EQ(got.delivery.delivered, 2);
  EXPECT_EQ(keys(got.by_country), keys(want.by_country));
  EXPECT_EQ(counts(got.questions[0]), counts(want.questions[0]));
  std::ostringstream out;
  ASSERT_FALSE(exportResultsCsv(results, "t1", "c1", out).error);
  EXPECT_EQ(out.str(), exportCsv("t1", "c1"));
  EXPECT_FALSE(reader->inTransaction());
}

// What the inbound pipeline writes through the response store reads back the same way.
TEST_F(ResultsTest, ReadsWhatTheResponseStoreWrites) {
  insertCampaign(pollDefinition("c6", "t1"));
  store::SqliteResponseStore responses(db());
  store::PollSessionRecord s;
  s.campaign_id = "c6";
  s.pseudonym = "r1";
  s.language = "tr";
  s.country = "DE";
  s.started_at = kT;
  s.last_activity = kT;
  bool created = false;
  ASSERT_FALSE(responses.openSession(s, &created));
  s.pseudonym = "r2";
  s.country.clear();
  ASSERT_FALSE(responses.openSession(s, &created));
  s.state = SessionState::Finished;
  ASSERT_FALSE(responses.updateSession(s));

  store::AnswerRecord a;
  a.campaign_id = "c6";
  a.pseudonym = "r1";
  a.question_id = "q_return";
  a.kind = AnswerKind::YesNo;
  a.choice_id = "no";
  a.number = 0;
  a.answered_at = kT + 5;
  ASSERT_FALSE(responses.putAnswer(a));
  a.pseudonym = "r2";
  a.choice_id = "yes";
  a.number = 1;
  a.source = AnswerSource::FieldDevice;
  ASSERT_FALSE(responses.putAnswer(a));
  a = store::AnswerRecord{};
  a.campaign_id = "c6";
  a.pseudonym = "r2";
  a.question_id = "q_age";
  a.kind = AnswerKind::Number;
  a.number = -1.5;
  a.answered_at = kT + 9;
  ASSERT_FALSE(responses.putAnswer(a));

  const CampaignResults r = compute("t1", "c6");
  EXPECT_EQ(r.sessions.started, 2);
  EXPECT_EQ(r.sessions.responded, 2);
  EXPECT_EQ(r.sessions.completed, 1);
  EXPECT_EQ(counts(r.questions[1]), (Counts{{"yes", 1}, {"no", 1}}));
  EXPECT_EQ(r.questions[1].from_field_device, 1);
  EXPECT_EQ(r.questions[2].median, -1.5);
  EXPECT_EQ(keys(r.by_country), (std::vector<std::string>{"", "DE"}));
  EXPECT_EQ(exportCsv("t1", "c6"),
            "pseudonym,language,country,state,started_at,q_country,q_return,q_age,q_comment,"
            "last_answered_at\r\n"
            "r1,tr,DE,open,2023-11-14T22:13:20Z,,no,,,2023-11-14T22:13:25Z\r\n"
            "r2,tr,,finished,2023-11-14T22:13:20Z,,yes,-1.5,,2023-11-14T22:13:29Z\r\n");
}

// ---- A generated campaign checked against a brute-force computation ----

struct GenRespondent {
  std::string pseudonym;
  std::string language;
  std::string country;
  SessionState state = SessionState::Open;
  std::int64_t started_at = 0;
  std::array<std::optional<store::AnswerRecord>, 5> answers;
};

// The expected tallies of the respondents `in` selects, computed the slow, obvious way.
struct Expected {
  SessionStats sessions;
  std::array<std::map<std::string, std::int64_t>, 5> choices;
  std::array<std::int64_t, 5> answered{};
  std::array<std::int64_t, 5> field{};
  std::array<std::int64_t, 5> truncated{};
  std::vector<double> numbers;  // question 3
};

Expected expectedFor(const std::vector<GenRespondent>& all,
                     const std::function<bool(const GenRespondent&)>& in) {
  Expected e;
  for (const GenRespondent& r : all) {
    if (!in(r)) continue;
    ++e.sessions.started;
    bool any = false;
    for (std::size_t q = 0; q < 5; ++q) {
      if (!r.answers[q]) continue;
      any = true;
      const store::AnswerRecord& a = *r.answers[q];
      ++e.answered[q];
      if (a.source == AnswerSource::FieldDevice) ++e.field[q];
      if (a.truncated) ++e.truncated[q];
      if (!a.choice_id.empty()) ++e.choices[q][a.choice_id];
      if (a.kind == AnswerKind::Number) e.numbers.push_back(*a.number);
    }
    if (any) ++e.sessions.responded;
    if (r.state == SessionState::Finished) ++e.sessions.completed;
    if (r.state == SessionState::Stopped) ++e.sessions.stopped;
    if (r.state == SessionState::Expired) ++e.sessions.expired;
    if (r.state == SessionState::Open) ++e.sessions.open;
  }
  std::sort(e.numbers.begin(), e.numbers.end());
  return e;
}

void expectMatches(const Expected& e, const SessionStats& s, const std::vector<QuestionResult>& qs,
                   const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(s.started, e.sessions.started);
  EXPECT_EQ(s.responded, e.sessions.responded);
  EXPECT_EQ(s.completed, e.sessions.completed);
  EXPECT_EQ(s.stopped, e.sessions.stopped);
  EXPECT_EQ(s.expired, e.sessions.expired);
  EXPECT_EQ(s.open, e.sessions.open);
  ASSERT_EQ(qs.size(), 5u);
  for (std::size_t q = 0; q < 5; ++q) {
    EXPECT_EQ(qs[q].answered, e.answered[q]) << q;
    EXPECT_EQ(qs[q].from_field_device, e.field[q]) << q;
    EXPECT_EQ(qs[q].from_sms, e.answered[q] - e.field[q]) << q;
    EXPECT_EQ(qs[q].truncated, q == 3 ? e.truncated[q] : 0) << q;
    for (const ChoiceCount& c : qs[q].choices) {
      auto it = e.choices[q].find(c.choice_id);
      const std::int64_t want = it == e.choices[q].end() ? 0 : it->second;
      EXPECT_EQ(c.count, want) << q << " " << c.choice_id;
      EXPECT_DOUBLE_EQ(c.share, e.answered[q] ? double(want) / double(e.answered[q]) : 0.0);
    }
  }
  const QuestionResult& n = qs[2];
  const std::vector<double>& v = e.numbers;
  if (v.empty()) {
    EXPECT_FALSE(n.median.has_value());
    return;
  }
  double sum = 0;
  for (double x : v) sum += x;
  EXPECT_EQ(n.min, v.front());
  EXPECT_EQ(n.max, v.back());
  EXPECT_DOUBLE_EQ(*n.mean, sum / double(v.size()));
  const std::size_t m = v.size() / 2;
  EXPECT_EQ(n.median, v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2);
}

TEST_F(ResultsTest, GeneratedCampaignAgreesWithBruteForce) {
  // LIAISON_RESULTS_SESSIONS=100000 turns this into the scale quick check (timings printed,
  // never asserted).
  std::size_t n = 3000;
  if (const char* env = std::getenv("LIAISON_RESULTS_SESSIONS")) n = std::strtoul(env, nullptr, 10);

  liaison::v1::Campaign def = pollDefinition("g1", "t1");
  liaison::v1::Question* q5 = def.mutable_poll()->add_questions();
  q5->set_id("q_skill");
  for (const char* id : {"nurse", "engineer", "teacher", "other"}) {
    q5->mutable_single_choice()->add_choices()->set_id(id);
  }
  insertCampaign(def);
  const std::array<std::string, 5> qids = {"q_country", "q_return", "q_age", "q_comment",
                                           "q_skill"};

  std::mt19937 rng(20260101);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<unsigned>(k)); };
  const std::array<std::string, 7> countries = {"", "DE", "NL", "FR", "TR", "SE", "BE"};
  const std::array<std::string, 4> languages = {"tr", "ar", "de", "fr"};
  const std::array<std::string, 2> country_choices = {"de", "nl"};             // "fr": never picked
  const std::array<std::string, 3> skills = {"nurse", "engineer", "teacher"};  // not "other"
  std::vector<GenRespondent> all(n);
  char hex[33];
  for (std::size_t i = 0; i < n; ++i) {
    GenRespondent& r = all[i];
    std::snprintf(hex, sizeof hex, "%08x%08x%08x%08x", static_cast<unsigned>(rng()),
                  static_cast<unsigned>(rng()), static_cast<unsigned>(rng()),
                  static_cast<unsigned>(i));
    r.pseudonym = hex;
    r.language = languages[static_cast<std::size_t>(pick(4))];
    r.country = countries[static_cast<std::size_t>(pick(7))];
    r.state = static_cast<SessionState>(1 + pick(4));
    r.started_at = kT + static_cast<std::int64_t>(i);
    for (std::size_t qi = 0; qi < 5; ++qi) {
      if (pick(10) < 3) continue;  // 30% unanswered
      store::AnswerRecord& a = r.answers[qi].emplace();
      a.source = pick(4) == 0 ? AnswerSource::FieldDevice : AnswerSource::Sms;
      a.answered_at = r.started_at + 10 + pick(1000);
      switch (qi) {
        case 0:
          a.kind = AnswerKind::Choice;
          a.choice_id = country_choices[static_cast<std::size_t>(pick(2))];
          break;
        case 1:
          a.kind = AnswerKind::YesNo;
          a.choice_id = pick(3) ? "yes" : "no";
          a.number = a.choice_id == "yes" ? 1 : 0;
          break;
        case 2:
          a.kind = AnswerKind::Number;
          a.number = pick(90) + (pick(2) ? 0.5 : 0.0);
          break;
        case 3:
          a.kind = AnswerKind::Text;
          a.text = pick(5) == 0 ? "=HYPERLINK(\"x\")" : "metin " + std::to_string(pick(100));
          a.truncated = pick(6) == 0;
          break;
        default:
          a.kind = AnswerKind::Choice;
          a.choice_id = skills[static_cast<std::size_t>(pick(3))];
      }
    }
  }

  {
    store::Transaction txn(db());
    ASSERT_FALSE(txn.begin());
    for (const GenRespondent& r : all) {
      session("g1", r.pseudonym, r.language, r.country, r.state, r.started_at);
      for (std::size_t qi = 0; qi < 5; ++qi) {
        if (!r.answers[qi]) continue;
        const store::AnswerRecord& a = *r.answers[qi];
        answer("g1", r.pseudonym, qids[qi], a.kind, a.choice_id, a.number, a.text, a.truncated,
               a.source, a.answered_at);
      }
    }
    ASSERT_FALSE(txn.commit());
  }

  const auto t0 = std::chrono::steady_clock::now();
  const CampaignResults r = compute("t1", "g1");
  const auto t1 = std::chrono::steady_clock::now();

  expectMatches(expectedFor(all, [](const GenRespondent&) { return true; }), r.sessions,
                r.questions, "overall");
  EXPECT_EQ(counts(r.questions[0]).back(), (std::pair<std::string, std::int64_t>{"fr", 0}));
  EXPECT_EQ(counts(r.questions[4]).back(), (std::pair<std::string, std::int64_t>{"other", 0}));
  for (const GroupResult& g : r.by_country) {
    expectMatches(expectedFor(all, [&](const GenRespondent& x) { return x.country == g.key; }),
                  g.sessions, g.questions, "country " + g.key);
  }
  for (const GroupResult& g : r.by_language) {
    expectMatches(expectedFor(all, [&](const GenRespondent& x) { return x.language == g.key; }),
                  g.sessions, g.questions, "language " + g.key);
  }
  EXPECT_EQ(r.by_country.size(), countries.size());
  EXPECT_EQ(r.by_language.size(), languages.size());

  // The export, streamed through the project's CSV parser chunk by chunk, holds every
  // respondent in pseudonym order with the stored values.
  std::sort(all.begin(), all.end(), [](const GenRespondent& a, const GenRespondent& b) {
    return a.pseudonym < b.pseudonym;
  });
  CsvParser parser;
  CsvRecord rec;
  std::size_t row = 0;
  std::size_t bytes = 0;
  std::size_t chunks = 0;
  auto check = [&](const CsvRecord& x) {
    ASSERT_EQ(x.error, CsvError::None);
    ASSERT_EQ(x.fields.size(), 11u);
    if (x.line == 1) return;  // the header
    ASSERT_LT(row, all.size());
    const GenRespondent& g = all[row++];
    EXPECT_EQ(x.fields[0], g.pseudonym);
    EXPECT_EQ(x.fields[1], g.language);
    EXPECT_EQ(x.fields[2], g.country);
    EXPECT_EQ(x.fields[3], sessionStateName(g.state));
    EXPECT_EQ(x.fields[4], formatIsoTime(g.started_at));
    std::optional<std::int64_t> last;
    for (std::size_t qi = 0; qi < 5; ++qi) {
      const std::string& cell = x.fields[5 + qi];
      if (!g.answers[qi]) {
        EXPECT_EQ(cell, "");
        continue;
      }
      const store::AnswerRecord& a = *g.answers[qi];
      last = std::max(last.value_or(a.answered_at), a.answered_at);
      if (a.kind == AnswerKind::Number) {
        EXPECT_EQ(std::stod(cell), *a.number);
      } else if (a.kind == AnswerKind::Text) {
        EXPECT_EQ(cell, a.text[0] == '=' ? "'" + a.text : a.text);
      } else {
        EXPECT_EQ(cell, a.choice_id);
      }
    }
    EXPECT_EQ(x.fields[10], last ? formatIsoTime(*last) : "");
  };
  const auto t2 = std::chrono::steady_clock::now();
  const ExportResult e = exportResultsCsv(*results_, "t1", "g1", [&](std::string_view chunk) {
    bytes += chunk.size();
    ++chunks;
    while (parser.next(&chunk, false, &rec) == CsvStatus::Record) check(rec);
    return true;
  });
  const auto t3 = std::chrono::steady_clock::now();
  std::string_view none;
  while (parser.next(&none, true, &rec) == CsvStatus::Record) check(rec);
  ASSERT_FALSE(e.error);
  EXPECT_EQ(e.rows, n);
  EXPECT_EQ(row, n);

  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf(
      "[ results  ] %zu sessions x 5 questions: computeResults %.0f ms; export %.0f ms "
      "(%zu bytes in %zu chunks, incl. parsing and checking)\n",
      n, ms(t1 - t0), ms(t3 - t2), bytes, chunks);
}

}  // namespace
}  // namespace liaison::gateway::outreach
