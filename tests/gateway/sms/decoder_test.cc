// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of the user data decoder: UDH parsing, every data coding, hostile input (bad UTF-16,
// truncated/oversized UDH, unknown escapes, inconsistent lengths), reassembly, and a seeded
// random-garbage sweep that must never crash (run under ASan/UBSan) and always yields UTF-8.

#include "sms/decoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "sms/segmenter.h"
#include "sms/utf8.h"

namespace liaison::gateway::sms {
namespace {

using Bytes = std::vector<uint8_t>;

DecodedMessage decode(DataCoding coding, bool udhi, const Bytes& data,
                      std::optional<size_t> udl = std::nullopt) {
  DecodeInput input;
  input.coding = coding;
  input.udhi = udhi;
  input.user_data = data;
  input.user_data_length = udl;
  return decodeUserData(input);
}

bool isValidUtf8(const std::string& text) {
  std::vector<char32_t> ignored;
  return decodeUtf8(text, &ignored, nullptr);
}

TEST(DecoderTest, Gsm7PackedHello) {
  const DecodedMessage message =
      decode(DataCoding::Gsm7Packed, false, {0xE8, 0x32, 0x9B, 0xFD, 0x06}, 5);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message.text, "hello");
  EXPECT_EQ(message.substitutions, 0u);
  // Without TP-UDL the count is inferred from the octets.
  EXPECT_EQ(decode(DataCoding::Gsm7Packed, false, {0xE8, 0x32, 0x9B, 0xFD, 0x06}).text, "hello");
}

TEST(DecoderTest, Gsm7PackedSevenSpareBitsArePadding) {
  // Seven septets "1234567" in seven octets leave seven zero bits at the end.
  std::vector<uint8_t> packed;
  const Bytes septets = {'1', '2', '3', '4', '5', '6', '7'};
  packSeptets(septets, 0, &packed);
  ASSERT_EQ(packed.size(), 7u);
  EXPECT_EQ(decode(DataCoding::Gsm7Packed, false, packed).text, "1234567");
  EXPECT_EQ(decode(DataCoding::Gsm7Packed, false, packed, 7).text, "1234567");
  EXPECT_EQ(decode(DataCoding::Gsm7Packed, false, packed, 8).text, "1234567@");
}

TEST(DecoderTest, Gsm7UnpackedWithExtensionAndNationalTables) {
  const DecodedMessage euro = decode(DataCoding::Gsm7Unpacked, false, {'a', 0x1B, 0x65, 'b'});
  ASSERT_TRUE(euro.ok());
  EXPECT_EQ(euro.text, "a€b");
  // UDH with Turkish locking shift: 0x07 is 'ı' instead of 'ì'.
  const DecodedMessage turkish =
      decode(DataCoding::Gsm7Unpacked, true, {0x03, 0x25, 0x01, 0x01, 0x07, 0x1D});
  ASSERT_TRUE(turkish.ok());
  EXPECT_EQ(turkish.udh.locking_shift, Language::Turkish);
  EXPECT_EQ(turkish.udh.length, 4u);
  EXPECT_EQ(turkish.text, "ış");
  // Hindi locking + single shift.
  const DecodedMessage hindi =
      decode(DataCoding::Gsm7Unpacked, true,
             {0x06, 0x24, 0x01, 0x06, 0x25, 0x01, 0x06, 0x2F, 0x42, 0x1B, 0x41, 0x1B, 0x19});
  ASSERT_TRUE(hindi.ok());
  EXPECT_EQ(hindi.text, "नमA।");
}

TEST(DecoderTest, ConcatInformationElements) {
  const DecodedMessage eight =
      decode(DataCoding::Gsm7Unpacked, true, {0x05, 0x00, 0x03, 0x2A, 0x03, 0x02, 'x'});
  ASSERT_TRUE(eight.ok());
  ASSERT_TRUE(eight.udh.concat.has_value());
  EXPECT_EQ(*eight.udh.concat, (ConcatInfo{0x2A, 3, 2, false}));
  EXPECT_EQ(eight.text, "x");

  const DecodedMessage sixteen =
      decode(DataCoding::Ucs2, true, {0x06, 0x08, 0x04, 0xBE, 0xEF, 0x02, 0x01, 0x04, 0x36});
  ASSERT_TRUE(sixteen.ok());
  ASSERT_TRUE(sixteen.udh.concat.has_value());
  EXPECT_EQ(*sixteen.udh.concat, (ConcatInfo{0xBEEF, 2, 1, true}));
  EXPECT_EQ(sixteen.text, "ж");

  // Invalid total/sequence: the IE is ignored (TS 23.040), the text still decodes.
  for (const Bytes& bad : {Bytes{0x05, 0x00, 0x03, 0x01, 0x00, 0x01, 'y'},
                           Bytes{0x05, 0x00, 0x03, 0x01, 0x02, 0x00, 'y'},
                           Bytes{0x05, 0x00, 0x03, 0x01, 0x02, 0x03, 'y'}}) {
    const DecodedMessage message = decode(DataCoding::Gsm7Unpacked, true, bad);
    ASSERT_TRUE(message.ok());
    EXPECT_FALSE(message.udh.concat.has_value());
    EXPECT_EQ(message.text, "y");
  }
  // Unknown IEs are skipped; the last concat IE wins.
  const DecodedMessage mixed = decode(
      DataCoding::Gsm7Unpacked, true,
      {0x0D, 0x70, 0x01, 0xFF, 0x00, 0x03, 0x01, 0x02, 0x01, 0x00, 0x03, 0x09, 0x02, 0x02, 'z'});
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(*mixed.udh.concat, (ConcatInfo{0x09, 2, 2, false}));
}

TEST(DecoderTest, UnsupportedLanguageFallsBackToDefault) {
  const DecodedMessage spanish_locking =
      decode(DataCoding::Gsm7Unpacked, true, {0x03, 0x25, 0x01, 0x02, 'a'});
  ASSERT_TRUE(spanish_locking.ok());
  EXPECT_TRUE(spanish_locking.udh.unknown_language);
  EXPECT_EQ(spanish_locking.udh.locking_shift, Language::Default);
  EXPECT_EQ(spanish_locking.text, "a");
  const DecodedMessage unknown =
      decode(DataCoding::Gsm7Unpacked, true, {0x03, 0x24, 0x01, 0x7F, 0x1B, 0x65});
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown.udh.unknown_language);
  EXPECT_EQ(unknown.text, "€");
}

