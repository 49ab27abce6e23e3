// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteCampaignStore on real database files: create/get/update/list, names unique per
// tenant, tenant scoping, the lifecycle, pseudonyms (stable, unique, random hex, forgotten),
// audience pages and language counts, and inTransaction rollback. The database is reopened
// between steps where the assertion is about what was committed.
#include "store/sqlite_campaign_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "outreach/segment_filter.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::store {
namespace {

using liaison::testing::TempDir;

constexpr std::int64_t kNow = 1'700'000'000;

liaison::v1::Campaign noticeDefinition(const std::string& text = "Hello") {
  liaison::v1::Campaign d;
  d.set_fallback_language("en");
  d.set_segment_id("1");
  auto* tr = d.mutable_notice()->mutable_body()->add_translations();
  tr->set_language("en");
  tr->set_text(text);
  return d;
}

liaison::v1::Campaign pollDefinition() {
  liaison::v1::Campaign d;
  d.set_fallback_language("en");
  auto* q = d.mutable_poll()->add_questions();
  q->set_id("q1");
  auto* tr = q->mutable_prompt()->add_translations();
  tr->set_language("en");
  tr->set_text("Will you vote? yes/no");
  q->mutable_yes_no();
  return d;
}

CampaignRecord record(const std::string& id, const std::string& tenant, const std::string& name,
                      CampaignKind kind = CampaignKind::Notice,
                      CampaignState state = CampaignState::Draft) {
  CampaignRecord r;
  r.id = id;
  r.tenant_id = tenant;
  r.name = name;
  r.kind = kind;
  r.state = state;
  r.definition = kind == CampaignKind::Poll ? pollDefinition() : noticeDefinition();
  return r;
}

bool isLowerHex32(const std::string& s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

class CampaignStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    campaigns_.reset();
    contacts_.reset();
    db_.reset();
    db_ = SqliteStore::open(dir_.file("g.db"));
    contacts_ = std::make_unique<SqliteContactStore>(db_->database());
    campaigns_ = std::make_unique<SqliteCampaignStore>(db_->database());
  }

