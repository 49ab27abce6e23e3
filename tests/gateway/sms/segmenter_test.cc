// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of encoding choice, exact counts and segmentation: boundary vectors (160/161 septets,
// 70/71 UCS-2 units, escapes and surrogate pairs at part boundaries), national language table
// selection with its UDH IEs, and randomized round trips through encode -> decode -> reassemble.

#include "sms/segmenter.h"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "sms/decoder.h"
#include "sms/encoding.h"
#include "sms/utf8.h"

namespace liaison::gateway::sms {
namespace {

using Bytes = std::vector<uint8_t>;

std::string repeat(std::string_view piece, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += piece;
  return out;
}

std::string utf8Of(const std::vector<char32_t>& code_points) {
  std::string out;
  for (char32_t cp : code_points) appendUtf8(cp, &out);
  return out;
}

DecodedMessage decodePacked(const Segment& segment, Encoding encoding) {
  DecodeInput input;
  input.coding = encoding == Encoding::Gsm7 ? DataCoding::Gsm7Packed : DataCoding::Ucs2;
  input.udhi = !segment.udh.empty();
  input.user_data = segment.user_data;
  if (encoding == Encoding::Gsm7) input.user_data_length = segment.user_data_length;
  return decodeUserData(input);
}

DecodedMessage decodeUnpacked(const Segment& segment, Encoding encoding, Bytes* storage) {
  *storage = segment.udh;
  storage->insert(storage->end(), segment.payload.begin(), segment.payload.end());
  DecodeInput input;
  input.coding = encoding == Encoding::Gsm7 ? DataCoding::Gsm7Unpacked : DataCoding::Ucs2;
  input.udhi = !segment.udh.empty();
  input.user_data = *storage;
  return decodeUserData(input);
}

// Checks structural invariants of an encoding and that both output forms decode to `text`.
void expectRoundTrip(const std::string& text, const EncodeResult& result,
                     const EncodeOptions& options) {
  ASSERT_TRUE(result.ok()) << result.message;
  const Encoding encoding = result.info.choice.encoding;
  ASSERT_EQ(result.segments.size(), result.info.segments);
  std::vector<DecodedMessage> packed_parts;
  std::vector<DecodedMessage> unpacked_parts;
  size_t next_code_point = 0;
  for (size_t i = 0; i < result.segments.size(); ++i) {
    const Segment& segment = result.segments[i];
    EXPECT_LE(segment.user_data.size(), kMaxUserDataOctets);
    EXPECT_EQ(segment.sequence, i + 1);
    EXPECT_EQ(segment.first_code_point, next_code_point);
    next_code_point += segment.code_point_count;
    if (encoding == Encoding::Gsm7) {
      EXPECT_LE(segment.user_data_length, kGsm7SingleSegmentSeptets);
      EXPECT_EQ(segment.user_data.size(), (segment.user_data_length * 7 + 7) / 8);
      for (uint8_t septet : segment.payload) EXPECT_LT(septet, 0x80);
      if (!segment.payload.empty()) {
        EXPECT_NE(segment.payload.back(), kEscapeSeptet);
      }
    } else {
      EXPECT_EQ(segment.user_data_length, segment.user_data.size());
      EXPECT_EQ(segment.payload.size() % 2, 0u);
      if (segment.payload.size() >= 2) {
        const uint8_t last_high = segment.payload[segment.payload.size() - 2];
        EXPECT_FALSE(last_high >= 0xD8 && last_high <= 0xDB) << "split surrogate pair";
      }
    }
    packed_parts.push_back(decodePacked(segment, encoding));
    Bytes storage;
    unpacked_parts.push_back(decodeUnpacked(segment, encoding, &storage));
    const DecodedMessage& decoded = packed_parts.back();
    ASSERT_TRUE(decoded.ok()) << decoded.message;
    EXPECT_EQ(decoded.substitutions, 0u);
    EXPECT_EQ(decoded.udh.locking_shift, result.info.choice.locking_shift);
    EXPECT_EQ(decoded.udh.single_shift, result.info.choice.single_shift);
    if (result.segments.size() > 1) {
      ASSERT_TRUE(decoded.udh.concat.has_value());
      EXPECT_EQ(decoded.udh.concat->total, result.segments.size());
      EXPECT_EQ(decoded.udh.concat->sequence, i + 1);
      const uint16_t expected_ref = options.ref_size == ConcatRefSize::Bits8
                                        ? static_cast<uint16_t>(options.reference & 0xFF)
                                        : options.reference;
      EXPECT_EQ(decoded.udh.concat->reference, expected_ref);
      EXPECT_EQ(decoded.udh.concat->ref16, options.ref_size == ConcatRefSize::Bits16);
    } else {
      EXPECT_FALSE(decoded.udh.concat.has_value());
    }
  }
  EXPECT_EQ(next_code_point, result.info.code_points);
  // Reassemble out of order to exercise sorting.
  std::reverse(packed_parts.begin(), packed_parts.end());
  const ReassembledText packed = reassemble(packed_parts);
  ASSERT_TRUE(packed.ok()) << packed.message;
  EXPECT_EQ(packed.text, text);
  const ReassembledText unpacked = reassemble(unpacked_parts);
  ASSERT_TRUE(unpacked.ok()) << unpacked.message;
  EXPECT_EQ(unpacked.text, text);
}

TEST(AnalyzeTest, CountsForShortGsmText) {
  const AnalyzeResult result = analyzeText("hello");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.choice.encoding, Encoding::Gsm7);
  EXPECT_EQ(result.info.code_points, 5u);
  EXPECT_EQ(result.info.units, 5u);
  EXPECT_EQ(result.info.segments, 1u);
  EXPECT_EQ(result.info.units_remaining, 155u);
  EXPECT_EQ(result.info.units_per_segment, 160u);
  EXPECT_EQ(result.info.udh_octets, 0u);
}

TEST(AnalyzeTest, CapacitiesAndUnitCosts) {
  const EncodingChoice gsm{Encoding::Gsm7, Language::Default, Language::Default};
  const EncodingChoice ucs2{Encoding::Ucs2, Language::Default, Language::Default};
  const EncodingChoice both{Encoding::Gsm7, Language::Hindi, Language::Hindi};
  const SegmentCapacity gsm8 = segmentCapacity(gsm, ConcatRefSize::Bits8);
  EXPECT_EQ(gsm8.single_part_units, 160u);
  EXPECT_EQ(gsm8.multi_part_units, 153u);
  EXPECT_EQ(gsm8.single_part_udh_octets, 0u);
  EXPECT_EQ(gsm8.multi_part_udh_octets, 6u);
  EXPECT_EQ(segmentCapacity(gsm, ConcatRefSize::Bits16).multi_part_units, 152u);
  EXPECT_EQ(segmentCapacity(ucs2, ConcatRefSize::Bits8).single_part_units, 70u);
  EXPECT_EQ(segmentCapacity(ucs2, ConcatRefSize::Bits8).multi_part_units, 67u);
  EXPECT_EQ(segmentCapacity(ucs2, ConcatRefSize::Bits16).multi_part_units, 66u);
  const SegmentCapacity hindi = segmentCapacity(both, ConcatRefSize::Bits8);
  EXPECT_EQ(hindi.single_part_units, 152u);
  EXPECT_EQ(hindi.single_part_udh_octets, 7u);
  EXPECT_EQ(hindi.multi_part_units, 146u);
  EXPECT_EQ(hindi.multi_part_udh_octets, 12u);
  EXPECT_EQ(unitCost(gsm, U'a'), 1);
  EXPECT_EQ(unitCost(gsm, U'€'), 2);
  EXPECT_EQ(unitCost(gsm, U'ж'), 0);
  EXPECT_EQ(unitCost(ucs2, U'ж'), 1);
  EXPECT_EQ(unitCost(ucs2, 0x1F600), 2);
  EXPECT_EQ(unitCost(ucs2, 0xD800), 0);
  EXPECT_EQ(unitCost(both, U'न'), 1);
  EXPECT_EQ(unitCost(both, U'A'), 2);
  EXPECT_EQ(encodeErrorName(EncodeError::TooManySegments), "TooManySegments");
}

TEST(AnalyzeTest, EmptyTextIsOneSegment) {
  const EncodeResult result = encodeText("");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.segments, 1u);
  EXPECT_EQ(result.info.units_remaining, 160u);
  ASSERT_EQ(result.segments.size(), 1u);
  EXPECT_TRUE(result.segments[0].user_data.empty());
}

