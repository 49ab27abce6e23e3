// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CampaignPlanner against real stores on a real SQLite file: the problems validate() names,
// previews per language (GSM 7-bit, national shift tables, UCS-2 Arabic, the fallback), a
// notice planned across time zones, a poll planned with its sessions and pseudonyms, re-runs,
// and a plan that fails half-way (a wrapped outbox that fails its Nth batch, STYLE R16) or is
// cancelled, then completes without duplicates. The clock is the test's.
#include "outreach/campaign_planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "outreach/segment_filter.h"
#include "outreach/send_window.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::outreach {
namespace {

using liaison::testing::TempDir;
using store::StoreErrc;

constexpr std::int64_t kNow = 1'718'000'000;  // 2024-06-10T06:13:20Z, a Monday
constexpr std::int64_t kHour = 3600;

// Texts whose encodings were checked with sms::analyzeText (see the expectations below).
constexpr const char* kEnglish =
    "Consulate notice: passport appointments can be booked online from 1 July.";
constexpr const char* kGerman =
    "Hinweis des Konsulats: Passtermine sind ab 1. Juli online buchbar. Grüße!";
// Long enough that UCS-2 would need two segments, so the Turkish shift tables win.
constexpr const char* kTurkish =
    "Konsolosluk duyurusu: pasaport randevuları 1 Temmuz'dan itibaren çevrimiçi alınabilir. "
    "Bilgi için sitemizi ziyaret edin.";
constexpr const char* kArabic =
    "إعلان القنصلية: يمكن حجز مواعيد جوازات السفر عبر الإنترنت اعتبارا من 1 يوليو. المعلومات "
    "على موقعنا";

void addText(liaison::v1::LocalizedText* t, const std::string& language, const std::string& text) {
  auto* tr = t->add_translations();
  tr->set_language(language);
  tr->set_text(text);
}

liaison::v1::Campaign notice(const std::string& segment_id) {
  liaison::v1::Campaign c;
  c.set_tenant_id("t1");
  c.set_name("Passport notice");
  c.set_segment_id(segment_id);
  c.set_fallback_language("en");
  auto* body = c.mutable_notice()->mutable_body();
  addText(body, "en", kEnglish);
  addText(body, "de", kGerman);
  addText(body, "tr", kTurkish);
  addText(body, "ar", kArabic);
  auto* s = c.mutable_schedule();
  s->mutable_start_at()->set_seconds(kNow);
  s->mutable_window()->mutable_start()->set_hour(9);
  s->mutable_window()->mutable_end()->set_hour(20);
  s->mutable_spread()->set_seconds(0);
  s->mutable_validity()->set_seconds(6 * kHour);
  return c;
}

liaison::v1::Campaign poll(const std::string& segment_id) {
  liaison::v1::Campaign c;
  c.set_tenant_id("t1");
  c.set_name("Election poll");
  c.set_segment_id(segment_id);
  c.set_fallback_language("en");
  auto* p = c.mutable_poll();
  addText(p->mutable_intro(), "en", "Consulate survey, reply STOP to end.");
  addText(p->mutable_intro(), "tr", "Konsolosluk anketi, bitirmek için STOP yazın.");
  addText(p->mutable_intro(), "ar", "استطلاع القنصلية، أرسل STOP للإنهاء.");
  auto* q1 = p->add_questions();
  q1->set_id("vote");
  addText(q1->mutable_prompt(), "en", "Will you vote in the election? Reply YES or NO");
  addText(q1->mutable_prompt(), "tr", "Seçimde oy kullanacak mısınız? EVET veya HAYIR yazın");
  addText(q1->mutable_prompt(), "ar", "هل ستصوت في الانتخابات؟ أجب بنعم أو لا");
  q1->mutable_yes_no();
  auto* q2 = p->add_questions();
  q2->set_id("age");
  addText(q2->mutable_prompt(), "en", "How old are you?");
  q2->mutable_number()->set_min(16);
  q2->mutable_number()->set_max(120);
  addText(p->mutable_closing(), "en", "Thank you!");
  auto* s = c.mutable_schedule();
  s->mutable_start_at()->set_seconds(kNow);
  s->mutable_window()->mutable_start()->set_hour(9);
  s->mutable_window()->mutable_end()->set_hour(20);
  s->mutable_validity()->set_seconds(4 * kHour);
  return c;
}

// Fails the Nth enqueueBatch call (1-based) without writing, as a full disk would; the rest go
// to the real outbox.
class FailingOutbox final : public store::OutboxStore {
 public:
  FailingOutbox(store::OutboxStore& real, int fail_on_call)
      : real_(real), fail_on_call_(fail_on_call) {}

  std::error_code enqueueBatch(std::span<const store::NewOutboxMessage> messages, std::int64_t now,
                               store::EnqueueCounts* counts) override {
    if (++calls_ == fail_on_call_) {
      *counts = {};
      return StoreErrc::Full;
    }
    return real_.enqueueBatch(messages, now, counts);
  }
  std::error_code enqueueOne(const store::NewOutboxMessage& message, std::int64_t now,
                             std::int64_t* id, bool* inserted) override {
    return real_.enqueueOne(message, now, id, inserted);
  }
  std::error_code claimDue(std::int64_t now, int limit, std::string_view channel,
                           std::vector<store::OutboxMessage>* out,
                           store::ClaimCounts* counts) override {
    return real_.claimDue(now, limit, channel, out, counts);
  }
  std::error_code markSubmitted(std::int64_t id, std::span<const std::string> provider_ids,
                                std::int64_t now, store::Transition* result) override {
    return real_.markSubmitted(id, provider_ids, now, result);
  }
  std::error_code markDelivered(std::int64_t id, std::int64_t now,
                                store::Transition* result) override {
    return real_.markDelivered(id, now, result);
  }
  std::error_code markFailed(std::int64_t id, std::string_view failure_code, std::int64_t now,
                             store::Transition* result) override {
    return real_.markFailed(id, failure_code, now, result);
  }
  std::error_code markExpired(std::int64_t id, std::int64_t now,
                              store::Transition* result) override {
    return real_.markExpired(id, now, result);
  }
  std::error_code markUnknown(std::int64_t id, std::int64_t now,
                              store::Transition* result) override {
    return real_.markUnknown(id, now, result);
  }
  std::error_code requeue(std::int64_t id, std::int64_t not_before, std::int64_t now,
                          store::Transition* result) override {
    return real_.requeue(id, not_before, now, result);
  }
  std::error_code applyBatch(std::span<const store::OutboxUpdate> updates, std::int64_t now,
                             std::vector<store::OutboxUpdateResult>* results) override {
    return real_.applyBatch(updates, now, results);
  }
  std::error_code expireOverdue(std::int64_t now, std::int64_t* expired) override {
    return real_.expireOverdue(now, expired);
  }
  std::error_code recover(std::int64_t now, store::RecoverCounts* counts) override {
    return real_.recover(now, counts);
  }
  std::error_code get(std::int64_t id, store::OutboxMessage* out) override {
    return real_.get(id, out);
  }
  std::error_code findByProviderId(std::string_view channel, std::string_view provider_id,
                                   std::int64_t* id) override {
    return real_.findByProviderId(channel, provider_id, id);
  }
  std::error_code countQueued(std::int64_t* out) override { return real_.countQueued(out); }
  std::error_code countByState(std::string_view campaign_id,
                               std::array<std::int64_t, 8>* out) override {
    return real_.countByState(campaign_id, out);
  }
  std::error_code holdCampaign(std::string_view campaign_id, bool held, std::int64_t now,
                               std::int64_t* rows) override {
    return real_.holdCampaign(campaign_id, held, now, rows);
  }
  std::error_code cancelCampaign(std::string_view campaign_id, std::int64_t now,
                                 std::int64_t* rows) override {
    return real_.cancelCampaign(campaign_id, now, rows);
  }

