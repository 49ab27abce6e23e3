// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for ReceiptTracker with an injected clock: id matching across hex/decimal forms,
// receipts that overtake submit_sm_resp, duplicates, regressions and conflicts, the derived
// state of multi-segment messages, expiry and the early-receipt bounds.
#include "channels/smpp/receipt_tracker.h"

#include <gtest/gtest.h>

#include <ostream>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace liaison::gateway::smpp {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using S = MessageState;
using TimePoint = ReceiptTracker::TimePoint;

constexpr TimePoint kT0 = TimePoint{} + hours(1000);

MessageUpdate finalUpdate(uint64_t ref, MessageState state) { return {ref, state, true}; }
MessageUpdate openUpdate(uint64_t ref, MessageState state) { return {ref, state, false}; }

TEST(ReceiptTracker, SingleSegmentDeliveredIsFinalAndForgotten) {
  ReceiptTracker t;
  SubmitUpdate s = t.onSubmitted(7, 0, 1, "0A1B2C", kT0);
  EXPECT_EQ(s.result, SubmitResult::Tracked);
  EXPECT_FALSE(s.message.has_value());
  EXPECT_EQ(t.stats().tracked_messages, 1u);
  EXPECT_EQ(t.stats().tracked_segments, 1u);

  ReceiptUpdate r = t.onReceipt("0a1b2c", S::Delivered, kT0 + seconds(5));
  EXPECT_EQ(r.result, ReceiptResult::Applied);
  EXPECT_TRUE(r.changed());
  EXPECT_EQ(r.message, finalUpdate(7, S::Delivered));
  EXPECT_EQ(t.stats().matched, 1u);
  EXPECT_EQ(t.stats().tracked_messages, 0u);
  EXPECT_EQ(t.stats().tracked_segments, 0u);
}

TEST(ReceiptTracker, NonFinalThenFinal) {
  ReceiptTracker t;
  t.onSubmitted(1, 0, 1, "abc", kT0);
  EXPECT_EQ(t.onReceipt("abc", S::Enroute, kT0).message, openUpdate(1, S::Enroute));
  EXPECT_EQ(t.onReceipt("abc", S::Accepted, kT0).message, openUpdate(1, S::Accepted));
  // Non-final states have no order: the latest wins.
  EXPECT_EQ(t.onReceipt("abc", S::Enroute, kT0).message, openUpdate(1, S::Enroute));
  EXPECT_EQ(t.onReceipt("abc", S::Undeliverable, kT0).message, finalUpdate(1, S::Undeliverable));
  EXPECT_EQ(t.stats().tracked_messages, 0u);
}

// Submit id form vs receipt id form.
struct IdCase {
  const char* label;
  const char* submit_id;
  const char* receipt_id;
};
// Readable test names in CTest (gtest prints unknown structs as raw bytes).
void PrintTo(const IdCase& c, std::ostream* os) { *os << c.label; }

class ReceiptTrackerIdForms : public ::testing::TestWithParam<IdCase> {};

TEST_P(ReceiptTrackerIdForms, ReceiptMatchesAfterResp) {
  ReceiptTracker t;
  t.onSubmitted(42, 0, 1, GetParam().submit_id, kT0);
  ReceiptUpdate r = t.onReceipt(GetParam().receipt_id, S::Delivered, kT0);
  EXPECT_EQ(r.result, ReceiptResult::Applied);
  EXPECT_EQ(r.message, finalUpdate(42, S::Delivered));
}

