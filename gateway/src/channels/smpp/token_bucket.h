// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Send-rate limiter for one SMSC account: a token bucket counted in submit_sm PDUs (one per
// SMS segment) whose rate adapts when the SMSC throttles us (multiplicative decrease on
// ESME_RTHROTTLED / ESME_RMSGQFUL, additive recovery back to the configured rate). Shared by
// every bind of the account, so it is thread-safe. Time is passed in, so tests control it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace liaison::gateway::smpp {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // `rate` tokens per second (<= 0: unlimited); `burst` tokens may be taken at once.
  TokenBucket(double rate, double burst, Clock::time_point now = Clock::now());

  // Takes one token. Returns zero on success, else how long until one will be available.
  Clock::duration tryTake(Clock::time_point now);

  // The SMSC said slow down: halve the current rate (not below kMinRateShare of the
  // configured rate) at most once per kDecreaseHoldoff, and empty the bucket.
  void onThrottled(Clock::time_point now);
  // Called per accepted submit; recovers kRecoveryShare of the configured rate per second of
  // throttle-free sending.
  void onAccepted(Clock::time_point now);

  double currentRate() const;
  double configuredRate() const { return configured_rate_; }
  uint64_t throttleCount() const;

  static constexpr double kMinRateShare = 0.05;
  static constexpr double kRecoveryShare = 0.10;
  static constexpr std::chrono::milliseconds kDecreaseHoldoff{200};

 private:
  void refill(Clock::time_point now);

  mutable std::mutex mu_;
  const double configured_rate_;
  const double burst_;
  double rate_;
  double tokens_;
  Clock::time_point last_refill_;
  Clock::time_point last_decrease_;
  Clock::time_point last_recovery_;
  uint64_t throttles_ = 0;
};

}  // namespace liaison::gateway::smpp
