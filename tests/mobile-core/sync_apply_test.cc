// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Applying SyncResponses (docs/sync-protocol.md sections 2, 4, 7): acknowledged records become
// synced, rejected ones are kept with their reason, published forms and inbox items arrive,
// cursors move, and a page that fails any check changes nothing.
#include <gtest/gtest.h>

#include <string>

#include "liaison/sync/batch_codec.h"
#include "store_fixture.h"

namespace liaison::mobile {
namespace {

using namespace liaison::mobile::testing;

wire::SyncResponse okResponse(uint64_t acked_through) {
  wire::SyncResponse r;
  r.set_protocol_version(1);
  r.set_status(wire::ERROR_CODE_OK);
  r.mutable_ack()->set_applied_through_seq(acked_through);
  return r;
}

wire::PublishedRecord* addForm(wire::SyncResponse* r, uint64_t seq, const pb::Form& form) {
  wire::PublishedRecord* rec = r->add_records();
  rec->set_scope("forms");
  rec->set_seq(seq);
  *rec->mutable_form() = form;
  return rec;
}

class SyncApplyTest : public StoreTest {
 protected:
  void SetUp() override {
    store_ = openReady();
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->followScope("forms").ok());
    member_ = store_->registerMember(sampleRegistration()).value();  // seq 1
    for (int i = 0; i < 2; ++i) {                                    // seqs 2, 3
      auto d = store_->saveDraft(sampleSubmission());
      ASSERT_TRUE(d.ok());
      ASSERT_TRUE(store_->finalise(*d).ok());
      subs_.push_back(*d);
    }
  }

  sync::Result<SyncApplyReport> apply(wire::SyncResponse r) {
    sync::sealPage(&r);
    return store_->applySyncResponse(r);
  }

  std::unique_ptr<Store> store_;
  std::string member_;
  std::vector<std::string> subs_;
};

TEST_F(SyncApplyTest, AckMarksRecordsSyncedAndDropsTheirOutboxEntries) {
  auto rep = apply(okResponse(2));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->acked_through, 2u);
  EXPECT_EQ(rep->records_synced, 2);
  EXPECT_EQ(store_->recordStatus(member_)->state(), views::SYNC_STATE_SYNCED);
  EXPECT_EQ(store_->recordStatus(subs_[0])->state(), views::SYNC_STATE_SYNCED);
  EXPECT_EQ(store_->recordStatus(subs_[1])->state(), views::SYNC_STATE_PENDING);
  EXPECT_EQ(store_->pendingCount().value(), 1);
  auto next = store_->nextSyncRequest(500);
  ASSERT_EQ(next->push().operations_size(), 1);
  EXPECT_EQ(next->push().operations(0).device_seq(), 3u);
  // A repeated ack (lost response, replayed range) changes nothing.
  rep = apply(okResponse(2));
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->records_synced, 0);
}

TEST_F(SyncApplyTest, RejectedRecordsAreKeptWithTheirReason) {
  wire::SyncResponse r = okResponse(3);
  wire::Rejection* rej = r.mutable_ack()->add_rejections();
  rej->set_device_seq(2);
  rej->set_code(wire::ERROR_CODE_CONFLICTING_SUBMISSION);
  rej->set_detail("submission id reused with different content");
  auto rep = apply(r);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->records_rejected, 1);
  EXPECT_EQ(rep->records_synced, 2);
  auto st = store_->recordStatus(subs_[0]);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->state(), views::SYNC_STATE_REJECTED);
  EXPECT_EQ(st->rejection_code(), wire::ERROR_CODE_CONFLICTING_SUBMISSION);
  EXPECT_EQ(st->rejection_detail(), "submission id reused with different content");
  EXPECT_EQ(store_->pendingCount().value(), 0);
  // Kept and shown: the record is still there, in the list, with its state.
  auto list = store_->listSubmissions("");
  ASSERT_TRUE(list.ok());
  int rejected = 0;
  for (const auto& v : list->submissions())
    rejected += v.sync().state() == views::SYNC_STATE_REJECTED;
  EXPECT_EQ(rejected, 1);
  // A replay that reports the same rejection again leaves it as it is.
  rep = apply(r);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->records_rejected, 0);
  EXPECT_EQ(store_->recordStatus(subs_[0])->state(), views::SYNC_STATE_REJECTED);
}