TEST_P(ReceiptTrackerIdForms, ReceiptMatchesBeforeResp) {
  ReceiptTracker t;
  EXPECT_EQ(t.onReceipt(GetParam().receipt_id, S::Delivered, kT0).result, ReceiptResult::Parked);
  SubmitUpdate s = t.onSubmitted(42, 0, 1, GetParam().submit_id, kT0 + seconds(1));
  EXPECT_TRUE(s.early_applied);
  EXPECT_EQ(s.message, finalUpdate(42, S::Delivered));
  EXPECT_EQ(t.stats().early_parked, 1u);
  EXPECT_EQ(t.stats().early_applied, 1u);
  EXPECT_EQ(t.stats().early_pending, 0u);
  EXPECT_EQ(t.stats().tracked_messages, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ReceiptTrackerIdForms,
    ::testing::Values(IdCase{"same", "12345678", "12345678"}, IdCase{"case", "00ABCDEF", "abcdef"},
                      IdCase{"padding", "0000000042", "42"},
                      IdCase{"hex_resp_dec_dlr", "0A1B", "2587"},
                      IdCase{"dec_resp_hex_dlr", "2587", "a1b"},
                      IdCase{"whitespace", " 9f86d081 ", "9F86D081"},
                      IdCase{"uuid", "550E8400-E29B-41D4-A716-446655440000",
                             "550e8400-e29b-41d4-a716-446655440000"},
                      IdCase{"long_hex", "ABCDEF0123456789ABCD", "abcdef0123456789abcd"},
                      IdCase{"max_u64_dec_vs_hex", "ffffffffffffffff", "18446744073709551615"}),
    [](const ::testing::TestParamInfo<IdCase>& param_info) {
      return std::string(param_info.param.label);
    });

TEST(ReceiptTracker, DuplicateReceiptChangesNothing) {
  ReceiptTracker t;
  t.onSubmitted(1, 0, 2, "a1", kT0);
  t.onSubmitted(1, 1, 2, "a2", kT0);
  EXPECT_EQ(t.onReceipt("a1", S::Delivered, kT0).message, openUpdate(1, S::Enroute));
  ReceiptUpdate dup = t.onReceipt("a1", S::Delivered, kT0);
  EXPECT_EQ(dup.result, ReceiptResult::Duplicate);
  EXPECT_FALSE(dup.changed());
  EXPECT_FALSE(dup.message.has_value());
  EXPECT_EQ(t.stats().duplicates, 1u);
  EXPECT_EQ(t.onReceipt("a2", S::Delivered, kT0).message, finalUpdate(1, S::Delivered));
}

TEST(ReceiptTracker, FinalStateNeverRegresses) {
  ReceiptTracker t;
  t.onSubmitted(1, 0, 2, "a1", kT0);
  t.onSubmitted(1, 1, 2, "a2", kT0);
  t.onReceipt("a1", S::Delivered, kT0);
  ReceiptUpdate r = t.onReceipt("a1", S::Enroute, kT0);
  EXPECT_EQ(r.result, ReceiptResult::RegressionIgnored);
  EXPECT_FALSE(r.message.has_value());
  EXPECT_EQ(t.stats().regressions_ignored, 1u);
  // Still delivered: the other segment completes the message.
  EXPECT_EQ(t.onReceipt("a2", S::Delivered, kT0).message, finalUpdate(1, S::Delivered));
}

TEST(ReceiptTracker, LaterFinalConflictKeepsFirst) {
  ReceiptTracker t;
  t.onSubmitted(1, 0, 2, "a1", kT0);
  t.onSubmitted(1, 1, 2, "a2", kT0);
  t.onReceipt("a1", S::Delivered, kT0);
  ReceiptUpdate r = t.onReceipt("a1", S::Undeliverable, kT0);
  EXPECT_EQ(r.result, ReceiptResult::Conflict);
  EXPECT_FALSE(r.message.has_value());
  EXPECT_EQ(t.stats().conflicts, 1u);
  EXPECT_EQ(t.onReceipt("a2", S::Delivered, kT0).message, finalUpdate(1, S::Delivered));
}

TEST(ReceiptTracker, UnrecognisedStateIsIgnored) {
  ReceiptTracker t;
  t.onSubmitted(1, 0, 1, "a1", kT0);
  ReceiptUpdate r = t.onReceipt("a1", S::Unrecognised, kT0);
  EXPECT_EQ(r.result, ReceiptResult::Unrecognised);
  EXPECT_EQ(t.onReceipt("ffff", S::Unrecognised, kT0).result, ReceiptResult::Unrecognised);
  EXPECT_EQ(t.stats().unrecognised, 2u);
  EXPECT_EQ(t.stats().early_pending, 0u);
  EXPECT_EQ(t.stats().tracked_messages, 1u);
}

// ---- derived state of a 3-segment message ----

struct Step {
  uint32_t segment;
  MessageState state;
  std::optional<MessageUpdate> expected;
};
struct DerivedCase {
  const char* label;
  std::vector<Step> steps;
  uint64_t tracked_after;
};
// Readable test names in CTest (gtest prints unknown structs as raw bytes).
void PrintTo(const DerivedCase& c, std::ostream* os) { *os << c.label; }

class ReceiptTrackerDerived : public ::testing::TestWithParam<DerivedCase> {};

TEST_P(ReceiptTrackerDerived, Steps) {
  ReceiptTracker t;
  const char* ids[] = {"100", "101", "102"};
  for (uint32_t i = 0; i < 3; ++i) t.onSubmitted(9, i, 3, ids[i], kT0);
  size_t n = 0;
  for (const Step& step : GetParam().steps) {
    ReceiptUpdate r = t.onReceipt(ids[step.segment], step.state, kT0);
    EXPECT_EQ(r.message, step.expected) << "step " << n;
    ++n;
  }
  EXPECT_EQ(t.stats().tracked_messages, GetParam().tracked_after);
}

const std::optional<MessageUpdate> kNone = std::nullopt;

INSTANTIATE_TEST_SUITE_P(
    Table, ReceiptTrackerDerived,
    ::testing::Values(DerivedCase{"all_delivered",
                                  {{0, S::Delivered, openUpdate(9, S::Enroute)},
                                   {2, S::Delivered, kNone},
                                   {1, S::Delivered, finalUpdate(9, S::Delivered)}},
                                  0},
                      DerivedCase{"least_advanced_non_final",
                                  {{0, S::Accepted, openUpdate(9, S::Accepted)},
                                   {1, S::Enroute, openUpdate(9, S::Enroute)},
                                   {1, S::Accepted, openUpdate(9, S::Accepted)},
                                   {0, S::Delivered, kNone},
                                   {1, S::Delivered, kNone},
                                   {2, S::Delivered, finalUpdate(9, S::Delivered)}},
                                  0},
                      DerivedCase{"failure_is_final_at_once",
                                  {{0, S::Delivered, openUpdate(9, S::Enroute)},
                                   {1, S::Undeliverable, finalUpdate(9, S::Undeliverable)},
                                   {2, S::Delivered, kNone}},
                                  0},
                      DerivedCase{
                          "first_failure_wins",
                          {{2, S::Expired, finalUpdate(9, S::Expired)}, {0, S::Rejected, kNone}},
                          1},  // segment 1 still open: kept closed until final or timeout
                      DerivedCase{"failure_after_enroute",
                                  {{0, S::Enroute, openUpdate(9, S::Enroute)},
                                   {1, S::Deleted, finalUpdate(9, S::Deleted)}},
                                  1},
                      DerivedCase{"unknown_segment_makes_unknown_final",
                                  {{0, S::Delivered, openUpdate(9, S::Enroute)},
                                   {1, S::Unknown, kNone},
                                   {2, S::Delivered, finalUpdate(9, S::Unknown)}},
                                  0},
                      DerivedCase{"failure_beats_unknown",
                                  {{0, S::Unknown, openUpdate(9, S::Enroute)},
                                   {1, S::Skipped, finalUpdate(9, S::Skipped)}},
                                  1},
                      DerivedCase{"scheduled_is_least_advanced",
                                  {{0, S::Scheduled, openUpdate(9, S::Scheduled)},
                                   {1, S::Accepted, kNone},
                                   {0, S::Enroute, openUpdate(9, S::Enroute)}},
                                  1}),
    [](const ::testing::TestParamInfo<DerivedCase>& param_info) {
      return std::string(param_info.param.label);
    });

TEST(ReceiptTracker, ClosedMessageAbsorbsLateSubmitsAndReceipts) {
  ReceiptTracker t;
  t.onSubmitted(5, 0, 2, "b0", kT0);
  EXPECT_EQ(t.onReceipt("b0", S::Rejected, kT0).message, finalUpdate(5, S::Rejected));
  SubmitUpdate late = t.onSubmitted(5, 1, 2, "b1", kT0 + seconds(1));
  EXPECT_EQ(late.result, SubmitResult::Tracked);
  EXPECT_FALSE(late.message.has_value());
  ReceiptUpdate r = t.onReceipt("b1", S::Delivered, kT0 + seconds(2));
  EXPECT_EQ(r.result, ReceiptResult::Applied);
  EXPECT_FALSE(r.message.has_value());
  EXPECT_EQ(t.stats().tracked_messages, 0u);  // all segments final: forgotten
}

TEST(ReceiptTracker, ClosedMessageExpiresSilently) {
  ReceiptTracker t;
  t.onSubmitted(5, 0, 2, "b0", kT0);
  t.onReceipt("b0", S::Expired, kT0);
  EXPECT_TRUE(t.expire(kT0 + hours(73)).empty());
  EXPECT_EQ(t.stats().expired, 0u);
  EXPECT_EQ(t.stats().tracked_messages, 0u);
}

// ---- early receipts ----

TEST(ReceiptTracker, EarlyReceiptsMergeWhileParked) {
  ReceiptTracker t;
  EXPECT_EQ(t.onReceipt("77", S::Enroute, kT0).result, ReceiptResult::Parked);
  EXPECT_EQ(t.onReceipt("77", S::Enroute, kT0).result, ReceiptResult::Duplicate);
  EXPECT_EQ(t.onReceipt("4d", S::Delivered, kT0).result, ReceiptResult::Parked);  // 77 in hex
  EXPECT_EQ(t.onReceipt("77", S::Accepted, kT0).result, ReceiptResult::RegressionIgnored);
  EXPECT_EQ(t.stats().early_pending, 1u);
  EXPECT_EQ(t.stats().early_parked, 1u);
  EXPECT_EQ(t.stats().duplicates, 1u);
  EXPECT_EQ(t.stats().regressions_ignored, 1u);
  SubmitUpdate s = t.onSubmitted(3, 0, 1, "4D", kT0 + seconds(2));
  EXPECT_EQ(s.message, finalUpdate(3, S::Delivered));
}

TEST(ReceiptTracker, EarlyReceiptForOneSegmentOfMany) {
  ReceiptTracker t;
  t.onReceipt("c1", S::Delivered, kT0);
  t.onSubmitted(4, 0, 2, "c0", kT0);
  SubmitUpdate s = t.onSubmitted(4, 1, 2, "c1", kT0);
  EXPECT_TRUE(s.early_applied);
  EXPECT_EQ(s.message, openUpdate(4, S::Enroute));
  EXPECT_EQ(t.onReceipt("c0", S::Delivered, kT0).message, finalUpdate(4, S::Delivered));
}

TEST(ReceiptTracker, UnknownIdDroppedAfterAgeLimit) {
  ReceiptTracker t(ReceiptTrackerConfig{.early_receipt_max_age = minutes(10)});
  t.onReceipt("dead", S::Delivered, kT0);
  t.expire(kT0 + minutes(9));
  EXPECT_EQ(t.stats().early_pending, 1u);
  t.expire(kT0 + minutes(10));
  EXPECT_EQ(t.stats().early_pending, 0u);
  EXPECT_EQ(t.stats().unknown_dropped, 1u);
  // Too late now: the submit is tracked without the dropped receipt.
  SubmitUpdate s = t.onSubmitted(1, 0, 1, "dead", kT0 + minutes(11));
  EXPECT_FALSE(s.early_applied);
  EXPECT_FALSE(s.message.has_value());
}

TEST(ReceiptTracker, EarlyReceiptCapDropsOldest) {
  ReceiptTracker t(ReceiptTrackerConfig{.max_early_receipts = 3});
  for (int i = 1; i <= 5; ++i) t.onReceipt(std::to_string(i), S::Delivered, kT0 + seconds(i));
  EXPECT_EQ(t.stats().early_pending, 3u);
  EXPECT_EQ(t.stats().unknown_dropped, 2u);
  EXPECT_FALSE(t.onSubmitted(1, 0, 1, "1", kT0).early_applied);  // dropped
  EXPECT_TRUE(t.onSubmitted(5, 0, 1, "5", kT0).early_applied);
}

// ---- submits ----

TEST(ReceiptTracker, InvalidSubmitsAreRejected) {
  ReceiptTracker t;
  EXPECT_EQ(t.onSubmitted(1, 0, 0, "a", kT0).result, SubmitResult::InvalidInput);
  EXPECT_EQ(t.onSubmitted(1, 2, 2, "a", kT0).result, SubmitResult::InvalidInput);
  EXPECT_EQ(t.onSubmitted(1, 0, 256, "a", kT0).result, SubmitResult::InvalidInput);
  EXPECT_EQ(t.onSubmitted(1, 0, 1, "  ", kT0).result, SubmitResult::InvalidInput);
  EXPECT_EQ(t.onSubmitted(1, 0, 2, "a", kT0).result, SubmitResult::Tracked);
  EXPECT_EQ(t.onSubmitted(1, 1, 3, "b", kT0).result, SubmitResult::InvalidInput);
  EXPECT_EQ(t.onSubmitted(1, 0, 2, "A", kT0).result, SubmitResult::DuplicateId);
  EXPECT_EQ(t.stats().invalid_submits, 5u);
  EXPECT_EQ(t.stats().tracked_segments, 1u);
}

TEST(ReceiptTracker, ResubmittedSegmentUsesNewestId) {
  ReceiptTracker t;
  t.onSubmitted(1, 0, 1, "old1", kT0);
  t.onSubmitted(1, 0, 1, "new1", kT0 + seconds(30));
  EXPECT_EQ(t.stats().tracked_segments, 1u);
  EXPECT_EQ(t.onReceipt("old1", S::Delivered, kT0).result, ReceiptResult::Parked);
  EXPECT_EQ(t.onReceipt("new1", S::Delivered, kT0).message, finalUpdate(1, S::Delivered));
}

TEST(ReceiptTracker, ReusedIdMovesToNewestSegment) {
  ReceiptTracker t;
  t.onSubmitted(1, 0, 1, "abc", kT0);
  t.onSubmitted(2, 0, 1, "ABC", kT0 + seconds(1));
  EXPECT_EQ(t.stats().id_reused, 1u);
  EXPECT_EQ(t.onReceipt("abc", S::Delivered, kT0).message, finalUpdate(2, S::Delivered));
  // Message 1 lost its id and can only expire.
  std::vector<MessageUpdate> expired = t.expire(kT0 + hours(72));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0], finalUpdate(1, S::Unknown));
  EXPECT_EQ(t.stats().tracked_segments, 0u);
}

