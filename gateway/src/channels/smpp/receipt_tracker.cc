// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// ReceiptTracker: segment id index, early-receipt parking, per-message state derivation and
// expiry. See receipt_tracker.h for the rules; comments here explain the data layout.
#include "channels/smpp/receipt_tracker.h"

#include <algorithm>
#include <charconv>

namespace liaison::gateway::smpp {
namespace {

constexpr MessageState kNoReceipt = MessageState::Unrecognised;

bool isHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

ReceiptTracker::ReceiptTracker(ReceiptTrackerConfig config) : config_(config) {
  config_.max_early_receipts = std::max<size_t>(config_.max_early_receipts, 1);
}

ReceiptTracker::~ReceiptTracker() = default;

// ---- helpers ----

ReceiptTracker::Rank ReceiptTracker::rankOf(MessageState state) {
  switch (state) {
    case MessageState::Unrecognised: return kNone;
    case MessageState::Scheduled: return kScheduled;
    case MessageState::Enroute: return kEnroute;
    case MessageState::Accepted: return kAccepted;
    case MessageState::Delivered: return kDelivered;
    case MessageState::Unknown: return kUnknown;
    case MessageState::Expired:
    case MessageState::Deleted:
    case MessageState::Undeliverable:
    case MessageState::Rejected:
    case MessageState::Skipped: return kFailed;
  }
  return kNone;
}

ReceiptTracker::Merge ReceiptTracker::merge(MessageState current, MessageState incoming,
                                            MessageState* out) {
  *out = current;
  if (current == kNoReceipt) {
    *out = incoming;
    return Merge::Changed;
  }
  if (incoming == current) return Merge::Duplicate;
  if (isFinal(current)) return isFinal(incoming) ? Merge::Conflict : Merge::Regression;
  // Non-final states have no reliable order between them (ACCEPTD and ENROUTE arrive in either
  // order depending on the operator): the latest wins.
  *out = incoming;
  return Merge::Changed;
}

void ReceiptTracker::countMerge(Merge merge) {
  switch (merge) {
    case Merge::Changed: break;
    case Merge::Duplicate: ++stats_.duplicates; break;
    case Merge::Regression: ++stats_.regressions_ignored; break;
    case Merge::Conflict: ++stats_.conflicts; break;
  }
}

// Normalised all-hex ids have no leading zero (except "0" itself), so up to 16 digits map
// one-to-one onto a uint64_t. That keeps the common case out of heap-allocated strings.
ReceiptTracker::IdKey ReceiptTracker::makeIdKey(std::string normalised) {
  IdKey key;
  const size_t n = normalised.size();
  const bool hex = n >= 1 && n <= 16 && (n == 1 || normalised[0] != '0') &&
                   std::all_of(normalised.begin(), normalised.end(), isHexDigit);
  if (hex) {
    uint64_t value = 0;
    auto res = std::from_chars(normalised.data(), normalised.data() + n, value, 16);
    if (res.ec == std::errc() && res.ptr == normalised.data() + n) {
      key.numeric = true;
      key.value = value;
      return key;
    }
  }
  key.text = std::move(normalised);
  return key;
}

bool ReceiptTracker::allSegmentsFinal(const Message& m) {
  const uint16_t* c = m.rank_counts;
  return c[kNone] + c[kScheduled] + c[kEnroute] + c[kAccepted] == 0;
}

const ReceiptTracker::SegmentLoc* ReceiptTracker::findId(const IdKey& key) const {
  if (key.numeric) {
    auto it = numeric_ids_.find(key.value);
    return it == numeric_ids_.end() ? nullptr : &it->second;
  }
  auto it = string_ids_.find(key.text);
  return it == string_ids_.end() ? nullptr : &it->second;
}

ReceiptTracker::Segment* ReceiptTracker::segmentAt(Message& message, uint32_t index) {
  return index == 0 ? &message.first : &message.more[index - 1];
}

void ReceiptTracker::unindexSegment(Segment* segment, SegmentLoc loc) {
  if (segment->id_kind == IdKind::Numeric) {
    auto it = numeric_ids_.find(segment->id.numeric);
    if (it != numeric_ids_.end() && it->second == loc) numeric_ids_.erase(it);
  } else if (segment->id_kind == IdKind::Text) {
    auto it = string_ids_.find(*segment->id.text);
    if (it != string_ids_.end() && it->second == loc) string_ids_.erase(it);
  }
  segment->id_kind = IdKind::None;
  segment->id.numeric = 0;
}

// Points `key` at `loc`. If another segment held the key (the SMSC reused an id), that segment
// loses it: the newest submit is the one its receipts will be about.
void ReceiptTracker::indexId(IdKey key, SegmentLoc loc, Segment* segment) {
  auto steal = [&](const SegmentLoc& previous) {
    ++stats_.id_reused;
    auto it = messages_.find(previous.message_ref);
    if (it == messages_.end()) return;
    Segment* other = segmentAt(it->second, previous.index);
    other->id_kind = IdKind::None;
    other->id.numeric = 0;
  };
  if (key.numeric) {
    auto [it, inserted] = numeric_ids_.try_emplace(key.value, loc);
    if (!inserted) {
      steal(it->second);
      it->second = loc;
    }
    segment->id_kind = IdKind::Numeric;
    segment->id.numeric = key.value;
  } else {
    auto [it, inserted] = string_ids_.try_emplace(std::move(key.text), loc);
    if (!inserted) {
      steal(it->second);
      it->second = loc;
    }
    segment->id_kind = IdKind::Text;
    segment->id.text = &it->first;
  }
}

void ReceiptTracker::linkNewest(MessageNode* node) {
  node->second.older = newest_;
  node->second.newer = nullptr;
  if (newest_ != nullptr) newest_->second.newer = node;
  newest_ = node;
  if (oldest_ == nullptr) oldest_ = node;
}

void ReceiptTracker::unlink(MessageNode* node) {
  Message& m = node->second;
  (m.older != nullptr ? m.older->second.newer : oldest_) = m.newer;
  (m.newer != nullptr ? m.newer->second.older : newest_) = m.older;
  m.older = m.newer = nullptr;
}

void ReceiptTracker::eraseMessage(MessageMap::iterator it) {
  Message& m = it->second;
  for (uint32_t i = 0; i < m.segment_count; ++i) {
    unindexSegment(segmentAt(m, i), SegmentLoc{it->first, i});
  }
  unlink(&*it);
  messages_.erase(it);
}

void ReceiptTracker::dropEarly(EarlyList::iterator it) {
  early_.erase(std::string_view(it->key));
  early_order_.erase(it);
}

void ReceiptTracker::updateGauges() {
  stats_.tracked_messages = messages_.size();
  stats_.tracked_segments = numeric_ids_.size() + string_ids_.size();
  stats_.early_pending = early_.size();
}

// ---- derivation ----

std::optional<MessageUpdate> ReceiptTracker::rederive(MessageNode& node) {
  Message& m = node.second;
  if (m.closed) return std::nullopt;
  MessageState state = kNoReceipt;
  bool final = false;
  const uint16_t* c = m.rank_counts;
  if (m.failed != kNoReceipt) {
    state = m.failed;
    final = true;
  } else if (c[kDelivered] + c[kUnknown] == m.segment_count) {
    state = c[kUnknown] > 0 ? MessageState::Unknown : MessageState::Delivered;
    final = true;
  } else if (c[kScheduled] > 0) {
    state = MessageState::Scheduled;
  } else if (c[kEnroute] > 0) {
    state = MessageState::Enroute;
  } else if (c[kAccepted] > 0) {
    state = MessageState::Accepted;
  } else if (c[kDelivered] + c[kUnknown] > 0) {
    // Some segments final, the others not heard of yet: keep what was reported, else Enroute.
    state = m.reported != kNoReceipt ? m.reported : MessageState::Enroute;
  }
  if (state == kNoReceipt || (state == m.reported && !final)) return std::nullopt;
  m.reported = state;
  m.closed = final;
  return MessageUpdate{node.first, state, final};
}

ReceiptTracker::Merge ReceiptTracker::applyToSegment(MessageNode& node, uint32_t index,
                                                     MessageState incoming,
                                                     std::optional<MessageUpdate>* update) {
  Message& m = node.second;
  Segment* segment = segmentAt(m, index);
  MessageState next = kNoReceipt;
  const Merge result = merge(segment->state, incoming, &next);
  if (result != Merge::Changed || next == segment->state) return result;
  --m.rank_counts[rankOf(segment->state)];
  ++m.rank_counts[rankOf(next)];
  segment->state = next;
  if (rankOf(next) == kFailed && m.failed == kNoReceipt) m.failed = next;
  *update = rederive(node);
  return result;
}

// ---- public API ----

SubmitUpdate ReceiptTracker::onSubmitted(uint64_t message_ref, uint32_t segment_index,
                                         uint32_t segment_count, std::string_view smsc_message_id,
                                         TimePoint now) {
  SubmitUpdate out;
  std::string normalised = normalizeMessageId(smsc_message_id);
  if (normalised.empty() || segment_count == 0 || segment_count > kMaxSegments ||
      segment_index >= segment_count) {
    ++stats_.invalid_submits;
    out.result = SubmitResult::InvalidInput;
    return out;
  }
  auto [it, inserted] = messages_.try_emplace(message_ref);
  Message& m = it->second;
  if (inserted) {
    m.created = now;
    m.segment_count = static_cast<uint16_t>(segment_count);
    m.rank_counts[kNone] = m.segment_count;
    if (segment_count > 1) m.more = std::make_unique<Segment[]>(segment_count - 1);
    linkNewest(&*it);
  } else if (m.segment_count != segment_count) {
    ++stats_.invalid_submits;
    out.result = SubmitResult::InvalidInput;
    return out;
  }

  const SegmentLoc loc{message_ref, segment_index};
  Segment* segment = segmentAt(m, segment_index);
  IdKey key = makeIdKey(std::move(normalised));
  const SegmentLoc* existing = findId(key);
  if (existing != nullptr && *existing == loc) {
    out.result = SubmitResult::DuplicateId;
    return out;
  }
  unindexSegment(segment, loc);  // a resubmitted segment's previous id is forgotten
  indexId(std::move(key), loc, segment);

  // Receipts that overtook this submit_sm_resp, in any id form.
  if (!early_.empty()) {
    const MessageIdCandidates candidates = messageIdCandidates(smsc_message_id);
    for (const std::string& candidate : candidates) {
      auto found = early_.find(std::string_view(candidate));
      if (found == early_.end()) continue;
      const MessageState state = found->second->state;
      dropEarly(found->second);
      ++stats_.early_applied;
      out.early_applied = true;
      std::optional<MessageUpdate> update;
      countMerge(applyToSegment(*it, segment_index, state, &update));
      if (update) out.message = update;
    }
  }

  if (allSegmentsFinal(m)) eraseMessage(it);  // reported final, or closed and now done
  updateGauges();
  return out;
}

ReceiptUpdate ReceiptTracker::onReceipt(std::string_view smsc_message_id, MessageState state,
                                        TimePoint now) {
  ReceiptUpdate out;
  if (state == MessageState::Unrecognised) {
    ++stats_.unrecognised;
    out.result = ReceiptResult::Unrecognised;
    return out;
  }
  const MessageIdCandidates candidates = messageIdCandidates(smsc_message_id);
  // Tracked segment, exact normalised form first.
  for (const std::string& candidate : candidates) {
    const SegmentLoc* loc = findId(makeIdKey(candidate));
    if (loc == nullptr) continue;
    auto it = messages_.find(loc->message_ref);
    if (it == messages_.end()) break;  // cannot happen: ids are unindexed with their message
    ++stats_.matched;
    const Merge merged = applyToSegment(*it, loc->index, state, &out.message);
    countMerge(merged);
    switch (merged) {
      case Merge::Changed: out.result = ReceiptResult::Applied; break;
      case Merge::Duplicate: out.result = ReceiptResult::Duplicate; break;
      case Merge::Regression: out.result = ReceiptResult::RegressionIgnored; break;
      case Merge::Conflict: out.result = ReceiptResult::Conflict; break;
    }
    if (allSegmentsFinal(it->second)) eraseMessage(it);
    updateGauges();
    return out;
  }

  // Unknown id: merge into a parked receipt for the same id (any form) or park a new one.
  out.result = ReceiptResult::Parked;
  for (const std::string& candidate : candidates) {
    auto found = early_.find(std::string_view(candidate));
    if (found == early_.end()) continue;
    MessageState next = kNoReceipt;
    const Merge merged = merge(found->second->state, state, &next);
    countMerge(merged);
    found->second->state = next;
    if (merged == Merge::Duplicate) out.result = ReceiptResult::Duplicate;
    if (merged == Merge::Regression) out.result = ReceiptResult::RegressionIgnored;
    if (merged == Merge::Conflict) out.result = ReceiptResult::Conflict;
    updateGauges();
    return out;
  }
  while (early_.size() >= config_.max_early_receipts) {
    dropEarly(early_order_.begin());
    ++stats_.unknown_dropped;
  }
  early_order_.push_back(EarlyReceipt{candidates.keys[0], state, now});
  early_.emplace(std::string_view(early_order_.back().key), std::prev(early_order_.end()));
  ++stats_.early_parked;
  updateGauges();
  return out;
}

bool ReceiptTracker::abandon(uint64_t message_ref) {
  auto it = messages_.find(message_ref);
  if (it == messages_.end()) return false;
  eraseMessage(it);
  updateGauges();
  return true;
}

std::vector<MessageUpdate> ReceiptTracker::expire(TimePoint now, size_t limit) {
  std::vector<MessageUpdate> out;
  while (!early_order_.empty() &&
         now - early_order_.front().received >= config_.early_receipt_max_age) {
    dropEarly(early_order_.begin());
    ++stats_.unknown_dropped;
  }
  while (oldest_ != nullptr && out.size() < limit &&
         now - oldest_->second.created >= config_.receipt_timeout) {
    auto it = messages_.find(oldest_->first);
    if (!it->second.closed) {
      out.push_back(MessageUpdate{it->first, MessageState::Unknown, true});
      ++stats_.expired;
    }
    eraseMessage(it);
  }
  updateGauges();
  return out;
}

}  // namespace liaison::gateway::smpp