 private:
  store::OutboxStore& real_;
  int fail_on_call_;
  int calls_ = 0;
};

struct Person {
  std::string phone;
  std::string language;
  std::string zone;
  std::string country = "DE";
  store::ContactStatus status = store::ContactStatus::Active;
};

class CampaignPlannerTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    responses_.reset();
    outbox_.reset();
    campaigns_.reset();
    segments_.reset();
    contacts_.reset();
    db_.reset();
    db_ = store::SqliteStore::open(dir_.file("g.db"));
    contacts_ = std::make_unique<store::SqliteContactStore>(db_->database());
    segments_ = std::make_unique<store::SqliteSegmentStore>(db_->database());
    campaigns_ = std::make_unique<store::SqliteCampaignStore>(db_->database());
    outbox_ = std::make_unique<store::SqliteOutboxStore>(db_->database());
    responses_ = std::make_unique<store::SqliteResponseStore>(db_->database());
  }

  CampaignPlanner planner(PlannerOptions options = {}, store::OutboxStore* outbox = nullptr) {
    return CampaignPlanner(*campaigns_, *segments_, outbox ? *outbox : *outbox_, *responses_,
                           options);
  }

  std::int64_t add(const Person& p, const std::string& tenant = "t1") {
    store::Contact c;
    c.tenant_id = tenant;
    c.phone_e164 = p.phone;
    c.language = p.language;
    c.country = p.country;
    c.time_zone = p.zone;
    store::ContactUpdate update;
    update.time_zone = store::ContactUpdate::TimeZone::Set;
    store::UpsertOutcome outcome{};
    EXPECT_FALSE(contacts_->upsert(c, update, kNow - 1000, &outcome));
    if (p.status != store::ContactStatus::Active) {
      EXPECT_FALSE(contacts_->setStatus(tenant, p.phone, p.status, kNow - 900));
    }
    store::Contact got;
    EXPECT_FALSE(contacts_->find(tenant, p.phone, &got));
    ids_[p.phone] = got.id;
    return got.id;
  }

  // A saved segment "country in (DE, IN, US, AU, XX...)": everyone the tests add.
  std::string everyoneSegment(const std::string& tenant = "t1") {
    liaison::v1::Filter f;
    f.mutable_condition()->set_field("status");
    f.mutable_condition()->set_op(liaison::v1::FieldCondition::OPERATOR_IN);
    f.mutable_condition()->add_values("active");
    f.mutable_condition()->add_values("opted_out");
    return saveFilter(f, tenant, "everyone");
  }

  std::string saveFilter(const liaison::v1::Filter& f, const std::string& tenant,
                         const std::string& name) {
    std::int64_t id = 0;
    std::string detail;
    EXPECT_FALSE(
        saveSegment(*segments_, store::SqlDialect::Sqlite, tenant, name, f, kNow, &id, &detail))
        << detail;
    return std::to_string(id);
  }

  void create(const liaison::v1::Campaign& definition, const std::string& id,
              store::CampaignState state = store::CampaignState::Scheduled) {
    store::CampaignRecord r;
    r.id = id;
    r.tenant_id = definition.tenant_id();
    r.name = definition.name() + " " + id;
    r.kind = definition.has_poll() ? store::CampaignKind::Poll : store::CampaignKind::Notice;
    r.state = state;
    r.definition = definition;
    ASSERT_FALSE(campaigns_->create(r, kNow - 100));
  }

  store::CampaignState stateOf(const std::string& id) {
    store::CampaignRecord r;
    EXPECT_FALSE(campaigns_->get("t1", id, &r));
    return r.state;
  }

  // The campaign's outbox rows keyed by contact id.
  std::map<std::int64_t, store::OutboxMessage> rows(const std::string& campaign) {
    std::error_code ec;
    auto s = db_->database().prepare("SELECT id FROM outbox WHERE campaign_id = ?1", &ec);
    EXPECT_FALSE(ec);
    s->bind(1, std::string_view(campaign));
    std::vector<std::int64_t> ids;
    bool row = false;
    while (!s->step(&row) && row) ids.push_back(s->int64(0));
    std::map<std::int64_t, store::OutboxMessage> out;
    for (std::int64_t id : ids) {
      store::OutboxMessage m;
      EXPECT_FALSE(outbox_->get(id, &m));
      EXPECT_TRUE(out.emplace(m.contact_id, m).second) << "duplicate row for a contact";
    }
    return out;
  }

  std::int64_t countRows(const std::string& sql, const std::string& campaign) {
    std::error_code ec;
    auto s = db_->database().prepare(sql, &ec);
    EXPECT_FALSE(ec);
    s->bind(1, std::string_view(campaign));
    bool row = false;
    EXPECT_FALSE(s->step(&row));
    return row ? s->int64(0) : -1;
  }
  std::int64_t sessions(const std::string& c) {
    return countRows("SELECT count(*) FROM poll_sessions WHERE campaign_id = ?1", c);
  }
  std::int64_t links(const std::string& c) {
    return countRows("SELECT count(*) FROM campaign_recipients WHERE campaign_id = ?1", c);
  }
  std::int64_t outboxRows(const std::string& c) {
    return countRows("SELECT count(*) FROM outbox WHERE campaign_id = ?1", c);
  }

  // A mixed audience: four zones, five languages (one without a text, one unset), two
  // contacts that must be left out, and another tenant's contact.
  void addMixedAudience() {
    add({"+4915100000001", "de", "Europe/Berlin"});
    add({"+4915100000002", "de", "Europe/Berlin"});
    add({"+4915100000003", "tr", "Europe/Berlin"});
    add({"+4915100000004", "tr", "America/New_York", "US"});
    add({"+4915100000005", "tr", "Asia/Kolkata", "IN"});
    add({"+4915100000006", "ar", "Australia/Sydney", "AU"});
    add({"+4915100000007", "ar", "America/New_York", "US"});
    add({"+4915100000008", "ku", "Europe/Berlin"});     // no Kurdish text: fallback
    add({"+4915100000009", "", "Asia/Kolkata", "IN"});  // no language: fallback
    add({"+4915100000010", "en", "America/New_York", "US"});
    add({"+4915100000011", "tr", "Europe/Berlin", "DE", store::ContactStatus::OptedOut});
    add({"+4915100000012", "de", "Europe/Berlin", "DE", store::ContactStatus::Invalid});
    add({"+4915100000013", "de", "Europe/Berlin"}, "t2");
  }

  TempDir dir_;
  std::unique_ptr<store::SqliteStore> db_;
  std::unique_ptr<store::SqliteContactStore> contacts_;
  std::unique_ptr<store::SqliteSegmentStore> segments_;
  std::unique_ptr<store::SqliteCampaignStore> campaigns_;
  std::unique_ptr<store::SqliteOutboxStore> outbox_;
  std::unique_ptr<store::SqliteResponseStore> responses_;
  std::map<std::string, std::int64_t> ids_;  // phone -> contact id
};