TEST(ReceiptTracker, AbandonForgetsMessage) {
  ReceiptTracker t;
  t.onSubmitted(1, 0, 2, "a", kT0);
  EXPECT_TRUE(t.abandon(1));
  EXPECT_FALSE(t.abandon(1));
  EXPECT_EQ(t.stats().tracked_messages, 0u);
  EXPECT_EQ(t.stats().tracked_segments, 0u);
  EXPECT_EQ(t.onReceipt("a", S::Delivered, kT0).result, ReceiptResult::Parked);
}

// ---- expiry ----

TEST(ReceiptTracker, ExpireReturnsOpenMessagesOldestFirstWithLimit) {
  ReceiptTracker t(ReceiptTrackerConfig{.receipt_timeout = hours(72)});
  t.onSubmitted(1, 0, 1, "1", kT0);
  t.onSubmitted(2, 0, 2, "2", kT0 + hours(1));
  t.onReceipt("2", S::Enroute, kT0 + hours(2));
  t.onSubmitted(3, 0, 1, "3", kT0 + hours(5));
  EXPECT_TRUE(t.expire(kT0 + hours(71)).empty());

  std::vector<MessageUpdate> first = t.expire(kT0 + hours(80), 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], finalUpdate(1, S::Unknown));
  std::vector<MessageUpdate> rest = t.expire(kT0 + hours(80));
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0], finalUpdate(2, S::Unknown));
  EXPECT_EQ(rest[1], finalUpdate(3, S::Unknown));
  EXPECT_EQ(t.stats().expired, 3u);
  EXPECT_EQ(t.stats().tracked_messages, 0u);
  EXPECT_EQ(t.stats().tracked_segments, 0u);
  // Receipts for expired messages are unknown now.
  EXPECT_EQ(t.onReceipt("3", S::Delivered, kT0 + hours(81)).result, ReceiptResult::Parked);
}