  std::int64_t addContact(const std::string& tenant, const std::string& phone,
                          const std::string& language = "tr",
                          ContactStatus status = ContactStatus::Active,
                          const std::string& country = "DE") {
    Contact c;
    c.tenant_id = tenant;
    c.phone_e164 = phone;
    c.language = language;
    c.country = country;
    c.time_zone = "Europe/Berlin";
    UpsertOutcome outcome{};
    EXPECT_FALSE(contacts_->upsert(c, ContactUpdate{}, kNow - 1000, &outcome));
    if (status != ContactStatus::Active) {
      EXPECT_FALSE(contacts_->setStatus(tenant, phone, status, kNow - 900));
    }
    Contact got;
    EXPECT_FALSE(contacts_->find(tenant, phone, &got));
    return got.id;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> db_;
  std::unique_ptr<SqliteContactStore> contacts_;
  std::unique_ptr<SqliteCampaignStore> campaigns_;
};

TEST_F(CampaignStoreTest, CreateThenGetRoundTripsAfterReopen) {
  CampaignRecord r = record("c1", "t1", "July notice");
  r.definition.set_name("stale name inside the definition");
  ASSERT_FALSE(campaigns_->create(r, kNow));
  reopen();
  CampaignRecord got;
  ASSERT_FALSE(campaigns_->get("t1", "c1", &got));
  EXPECT_EQ(got.id, "c1");
  EXPECT_EQ(got.tenant_id, "t1");
  EXPECT_EQ(got.name, "July notice");
  EXPECT_EQ(got.kind, CampaignKind::Notice);
  EXPECT_EQ(got.state, CampaignState::Draft);
  EXPECT_EQ(got.created_at, kNow);
  EXPECT_EQ(got.updated_at, kNow);
  // The columns are mirrored into the definition.
  EXPECT_EQ(got.definition.id(), "c1");
  EXPECT_EQ(got.definition.tenant_id(), "t1");
  EXPECT_EQ(got.definition.name(), "July notice");
  EXPECT_EQ(got.definition.state(), liaison::v1::CAMPAIGN_STATE_DRAFT);
  EXPECT_EQ(got.definition.created_at().seconds(), kNow);
  EXPECT_EQ(got.definition.notice().body().translations(0).text(), "Hello");
  EXPECT_EQ(got.definition.segment_id(), "1");
}

TEST_F(CampaignStoreTest, PollKindRoundTrips) {
  ASSERT_FALSE(campaigns_->create(record("p1", "t1", "Poll", CampaignKind::Poll), kNow));
  CampaignRecord got;
  ASSERT_FALSE(campaigns_->get("t1", "p1", &got));
  EXPECT_EQ(got.kind, CampaignKind::Poll);
  EXPECT_TRUE(got.definition.has_poll());
  EXPECT_EQ(got.definition.poll().questions(0).id(), "q1");
}

TEST_F(CampaignStoreTest, CreateRejectsIncompleteRecords) {
  CampaignRecord r = record("c1", "t1", "n");
  r.id.clear();
  EXPECT_EQ(campaigns_->create(r, kNow), StoreErrc::InvalidArgument);
  r = record("c1", "", "n");
  EXPECT_EQ(campaigns_->create(r, kNow), StoreErrc::InvalidArgument);
  r = record("c1", "t1", "");
  EXPECT_EQ(campaigns_->create(r, kNow), StoreErrc::InvalidArgument);
  r = record("c1", "t1", "n");
  r.definition.clear_notice();
  EXPECT_EQ(campaigns_->create(r, kNow), StoreErrc::InvalidArgument);
  r = record("c1", "t1", "n");
  r.kind = CampaignKind::Poll;  // but the content is a notice
  EXPECT_EQ(campaigns_->create(r, kNow), StoreErrc::InvalidArgument);
  r = record("c1", "t1", "n");
  r.state = static_cast<CampaignState>(9);
  EXPECT_EQ(campaigns_->create(r, kNow), StoreErrc::InvalidArgument);
  std::vector<CampaignRecord> all;
  ASSERT_FALSE(campaigns_->list("t1", &all));
  EXPECT_TRUE(all.empty());
}

TEST_F(CampaignStoreTest, NamesAreUniquePerTenantAndIdsGlobally) {
  ASSERT_FALSE(campaigns_->create(record("c1", "t1", "Same"), kNow));
  EXPECT_EQ(campaigns_->create(record("c2", "t1", "Same"), kNow), StoreErrc::Constraint);
  EXPECT_EQ(campaigns_->create(record("c1", "t1", "Other"), kNow), StoreErrc::Constraint);
  EXPECT_EQ(campaigns_->create(record("c1", "t2", "Other"), kNow), StoreErrc::Constraint);
  // Another tenant may use the same name.
  EXPECT_FALSE(campaigns_->create(record("c3", "t2", "Same"), kNow));
  // Renaming onto a taken name fails too.
  ASSERT_FALSE(campaigns_->create(record("c4", "t1", "Fourth"), kNow));
  CampaignRecord r = record("c4", "t1", "Same");
  Transition t{};
  EXPECT_EQ(campaigns_->update(r, kNow + 1, &t), StoreErrc::Constraint);
}

TEST_F(CampaignStoreTest, AnotherTenantsCampaignIsNotFound) {
  ASSERT_FALSE(campaigns_->create(record("c1", "t1", "Mine"), kNow));
  CampaignRecord got;
  EXPECT_EQ(campaigns_->get("t2", "c1", &got), StoreErrc::NotFound);
  EXPECT_EQ(campaigns_->get("t1", "nope", &got), StoreErrc::NotFound);
  Transition t{};
  EXPECT_EQ(
      campaigns_->setState("t2", "c1", CampaignState::Draft, CampaignState::Scheduled, kNow, &t),
      StoreErrc::NotFound);
  CampaignRecord r = record("c1", "t2", "Hijack");
  EXPECT_EQ(campaigns_->update(r, kNow, &t), StoreErrc::NotFound);
  std::vector<CampaignRecord> list;
  ASSERT_FALSE(campaigns_->list("t2", &list));
  EXPECT_TRUE(list.empty());
  // Nothing changed for the owner.
  ASSERT_FALSE(campaigns_->get("t1", "c1", &got));
  EXPECT_EQ(got.name, "Mine");
  EXPECT_EQ(got.state, CampaignState::Draft);
}

TEST_F(CampaignStoreTest, ListIsNewestFirstAndListRunningSpansTenants) {
  ASSERT_FALSE(campaigns_->create(record("c1", "t1", "one"), kNow));
  ASSERT_FALSE(campaigns_->create(record("c2", "t1", "two"), kNow + 10));
  ASSERT_FALSE(campaigns_->create(record("c3", "t1", "three"), kNow + 10));
  ASSERT_FALSE(campaigns_->create(
      record("c4", "t2", "four", CampaignKind::Notice, CampaignState::Running), kNow));
  ASSERT_FALSE(campaigns_->create(record("c5", "t2", "five"), kNow));
  std::vector<CampaignRecord> list;
  ASSERT_FALSE(campaigns_->list("t1", &list));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, "c3");
  EXPECT_EQ(list[1].id, "c2");
  EXPECT_EQ(list[2].id, "c1");