TEST(AnalyzeTest, EuroCostsTwoSeptets) {
  const AnalyzeResult result = analyzeText("€");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.choice.encoding, Encoding::Gsm7);
  EXPECT_EQ(result.info.code_points, 1u);
  EXPECT_EQ(result.info.units, 2u);
  EXPECT_EQ(result.info.units_remaining, 158u);
  const EncodeResult encoded = encodeText("€");
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(encoded.segments[0].payload, (Bytes{0x1B, 0x65}));
}

TEST(SegmenterTest, HelloPackedBytes) {
  const EncodeResult result = encodeText("hello");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.segments.size(), 1u);
  const Segment& segment = result.segments[0];
  EXPECT_TRUE(segment.udh.empty());
  EXPECT_EQ(segment.payload, (Bytes{'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(segment.user_data, (Bytes{0xE8, 0x32, 0x9B, 0xFD, 0x06}));
  EXPECT_EQ(segment.user_data_length, 5u);
}

TEST(SegmenterTest, Exactly160SeptetsIsOneSegment) {
  const EncodeResult result = encodeText(std::string(160, 'a'));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.segments, 1u);
  EXPECT_EQ(result.info.units_remaining, 0u);
  ASSERT_EQ(result.segments.size(), 1u);
  EXPECT_EQ(result.segments[0].user_data.size(), 140u);
  EXPECT_EQ(result.segments[0].user_data_length, 160u);
}

TEST(SegmenterTest, Septets161SplitInto153Plus8) {
  EncodeOptions options;
  options.reference = 0x2A;
  const std::string text(161, 'a');
  const EncodeResult result = encodeText(text, options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.segments.size(), 2u);
  EXPECT_EQ(result.info.units_per_segment, 153u);
  EXPECT_EQ(result.info.units_remaining, 145u);
  EXPECT_EQ(result.segments[0].payload.size(), 153u);
  EXPECT_EQ(result.segments[1].payload.size(), 8u);
  EXPECT_EQ(result.segments[0].udh, (Bytes{0x05, 0x00, 0x03, 0x2A, 0x02, 0x01}));
  EXPECT_EQ(result.segments[1].udh, (Bytes{0x05, 0x00, 0x03, 0x2A, 0x02, 0x02}));
  EXPECT_EQ(result.segments[0].user_data.size(), 140u);
  EXPECT_EQ(result.segments[0].user_data_length, 160u);
  EXPECT_EQ(result.segments[0].user_data[6], 0xC2);  // One fill bit, then 'a'.
  expectRoundTrip(text, result, options);
}

TEST(SegmenterTest, SixteenBitReferenceLeaves152Septets) {
  EncodeOptions options;
  options.ref_size = ConcatRefSize::Bits16;
  options.reference = 0xBEEF;
  const std::string text(161, 'b');
  const EncodeResult result = encodeText(text, options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.segments.size(), 2u);
  EXPECT_EQ(result.segments[0].payload.size(), 152u);
  EXPECT_EQ(result.segments[1].payload.size(), 9u);
  EXPECT_EQ(result.segments[0].udh, (Bytes{0x06, 0x08, 0x04, 0xBE, 0xEF, 0x02, 0x01}));
  EXPECT_EQ(result.segments[0].user_data.size(), 140u);
  expectRoundTrip(text, result, options);
}

TEST(SegmenterTest, ExtensionCharacterNeverSplitsAcrossSegments) {
  const std::string text = std::string(152, 'a') + "€" + std::string(10, 'a');
  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.segments.size(), 2u);
  EXPECT_EQ(result.info.units, 164u);
  EXPECT_EQ(result.segments[0].payload.size(), 152u);  // 153 would split ESC from 0x65.
  EXPECT_EQ(result.segments[0].code_point_count, 152u);
  ASSERT_GE(result.segments[1].payload.size(), 2u);
  EXPECT_EQ(result.segments[1].payload[0], 0x1B);
  EXPECT_EQ(result.segments[1].payload[1], 0x65);
  EXPECT_EQ(result.info.units_remaining, 153u - 12u);
  expectRoundTrip(text, result, {});
}

