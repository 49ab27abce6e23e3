// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "liaison/sync/hlc.h"

#include <gtest/gtest.h>

#include <limits>

namespace liaison::sync {
namespace {

struct FakeWall {
  uint64_t ms = 1'000'000;
  HybridLogicalClock::WallClock fn() {
    return [this] { return ms; };
  }
};

TEST(Hlc, FollowsPhysicalTimeWhenItAdvances) {
  FakeWall wall;
  HybridLogicalClock clock(wall.fn());
  EXPECT_EQ(clock.now(), (HlcTimestamp{1'000'000, 0}));
  wall.ms = 1'000'005;
  EXPECT_EQ(clock.now(), (HlcTimestamp{1'000'005, 0}));
}

TEST(Hlc, NeverGoesBackwardsWhenPhysicalTimeDoes) {
  FakeWall wall;
  HybridLogicalClock clock(wall.fn());
  HlcTimestamp a = clock.now();
  wall.ms -= 60'000;  // the phone's clock was set back a minute
  HlcTimestamp b = clock.now();
  HlcTimestamp c = clock.now();
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(b.wall_ms, a.wall_ms);
}

TEST(Hlc, ReceiveIsOrderedAfterSend) {
  FakeWall a_wall, b_wall;
  b_wall.ms = a_wall.ms - 1'000;  // b's clock is a second behind
  HybridLogicalClock a(a_wall.fn()), b(b_wall.fn());
  HlcTimestamp sent = a.now();
  auto got = b.observe(sent);
  EXPECT_GT(got.timestamp, sent);
  EXPECT_FALSE(got.skew_flagged);  // a second is well within the skew threshold
  EXPECT_GT(b.now(), got.timestamp);
}

TEST(Hlc, LargeSkewIsFlaggedButAccepted) {
  FakeWall wall;
  HybridLogicalClock clock(wall.fn());
  const HlcTimestamp a_year_ahead{wall.ms + 365ull * 24 * 3600 * 1000, 3};
  auto got = clock.observe(a_year_ahead);
  EXPECT_TRUE(got.skew_flagged);
  EXPECT_GT(got.timestamp, a_year_ahead);
}

TEST(Hlc, SaturatedCounterSpillsIntoWallTime) {
  FakeWall wall;
  HybridLogicalClock clock(wall.fn());
  clock.restore({wall.ms, std::numeric_limits<uint32_t>::max()});
  HlcTimestamp next = clock.now();
  EXPECT_EQ(next, (HlcTimestamp{wall.ms + 1, 0}));
}

TEST(Hlc, RestoreNeverMovesBackwards) {
  FakeWall wall;
  HybridLogicalClock clock(wall.fn());
  clock.restore({wall.ms + 10, 4});
  clock.restore({wall.ms, 0});
  EXPECT_EQ(clock.now(), (HlcTimestamp{wall.ms + 10, 5}));
}

}  // namespace
}  // namespace liaison::sync
