// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The sync endpoint in-process (handler called directly, real SQLite store in a TempDir, the
// clock passed explicitly): push and acknowledgement after the durable commit; replayed,
// corrupt and truncated batches (never partially applied); gaps; lost acknowledgements and
// crashes before commit (no duplicates); conflicting submissions surfaced; version
// negotiation both ways; clock skew of a day and a year (flagged, never rejected); zstd
// bodies and their caps; scopes; field records reaching contacts, consents and poll results;
// sealed pull pages; relayed entity edits converging; a device offline for 30 days with
// 20,000 records.
#include "sync/sync_service.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <optional>
#include <string>
#include <vector>

#include "../outreach/sample_poll.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_response_store.h"
#include "store/sqlite_results_store.h"
#include "sync_test_support.h"

namespace liaison::gateway::sync {
namespace {

using testing::ApplyReport;
using testing::Device;
using testing::FieldSet;
using testing::formSubmission;
using testing::Gateway;
using testing::Ids;
using testing::kDayMs;
using testing::kT0;
using testing::pollAnswer;
using testing::registration;
using testing::SyncEndpointTest;

class SyncServiceTest : public SyncEndpointTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dev_.enrol(gw_, gw_.createCode(now_, {"forms", "notices:DE"})));
  }

  std::uint64_t hwm(const Device& d) {
    DeviceRecord rec;
    EXPECT_FALSE(gw_.withStore([&](SqliteSyncStore& s) { return s.findDevice(d.id(), &rec); }));
    return rec.hwm;
  }
  std::int64_t count(const std::string& sql) {
    std::lock_guard lock(gw_.mutex());
    std::error_code ec;
    auto st = gw_.store().database().prepare(sql, &ec);
    EXPECT_FALSE(ec);
    bool row = false;
    EXPECT_FALSE(st->step(&row));
    return row ? st->int64(0) : -1;
  }
  std::int64_t submissions() { return count("SELECT count(*) FROM sync_submissions"); }
  std::int64_t ledger() { return count("SELECT count(*) FROM sync_ops"); }

  Ids ids_{1};
};

TEST_F(SyncServiceTest, PushIsAcknowledgedAfterTheDurableCommit) {
  for (int i = 0; i < 3; ++i) dev_.submit(formSubmission(ids_.next()));
  const ApplyReport rep = sync(dev_);
  ASSERT_TRUE(rep.ok);
  EXPECT_EQ(rep.acked, 3u);
  gw_.restart();  // only what was committed survives
  EXPECT_EQ(hwm(dev_), 3u);
  EXPECT_EQ(submissions(), 3);
  EXPECT_EQ(ledger(), 3);
  std::string hash, record;
  SubmissionKind kind{};
  ASSERT_FALSE(gw_.withStore([&](SqliteSyncStore& s) {
    return s.findSubmission("t1", dev_.outbox()[0].submission().submission_id(), &hash, &kind,
                            &record);
  }));
  EXPECT_EQ(hash, dev_.outbox()[0].submission().content_hash());
  EXPECT_EQ(kind, SubmissionKind::Form);
  EXPECT_EQ(record, dev_.outbox()[0].submission().SerializeAsString());
}

TEST_F(SyncServiceTest, ReplayedBatchIsANoOpAndReportsItsRejectionsAgain) {
  dev_.submit(formSubmission(ids_.next()));
  wire::SubmissionOp draft = formSubmission(ids_.next());
  draft.mutable_submission()->set_state(liaison::v1::SUBMISSION_STATE_DRAFT);  // drafts never sync
  dev_.submit(draft);
  dev_.submit(formSubmission(ids_.next()));
  const wire::SyncRequest batch = dev_.request();
  auto first = exchange(dev_, batch);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->ack().applied_through_seq(), 3u);
  ASSERT_EQ(first->ack().rejections_size(), 1);
  EXPECT_EQ(first->ack().rejections(0).device_seq(), 2u);
  EXPECT_EQ(first->ack().rejections(0).code(), wire::ERROR_CODE_RECORD_INVALID);
  // The same batch again (a new signature: the transport retried it).
  auto again = exchange(dev_, batch);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status(), wire::ERROR_CODE_OK);
  EXPECT_EQ(again->ack().applied_through_seq(), 3u);
  ASSERT_EQ(again->ack().rejections_size(), 1);
  EXPECT_EQ(again->ack().rejections(0).device_seq(), 2u);
  EXPECT_EQ(again->ack().rejections(0).detail(), first->ack().rejections(0).detail());
  EXPECT_EQ(submissions(), 2);
  EXPECT_EQ(ledger(), 3);
}

TEST_F(SyncServiceTest, TheSameSignedRequestTwiceIsRefusedTheSecondTime) {
  dev_.submit(formSubmission(ids_.next()));
  const api::HttpRequest req = dev_.http(dev_.request());
  EXPECT_EQ(gw_.service().handleSync(req, now_).status, 200);
  const api::HttpResponse again = gw_.service().handleSync(req, now_);
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(Device::parse(again)->status(), wire::ERROR_CODE_UNAUTHENTICATED);
  EXPECT_EQ(submissions(), 1);
}