TEST(SegmenterTest, Ucs2SeventyAndSeventyOne) {
  const EncodeResult seventy = encodeText(repeat("ж", 70));
  ASSERT_TRUE(seventy.ok());
  EXPECT_EQ(seventy.info.choice.encoding, Encoding::Ucs2);
  EXPECT_EQ(seventy.info.segments, 1u);
  EXPECT_EQ(seventy.info.units_remaining, 0u);
  EXPECT_EQ(seventy.segments[0].user_data.size(), 140u);
  EXPECT_EQ(seventy.segments[0].payload[0], 0x04);
  EXPECT_EQ(seventy.segments[0].payload[1], 0x36);

  const std::string text = repeat("ж", 71);
  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.segments.size(), 2u);
  EXPECT_EQ(result.info.units_per_segment, 67u);
  EXPECT_EQ(result.segments[0].payload.size(), 134u);
  EXPECT_EQ(result.segments[1].payload.size(), 8u);
  EXPECT_EQ(result.segments[0].user_data.size(), 140u);
  expectRoundTrip(text, result, {});
}

TEST(SegmenterTest, SurrogatePairMovesToNextSegment) {
  const std::string text = repeat("ж", 66) + "😀" + repeat("ж", 10);
  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.code_points, 77u);
  EXPECT_EQ(result.info.units, 78u);
  ASSERT_EQ(result.segments.size(), 2u);
  EXPECT_EQ(result.segments[0].payload.size(), 132u);  // 66 units; the pair would make 68.
  EXPECT_EQ(result.segments[1].payload[0], 0xD8);
  EXPECT_EQ(result.segments[1].payload[1], 0x3D);
  EXPECT_EQ(result.segments[1].payload[2], 0xDE);
  EXPECT_EQ(result.segments[1].payload[3], 0x00);
  expectRoundTrip(text, result, {});
}

