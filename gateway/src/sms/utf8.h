// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Strict UTF-8 decoding and UTF-8 encoding helpers for the SMS codecs. The decoder rejects
// overlong forms, surrogates, code points above U+10FFFF and truncated sequences.

#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace liaison::gateway::sms {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Appends the code points of `text` to `out`. Returns false on the first malformed sequence and
// stores its byte offset in `*error_offset` (if non-null); `out` then holds the valid prefix.
bool decodeUtf8(std::string_view text, std::vector<char32_t>* out, size_t* error_offset);

// Appends `code_point` as UTF-8; surrogates and values above U+10FFFF become U+FFFD.
void appendUtf8(char32_t code_point, std::string* out);

// True if `code_point` is a Unicode scalar value (not a surrogate, at most U+10FFFF).
constexpr bool isScalarValue(char32_t code_point) {
  return code_point <= 0x10FFFF && (code_point < 0xD800 || code_point > 0xDFFF);
}

}  // namespace liaison::gateway::sms
