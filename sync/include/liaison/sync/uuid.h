// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// UUIDs as sync uses them: UUIDv7 (RFC 9562) ids for submissions made offline, with the clock
// and random source injected so tests are deterministic, plus strict parsing and formatting
// of the canonical 36-character text form. Ids are not secrets: a UUIDv7 reveals when it was
// made, which is why they never carry personal data.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "liaison/sync/status.h"

namespace liaison::sync {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  int version() const { return bytes[6] >> 4; }
  // True for the RFC 9562 variant (binary 10xx in the top bits of byte 8).
  bool isRfcVariant() const { return (bytes[8] & 0xC0u) == 0x80u; }
  bool isNil() const;
  // Milliseconds since the Unix epoch held by a version 7 UUID (meaningless for others).
  uint64_t unixMs() const;
  // Canonical lowercase form, e.g. "0190b1c8-7a3e-7c41-9d2e-5f0a1b2c3d4e".
  std::string toString() const;

  friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

// Parses the canonical 8-4-4-4-12 hexadecimal form (either case; no braces, no urn: prefix).
// Any version or variant is accepted; InvalidArgument otherwise. The message never echoes input.
Result<Uuid> parseUuid(std::string_view text);

// True if `text` is a canonical UUID with version 7 and the RFC variant, and is not nil.
bool isValidUuidV7(std::string_view text);

// Makes UUIDv7s that are strictly increasing for one generator, even when the injected clock
// stalls or goes backwards (RFC 9562 section 6.2, method 2: the 74 bits after the timestamp are
// random at each new millisecond and a counter within it). Not thread-safe: one per store,
// used under the store's writer lock.
class UuidV7Generator {
 public:
  using Clock = std::function<uint64_t()>;                     // ms since the Unix epoch
  using RandomFill = std::function<void(std::span<uint8_t>)>;  // fills with random bytes

  UuidV7Generator(Clock clock, RandomFill random);

  Uuid next();

 private:
  Clock clock_;
  RandomFill random_;
  uint64_t last_ms_ = 0;
  // The 74 bits after the 48-bit timestamp: rand_a (12 bits) and rand_b (62 bits), kept as
  // integers so counting within a millisecond is plain arithmetic.
  uint16_t rand_a_ = 0;  // 12 bits
  uint64_t rand_b_ = 0;  // 62 bits
  bool started_ = false;
};

}  // namespace liaison::sync