TEST(SegmenterTest, TurkishTextPicksTurkishTableWhenItSavesSegments) {
  const std::string text =
      "Yarın sabah saat dokuzda toplantı var, lütfen geç kalmayın. Şimdiden teşekkürler, "
      "görüşmek üzere! Ağustos";
  const AnalyzeResult ucs2 = [&] {
    EncodeOptions options;
    options.policy = EncodingPolicy::Ucs2Only;
    return analyzeText(text, options);
  }();
  ASSERT_TRUE(ucs2.ok());
  EXPECT_EQ(ucs2.info.segments, 2u);

  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.info.choice.encoding, Encoding::Gsm7);
  EXPECT_EQ(result.info.choice.locking_shift, Language::Turkish);
  EXPECT_EQ(result.info.choice.single_shift, Language::Default);
  EXPECT_EQ(result.info.segments, 1u);
  EXPECT_EQ(result.info.udh_octets, 4u);
  EXPECT_EQ(result.info.units_per_segment, 155u);
  EXPECT_EQ(result.segments[0].udh, (Bytes{0x03, 0x25, 0x01, 0x01}));
  expectRoundTrip(text, result, {});

  // With Turkish as the only allowed language the same Turkish locking table is chosen.
  const std::array<Language, 1> turkish = {Language::Turkish};
  EncodeOptions options;
  options.languages = turkish;
  const EncodeResult turkish_only = encodeText(text, options);
  ASSERT_TRUE(turkish_only.ok());
  EXPECT_EQ(turkish_only.info.choice.locking_shift, Language::Turkish);

  // Without national tables the text falls back to UCS-2.
  options.languages = {};
  const EncodeResult none = encodeText(text, options);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.info.choice.encoding, Encoding::Ucs2);
  EXPECT_EQ(none.info.segments, 2u);
}

TEST(SegmenterTest, TurkishSingleShiftWhenLockingTableLacksACharacter) {
  // 'è' exists only in the default alphabet, so the Turkish locking table cannot be used; the
  // Turkish single shift table over the default alphabet can.
  const std::string text = repeat("Çalışma şöyle è ", 6);
  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.choice.locking_shift, Language::Default);
  EXPECT_EQ(result.info.choice.single_shift, Language::Turkish);
  EXPECT_EQ(result.segments[0].udh, (Bytes{0x03, 0x24, 0x01, 0x01}));
  expectRoundTrip(text, result, {});
}