TEST_F(SyncServiceTest, GapAsksForAResendAndAppliesNothing) {
  for (int i = 0; i < 5; ++i) dev_.submit(formSubmission(ids_.next()));
  ASSERT_EQ(exchange(dev_, dev_.request(1, 2))->ack().applied_through_seq(), 2u);
  auto gap = exchange(dev_, dev_.request(4, 2));  // 3 overtaken in transit
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->status(), wire::ERROR_CODE_SEQUENCE_GAP);
  EXPECT_EQ(gap->resend_from_seq(), 3u);
  EXPECT_EQ(gap->ack().applied_through_seq(), 2u);
  EXPECT_EQ(gap->records_size(), 0);
  EXPECT_EQ(hwm(dev_), 2u);
  EXPECT_EQ(submissions(), 2);
  EXPECT_EQ(dev_.apply(*gap).resend_from, 3u);
  auto resent = exchange(dev_, dev_.request(3));
  EXPECT_EQ(resent->ack().applied_through_seq(), 5u);
  EXPECT_EQ(submissions(), 5);
  EXPECT_EQ(ledger(), 5);
}

// Every single-byte corruption and every truncation of a signed request is refused whole or,
// where it still makes a valid request (a cut after the batch), applies the batch whole.
TEST_F(SyncServiceTest, CorruptAndTruncatedBatchesAreNeverPartiallyApplied) {
  for (int i = 0; i < 3; ++i) dev_.submit(formSubmission(ids_.next()));
  auto bytes = engine::encodeSyncRequest(dev_.request());
  ASSERT_TRUE(bytes.ok());
  const std::string body = bytes.value();
  auto check = [&](const std::string& label) {
    const std::uint64_t h = hwm(dev_);
    ASSERT_TRUE(h == 0 || h == 3) << label << ": hwm " << h;
    ASSERT_EQ(submissions(), static_cast<std::int64_t>(h)) << label;
    ASSERT_EQ(ledger(), static_cast<std::int64_t>(h)) << label;
  };
  int refused = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::string bad = body;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    const api::HttpResponse res = gw_.service().handleSync(dev_.signedRaw(bad), now_);
    refused += res.status != 200 ? 1 : 0;
    ASSERT_NO_FATAL_FAILURE(check("flip at " + std::to_string(i)));
  }
  for (std::size_t n = 0; n < body.size(); ++n) {
    const api::HttpResponse res = gw_.service().handleSync(dev_.signedRaw(body.substr(0, n)), now_);
    refused += res.status != 200 ? 1 : 0;
    ASSERT_NO_FATAL_FAILURE(check("cut at " + std::to_string(n)));
  }
  EXPECT_GT(refused, static_cast<int>(body.size()));
  // Corruption after signing (in transit) fails the signature.
  api::HttpRequest req = dev_.http(dev_.request());
  req.body[req.body.size() / 2] ^= 0x01;
  const api::HttpResponse res = gw_.service().handleSync(req, now_);
  EXPECT_EQ(res.status, 401);
  ASSERT_NO_FATAL_FAILURE(check("in transit"));
  // The intact batch applies once.
  EXPECT_EQ(sync(dev_).acked, 3u);
  ASSERT_NO_FATAL_FAILURE(check("intact"));
  EXPECT_EQ(hwm(dev_), 3u);
}

TEST_F(SyncServiceTest, BatchChecksumMismatchIsBatchInvalid) {
  dev_.submit(formSubmission(ids_.next()));
  wire::SyncRequest r = dev_.request();
  auto bytes = engine::encodeSyncRequest(r);
  wire::SyncRequest sealed;
  ASSERT_TRUE(sealed.ParseFromString(bytes.value()));
  sealed.mutable_push()->set_crc32c(sealed.push().crc32c() ^ 1);
  const api::HttpResponse res =
      gw_.service().handleSync(dev_.signedRaw(sealed.SerializeAsString()), now_);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(Device::parse(res)->status(), wire::ERROR_CODE_BATCH_INVALID);
  EXPECT_EQ(hwm(dev_), 0u);
}