  Transition t{};
  ASSERT_FALSE(campaigns_->setState("t1", "c1", CampaignState::Draft, CampaignState::Running,
                                    kNow + 20, &t));
  ASSERT_EQ(t, Transition::Applied);
  std::vector<CampaignRecord> running;
  ASSERT_FALSE(campaigns_->listRunning(&running));
  std::set<std::string> ids;
  for (const auto& r : running) ids.insert(r.id);
  EXPECT_EQ(ids, (std::set<std::string>{"c1", "c4"}));
}

TEST_F(CampaignStoreTest, LifecycleAllowsOnlyTheDocumentedMoves) {
  using S = CampaignState;
  const S all[] = {S::Draft, S::Scheduled, S::Running, S::Paused, S::Completed, S::Cancelled};
  const std::set<std::pair<S, S>> allowed = {
      {S::Draft, S::Scheduled}, {S::Draft, S::Running},     {S::Draft, S::Cancelled},
      {S::Scheduled, S::Draft}, {S::Scheduled, S::Running}, {S::Scheduled, S::Cancelled},
      {S::Running, S::Paused},  {S::Running, S::Completed}, {S::Running, S::Cancelled},
      {S::Paused, S::Running},  {S::Paused, S::Completed},  {S::Paused, S::Cancelled},
  };
  int n = 0;
  for (S from : all) {
    for (S to : all) {
      const bool ok = allowed.count({from, to}) > 0;
      EXPECT_EQ(isAllowedTransition(from, to), ok)
          << static_cast<int>(from) << "->" << static_cast<int>(to);
      const std::string id = "c" + std::to_string(++n);
      ASSERT_FALSE(
          campaigns_->create(record(id, "t1", "n" + id, CampaignKind::Notice, from), kNow));
      Transition t{};
      const std::error_code ec = campaigns_->setState("t1", id, from, to, kNow + 5, &t);
      CampaignRecord got;
      ASSERT_FALSE(campaigns_->get("t1", id, &got));
      if (ok) {
        EXPECT_FALSE(ec);
        EXPECT_EQ(t, Transition::Applied);
        EXPECT_EQ(got.state, to);
        EXPECT_EQ(got.definition.state(), static_cast<liaison::v1::CampaignState>(to));
        EXPECT_EQ(got.updated_at, kNow + 5);
      } else {
        EXPECT_EQ(ec, StoreErrc::InvalidArgument);
        EXPECT_EQ(got.state, from);
        EXPECT_EQ(got.updated_at, kNow);
      }
    }
  }
}