TEST(DecoderTest, BadUtf16BecomesReplacementCharacters) {
  // Lone high surrogate followed by 'A'.
  DecodedMessage message = decode(DataCoding::Ucs2, false, {0xD8, 0x3D, 0x00, 0x41});
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message.text,
            "\xEF\xBF\xBD"
            "A");
  EXPECT_EQ(message.substitutions, 1u);
  // Lone low surrogate, high surrogate at the end, odd trailing byte.
  message = decode(DataCoding::Ucs2, false, {0xDC, 0x00, 0x00, 0x42, 0xD8, 0x00, 0x43});
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message.text,
            "\xEF\xBF\xBD"
            "B"
            "\xEF\xBF\xBD"
            "\xEF\xBF\xBD");
  EXPECT_EQ(message.substitutions, 3u);
  // A valid pair.
  message = decode(DataCoding::Ucs2, false, {0xD8, 0x3D, 0xDE, 0x00});
  EXPECT_EQ(message.text, "😀");
  EXPECT_EQ(message.substitutions, 0u);
}

TEST(DecoderTest, TruncatedAndMalformedUdhAreErrors) {
  EXPECT_EQ(decode(DataCoding::Gsm7Unpacked, true, {}).error, DecodeError::TruncatedUdh);
  EXPECT_EQ(decode(DataCoding::Gsm7Packed, true, {0x0A, 0x00, 0x03}).error,
            DecodeError::TruncatedUdh);
  EXPECT_EQ(decode(DataCoding::Ucs2, true, {0x05, 0x00, 0x07, 0x01, 0x02, 0x01}).error,
            DecodeError::MalformedUdh);
  EXPECT_EQ(decode(DataCoding::Ucs2, true, {0x01, 0x00}).error, DecodeError::MalformedUdh);
  const DecodedMessage message = decode(DataCoding::Gsm7Packed, true, {0xFF});
  EXPECT_EQ(message.error, DecodeError::TruncatedUdh);
  EXPECT_TRUE(message.text.empty());
  EXPECT_NE(message.message.find("UDHL 255"), std::string::npos) << message.message;
  // Empty UDH (UDHL 0) is fine.
  const DecodedMessage empty_udh = decode(DataCoding::Latin1, true, {0x00, 0xE9});
  ASSERT_TRUE(empty_udh.ok());
  EXPECT_EQ(empty_udh.text, "é");
}

