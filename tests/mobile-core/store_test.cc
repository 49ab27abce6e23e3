// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The store's records: members with consent, forms, submissions from draft to finalised,
// the inbox, and every write committed with its outbox entry (device_seq, HLC).
#include "store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "liaison/sync/batch_codec.h"
#include "liaison/sync/uuid.h"
#include "store_fixture.h"

namespace liaison::mobile {
namespace {

using namespace liaison::mobile::testing;

int64_t queryInt(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t v = -1;
  if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      v = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return v;
}

// Runs SQL on the store's file through a second connection; returns the SQLite result code.
int execRaw(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(db_path.c_str(), &db);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

// The outbox as the next request carries it.
std::vector<wire::Operation> outbox(Store& s) {
  auto req = s.nextSyncRequest(500);
  EXPECT_TRUE(req.ok()) << req.status().ToString();
  if (!req.ok()) return {};
  return {req->push().operations().begin(), req->push().operations().end()};
}

// ---- open, enrolment ----

TEST_F(StoreTest, NewStoreIsAtTheLatestSchema) {
  auto s = open();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->schemaVersion(), Store::latestSchemaVersion());
  EXPECT_TRUE(s->deviceId().status().IsNotFound());
}

TEST_F(StoreTest, EnrolmentIsForLife) {
  auto s = open();
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->enrol("bad id with spaces").IsInvalidArgument());
  EXPECT_TRUE(s->enrol(std::string(65, 'a')).IsInvalidArgument());
  ASSERT_TRUE(s->enrol("dev-a").ok());
  EXPECT_TRUE(s->enrol("dev-a").ok());
  EXPECT_TRUE(s->enrol("dev-b").IsConflict());
  s.reset();
  s = open();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->deviceId().value(), "dev-a");
  EXPECT_TRUE(s->enrol("dev-b").IsConflict());
}

TEST_F(StoreTest, NothingThatSyncsIsWrittenBeforeEnrolment) {
  auto s = open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->putForm(sampleForm()).ok());
  EXPECT_EQ(s->registerMember(sampleRegistration()).status().code(),
            sync::Status::Code::Unavailable);
  auto draft = s->saveDraft(sampleSubmission());  // drafts are local: allowed
  ASSERT_TRUE(draft.ok());
  EXPECT_EQ(s->finalise(*draft).status().code(), sync::Status::Code::Unavailable);
  EXPECT_EQ(s->pendingCount().value(), 0);
}

// ---- members ----

TEST_F(StoreTest, RegistrationCapturesConsentAndIsFoundByPhone) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  auto id = s->registerMember(sampleRegistration());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_TRUE(sync::isValidUuidV7(*id));

  auto m = s->memberByPhone(kPhone);
  ASSERT_TRUE(m.ok());
  const pb::Registration& r = m->registration();
  EXPECT_EQ(r.contact().id(), *id);
  EXPECT_EQ(r.contact().display_name(), kName);
  EXPECT_EQ(r.contact().status(), pb::CONTACT_STATUS_ACTIVE);
  EXPECT_EQ(r.consent().channel(), pb::CONSENT_CHANNEL_FIELD_REGISTRATION);
  EXPECT_EQ(r.consent().wording_version(), "consent-2026-03");
  EXPECT_EQ(r.consent().language(), "tr");
  EXPECT_EQ(r.consent().recorded_by(), "staff-17");
  EXPECT_EQ(r.consent().given_at().seconds(), static_cast<int64_t>(now_ms_ / 1000));
  EXPECT_EQ(m->sync().state(), views::SYNC_STATE_PENDING);
  EXPECT_EQ(m->sync().device_seq(), 1u);

  EXPECT_TRUE(s->member(*id).ok());
  EXPECT_TRUE(s->memberByPhone(kPhone2).status().IsNotFound());
  EXPECT_TRUE(s->member("0190b1c8-7a3e-7c41-9d2e-5f0a1b2c3d4e").status().IsNotFound());
  EXPECT_TRUE(s->memberByPhone("0151 123").status().IsInvalidArgument());
}