// ---- validate ----

struct ProblemCase {
  const char* name;
  void (*mutate)(liaison::v1::Campaign&);
  const char* expected;  // one of the problems, exactly
};

const ProblemCase kProblemCases[] = {
    {"NoFallbackText", [](liaison::v1::Campaign& c) { c.set_fallback_language("fr"); },
     "notice.body: no text for fallback language 'fr'"},
    {"FallbackUnset", [](liaison::v1::Campaign& c) { c.clear_fallback_language(); },
     "fallback_language: not set"},
    {"FallbackNotCanonical", [](liaison::v1::Campaign& c) { c.set_fallback_language("EN_gb"); },
     "fallback_language: not a canonical BCP 47 tag (such as 'en' or 'pt-BR')"},
    {"NoContent", [](liaison::v1::Campaign& c) { c.clear_notice(); },
     "content: neither a notice nor a poll"},
    {"NoBody", [](liaison::v1::Campaign& c) { c.mutable_notice()->clear_body(); },
     "notice.body: no text"},
    {"EmptyTranslation",
     [](liaison::v1::Campaign& c) {
       c.mutable_notice()->mutable_body()->mutable_translations(1)->clear_text();
     },
     "notice.body.translations[1].text: empty"},
    {"DuplicateLanguage",
     [](liaison::v1::Campaign& c) {
       c.mutable_notice()->mutable_body()->mutable_translations(2)->set_language("de");
     },
     "notice.body.translations[2].language: 'de' appears twice"},
    {"LanguageNotCanonical",
     [](liaison::v1::Campaign& c) {
       c.mutable_notice()->mutable_body()->mutable_translations(1)->set_language("Deutsch");
     },
     "notice.body.translations[1].language: not a canonical BCP 47 tag (such as 'tr' or "
     "'pt-BR')"},
    {"TextTooLong",
     [](liaison::v1::Campaign& c) {
       c.mutable_notice()->mutable_body()->mutable_translations(0)->set_text(
           std::string(153 * 10 + 1, 'a'));
     },
     "notice.body.translations[0].text: needs 11 SMS segments; at most 10 allowed"},
    {"InvalidUtf8",
     [](liaison::v1::Campaign& c) {
       c.mutable_notice()->mutable_body()->mutable_translations(0)->set_text("caf\xc3");
     },
     nullptr},  // a problem on notice.body.translations[0].text; wording is the SMS layer's
    {"WindowStartHour",
     [](liaison::v1::Campaign& c) {
       c.mutable_schedule()->mutable_window()->mutable_start()->set_hour(25);
     },
     "schedule.window.start: hour 25 out of range"},
    {"WindowEndMinute",
     [](liaison::v1::Campaign& c) {
       c.mutable_schedule()->mutable_window()->mutable_end()->set_minute(60);
     },
     "schedule.window.end: minute 60 out of range"},
    {"NegativeSpread",
     [](liaison::v1::Campaign& c) { c.mutable_schedule()->mutable_spread()->set_seconds(-1); },
     "schedule.spread: negative"},
    {"NegativeValidity",
     [](liaison::v1::Campaign& c) { c.mutable_schedule()->mutable_validity()->set_seconds(-5); },
     "schedule.validity: negative"},
    {"UnknownResendPolicy",
     [](liaison::v1::Campaign& c) {
       c.set_resend_policy(static_cast<liaison::v1::ResendPolicy>(7));
     },
     "resend_policy: unknown value 7"},
    {"SegmentUnset", [](liaison::v1::Campaign& c) { c.clear_segment_id(); }, "segment_id: not set"},
    {"SegmentMissing", [](liaison::v1::Campaign& c) { c.set_segment_id("999"); },
     "segment_id: no such segment"},
    {"SegmentNotANumber", [](liaison::v1::Campaign& c) { c.set_segment_id("abc"); },
     "segment_id: no such segment"},
    {"SegmentOfAnotherTenant", [](liaison::v1::Campaign& c) { c.set_tenant_id("t2"); },
     "segment_id: no such segment"},
    {"TenantUnset", [](liaison::v1::Campaign& c) { c.clear_tenant_id(); }, "tenant_id: not set"},
    {"NameUnset", [](liaison::v1::Campaign& c) { c.clear_name(); }, "name: not set"},
};