TEST(DecoderTest, UnknownAndDanglingEscapes) {
  // ESC + 'A' is undefined in the extension table: shown as 'A' (TS 23.038), counted.
  DecodedMessage message = decode(DataCoding::Gsm7Unpacked, false, {0x1B, 0x41});
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message.text, "A");
  EXPECT_EQ(message.substitutions, 1u);
  message = decode(DataCoding::Gsm7Unpacked, false, {'A', 0x1B});
  EXPECT_EQ(message.text, "A\xEF\xBF\xBD");
  message = decode(DataCoding::Gsm7Unpacked, false, {0x1B, 0x1B, 'x'});
  EXPECT_EQ(message.text, " x");
  message = decode(DataCoding::Gsm7Unpacked, false, {0x80, 0xFF, 'x', 0x1B, 0x9B});
  EXPECT_EQ(message.text, "\xEF\xBF\xBD\xEF\xBF\xBDx\xEF\xBF\xBD");
  EXPECT_EQ(message.substitutions, 3u);
  // Undefined locking-table entry (Tamil 0x00).
  message = decode(DataCoding::Gsm7Unpacked, true, {0x03, 0x25, 0x01, 0x0B, 0x00});
  EXPECT_EQ(message.text, "\xEF\xBF\xBD");
}

TEST(DecoderTest, InconsistentUserDataLength) {
  EXPECT_EQ(decode(DataCoding::Gsm7Packed, false, {0xE8, 0x32}, 5).error,
            DecodeError::LengthMismatch);
  // UDL smaller than the UDH's own septets.
  EXPECT_EQ(
      decode(DataCoding::Gsm7Packed, true, {0x05, 0x00, 0x03, 0x01, 0x01, 0x01, 0xC2}, 3).error,
      DecodeError::LengthMismatch);
  const DecodedMessage ok =
      decode(DataCoding::Gsm7Packed, true, {0x05, 0x00, 0x03, 0x01, 0x01, 0x01, 0xC2}, 8);
  ASSERT_TRUE(ok.ok()) << ok.message;
  EXPECT_EQ(ok.text, "a");
  EXPECT_EQ(decode(DataCoding::Binary, false, Bytes(kMaxDecodeInputOctets + 1, 0)).error,
            DecodeError::InputTooLong);
}

TEST(DecoderTest, Latin1AndBinary) {
  const DecodedMessage latin = decode(DataCoding::Latin1, false, {'c', 'a', 'f', 0xE9, 0xFF});
  EXPECT_EQ(latin.text, "café\xC3\xBF");
  const DecodedMessage binary = decode(DataCoding::Binary, true, {0x00, 0x01, 0x02});
  ASSERT_TRUE(binary.ok());
  EXPECT_TRUE(binary.text.empty());
  EXPECT_EQ(binary.binary, (Bytes{0x01, 0x02}));
}

