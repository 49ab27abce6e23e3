// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "outreach/text_normalizer.h"

#include <gtest/gtest.h>

#include <ostream>

namespace liaison::gateway::outreach {
namespace {

struct Case {
  const char* in;
  const char* out;
};
// Readable test names in CTest (gtest prints unknown structs as raw bytes).
void PrintTo(const Case& c, std::ostream* os) { *os << c.in; }

class NormalizeAnswer : public ::testing::TestWithParam<Case> {};

TEST_P(NormalizeAnswer, Folds) { EXPECT_EQ(normalizeAnswer(GetParam().in), GetParam().out); }

INSTANTIATE_TEST_SUITE_P(
    Table, NormalizeAnswer,
    ::testing::Values(Case{"Oui", "oui"}, Case{"  OUI!! ", "oui"}, Case{"óui.", "oui"},
                      Case{"ARRÊT", "arret"}, Case{"Straße", "strasse"},
                      Case{"٣", "3"},      // Arabic-Indic digit
                      Case{"۴۲", "42"},    // Extended Arabic-Indic (Persian/Urdu)
                      Case{"३", "3"},      // Devanagari
                      Case{"১২", "12"},    // Bengali
                      Case{"１２", "12"},  // full-width
                      Case{"B)", "b"}, Case{"1.", "1"}, Case{"  yes   please ", "yes please"},
                      Case{"EVET", "evet"}, Case{"HAYIR", "hayir"}, Case{"hayır", "hayir"},
                      Case{"İSTANBUL", "istanbul"}, Case{"نعم", "نعم"}, Case{"Да", "да"},
                      Case{"👍", ""}, Case{"", ""}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      return "case" + std::to_string(param_info.index);
    });

TEST(NormalizeAnswer, InvalidUtf8DoesNotCrash) {
  const std::string bad("\xff\xfe o\xc3", 5);
  EXPECT_NO_THROW(normalizeAnswer(bad));
}

TEST(NormalizeAnswer, LongInputIsCut) {
  EXPECT_LE(normalizeAnswer(std::string(100000, 'a')).size(), kMaxNormalizedInput);
}

TEST(NormalizeDigits, KeepsDecimalSeparators) {
  EXPECT_EQ(normalizeDigits("١٢٫٥ kg"), "12.5kg");
  EXPECT_EQ(normalizeDigits(" 1 000,5 "), "1000,5");
  EXPECT_EQ(normalizeDigits("४५"), "45");
}

}  // namespace
}  // namespace liaison::gateway::outreach
