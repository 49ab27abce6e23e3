// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// UUID parsing, formatting and UUIDv7 generation.
#include "liaison/sync/uuid.h"

#include <algorithm>
#include <utility>

namespace liaison::sync {
namespace {

constexpr uint64_t kMask62 = (uint64_t{1} << 62) - 1;
constexpr uint16_t kMask12 = 0x0FFF;
constexpr uint64_t kMaxMs48 = (uint64_t{1} << 48) - 1;

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool isDashPosition(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

bool Uuid::isNil() const {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

uint64_t Uuid::unixMs() const {
  uint64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | bytes[static_cast<std::size_t>(i)];
  return ms;
}

std::string Uuid::toString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0Fu]);
  }
  return out;
}

Result<Uuid> parseUuid(std::string_view text) {
  if (text.size() != 36) return Status::InvalidArgument("uuid: expected 36 characters");
  Uuid u;
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (isDashPosition(i)) {
      if (text[i] != '-') return Status::InvalidArgument("uuid: dash expected");
      ++i;
      continue;
    }
    const int hi = hexValue(text[i]);
    const int lo = i + 1 < text.size() && !isDashPosition(i + 1) ? hexValue(text[i + 1]) : -1;
    if (hi < 0 || lo < 0) return Status::InvalidArgument("uuid: hexadecimal digit expected");
    u.bytes[byte++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return u;
}

bool isValidUuidV7(std::string_view text) {
  Result<Uuid> u = parseUuid(text);
  return u.ok() && u->version() == 7 && u->isRfcVariant() && !u->isNil();
}

UuidV7Generator::UuidV7Generator(Clock clock, RandomFill random)
    : clock_(std::move(clock)), random_(std::move(random)) {}

Uuid UuidV7Generator::next() {
  const uint64_t now = std::min(clock_(), kMaxMs48);
  if (!started_ || now > last_ms_) {
    std::array<uint8_t, 10> r{};
    random_(r);
    rand_a_ = static_cast<uint16_t>((r[0] << 8 | r[1]) & kMask12);
    uint64_t b = 0;
    for (std::size_t i = 2; i < r.size(); ++i) b = (b << 8) | r[i];
    // Leave the top bit of rand_b clear so a millisecond has at least 2^61 increments left.
    rand_b_ = b & (kMask62 >> 1);
    last_ms_ = now;
    started_ = true;
  } else if (rand_b_ < kMask62) {
    ++rand_b_;  // same or earlier millisecond: count within the last one issued
  } else if (rand_a_ < kMask12) {
    ++rand_a_;
    rand_b_ = 0;
  } else {
    last_ms_ = std::min(last_ms_ + 1, kMaxMs48);  // 74-bit counter spilled: borrow the next ms
    rand_a_ = 0;
    rand_b_ = 0;
  }
  Uuid u;
  for (std::size_t i = 0; i < 6; ++i) u.bytes[i] = static_cast<uint8_t>(last_ms_ >> (40 - 8 * i));
  u.bytes[6] = static_cast<uint8_t>(0x70u | (rand_a_ >> 8));
  u.bytes[7] = static_cast<uint8_t>(rand_a_ & 0xFFu);
  u.bytes[8] = static_cast<uint8_t>(0x80u | ((rand_b_ >> 56) & 0x3Fu));
  for (std::size_t i = 9; i < 16; ++i) u.bytes[i] = static_cast<uint8_t>(rand_b_ >> (8 * (15 - i)));
  return u;
}

}  // namespace liaison::sync