TEST_F(SyncServiceTest, LostAcknowledgementsResendWithoutDuplicates) {
  // A campaign and a registered member to answer it, as a registration drive would do.
  const std::string campaign = "0190b1c8-7a3e-7c41-9d2e-5f0a1b2c3d4e";
  {
    std::lock_guard lock(gw_.mutex());
    store::SqliteCampaignStore campaigns(gw_.store().database());
    store::CampaignRecord c;
    c.id = campaign;
    c.tenant_id = "t1";
    c.name = "return";
    c.kind = store::CampaignKind::Poll;
    c.state = store::CampaignState::Running;
    *c.definition.mutable_poll() = outreach::samples::returnPoll();
    ASSERT_FALSE(campaigns.create(c, now_ / 1000));
  }
  const std::string member = ids_.next();
  dev_.submit(registration(member, "+4915112345678"));
  dev_.submit(pollAnswer(ids_.next(), campaign, "return", member, "yes"));
  dev_.submit(formSubmission(ids_.next()));
  // The gateway commits, then the response is lost (a crash after the commit).
  fault_ = FaultPoint::AfterCommit;
  const api::HttpResponse lost = send(dev_, dev_.request());
  EXPECT_EQ(lost.status, 500);
  EXPECT_FALSE(Device::parse(lost).has_value());
  EXPECT_EQ(dev_.acked(), 0u);
  gw_.restart();
  // The device resends everything unacknowledged, plus a new record.
  dev_.submit(formSubmission(ids_.next()));
  const ApplyReport rep = sync(dev_);
  EXPECT_EQ(rep.acked, 4u);
  EXPECT_EQ(submissions(), 4);
  EXPECT_EQ(ledger(), 4);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM consents"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM answers"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM campaign_recipients"), 1);
}

TEST_F(SyncServiceTest, CrashBeforeCommitLeavesNothingAndTheRetryAppliesOnce) {
  dev_.submit(registration(ids_.next(), "+4915112345679"));
  dev_.submit(formSubmission(ids_.next()));
  fault_ = FaultPoint::BeforeCommit;
  EXPECT_EQ(send(dev_, dev_.request()).status, 500);
  gw_.restart();
  EXPECT_EQ(hwm(dev_), 0u);
  EXPECT_EQ(submissions(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 0);
  EXPECT_EQ(sync(dev_).acked, 2u);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 1);
  EXPECT_EQ(submissions(), 2);
}

TEST_F(SyncServiceTest, ConflictingSubmissionIsSurfacedNotDropped) {
  const std::string id = ids_.next();
  dev_.submit(formSubmission(id, "first"));
  dev_.submit(formSubmission(id, "second"));  // a buggy build reusing the id
  auto r = exchange(dev_, dev_.request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), wire::ERROR_CODE_OK);
  EXPECT_EQ(r->ack().applied_through_seq(), 2u);
  ASSERT_EQ(r->ack().rejections_size(), 1);
  EXPECT_EQ(r->ack().rejections(0).device_seq(), 2u);
  EXPECT_EQ(r->ack().rejections(0).code(), wire::ERROR_CODE_CONFLICTING_SUBMISSION);
  std::string hash, record;
  SubmissionKind kind{};
  ASSERT_FALSE(gw_.withStore(
      [&](SqliteSyncStore& s) { return s.findSubmission("t1", id, &hash, &kind, &record); }));
  EXPECT_EQ(hash, dev_.outbox()[0].submission().content_hash());  // the first content stays
  std::vector<OpRecord> ops;
  ASSERT_FALSE(
      gw_.withStore([&](SqliteSyncStore& s) { return s.ops(dev_.id(), 1, 2, false, &ops); }));
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[1].outcome, engine::OpOutcome::Rejected);
}

TEST_F(SyncServiceTest, OldDeviceAgainstNewGatewayGetsAClearCodeAndLosesNothing) {
  for (int i = 0; i < 3; ++i) dev_.submit(formSubmission(ids_.next()));
  // The gateway plays a release that speaks only version 2.
  gw_.options().protocol_versions = {2};
  gw_.restart();
  const api::HttpResponse res = send(dev_, dev_.request());
  EXPECT_EQ(res.status, 400);
  auto r = Device::parse(res);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), wire::ERROR_CODE_UNSUPPORTED_VERSION);
  EXPECT_EQ(
      std::vector<std::uint32_t>(r->supported_versions().begin(), r->supported_versions().end()),
      std::vector<std::uint32_t>{2});
  EXPECT_FALSE(dev_.apply(*r).ok);
  EXPECT_EQ(hwm(dev_), 0u);
  EXPECT_EQ(submissions(), 0);
  // Nothing lost: the device kept its outbox, and once a common version exists it all lands.
  gw_.options().protocol_versions = {};
  gw_.restart();
  EXPECT_EQ(sync(dev_).acked, 3u);
  EXPECT_EQ(submissions(), 3);
}

TEST_F(SyncServiceTest, NewDeviceAgainstOldGatewayRetriesInACommonVersion) {
  for (int i = 0; i < 2; ++i) dev_.submit(formSubmission(ids_.next()));
  wire::SyncRequest v2 = dev_.request();
  v2.set_protocol_version(2);
  auto r = exchange(dev_, v2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), wire::ERROR_CODE_UNSUPPORTED_VERSION);
  ASSERT_EQ(r->supported_versions_size(), 1);
  EXPECT_EQ(r->supported_versions(0), 1u);
  EXPECT_EQ(submissions(), 0);
  // The device picks the highest common version and sends the same batch again.
  wire::SyncRequest v1 = v2;
  v1.set_protocol_version(r->supported_versions(0));
  auto ok = exchange(dev_, v1);
  EXPECT_EQ(ok->status(), wire::ERROR_CODE_OK);
  EXPECT_EQ(ok->protocol_version(), 1u);
  EXPECT_EQ(ok->ack().applied_through_seq(), 2u);
  EXPECT_EQ(submissions(), 2);
}