class ValidateTest : public CampaignPlannerTest,
                     public ::testing::WithParamInterface<ProblemCase> {};

TEST_P(ValidateTest, NamesTheFieldAndNeverTheText) {
  const std::string segment = everyoneSegment();
  liaison::v1::Campaign c = notice(segment);
  std::vector<std::string> problems;
  ASSERT_FALSE(planner().validate(c, &problems));
  ASSERT_TRUE(problems.empty()) << problems[0];

  GetParam().mutate(c);
  ASSERT_FALSE(planner().validate(c, &problems));
  ASSERT_FALSE(problems.empty());
  if (GetParam().expected != nullptr) {
    EXPECT_NE(std::find(problems.begin(), problems.end(), GetParam().expected), problems.end())
        << "got: " << ::testing::PrintToString(problems);
  } else {
    EXPECT_EQ(problems[0].rfind("notice.body.translations[0].text: ", 0), 0u) << problems[0];
  }
  for (const std::string& p : problems) {
    EXPECT_EQ(p.find("Konsulat"), std::string::npos) << p;
    EXPECT_EQ(p.find("passport"), std::string::npos) << p;
    EXPECT_EQ(p.find("aaaa"), std::string::npos) << p;
    EXPECT_EQ(p.find("Deutsch"), std::string::npos) << p;
    EXPECT_EQ(p.find("EN_gb"), std::string::npos) << p;
  }
}

