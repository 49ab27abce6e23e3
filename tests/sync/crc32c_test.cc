// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CRC-32C against the standard check value and the RFC 3720 (iSCSI) test vectors, plus the
// properties the batch checksum relies on (extension equals concatenation, every length and
// alignment through the slicing-by-8 path agrees with a bitwise reference).
#include "liaison/sync/crc32c.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace liaison::sync {
namespace {

uint32_t bitwiseReference(std::string_view data) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

TEST(Crc32c, StandardCheckValue) { EXPECT_EQ(crc32c("123456789"), 0xE3069283u); }

TEST(Crc32c, EmptyIsZero) { EXPECT_EQ(crc32c(std::string_view()), 0u); }

TEST(Crc32c, Rfc3720Vectors) {
  std::array<uint8_t, 32> zeros{};
  std::array<uint8_t, 32> ones{};
  std::array<uint8_t, 32> up{};
  std::array<uint8_t, 32> down{};
  for (std::size_t i = 0; i < 32; ++i) {
    ones[i] = 0xFF;
    up[i] = static_cast<uint8_t>(i);
    down[i] = static_cast<uint8_t>(31 - i);
  }
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(crc32c(up), 0x46DD794Eu);
  EXPECT_EQ(crc32c(down), 0x113FDB5Cu);
}

TEST(Crc32c, ExtendEqualsConcatenation) {
  const std::string a = "liaison sync batch ", b = "of operations, in order";
  EXPECT_EQ(crc32cExtend(crc32c(a), b), crc32c(a + b));
  EXPECT_EQ(crc32cExtend(crc32c(a), std::string_view()), crc32c(a));
}

TEST(Crc32c, EveryLengthAndOffsetMatchesBitwiseReference) {
  std::string buf;
  for (int i = 0; i < 300; ++i) buf.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
  for (std::size_t off = 0; off < 9; ++off) {
    for (std::size_t len = 0; off + len <= buf.size(); len += 7) {
      const std::string_view v(buf.data() + off, len);
      ASSERT_EQ(crc32c(v), bitwiseReference(v)) << "offset " << off << " length " << len;
    }
  }
}

TEST(Crc32c, DetectsSingleBitFlip) {
  std::string s = "device-7 seq 42";
  const uint32_t before = crc32c(s);
  s[3] = static_cast<char>(s[3] ^ 0x10);
  EXPECT_NE(crc32c(s), before);
}

}  // namespace
}  // namespace liaison::sync