TEST_F(SyncServiceTest, ClockSkewOfADayAndAYearIsFlaggedNeverRejected) {
  // A wall clock a day ahead: device_time is flagged; the request itself is signed with the
  // server-anchored clock, so it is accepted.
  dev_.setClockOffset(kDayMs);
  dev_.submit(formSubmission(ids_.next()));
  auto r = exchange(dev_, dev_.request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), wire::ERROR_CODE_OK);
  EXPECT_TRUE(r->clock_skew_flagged());
  EXPECT_EQ(r->ack().applied_through_seq(), 1u);
  // A year ahead, and its HLC too: applied, flagged for review, and the gateway's clock is not
  // dragged a year into the future.
  Device skewed(2, &now_, 365 * kDayMs);
  ASSERT_TRUE(skewed.enrol(gw_, gw_.createCode(now_)));
  skewed.update("m1", {{"language", "fr"}});
  r = exchange(skewed, skewed.request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), wire::ERROR_CODE_OK);
  EXPECT_TRUE(r->clock_skew_flagged());
  EXPECT_EQ(r->ack().applied_through_seq(), 1u);
  EXPECT_LE(r->server_clock().wall_ms(), static_cast<std::uint64_t>(now_ + 1000));
  // Both ahead-of-time devices' ops are flagged for review (the HLC of the day-ahead one too).
  std::vector<StoredReviewFlag> flags;
  ASSERT_FALSE(gw_.withStore([&](SqliteSyncStore& s) { return s.reviewFlags("t1", &flags); }));
  ASSERT_EQ(flags.size(), 2u);
  EXPECT_EQ(flags[0].flag.reason, engine::ReviewReason::ClockSkew);
  EXPECT_EQ(flags[0].flag.winner.device_id, dev_.id());
  EXPECT_EQ(flags[1].flag.reason, engine::ReviewReason::ClockSkew);
  EXPECT_EQ(flags[1].flag.winner.device_id, skewed.id());
  // A year behind: flagged too.
  Device behind(3, &now_, -365 * kDayMs);
  ASSERT_TRUE(behind.enrol(gw_, gw_.createCode(now_)));
  behind.submit(formSubmission(ids_.next()));
  r = exchange(behind, behind.request());
  EXPECT_TRUE(r->clock_skew_flagged());
  EXPECT_EQ(r->ack().applied_through_seq(), 1u);
  // In sync: not flagged.
  Device fine(4, &now_);
  ASSERT_TRUE(fine.enrol(gw_, gw_.createCode(now_)));
  EXPECT_FALSE(exchange(fine, fine.request())->clock_skew_flagged());
}

TEST_F(SyncServiceTest, StaleSignatureTimestampTellsTheDeviceTheServerTime) {
  dev_.submit(formSubmission(ids_.next()));
  // The device signed with its wall clock, a day off.
  const api::HttpResponse res =
      gw_.service().handleSync(dev_.http(dev_.request(), false, now_ - kDayMs), now_);
  EXPECT_EQ(res.status, 401);
  bool stale = false;
  for (const auto& [k, v] : res.headers)
    stale = stale || (k == kHeaderAuthError && v == "stale-timestamp");
  EXPECT_TRUE(stale);
  auto r = Device::parse(res);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), wire::ERROR_CODE_UNAUTHENTICATED);
  EXPECT_EQ(r->server_time().seconds(), now_ / 1000);
  // Re-anchored on the server time, it signs again and is accepted.
  EXPECT_EQ(sync(dev_).acked, 1u);
}

TEST_F(SyncServiceTest, RevokedDeviceGetsDeviceRevokedAndNothingApplies) {
  dev_.submit(formSubmission(ids_.next()));
  ASSERT_FALSE(gw_.service().auth().revoke(dev_.id(), now_));
  const api::HttpResponse res = send(dev_, dev_.request());
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(Device::parse(res)->status(), wire::ERROR_CODE_DEVICE_REVOKED);
  EXPECT_EQ(submissions(), 0);
}

TEST_F(SyncServiceTest, ZstdBodiesAreAcceptedBothWays) {
  for (int i = 0; i < 40; ++i) dev_.submit(formSubmission(ids_.next()));
  const api::HttpResponse res = send(dev_, dev_.request(), /*zstd=*/true);
  ASSERT_EQ(res.status, 200);
  auto r = Device::parse(res);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ack().applied_through_seq(), 40u);
}