TEST_F(SyncApplyTest, PublishedFormsAndInboxItemsArriveAndCursorsMove) {
  wire::SyncResponse r = okResponse(0);
  pb::Form v2 = sampleForm(2);
  addForm(&r, 1, v2);
  pb::Form broken = sampleForm(3);
  broken.clear_fields();
  addForm(&r, 2, broken);
  wire::PublishedRecord* notice = r.add_records();
  notice->set_scope("notices:DE");
  notice->set_seq(7);
  notice->mutable_inbox_item()->set_id("n7");
  notice->mutable_inbox_item()->mutable_published_at()->set_seconds(1000);
  wire::Cursor* c = r.add_cursors();
  c->set_scope("forms");
  c->set_seq(2);
  c = r.add_cursors();
  c->set_scope("notices:DE");
  c->set_seq(7);
  r.set_more(true);
  r.mutable_server_clock()->set_wall_ms(now_ms_ + 60'000);

  auto rep = apply(r);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->forms_stored, 1);
  EXPECT_EQ(rep->forms_invalid, 1);
  EXPECT_EQ(rep->inbox_items_stored, 1);
  EXPECT_TRUE(rep->more);
  EXPECT_EQ(store_->form("household", 0)->version(), 2);
  EXPECT_TRUE(store_->form("household", 3).status().IsNotFound());
  ASSERT_EQ(store_->listInbox()->entries_size(), 1);
  EXPECT_EQ(store_->listInbox()->entries(0).item().scope(), "notices:DE");

  auto req = store_->nextSyncRequest(1);
  ASSERT_TRUE(req.ok());
  ASSERT_EQ(req->cursors_size(), 2);
  EXPECT_EQ(req->cursors(0).scope(), "forms");
  EXPECT_EQ(req->cursors(0).seq(), 2u);
  EXPECT_EQ(req->cursors(1).scope(), "notices:DE");
  EXPECT_EQ(req->cursors(1).seq(), 7u);
  // The server clock seeded the HLC: the device clock is now past it.
  EXPECT_GT(req->device_clock().wall_ms(), 0u);
  EXPECT_GE(req->device_clock().wall_ms(), now_ms_ + 60'000);

  // The same page again is harmless: every record is at or below its cursor.
  rep = apply(r);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->records_skipped, 3);
  EXPECT_EQ(rep->forms_stored, 0);
}

TEST_F(SyncApplyTest, APageThatFailsItsSealChangesNothing) {
  wire::SyncResponse r = okResponse(3);
  addForm(&r, 1, sampleForm(2));
  sync::sealPage(&r);
  r.mutable_records()->RemoveLast();  // cut at a record boundary: still parses
  auto rep = store_->applySyncResponse(r);
  EXPECT_TRUE(rep.status().IsCorruption());
  EXPECT_EQ(store_->pendingCount().value(), 3);
  EXPECT_EQ(store_->recordStatus(member_)->state(), views::SYNC_STATE_PENDING);
}

TEST_F(SyncApplyTest, AnUnknownRecordKindRefusesThePageWhole) {
  wire::SyncResponse r = okResponse(3);
  addForm(&r, 1, sampleForm(2));
  wire::PublishedRecord* unknown = r.add_records();  // a kind newer than this build
  unknown->set_scope("forms");
  unknown->set_seq(2);
  wire::Cursor* c = r.add_cursors();
  c->set_scope("forms");
  c->set_seq(2);
  auto rep = apply(r);
  EXPECT_EQ(rep.status().code(), sync::Status::Code::Unsupported);
  // All or nothing: the ack, the form and the cursor were not applied.
  EXPECT_EQ(store_->pendingCount().value(), 3);
  EXPECT_EQ(store_->form("household", 0)->version(), 1);
  EXPECT_EQ(store_->nextSyncRequest(1)->cursors(0).seq(), 0u);
}