TEST(SegmenterTest, ShortTurkishTextStaysUcs2OnTie) {
  const EncodeResult result = encodeText("Teşekkürler");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.choice.encoding, Encoding::Ucs2);  // National IEs save nothing here.
}

TEST(SegmenterTest, HindiTextPicksHindiLockingShift) {
  const std::string text = repeat("नमस्ते दुनिया ", 7);  // 98 code points.
  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.info.code_points, 98u);
  EXPECT_EQ(result.info.choice.encoding, Encoding::Gsm7);
  EXPECT_EQ(result.info.choice.locking_shift, Language::Hindi);
  EXPECT_EQ(result.info.choice.single_shift, Language::Default);
  EXPECT_EQ(result.info.segments, 1u);
  EXPECT_EQ(result.info.units, 98u);
  EXPECT_EQ(result.info.units_remaining, 155u - 98u);
  const Segment& segment = result.segments[0];
  EXPECT_EQ(segment.udh, (Bytes{0x03, 0x25, 0x01, 0x06}));
  EXPECT_EQ(segment.payload[0], 0x2F);  // न
  EXPECT_EQ(segment.payload[1], 0x42);  // म
  EXPECT_EQ(segment.user_data[0], 0x03);
  EXPECT_EQ(segment.user_data_length, 5u + 98u);
  expectRoundTrip(text, result, {});
}

TEST(SegmenterTest, HindiWithLatinCapitalsUsesBothHindiTables) {
  const std::string text = repeat("OTP 1234 नमस्ते दुनिया ", 5);
  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.choice.locking_shift, Language::Hindi);
  EXPECT_EQ(result.info.choice.single_shift, Language::Hindi);
  EXPECT_EQ(result.segments[0].udh, (Bytes{0x06, 0x24, 0x01, 0x06, 0x25, 0x01, 0x06}));
  EXPECT_EQ(result.info.units_per_segment, 152u);
  expectRoundTrip(text, result, {});
}

TEST(SegmenterTest, SpanishPreferredOverPortugueseByListOrder) {
  const std::string text = repeat("Canción rápida ", 7);  // 105 chars with ó and á.
  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.segments, 1u);
  EXPECT_EQ(result.info.choice.single_shift, Language::Spanish);
  EXPECT_EQ(result.info.choice.locking_shift, Language::Default);
  EXPECT_EQ(result.segments[0].udh, (Bytes{0x03, 0x24, 0x01, 0x02}));

  const std::array<Language, 2> order = {Language::Portuguese, Language::Spanish};
  EncodeOptions options;
  options.languages = order;
  const EncodeResult portuguese = encodeText(text, options);
  ASSERT_TRUE(portuguese.ok());
  EXPECT_EQ(portuguese.info.segments, 1u);
  // Portuguese locking holds á/ó as single septets: preferred language, same UDH size.
  EXPECT_EQ(portuguese.info.choice.locking_shift, Language::Portuguese);
  expectRoundTrip(text, portuguese, options);
}

TEST(SegmenterTest, NationalLockingTableCanBeatEscapesOfPureGsmText) {
  const std::string text = repeat("€", 100);
  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.segments, 1u);
  EXPECT_EQ(result.info.choice.locking_shift, Language::Turkish);  // First in default order.
  expectRoundTrip(text, result, {});

  EncodeOptions options;
  options.languages = {};
  const EncodeResult plain = encodeText(text, options);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.info.choice,
            (EncodingChoice{Encoding::Gsm7, Language::Default, Language::Default}));
  EXPECT_EQ(plain.info.segments, 2u);
  expectRoundTrip(text, plain, options);
}

TEST(SegmenterTest, NationalMultipartCapacities) {
  const std::string text = repeat("नमस्ते दुनिया ", 20);  // 280 septets in Hindi locking.
  const EncodeResult result = encodeText(text);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.info.choice.locking_shift, Language::Hindi);
  EXPECT_EQ(result.info.units_per_segment, 149u);  // (140 - 9) * 8 / 7.
  EXPECT_EQ(result.info.segments, 2u);
  EXPECT_EQ(result.segments[0].udh, (Bytes{0x08, 0x00, 0x03, 0x00, 0x02, 0x01, 0x25, 0x01, 0x06}));
  expectRoundTrip(text, result, {});
}