TEST_F(SyncServiceTest, ZstdDecodedSizeIsCappedBeforeAllocation) {
  dev_.submit(formSubmission(ids_.next()));
  // A small body that declares 64 MiB: refused on the declaration.
  const std::string bomb = zstdCompress(std::string(64u << 20, '\0'));
  ASSERT_LT(bomb.size(), 8192u);
  auto status = [&](const std::string& body, const std::string& encoding) {
    api::HttpRequest q;
    q.method = "POST";
    q.target = std::string(kSyncPath);
    q.body = body;
    if (!encoding.empty()) q.headers.emplace_back("Content-Encoding", encoding);
    std::string nonce(kNonceBytes, static_cast<char>(body.size() & 0x7f));
    nonce[0] = static_cast<char>(encoding.size());
    for (auto& h :
         signRequest(dev_.key(), dev_.id(), "POST", q.target, encoding, q.body, now_, nonce)) {
      q.headers.push_back(std::move(h));
    }
    const api::HttpResponse res = gw_.service().handleSync(q, now_);
    EXPECT_EQ(Device::parse(res)->status(), wire::ERROR_CODE_BATCH_INVALID);
    return res.status;
  };
  EXPECT_EQ(status(bomb, "zstd"), 413);
  // A frame that does not declare its size is refused too (streaming frames).
  {
    ZSTD_CCtx* c = ZSTD_createCCtx();
    std::string out(1024, '\0');
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    std::string in = "abc";
    ZSTD_inBuffer i{in.data(), in.size(), 0};
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
    ZSTD_compressStream2(c, &o, &i, ZSTD_e_end);
    ZSTD_freeCCtx(c);
    out.resize(o.pos);
    EXPECT_EQ(status(out, "zstd"), 415);
  }
  EXPECT_EQ(status("not zstd at all", "zstd"), 400);
  const std::string one = zstdCompress(engine::encodeSyncRequest(dev_.request()).value());
  EXPECT_EQ(status(one + one, "zstd"), 400);  // two frames
  EXPECT_EQ(status(one + "x", "zstd"), 400);  // trailing bytes
  EXPECT_EQ(status("x", "gzip"), 415);        // not an encoding we speak
  EXPECT_EQ(submissions(), 0);
  // An identity body over the request cap.
  EXPECT_EQ(status(std::string((4u << 20) + 1, 'x'), ""), 413);
}

TEST(DecodeContent, ChecksDeclaredSizeAndFraming) {
  const std::string text(10000, 'a');
  const std::string z = zstdCompress(text);
  auto ok = decodeContent("ZSTD", z, 10000);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), text);
  EXPECT_EQ(decodeContent("zstd", z, 9999).status().code(),
            engine::Status::Code::ResourceExhausted);
  EXPECT_EQ(decodeContent("", "abc", 3).value(), "abc");
  EXPECT_EQ(decodeContent("identity", "abcd", 3).status().code(),
            engine::Status::Code::ResourceExhausted);
  EXPECT_EQ(decodeContent("br", "abc", 3).status().code(), engine::Status::Code::InvalidArgument);
  std::string corrupt = z;
  corrupt[corrupt.size() - 2] ^= 0x55;
  EXPECT_FALSE(decodeContent("zstd", corrupt, 10000).ok());
  EXPECT_FALSE(decodeContent("zstd", z.substr(0, z.size() - 1), 10000).ok());
  EXPECT_FALSE(decodeContent("zstd", "", 10000).ok());
}

TEST_F(SyncServiceTest, ScopesNotGrantedAreForbiddenAndNothingApplies) {
  dev_.submit(formSubmission(ids_.next()));
  dev_.follow("notices:FR");
  const api::HttpResponse res = send(dev_, dev_.request());
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(Device::parse(res)->status(), wire::ERROR_CODE_SCOPE_FORBIDDEN);
  EXPECT_EQ(submissions(), 0);
}

TEST_F(SyncServiceTest, RequestFromAnotherDeviceIdIsRefused) {
  Device other(2, &now_);
  ASSERT_TRUE(other.enrol(gw_, gw_.createCode(now_)));
  dev_.submit(formSubmission(ids_.next()));
  wire::SyncRequest r = dev_.request();
  // Signed by `other`, claiming dev_'s operations.
  const api::HttpResponse res =
      gw_.service().handleSync(other.signedRaw(engine::encodeSyncRequest(r).value()), now_);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(submissions(), 0);
}

