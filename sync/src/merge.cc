// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The pure merge. Why it converges: for every entity the final state is a function of the SET
// of operations seen, not their order. The tombstone is the greatest delete; each field holds
// the greatest write (by version, then value, then base) among writes newer than the
// tombstone. Each step below keeps exactly that invariant, and applying an op twice is the same
// as once, so any order, duplication or redelivery ends in the same state.
#include "liaison/sync/merge.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "liaison/sync/batch_codec.h"

namespace liaison::sync {
namespace {

HlcTimestamp hlcOf(const v1::Hlc& h) { return HlcTimestamp{h.wall_ms(), h.logical()}; }

// Total order of two writes to one field. Versions decide; value and base break the ties a
// well-behaved device never produces (same HLC and device), so even then replicas agree.
std::strong_ordering compareWrites(const FieldState& a, const FieldState& b) {
  if (auto c = a.version <=> b.version; c != 0) return c;
  if (auto c = a.value <=> b.value; c != 0) return c;
  return a.base <=> b.base;
}

// "w's writer had seen `seen`": its base is at least as new as that version.
bool hadSeen(const std::optional<Version>& base, const Version& seen) {
  return base.has_value() && *base >= seen;
}

class Merger {
 public:
  Merger(const StagedState& current, const MergeOptions& options)
      : current_(current), options_(options), submissions_(current.submissions) {}

  Plan run(std::span<const v1::Operation* const> ops) {
    Plan plan;
    plan.results.reserve(ops.size());
    if (current_.device_hwm.has_value() && hasGap(ops, *current_.device_hwm)) {
      // Nothing applies past a gap, and a valid batch is contiguous, so nothing applies at all:
      // the device resends from the first seq the gateway lacks.
      plan.resend_from = *current_.device_hwm + 1;
      for (const v1::Operation* op : ops) {
        plan.results.push_back(OpResult{
            op->device_seq(),
            op->device_seq() <= *current_.device_hwm ? OpOutcome::Replay : OpOutcome::Deferred,
            v1::ERROR_CODE_OK, ""});
      }
      return plan;
    }
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const v1::Operation& op = *ops[i];
      OpResult r;
      r.device_seq = op.device_seq();
      if (current_.device_hwm.has_value()) {
        if (op.device_seq() <= plan.new_hwm.value_or(*current_.device_hwm)) {
          r.outcome = OpOutcome::Replay;
          plan.results.push_back(std::move(r));
          continue;
        }
        plan.new_hwm = op.device_seq();
      }
      flagSkew(op, i, &plan);
      apply(op, i, &plan, &r);
      if (r.outcome == OpOutcome::Applied) plan.relay.push_back(i);
      plan.results.push_back(std::move(r));
    }
    for (auto& [key, state] : entities_) {
      const auto it = current_.entities.find(key);
      if (it == current_.entities.end() || !(it->second == state)) {
        plan.entity_writes.push_back(EntityWrite{key, std::move(state)});
      }
    }
    return plan;
  }

 private:
  // True when some op is neither a replay nor the next seq after those before it.
  static bool hasGap(std::span<const v1::Operation* const> ops, uint64_t hwm) {
    for (const v1::Operation* op : ops) {
      if (op->device_seq() <= hwm) continue;
      if (op->device_seq() != hwm + 1) return true;
      hwm = op->device_seq();
    }
    return false;
  }

  EntityState& entity(const EntityKey& key) {
    auto it = entities_.find(key);
    if (it != entities_.end()) return it->second;
    const auto cur = current_.entities.find(key);
    return entities_.emplace(key, cur == current_.entities.end() ? EntityState{} : cur->second)
        .first->second;
  }

  void flagSkew(const v1::Operation& op, std::size_t index, Plan* plan) {
    const uint64_t wall = op.hlc().wall_ms();
    if (options_.now_ms == 0 || wall <= options_.now_ms ||
        wall - options_.now_ms <= options_.skew_flag_ms) {
      return;
    }
    ReviewFlag f;
    f.reason = ReviewReason::ClockSkew;
    f.winner = versionOf(op);
    f.loser = f.winner;
    f.op_index = index;
    plan->review_flags.push_back(std::move(f));
  }