TEST(SegmenterTest, PoliciesAndLimits) {
  EncodeOptions options;
  options.policy = EncodingPolicy::Gsm7Only;
  options.languages = {};
  const EncodeResult unencodable = encodeText("hi ж", options);
  EXPECT_EQ(unencodable.error, EncodeError::Unencodable);
  EXPECT_NE(unencodable.message.find("U+0436"), std::string::npos) << unencodable.message;

  options = {};
  options.policy = EncodingPolicy::Ucs2Only;
  const EncodeResult forced = encodeText("hello", options);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced.info.choice.encoding, Encoding::Ucs2);
  EXPECT_EQ(forced.segments[0].payload, (Bytes{0, 'h', 0, 'e', 0, 'l', 0, 'l', 0, 'o'}));

  options = {};
  options.max_segments = 1;
  const EncodeResult too_many = encodeText(std::string(161, 'a'), options);
  EXPECT_EQ(too_many.error, EncodeError::TooManySegments);
  EXPECT_EQ(too_many.info.segments, 2u);

  const EncodeResult at_limit = encodeText(std::string(255 * 153, 'a'));
  ASSERT_TRUE(at_limit.ok());
  EXPECT_EQ(at_limit.segments.size(), 255u);
  EXPECT_EQ(encodeText(std::string(255 * 153 + 1, 'a')).error, EncodeError::TooManySegments);
  EXPECT_EQ(encodeText(std::string(200000, 'a')).error, EncodeError::InputTooLong);

  options = {};
  options.max_segments = 0;
  EXPECT_EQ(encodeText("a", options).error, EncodeError::InvalidOptions);
  options.max_segments = 256;
  EXPECT_EQ(analyzeText("a", options).error, EncodeError::InvalidOptions);
  const std::array<Language, 1> bogus = {static_cast<Language>(42)};
  options = {};
  options.languages = bogus;
  EXPECT_EQ(encodeText("a", options).error, EncodeError::InvalidOptions);
}

TEST(SegmenterTest, InvalidUtf8IsAnError) {
  for (const std::string& bad : {std::string("abc\xC3"), std::string("\xED\xA0\x80"),
                                 std::string("x\xFFy"), std::string("\xC0\xAF")}) {
    const EncodeResult result = encodeText(bad);
    EXPECT_EQ(result.error, EncodeError::InvalidUtf8);
    EXPECT_NE(result.message.find("byte offset"), std::string::npos);
    EXPECT_TRUE(result.segments.empty());
    EXPECT_EQ(analyzeText(bad).error, EncodeError::InvalidUtf8);
  }
  const std::vector<char32_t> surrogate = {U'a', 0xD800};
  EXPECT_EQ(encodeCodePoints(surrogate).error, EncodeError::InvalidUtf8);
}

