// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Hybrid logical clock (Kulkarni et al., 2014): timestamps that follow physical time when
// clocks are sane, yet never go backwards and always order a receive after its send. Sync
// orders shared-entity writes by (HLC, device id); device wall-clock time is display only.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace liaison::sync {

struct HlcTimestamp {
  uint64_t wall_ms = 0;  // physical component, ms since the Unix epoch
  uint32_t logical = 0;  // counter within wall_ms
  friend auto operator<=>(const HlcTimestamp&, const HlcTimestamp&) = default;
};

// Not thread-safe: one clock per store, used under that store's writer lock.
class HybridLogicalClock {
 public:
  // Returns physical time in ms since the Unix epoch. Injected so tests control time.
  using WallClock = std::function<uint64_t()>;

  // Remote timestamps further ahead of our physical clock than this are flagged as skew.
  static constexpr uint64_t kDefaultSkewFlagMs = 5 * 60 * 1000;

  explicit HybridLogicalClock(WallClock wall, uint64_t skew_flag_ms = kDefaultSkewFlagMs);

  // Timestamp for a local event; strictly greater than every timestamp returned before.
  HlcTimestamp now();

  struct Observed {
    HlcTimestamp timestamp;  // strictly greater than `remote` and than every earlier one
    bool skew_flagged;       // remote was more than skew_flag_ms ahead of our wall clock
  };
  // Merges a timestamp received from another node (or the server's clock at sync time).
  // Large skew is flagged, never rejected: the clock still moves past `remote`.
  Observed observe(const HlcTimestamp& remote);

  // Restores the last issued timestamp (from storage) so a restart never goes backwards.
  void restore(const HlcTimestamp& last);
  HlcTimestamp last() const { return last_; }

 private:
  HlcTimestamp advance(uint64_t candidate_wall);

  WallClock wall_;
  uint64_t skew_flag_ms_;
  HlcTimestamp last_;
};

}  // namespace liaison::sync