TEST_F(CampaignStoreTest, SetStateFromTheWrongStateIsIgnored) {
  ASSERT_FALSE(campaigns_->create(record("c1", "t1", "n"), kNow));
  Transition t{};
  ASSERT_FALSE(campaigns_->setState("t1", "c1", CampaignState::Scheduled, CampaignState::Running,
                                    kNow + 1, &t));
  EXPECT_EQ(t, Transition::Ignored);
  CampaignRecord got;
  ASSERT_FALSE(campaigns_->get("t1", "c1", &got));
  EXPECT_EQ(got.state, CampaignState::Draft);
  EXPECT_EQ(got.updated_at, kNow);
  EXPECT_EQ(
      campaigns_->setState("t1", "missing", CampaignState::Draft, CampaignState::Running, kNow, &t),
      StoreErrc::NotFound);
}

TEST_F(CampaignStoreTest, UpdateOnlyBeforeTheCampaignRuns) {
  ASSERT_FALSE(campaigns_->create(record("c1", "t1", "Draft name"), kNow));
  CampaignRecord edit = record("c1", "t1", "New name", CampaignKind::Poll);
  Transition t{};
  ASSERT_FALSE(campaigns_->update(edit, kNow + 5, &t));
  EXPECT_EQ(t, Transition::Applied);
  CampaignRecord got;
  ASSERT_FALSE(campaigns_->get("t1", "c1", &got));
  EXPECT_EQ(got.name, "New name");
  EXPECT_EQ(got.kind, CampaignKind::Poll);
  EXPECT_TRUE(got.definition.has_poll());
  EXPECT_EQ(got.created_at, kNow);
  EXPECT_EQ(got.updated_at, kNow + 5);

  ASSERT_FALSE(
      campaigns_->setState("t1", "c1", CampaignState::Draft, CampaignState::Running, kNow + 6, &t));
  CampaignRecord late = record("c1", "t1", "Too late");
  ASSERT_FALSE(campaigns_->update(late, kNow + 7, &t));
  EXPECT_EQ(t, Transition::Ignored);
  ASSERT_FALSE(campaigns_->get("t1", "c1", &got));
  EXPECT_EQ(got.name, "New name");
  EXPECT_TRUE(got.definition.has_poll());
  EXPECT_EQ(got.state, CampaignState::Running);
}

TEST_F(CampaignStoreTest, PseudonymsAreStableUniqueRandomHexAndForgettable) {
  ASSERT_FALSE(campaigns_->create(record("p1", "t1", "Poll 1", CampaignKind::Poll), kNow));
  ASSERT_FALSE(campaigns_->create(record("p2", "t1", "Poll 2", CampaignKind::Poll), kNow));
  std::vector<std::int64_t> contacts;
  for (int i = 0; i < 50; ++i) {
    contacts.push_back(addContact("t1", "+491510000" + std::to_string(1000 + i)));
  }
  std::vector<std::string> first;
  std::set<std::string> unique;
  for (std::int64_t id : contacts) {
    std::string p;
    ASSERT_FALSE(campaigns_->pseudonymFor("p1", id, &p));
    EXPECT_TRUE(isLowerHex32(p)) << p;
    first.push_back(p);
    unique.insert(p);
  }
  EXPECT_EQ(unique.size(), contacts.size());

  // Stable across calls and restarts; the contact is found back from it.
  reopen();
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    std::string again;
    ASSERT_FALSE(campaigns_->pseudonymFor("p1", contacts[i], &again));
    EXPECT_EQ(again, first[i]);
    std::int64_t contact = 0;
    ASSERT_FALSE(campaigns_->contactFor("p1", first[i], &contact));
    EXPECT_EQ(contact, contacts[i]);
  }

  // Another campaign gives the same person an unrelated pseudonym.
  std::string other;
  ASSERT_FALSE(campaigns_->pseudonymFor("p2", contacts[0], &other));
  EXPECT_NE(other, first[0]);
  std::int64_t contact = 0;
  EXPECT_EQ(campaigns_->contactFor("p2", first[0], &contact), StoreErrc::NotFound);

  // Forgetting a campaign's links leaves the other campaign alone.
  std::int64_t removed = 0;
  ASSERT_FALSE(campaigns_->forgetRecipients("p1", &removed));
  EXPECT_EQ(removed, static_cast<std::int64_t>(contacts.size()));
  EXPECT_EQ(campaigns_->contactFor("p1", first[0], &contact), StoreErrc::NotFound);
  ASSERT_FALSE(campaigns_->contactFor("p2", other, &contact));
  EXPECT_EQ(contact, contacts[0]);
  // After forgetting, a new link is a new random pseudonym, not the old one.
  std::string fresh;
  ASSERT_FALSE(campaigns_->pseudonymFor("p1", contacts[0], &fresh));
  EXPECT_NE(fresh, first[0]);
}