// Forces each national table character through the whole pipeline (enough copies that the
// national table beats UCS-2), then decodes it back.
TEST(SegmenterPropertyTest, EveryNationalTableCharacterRoundTripsThroughSegments) {
  size_t checked = 0;
  for (const Language language : kAllNationalLanguages) {
    const std::array<Language, 1> only = {language};
    EncodeOptions options;
    options.languages = only;
    for (int kind = 0; kind < 2; ++kind) {
      const auto* table = kind == 0 ? lockingShiftTable(language) : singleShiftTable(language);
      if (table == nullptr) continue;
      for (char16_t ch : *table) {
        if (ch == kUndefinedChar) continue;
        const std::string text = utf8Of(std::vector<char32_t>(71, ch));
        const EncodeResult result = encodeText(text, options);
        ASSERT_TRUE(result.ok()) << result.message;
        EXPECT_EQ(result.info.choice.encoding, Encoding::Gsm7)
            << languageName(language) << " U+" << std::hex << int{ch};
        expectRoundTrip(text, result, options);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 2000u);
}

std::vector<std::vector<char32_t>> characterPools() {
  std::vector<std::vector<char32_t>> pools;
  std::vector<char32_t> ascii;
  for (char32_t c = 0x20; c < 0x7F; ++c) ascii.push_back(c);
  ascii.push_back(U'\n');
  ascii.push_back(U'\r');
  pools.push_back(ascii);
  pools.push_back({U'€', U'[', U']', U'{', U'}', U'~', U'^', U'|', U'\\', U'\f', U'@', U'£', U'Δ',
                   U'é', U'Ü', U'ß'});
  pools.push_back({U'ş', U'Ş', U'ğ', U'Ğ', U'ı', U'İ', U'ç', U'ö', U'ü', U' ', U'a', U'e'});
  pools.push_back({U'á', U'ó', U'í', U'ú', U'ã', U'õ', U'ê', U'ç', U'Á', U'Ó', U' ', U'o'});
  std::vector<char32_t> hindi;
  for (char16_t ch : *lockingShiftTable(Language::Hindi)) {
    if (ch != kUndefinedChar) hindi.push_back(ch);
  }
  pools.push_back(hindi);
  std::vector<char32_t> bengali_urdu;
  for (Language language : {Language::Bengali, Language::Urdu, Language::Tamil}) {
    for (char16_t ch : *lockingShiftTable(language)) {
      if (ch != kUndefinedChar && ch > 0x7F) bengali_urdu.push_back(ch);
    }
  }
  pools.push_back(bengali_urdu);
  pools.push_back(
      {U'ж', U'Я', U'中', U'文', U'😀', U'👍', 0x10FFFF, 0x1F1FA, U'\u200D', 0xFFFD, U'\0'});
  return pools;
}

TEST(SegmenterPropertyTest, RandomTextsRoundTripWithConsistentCounts) {
  const auto pools = characterPools();
  std::mt19937 rng(20260101);
  for (int iteration = 0; iteration < 600; ++iteration) {
    // Mix one to three pools, biased towards a dominant pool like real text.
    std::vector<char32_t> alphabet;
    const int mixes = 1 + static_cast<int>(rng() % 3);
    for (int m = 0; m < mixes; ++m) {
      const auto& pool = pools[rng() % pools.size()];
      alphabet.insert(alphabet.end(), pool.begin(), pool.end());
    }
    const size_t length = iteration % 10 == 0 ? rng() % 2000 : rng() % 400;
    std::vector<char32_t> code_points;
    for (size_t i = 0; i < length; ++i) code_points.push_back(alphabet[rng() % alphabet.size()]);
    const std::string text = utf8Of(code_points);

    EncodeOptions options;
    options.ref_size = rng() % 2 ? ConcatRefSize::Bits16 : ConcatRefSize::Bits8;
    options.reference = static_cast<uint16_t>(rng());
    const EncodeResult result = encodeText(text, options);
    ASSERT_TRUE(result.ok()) << result.message;
    const AnalyzeResult analysis = analyzeText(text, options);
    ASSERT_TRUE(analysis.ok());
    EXPECT_EQ(analysis.info.segments, result.segments.size());
    EXPECT_EQ(analysis.info.units, result.info.units);
    EXPECT_EQ(analysis.info.choice, result.info.choice);

    // Never worse than UCS-2, and never worse than the default alphabet when it applies.
    EncodeOptions ucs2_options = options;
    ucs2_options.policy = EncodingPolicy::Ucs2Only;
    EXPECT_LE(result.info.segments, analyzeText(text, ucs2_options).info.segments);
    EncodeOptions gsm_options = options;
    gsm_options.policy = EncodingPolicy::Gsm7Only;
    gsm_options.languages = {};
    const AnalyzeResult gsm = analyzeText(text, gsm_options);
    if (gsm.ok()) {
      EXPECT_LE(result.info.segments, gsm.info.segments);
    }

    // Units remaining agree with a direct count of the last segment.
    const Segment& last = result.segments.back();
    const size_t last_units = result.info.choice.encoding == Encoding::Gsm7
                                  ? last.payload.size()
                                  : last.payload.size() / 2;
    EXPECT_EQ(result.info.units_remaining, result.info.units_per_segment - last_units);
    expectRoundTrip(text, result, options);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace liaison::gateway::sms