INSTANTIATE_TEST_SUITE_P(Problems, ValidateTest, ::testing::ValuesIn(kProblemCases),
                         [](const ::testing::TestParamInfo<ProblemCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST_F(CampaignPlannerTest, ValidateReportsPollEngineProblemsUnderPoll) {
  const std::string segment = everyoneSegment();
  liaison::v1::Campaign c = poll(segment);
  std::vector<std::string> problems;
  ASSERT_FALSE(planner().validate(c, &problems));
  ASSERT_TRUE(problems.empty()) << problems[0];

  auto* branch = c.mutable_poll()->mutable_questions(0)->add_branches();
  branch->set_yes(true);
  branch->set_goto_question_id("q9");
  ASSERT_FALSE(planner().validate(c, &problems));
  EXPECT_EQ(problems, std::vector<std::string>{"poll.questions[0].branches[0]: no question 'q9'"});

  c = poll(segment);
  c.mutable_poll()->clear_questions();
  ASSERT_FALSE(planner().validate(c, &problems));
  EXPECT_NE(std::find(problems.begin(), problems.end(),
                      "poll.questions: a poll needs at least one question"),
            problems.end())
      << ::testing::PrintToString(problems);

  c = poll(segment);
  c.mutable_poll()->mutable_intro()->mutable_translations(0)->set_language("fr");
  ASSERT_FALSE(planner().validate(c, &problems));
  EXPECT_EQ(problems, std::vector<std::string>{"poll.intro: no text for fallback language 'en'"});

  // Intro and first question together are the first message: each fits, the pair does not.
  c = poll(segment);
  c.mutable_poll()->mutable_intro()->mutable_translations(0)->set_text(std::string(900, 'i'));
  c.mutable_poll()->mutable_questions(0)->mutable_prompt()->mutable_translations(0)->set_text(
      std::string(900, 'q'));
  ASSERT_FALSE(planner().validate(c, &problems));
  EXPECT_EQ(problems, std::vector<std::string>{
                          "poll: the first message in 'en' needs 12 SMS segments; at most 10 "
                          "allowed"});
}

TEST_F(CampaignPlannerTest, ResendPolicyDefaultsByKind) {
  EXPECT_EQ(effectiveResendPolicy(notice("1")), store::ResendPolicy::AtLeastOnce);
  EXPECT_EQ(effectiveResendPolicy(poll("1")), store::ResendPolicy::Never);
  liaison::v1::Campaign c = notice("1");
  c.set_resend_policy(liaison::v1::RESEND_POLICY_NEVER);
  EXPECT_EQ(effectiveResendPolicy(c), store::ResendPolicy::Never);
  c = poll("1");
  c.set_resend_policy(liaison::v1::RESEND_POLICY_AT_LEAST_ONCE);
  EXPECT_EQ(effectiveResendPolicy(c), store::ResendPolicy::AtLeastOnce);
}

// ---- preview ----

const PreviewMessage* find(const CampaignPreview& p, const std::string& language) {
  for (const PreviewMessage& m : p.messages) {
    if (m.language == language) return &m;
  }
  return nullptr;
}

TEST_F(CampaignPlannerTest, PreviewGivesTextEncodingSegmentsAndCountsPerLanguage) {
  addMixedAudience();
  const std::string segment = everyoneSegment();
  CampaignPreview preview;
  std::vector<std::string> problems;
  ASSERT_FALSE(planner().preview(notice(segment), &preview, &problems))
      << ::testing::PrintToString(problems);
  EXPECT_EQ(preview.audience, 10);  // opted-out, invalid and the other tenant's left out
  ASSERT_EQ(preview.messages.size(), 4u);

  const PreviewMessage* tr = find(preview, "tr");
  ASSERT_NE(tr, nullptr);
  EXPECT_EQ(tr->text, kTurkish);
  EXPECT_EQ(tr->encoding, store::OutboxEncoding::Gsm7National);
  EXPECT_EQ(tr->segments, 1);
  EXPECT_EQ(tr->characters, 120u);
  EXPECT_EQ(tr->recipients, 3);
  EXPECT_EQ(tr->audience_languages, std::vector<std::string>{"tr"});

  const PreviewMessage* ar = find(preview, "ar");
  ASSERT_NE(ar, nullptr);
  EXPECT_EQ(ar->text, kArabic);
  EXPECT_EQ(ar->encoding, store::OutboxEncoding::Ucs2);
  EXPECT_EQ(ar->segments, 2);  // 98 UCS-2 characters: two parts of 67
  EXPECT_EQ(ar->characters, 98u);
  EXPECT_EQ(ar->recipients, 2);

  const PreviewMessage* de = find(preview, "de");
  ASSERT_NE(de, nullptr);
  EXPECT_EQ(de->text, kGerman);
  EXPECT_EQ(de->encoding, store::OutboxEncoding::Gsm7);
  EXPECT_EQ(de->segments, 1);
  EXPECT_EQ(de->characters, 73u);
  EXPECT_EQ(de->recipients, 2);

  // The fallback carries English speakers, Kurdish speakers (no text) and no language set.
  const PreviewMessage* en = find(preview, "en");
  ASSERT_NE(en, nullptr);
  EXPECT_EQ(en->text, kEnglish);
  EXPECT_EQ(en->encoding, store::OutboxEncoding::Gsm7);
  EXPECT_EQ(en->recipients, 3);
  EXPECT_EQ(en->audience_languages, (std::vector<std::string>{"", "en", "ku"}));

  EXPECT_EQ(preview.total_segments, 3 * 1 + 2 * 2 + 2 * 1 + 3 * 1);
  // Most recipients first, then by language.
  EXPECT_EQ(preview.messages[0].language, "en");
  EXPECT_EQ(preview.messages[1].language, "tr");
  EXPECT_EQ(preview.messages[2].language, "ar");
  EXPECT_EQ(preview.messages[3].language, "de");
}

TEST_F(CampaignPlannerTest, PreviewListsTextsWithoutRecipientsAndRefusesInvalidCampaigns) {
  add({"+4915100000001", "de", "Europe/Berlin"});
  const std::string segment = everyoneSegment();
  CampaignPreview preview;
  std::vector<std::string> problems;
  ASSERT_FALSE(planner().preview(notice(segment), &preview, &problems));
  ASSERT_EQ(preview.messages.size(), 4u);
  EXPECT_EQ(preview.messages[0].language, "de");
  EXPECT_EQ(preview.messages[0].recipients, 1);
  for (std::size_t i = 1; i < 4; ++i) EXPECT_EQ(preview.messages[i].recipients, 0);

  liaison::v1::Campaign bad = notice(segment);
  bad.mutable_schedule()->mutable_window()->mutable_start()->set_hour(24);
  EXPECT_EQ(planner().preview(bad, &preview, &problems), PlanErrc::InvalidCampaign);
  EXPECT_EQ(problems, std::vector<std::string>{"schedule.window.start: hour 24 out of range"});
}

TEST_F(CampaignPlannerTest, PreviewOfAPollShowsIntroAndFirstQuestion) {
  addMixedAudience();
  const std::string segment = everyoneSegment();
  CampaignPreview preview;
  std::vector<std::string> problems;
  ASSERT_FALSE(planner().preview(poll(segment), &preview, &problems))
      << ::testing::PrintToString(problems);
  ASSERT_EQ(preview.messages.size(), 3u);
  const PreviewMessage* ar = find(preview, "ar");
  ASSERT_NE(ar, nullptr);
  EXPECT_EQ(ar->text,
            "استطلاع القنصلية، أرسل STOP للإنهاء.\nهل ستصوت في الانتخابات؟ أجب بنعم أو لا");
  EXPECT_EQ(ar->encoding, store::OutboxEncoding::Ucs2);
  EXPECT_EQ(ar->recipients, 2);
  const PreviewMessage* en = find(preview, "en");
  ASSERT_NE(en, nullptr);
  EXPECT_EQ(en->text,
            "Consulate survey, reply STOP to end.\nWill you vote in the election? Reply YES or NO");
  EXPECT_EQ(en->encoding, store::OutboxEncoding::Gsm7);
  EXPECT_EQ(en->recipients, 5);  // de (no German poll text), ku, en, unset
  EXPECT_EQ(en->audience_languages, (std::vector<std::string>{"", "de", "en", "ku"}));
  const PreviewMessage* tr = find(preview, "tr");
  ASSERT_NE(tr, nullptr);
  EXPECT_EQ(tr->recipients, 3);
  EXPECT_EQ(tr->segments, 1);
}

// ---- plan: notices ----

TEST_F(CampaignPlannerTest, PlansANoticePerLanguageInsideEachRecipientsWindow) {
  addMixedAudience();
  // Zone fallbacks: no zone but a country, and an unknown zone with an unknown country.
  const std::int64_t by_country = add({"+4915100000020", "de", "", "IN"});
  const std::int64_t in_utc = add({"+4915100000021", "de", "Mars/Olympus", "XX"});
  const std::string segment = everyoneSegment();
  create(notice(segment), "n1");

  std::vector<std::pair<std::int64_t, std::int64_t>> progress;
  PlanResult result;
  std::vector<std::string> problems;
  ASSERT_FALSE(planner(PlannerOptions{.page_rows = 3})
                   .plan(
                       "t1", "n1", kNow,
                       [&](std::int64_t done, std::int64_t total) {
                         progress.emplace_back(done, total);
                         return true;
                       },
                       &result, &problems))
      << ::testing::PrintToString(problems);
  EXPECT_EQ(result.audience, 12);
  EXPECT_EQ(result.planned, 12);
  EXPECT_EQ(result.inserted, 12);
  EXPECT_EQ(result.already_present, 0);
  EXPECT_EQ(result.sessions_opened, 0);
  EXPECT_EQ(result.zone_fallbacks, 2);
  EXPECT_EQ(result.utc_fallbacks, 1);
  EXPECT_TRUE(result.started);
  EXPECT_EQ(progress, (std::vector<std::pair<std::int64_t, std::int64_t>>{
                          {3, 12}, {6, 12}, {9, 12}, {12, 12}}));

  reopen();  // what follows is what was committed
  EXPECT_EQ(stateOf("n1"), store::CampaignState::Running);
  const auto planned = rows("n1");
  ASSERT_EQ(planned.size(), 12u);
  EXPECT_EQ(planned.count(ids_["+4915100000011"]), 0u);  // opted out
  EXPECT_EQ(planned.count(ids_["+4915100000012"]), 0u);  // invalid

  std::map<std::string, int> per_language;
  DailyWindow window;
  ASSERT_FALSE(makeWindow(9, 0, 20, 0, &window));
  for (const auto& [contact, m] : planned) {
    ++per_language[m.language];
    EXPECT_EQ(m.tenant_id, "t1");
    EXPECT_EQ(m.step, "notice");
    EXPECT_EQ(m.priority, store::OutboxPriority::Bulk);
    EXPECT_EQ(m.resend_policy, store::ResendPolicy::AtLeastOnce);
    EXPECT_EQ(m.state, store::OutboxState::Queued);
    EXPECT_GE(m.not_before, kNow);
    ASSERT_TRUE(m.expires_at.has_value());
    EXPECT_EQ(*m.expires_at, m.not_before + 6 * kHour);
    std::error_code ec;
    auto zone = ZoneRules::load(m.time_zone, &ec);
    ASSERT_FALSE(ec) << m.time_zone;
    EXPECT_TRUE(isOpen(m.not_before, *zone, window)) << m.time_zone << " " << m.not_before;
    // Nothing waits longer than needed: a second earlier is either closed or before start.
    EXPECT_TRUE(m.not_before == kNow || !isOpen(m.not_before - 1, *zone, window));
    if (m.language == "tr") {
      EXPECT_EQ(m.body, kTurkish);
      EXPECT_EQ(m.encoding, store::OutboxEncoding::Gsm7National);
      EXPECT_EQ(m.segments, 1);
    } else if (m.language == "ar") {
      EXPECT_EQ(m.body, kArabic);
      EXPECT_EQ(m.encoding, store::OutboxEncoding::Ucs2);
      EXPECT_EQ(m.segments, 2);
    } else if (m.language == "de") {
      EXPECT_EQ(m.body, kGerman);
    } else {
      EXPECT_EQ(m.language, "en");
      EXPECT_EQ(m.body, kEnglish);
    }
  }
  EXPECT_EQ(per_language, (std::map<std::string, int>{{"ar", 2}, {"de", 4}, {"en", 3}, {"tr", 3}}));

  // Worked by hand for 2024-06-10 06:13:20Z, window 09:00-20:00, no spread:
  // Berlin (UTC+2) 08:13 -> 09:00 local = 07:00Z; New York (UTC-4) 02:13 -> 13:00Z;
  // Kolkata (UTC+5:30) 11:43 and Sydney (UTC+10) 16:13 are open now.
  EXPECT_EQ(planned.at(ids_["+4915100000001"]).not_before, kNow + 2800);
  EXPECT_EQ(planned.at(ids_["+4915100000004"]).not_before, kNow + 6 * kHour + 46 * 60 + 40);
  EXPECT_EQ(planned.at(ids_["+4915100000005"]).not_before, kNow);
  EXPECT_EQ(planned.at(ids_["+4915100000006"]).not_before, kNow);
  EXPECT_EQ(planned.at(ids_["+4915100000004"]).time_zone, "America/New_York");
  EXPECT_EQ(planned.at(by_country).time_zone, "Asia/Kolkata");
  EXPECT_EQ(planned.at(by_country).not_before, kNow);
  EXPECT_EQ(planned.at(in_utc).time_zone, ZoneRules::utc().id());
  EXPECT_EQ(planned.at(in_utc).not_before, kNow + 2 * kHour + 46 * 60 + 40);  // 09:00Z
  // The fallback text, recorded as English, for Kurdish and unset languages.
  EXPECT_EQ(planned.at(ids_["+4915100000008"]).body, kEnglish);
  EXPECT_EQ(planned.at(ids_["+4915100000009"]).language, "en");
}

TEST_F(CampaignPlannerTest, SpreadsTheSendOverTheSpanAndNotBeforeStart) {
  for (int i = 0; i < 20; ++i) {
    add({"+49151000001" + std::to_string(10 + i), "en", "Asia/Kolkata", "IN"});
  }
  liaison::v1::Campaign c = notice(everyoneSegment());
  c.mutable_schedule()->mutable_start_at()->set_seconds(kNow + kHour);  // in the future
  c.mutable_schedule()->mutable_spread()->set_seconds(2 * kHour);
  create(c, "n1");
  PlanResult result;
  std::vector<std::string> problems;
  ASSERT_FALSE(
      planner(PlannerOptions{.page_rows = 7}).plan("t1", "n1", kNow, nullptr, &result, &problems));
  const auto planned = rows("n1");
  ASSERT_EQ(planned.size(), 20u);
  std::vector<std::int64_t> times;
  for (const auto& [contact, m] : planned) times.push_back(m.not_before);  // id order
  // Kolkata is open all through 12:43-14:43 local: the times are exactly the spread.
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(times[i], kNow + kHour + static_cast<std::int64_t>(i) * 2 * kHour / 20) << i;
  }
}

TEST_F(CampaignPlannerTest, PlanningAgainInsertsNothingTwice) {
  addMixedAudience();
  create(notice(everyoneSegment()), "n1");
  PlanResult first;
  std::vector<std::string> problems;
  ASSERT_FALSE(planner().plan("t1", "n1", kNow, nullptr, &first, &problems));
  EXPECT_EQ(first.inserted, 10);
  const auto before = rows("n1");

  PlanResult again;
  ASSERT_FALSE(planner().plan("t1", "n1", kNow + 60, nullptr, &again, &problems));
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.already_present, 10);
  EXPECT_FALSE(again.started);  // already Running
  const auto after = rows("n1");
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [contact, m] : before) {
    EXPECT_EQ(after.at(contact).id, m.id);
    EXPECT_EQ(after.at(contact).not_before, m.not_before);
  }

  // On a running campaign a re-plan tops up: someone who joined the segment since is added.
  const std::int64_t late = add({"+4915100000099", "de", "Europe/Berlin"});
  PlanResult top_up;
  ASSERT_FALSE(planner().plan("t1", "n1", kNow + 120, nullptr, &top_up, &problems));
  EXPECT_EQ(top_up.inserted, 1);
  EXPECT_EQ(top_up.already_present, 10);
  EXPECT_EQ(rows("n1").count(late), 1u);
}

