// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A sample poll shared by the poll engine, inbound pipeline and results tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "liaison/v1/campaigns.pb.h"

namespace liaison::gateway::outreach::samples {

using liaison::v1::Poll;
using liaison::v1::Question;

inline void addText(liaison::v1::LocalizedText* t, const std::string& lang,
                    const std::string& text) {
  auto* tr = t->add_translations();
  tr->set_language(lang);
  tr->set_text(text);
}

// Q1 "Do you plan to return?" 1=yes 2=no 3=not sure; no -> Q3.
// Q2 "How old are you?" integer 16..120.  Q3 free text, 100 chars.
inline Poll returnPoll() {
  Poll p;
  addText(p.mutable_intro(), "fr", "Consulat: sondage.");
  addText(p.mutable_closing(), "fr", "Merci !");
  addText(p.mutable_closing(), "tr", "Teşekkürler!");
  Question* q1 = p.add_questions();
  q1->set_id("return");
  addText(q1->mutable_prompt(), "fr", "Prévoyez-vous de rentrer ? 1=Oui 2=Non 3=Je ne sais pas");
  addText(q1->mutable_prompt(), "tr", "Dönmeyi düşünüyor musunuz? 1=Evet 2=Hayır 3=Bilmiyorum");
  addText(q1->mutable_prompt(), "pt", "Pensa em voltar? 1=Sim 2=Não 3=Não sei");
  q1->set_max_reasks(2);
  auto* sc = q1->mutable_single_choice();
  const char* ids[] = {"yes", "no", "unsure"};
  const std::vector<std::vector<std::pair<std::string, std::vector<std::string>>>> synonyms = {
      {{"fr", {"oui", "bien sûr"}}, {"tr", {"evet"}}, {"pt", {"sim"}}},
      {{"fr", {"non"}}, {"tr", {"hayır"}}, {"pt", {"não"}}},
      {{"fr", {"je ne sais pas", "peut-être"}}, {"tr", {"bilmiyorum"}}, {"pt", {"não sei"}}}};
  for (int i = 0; i < 3; ++i) {
    auto* c = sc->add_choices();
    c->set_id(ids[i]);
    for (const auto& [lang, words] : synonyms[i]) {
      auto* lw = c->add_synonyms();
      lw->set_language(lang);
      for (const auto& w : words) lw->add_words(w);
    }
  }
  auto* br = q1->add_branches();
  br->set_choice_id("no");
  br->set_goto_question_id("why");
  Question* q2 = p.add_questions();
  q2->set_id("age");
  addText(q2->mutable_prompt(), "fr", "Quel âge avez-vous ?");
  addText(q2->mutable_reask_prompt(), "fr", "Merci d'écrire votre âge en chiffres, par ex. 34.");
  q2->set_max_reasks(1);
  q2->mutable_number()->set_min(16);
  q2->mutable_number()->set_max(120);
  q2->mutable_number()->set_integer_only(true);
  Question* q3 = p.add_questions();
  q3->set_id("why");
  addText(q3->mutable_prompt(), "fr", "Pourquoi ? (réponse libre)");
  q3->mutable_free_text()->set_max_chars(20);
  return p;
}

}  // namespace liaison::gateway::outreach::samples