// Rosters, poll definitions and relayed entity operations no longer block a page: they are
// kept (sealed), the cursor moves, and relayed operations merge into the entity's state.
TEST_F(SyncApplyTest, RostersAndRelayedEntityOperationsApplyWithThePage) {
  ASSERT_TRUE(store_->followScope("team:t").ok());
  wire::SyncResponse r = okResponse(3);
  wire::PublishedRecord* roster = r.add_records();
  roster->set_scope("team:t");
  roster->set_seq(1);
  roster->mutable_roster_entry()->set_id("x");
  roster->mutable_roster_entry()->set_display_name(kName);
  wire::PublishedRecord* relayed = r.add_records();
  relayed->set_scope("team:t");
  relayed->set_seq(2);
  wire::Operation* op = relayed->mutable_operation();
  op->set_device_id("dev-b");
  op->set_device_seq(7);
  op->mutable_hlc()->set_wall_ms(1000);
  wire::EntityUpdate* u = op->mutable_entity_update();
  u->set_entity_type("member");
  u->set_entity_id("m1");
  wire::FieldWrite* f = u->add_fields();
  f->set_field("language");
  f->set_value("de");
  wire::PublishedRecord* poll = r.add_records();
  poll->set_scope("team:t");
  poll->set_seq(3);
  poll->mutable_poll_definition()->set_id("poll-1");
  wire::Cursor* c = r.add_cursors();
  c->set_scope("team:t");
  c->set_seq(3);
  auto rep = apply(r);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->entity_ops_stored, 1);
  EXPECT_EQ(rep->other_records_stored, 2);
  EXPECT_EQ(store_->entity("member", "m1")->fields.at("language").value, "de");
  // A repeat of the page is a no-op; the roster's name is not readable in the files.
  rep = apply(r);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->records_skipped, 3);
  EXPECT_TRUE(findInStoreFiles(path(), {kName}).empty());
  // A local edit with a newer clock wins, with the relayed version as its base.
  ASSERT_TRUE(store_->updateEntity("member", "m1", {{"language", "tr"}}).ok());
  EXPECT_EQ(store_->entity("member", "m1")->fields.at("language").value, "tr");
  auto req = store_->nextSyncRequest(500);
  ASSERT_TRUE(req.ok());
  const wire::Operation& mine = req->push().operations(req->push().operations_size() - 1);
  ASSERT_TRUE(mine.has_entity_update());
  EXPECT_EQ(mine.entity_update().fields(0).base().device_id(), "dev-b");
  EXPECT_TRUE(store_->entity("member", "nobody").status().IsNotFound());
  EXPECT_TRUE(store_->updateEntity("member", "m1", {}).IsInvalidArgument());
  EXPECT_TRUE(store_->updateEntity("member", "m 1", {{"a", "b"}}).IsInvalidArgument());
  EXPECT_TRUE(store_->updateEntity("member", "m1", {{"a", "b"}, {"a", "c"}}).IsInvalidArgument());
}

TEST_F(SyncApplyTest, RejectionsNameTheirRecordsOnce) {
  wire::SyncResponse r = okResponse(3);
  wire::Rejection* rej = r.mutable_ack()->add_rejections();
  rej->set_device_seq(2);
  rej->set_code(wire::ERROR_CODE_CONFLICTING_SUBMISSION);
  rej->set_detail("submission id reused with different content");
  auto rep = apply(r);
  ASSERT_TRUE(rep.ok());
  ASSERT_EQ(rep->rejections.size(), 1u);
  EXPECT_EQ(rep->rejections[0].record_id, subs_[0]);
  EXPECT_EQ(rep->rejections[0].code, wire::ERROR_CODE_CONFLICTING_SUBMISSION);
  rep = apply(r);  // the gateway reports stored rejections again on a replay
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->rejections.empty());
}

