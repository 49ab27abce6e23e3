// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Hybrid logical clock implementation.
#include "liaison/sync/hlc.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace liaison::sync {

HybridLogicalClock::HybridLogicalClock(WallClock wall, uint64_t skew_flag_ms)
    : wall_(std::move(wall)), skew_flag_ms_(skew_flag_ms) {}

// Moves last_ to the smallest timestamp greater than last_ whose wall part is at least
// candidate_wall. A saturated counter spills into the wall part, which keeps monotonicity.
HlcTimestamp HybridLogicalClock::advance(uint64_t candidate_wall) {
  if (candidate_wall > last_.wall_ms) {
    last_ = {candidate_wall, 0};
  } else if (last_.logical == std::numeric_limits<uint32_t>::max()) {
    last_ = {last_.wall_ms + 1, 0};
  } else {
    ++last_.logical;
  }
  return last_;
}

HlcTimestamp HybridLogicalClock::now() { return advance(wall_()); }

HybridLogicalClock::Observed HybridLogicalClock::observe(const HlcTimestamp& remote) {
  const uint64_t physical = wall_();
  const bool skew = remote.wall_ms > physical && remote.wall_ms - physical > skew_flag_ms_;
  if (remote > last_) last_ = remote;
  return Observed{advance(physical), skew};
}

void HybridLogicalClock::restore(const HlcTimestamp& last) { last_ = std::max(last_, last); }

}  // namespace liaison::sync