TEST_F(SyncServiceTest, RegistrationCreatesTheContactWithItsConsent) {
  const std::string member = ids_.next();
  dev_.submit(registration(member, "+4915112345678", "tr", "DE"));
  ASSERT_EQ(sync(dev_).acked, 1u);
  std::lock_guard lock(gw_.mutex());
  store::SqliteContactStore contacts(gw_.store().database());
  store::Contact c;
  ASSERT_FALSE(contacts.find("t1", "+4915112345678", &c));
  EXPECT_EQ(c.language, "tr");
  EXPECT_EQ(c.country, "DE");
  EXPECT_EQ(c.time_zone, "Europe/Berlin");
  EXPECT_EQ(c.status, store::ContactStatus::Active);
  EXPECT_EQ(c.groups, std::vector<std::string>{"drive-3"});
  ASSERT_EQ(c.consents.size(), 1u);
  EXPECT_EQ(c.consents[0].channel, store::ConsentChannel::FieldRegistration);
  EXPECT_EQ(c.consents[0].wording_version, "consent-2025-1");
  EXPECT_EQ(c.consents[0].recorded_by, "staff-7");
  EXPECT_EQ(c.consents[0].given_at, kT0 / 1000);
  SqliteSyncStore s(gw_.store().database());
  std::int64_t linked = 0;
  ASSERT_FALSE(s.contactForUuid("t1", member, &linked));
  EXPECT_EQ(linked, c.id);
}

TEST_F(SyncServiceTest, RegistrationUpdatesAnExistingContactAndOptOutStays) {
  {
    std::lock_guard lock(gw_.mutex());
    store::SqliteContactStore contacts(gw_.store().database());
    store::Contact c;
    c.tenant_id = "t1";
    c.phone_e164 = "+4915112345678";
    c.language = "de";
    c.groups = {"imported"};
    store::UpsertOutcome outcome{};
    ASSERT_FALSE(contacts.upsert(c, {}, now_ / 1000 - 100, &outcome));
    ASSERT_FALSE(
        contacts.setStatus("t1", c.phone_e164, store::ContactStatus::OptedOut, now_ / 1000 - 50));
  }
  dev_.submit(registration(ids_.next(), "+49 151 12345678", "tr", "DE"));  // national format
  ASSERT_EQ(sync(dev_).acked, 1u);
  std::lock_guard lock(gw_.mutex());
  store::SqliteContactStore contacts(gw_.store().database());
  store::Contact c;
  ASSERT_FALSE(contacts.find("t1", "+4915112345678", &c));
  EXPECT_EQ(c.status, store::ContactStatus::OptedOut);  // only START re-activates
  EXPECT_EQ(c.language, "tr");
  EXPECT_EQ(c.groups, (std::vector<std::string>{"drive-3", "imported"}));
  EXPECT_EQ(c.consents.size(), 1u);
}

TEST_F(SyncServiceTest, InvalidRegistrationIsRejectedAloneAndKeptOnTheDevice) {
  dev_.submit(registration(ids_.next(), "12"));  // not a number
  dev_.submit(formSubmission(ids_.next()));
  auto r = exchange(dev_, dev_.request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ack().applied_through_seq(), 2u);
  ASSERT_EQ(r->ack().rejections_size(), 1);
  EXPECT_EQ(r->ack().rejections(0).device_seq(), 1u);
  EXPECT_EQ(r->ack().rejections(0).code(), wire::ERROR_CODE_RECORD_INVALID);
  EXPECT_EQ(r->ack().rejections(0).detail().find("12"), std::string::npos);
  EXPECT_EQ(submissions(), 1);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 0);
}

TEST_F(SyncServiceTest, OfflinePollAnswerCountsWithSmsAnswers) {
  const std::string campaign = "0190b1c8-7a3e-7c41-9d2e-5f0a1b2c3d4e";
  {
    std::lock_guard lock(gw_.mutex());
    store::Database& db = gw_.store().database();
    store::SqliteCampaignStore campaigns(db);
    store::CampaignRecord c;
    c.id = campaign;
    c.tenant_id = "t1";
    c.name = "return";
    c.kind = store::CampaignKind::Poll;
    c.state = store::CampaignState::Running;
    *c.definition.mutable_poll() = outreach::samples::returnPoll();
    ASSERT_FALSE(campaigns.create(c, now_ / 1000));
    // An SMS respondent answered "no" the usual way.
    store::SqliteContactStore contacts(db);
    store::Contact sms;
    sms.tenant_id = "t1";
    sms.phone_e164 = "+905321234567";
    store::UpsertOutcome outcome{};
    ASSERT_FALSE(contacts.upsert(sms, {}, now_ / 1000, &outcome));
    ASSERT_FALSE(contacts.find("t1", sms.phone_e164, &sms));
    store::AnswerRecord a;
    a.campaign_id = campaign;
    ASSERT_FALSE(campaigns.pseudonymFor(campaign, sms.id, &a.pseudonym));
    a.question_id = "return";
    a.kind = store::AnswerKind::Choice;
    a.choice_id = "no";
    a.source = store::AnswerSource::Sms;
    a.answered_at = now_ / 1000;
    ASSERT_FALSE(store::SqliteResponseStore(db).putAnswer(a));
  }
  const std::string member = ids_.next();
  dev_.submit(registration(member, "+4915112345678"));
  dev_.submit(pollAnswer(ids_.next(), campaign, "return", member, "yes"));
  // Answers that do not fit are rejected one by one, never silently dropped.
  dev_.submit(pollAnswer(ids_.next(), campaign, "return", member, "maybe"));  // no such choice
  dev_.submit(pollAnswer(ids_.next(), campaign, "nope", member, "yes"));      // no such question
  dev_.submit(pollAnswer(ids_.next(), "0190b1c8-7a3e-7c41-9d2e-000000000000", "return", member,
                         "yes"));                                                // no campaign
  dev_.submit(pollAnswer(ids_.next(), campaign, "return", ids_.next(), "yes"));  // unknown member
  auto r = exchange(dev_, dev_.request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ack().applied_through_seq(), 6u);
  ASSERT_EQ(r->ack().rejections_size(), 4);
  for (const auto& rej : r->ack().rejections()) {
    EXPECT_EQ(rej.code(), wire::ERROR_CODE_RECORD_INVALID);
    EXPECT_GE(rej.device_seq(), 3u);
  }
  std::lock_guard lock(gw_.mutex());
  store::SqliteResultsStore results(gw_.store().database());
  std::vector<store::AnswerGroupTally> tallies;
  ASSERT_FALSE(results.answerTallies(campaign, &tallies));
  std::int64_t answers = 0, field = 0, yes = 0;
  for (const auto& t : tallies) {
    if (t.question_id != "return") continue;
    answers += t.answers;
    field += t.from_field_device;
    yes += t.choice_id == "yes" ? t.answers : 0;
  }
  EXPECT_EQ(answers, 2);
  EXPECT_EQ(field, 1);
  EXPECT_EQ(yes, 1);
}

