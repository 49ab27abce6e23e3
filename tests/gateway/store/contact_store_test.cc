// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteContactStore and SqliteSegmentStore on real database files.
#include "store/sqlite_contact_store.h"

#include <gtest/gtest.h>

#include "store/segment_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::store {
namespace {

using liaison::testing::TempDir;

Contact makeContact(std::string phone) {
  Contact c;
  c.tenant_id = "t1";
  c.phone_e164 = std::move(phone);
  c.display_name = "Ayse";
  c.language = "tr";
  c.country = "DE";
  c.city = "Berlin";
  c.time_zone = "Europe/Berlin";
  c.groups = {"berlin", "nurses"};
  c.fields = {{"skills", "driver"}, {"skills", "nurse"}, {"generation", "2"}};
  c.consents = {Consent{1700000000, ConsentChannel::WebForm, "v3", "tr", "desk-1", {}}};
  return c;
}

class ContactStoreTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::unique_ptr<SqliteStore> db_ = SqliteStore::open(dir_.file("g.db"));
  SqliteContactStore store_{db_->database()};
};

TEST_F(ContactStoreTest, InsertFindAndUpdate) {
  UpsertOutcome outcome{};
  ASSERT_FALSE(store_.upsert(makeContact("+4915112345678"), ContactUpdate{}, 100, &outcome));
  EXPECT_EQ(outcome, UpsertOutcome::Inserted);
  Contact got;
  ASSERT_FALSE(store_.find("t1", "+4915112345678", &got));
  EXPECT_EQ(got.display_name, "Ayse");
  EXPECT_EQ(got.groups, (std::vector<std::string>{"berlin", "nurses"}));
  ASSERT_EQ(got.fields.size(), 3u);
  EXPECT_EQ(got.fields[0], (FieldValue{"generation", "2"}));
  ASSERT_EQ(got.consents.size(), 1u);
  EXPECT_EQ(got.consents[0].wording_version, "v3");
  EXPECT_EQ(got.created_at, 100);

  Contact change = makeContact("+4915112345678");
  change.display_name = "Ayse K";
  change.groups = {"hamburg"};
  ContactUpdate only_name;
  only_name.language = only_name.country = only_name.region = only_name.city = false;
  only_name.groups = false;
  ASSERT_FALSE(store_.upsert(change, only_name, 200, &outcome));
  EXPECT_EQ(outcome, UpsertOutcome::Updated);
  ASSERT_FALSE(store_.find("t1", "+4915112345678", &got));
  EXPECT_EQ(got.display_name, "Ayse K");
  EXPECT_EQ(got.groups, (std::vector<std::string>{"berlin", "nurses"}));  // not in the update
  EXPECT_EQ(got.created_at, 100);
  EXPECT_EQ(got.updated_at, 200);
  EXPECT_EQ(store_.find("t2", "+4915112345678", &got), StoreErrc::NotFound);
}

TEST_F(ContactStoreTest, OptOutIsAbsoluteAgainstUpserts) {
  UpsertOutcome outcome{};
  ASSERT_FALSE(store_.upsert(makeContact("+4915112345678"), ContactUpdate{}, 100, &outcome));
  ASSERT_FALSE(store_.setStatus("t1", "+4915112345678", ContactStatus::OptedOut, 150));
  Contact again = makeContact("+4915112345678");
  again.status = ContactStatus::Active;
  ContactUpdate with_status;
  with_status.status = true;
  ASSERT_FALSE(store_.upsert(again, with_status, 200, &outcome));
  Contact got;
  ASSERT_FALSE(store_.find("t1", "+4915112345678", &got));
  EXPECT_EQ(got.status, ContactStatus::OptedOut);
  ASSERT_EQ(got.consents.size(), 1u);
  EXPECT_EQ(got.consents[0].withdrawn_at, std::optional<std::int64_t>(150));
  // START from the person re-activates.
  ASSERT_FALSE(store_.setStatus("t1", "+4915112345678", ContactStatus::Active, 300));
  ASSERT_FALSE(store_.find("t1", "+4915112345678", &got));
  EXPECT_EQ(got.status, ContactStatus::Active);
  EXPECT_EQ(store_.setStatus("t1", "+4900000000", ContactStatus::Active, 1), StoreErrc::NotFound);
}

