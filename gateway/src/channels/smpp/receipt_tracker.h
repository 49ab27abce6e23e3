// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Sans-I/O delivery receipt bookkeeping for one SMPP account: maps the SMSC message ids of every
// submitted segment (from submit_sm_resp) to the caller's message, applies parsed receipts
// (deliver_sm) to the segments, and derives one state per whole (possibly multi-segment)
// message. Receipts that overtake their submit_sm_resp are parked and applied later. Time is
// injected, so the whole policy is table-testable; the session only feeds events in.
//
//   onSubmitted(ref, i, n, id) ---> ids_ [id -> (ref, i)] ---> messages_ [ref -> segments]
//   onReceipt(id, state) ----------^  unknown id: early_ (bounded, aged) until onSubmitted
//   expire(now) ---> messages past receipt_timeout (Unknown, final); early receipts past age
//
// Not thread-safe: one instance per SMPP account, used from that account's strand only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "channels/smpp/delivery_receipt.h"

namespace liaison::gateway::smpp {

struct ReceiptTrackerConfig {
  // A tracked message whose receipts have not all arrived this long after its first
  // onSubmitted() is given up by expire() (reported Unknown, final).
  std::chrono::milliseconds receipt_timeout{std::chrono::hours(72)};
  // Receipts for ids not (yet) known are parked at most this long, and at most this many;
  // when full, the oldest parked receipt is dropped to make room.
  std::chrono::milliseconds early_receipt_max_age{std::chrono::minutes(10)};
  size_t max_early_receipts = 100'000;
};

// The derived state of a whole message changed. is_final: no further update will follow for
// this message_ref (its tracking entry is gone or closed).
struct MessageUpdate {
  uint64_t message_ref = 0;
  MessageState state = MessageState::Unknown;
  bool is_final = false;
  bool operator==(const MessageUpdate&) const = default;
};

enum class SubmitResult : uint8_t {
  Tracked,       // id recorded (and any parked receipt for it applied)
  DuplicateId,   // this segment already had exactly this id: nothing changed
  InvalidInput,  // empty id, segment_count 0 or > kMaxSegments, index out of range, or a
                 // segment_count different from the one first given for the message_ref
};

struct SubmitUpdate {
  SubmitResult result = SubmitResult::Tracked;
  bool early_applied = false;            // a parked receipt matched this id
  std::optional<MessageUpdate> message;  // set when the derived state changed
};

enum class ReceiptResult : uint8_t {
  Applied,            // the segment's state changed (message may or may not have changed)
  Parked,             // id unknown: kept until onSubmitted() brings it or it ages out
  Duplicate,          // same state as already known: nothing changed
  RegressionIgnored,  // non-final state after a final one: ignored
  Conflict,           // a different final state after a final one: the first is kept
  Unrecognised,       // state Unrecognised (garbled receipt): ignored, never parked
};

struct ReceiptUpdate {
  ReceiptResult result = ReceiptResult::Applied;
  std::optional<MessageUpdate> message;  // set when the derived state changed
  bool changed() const {
    return result == ReceiptResult::Applied || result == ReceiptResult::Parked;
  }
};

struct ReceiptTrackerStats {
  uint64_t matched = 0;          // receipts matched to a tracked segment on arrival
  uint64_t early_parked = 0;     // receipts parked because their id was unknown
  uint64_t early_applied = 0;    // parked receipts later matched by onSubmitted()
  uint64_t unknown_dropped = 0;  // parked receipts aged out or pushed out by the cap
  uint64_t duplicates = 0;
  uint64_t regressions_ignored = 0;
  uint64_t conflicts = 0;
  uint64_t unrecognised = 0;
  uint64_t expired = 0;  // messages given up by expire()
  uint64_t invalid_submits = 0;
  uint64_t id_reused = 0;  // an id moved to another segment (SMSC id wrap-around)
  // Gauges.
  uint64_t tracked_messages = 0;
  uint64_t tracked_segments = 0;  // segment ids currently indexed
  uint64_t early_pending = 0;
};

// Tracks per-segment receipt states and derives each message's state:
//  * Segment states: the latest non-final state wins; the first final state is sticky (a later
//    non-final is a regression, a different final a conflict; both are ignored and counted).
//    isFinal() from delivery_receipt.h decides finality, so UNKNOWN (7) and SKIPPED are final.
//  * Message state, by precedence:
//      1. any segment Undeliverable/Rejected/Expired/Deleted/Skipped -> that state, final, at
//         once (the first failure observed wins; later ones do not change the report);
//      2. every segment final -> Delivered if all delivered, else Unknown; final;
//      3. otherwise non-final: the least advanced non-final state among the segments that
//         have had a receipt (Scheduled < Enroute < Accepted); if those segments are all final
//         already, the state last reported, or Enroute. No update while no segment has had a
//         receipt, nor when the derived state equals the one last reported.
//  * A message is forgotten once every segment is final. A message that failed early stays
//    (closed: no further updates) until its other segments are final or receipt_timeout
//    passes, so late submit_sm_resp/receipts for it are absorbed silently.
// Memory (measured, 1M segments, ids of up to 16 hex/decimal digits): ~170 bytes per segment
// for single-segment messages, ~110 for 3-segment ones; other id forms (UUIDs) ~250.
// Every call is O(1) average except expire(), which is O(expired entries).
class ReceiptTracker {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  static constexpr uint32_t kMaxSegments = 255;

