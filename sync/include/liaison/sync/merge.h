// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The merge, as a pure function (STYLE R15): the storage layer stages the current state of
// everything a batch touches, computePlan() decides, and the storage layer applies the Plan in
// one transaction. No I/O, no clocks, no globals: the same inputs give the same Plan on the
// gateway and on every phone. The rules are normative in docs/sync-protocol.md "Merge".
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "liaison/sync/hlc.h"
#include "liaison/sync/v1/sync.pb.h"

namespace liaison::sync {

// Who wrote a value and when. Totally ordered by (hlc, device_id): the merge's tie-break.
struct Version {
  HlcTimestamp hlc;
  std::string device_id;
  friend auto operator<=>(const Version&, const Version&) = default;
};

Version versionOf(const v1::Operation& op);
std::optional<Version> fromProto(const v1::Version& v, bool present);

struct EntityKey {
  std::string type;
  std::string id;
  friend auto operator<=>(const EntityKey&, const EntityKey&) = default;
};

// The winning write of one field on this replica.
struct FieldState {
  std::string value;            // the field's protobuf encoding; empty means cleared
  Version version;              // of the write that put it there
  std::optional<Version> base;  // that write's FieldWrite.base, kept to detect concurrency
  friend bool operator==(const FieldState&, const FieldState&) = default;
};

struct Tombstone {
  Version version;
  std::optional<Version> base;  // EntityDelete.base of the winning delete
  friend auto operator<=>(const Tombstone&, const Tombstone&) = default;
};

// One shared entity on this replica. Every field present has a version newer than the
// tombstone; an entity with a tombstone and no fields is deleted.
struct EntityState {
  std::map<std::string, FieldState> fields;
  std::optional<Tombstone> tombstone;

  bool deleted() const { return tombstone.has_value() && fields.empty(); }
  friend bool operator==(const EntityState&, const EntityState&) = default;
};

// What the storage layer loads before computePlan(): the state of every key stageKeys() named.
struct StagedState {
  // For a device push: that device's high-water mark (0 before its first operation). Unset
  // for operations relayed from the server's scope log, which the cursor already orders.
  std::optional<uint64_t> device_hwm;
  std::map<EntityKey, EntityState> entities;       // absent: never seen on this replica
  std::map<std::string, std::string> submissions;  // submission id -> content hash
};

// The keys a batch touches, so the storage layer can stage exactly those rows.
struct StageKeys {
  std::vector<EntityKey> entities;       // sorted, unique
  std::vector<std::string> submissions;  // sorted, unique
};
StageKeys stageKeys(std::span<const v1::Operation* const> ops);

struct MergeOptions {
  uint64_t now_ms = 0;  // this replica's clock; 0 turns the clock-skew flag off
  uint64_t skew_flag_ms = HybridLogicalClock::kDefaultSkewFlagMs;
};

enum class OpOutcome {
  Applied,     // changed state (all or some of its fields won, or its tombstone did)
  Superseded,  // valid and consumed, but newer versions already won every field
  Replay,      // device_seq <= high-water mark: already applied, nothing to do
  Duplicate,   // submission with a known id and the same content hash
  Rejected,    // consumed but never applied; surfaced with a code (kept, not dropped)
  Deferred,    // after a sequence gap: not looked at; the device resends from resend_from
};
const char* outcomeName(OpOutcome outcome);

struct OpResult {
  uint64_t device_seq = 0;
  OpOutcome outcome = OpOutcome::Deferred;
  v1::ErrorCode code = v1::ERROR_CODE_OK;  // set when Rejected
  std::string detail;                      // PII-free, when Rejected
};

struct SubmissionInsert {
  std::string id;
  std::string content_hash;
  std::size_t op_index = 0;  // the op in the input whose record to store
};

struct EntityWrite {
  EntityKey key;
  EntityState state;  // the entity's full new state: upsert it
};

enum class ReviewReason {
  ConcurrentEdit,    // two devices wrote a field, neither having seen the other's value
  EditLostToDelete,  // a delete removed (or outranked) a write its device had not seen
  EditAfterDelete,   // a write from another device revived a deleted entity
  ClockSkew,         // the op's HLC is far ahead of this replica's clock (never rejected)
};
const char* reviewReasonName(ReviewReason reason);

// Something for a person to look at. Advisory: the merged state never depends on it. Unique by
// (reason, key, field, winner, loser), which storage can use to de-duplicate.
struct ReviewFlag {
  ReviewReason reason = ReviewReason::ConcurrentEdit;
  EntityKey key;
  std::string field;  // empty for whole-entity and clock flags
  Version winner;
  Version loser;
  std::string losing_value;  // the value that lost, kept for the reviewer (may be personal data)
  std::size_t op_index = 0;  // the incoming op that raised it
};

// Plain data; apply all of it in one transaction, or none.
struct Plan {
  std::vector<OpResult> results;  // one per incoming op, in order
  std::vector<SubmissionInsert> submission_inserts;
  std::vector<EntityWrite> entity_writes;  // changed entities only, sorted by key
  std::vector<ReviewFlag> review_flags;
  std::vector<std::size_t> relay;   // ops that changed state: append to the scope log
  std::optional<uint64_t> new_hwm;  // device push: store it with the data
  uint64_t resend_from = 0;         // nonzero: sequence gap, ask the device from here

  bool changesState() const {
    return !submission_inserts.empty() || !entity_writes.empty() || new_hwm.has_value();
  }
};

// Decides what `ops` do to `current`. Pure and thread-safe. Ops must have passed
// decodeSyncRequest() (envelope checks); record-level checks run here and reject single ops.
Plan computePlan(const StagedState& current, std::span<const v1::Operation* const> ops,
                 const MergeOptions& options = {});
Plan computePlan(const StagedState& current, const v1::Batch& batch,
                 const MergeOptions& options = {});

// The Ack for a device push once the Plan is durably applied. `previous_hwm` is the staged
// high-water mark; rejections stored for replayed seqs are the storage layer's to add.
v1::Ack makeAck(const Plan& plan, uint64_t previous_hwm);

}  // namespace liaison::sync