TEST_F(StoreTest, RegistrationNeedsNumberAndConsent) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  pb::Registration r = sampleRegistration();
  r.mutable_contact()->set_phone_e164("015112345678");
  EXPECT_TRUE(s->registerMember(r).status().IsInvalidArgument());
  for (int missing = 0; missing < 3; ++missing) {
    r = sampleRegistration();
    if (missing == 0) r.mutable_consent()->clear_wording_version();
    if (missing == 1) r.mutable_consent()->clear_language();
    if (missing == 2) r.mutable_consent()->clear_recorded_by();
    EXPECT_TRUE(s->registerMember(r).status().IsInvalidArgument()) << missing;
  }
  EXPECT_EQ(s->pendingCount().value(), 0);
}

TEST_F(StoreTest, ANumberIsRegisteredOnceAndTheRefusalWritesNothing) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->registerMember(sampleRegistration()).ok());
  auto again = s->registerMember(sampleRegistration());
  EXPECT_TRUE(again.status().IsConflict());
  EXPECT_EQ(again.status().message().find(kPhone + 1), std::string::npos);
  EXPECT_EQ(s->pendingCount().value(), 1);
  // The refused write gave its device_seq back: the next one is 2, not 3.
  auto next = s->registerMember(sampleRegistration(kPhone2));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(s->member(*next)->sync().device_seq(), 2u);
  EXPECT_EQ(s->listMembers()->members_size(), 2);
}

TEST_F(StoreTest, RegistrationsAreImmutableInTheSchema) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  auto id = s->registerMember(sampleRegistration());
  ASSERT_TRUE(id.ok());
  s.reset();
  EXPECT_EQ(execRaw(path(), "UPDATE members SET sealed = x'00'"), SQLITE_CONSTRAINT);
  EXPECT_EQ(execRaw(path(), "DELETE FROM members"), SQLITE_CONSTRAINT);
  EXPECT_EQ(execRaw(path(), "UPDATE members SET sync_state = 3"), SQLITE_OK);  // status may move
}

// ---- forms and submissions ----

TEST_F(StoreTest, FormsKeepEveryVersionAndListTheNewest) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->putForm(sampleForm(2)).ok());
  pb::Form other = sampleForm();
  other.set_id("arrival");
  ASSERT_TRUE(s->putForm(other).ok());
  EXPECT_EQ(s->form("household", 0)->version(), 2);
  EXPECT_EQ(s->form("household", 1)->version(), 1);
  EXPECT_TRUE(s->form("household", 3).status().IsNotFound());
  auto list = s->listForms();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->forms_size(), 2);
  EXPECT_EQ(list->forms(0).id(), "arrival");
  EXPECT_EQ(list->forms(1).id(), "household");
  EXPECT_EQ(list->forms(1).version(), 2);
  pb::Form bad = sampleForm(3);
  bad.mutable_fields(0)->set_type(pb::FIELD_TYPE_UNSPECIFIED);
  EXPECT_TRUE(s->putForm(bad).IsInvalidArgument());
}

TEST_F(StoreTest, DraftsAreEditableLocalAndNeverQueued) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  pb::Submission partial;
  partial.set_form_id("household");
  partial.set_form_version(1);
  pb::FieldValue* v = partial.add_values();
  v->set_field_id("size");
  v->set_number(99);  // out of range: fine for a draft
  auto id = s->saveDraft(partial);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const int64_t created = s->submission(*id)->submission().created_at().seconds();

  now_ms_ += 60'000;
  pb::Submission full = sampleSubmission();
  full.set_id(*id);
  ASSERT_TRUE(s->saveDraft(full).ok());
  auto got = s->submission(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->submission().state(), pb::SUBMISSION_STATE_DRAFT);
  EXPECT_EQ(got->submission().values_size(), full.values_size());
  EXPECT_EQ(got->submission().created_at().seconds(), created);  // kept from the first save
  EXPECT_EQ(got->sync().state(), views::SYNC_STATE_LOCAL);
  EXPECT_TRUE(got->content_hash().empty());
  EXPECT_EQ(s->pendingCount().value(), 0);

  ASSERT_TRUE(s->discardDraft(*id).ok());
  EXPECT_TRUE(s->submission(*id).status().IsNotFound());
  EXPECT_TRUE(s->discardDraft(*id).IsNotFound());
}

