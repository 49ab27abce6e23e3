// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Splits a UTF-8 text into SMS segments under the cheapest encoding (see encoding.h) and builds
// each segment's User Data Header (concatenation IE 0x00/0x08, national language IEs 0x24/0x25)
// and payload, both as unpacked septets (SMPP data_coding 0) and as the packed on-air TP-UD.

#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sms/encoding.h"

namespace liaison::gateway::sms {

inline constexpr uint8_t kIeiConcat8 = 0x00;
inline constexpr uint8_t kIeiConcat16 = 0x08;
inline constexpr uint8_t kIeiSingleShift = 0x24;
inline constexpr uint8_t kIeiLockingShift = 0x25;

struct Segment {
  // UDHL followed by the IEs; empty when the segment has no UDH (then UDHI must be 0).
  std::vector<uint8_t> udh;
  // GSM 7: one septet per octet, escapes included. UCS-2: UTF-16BE. Excludes the UDH; SMPP
  // short_message with data_coding 0/8 is `udh` followed by `payload`.
  std::vector<uint8_t> payload;
  // On-air TP-UD (<= 140 octets): UDH, fill bits and packed septets (GSM 7) or UDH + UTF-16BE.
  std::vector<uint8_t> user_data;
  // TP-UDL: septets incl. the UDH's septets (GSM 7) or octets (UCS-2); <= 160 / 140.
  size_t user_data_length = 0;
  uint8_t sequence = 1;         // 1-based part number (1 when not concatenated).
  size_t first_code_point = 0;  // Index of the segment's first code point in the text.
  size_t code_point_count = 0;  // Code points carried by this segment.
};

struct EncodeResult {
  EncodeError error = EncodeError::None;
  std::string message;  // Human-readable reason when error != None.
  TextInfo info;        // Counts and the encoding chosen; info.segments == segments.size().
  std::vector<Segment> segments;
  bool ok() const { return error == EncodeError::None; }
};

// Encodes UTF-8 `text` into segments with the cheapest encoding (see analyzeText for the rule).
// Extension characters (escape + septet) and surrogate pairs never straddle two segments. A
// multi-part message carries the concatenation IE with options.reference in every part.
EncodeResult encodeText(std::string_view text, const EncodeOptions& options = {});

// Same for already-decoded code points (Unicode scalar values).
EncodeResult encodeCodePoints(std::span<const char32_t> code_points,
                              const EncodeOptions& options = {});

}  // namespace liaison::gateway::sms
