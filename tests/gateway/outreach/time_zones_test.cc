// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "outreach/time_zones.h"

#include <gtest/gtest.h>

#include "outreach/normalize.h"

namespace liaison::gateway::outreach {
namespace {

TEST(TimeZones, CountryDefaultsAndRegionOverrides) {
  EXPECT_EQ(defaultTimeZone("DE"), "Europe/Berlin");
  EXPECT_EQ(defaultTimeZone("TR"), "Europe/Istanbul");
  EXPECT_EQ(defaultTimeZone("US"), "America/New_York");
  EXPECT_EQ(defaultTimeZone("RU"), "Europe/Moscow");
  EXPECT_EQ(defaultTimeZone("UA"), "Europe/Kyiv");
  EXPECT_EQ(defaultTimeZone("US", "CA"), "America/Los_Angeles");
  EXPECT_EQ(defaultTimeZone("US", "Texas"), "America/Chicago");
  EXPECT_EQ(defaultTimeZone("CA", "british columbia"), "America/Vancouver");
  EXPECT_EQ(defaultTimeZone("AU", "WA"), "Australia/Perth");
  EXPECT_EQ(defaultTimeZone("DE", "Bayern"), "Europe/Berlin");  // no override: country default
  EXPECT_EQ(defaultTimeZone("ZZ"), "");
  EXPECT_EQ(defaultTimeZone("de"), "");  // callers canonicalise first
  EXPECT_TRUE(isKnownCountry("NL"));
  EXPECT_FALSE(isKnownCountry("XX"));
  EXPECT_TRUE(isKnownTimeZone("Europe/Berlin"));
  EXPECT_TRUE(isKnownTimeZone("UTC"));
  EXPECT_FALSE(isKnownTimeZone("Europe/Atlantis"));
}

TEST(Normalize, LanguagesCountriesKeys) {
  EXPECT_EQ(canonicalLanguage("TR"), "tr");
  EXPECT_EQ(canonicalLanguage("pt_br"), "pt-BR");
  EXPECT_EQ(canonicalLanguage("zh-hant-tw"), "zh-Hant-TW");
  EXPECT_FALSE(canonicalLanguage("turkish"));
  EXPECT_FALSE(canonicalLanguage("t"));
  EXPECT_FALSE(canonicalLanguage("tr-"));
  EXPECT_EQ(canonicalCountry("de"), "DE");
  EXPECT_FALSE(canonicalCountry("Germany"));
  EXPECT_EQ(canonicalCustomKey("Return_Intention"), "return_intention");
  EXPECT_FALSE(canonicalCustomKey("1abc"));
  EXPECT_FALSE(canonicalCustomKey("a b"));
  EXPECT_TRUE(isCleanUtf8("Köln"));
  EXPECT_FALSE(isCleanUtf8("bad\xC3"));
  EXPECT_FALSE(isCleanUtf8("line\nbreak"));
}

}  // namespace
}  // namespace liaison::gateway::outreach