TEST_F(StoreTest, DraftsMustFitAFormOnTheDevice) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  pb::Submission sub = sampleSubmission();
  sub.set_form_version(7);
  EXPECT_TRUE(s->saveDraft(sub).status().IsNotFound());
  sub = sampleSubmission();
  sub.mutable_values(1)->set_text("four");  // "size" is a number
  EXPECT_TRUE(s->saveDraft(sub).status().IsInvalidArgument());
  sub = sampleSubmission();
  sub.set_id("0190b1c8-7a3e-7c41-9d2e-5f0a1b2c3d4e");  // not a draft here
  EXPECT_TRUE(s->saveDraft(sub).status().IsNotFound());
}

TEST_F(StoreTest, FinaliseValidatesAndKeepsTheDraftWhenItFails) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  pb::Submission sub = sampleSubmission();
  sub.mutable_values(1)->set_number(0);  // size out of range
  auto id = s->saveDraft(sub);
  ASSERT_TRUE(id.ok());
  auto fin = s->finalise(*id);
  ASSERT_TRUE(fin.status().IsInvalidArgument());
  EXPECT_NE(fin.status().message().find("size"), std::string::npos);
  EXPECT_EQ(s->submission(*id)->submission().state(), pb::SUBMISSION_STATE_DRAFT);
  EXPECT_EQ(s->pendingCount().value(), 0);

  sub.set_id(*id);
  sub.mutable_values(1)->set_number(3);
  ASSERT_TRUE(s->saveDraft(sub).ok());
  auto ok = s->finalise(*id);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->submission().state(), pb::SUBMISSION_STATE_FINALISED);
  EXPECT_EQ(ok->submission().device_id(), "dev-a");
  EXPECT_EQ(ok->sync().state(), views::SYNC_STATE_PENDING);
  EXPECT_EQ(ok->content_hash().size(), 32u);
}

TEST_F(StoreTest, FinalisedSubmissionsAreImmutableAndCorrectionsAreNewRecords) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  auto id = s->saveDraft(sampleSubmission());
  ASSERT_TRUE(id.ok());
  auto fin = s->finalise(*id);
  ASSERT_TRUE(fin.ok());

  pb::Submission edit = sampleSubmission();
  edit.set_id(*id);
  EXPECT_TRUE(s->saveDraft(edit).status().IsConflict());
  EXPECT_TRUE(s->finalise(*id).status().IsConflict());
  EXPECT_TRUE(s->discardDraft(*id).IsConflict());

  pb::Submission correction = sampleSubmission();
  correction.mutable_values(1)->set_number(5);
  correction.set_corrects_id(*id);
  auto cid = s->saveDraft(correction);
  ASSERT_TRUE(cid.ok()) << cid.status().ToString();
  auto cfin = s->finalise(*cid);
  ASSERT_TRUE(cfin.ok());
  EXPECT_EQ(cfin->submission().corrects_id(), *id);
  // The original is unchanged, byte for byte.
  auto original = s->submission(*id);
  ASSERT_TRUE(original.ok());
  EXPECT_EQ(original->content_hash(), fin->content_hash());
  EXPECT_EQ(original->submission().values(1).number(), 4);
  EXPECT_EQ(s->listSubmissions("household")->submissions_size(), 2);

  // A correction must name a finalised submission of the same form.
  correction.set_corrects_id(*cid + "x");
  EXPECT_TRUE(s->saveDraft(correction).status().IsNotFound());

  // The schema enforces it too.
  s.reset();
  EXPECT_EQ(execRaw(path(), "UPDATE submissions SET sealed = x'00' WHERE state = 2"),
            SQLITE_CONSTRAINT);
  EXPECT_EQ(execRaw(path(), "UPDATE submissions SET state = 1"), SQLITE_CONSTRAINT);
  EXPECT_EQ(execRaw(path(), "DELETE FROM submissions WHERE state = 2"), SQLITE_CONSTRAINT);
}