TEST_F(SyncServiceTest, PullPagesAreSealedCompleteAndRepeatable) {
  std::vector<wire::PublishedRecord> forms(450);
  for (std::size_t i = 0; i < forms.size(); ++i) {
    forms[i].mutable_form()->set_id("form-" + std::to_string(i));
    forms[i].mutable_form()->set_version(1);
  }
  std::uint64_t last = 0;
  ASSERT_FALSE(gw_.service().publish("t1", "forms", forms, now_, &last));
  EXPECT_EQ(last, 450u);
  std::vector<wire::PublishedRecord> notices(3);
  for (auto& n : notices) n.mutable_inbox_item()->set_id("n");
  ASSERT_FALSE(gw_.service().publish("t1", "notices:DE", notices, now_, &last));
  // Another tenant's scope of the same name is a different log.
  ASSERT_FALSE(gw_.service().publish("t2", "forms", forms, now_, &last));
  dev_.follow("forms");
  dev_.follow("notices:DE");

  auto first = exchange(dev_, dev_.request(0, 500, 200));
  ASSERT_TRUE(first);
  EXPECT_TRUE(engine::verifyPage(*first).ok());
  EXPECT_EQ(first->records_size(), 200);
  EXPECT_TRUE(first->more());
  EXPECT_EQ(first->records(0).seq(), 1u);
  EXPECT_EQ(first->records(0).form().id(), "form-0");
  // Asked again with the same cursors: the same page (a lost or broken page is harmless).
  auto repeat = exchange(dev_, dev_.request(0, 500, 200));
  ASSERT_EQ(repeat->records_size(), first->records_size());
  for (int i = 0; i < first->records_size(); ++i) {
    ASSERT_EQ(repeat->records(i).SerializeAsString(), first->records(i).SerializeAsString());
  }
  EXPECT_EQ(repeat->records_crc32c(), first->records_crc32c());
  // A page cut at a record boundary still parses but fails its seal, and is not applied.
  wire::SyncResponse cut = *first;
  cut.mutable_records()->RemoveLast();
  EXPECT_FALSE(dev_.apply(cut).ok);
  EXPECT_EQ(dev_.cursors().at("forms"), 0u);

  std::size_t total = 0;
  int pages = 0;
  for (bool more = true; more; ++pages) {
    const ApplyReport rep = sync(dev_, 200);
    ASSERT_TRUE(rep.ok);
    total += rep.records;
    more = rep.more;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(total, 453u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(dev_.cursors().at("forms"), 450u);
  EXPECT_EQ(dev_.cursors().at("notices:DE"), 3u);
  // The server caps the page size.
  dev_.follow("team:berlin-drive-3");
  const ApplyReport none = sync(dev_, 5000);
  EXPECT_EQ(none.records, 0u);
  EXPECT_FALSE(none.more);
}

TEST_F(SyncServiceTest, ConcurrentEditsConvergeOnEveryDeviceAndAreFlagged) {
  Device other(2, &now_);
  ASSERT_TRUE(other.enrol(gw_, gw_.createCode(now_)));
  dev_.follow("team:berlin-drive-3");
  other.follow("team:berlin-drive-3");
  dev_.update("m1", {{"language", "de"}, {"status", "active"}});
  sync(dev_);
  sync(other);  // both know m1.language = de
  now_ += 1000;
  dev_.update("m1", {{"language", "fr"}});
  other.update("m1", {{"language", "es"}});
  other.remove("m2");
  sync(other);
  sync(dev_);
  sync(other);
  std::map<engine::EntityKey, engine::EntityState> gateway;
  ASSERT_FALSE(gw_.withStore([&](SqliteSyncStore& s) { return s.loadEntities("t1", &gateway); }));
  EXPECT_EQ(gateway, dev_.entities());
  EXPECT_EQ(gateway, other.entities());
  std::vector<StoredReviewFlag> flags;
  ASSERT_FALSE(gw_.withStore([&](SqliteSyncStore& s) { return s.reviewFlags("t1", &flags); }));
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].flag.reason, engine::ReviewReason::ConcurrentEdit);
  EXPECT_EQ(flags[0].flag.field, "language");
  // Flags are unique: the same conflict met again adds nothing.
  auto again = exchange(dev_, dev_.request(1));
  EXPECT_EQ(again->status(), wire::ERROR_CODE_OK);
  ASSERT_FALSE(gw_.withStore([&](SqliteSyncStore& s) { return s.reviewFlags("t1", &flags); }));
  EXPECT_EQ(flags.size(), 1u);
}