TEST_F(SyncApplyTest, CredentialIsSealedAndScopesCanBeDropped) {
  SyncCredential cred;
  cred.secret_key = std::string(64, '\x42');
  cred.scopes = {"team:t", "forms", "notices:DE"};
  EXPECT_EQ(store_->saveEnrolment("dev-other", cred).code(), sync::Status::Code::Conflict);
  ASSERT_TRUE(store_->saveEnrolment("dev-a", cred).ok());
  auto back = store_->credential();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->secret_key, cred.secret_key);
  EXPECT_EQ(back->scopes, (std::vector<std::string>{"forms", "notices:DE", "team:t"}));
  EXPECT_TRUE(findInStoreFiles(path(), {cred.secret_key}).empty());
  EXPECT_EQ(store_->followedScopes().value(),
            (std::vector<std::string>{"forms", "notices:DE", "team:t"}));
  ASSERT_TRUE(store_->unfollowScope("notices:DE").ok());
  EXPECT_EQ(store_->followedScopes().value(), (std::vector<std::string>{"forms", "team:t"}));
  cred.secret_key = "short";
  EXPECT_TRUE(store_->saveEnrolment("dev-a", cred).IsInvalidArgument());
}

TEST_F(SyncApplyTest, AnAckBeyondWhatTheDeviceMadeIsRefused) {
  EXPECT_TRUE(apply(okResponse(4)).status().IsCorruption());
  wire::SyncResponse r = okResponse(2);
  wire::Rejection* rej = r.mutable_ack()->add_rejections();
  rej->set_device_seq(3);  // outside the acknowledged range
  rej->set_code(wire::ERROR_CODE_RECORD_INVALID);
  EXPECT_TRUE(apply(r).status().IsCorruption());
  EXPECT_EQ(store_->pendingCount().value(), 3);
}

TEST_F(SyncApplyTest, SequenceGapKeepsTheOutboxForTheResend) {
  wire::SyncResponse r;
  r.set_status(wire::ERROR_CODE_SEQUENCE_GAP);
  r.set_resend_from_seq(1);
  auto rep = store_->applySyncResponse(r);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->resend_from, 1u);
  EXPECT_EQ(store_->nextSyncRequest(500)->push().operations(0).device_seq(), 1u);
  // After 1-2 are acknowledged, a gateway asking from 1 again asks for what is gone.
  ASSERT_TRUE(apply(okResponse(2)).ok());
  EXPECT_TRUE(store_->applySyncResponse(r).status().IsCorruption());
}

TEST_F(SyncApplyTest, ErrorStatusesApplyNothing) {
  struct Case {
    wire::ErrorCode code;
    sync::Status::Code expected;
  } cases[] = {
      {wire::ERROR_CODE_UNSUPPORTED_VERSION, sync::Status::Code::Unsupported},
      {wire::ERROR_CODE_DEVICE_REVOKED, sync::Status::Code::PermissionDenied},
      {wire::ERROR_CODE_UNAUTHENTICATED, sync::Status::Code::PermissionDenied},
      {wire::ERROR_CODE_SERVER_BUSY, sync::Status::Code::Unavailable},
      {wire::ERROR_CODE_BATCH_INVALID, sync::Status::Code::InvalidArgument},
      {wire::ERROR_CODE_UNSPECIFIED, sync::Status::Code::Corruption},
  };
  for (const Case& c : cases) {
    wire::SyncResponse r = okResponse(3);
    r.set_status(c.code);
    EXPECT_EQ(store_->applySyncResponse(r).status().code(), c.expected) << c.code;
  }
  EXPECT_EQ(store_->pendingCount().value(), 3);
}

}  // namespace
}  // namespace liaison::mobile
