// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Token bucket with AIMD rate adaptation.
#include "channels/smpp/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace liaison::gateway::smpp {

TokenBucket::TokenBucket(double rate, double burst, Clock::time_point now)
    : configured_rate_(rate),
      burst_(std::max(1.0, burst)),
      rate_(rate),
      tokens_(std::max(1.0, burst)),
      last_refill_(now),
      last_decrease_(now - kDecreaseHoldoff),
      last_recovery_(now) {}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_refill_) return;
  const double secs = std::chrono::duration<double>(now - last_refill_).count();
  tokens_ = std::min(burst_, tokens_ + secs * rate_);
  last_refill_ = now;
}

TokenBucket::Clock::duration TokenBucket::tryTake(Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (configured_rate_ <= 0) return Clock::duration::zero();
  refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return Clock::duration::zero();
  }
  const double wait_s = (1.0 - tokens_) / rate_;
  return std::max<Clock::duration>(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait_s)),
      std::chrono::microseconds(1));
}

void TokenBucket::onThrottled(Clock::time_point now) {
  std::lock_guard lock(mu_);
  ++throttles_;
  last_recovery_ = now;
  if (configured_rate_ <= 0 || now - last_decrease_ < kDecreaseHoldoff) return;
  refill(now);
  rate_ = std::max(configured_rate_ * kMinRateShare, rate_ * 0.5);
  tokens_ = 0;
  last_decrease_ = now;
}

void TokenBucket::onAccepted(Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (configured_rate_ <= 0 || rate_ >= configured_rate_) return;
  const double secs = std::chrono::duration<double>(now - last_recovery_).count();
  if (secs < 0.1) return;
  refill(now);
  rate_ = std::min(configured_rate_, rate_ + configured_rate_ * kRecoveryShare * secs);
  last_recovery_ = now;
}

double TokenBucket::currentRate() const {
  std::lock_guard lock(mu_);
  return rate_;
}

uint64_t TokenBucket::throttleCount() const {
  std::lock_guard lock(mu_);
  return throttles_;
}

}  // namespace liaison::gateway::smpp