TEST(DecoderTest, SmppDataCodingMapping) {
  EXPECT_EQ(dataCodingFromSmpp(0x00), DataCoding::Gsm7Unpacked);
  EXPECT_EQ(dataCodingFromSmpp(0x01), DataCoding::Latin1);
  EXPECT_EQ(dataCodingFromSmpp(0x02), DataCoding::Binary);
  EXPECT_EQ(dataCodingFromSmpp(0x03), DataCoding::Latin1);
  EXPECT_EQ(dataCodingFromSmpp(0x04), DataCoding::Binary);
  EXPECT_EQ(dataCodingFromSmpp(0x08), DataCoding::Ucs2);
  EXPECT_EQ(dataCodingFromSmpp(0x10), DataCoding::Gsm7Unpacked);  // Class 0 GSM.
  EXPECT_EQ(dataCodingFromSmpp(0x18), DataCoding::Ucs2);
  EXPECT_EQ(dataCodingFromSmpp(0xF0), DataCoding::Gsm7Unpacked);
  EXPECT_EQ(dataCodingFromSmpp(0xF4), DataCoding::Binary);
  EXPECT_EQ(dataCodingFromSmpp(0x24), DataCoding::Binary);  // Compressed.
}

TEST(ReassembleTest, JoinsPartsAndRejectsInconsistentSets) {
  EncodeOptions options;
  options.reference = 7;
  const std::string text = std::string(200, 'q') + "€";
  const EncodeResult encoded = encodeText(text, options);
  ASSERT_TRUE(encoded.ok());
  ASSERT_EQ(encoded.segments.size(), 2u);
  std::vector<DecodedMessage> parts;
  for (const Segment& segment : encoded.segments) {
    parts.push_back(
        decode(DataCoding::Gsm7Packed, true, segment.user_data, segment.user_data_length));
  }
  EXPECT_EQ(reassemble(parts).text, text);

  std::vector<DecodedMessage> duplicate = {parts[0], parts[0]};
  EXPECT_EQ(reassemble(duplicate).error, DecodeError::DuplicatePart);
  std::vector<DecodedMessage> missing = {parts[1]};
  EXPECT_EQ(reassemble(missing).error, DecodeError::ConcatMismatch);
  std::vector<DecodedMessage> other_ref = parts;
  other_ref[1].udh.concat->reference = 8;
  EXPECT_EQ(reassemble(other_ref).error, DecodeError::ConcatMismatch);
  std::vector<DecodedMessage> no_concat = parts;
  no_concat[0].udh.concat.reset();
  EXPECT_EQ(reassemble(no_concat).error, DecodeError::NotConcatenated);
  std::vector<DecodedMessage> failed = parts;
  failed[1].error = DecodeError::MalformedUdh;
  EXPECT_EQ(reassemble(failed).error, DecodeError::PartFailed);
  EXPECT_EQ(reassemble({}).error, DecodeError::NotConcatenated);

  const DecodedMessage single = decode(DataCoding::Latin1, false, {'h', 'i'});
  EXPECT_EQ(reassemble(std::span<const DecodedMessage>(&single, 1)).text, "hi");
}

TEST(DecoderFuzzTest, RandomGarbageNeverCrashesAndYieldsUtf8) {
  std::mt19937 rng(0x5EED);
  const DataCoding codings[] = {DataCoding::Gsm7Unpacked, DataCoding::Gsm7Packed, DataCoding::Ucs2,
                                DataCoding::Latin1, DataCoding::Binary};
  size_t errors = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes data(rng() % 200);
    for (auto& byte : data) byte = static_cast<uint8_t>(rng());
    // Make plausible UDH headers common so the IE parser gets exercised.
    if (!data.empty() && rng() % 2) data[0] = static_cast<uint8_t>(rng() % 16);
    if (data.size() > 2 && rng() % 2) data[1] = static_cast<uint8_t>(rng() % 2 ? 0x00 : 0x25);
    std::optional<size_t> udl;
    if (rng() % 3 == 0) udl = rng() % 200;
    const DecodedMessage message = decode(codings[rng() % 5], rng() % 2 == 0, data, udl);
    ASSERT_TRUE(isValidUtf8(message.text));
    if (!message.ok()) {
      ++errors;
      EXPECT_TRUE(message.text.empty());
      EXPECT_FALSE(message.message.empty());
    }
  }
  EXPECT_GT(errors, 0u);
}

}  // namespace
}  // namespace liaison::gateway::sms
