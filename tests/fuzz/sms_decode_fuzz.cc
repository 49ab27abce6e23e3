// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the SMS user data decoder. Input layout: byte 0 selects the data coding
// (bits 0-2, modulo 5), UDHI (bit 3) and whether byte 1 is a TP-UDL (bit 4); the rest is the
// user data. Checks that the decoder never crashes, always emits valid UTF-8, and that its output
// can be fed back through the encoder.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "sms/decoder.h"
#include "sms/segmenter.h"
#include "sms/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using liaison::gateway::sms::DataCoding;
  if (size == 0) return 0;
  const uint8_t control = data[0];
  std::span<const uint8_t> rest(data + 1, size - 1);

  liaison::gateway::sms::DecodeInput input;
  static constexpr DataCoding kCodings[] = {DataCoding::Gsm7Unpacked, DataCoding::Gsm7Packed,
                                            DataCoding::Ucs2, DataCoding::Latin1,
                                            DataCoding::Binary};
  input.coding = kCodings[(control & 0x07) % 5];
  input.udhi = (control & 0x08) != 0;
  if ((control & 0x10) != 0 && !rest.empty()) {
    input.user_data_length = rest[0];
    rest = rest.subspan(1);
  }
  input.user_data = rest;

  const liaison::gateway::sms::DecodedMessage message =
      liaison::gateway::sms::decodeUserData(input);
  std::vector<char32_t> code_points;
  if (!liaison::gateway::sms::decodeUtf8(message.text, &code_points, nullptr)) std::abort();
  if (!message.ok() && !message.text.empty()) std::abort();

  // The decoded text is valid UTF-8, so re-encoding may only fail on size.
  const liaison::gateway::sms::EncodeResult encoded =
      liaison::gateway::sms::encodeCodePoints(code_points);
  if (!encoded.ok() && encoded.error != liaison::gateway::sms::EncodeError::TooManySegments)
    std::abort();
  for (const liaison::gateway::sms::Segment& segment : encoded.segments) {
    if (segment.user_data.size() > liaison::gateway::sms::kMaxUserDataOctets) std::abort();
  }
  return 0;
}
