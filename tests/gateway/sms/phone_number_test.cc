// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "sms/phone_number.h"

#include <gtest/gtest.h>

#include <string>

namespace liaison::gateway::sms {
namespace {

TEST(PhoneNumber, NationalInputWithDefaultRegion) {
  ParsedPhone p = parsePhoneNumber("0151 1234 5678", "DE");
  ASSERT_TRUE(p.ok()) << phoneErrorReason(p.error);
  EXPECT_EQ(p.e164, "+4915112345678");
  EXPECT_EQ(p.region, "DE");
  EXPECT_EQ(p.kind, NumberKind::Mobile);
}

TEST(PhoneNumber, InternationalInputIgnoresDefaultRegion) {
  ParsedPhone p = parsePhoneNumber("+33 6 12 34 56 78", "DE");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.e164, "+33612345678");
  EXPECT_EQ(p.region, "FR");
}

TEST(PhoneNumber, IddPrefixFromTheDefaultRegion) {
  ParsedPhone p = parsePhoneNumber("00 221 77 123 45 67", "FR");  // Senegal, dialled from France
  ASSERT_TRUE(p.ok()) << phoneErrorReason(p.error);
  EXPECT_EQ(p.e164, "+221771234567");
  EXPECT_EQ(p.region, "SN");
}

TEST(PhoneNumber, NoRegionAndNoPlusIsUnknownCountry) {
  EXPECT_EQ(parsePhoneNumber("015112345678", "").error, PhoneError::UnknownCountryCode);
}

TEST(PhoneNumber, BadInputsGetClearReasons) {
  EXPECT_EQ(parsePhoneNumber("", "DE").error, PhoneError::Empty);
  EXPECT_EQ(parsePhoneNumber("   ", "DE").error, PhoneError::Empty);
  EXPECT_EQ(parsePhoneNumber(std::string(65, '1'), "DE").error, PhoneError::TooLong);
  EXPECT_EQ(parsePhoneNumber("hello there", "DE").error, PhoneError::NotANumber);
  EXPECT_EQ(parsePhoneNumber("+999 1234567", "").error, PhoneError::UnknownCountryCode);
  EXPECT_EQ(parsePhoneNumber("+49 1", "").error, PhoneError::TooShort);
  EXPECT_FALSE(parsePhoneNumber("+49 15", "").ok());
  const ParsedPhone invalid = parsePhoneNumber("+1 555 0100 000", "");
  EXPECT_FALSE(invalid.ok());
}

TEST(PhoneNumber, ReasonsNeverEchoTheInput) {
  for (auto e : {PhoneError::Empty, PhoneError::TooLong, PhoneError::NotANumber,
                 PhoneError::UnknownCountryCode, PhoneError::TooShort, PhoneError::TooLongForRegion,
                 PhoneError::InvalidForRegion}) {
    EXPECT_EQ(std::string(phoneErrorReason(e)).find("0151"), std::string::npos);
    EXPECT_GT(std::string(phoneErrorReason(e)).size(), 5u);
  }
}

}  // namespace
}  // namespace liaison::gateway::sms