TEST(ReceiptTracker, ExpireKeepsFinishedMessagesOutOfTheList) {
  ReceiptTracker t;
  t.onSubmitted(1, 0, 1, "1", kT0);
  t.onSubmitted(2, 0, 1, "2", kT0);
  t.onSubmitted(3, 0, 1, "3", kT0);
  t.onReceipt("2", S::Delivered, kT0);  // unlinks from the middle
  t.onReceipt("1", S::Delivered, kT0);  // unlinks the head
  std::vector<MessageUpdate> expired = t.expire(kT0 + hours(72));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].message_ref, 3u);
}

TEST(ReceiptTracker, ManyMessagesStayConsistent) {
  ReceiptTracker t;
  constexpr uint64_t kCount = 20'000;
  for (uint64_t ref = 0; ref < kCount; ++ref) {
    const uint32_t segments = 1 + ref % 3;
    for (uint32_t i = 0; i < segments; ++i) {
      t.onSubmitted(ref, i, segments, std::to_string(ref * 4 + i), kT0);
    }
  }
  EXPECT_EQ(t.stats().tracked_messages, kCount);
  uint64_t finals = 0;
  for (uint64_t ref = 0; ref < kCount; ref += 2) {  // even refs: every segment delivered
    const uint32_t segments = 1 + ref % 3;
    for (uint32_t i = 0; i < segments; ++i) {
      ReceiptUpdate r = t.onReceipt(std::to_string(ref * 4 + i), S::Delivered, kT0);
      if (r.message && r.message->is_final) ++finals;
    }
  }
  EXPECT_EQ(finals, kCount / 2);
  EXPECT_EQ(t.stats().tracked_messages, kCount / 2);
  EXPECT_EQ(t.expire(kT0 + hours(72)).size(), kCount / 2);
  EXPECT_EQ(t.stats().tracked_segments, 0u);
}

}  // namespace
}  // namespace liaison::gateway::smpp