// ---- the outbox ----

TEST_F(StoreTest, EveryWriteIsCommittedWithItsOutboxEntry) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  auto member = s->registerMember(sampleRegistration());
  ASSERT_TRUE(member.ok());
  now_ms_ += 5;
  auto draft = s->saveDraft(sampleSubmission());
  ASSERT_TRUE(draft.ok());
  ASSERT_TRUE(s->finalise(*draft).ok());

  const auto ops = outbox(*s);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].device_id(), "dev-a");
  EXPECT_EQ(ops[0].device_seq(), 1u);
  EXPECT_EQ(ops[1].device_seq(), 2u);
  EXPECT_LT(std::make_pair(ops[0].hlc().wall_ms(), ops[0].hlc().logical()),
            std::make_pair(ops[1].hlc().wall_ms(), ops[1].hlc().logical()));
  EXPECT_EQ(ops[0].submission().submission_id(), *member);
  EXPECT_TRUE(ops[0].submission().has_registration());
  EXPECT_EQ(ops[1].submission().submission_id(), *draft);
  EXPECT_EQ(ops[1].submission().submission().state(), pb::SUBMISSION_STATE_FINALISED);
  // The hash is SHA-256 over the record exactly as sent.
  EXPECT_EQ(ops[1].submission().content_hash(),
            sha256(ops[1].submission().submission().SerializeAsString()));
  EXPECT_EQ(ops[1].submission().content_hash(), s->submission(*draft)->content_hash());
  for (const auto& op : ops) EXPECT_TRUE(sync::validateRecord(op).ok());
}

TEST_F(StoreTest, AFailedOutboxWriteLeavesNoRecord) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  auto draft = s->saveDraft(sampleSubmission());
  ASSERT_TRUE(draft.ok());
  // Make the outbox refuse the next entry, as a full disk would at that exact point.
  ASSERT_EQ(execRaw(path(),
                    "CREATE TRIGGER outbox_full BEFORE INSERT ON outbox BEGIN "
                    "SELECT RAISE(ABORT, 'full'); END"),
            SQLITE_OK);
  EXPECT_FALSE(s->registerMember(sampleRegistration()).ok());
  EXPECT_FALSE(s->finalise(*draft).ok());
  EXPECT_TRUE(s->memberByPhone(kPhone).status().IsNotFound());
  EXPECT_EQ(s->submission(*draft)->submission().state(), pb::SUBMISSION_STATE_DRAFT);
  EXPECT_EQ(queryInt(path(), "SELECT last_device_seq FROM device"), 0);
  ASSERT_EQ(execRaw(path(), "DROP TRIGGER outbox_full"), SQLITE_OK);
  ASSERT_TRUE(s->finalise(*draft).ok());
  EXPECT_EQ(outbox(*s).at(0).device_seq(), 1u);
}

TEST_F(StoreTest, TheRequestPassesTheGatewaysDecoder) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->followScope("forms").ok());
  ASSERT_TRUE(s->registerMember(sampleRegistration()).ok());
  for (int i = 0; i < 3; ++i) {
    auto d = s->saveDraft(sampleSubmission());
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(s->finalise(*d).ok());
  }
  auto req = s->nextSyncRequest(3);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->push().operations_size(), 3);  // the oldest three
  ASSERT_TRUE(req->has_pending_operations());
  EXPECT_EQ(req->pending_operations(), 1u);  // the fourth waits behind this push
  ASSERT_EQ(req->cursors_size(), 1);
  EXPECT_EQ(req->cursors(0).scope(), "forms");
  auto bytes = sync::encodeSyncRequest(*req);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto decoded = sync::decodeSyncRequest(
      std::span(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->push().operations(2).device_seq(), 3u);
  EXPECT_EQ(decoded->pending_operations(), 1u);
  auto all = s->nextSyncRequest(500);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->push().operations_size(), 4);
  ASSERT_TRUE(all->has_pending_operations());
  EXPECT_EQ(all->pending_operations(), 0u);  // the push carries the whole outbox
  EXPECT_TRUE(s->nextSyncRequest(0).status().IsInvalidArgument());
  EXPECT_TRUE(s->nextSyncRequest(501).status().IsInvalidArgument());
}

