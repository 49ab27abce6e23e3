// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "outreach/keyword_router.h"

#include <gtest/gtest.h>

#include <ostream>

namespace liaison::gateway::outreach {
namespace {

struct Case {
  const char* message;
  Keyword expected;
};
// Readable test names in CTest (gtest prints unknown structs as raw bytes).
void PrintTo(const Case& c, std::ostream* os) { *os << c.message; }

class KeywordTable : public ::testing::TestWithParam<Case> {};

TEST_P(KeywordTable, Classifies) {
  static const KeywordRouter router;
  EXPECT_EQ(router.classify(GetParam().message), GetParam().expected) << GetParam().message;
}

INSTANTIATE_TEST_SUITE_P(
    Defaults, KeywordTable,
    ::testing::Values(
        Case{"STOP", Keyword::Stop}, Case{"stop", Keyword::Stop}, Case{" Stop. ", Keyword::Stop},
        Case{"STOPALL", Keyword::Stop}, Case{"stop all", Keyword::Stop},
        Case{"UNSUBSCRIBE", Keyword::Stop}, Case{"cancel", Keyword::Stop},
        Case{"END", Keyword::Stop}, Case{"quit", Keyword::Stop}, Case{"ARRÊT", Keyword::Stop},
        Case{"arret", Keyword::Stop}, Case{"ALTO", Keyword::Stop}, Case{"Parar", Keyword::Stop},
        Case{"DUR", Keyword::Stop}, Case{"توقف", Keyword::Stop}, Case{"Стоп", Keyword::Stop},
        Case{"STOP sending me these", Keyword::Stop}, Case{"stop!!!", Keyword::Stop},
        Case{"START", Keyword::Start}, Case{"unstop", Keyword::Start}, Case{"HELP", Keyword::Help},
        Case{"aide", Keyword::Help}, Case{"Ayuda", Keyword::Help},
        // Not keywords: ordinary answers must reach the poll.
        Case{"end of the month", Keyword::None}, Case{"help my brother", Keyword::None},
        Case{"1", Keyword::None}, Case{"yes", Keyword::None}, Case{"", Keyword::None},
        Case{"stopping by next week", Keyword::None}, Case{"fine", Keyword::None}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      return "case" + std::to_string(param_info.index);
    });

TEST(KeywordRouter, TenantWordsAreAdded) {
  KeywordConfig config;
  config.stop_words = {"DESABONNEZ-MOI"};
  config.help_words = {"renseignements"};
  KeywordRouter router(config);
  EXPECT_EQ(router.classify("désabonnez moi"), Keyword::Stop);
  EXPECT_EQ(router.classify("Renseignements"), Keyword::Help);
  EXPECT_EQ(router.classify("STOP"), Keyword::Stop);
}

TEST(KeywordRouter, DefaultsCanBeTurnedOff) {
  KeywordConfig config;
  config.include_defaults = false;
  config.stop_words = {"halt"};
  KeywordRouter router(config);
  EXPECT_EQ(router.classify("STOP"), Keyword::None);
  EXPECT_EQ(router.classify("halt"), Keyword::Stop);
}

}  // namespace
}  // namespace liaison::gateway::outreach
