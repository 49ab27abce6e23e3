// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "channels/smpp/token_bucket.h"

#include <gtest/gtest.h>

namespace liaison::gateway::smpp {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

TEST(TokenBucket, BurstThenRate) {
  const Clock::time_point t0{};
  TokenBucket bucket(100, 5, t0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(bucket.tryTake(t0), Clock::duration::zero());
  const auto wait = bucket.tryTake(t0);
  EXPECT_GT(wait, 9ms);
  EXPECT_LE(wait, 10ms);
  EXPECT_EQ(bucket.tryTake(t0 + 10ms), Clock::duration::zero());
  EXPECT_GT(bucket.tryTake(t0 + 10ms), Clock::duration::zero());
}

TEST(TokenBucket, SendsExactlyTheRateOverASecond) {
  Clock::time_point t{};
  TokenBucket bucket(1000, 10, t);
  int taken = 0;
  const auto end = t + 1s;
  while (t < end) {
    auto wait = bucket.tryTake(t);
    if (wait == Clock::duration::zero()) {
      ++taken;
    } else {
      t += wait;
    }
  }
  EXPECT_GE(taken, 1000);
  EXPECT_LE(taken, 1011);  // the initial burst plus one second of refill
}

TEST(TokenBucket, ThrottleHalvesRateWithHoldoffAndFloor) {
  const Clock::time_point t0{};
  TokenBucket bucket(1000, 10, t0);
  bucket.onThrottled(t0);
  EXPECT_DOUBLE_EQ(bucket.currentRate(), 500);
  bucket.onThrottled(t0 + 10ms);  // within the holdoff: one storm counts once
  EXPECT_DOUBLE_EQ(bucket.currentRate(), 500);
  Clock::time_point t = t0;
  for (int i = 0; i < 20; ++i) {
    t += TokenBucket::kDecreaseHoldoff;
    bucket.onThrottled(t);
  }
  EXPECT_DOUBLE_EQ(bucket.currentRate(), 1000 * TokenBucket::kMinRateShare);
  EXPECT_EQ(bucket.throttleCount(), 22u);
}

TEST(TokenBucket, RecoversAdditivelyToTheConfiguredRate) {
  const Clock::time_point t0{};
  TokenBucket bucket(1000, 10, t0);
  bucket.onThrottled(t0);
  bucket.onAccepted(t0 + 1s);
  EXPECT_NEAR(bucket.currentRate(), 600, 1e-6);
  bucket.onAccepted(t0 + 10s);
  EXPECT_DOUBLE_EQ(bucket.currentRate(), 1000);
}

TEST(TokenBucket, ZeroRateMeansUnlimited) {
  TokenBucket bucket(0, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(bucket.tryTake(Clock::now()), Clock::duration::zero());
}

}  // namespace
}  // namespace liaison::gateway::smpp