TEST_F(CampaignPlannerTest, PauseHoldsTheQueueResumeReleasesItCancelFailsIt) {
  addMixedAudience();
  create(notice(everyoneSegment()), "n1");
  PlanResult planned;
  std::vector<std::string> problems;
  ASSERT_FALSE(planner().plan("t1", "n1", kNow, nullptr, &planned, &problems));
  std::int64_t first = std::numeric_limits<std::int64_t>::max();  // the earliest send time
  std::int64_t far = 0;                                           // every row is due then
  for (const auto& [contact, m] : rows("n1")) {
    first = std::min(first, m.not_before);
    far = std::max(far, m.not_before);
  }
  store::Transition t{};
  std::int64_t changed = 0;
  ASSERT_FALSE(planner().changeState("t1", "n1", store::CampaignState::Running,
                                     store::CampaignState::Paused, kNow, &t, &changed));
  EXPECT_EQ(t, store::Transition::Applied);
  EXPECT_EQ(changed, planned.inserted);
  std::vector<store::OutboxMessage> claimed;
  store::ClaimCounts counts;
  ASSERT_FALSE(outbox_->claimDue(far, 100, "smpp:test", &claimed, &counts));
  EXPECT_TRUE(claimed.empty()) << "a paused campaign sends nothing";
  // Pausing twice changes nothing; another tenant cannot touch it.
  ASSERT_FALSE(planner().changeState("t1", "n1", store::CampaignState::Running,
                                     store::CampaignState::Paused, kNow, &t, &changed));
  EXPECT_EQ(t, store::Transition::Ignored);
  EXPECT_EQ(planner().changeState("t2", "n1", store::CampaignState::Paused,
                                  store::CampaignState::Running, kNow, &t, &changed),
            StoreErrc::NotFound);

  ASSERT_FALSE(planner().changeState("t1", "n1", store::CampaignState::Paused,
                                     store::CampaignState::Running, kNow, &t, &changed));
  EXPECT_EQ(changed, planned.inserted);
  ASSERT_FALSE(outbox_->claimDue(first, 100, "smpp:test", &claimed, &counts));
  const auto in_flight = static_cast<std::int64_t>(claimed.size());
  ASSERT_GE(in_flight, 1);
  ASSERT_LT(in_flight, planned.inserted);

  ASSERT_FALSE(planner().changeState("t1", "n1", store::CampaignState::Running,
                                     store::CampaignState::Cancelled, kNow, &t, &changed));
  EXPECT_EQ(changed, planned.inserted - in_flight);  // those in flight finish normally
  std::array<std::int64_t, 8> by_state{};
  ASSERT_FALSE(outbox_->countByState("n1", &by_state));
  EXPECT_EQ(by_state[static_cast<int>(store::OutboxState::Failed)], planned.inserted - in_flight);
  EXPECT_EQ(by_state[static_cast<int>(store::OutboxState::Sending)], in_flight);
  EXPECT_EQ(stateOf("n1"), store::CampaignState::Cancelled);
  EXPECT_EQ(planner().changeState("t1", "n1", store::CampaignState::Cancelled,
                                  store::CampaignState::Running, kNow, &t, &changed),
            StoreErrc::InvalidArgument);
}

