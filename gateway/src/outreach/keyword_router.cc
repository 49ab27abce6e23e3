// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Keyword lists and matching.
#include "outreach/keyword_router.h"

#include "outreach/text_normalizer.h"

namespace liaison::gateway::outreach {

const char* keywordName(Keyword k) {
  switch (k) {
    case Keyword::None: return "none";
    case Keyword::Stop: return "stop";
    case Keyword::Start: return "start";
    case Keyword::Help: return "help";
  }
  return "none";
}

// Words people use across the diaspora's languages. Written as people type them; they are
// normalised (case, accents, scripts' digits) before matching, so "ARRÊT" and "arret" agree.
const std::vector<std::string>& KeywordRouter::defaultStopWords() {
  static const std::vector<std::string> kWords = {
      // English and the usual carrier set
      "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout", "opt out",
      // French, Spanish, Portuguese, Italian, German, Dutch
      "arret", "arrete", "arreter", "desabonner", "desinscrire", "alto", "baja", "parar", "pare",
      "cancelar", "sair", "basta", "halt", "abmelden", "afmelden",
      // Turkish, Arabic, Persian, Urdu, Hindi, Bengali, Russian, Ukrainian, Polish, Romanian,
      // Swahili, Tagalog, Chinese, Amharic
      "dur", "iptal", "توقف", "الغاء", "ایست", "لغو", "بند", "रुको", "बंद", "থামুন", "বন্ধ", "стоп",
      "отписаться", "відписатися", "koniec", "anuluj", "opreste", "acha", "simama", "hinto", "退订",
      "停止", "አቁም"};
  return kWords;
}

const std::vector<std::string>& KeywordRouter::defaultStartWords() {
  static const std::vector<std::string> kWords = {
      "start",     "unstop", "subscribe", "resume",  "yes start", "demarrer",
      "reprendre", "inicio", "iniciar",   "comecar", "basla",     "ابدأ",
      "شروع",      "शुरू",     "শুরু",        "старт",   "anfang"};
  return kWords;
}

const std::vector<std::string>& KeywordRouter::defaultHelpWords() {
  static const std::vector<std::string> kWords = {
      "help", "info", "aide",   "ayuda",  "ajuda", "aiuto",  "hilfe",  "hulp",   "yardim", "مساعدة",
      "کمک",  "मदद",  "সাহায্য", "помощь", "pomoc", "ajutor", "msaada", "tulong", "帮助",   "እርዳታ"};
  return kWords;
}

KeywordRouter::KeywordRouter(const KeywordConfig& config) {
  for (const char* w : {"stop", "stopall", "unsubscribe", "optout", "arret", "desabonner", "стоп",
                        "توقف", "停止", "退订"}) {
    strong_stop_.insert(normalizeAnswer(w));
  }
  auto add = [this](const std::vector<std::string>& list, Keyword k) {
    for (const auto& w : list) {
      std::string n = normalizeAnswer(w);
      if (!n.empty()) words_.emplace(std::move(n), k);  // first wins: STOP lists go first
    }
  };
  add(config.stop_words, Keyword::Stop);
  if (config.include_defaults) add(defaultStopWords(), Keyword::Stop);
  add(config.start_words, Keyword::Start);
  add(config.help_words, Keyword::Help);
  if (config.include_defaults) {
    add(defaultStartWords(), Keyword::Start);
    add(defaultHelpWords(), Keyword::Help);
  }
}

Keyword KeywordRouter::classify(std::string_view message_utf8) const {
  const std::string text = normalizeAnswer(message_utf8);
  if (text.empty()) return Keyword::None;
  if (auto it = words_.find(text); it != words_.end()) return it->second;
  // An unambiguous stop word also counts as the first word of a longer message ("STOP
  // sending me these"). Words that are ordinary in some language ("end", "basta", "fine")
  // count only as the whole message, so a poll answer is not turned into an opt-out.
  const auto space = text.find(' ');
  if (space == std::string::npos) return Keyword::None;
  return strong_stop_.count(text.substr(0, space)) ? Keyword::Stop : Keyword::None;
}

}  // namespace liaison::gateway::outreach