// Promise 1 and the long-offline case: 30 days without a network, 20,000 records
// (forms, registrations, poll answers) pushed in 500-op batches, while the gateway published
// 30 days of notices. Everything is acknowledged once, nothing doubled.
TEST_F(SyncServiceTest, DeviceOfflineFor30DaysWith20000Records) {
  const std::string campaign = "0190b1c8-7a3e-7c41-9d2e-5f0a1b2c3d4e";
  {
    std::lock_guard lock(gw_.mutex());
    store::SqliteCampaignStore campaigns(gw_.store().database());
    store::CampaignRecord c;
    c.id = campaign;
    c.tenant_id = "t1";
    c.name = "return";
    c.kind = store::CampaignKind::Poll;
    c.state = store::CampaignState::Running;
    *c.definition.mutable_poll() = outreach::samples::returnPoll();
    ASSERT_FALSE(campaigns.create(c, now_ / 1000));
  }
  dev_.follow("notices:DE");
  ASSERT_TRUE(sync(dev_).ok);
  constexpr int kRecords = 20'000;
  std::vector<wire::PublishedRecord> notices(1);
  std::string member;
  int registrations = 0, answers = 0;
  for (int i = 0; i < kRecords; ++i) {
    now_ += 30 * kDayMs / kRecords;  // the days pass while the device is offline
    if (i % 10 == 0) {
      member = ids_.next();
      char phone[32];
      std::snprintf(phone, sizeof phone, "+49151%08d", 10'000'000 + i);
      dev_.submit(registration(member, phone));
      ++registrations;
    } else if (i % 10 == 1) {
      dev_.submit(pollAnswer(ids_.next(), campaign, "return", member, i % 3 ? "yes" : "no"));
      ++answers;
    } else {
      dev_.submit(formSubmission(ids_.next(), "answer " + std::to_string(i)));
    }
    if (i % 200 == 0) {
      notices[0].mutable_inbox_item()->set_id("n" + std::to_string(i));
      std::uint64_t last = 0;
      ASSERT_FALSE(gw_.service().publish("t1", "notices:DE", notices, now_, &last));
    }
  }
  ASSERT_EQ(dev_.made(), static_cast<std::uint64_t>(kRecords));
  int exchanges = 0;
  std::size_t received = 0;
  for (bool more = true; more || dev_.acked() < dev_.made(); ++exchanges) {
    ASSERT_LT(exchanges, 100) << "no progress";
    const ApplyReport rep = sync(dev_, 1000);
    ASSERT_TRUE(rep.ok);
    received += rep.records;
    more = rep.more;
  }
  EXPECT_EQ(exchanges, 40);  // 20,000 / 500
  EXPECT_EQ(dev_.acked(), static_cast<std::uint64_t>(kRecords));
  EXPECT_TRUE(dev_.rejections().empty());
  EXPECT_EQ(received, 100u);
  gw_.restart();
  EXPECT_EQ(hwm(dev_), static_cast<std::uint64_t>(kRecords));
  EXPECT_EQ(ledger(), kRecords);
  EXPECT_EQ(submissions(), kRecords);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), registrations);
  EXPECT_EQ(count("SELECT count(*) FROM consents"), registrations);
  EXPECT_EQ(count("SELECT count(*) FROM answers"), answers);
}

TEST_F(SyncServiceTest, NonPostAndWrongContentTypeAreRefused) {
  api::HttpRequest get;
  get.method = "GET";
  get.target = "/v1/sync";
  EXPECT_EQ(gw_.service().handleSync(get, now_).status, 405);
  api::HttpRequest json = dev_.http(dev_.request());
  for (auto& [k, v] : json.headers) {
    if (k == "Content-Type") v = "application/json";
  }
  EXPECT_EQ(gw_.service().handleSync(json, now_).status, 415);
}

}  // namespace
}  // namespace liaison::gateway::sync