TEST_F(CampaignPlannerTest, ANoticePlanThatFailsHalfWayCompletesOnTheNextRun) {
  for (int i = 0; i < 9; ++i) {
    add({"+49151000002" + std::to_string(10 + i), i % 2 ? "tr" : "de", "Europe/Berlin"});
  }
  create(notice(everyoneSegment()), "n1");
  FailingOutbox failing(*outbox_, 3);
  PlanResult result;
  std::vector<std::string> problems;
  EXPECT_EQ(planner(PlannerOptions{.page_rows = 2}, &failing)
                .plan("t1", "n1", kNow, nullptr, &result, &problems),
            StoreErrc::Full);
  EXPECT_EQ(result.inserted, 4);
  EXPECT_FALSE(result.started);
  reopen();
  EXPECT_EQ(stateOf("n1"), store::CampaignState::Scheduled);  // not Running until complete
  EXPECT_EQ(outboxRows("n1"), 4);

  ASSERT_FALSE(
      planner(PlannerOptions{.page_rows = 2}).plan("t1", "n1", kNow, nullptr, &result, &problems));
  EXPECT_EQ(result.inserted, 5);
  EXPECT_EQ(result.already_present, 4);
  EXPECT_TRUE(result.started);
  EXPECT_EQ(rows("n1").size(), 9u);  // rows() fails on a duplicate contact
  EXPECT_EQ(stateOf("n1"), store::CampaignState::Running);
}

TEST_F(CampaignPlannerTest, ACancelledPlanCompletesOnTheNextRun) {
  for (int i = 0; i < 7; ++i) {
    add({"+49151000003" + std::to_string(10 + i), "en", "Europe/Berlin"});
  }
  create(notice(everyoneSegment()), "n1", store::CampaignState::Draft);
  PlanResult result;
  std::vector<std::string> problems;
  EXPECT_EQ(planner(PlannerOptions{.page_rows = 3})
                .plan(
                    "t1", "n1", kNow, [](std::int64_t, std::int64_t) { return false; }, &result,
                    &problems),
            PlanErrc::Cancelled);
  EXPECT_EQ(result.planned, 3);
  EXPECT_EQ(stateOf("n1"), store::CampaignState::Draft);
  ASSERT_FALSE(
      planner(PlannerOptions{.page_rows = 3}).plan("t1", "n1", kNow, nullptr, &result, &problems));
  EXPECT_EQ(result.inserted, 4);
  EXPECT_EQ(result.already_present, 3);
  EXPECT_EQ(stateOf("n1"), store::CampaignState::Running);
  EXPECT_EQ(outboxRows("n1"), 7);
}

TEST_F(CampaignPlannerTest, PlanRefusesWrongStatesOtherTenantsAndInvalidCampaigns) {
  add({"+4915100000001", "en", "Europe/Berlin"});
  const std::string segment = everyoneSegment();
  create(notice(segment), "paused", store::CampaignState::Paused);
  create(notice(segment), "done", store::CampaignState::Completed);
  create(notice(segment), "gone", store::CampaignState::Cancelled);
  PlanResult result;
  std::vector<std::string> problems;
  for (const char* id : {"paused", "done", "gone"}) {
    EXPECT_EQ(planner().plan("t1", id, kNow, nullptr, &result, &problems), PlanErrc::WrongState)
        << id;
    EXPECT_EQ(outboxRows(id), 0);
  }
  create(notice(segment), "n1");
  EXPECT_EQ(planner().plan("t2", "n1", kNow, nullptr, &result, &problems), StoreErrc::NotFound);

  // A segment deleted after the campaign was saved.
  std::int64_t segment_id = std::stoll(segment);
  ASSERT_FALSE(segments_->remove("t1", segment_id));
  EXPECT_EQ(planner().plan("t1", "n1", kNow, nullptr, &result, &problems),
            PlanErrc::InvalidCampaign);
  EXPECT_EQ(problems, std::vector<std::string>{"segment_id: no such segment"});
  EXPECT_EQ(outboxRows("n1"), 0);
  EXPECT_EQ(stateOf("n1"), store::CampaignState::Scheduled);
}