TEST_F(CampaignStoreTest, PseudonymNeedsTheCampaignAndAContactOfItsTenant) {
  ASSERT_FALSE(campaigns_->create(record("p1", "t1", "Poll", CampaignKind::Poll), kNow));
  const std::int64_t mine = addContact("t1", "+4915100000001");
  const std::int64_t theirs = addContact("t2", "+4915100000002");
  std::string p;
  EXPECT_EQ(campaigns_->pseudonymFor("nope", mine, &p), StoreErrc::NotFound);
  EXPECT_EQ(campaigns_->pseudonymFor("p1", theirs, &p), StoreErrc::NotFound);
  EXPECT_EQ(campaigns_->pseudonymFor("p1", 999999, &p), StoreErrc::NotFound);
  EXPECT_EQ(campaigns_->pseudonymFor("", mine, &p), StoreErrc::InvalidArgument);
  ASSERT_FALSE(campaigns_->pseudonymFor("p1", mine, &p));
  EXPECT_TRUE(isLowerHex32(p));
}

TEST_F(CampaignStoreTest, AudiencePagesInIdOrderWithoutOptedOutContacts) {
  std::vector<std::int64_t> reachable;
  for (int i = 0; i < 23; ++i) {
    const ContactStatus status = i % 5 == 0   ? ContactStatus::OptedOut
                                 : i % 7 == 0 ? ContactStatus::Invalid
                                              : ContactStatus::Active;
    const std::string language = i % 3 == 0 ? "ar" : i % 3 == 1 ? "tr" : "";
    const std::int64_t id =
        addContact("t1", "+4915100001" + std::to_string(100 + i), language, status);
    if (status == ContactStatus::Active) reachable.push_back(id);
  }
  addContact("t2", "+4915100009999");  // another tenant's contact never appears

  std::vector<AudienceMember> page;
  std::vector<std::int64_t> seen;
  std::int64_t after = 0;
  int pages = 0;
  for (;;) {
    ASSERT_FALSE(campaigns_->audiencePage("t1", nullptr, after, 4, &page));
    for (const AudienceMember& m : page) {
      EXPECT_GT(m.contact_id, after);
      EXPECT_EQ(m.phone_e164.substr(0, 10), "+491510000");
      EXPECT_EQ(m.time_zone, "Europe/Berlin");
      EXPECT_EQ(m.country, "DE");
      seen.push_back(m.contact_id);
      after = m.contact_id;
    }
    ++pages;
    if (page.size() < 4) break;
  }
  EXPECT_EQ(seen, reachable);
  EXPECT_EQ(pages, static_cast<int>(reachable.size() / 4 + 1));
  EXPECT_EQ(campaigns_->audiencePage("t1", nullptr, 0, 0, &page), StoreErrc::InvalidArgument);

  // Counted per language in SQL; no language set counts under "".
  std::vector<LanguageCount> languages;
  ASSERT_FALSE(campaigns_->audienceLanguages("t1", nullptr, &languages));
  std::int64_t total = 0;
  for (const auto& lc : languages) total += lc.count;
  EXPECT_EQ(total, static_cast<std::int64_t>(reachable.size()));
  ASSERT_EQ(languages.size(), 3u);
  EXPECT_EQ(languages[0].language, "");
  EXPECT_EQ(languages[1].language, "ar");
  EXPECT_EQ(languages[2].language, "tr");

  // With a segment filter: only Arabic speakers.
  liaison::v1::Filter filter;
  filter.mutable_condition()->set_field("language");
  filter.mutable_condition()->set_op(liaison::v1::FieldCondition::OPERATOR_EQUALS);
  filter.mutable_condition()->add_values("ar");
  SqlWhere where;
  std::string detail;
  ASSERT_FALSE(outreach::compileFilter(filter, campaigns_->dialect(), &where, &detail));
  ASSERT_FALSE(campaigns_->audienceLanguages("t1", &where, &languages));
  ASSERT_EQ(languages.size(), 1u);
  EXPECT_EQ(languages[0].language, "ar");
  ASSERT_FALSE(campaigns_->audiencePage("t1", &where, 0, 100, &page));
  EXPECT_EQ(static_cast<std::int64_t>(page.size()), languages[0].count);
  for (const AudienceMember& m : page) EXPECT_EQ(m.language, "ar");
}

