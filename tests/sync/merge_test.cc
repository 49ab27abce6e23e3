// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Every merge and conflict case as one table row (STYLE R15): staged state + incoming ops ->
// expected outcomes, resulting entity, review flags and sequencing. No storage, no network.
#include "liaison/sync/merge.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sync_test_util.h"

namespace liaison::sync {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

const std::string A = "dev-a", B = "dev-b";
const std::string kM1 = "m1";

Version ver(uint64_t wall, const std::string& device) { return Version{{wall, 0}, device}; }

FieldState field(const std::string& value, uint64_t wall, const std::string& device,
                 std::optional<Version> base = std::nullopt) {
  return FieldState{value, ver(wall, device), std::move(base)};
}

StagedState entity(std::map<std::string, FieldState> fields,
                   std::optional<Tombstone> tomb = std::nullopt,
                   std::optional<uint64_t> hwm = std::nullopt) {
  StagedState s;
  s.device_hwm = hwm;
  s.entities[{kEntityType, kM1}] = EntityState{std::move(fields), std::move(tomb)};
  return s;
}

StagedState hwm(uint64_t h) {
  StagedState s;
  s.device_hwm = h;
  return s;
}

StagedState knownSubmission(const std::string& id, char hash_seed) {
  StagedState s;
  s.submissions[id] = std::string(32, hash_seed);
  return s;
}

using O = OpOutcome;
using R = ReviewReason;

struct MergeCase {
  const char* name = "";
  StagedState staged{};
  std::vector<v1::Operation> ops{};
  std::vector<OpOutcome> outcomes{};
  std::map<std::string, std::string> fields{};  // m1's fields afterwards (value by name)
  bool deleted = false;                         // m1 deleted afterwards
  std::vector<ReviewReason> flags{};
  std::size_t inserts = 0;
  uint64_t resend_from = 0;
  std::optional<uint64_t> new_hwm{};
  std::vector<v1::ErrorCode> rejection_codes{};
  MergeOptions options{};
};
void PrintTo(const MergeCase& c, std::ostream* os) { *os << c.name; }

const std::vector<MergeCase>& cases() {
  static const std::vector<MergeCase> kCases = {
      // --- per-field last writer wins by (HLC, device id) ---
      {.name = "NewFieldIsInserted",
       .ops = {update(A, 1, 100, kM1, {{"language", "fr"}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}}},
      {.name = "HigherHlcWinsSequentialEditNotFlagged",
       .staged = entity({{"language", field("de", 100, B)}}),
       .ops = {update(A, 1, 200, kM1, {{"language", "fr", Base{100, 0, B}}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}}},
      {.name = "LowerHlcLosesAndWinnerHadSeenIt",
       .staged = entity({{"language", field("de", 300, B, ver(200, A))}}),
       .ops = {update(A, 1, 200, kM1, {{"language", "fr"}})},
       .outcomes = {O::Superseded},
       .fields = {{"language", "de"}}},
      {.name = "EqualHlcBrokenByDeviceIdHigherWins",
       .staged = entity({{"language", field("de", 200, A)}}),
       .ops = {update(B, 1, 200, kM1, {{"language", "fr"}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}},
       .flags = {R::ConcurrentEdit}},
      {.name = "EqualHlcBrokenByDeviceIdLowerLoses",
       .staged = entity({{"language", field("de", 200, B)}}),
       .ops = {update(A, 1, 200, kM1, {{"language", "fr"}})},
       .outcomes = {O::Superseded},
       .fields = {{"language", "de"}},
       .flags = {R::ConcurrentEdit}},
      {.name = "LogicalCounterOrdersWithinAMillisecond",
       .staged = entity({{"language", field("de", 200, B)}}),
       .ops = {update(A, 1, 200, kM1, {{"language", "fr", Base{200, 0, B}}}, 1)},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}}},
      {.name = "SameWriteAgainIsANoOp",
       .staged = entity({{"language", field("fr", 200, A)}}),
       .ops = {update(A, 1, 200, kM1, {{"language", "fr"}})},
       .outcomes = {O::Superseded},
       .fields = {{"language", "fr"}}},
      {.name = "PerFieldMergeKeepsTheNewerFieldElsewhere",
       .staged = entity({{"language", field("de", 300, B)}, {"time_zone", field("X", 100, B)}}),
       .ops = {update(A, 1, 200, kM1,
                      {{"language", "fr", Base{100, 0, B}}, {"time_zone", "Y", Base{100, 0, B}}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "de"}, {"time_zone", "Y"}},
       .flags = {R::ConcurrentEdit}},
      {.name = "EmptyValueClearsButKeepsVersion",
       .staged = entity({{"language", field("de", 100, A)}}),
       .ops = {update(A, 1, 200, kM1, {{"language", ""}})},
       .outcomes = {O::Applied},
       .fields = {{"language", ""}}},
      // --- concurrent edits: flagged for review, resolved the same way everywhere ---
      {.name = "ConcurrentWinnerArrivesSecond",
       .staged = entity({{"language", field("de", 100, B)}}),
       .ops = {update(A, 1, 200, kM1, {{"language", "fr"}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}},
       .flags = {R::ConcurrentEdit}},
      {.name = "ConcurrentLoserArrivesSecond",
       .staged = entity({{"language", field("fr", 200, A)}}),
       .ops = {update(B, 1, 100, kM1, {{"language", "de"}})},
       .outcomes = {O::Superseded},
       .fields = {{"language", "fr"}},
       .flags = {R::ConcurrentEdit}},
      {.name = "StaleBaseIsConcurrent",
       .staged = entity({{"language", field("de", 150, B, ver(100, A))}}),
       .ops = {update(A, 1, 200, kM1, {{"language", "fr", Base{100, 0, A}}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}},
       .flags = {R::ConcurrentEdit}},
      {.name = "SameDeviceIsNeverConcurrent",
       .staged = entity({{"language", field("de", 100, A)}}),
       .ops = {update(A, 1, 200, kM1, {{"language", "fr"}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}}},
      // --- deletes are tombstones ---
      {.name = "DeleteRemovesSeenFields",
       .staged = entity({{"language", field("de", 100, A)}}),
       .ops = {remove(B, 1, 200, kM1, Base{100, 0, A})},
       .outcomes = {O::Applied},
       .deleted = true},
      {.name = "DeleteOfUnseenEditIsFlagged",
       .staged = entity({{"language", field("de", 150, A)}}),
       .ops = {remove(B, 1, 200, kM1, Base{100, 0, A})},
       .outcomes = {O::Applied},
       .deleted = true,
       .flags = {R::EditLostToDelete}},
      {.name = "TombstoneOutranksOlderWriteArrivingLate",
       .staged = entity({}, Tombstone{ver(200, B), ver(100, A)}),
       .ops = {update(A, 1, 150, kM1, {{"language", "fr"}})},
       .outcomes = {O::Superseded},
       .deleted = true,
       .flags = {R::EditLostToDelete}},
      {.name = "TombstoneOutranksWriteTheDeleterSaw",
       .staged = entity({}, Tombstone{ver(200, B), ver(150, A)}),
       .ops = {update(A, 1, 150, kM1, {{"language", "fr"}})},
       .outcomes = {O::Superseded},
       .deleted = true},
      {.name = "NewerWriteRevivesAndIsFlagged",
       .staged = entity({}, Tombstone{ver(200, B), std::nullopt}),
       .ops = {update(A, 1, 300, kM1, {{"language", "fr"}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}},
       .flags = {R::EditAfterDelete}},
      {.name = "DeleteKeepsNewerFields",
       .staged = entity({{"language", field("de", 100, A)}, {"time_zone", field("X", 300, A)}}),
       .ops = {remove(B, 1, 200, kM1, Base{100, 0, A})},
       .outcomes = {O::Applied},
       .fields = {{"time_zone", "X"}}},
      {.name = "OlderDeleteIsSuperseded",
       .staged = entity({}, Tombstone{ver(300, B), std::nullopt}),
       .ops = {remove(A, 1, 200, kM1)},
       .outcomes = {O::Superseded},
       .deleted = true},
      {.name = "DeleteOfUnknownEntityLeavesTombstone",
       .ops = {remove(A, 1, 200, kM1), update(B, 1, 100, kM1, {{"language", "de"}})},
       .outcomes = {O::Applied, O::Superseded},
       .deleted = true,
       .flags = {R::EditLostToDelete}},
      // --- submissions: immutable, id + content hash ---
      {.name = "NewSubmissionIsInserted",
       .ops = {submission(A, 1, 100, uuid7(1))},
       .outcomes = {O::Applied},
       .inserts = 1},
      {.name = "SameIdSameHashIsDuplicate",
       .staged = knownSubmission(uuid7(1), 'a'),
       .ops = {submission(A, 1, 100, uuid7(1), 'a')},
       .outcomes = {O::Duplicate}},
      {.name = "SameIdDifferentHashIsSurfaced",
       .staged = knownSubmission(uuid7(1), 'a'),
       .ops = {submission(A, 1, 100, uuid7(1), 'b')},
       .outcomes = {O::Rejected},
       .rejection_codes = {v1::ERROR_CODE_CONFLICTING_SUBMISSION}},
      {.name = "IdReusedWithinOneBatch",
       .ops = {submission(A, 1, 100, uuid7(1), 'a'), submission(A, 2, 101, uuid7(1), 'b'),
               submission(A, 3, 102, uuid7(1), 'a')},
       .outcomes = {O::Applied, O::Rejected, O::Duplicate},
       .inserts = 1,
       .rejection_codes = {v1::ERROR_CODE_CONFLICTING_SUBMISSION}},
      {.name = "InvalidRecordRejectedAloneOthersApply",
       .staged = hwm(0),
       .ops = {[] {
                 v1::Operation op = submission(A, 1, 100, uuid7(1));
                 op.mutable_submission()->mutable_poll_response()->clear_source();
                 return op;
               }(),
               update(A, 2, 101, kM1, {{"language", "fr"}})},
       .outcomes = {O::Rejected, O::Applied},
       .fields = {{"language", "fr"}},
       .new_hwm = 2,
       .rejection_codes = {v1::ERROR_CODE_RECORD_INVALID}},
      // --- per-device high-water mark ---
      {.name = "FirstOperationEver",
       .staged = hwm(0),
       .ops = {update(A, 1, 100, kM1, {{"language", "fr"}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}},
       .new_hwm = 1},
      {.name = "ReplayIsANoOp",
       .staged = hwm(10),
       .ops = {update(A, 9, 100, kM1, {{"language", "fr"}}),
               update(A, 10, 101, kM1, {{"language", "es"}})},
       .outcomes = {O::Replay, O::Replay}},
      {.name = "OverlapAppliesOnlyTheNew",
       .staged = hwm(10),
       .ops = {update(A, 10, 100, kM1, {{"language", "fr"}}),
               update(A, 11, 101, kM1, {{"language", "es"}})},
       .outcomes = {O::Replay, O::Applied},
       .fields = {{"language", "es"}},
       .new_hwm = 11},
      {.name = "GapAsksForResendAndAppliesNothing",
       .staged = hwm(10),
       .ops = {update(A, 12, 100, kM1, {{"language", "fr"}}), submission(A, 13, 101, uuid7(2))},
       .outcomes = {O::Deferred, O::Deferred},
       .resend_from = 11},
      {.name = "GapFromTheStart",
       .staged = hwm(0),
       .ops = {update(A, 2, 100, kM1, {{"language", "fr"}})},
       .outcomes = {O::Deferred},
       .resend_from = 1},
      {.name = "RelayedOpsIgnoreDeviceSequence",
       .ops = {update(A, 99, 100, kM1, {{"language", "fr"}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}}},
      // --- clocks: skew is flagged, never rejected; device wall clock never orders ---
      {.name = "FarFutureHlcFlaggedButApplied",
       .ops = {update(A, 1, 10'000'000, kM1, {{"language", "fr"}})},
       .outcomes = {O::Applied},
       .fields = {{"language", "fr"}},
       .flags = {R::ClockSkew},
       .options = {.now_ms = 1'000, .skew_flag_ms = 60'000}},
      {.name = "ClaimedTimeDoesNotOrder",
       .staged = entity({{"language", field("de", 200, B)}}),
       .ops = {[] {
         v1::Operation op = update(A, 1, 100, kM1, {{"language", "fr"}});
         op.mutable_claimed_at()->set_seconds(4'000'000'000);  // the phone says year 2096
         return op;
       }()},
       .outcomes = {O::Superseded},
       .fields = {{"language", "de"}},
       .flags = {R::ConcurrentEdit}},
  };
  return kCases;
}

class Merge : public ::testing::TestWithParam<MergeCase> {};

TEST_P(Merge, Case) {
  const MergeCase& c = GetParam();
  const Plan plan = computePlan(c.staged, pointers(c.ops), c.options);

  ASSERT_EQ(plan.results.size(), c.ops.size());
  for (std::size_t i = 0; i < c.ops.size(); ++i) {
    EXPECT_EQ(outcomeName(plan.results[i].outcome), std::string(outcomeName(c.outcomes[i])))
        << "op " << i;
    EXPECT_EQ(plan.results[i].device_seq, c.ops[i].device_seq());
  }
  std::vector<v1::ErrorCode> codes;
  for (const OpResult& r : plan.results) {
    if (r.outcome == OpOutcome::Rejected) codes.push_back(r.code);
  }
  EXPECT_EQ(codes, c.rejection_codes);

  // The entity afterwards: staged state overlaid with the plan's writes.
  const EntityKey key{kEntityType, kM1};
  std::optional<EntityState> after;
  if (auto it = c.staged.entities.find(key); it != c.staged.entities.end()) after = it->second;
  for (const EntityWrite& w : plan.entity_writes) {
    if (w.key == key) after = w.state;
  }
  std::map<std::string, std::string> fields;
  if (after) {
    for (const auto& [name, f] : after->fields) fields[name] = f.value;
  }
  EXPECT_EQ(fields, c.fields);
  EXPECT_EQ(after.has_value() && after->deleted(), c.deleted);

  std::vector<std::string> flags, want;
  for (const ReviewFlag& f : plan.review_flags) flags.push_back(reviewReasonName(f.reason));
  for (ReviewReason r : c.flags) want.push_back(reviewReasonName(r));
  EXPECT_EQ(flags, want);

  EXPECT_EQ(plan.submission_inserts.size(), c.inserts);
  EXPECT_EQ(plan.resend_from, c.resend_from);
  EXPECT_EQ(plan.new_hwm, c.new_hwm);
  if (plan.resend_from != 0) {
    EXPECT_FALSE(plan.changesState());
  }
  // Relay exactly the ops that changed state.
  std::size_t applied = 0;
  for (const OpResult& r : plan.results) applied += r.outcome == OpOutcome::Applied ? 1 : 0;
  EXPECT_EQ(plan.relay.size(), applied);
}

INSTANTIATE_TEST_SUITE_P(Table, Merge, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<MergeCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(MergePlan, UnchangedEntityIsNotRewritten) {
  const StagedState s = entity({{"language", field("fr", 200, A)}});
  const std::vector<v1::Operation> ops = {update(A, 1, 200, kM1, {{"language", "fr"}})};
  EXPECT_TRUE(computePlan(s, pointers(ops)).entity_writes.empty());
}

TEST(MergePlan, ReviewFlagCarriesBothVersionsAndTheLosingValue) {
  const StagedState s = entity({{"language", field("de", 100, B)}});
  const std::vector<v1::Operation> ops = {update(A, 1, 200, kM1, {{"language", "fr"}})};
  const Plan plan = computePlan(s, pointers(ops));
  ASSERT_EQ(plan.review_flags.size(), 1u);
  const ReviewFlag& f = plan.review_flags[0];
  EXPECT_EQ(f.field, "language");
  EXPECT_EQ(f.winner, ver(200, A));
  EXPECT_EQ(f.loser, ver(100, B));
  EXPECT_EQ(f.losing_value, "de");
  EXPECT_EQ(f.op_index, 0u);
}

TEST(MergePlan, AckReportsThroughAndRejections) {
  StagedState s = knownSubmission(uuid7(1), 'a');
  s.device_hwm = 4;
  const std::vector<v1::Operation> ops = {submission(A, 5, 100, uuid7(1), 'b'),
                                          submission(A, 6, 101, uuid7(2))};
  const Plan plan = computePlan(s, pointers(ops));
  const v1::Ack ack = makeAck(plan, 4);
  EXPECT_EQ(ack.applied_through_seq(), 6u);
  ASSERT_EQ(ack.rejections_size(), 1);
  EXPECT_EQ(ack.rejections(0).device_seq(), 5u);
  EXPECT_EQ(ack.rejections(0).code(), v1::ERROR_CODE_CONFLICTING_SUBMISSION);
  EXPECT_EQ(ack.rejections(0).detail().find(uuid7(1)), std::string::npos);
}

TEST(MergePlan, GapAckKeepsThePreviousMark) {
  const std::vector<v1::Operation> ops = {submission(A, 7, 100, uuid7(1))};
  const Plan plan = computePlan(hwm(4), pointers(ops));
  EXPECT_EQ(plan.resend_from, 5u);
  EXPECT_EQ(makeAck(plan, 4).applied_through_seq(), 4u);
}

TEST(MergePlan, StageKeysNamesEveryTouchedRowOnce) {
  const std::vector<v1::Operation> ops = {update(A, 1, 1, "m2", {{"f", "v"}}), remove(A, 2, 2, kM1),
                                          update(A, 3, 3, "m2", {{"g", "w"}}),
                                          submission(A, 4, 4, uuid7(3)),
                                          submission(A, 5, 5, uuid7(3))};
  const StageKeys keys = stageKeys(pointers(ops));
  ASSERT_EQ(keys.entities.size(), 2u);
  EXPECT_EQ(keys.entities[0].id, kM1);
  EXPECT_EQ(keys.entities[1].id, "m2");
  EXPECT_EQ(keys.submissions, std::vector<std::string>{uuid7(3)});
}

// docs/sync-protocol.md example D: both phones and the gateway end with the same value, in
// either arrival order, and the gateway flags the pair once.
TEST(WorkedExample, ConflictingEditsOnTwoDevicesEndTheSame) {
  const std::string C = "dev-c";
  const v1::Operation fr = update(A, 1, 200, kM1, {{"language", "fr", Base{100, 0, B}}});
  const v1::Operation es = update(C, 1, 200, kM1, {{"language", "es", Base{100, 0, B}}});
  auto run = [](StagedState s, const std::vector<const v1::Operation*>& order, int* flags) {
    for (const v1::Operation* op : order) {
      const Plan p = computePlan(s, std::span(&op, 1));
      *flags += static_cast<int>(p.review_flags.size());
      for (const EntityWrite& w : p.entity_writes) s.entities[w.key] = w.state;
    }
    return s.entities.at({kEntityType, kM1}).fields.at("language").value;
  };
  const StagedState start = entity({{"language", field("de", 100, B)}});
  int gw_flags = 0, a_flags = 0, c_flags = 0;
  EXPECT_EQ(run(start, {&es, &fr}, &gw_flags), "es");  // gateway: dev-c first
  EXPECT_EQ(run(start, {&fr, &es}, &a_flags), "es");   // dev-a: own edit, then the relay
  EXPECT_EQ(run(start, {&es}, &c_flags), "es");        // dev-c: its own edit is the winner
  EXPECT_EQ(gw_flags, 1);
}

}  // namespace
}  // namespace liaison::sync
