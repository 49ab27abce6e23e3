// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of the GSM 7-bit tables (spot checks against 3GPP TS 23.038), reverse lookup, septet
// packing vectors and the strict UTF-8 codec.

#include "sms/gsm7.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sms/decoder.h"
#include "sms/utf8.h"

namespace liaison::gateway::sms {
namespace {

std::string utf8Of(char32_t code_point) {
  std::string out;
  appendUtf8(code_point, &out);
  return out;
}

std::vector<Language> allLanguages() {
  std::vector<Language> languages;
  languages.reserve(kAllNationalLanguages.size() + 1);
  languages.push_back(Language::Default);
  for (Language l : kAllNationalLanguages) languages.push_back(l);
  return languages;
}

TEST(Gsm7TablesTest, DefaultAlphabetSpotChecks) {
  const auto& table = *lockingShiftTable(Language::Default);
  EXPECT_EQ(table[0x00], u'@');
  EXPECT_EQ(table[0x01], u'£');
  EXPECT_EQ(table[0x09], u'Ç');
  EXPECT_EQ(table[0x0A], u'\n');
  EXPECT_EQ(table[0x0D], u'\r');
  EXPECT_EQ(table[0x10], u'Δ');
  EXPECT_EQ(table[0x1B], kUndefinedChar);
  EXPECT_EQ(table[0x24], u'¤');
  EXPECT_EQ(table[0x40], u'¡');
  EXPECT_EQ(table[0x5F], u'§');
  EXPECT_EQ(table[0x60], u'¿');
  EXPECT_EQ(table[0x7F], u'à');
  for (char c = 'A'; c <= 'Z'; ++c) EXPECT_EQ(table[static_cast<size_t>(c)], c);
  for (char c = 'a'; c <= 'z'; ++c) EXPECT_EQ(table[static_cast<size_t>(c)], c);
}

TEST(Gsm7TablesTest, DefaultExtensionTable) {
  const auto& table = *singleShiftTable(Language::Default);
  const std::vector<std::pair<uint8_t, char16_t>> expected = {
      {0x0A, u'\f'}, {0x14, u'^'}, {0x28, u'{'}, {0x29, u'}'}, {0x2F, u'\\'},
      {0x3C, u'['},  {0x3D, u'~'}, {0x3E, u']'}, {0x40, u'|'}, {0x65, u'€'}};
  size_t defined = 0;
  for (char16_t ch : table) defined += ch != kUndefinedChar ? 1 : 0;
  EXPECT_EQ(defined, expected.size());
  for (const auto& [septet, ch] : expected) EXPECT_EQ(table[septet], ch) << int{septet};
}

TEST(Gsm7TablesTest, NationalTableSpotChecks) {
  EXPECT_EQ(lockingShiftTable(Language::Spanish), nullptr);
  EXPECT_EQ((*lockingShiftTable(Language::Turkish))[0x04], u'€');
  EXPECT_EQ((*lockingShiftTable(Language::Turkish))[0x07], u'ı');
  EXPECT_EQ((*lockingShiftTable(Language::Turkish))[0x1D], u'ş');
  EXPECT_EQ((*lockingShiftTable(Language::Turkish))[0x40], u'İ');
  EXPECT_EQ((*singleShiftTable(Language::Turkish))[0x47], u'Ğ');
  EXPECT_EQ((*singleShiftTable(Language::Turkish))[0x73], u'ş');
  EXPECT_EQ((*singleShiftTable(Language::Spanish))[0x09], u'ç');
  EXPECT_EQ((*singleShiftTable(Language::Spanish))[0x6F], u'ó');
  EXPECT_EQ((*lockingShiftTable(Language::Portuguese))[0x15], u'∞');
  EXPECT_EQ((*lockingShiftTable(Language::Portuguese))[0x7D], u'`');
  EXPECT_EQ((*singleShiftTable(Language::Portuguese))[0x05], u'ê');
  EXPECT_EQ((*lockingShiftTable(Language::Hindi))[0x00], u'\u0901');
  EXPECT_EQ((*lockingShiftTable(Language::Hindi))[0x2F], u'\u0928');  // न
  EXPECT_EQ((*lockingShiftTable(Language::Hindi))[0x5F], u'\u094D');  // virama
  EXPECT_EQ((*lockingShiftTable(Language::Hindi))[0x7F], u'\u097F');
  EXPECT_EQ((*singleShiftTable(Language::Hindi))[0x19], u'\u0964');  // danda
  EXPECT_EQ((*singleShiftTable(Language::Hindi))[0x41], u'A');
  EXPECT_EQ((*lockingShiftTable(Language::Bengali))[0x7F], u'\u09F1');
  EXPECT_EQ((*lockingShiftTable(Language::Kannada))[0x24], u'\u0CA1');
  EXPECT_EQ((*singleShiftTable(Language::Tamil))[0x24], u'\u0BEE');
  EXPECT_EQ((*singleShiftTable(Language::Oriya))[0x20], u'\u0B6A');
  EXPECT_EQ((*singleShiftTable(Language::Telugu))[0x1C], u'\u0C66');
  EXPECT_EQ((*lockingShiftTable(Language::Urdu))[0x00], u'\u0627');
  EXPECT_EQ((*singleShiftTable(Language::Urdu))[0x3F], u'\u06D4');
  // Shared layout of the Indic single shift tables.
  for (Language language : {Language::Bengali, Language::Gujarati, Language::Hindi,
                            Language::Kannada, Language::Malayalam, Language::Oriya,
                            Language::Punjabi, Language::Tamil, Language::Telugu, Language::Urdu}) {
    const auto& single = *singleShiftTable(language);
    EXPECT_EQ(single[0x00], u'@') << languageName(language);
    EXPECT_EQ(single[0x65], u'€') << languageName(language);
    EXPECT_EQ(single[0x5A], u'Z') << languageName(language);
    const auto& locking = *lockingShiftTable(language);
    EXPECT_EQ(locking[0x20], u' ') << languageName(language);
    EXPECT_EQ(locking[0x0A], u'\n') << languageName(language);
    EXPECT_EQ(locking[0x61], u'a') << languageName(language);
    EXPECT_EQ(locking[0x7A - 0x00], u'z') << languageName(language);
  }
}

TEST(Gsm7TablesTest, LockingTablesHaveNoDuplicatesAndEscapeIsUndefined) {
  for (Language language : allLanguages()) {
    const auto* table = lockingShiftTable(language);
    if (table == nullptr) continue;
    std::set<char16_t> seen;
    for (char16_t ch : *table) {
      if (ch == kUndefinedChar) continue;
      EXPECT_TRUE(seen.insert(ch).second) << languageName(language) << " " << int{ch};
    }
    EXPECT_EQ((*table)[kEscapeSeptet], kUndefinedChar);
    EXPECT_EQ((*singleShiftTable(language))[kEscapeSeptet], kUndefinedChar);
  }
}

// Every character of every table maps back to a septet holding that character and decodes to it.
TEST(Gsm7TablesTest, EveryTableCharacterRoundTripsThroughLookupAndDecode) {
  size_t checked = 0;
  for (Language language : allLanguages()) {
    if (const auto* table = lockingShiftTable(language)) {
      for (size_t septet = 0; septet < 128; ++septet) {
        const char16_t ch = (*table)[septet];
        if (ch == kUndefinedChar) continue;
        const int found = lockingSeptetFor(language, ch);
        ASSERT_GE(found, 0) << languageName(language) << " locking " << septet;
        EXPECT_EQ((*table)[static_cast<size_t>(found)], ch);
        EXPECT_EQ(septetCost(language, Language::Default, ch), 1);
        const std::vector<uint8_t> septets = {static_cast<uint8_t>(found)};
        std::string text;
        EXPECT_EQ(appendGsm7Text(septets, language, Language::Default, &text), 0u);
        EXPECT_EQ(text, utf8Of(ch));
        ++checked;
      }
    }
    const auto& single = *singleShiftTable(language);
    for (size_t septet = 0; septet < 128; ++septet) {
      const char16_t ch = single[septet];
      if (ch == kUndefinedChar) continue;
      const int found = singleShiftSeptetFor(language, ch);
      ASSERT_GE(found, 0) << languageName(language) << " single " << septet;
      EXPECT_EQ(single[static_cast<size_t>(found)], ch);
      const std::vector<uint8_t> septets = {kEscapeSeptet, static_cast<uint8_t>(found)};
      std::string text;
      EXPECT_EQ(appendGsm7Text(septets, Language::Default, language, &text), 0u);
      EXPECT_EQ(text, utf8Of(ch));
      ++checked;
    }
  }
  EXPECT_GT(checked, 2000u);
}

TEST(Gsm7TablesTest, ReverseLookupRejectsOutsiders) {
  EXPECT_EQ(lockingSeptetFor(Language::Default, U'ş'), -1);
  EXPECT_EQ(lockingSeptetFor(Language::Default, 0x1F600), -1);
  EXPECT_EQ(lockingSeptetFor(Language::Default, 0xFFFF), -1);
  EXPECT_EQ(lockingSeptetFor(Language::Spanish, U'a'), -1);
  EXPECT_EQ(lockingSeptetFor(static_cast<Language>(99), U'a'), -1);
  EXPECT_EQ(singleShiftSeptetFor(Language::Default, U'€'), 0x65);
  EXPECT_EQ(septetCost(Language::Default, Language::Default, U'€'), 2);
  EXPECT_EQ(septetCost(Language::Default, Language::Default, U'a'), 1);
  EXPECT_EQ(septetCost(Language::Default, Language::Default, U'ж'), 0);
  // Duplicates in the Indic single shift tables resolve to the first position.
  EXPECT_EQ(singleShiftSeptetFor(Language::Hindi, U'¡'), 0x13);
  EXPECT_EQ(singleShiftSeptetFor(Language::Hindi, U'*'), 0x0B);
}

TEST(Gsm7TablesTest, LanguageCodes) {
  Language language = Language::Default;
  EXPECT_TRUE(languageFromCode(6, &language));
  EXPECT_EQ(language, Language::Hindi);
  EXPECT_FALSE(languageFromCode(14, &language));
  EXPECT_EQ(languageName(Language::Urdu), "Urdu");
  EXPECT_EQ(languageName(static_cast<Language>(200)), "Unknown");
}

TEST(Gsm7PackingTest, HelloVector) {
  const std::vector<uint8_t> septets = {'h', 'e', 'l', 'l', 'o'};
  std::vector<uint8_t> packed;
  packSeptets(septets, 0, &packed);
  EXPECT_EQ(packed, (std::vector<uint8_t>{0xE8, 0x32, 0x9B, 0xFD, 0x06}));
  std::vector<uint8_t> unpacked;
  EXPECT_TRUE(unpackSeptets(packed, 0, 5, &unpacked));
  EXPECT_EQ(unpacked, septets);
}

TEST(Gsm7PackingTest, HellohelloVectorAndEightSeptetsInSevenOctets) {
  const std::vector<uint8_t> septets = {'h', 'e', 'l', 'l', 'o', 'h', 'e', 'l', 'l', 'o'};
  std::vector<uint8_t> packed;
  packSeptets(septets, 0, &packed);
  EXPECT_EQ(packed, (std::vector<uint8_t>{0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37}));
  std::vector<uint8_t> eight(8, 0x7F);
  packed.clear();
  packSeptets(eight, 0, &packed);
  EXPECT_EQ(packed, std::vector<uint8_t>(7, 0xFF));
}

TEST(Gsm7PackingTest, FillBitsAfterUdh) {
  EXPECT_EQ(udhSeptets(6), 7u);
  EXPECT_EQ(udhFillBits(6), 1u);
  EXPECT_EQ(udhSeptets(7), 8u);
  EXPECT_EQ(udhFillBits(7), 0u);
  EXPECT_EQ(udhSeptets(4), 5u);
  EXPECT_EQ(udhFillBits(4), 3u);
  std::vector<uint8_t> out = {0x05, 0x00, 0x03, 0x2A, 0x02, 0x01};
  const std::vector<uint8_t> septets = {'a'};
  packSeptets(septets, udhSeptets(6) * 7, &out);
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(out[6], 0xC2);  // 'a' (0x61) shifted past one fill bit.
  std::vector<uint8_t> back;
  EXPECT_TRUE(unpackSeptets(out, 49, 1, &back));
  EXPECT_EQ(back, septets);
}

TEST(Gsm7PackingTest, UnpackIsBounded) {
  const std::vector<uint8_t> packed = {0xE8, 0x32};
  std::vector<uint8_t> out;
  EXPECT_FALSE(unpackSeptets(packed, 0, 5, &out));
  EXPECT_EQ(out.size(), 2u);
  out.clear();
  EXPECT_FALSE(unpackSeptets(packed, 100, 1, &out));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(unpackSeptets(packed, 100, 0, &out));
}

TEST(Utf8Test, DecodesValidText) {
  std::vector<char32_t> out;
  size_t offset = 99;
  ASSERT_TRUE(decodeUtf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", &out, &offset));
  EXPECT_EQ(out, (std::vector<char32_t>{U'a', U'é', U'€', 0x1F600}));
}

TEST(Utf8Test, RejectsMalformedText) {
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"\xC0\x80", 0},           // Overlong NUL.
      {"ab\xE0\x80\xAF", 2},     // Overlong '/'.
      {"\xED\xA0\x80", 0},       // Surrogate.
      {"x\xF4\x90\x80\x80", 1},  // Above U+10FFFF.
      {"\xE2\x82", 0},           // Truncated.
      {"ok\x80", 2},             // Stray continuation.
      {"\xFF", 0},               // Never valid.
      {"\xC3\x28", 0},           // Bad continuation.
  };
  for (const auto& [text, expected_offset] : cases) {
    std::vector<char32_t> out;
    size_t offset = 99;
    EXPECT_FALSE(decodeUtf8(text, &out, &offset)) << text;
    EXPECT_EQ(offset, expected_offset) << text;
  }
}

TEST(Utf8Test, EncoderReplacesNonScalars) {
  std::string out;
  appendUtf8(0xD800, &out);
  appendUtf8(0x110000, &out);
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace liaison::gateway::sms