  void reject(OpResult* r, v1::ErrorCode code, std::string detail) {
    r->outcome = OpOutcome::Rejected;
    r->code = code;
    r->detail = std::move(detail);
  }

  void apply(const v1::Operation& op, std::size_t index, Plan* plan, OpResult* r) {
    Status st = validateRecord(op);
    if (!st.ok()) return reject(r, v1::ERROR_CODE_RECORD_INVALID, st.message());
    switch (op.payload_case()) {
      case v1::Operation::kSubmission: return applySubmission(op, index, plan, r);
      case v1::Operation::kEntityUpdate: return applyUpdate(op, index, plan, r);
      case v1::Operation::kEntityDelete: return applyDelete(op, index, plan, r);
      case v1::Operation::PAYLOAD_NOT_SET: break;
    }
    reject(r, v1::ERROR_CODE_RECORD_INVALID, "record: operation without payload");
  }

  void applySubmission(const v1::Operation& op, std::size_t index, Plan* plan, OpResult* r) {
    const v1::SubmissionOp& s = op.submission();
    const auto [it, inserted] = submissions_.emplace(s.submission_id(), s.content_hash());
    if (inserted) {
      plan->submission_inserts.push_back(
          SubmissionInsert{s.submission_id(), s.content_hash(), index});
      r->outcome = OpOutcome::Applied;
    } else if (it->second == s.content_hash()) {
      r->outcome = OpOutcome::Duplicate;
    } else {
      reject(r, v1::ERROR_CODE_CONFLICTING_SUBMISSION,
             "submission id reused with different content");
    }
  }

  void applyUpdate(const v1::Operation& op, std::size_t index, Plan* plan, OpResult* r) {
    const v1::EntityUpdate& u = op.entity_update();
    const EntityKey key{u.entity_type(), u.entity_id()};
    EntityState& e = entity(key);
    const bool was_deleted = e.deleted();
    bool changed = false;
    for (const v1::FieldWrite& fw : u.fields()) {
      FieldState w{fw.value(), versionOf(op), fromProto(fw.base(), fw.has_base())};
      if (e.tombstone.has_value() && w.version <= e.tombstone->version) {
        // Outranked by the delete. Flag it when the deleter had not seen this write.
        if (w.version.device_id != e.tombstone->version.device_id &&
            !hadSeen(e.tombstone->base, w.version)) {
          flag(plan, ReviewReason::EditLostToDelete, key, fw.field(), e.tombstone->version,
               w.version, w.value, index);
        }
        continue;
      }
      auto it = e.fields.find(fw.field());
      if (it == e.fields.end()) {
        e.fields.emplace(fw.field(), std::move(w));
        changed = true;
        continue;
      }
      FieldState& c = it->second;
      const auto order = compareWrites(w, c);
      if (order == 0) continue;  // the same write again
      const bool other_device = w.version.device_id != c.version.device_id;
      if (order > 0) {
        if (other_device && !hadSeen(w.base, c.version)) {
          flag(plan, ReviewReason::ConcurrentEdit, key, fw.field(), w.version, c.version, c.value,
               index);
        }
        c = std::move(w);
        changed = true;
      } else if (other_device && !hadSeen(c.base, w.version)) {
        flag(plan, ReviewReason::ConcurrentEdit, key, fw.field(), c.version, w.version, w.value,
             index);
      }
    }
    if (changed && was_deleted && e.tombstone->version.device_id != op.device_id()) {
      flag(plan, ReviewReason::EditAfterDelete, key, "", versionOf(op), e.tombstone->version, "",
           index);
    }
    r->outcome = changed ? OpOutcome::Applied : OpOutcome::Superseded;
  }

