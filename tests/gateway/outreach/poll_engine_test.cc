// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Whole poll conversations, several languages, re-asks, branching and expiry, with time
// passed in.
#include "outreach/poll_engine.h"

#include <gtest/gtest.h>

#include <ostream>

#include "sample_poll.h"

namespace liaison::gateway::outreach {
namespace {

using liaison::v1::Poll;
using liaison::v1::Question;

using samples::addText;
using samples::returnPoll;

PollEngine engine(const Poll& p = returnPoll()) {
  std::vector<std::string> errors;
  auto e = PollEngine::create(p, "fr", &errors);
  EXPECT_TRUE(e.has_value()) << (errors.empty() ? "" : errors[0]);
  return *e;
}

TEST(PollEngine, FrenchConversationWithArabicDigits) {
  const PollEngine e = engine();
  PollSession s{"fr", "", 0, false, 0};
  PollStep step = e.start(s, 1000);
  EXPECT_EQ(step.kind, StepKind::Ask);
  EXPECT_EQ(step.text,
            "Consulat: sondage.\nPrévoyez-vous de rentrer ? 1=Oui 2=Non 3=Je ne sais pas");

  step = e.onReply(s, "  OUI ", 1060);
  ASSERT_TRUE(step.answer);
  EXPECT_EQ(step.answer->choice_id, "yes");
  EXPECT_EQ(step.kind, StepKind::Ask);
  EXPECT_EQ(step.text, "Quel âge avez-vous ?");

  step = e.onReply(s, "j'ai ٤٢ ans", 1100);
  ASSERT_TRUE(step.answer);
  EXPECT_EQ(step.answer->kind, PollAnswer::Kind::Number);
  EXPECT_EQ(step.answer->number, 42);
  EXPECT_EQ(s.current_question, "why");

  step = e.onReply(s, "Ma famille est là-bas, et le travail", 1200);
  ASSERT_TRUE(step.answer);
  EXPECT_EQ(step.answer->text, "Ma famille est là-ba");  // 20 code points
  EXPECT_TRUE(step.answer->truncated);
  EXPECT_EQ(step.kind, StepKind::Finish);
  EXPECT_EQ(step.text, "Merci !");
  EXPECT_TRUE(s.finished);

  EXPECT_EQ(e.onReply(s, "encore", 1300).kind, StepKind::Ignored);
}

TEST(PollEngine, TurkishAnswerBranchesPastTheAgeQuestion) {
  const PollEngine e = engine();
  PollSession s{"tr", "", 0, false, 0};
  // The intro has no Turkish text, so it comes in the fallback language (French).
  EXPECT_EQ(e.start(s, 0).text,
            "Consulat: sondage.\nDönmeyi düşünüyor musunuz? 1=Evet 2=Hayır 3=Bilmiyorum");
  PollStep step = e.onReply(s, "HAYIR", 10);
  ASSERT_TRUE(step.answer);
  EXPECT_EQ(step.answer->choice_id, "no");
  EXPECT_EQ(s.current_question, "why");
  EXPECT_EQ(step.text, "Pourquoi ? (réponse libre)");  // no Turkish text: the fallback
}

TEST(PollEngine, NumbersAndLettersAndOtherLanguagesSynonyms) {
  const PollEngine e = engine();
  for (const char* reply : {"1", "١", "1.", "1 oui", "evet", "sim", "Bien sûr"}) {
    auto a = e.interpret("return", reply, "fr");
    ASSERT_TRUE(a) << reply;
    EXPECT_EQ(a->choice_id, "yes") << reply;
  }
  EXPECT_EQ(e.interpret("return", "3", "fr")->choice_id, "unsure");
  EXPECT_EQ(e.interpret("return", "peut être", "fr")->choice_id, "unsure");
  EXPECT_FALSE(e.interpret("return", "4", "fr"));
  EXPECT_FALSE(e.interpret("return", "", "fr"));
  EXPECT_FALSE(e.interpret("return", "🤷", "fr"));
}

TEST(PollEngine, UnclearRepliesAreReaskedThenSkipped) {
  const PollEngine e = engine();
  PollSession s{"fr", "", 0, false, 0};
  e.start(s, 0);
  PollStep step = e.onReply(s, "euh", 10);
  EXPECT_EQ(step.kind, StepKind::Reask);
  EXPECT_EQ(step.text,
            "Désolé, nous n'avons pas compris votre réponse. Prévoyez-vous de rentrer ? 1=Oui "
            "2=Non 3=Je ne sais pas");
  EXPECT_FALSE(step.answer);
  EXPECT_EQ(e.onReply(s, "quoi?", 20).kind, StepKind::Reask);
  step = e.onReply(s, "???", 30);  // third unclear reply: max_reasks is 2
  EXPECT_EQ(step.kind, StepKind::Ask);
  ASSERT_TRUE(step.skipped_question);
  EXPECT_EQ(*step.skipped_question, "return");
  EXPECT_EQ(s.current_question, "age");  // moved on along the default path
  EXPECT_EQ(s.reasks, 0);
}

TEST(PollEngine, NumberOutOfRangeOrFractionalUsesTheCustomReask) {
  const PollEngine e = engine();
  PollSession s{"fr", "", 0, false, 0};
  e.start(s, 0);
  e.onReply(s, "1", 1);
  PollStep step = e.onReply(s, "200", 2);
  EXPECT_EQ(step.kind, StepKind::Reask);
  EXPECT_EQ(step.text, "Merci d'écrire votre âge en chiffres, par ex. 34.");
  step = e.onReply(s, "34,5", 3);  // integer only; max_reasks 1: moves on, skipped
  EXPECT_EQ(step.kind, StepKind::Ask);
  EXPECT_EQ(step.skipped_question.value_or(""), "age");
  EXPECT_FALSE(e.interpret("age", "entre 30 et 40", "fr"));  // two numbers: unclear
  EXPECT_EQ(e.interpret("age", "३४", "fr")->number, 34);
}

TEST(PollEngine, SilentSessionsExpire) {
  const PollEngine e = engine();
  PollSession s{"fr", "", 0, false, 0};
  e.start(s, 0);
  EXPECT_FALSE(e.expired(s, 24 * 3600));
  EXPECT_TRUE(e.expired(s, 24 * 3600 + 1));
  PollStep step = e.onReply(s, "1", 24 * 3600 + 1);
  EXPECT_EQ(step.kind, StepKind::Expired);
  EXPECT_FALSE(step.answer);
  EXPECT_TRUE(s.finished);
}

TEST(PollEngine, RegionalLanguageFallsBackToItsPrimaryTag) {
  const PollEngine e = engine();
  PollSession s{"pt-BR", "", 0, false, 0};
  EXPECT_EQ(e.start(s, 0).text, "Consulat: sondage.\nPensa em voltar? 1=Sim 2=Não 3=Não sei");
  PollSession d{"de", "", 0, false, 0};
  EXPECT_EQ(e.start(d, 0).text,
            "Consulat: sondage.\nPrévoyez-vous de rentrer ? 1=Oui 2=Non 3=Je ne sais pas");
}

TEST(PollEngine, YesNoDefaultsInManyLanguages) {
  Poll p;
  Question* q = p.add_questions();
  q->set_id("q");
  addText(q->mutable_prompt(), "en", "Are you registered?");
  q->mutable_yes_no();
  const PollEngine e = [&] {
    std::vector<std::string> errors;
    return *PollEngine::create(p, "en", &errors);
  }();
  for (const char* y : {"yes", "Y", "oui", "Sí", "evet", "نعم", "हाँ", "да", "ndiyo"}) {
    auto a = e.interpret("q", y, "en");
    ASSERT_TRUE(a) << y;
    EXPECT_TRUE(a->yes) << y;
  }
  for (const char* n : {"no", "NON", "não", "hayır", "لا", "नहीं", "нет"}) {
    auto a = e.interpret("q", n, "en");
    ASSERT_TRUE(a) << n;
    EXPECT_FALSE(a->yes) << n;
  }
  EXPECT_FALSE(e.interpret("q", "maybe", "en"));
}

struct BadPoll {
  const char* label;
  std::function<void(Poll&)> mutate;
  const char* error_fragment;
};
// Readable test names in CTest (gtest prints unknown structs as raw bytes).
void PrintTo(const BadPoll& c, std::ostream* os) { *os << c.label; }

class PollValidation : public ::testing::TestWithParam<BadPoll> {};

TEST_P(PollValidation, RejectsWithAClearError) {
  Poll p = returnPoll();
  GetParam().mutate(p);
  std::vector<std::string> errors;
  EXPECT_FALSE(PollEngine::create(p, "fr", &errors));
  ASSERT_FALSE(errors.empty());
  bool found = false;
  for (const auto& err : errors) found |= err.find(GetParam().error_fragment) != std::string::npos;
  EXPECT_TRUE(found) << errors[0];
}

INSTANTIATE_TEST_SUITE_P(
    Table, PollValidation,
    ::testing::Values(
        BadPoll{"DuplicateId", [](Poll& p) { p.mutable_questions(1)->set_id("return"); },
                "duplicate id"},
        BadPoll{"MissingTarget",
                [](Poll& p) {
                  p.mutable_questions(0)->mutable_branches(0)->set_goto_question_id("q9");
                },
                "no question 'q9'"},
        BadPoll{"Loop", [](Poll& p) { p.mutable_questions(2)->set_next_question_id("return"); },
                "loop"},
        BadPoll{"NoFallbackText",
                [](Poll& p) {
                  p.mutable_questions(1)->mutable_prompt()->mutable_translations(0)->set_language(
                      "en");
                },
                "fallback language"},
        BadPoll{"KindMismatch",
                [](Poll& p) { p.mutable_questions(1)->add_branches()->set_yes(true); },
                "does not fit"},
        BadPoll{"TooManyReasks", [](Poll& p) { p.mutable_questions(0)->set_max_reasks(9); },
                "max_reasks"},
        BadPoll{"NoKind", [](Poll& p) { p.mutable_questions(2)->clear_free_text(); },
                "kind is not set"},
        BadPoll{"Empty", [](Poll& p) { p.clear_questions(); }, "at least one question"}),
    [](const ::testing::TestParamInfo<BadPoll>& param_info) {
      return std::string(param_info.param.label);
    });

}  // namespace
}  // namespace liaison::gateway::outreach