TEST_F(CampaignStoreTest, AudiencePageUsesTheIdOrderedIndex) {
  // The keyset page must walk (tenant, status, id), not sort the remaining audience per page.
  liaison::v1::Filter filter;
  filter.mutable_condition()->set_field("country");
  filter.mutable_condition()->set_op(liaison::v1::FieldCondition::OPERATOR_IN);
  filter.mutable_condition()->add_values("DE");
  filter.mutable_condition()->add_values("NL");
  SqlWhere where;
  std::string detail;
  ASSERT_FALSE(outreach::compileFilter(filter, campaigns_->dialect(), &where, &detail));
  std::error_code ec;
  auto s = db_->database().prepare(
      "EXPLAIN QUERY PLAN SELECT c.id FROM contacts c INDEXED BY contacts_by_status "
      "WHERE c.tenant_id = ?1 AND c.status = 1 AND (" +
          where.sql + ") AND c.id > ?4 ORDER BY c.id LIMIT ?5",
      &ec);
  ASSERT_FALSE(ec);
  std::string plan;
  bool row = false;
  while (!s->step(&row) && row) plan += std::string(s->text(3)) + "\n";
  EXPECT_NE(plan.find("contacts_by_status"), std::string::npos) << plan;
  EXPECT_NE(plan.find("rowid>?"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

TEST_F(CampaignStoreTest, InTransactionCommitsOrRollsBackEverything) {
  ASSERT_FALSE(campaigns_->create(record("p1", "t1", "Poll", CampaignKind::Poll), kNow));
  const std::int64_t a = addContact("t1", "+4915100000001");
  const std::int64_t b = addContact("t1", "+4915100000002");
  std::string pa;
  const std::error_code failed = campaigns_->inTransaction([&]() -> std::error_code {
    if (auto ec = campaigns_->pseudonymFor("p1", a, &pa)) return ec;
    return StoreErrc::Full;  // as if the disk filled up half-way
  });
  EXPECT_EQ(failed, StoreErrc::Full);
  reopen();
  std::int64_t contact = 0;
  EXPECT_EQ(campaigns_->contactFor("p1", pa, &contact), StoreErrc::NotFound);

  std::string pb;
  ASSERT_FALSE(campaigns_->inTransaction([&]() -> std::error_code {
    if (auto ec = campaigns_->pseudonymFor("p1", a, &pa)) return ec;
    return campaigns_->pseudonymFor("p1", b, &pb);
  }));
  reopen();
  ASSERT_FALSE(campaigns_->contactFor("p1", pa, &contact));
  EXPECT_EQ(contact, a);
  ASSERT_FALSE(campaigns_->contactFor("p1", pb, &contact));
  EXPECT_EQ(contact, b);
}

}  // namespace
}  // namespace liaison::gateway::store