  explicit ReceiptTracker(ReceiptTrackerConfig config = {});
  ~ReceiptTracker();
  ReceiptTracker(const ReceiptTracker&) = delete;
  ReceiptTracker& operator=(const ReceiptTracker&) = delete;

  // A segment's submit_sm_resp carried `smsc_message_id`. segment_index is 0-based. Calling it
  // again for the same segment with a new id (resubmission) replaces the old id.
  SubmitUpdate onSubmitted(uint64_t message_ref, uint32_t segment_index, uint32_t segment_count,
                           std::string_view smsc_message_id, TimePoint now);

  // A parsed receipt (DeliveryReceipt::message_id / state). The id is matched in any of the
  // messageIdCandidates() forms, the exact normalised form first.
  ReceiptUpdate onReceipt(std::string_view smsc_message_id, MessageState state, TimePoint now);

  // Stops tracking a message (e.g. a segment failed permanently at submit, so no receipt will
  // ever complete it). No update is reported. Returns false if the ref was not tracked.
  bool abandon(uint64_t message_ref);

  // Drops parked receipts older than early_receipt_max_age and returns the messages older than
  // receipt_timeout that were still open, each as {ref, Unknown, final}, oldest first, at most
  // `limit` of them (call again for the rest).
  std::vector<MessageUpdate> expire(TimePoint now, size_t limit = SIZE_MAX);

  const ReceiptTrackerStats& stats() const { return stats_; }
  const ReceiptTrackerConfig& config() const { return config_; }

 private:
  // Segment rank, for counting segments per state class.
  enum Rank : uint8_t {
    kNone,
    kScheduled,
    kEnroute,
    kAccepted,
    kDelivered,
    kUnknown,
    kFailed,
    kRankCount
  };
  enum class IdKind : uint8_t { None, Numeric, Text };
  struct Segment {
    union {
      uint64_t numeric;
      const std::string* text;  // the key inside string_ids_ (node-stable)
    } id{0};
    MessageState state = MessageState::Unrecognised;  // Unrecognised: no receipt yet
    IdKind id_kind = IdKind::None;
  };
  struct Message;
  using MessageNode = std::pair<const uint64_t, Message>;
  struct Message {
    MessageNode* older = nullptr;  // creation-order list, for expire()
    MessageNode* newer = nullptr;
    TimePoint created;
    std::unique_ptr<Segment[]> more;  // segments 1..count-1; null for single-segment messages
    Segment first;
    uint16_t rank_counts[kRankCount] = {};
    uint16_t segment_count = 0;
    MessageState failed = MessageState::Unrecognised;    // first failure, if any
    MessageState reported = MessageState::Unrecognised;  // last state reported, if any
    bool closed = false;                                 // a final state was reported
  };
  using MessageMap = std::unordered_map<uint64_t, Message>;
  struct SegmentLoc {
    uint64_t message_ref = 0;
    uint32_t index = 0;
    bool operator==(const SegmentLoc&) const = default;
  };
  struct IdKey {
    bool numeric = false;
    uint64_t value = 0;
    std::string text;
  };
  struct EarlyReceipt {
    std::string key;  // normalised id
    MessageState state = MessageState::Unrecognised;
    TimePoint received;
  };
  using EarlyList = std::list<EarlyReceipt>;

  enum class Merge : uint8_t { Changed, Duplicate, Regression, Conflict };
  static Merge merge(MessageState current, MessageState incoming, MessageState* out);
  static Rank rankOf(MessageState state);
  static IdKey makeIdKey(std::string normalised);
  void countMerge(Merge merge);

  const SegmentLoc* findId(const IdKey& key) const;
  void indexId(IdKey key, SegmentLoc loc, Segment* segment);
  void unindexSegment(Segment* segment, SegmentLoc loc);
  static Segment* segmentAt(Message& message, uint32_t index);
  static bool allSegmentsFinal(const Message& message);
  Merge applyToSegment(MessageNode& node, uint32_t index, MessageState incoming,
                       std::optional<MessageUpdate>* update);
  std::optional<MessageUpdate> rederive(MessageNode& node);
  void eraseMessage(MessageMap::iterator it);
  void linkNewest(MessageNode* node);
  void unlink(MessageNode* node);
  void dropEarly(EarlyList::iterator it);
  void updateGauges();

  ReceiptTrackerConfig config_;
  ReceiptTrackerStats stats_;
  MessageMap messages_;
  MessageNode* oldest_ = nullptr;  // intrusive creation-order list through Message
  MessageNode* newest_ = nullptr;
  // Segment ids. Ids whose normalised form is 1-16 hex digits (nearly all SMSCs, decimal ids
  // included) are kept as their 64-bit value; anything else as the normalised string.
  std::unordered_map<uint64_t, SegmentLoc> numeric_ids_;
  std::unordered_map<std::string, SegmentLoc> string_ids_;
  EarlyList early_order_;                                            // oldest first
  std::unordered_map<std::string_view, EarlyList::iterator> early_;  // views into early_order_
};

}  // namespace liaison::gateway::smpp
