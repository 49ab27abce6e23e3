// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libphonenumber adapter. PhoneNumberUtil is a thread-safe singleton.
#include "sms/phone_number.h"

#include <phonenumbers/phonenumberutil.h>

namespace liaison::gateway::sms {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

NumberKind kindOf(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::MOBILE: return NumberKind::Mobile;
    case PhoneNumberUtil::FIXED_LINE: return NumberKind::FixedLine;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE: return NumberKind::FixedLineOrMobile;
    default: return NumberKind::Other;
  }
}

}  // namespace

ParsedPhone parsePhoneNumber(std::string_view input, std::string_view default_region) {
  ParsedPhone out;
  if (input.find_first_not_of(" \t") == std::string_view::npos) {
    out.error = PhoneError::Empty;
    return out;
  }
  if (input.size() > kMaxPhoneInput) {
    out.error = PhoneError::TooLong;
    return out;
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  const std::string region = default_region.empty() ? "ZZ" : std::string(default_region);
  switch (util.Parse(std::string(input), region, &number)) {
    case PhoneNumberUtil::NO_PARSING_ERROR: break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      out.error = PhoneError::UnknownCountryCode;
      return out;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN: out.error = PhoneError::TooShort; return out;
    case PhoneNumberUtil::TOO_LONG_NSN: out.error = PhoneError::TooLongForRegion; return out;
    default: out.error = PhoneError::NotANumber; return out;
  }
  if (!util.IsValidNumber(number)) {
    switch (util.IsPossibleNumberWithReason(number)) {
      case PhoneNumberUtil::TOO_SHORT: out.error = PhoneError::TooShort; break;
      case PhoneNumberUtil::TOO_LONG: out.error = PhoneError::TooLongForRegion; break;
      case PhoneNumberUtil::INVALID_COUNTRY_CODE: out.error = PhoneError::UnknownCountryCode; break;
      default: out.error = PhoneError::InvalidForRegion; break;
    }
    return out;
  }
  util.Format(number, PhoneNumberUtil::E164, &out.e164);
  util.GetRegionCodeForNumber(number, &out.region);
  out.kind = kindOf(util.GetNumberType(number));
  return out;
}

const char* phoneErrorReason(PhoneError error) {
  switch (error) {
    case PhoneError::None: return "ok";
    case PhoneError::Empty: return "number is empty";
    case PhoneError::TooLong: return "input is longer than 64 characters";
    case PhoneError::NotANumber: return "input is not a phone number";
    case PhoneError::UnknownCountryCode:
      return "unknown country code (write the number as +<country code>... or set a region)";
    case PhoneError::TooShort: return "number is too short";
    case PhoneError::TooLongForRegion: return "number is too long";
    case PhoneError::InvalidForRegion: return "number does not exist in its region";
  }
  return "invalid number";
}

}  // namespace liaison::gateway::sms