  void applyDelete(const v1::Operation& op, std::size_t index, Plan* plan, OpResult* r) {
    const v1::EntityDelete& d = op.entity_delete();
    const EntityKey key{d.entity_type(), d.entity_id()};
    EntityState& e = entity(key);
    Tombstone t{versionOf(op), fromProto(d.base(), d.has_base())};
    if (e.tombstone.has_value() && !(*e.tombstone < t)) {
      r->outcome = OpOutcome::Superseded;
      return;
    }
    e.tombstone = std::move(t);
    for (auto it = e.fields.begin(); it != e.fields.end();) {
      const FieldState& f = it->second;
      if (f.version > e.tombstone->version) {
        ++it;
        continue;
      }
      if (f.version.device_id != e.tombstone->version.device_id &&
          !hadSeen(e.tombstone->base, f.version)) {
        flag(plan, ReviewReason::EditLostToDelete, key, it->first, e.tombstone->version, f.version,
             f.value, index);
      }
      it = e.fields.erase(it);
    }
    r->outcome = OpOutcome::Applied;
  }

  static void flag(Plan* plan, ReviewReason reason, const EntityKey& key, const std::string& field,
                   const Version& winner, const Version& loser, const std::string& losing_value,
                   std::size_t index) {
    plan->review_flags.push_back(
        ReviewFlag{reason, key, field, winner, loser, losing_value, index});
  }

  const StagedState& current_;
  const MergeOptions& options_;
  std::map<std::string, std::string> submissions_;
  std::map<EntityKey, EntityState> entities_;  // working copies of touched entities
};

}  // namespace

Version versionOf(const v1::Operation& op) { return Version{hlcOf(op.hlc()), op.device_id()}; }

std::optional<Version> fromProto(const v1::Version& v, bool present) {
  if (!present) return std::nullopt;
  return Version{hlcOf(v.hlc()), v.device_id()};
}

const char* outcomeName(OpOutcome outcome) {
  switch (outcome) {
    case OpOutcome::Applied: return "Applied";
    case OpOutcome::Superseded: return "Superseded";
    case OpOutcome::Replay: return "Replay";
    case OpOutcome::Duplicate: return "Duplicate";
    case OpOutcome::Rejected: return "Rejected";
    case OpOutcome::Deferred: return "Deferred";
  }
  return "Unknown";
}

const char* reviewReasonName(ReviewReason reason) {
  switch (reason) {
    case ReviewReason::ConcurrentEdit: return "ConcurrentEdit";
    case ReviewReason::EditLostToDelete: return "EditLostToDelete";
    case ReviewReason::EditAfterDelete: return "EditAfterDelete";
    case ReviewReason::ClockSkew: return "ClockSkew";
  }
  return "Unknown";
}

StageKeys stageKeys(std::span<const v1::Operation* const> ops) {
  std::set<EntityKey> entities;
  std::set<std::string> submissions;
  for (const v1::Operation* op : ops) {
    switch (op->payload_case()) {
      case v1::Operation::kSubmission: submissions.insert(op->submission().submission_id()); break;
      case v1::Operation::kEntityUpdate:
        entities.insert({op->entity_update().entity_type(), op->entity_update().entity_id()});
        break;
      case v1::Operation::kEntityDelete:
        entities.insert({op->entity_delete().entity_type(), op->entity_delete().entity_id()});
        break;
      case v1::Operation::PAYLOAD_NOT_SET: break;
    }
  }
  return StageKeys{{entities.begin(), entities.end()}, {submissions.begin(), submissions.end()}};
}

Plan computePlan(const StagedState& current, std::span<const v1::Operation* const> ops,
                 const MergeOptions& options) {
  return Merger(current, options).run(ops);
}

Plan computePlan(const StagedState& current, const v1::Batch& batch, const MergeOptions& options) {
  std::vector<const v1::Operation*> ops;
  ops.reserve(static_cast<std::size_t>(batch.operations_size()));
  for (const v1::Operation& op : batch.operations()) ops.push_back(&op);
  return computePlan(current, ops, options);
}

v1::Ack makeAck(const Plan& plan, uint64_t previous_hwm) {
  v1::Ack ack;
  ack.set_applied_through_seq(plan.new_hwm.value_or(previous_hwm));
  for (const OpResult& r : plan.results) {
    if (r.outcome != OpOutcome::Rejected) continue;
    v1::Rejection* rej = ack.add_rejections();
    rej->set_device_seq(r.device_seq);
    rej->set_code(r.code);
    rej->set_detail(r.detail);
  }
  return ack;
}

}  // namespace liaison::sync
