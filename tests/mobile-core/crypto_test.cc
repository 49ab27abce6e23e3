// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// RecordCipher: sealed records open only for their row and key, lengths are bucketed, the
// blind index is keyed, and the key check separates keys.
#include "crypto.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace liaison::mobile {
namespace {

std::array<uint8_t, 32> key(uint8_t seed) {
  std::array<uint8_t, 32> k{};
  k.fill(seed);
  return k;
}
const std::array<uint8_t, kStoreSaltBytes> kSalt = {1, 2,  3,  4,  5,  6,  7,  8,
                                                    9, 10, 11, 12, 13, 14, 15, 16};

RecordCipher cipher(uint8_t seed) {
  auto c = RecordCipher::create(key(seed), kSalt);
  EXPECT_TRUE(c.ok());
  return std::move(c).value();
}

TEST(RecordCipher, SealedRecordsOpenForTheirRowOnly) {
  RecordCipher c = cipher(7);
  const std::string plain = "+4915112345678 Ayse";
  const std::string sealed = c.seal(plain, "members/a");
  EXPECT_EQ(sealed.find("4915112345678"), std::string::npos);
  auto opened = c.open(sealed, "members/a");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, plain);
  // Moved to another row: authentication fails.
  EXPECT_TRUE(c.open(sealed, "members/b").status().IsCorruption());
}

TEST(RecordCipher, AnotherKeyOrAnyAlteredByteFails) {
  RecordCipher c = cipher(7);
  const std::string sealed = c.seal("answer", "submissions/x");
  EXPECT_TRUE(cipher(8).open(sealed, "submissions/x").status().IsCorruption());
  for (std::size_t i = 0; i < sealed.size(); i += 13) {
    std::string bad = sealed;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_TRUE(c.open(bad, "submissions/x").status().IsCorruption()) << i;
  }
  EXPECT_TRUE(c.open("", "submissions/x").status().IsCorruption());
  EXPECT_TRUE(c.open(sealed.substr(0, sealed.size() - 1), "submissions/x").status().IsCorruption());
}

TEST(RecordCipher, SameInputSealsDifferentlyEachTime) {
  RecordCipher c = cipher(7);
  EXPECT_NE(c.seal("same", "r"), c.seal("same", "r"));  // random nonce
}

TEST(RecordCipher, LengthsAreBucketedTo64Bytes) {
  RecordCipher c = cipher(7);
  const std::size_t overhead = 1 + 24 + 16;
  EXPECT_EQ(c.seal("", "r").size(), overhead + 64);
  EXPECT_EQ(c.seal(std::string(10, 'x'), "r").size(), overhead + 64);
  EXPECT_EQ(c.seal(std::string(63, 'x'), "r").size(), overhead + 64);
  EXPECT_EQ(c.seal(std::string(64, 'x'), "r").size(), overhead + 128);
  for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 1000u}) {
    const std::string plain(n, 'q');
    auto opened = c.open(c.seal(plain, "r"), "r");
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, plain);
  }
}

TEST(RecordCipher, BlindIndexIsDeterministicAndKeyed) {
  RecordCipher a = cipher(7);
  EXPECT_EQ(a.blindIndex("+4915112345678"), a.blindIndex("+4915112345678"));
  EXPECT_NE(a.blindIndex("+4915112345678"), a.blindIndex("+4915112345679"));
  EXPECT_NE(a.blindIndex("+4915112345678"), cipher(8).blindIndex("+4915112345678"));
  EXPECT_EQ(a.blindIndex("x").size(), 16u);
  // Another store (salt) with the same key gives unrelated indexes.
  std::array<uint8_t, kStoreSaltBytes> other_salt{};
  auto b = RecordCipher::create(key(7), other_salt);
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a.blindIndex("+4915112345678"), b->blindIndex("+4915112345678"));
}

TEST(RecordCipher, KeyCheckSeparatesKeys) {
  EXPECT_EQ(cipher(7).keyCheck(), cipher(7).keyCheck());
  EXPECT_NE(cipher(7).keyCheck(), cipher(8).keyCheck());
}

TEST(RecordCipher, RejectsKeysOfTheWrongSize) {
  std::array<uint8_t, 16> short_key{};
  EXPECT_TRUE(RecordCipher::create(short_key, kSalt).status().IsInvalidArgument());
}

TEST(Crypto, Sha256AndHex) {
  EXPECT_EQ(toHex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string back;
  ASSERT_TRUE(fromHex("00ff10", &back));
  EXPECT_EQ(back, std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(fromHex("0", &back));
  EXPECT_FALSE(fromHex("zz", &back));
}

}  // namespace
}  // namespace liaison::mobile