TEST_F(CampaignPlannerTest, TheSegmentFilterChoosesTheAudience) {
  addMixedAudience();
  liaison::v1::Filter f;
  f.mutable_condition()->set_field("language");
  f.mutable_condition()->set_op(liaison::v1::FieldCondition::OPERATOR_IN);
  f.mutable_condition()->add_values("tr");
  f.mutable_condition()->add_values("ar");
  create(notice(saveFilter(f, "t1", "tr and ar")), "n1");
  PlanResult result;
  std::vector<std::string> problems;
  ASSERT_FALSE(planner().plan("t1", "n1", kNow, nullptr, &result, &problems));
  EXPECT_EQ(result.inserted, 5);  // three tr (one more opted out) and two ar
  for (const auto& [contact, m] : rows("n1")) {
    EXPECT_TRUE(m.language == "tr" || m.language == "ar") << m.language;
  }
}

// ---- plan: polls ----

TEST_F(CampaignPlannerTest, PlansAPollWithSessionsAndPseudonyms) {
  addMixedAudience();
  create(poll(everyoneSegment()), "p1");
  PlanResult result;
  std::vector<std::string> problems;
  ASSERT_FALSE(
      planner(PlannerOptions{.page_rows = 4}).plan("t1", "p1", kNow, nullptr, &result, &problems))
      << ::testing::PrintToString(problems);
  EXPECT_EQ(result.inserted, 10);
  EXPECT_EQ(result.sessions_opened, 10);
  reopen();
  EXPECT_EQ(stateOf("p1"), store::CampaignState::Running);
  EXPECT_EQ(sessions("p1"), 10);
  EXPECT_EQ(links("p1"), 10);

  std::set<std::string> pseudonyms;
  for (const auto& [contact, m] : rows("p1")) {
    EXPECT_EQ(m.step, "vote");
    EXPECT_EQ(m.resend_policy, store::ResendPolicy::Never);
    std::string pseudonym;
    ASSERT_FALSE(campaigns_->pseudonymFor("p1", contact, &pseudonym));
    EXPECT_TRUE(pseudonyms.insert(pseudonym).second);
    std::int64_t back = 0;
    ASSERT_FALSE(campaigns_->contactFor("p1", pseudonym, &back));
    EXPECT_EQ(back, contact);
    store::PollSessionRecord s;
    ASSERT_FALSE(responses_->getSession("p1", pseudonym, &s));
    EXPECT_EQ(s.current_question, "vote");
    EXPECT_EQ(s.state, store::SessionState::Open);
    EXPECT_EQ(s.reasks, 0);
    EXPECT_EQ(s.started_at, m.not_before);
    EXPECT_EQ(s.last_activity, m.not_before);
    if (m.language == "ar") {
      EXPECT_EQ(m.body,
                "استطلاع القنصلية، أرسل STOP للإنهاء.\nهل ستصوت في الانتخابات؟ أجب بنعم أو لا");
      EXPECT_EQ(m.encoding, store::OutboxEncoding::Ucs2);
    } else if (m.language == "tr") {
      EXPECT_EQ(m.body,
                "Konsolosluk anketi, bitirmek için STOP yazın.\nSeçimde oy kullanacak mısınız? "
                "EVET veya HAYIR yazın");
    } else {
      EXPECT_EQ(m.language, "en");
      EXPECT_EQ(m.body,
                "Consulate survey, reply STOP to end.\nWill you vote in the election? Reply YES "
                "or NO");
    }
  }
  // The session keeps the respondent's own language and country, for breakdowns.
  const std::int64_t kurdish = ids_["+4915100000008"];
  const std::int64_t unset = ids_["+4915100000009"];
  const std::int64_t indian_tr = ids_["+4915100000005"];
  for (const auto& [contact, language, country] :
       {std::tuple{kurdish, "ku", "DE"}, std::tuple{unset, "en", "IN"},
        std::tuple{indian_tr, "tr", "IN"}}) {
    std::string pseudonym;
    ASSERT_FALSE(campaigns_->pseudonymFor("p1", contact, &pseudonym));
    store::PollSessionRecord s;
    ASSERT_FALSE(responses_->getSession("p1", pseudonym, &s));
    EXPECT_EQ(s.language, language);
    EXPECT_EQ(s.country, country);
  }
}

TEST_F(CampaignPlannerTest, APollPlanThatFailsHalfWayLeavesNoSessionWithoutItsMessage) {
  for (int i = 0; i < 9; ++i) {
    add({"+49151000004" + std::to_string(10 + i), i % 3 ? "tr" : "ar", "Europe/Berlin"});
  }
  create(poll(everyoneSegment()), "p1");
  FailingOutbox failing(*outbox_, 3);
  PlanResult result;
  std::vector<std::string> problems;
  EXPECT_EQ(planner(PlannerOptions{.page_rows = 2}, &failing)
                .plan("t1", "p1", kNow, nullptr, &result, &problems),
            StoreErrc::Full);
  reopen();
  // Two pages committed whole; the third page's sessions and pseudonyms rolled back with it.
  EXPECT_EQ(outboxRows("p1"), 4);
  EXPECT_EQ(sessions("p1"), 4);
  EXPECT_EQ(links("p1"), 4);
  EXPECT_EQ(stateOf("p1"), store::CampaignState::Scheduled);

  ASSERT_FALSE(
      planner(PlannerOptions{.page_rows = 2}).plan("t1", "p1", kNow, nullptr, &result, &problems));
  EXPECT_EQ(result.inserted, 5);
  EXPECT_EQ(result.already_present, 4);
  EXPECT_EQ(result.sessions_opened, 5);
  reopen();
  EXPECT_EQ(rows("p1").size(), 9u);
  EXPECT_EQ(sessions("p1"), 9);
  EXPECT_EQ(links("p1"), 9);
  EXPECT_EQ(stateOf("p1"), store::CampaignState::Running);

  // And once more: nothing new anywhere.
  ASSERT_FALSE(planner().plan("t1", "p1", kNow, nullptr, &result, &problems));
  EXPECT_EQ(result.inserted, 0);
  EXPECT_EQ(result.sessions_opened, 0);
  EXPECT_EQ(sessions("p1"), 9);
  EXPECT_EQ(links("p1"), 9);
}

}  // namespace
}  // namespace liaison::gateway::outreach
