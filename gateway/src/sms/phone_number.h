// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Phone numbers through libphonenumber: national or international input with a default
// region, normalised to E.164, validated, with the region it belongs to. Reasons for
// rejection are fixed texts that never repeat the input (it is personal data).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace liaison::gateway::sms {

enum class NumberKind { Mobile, FixedLine, FixedLineOrMobile, Other };

enum class PhoneError {
  None,
  Empty,
  TooLong,  // input over kMaxPhoneInput bytes
  NotANumber,
  UnknownCountryCode,  // no such country calling code, or no default region to assume
  TooShort,
  TooLongForRegion,
  InvalidForRegion,  // well-formed but not a number that can exist there
};

inline constexpr std::size_t kMaxPhoneInput = 64;

struct ParsedPhone {
  PhoneError error = PhoneError::None;
  std::string e164;    // "+4915112345678"
  std::string region;  // ISO 3166-1 alpha-2, e.g. "DE"; "001" for non-geographic numbers
  NumberKind kind = NumberKind::Other;

  bool ok() const { return error == PhoneError::None; }
};

// Parses `input` ("0151 1234 5678", "+49 151 12345678", "00 49 ...") assuming
// `default_region` (ISO alpha-2, may be empty when input is international). Thread-safe.
ParsedPhone parsePhoneNumber(std::string_view input, std::string_view default_region);

// A fixed English explanation for logs and API errors, e.g. "number is too short".
const char* phoneErrorReason(PhoneError error);

}  // namespace liaison::gateway::sms