TEST_F(StoreTest, AnEmptyOutboxStillMakesAValidPullRequest) {
  auto s = open();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->nextSyncRequest(10).status().code(), sync::Status::Code::Unavailable);
  ASSERT_TRUE(s->enrol("dev-a").ok());
  ASSERT_TRUE(s->followScope("notices:DE").ok());
  ASSERT_TRUE(s->followScope("notices:DE").ok());  // once
  EXPECT_TRUE(s->followScope("").IsInvalidArgument());
  EXPECT_TRUE(s->followScope(std::string(129, 's')).IsInvalidArgument());
  auto req = s->nextSyncRequest(10);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->push().operations_size(), 0);
  ASSERT_TRUE(req->has_pending_operations());  // 0 is sent, not left absent ("unknown")
  EXPECT_EQ(req->pending_operations(), 0u);
  EXPECT_EQ(req->cursors_size(), 1);
  auto bytes = sync::encodeSyncRequest(*req);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_TRUE(sync::decodeSyncRequest(
                  std::span(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()))
                  .ok());
}

TEST_F(StoreTest, SequenceAndClockSurviveARestart) {
  uint64_t last_wall = 0;
  {
    auto s = openReady();
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->registerMember(sampleRegistration()).ok());
    last_wall = outbox(*s)[0].hlc().wall_ms();
  }
  now_ms_ -= 3'600'000;  // the phone's clock was set back an hour
  auto s = open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->registerMember(sampleRegistration(kPhone2)).ok());
  const auto ops = outbox(*s);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[1].device_seq(), 2u);
  EXPECT_GE(ops[1].hlc().wall_ms(), last_wall);  // never backwards
  EXPECT_GT(std::make_pair(ops[1].hlc().wall_ms(), ops[1].hlc().logical()),
            std::make_pair(ops[0].hlc().wall_ms(), ops[0].hlc().logical()));
}

// ---- inbox ----

TEST_F(StoreTest, InboxKeepsReadStateAcrossRepublication) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  auto item = [](const char* id, int64_t published_s) {
    pb::InboxItem i;
    i.set_id(id);
    i.set_scope("notices:DE");
    i.mutable_published_at()->set_seconds(published_s);
    i.mutable_notice()->mutable_body()->add_translations()->set_text(id);
    return i;
  };
  ASSERT_TRUE(s->putInboxItem(item("old", 100)).ok());
  ASSERT_TRUE(s->putInboxItem(item("new", 200)).ok());
  ASSERT_TRUE(s->markInboxRead("old").ok());
  const int64_t read_s = static_cast<int64_t>(now_ms_ / 1000);
  now_ms_ += 10'000;
  ASSERT_TRUE(s->markInboxRead("old").ok());            // the first read counts
  ASSERT_TRUE(s->putInboxItem(item("old", 100)).ok());  // republished
  auto list = s->listInbox();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->entries_size(), 2);
  EXPECT_EQ(list->entries(0).item().id(), "new");
  EXPECT_FALSE(list->entries(0).has_read_at());
  EXPECT_EQ(list->entries(1).item().id(), "old");
  EXPECT_EQ(list->entries(1).read_at().seconds(), read_s);
  EXPECT_TRUE(s->markInboxRead("missing").IsNotFound());
  EXPECT_TRUE(s->putInboxItem(pb::InboxItem()).IsInvalidArgument());
}

TEST_F(StoreTest, ConcurrentCallsAreSerialised) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&s] {
      for (int i = 0; i < 25; ++i) {
        auto d = s->saveDraft(sampleSubmission());
        ASSERT_TRUE(d.ok());
        ASSERT_TRUE(s->finalise(*d).ok());
        ASSERT_TRUE(s->listMembers().ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto ops = outbox(*s);
  ASSERT_EQ(ops.size(), 100u);
  for (std::size_t i = 0; i < ops.size(); ++i) EXPECT_EQ(ops[i].device_seq(), i + 1);
}

}  // namespace
}  // namespace liaison::mobile