TEST_F(ContactStoreTest, HandSetTimeZoneSurvivesDerivedUpdates) {
  UpsertOutcome outcome{};
  Contact c = makeContact("+4915112345678");
  c.time_zone = "Asia/Tokyo";
  c.time_zone_overridden = true;
  ASSERT_FALSE(store_.upsert(c, ContactUpdate{}, 1, &outcome));
  Contact derived = makeContact("+4915112345678");  // Europe/Berlin, not overridden
  ASSERT_FALSE(store_.upsert(derived, ContactUpdate{}, 2, &outcome));
  Contact got;
  ASSERT_FALSE(store_.find("t1", "+4915112345678", &got));
  EXPECT_EQ(got.time_zone, "Asia/Tokyo");
  EXPECT_TRUE(got.time_zone_overridden);
}

TEST_F(ContactStoreTest, BatchRollsBackUnlessCommittedAndReportsDuplicates) {
  {
    std::unique_ptr<ContactWriteBatch> batch;
    ASSERT_FALSE(store_.beginBatch("t1", 1, &batch));
    UpsertOutcome outcome{};
    ASSERT_FALSE(
        batch->upsert(makeContact("+4915112345678"), ContactUpdate{}, 2, &outcome, nullptr));
  }  // destroyed without commit
  SegmentCount n;
  ASSERT_FALSE(store_.count("t1", nullptr, &n));
  EXPECT_EQ(n.total, 0);

  std::unique_ptr<ContactWriteBatch> batch;
  ASSERT_FALSE(store_.beginBatch("t1", 1, &batch));
  UpsertOutcome outcome{};
  std::uint64_t first = 0;
  ASSERT_FALSE(batch->upsert(makeContact("+4915112345678"), ContactUpdate{}, 2, &outcome, &first));
  EXPECT_EQ(outcome, UpsertOutcome::Inserted);
  ASSERT_FALSE(batch->upsert(makeContact("+4915112345678"), ContactUpdate{}, 7, &outcome, &first));
  EXPECT_EQ(outcome, UpsertOutcome::DuplicateInBatch);
  EXPECT_EQ(first, 2u);
  ASSERT_FALSE(batch->commit());
  ASSERT_FALSE(store_.count("t1", nullptr, &n));
  EXPECT_EQ(n.total, 1);
  EXPECT_EQ(n.reachable, 1);
  // A second batch starts with a clean duplicate table.
  ASSERT_FALSE(store_.beginBatch("t1", 3, &batch));
  ASSERT_FALSE(batch->upsert(makeContact("+4915112345678"), ContactUpdate{}, 2, &outcome, &first));
  EXPECT_EQ(outcome, UpsertOutcome::Updated);
  ASSERT_FALSE(batch->commit());
}

TEST_F(ContactStoreTest, ForEachStreamsInIdOrderAndStopsEarly) {
  UpsertOutcome outcome{};
  for (int i = 0; i < 5; ++i) {
    ASSERT_FALSE(store_.upsert(makeContact("+49151123456" + std::to_string(10 + i)),
                               ContactUpdate{}, 1, &outcome));
  }
  std::vector<std::string> seen;
  ASSERT_FALSE(store_.forEach("t1", nullptr, [&](const Contact& c) {
    seen.push_back(c.phone_e164);
    EXPECT_EQ(c.groups.size(), 2u);
    return seen.size() < 3;
  }));
  EXPECT_EQ(seen, (std::vector<std::string>{"+4915112345610", "+4915112345611", "+4915112345612"}));
  std::vector<std::string> keys;
  ASSERT_FALSE(store_.customFieldKeys("t1", &keys));
  EXPECT_EQ(keys, (std::vector<std::string>{"generation", "skills"}));
}

TEST_F(ContactStoreTest, SavedSegments) {
  SqliteSegmentStore segments(db_->database());
  std::int64_t id = 0;
  const std::string blob("\x0a\x00\x01", 3);  // bytes with a NUL survive
  ASSERT_FALSE(segments.create("t1", "turkish in DE", blob, 5, &id));
  EXPECT_EQ(segments.create("t1", "turkish in DE", blob, 5, &id), StoreErrc::Constraint);
  SavedSegment got;
  ASSERT_FALSE(segments.get("t1", id, &got));
  EXPECT_EQ(got.filter, blob);
  EXPECT_EQ(segments.get("t2", id, &got), StoreErrc::NotFound);
  ASSERT_FALSE(segments.update("t1", id, "renamed", "x", 6));
  std::vector<SavedSegment> all;
  ASSERT_FALSE(segments.list("t1", &all));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "renamed");
  ASSERT_FALSE(segments.remove("t1", id));
  EXPECT_EQ(segments.remove("t1", id), StoreErrc::NotFound);
}

}  // namespace
}  // namespace liaison::gateway::store
