// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// UTF-8 codec following the Unicode well-formed byte sequence table (Unicode 15, table 3-7).

#include "sms/utf8.h"

#include <cstdint>

namespace liaison::gateway::sms {

bool decodeUtf8(std::string_view text, std::vector<char32_t>* out, size_t* error_offset) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    const uint8_t lead = bytes[i];
    if (lead < 0x80) {
      out->push_back(lead);
      ++i;
      continue;
    }
    size_t length = 0;
    char32_t code_point = 0;
    uint8_t min_second = 0x80;
    uint8_t max_second = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      code_point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      code_point = lead & 0x0F;
      if (lead == 0xE0) min_second = 0xA0;  // Overlong.
      if (lead == 0xED) max_second = 0x9F;  // Surrogates.
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      code_point = lead & 0x07;
      if (lead == 0xF0) min_second = 0x90;  // Overlong.
      if (lead == 0xF4) max_second = 0x8F;  // Above U+10FFFF.
    } else {
      if (error_offset != nullptr) *error_offset = i;
      return false;
    }
    if (size - i < length) {
      if (error_offset != nullptr) *error_offset = i;
      return false;
    }
    for (size_t k = 1; k < length; ++k) {
      const uint8_t byte = bytes[i + k];
      const uint8_t low = k == 1 ? min_second : 0x80;
      const uint8_t high = k == 1 ? max_second : 0xBF;
      if (byte < low || byte > high) {
        if (error_offset != nullptr) *error_offset = i;
        return false;
      }
      code_point = (code_point << 6) | (byte & 0x3F);
    }
    out->push_back(code_point);
    i += length;
  }
  return true;
}

void appendUtf8(char32_t code_point, std::string* out) {
  if (!isScalarValue(code_point)) code_point = kReplacementChar;
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace liaison::gateway::sms
