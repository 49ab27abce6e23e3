// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// PollEngine: definition checks, reply interpretation, branching.
#include "outreach/poll_engine.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <unordered_set>

#include "outreach/text_normalizer.h"

namespace liaison::gateway::outreach {

namespace {

using liaison::v1::Question;

constexpr const char* kEnd = "end";  // reserved next-question id: the poll ends
constexpr int kDefaultFreeTextChars = 160;
constexpr int64_t kDefaultSessionExpiryS = 24 * 3600;

// Yes and no as people text them, across the diaspora's languages (normalised on use).
const std::vector<const char*> kYesWords = {
    "yes", "y",  "yeah", "yep", "ok",  "oui", "si", "sí",  "sim", "ja",    "j",   "evet",
    "e",   "da", "да",   "так", "tak", "نعم", "اي", "بله", "آره", "ndiyo", "eeh", "oo",
    "opo", "हाँ", "हां",   "जी",  "ہاں", "হ্যাঁ", "是", "对",  "አዎ",  "haa",   "iya", "ya"};
const std::vector<const char*> kNoWords = {
    "no",   "n",   "nope", "non", "não", "nao",  "nein",   "nee",   "hayır", "hayir",
    "h",    "нет", "ні",   "nie", "لا",  "نه",   "hapana", "hindi", "नहीं",   "नही",
    "نہیں", "না",  "不",   "否",  "አይ",  "maya", "tidak",  "engga"};

const std::unordered_map<std::string, const char*>& reaskPrefixes() {
  static const std::unordered_map<std::string, const char*> kPrefixes = {
      {"en", "Sorry, we did not understand your answer. "},
      {"fr", "Désolé, nous n'avons pas compris votre réponse. "},
      {"es", "Lo sentimos, no entendimos su respuesta. "},
      {"pt", "Desculpe, não entendemos sua resposta. "},
      {"de", "Entschuldigung, wir haben Ihre Antwort nicht verstanden. "},
      {"tr", "Üzgünüz, cevabınızı anlayamadık. "},
      {"ar", "عذرًا، لم نفهم إجابتك. "},
  };
  return kPrefixes;
}

std::string primarySubtag(const std::string& tag) { return tag.substr(0, tag.find('-')); }

std::string firstToken(const std::string& normalized) {
  return normalized.substr(0, normalized.find(' '));
}

// Cuts UTF-8 to at most `max` code points; sets `cut` when it did.
std::string cutCodePoints(std::string_view s, int max, bool* cut) {
  int count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == max) {
        *cut = true;
        return std::string(s.substr(0, i));
      }
      ++count;
    }
  }
  *cut = false;
  return std::string(s);
}

// One number in the reply ("12", "12.5", "12,5", "-3", "about 40 years"); nullopt when there
// is none or more than one.
std::optional<double> parseOneNumber(std::string_view reply) {
  const std::string d = normalizeDigits(reply);
  std::optional<double> found;
  for (size_t i = 0; i < d.size();) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) {
      ++i;
      continue;
    }
    if (found) return std::nullopt;  // a second number: ambiguous
    size_t j = i;
    std::string digits;
    while (j < d.size() && std::isdigit(static_cast<unsigned char>(d[j]))) digits += d[j++];
    if (j + 1 < d.size() && (d[j] == '.' || d[j] == ',') &&
        std::isdigit(static_cast<unsigned char>(d[j + 1]))) {
      digits += '.';
      ++j;
      while (j < d.size() && std::isdigit(static_cast<unsigned char>(d[j]))) digits += d[j++];
    }
    if (digits.size() > 15) return std::nullopt;
    double v = std::strtod(digits.c_str(), nullptr);
    if (i > 0 && d[i - 1] == '-') v = -v;
    found = v;
    i = j;
  }
  return found;
}

}  // namespace

std::optional<PollEngine> PollEngine::create(const liaison::v1::Poll& poll,
                                             const std::string& fallback_language,
                                             std::vector<std::string>* errors) {
  PollEngine e;
  e.poll_ = poll;
  e.fallback_language_ = fallback_language;
  std::vector<std::string> errs;
  auto err = [&](std::string where, const std::string& what) {
    errs.push_back(std::move(where) + ": " + what);
  };
  if (poll.questions_size() == 0) err("questions", "a poll needs at least one question");
  if (poll.questions_size() > kMaxQuestions) {
    err("questions", "at most " + std::to_string(kMaxQuestions) + " questions");
  }
  auto hasText = [&](const liaison::v1::LocalizedText& t) {
    for (const auto& tr : t.translations()) {
      if (!tr.text().empty()) return true;
    }
    return false;
  };
  auto hasFallback = [&](const liaison::v1::LocalizedText& t) {
    for (const auto& tr : t.translations()) {
      if (tr.language() == fallback_language && !tr.text().empty()) return true;
    }
    return false;
  };
  for (int i = 0; i < poll.questions_size(); ++i) {
    const Question& q = poll.questions(i);
    const std::string at = "questions[" + std::to_string(i) + "]";
    if (q.id().empty() || q.id() == kEnd) {
      err(at + ".id", "must be set and not \"end\"");
    } else if (!e.index_.emplace(q.id(), i).second) {
      err(at + ".id", "duplicate id '" + q.id() + "'");
    }
    if (!hasText(q.prompt()))
      err(at + ".prompt", "no text");
    else if (!hasFallback(q.prompt())) {
      err(at + ".prompt", "no text in the fallback language '" + fallback_language + "'");
    }
    if (q.max_reasks() < 0 || q.max_reasks() > kMaxReasks) {
      err(at + ".max_reasks", "must be 0.." + std::to_string(kMaxReasks));
    }
    switch (q.kind_case()) {
      case Question::kSingleChoice: {
        const auto& sc = q.single_choice();
        if (sc.choices_size() < 1 || sc.choices_size() > 26) {
          err(at + ".single_choice", "needs 1 to 26 choices");
        }
        std::unordered_set<std::string> ids;
        for (int c = 0; c < sc.choices_size(); ++c) {
          if (sc.choices(c).id().empty() || !ids.insert(sc.choices(c).id()).second) {
            err(at + ".choices[" + std::to_string(c) + "].id", "missing or duplicate");
          }
        }
        break;
      }
      case Question::kYesNo: break;
      case Question::kNumber:
        if (q.number().min() > q.number().max()) err(at + ".number", "min is greater than max");
        break;
      case Question::kFreeText:
        if (q.free_text().max_chars() < 0 || q.free_text().max_chars() > 1600) {
          err(at + ".free_text.max_chars", "must be 1..1600 (0 means 160)");
        }
        break;
      case Question::KIND_NOT_SET: err(at, "question kind is not set"); break;
    }
  }
  // Branch targets and kinds.
  for (int i = 0; i < poll.questions_size(); ++i) {
    const Question& q = poll.questions(i);
    const std::string at = "questions[" + std::to_string(i) + "]";
    auto target_ok = [&](const std::string& id) { return id == kEnd || e.index_.count(id); };
    if (!q.next_question_id().empty() && !target_ok(q.next_question_id())) {
      err(at + ".next_question_id", "no question '" + q.next_question_id() + "'");
    }
    for (int b = 0; b < q.branches_size(); ++b) {
      const auto& br = q.branches(b);
      const std::string bat = at + ".branches[" + std::to_string(b) + "]";
      if (!target_ok(br.goto_question_id())) {
        err(bat, "no question '" + br.goto_question_id() + "'");
      }
      const bool kind_ok =
          (br.when_case() == liaison::v1::BranchRule::kChoiceId && q.has_single_choice()) ||
          (br.when_case() == liaison::v1::BranchRule::kYes && q.has_yes_no()) ||
          (br.when_case() == liaison::v1::BranchRule::kInRange && q.has_number());
      if (!kind_ok) err(bat, "condition does not fit the question's kind");
      if (br.when_case() == liaison::v1::BranchRule::kChoiceId && q.has_single_choice()) {
        bool known = false;
        for (const auto& c : q.single_choice().choices()) known |= c.id() == br.choice_id();
        if (!known) err(bat, "no choice '" + br.choice_id() + "'");
      }
    }
  }
  if (errs.empty()) {
    // Every path must end: no cycles through branches or next links.
    std::unordered_map<std::string, int> color;  // 0 new, 1 on stack, 2 done
    bool cycle = false;
    std::function<void(const std::string&)> visit = [&](const std::string& id) {
      if (id == kEnd || cycle) return;
      int& c = color[id];
      if (c == 1) {
        cycle = true;
        return;
      }
      if (c == 2) return;
      c = 1;
      const Question& q = poll.questions(e.index_.at(id));
      for (const auto& br : q.branches()) visit(br.goto_question_id());
      visit(e.nextQuestionId(q, std::nullopt));
      color[id] = 2;
    };
    visit(poll.questions(0).id());
    if (cycle) err("questions", "branches form a loop; every path must reach the end");
  }
  if (!errs.empty()) {
    if (errors) *errors = std::move(errs);
    return std::nullopt;
  }

  // Matching tables.
  for (const Question& q : poll.questions()) {
    if (q.has_single_choice()) {
      ChoiceIndex idx;
      const auto& sc = q.single_choice();
      auto add = [&](const std::string& word, int choice) {
        const std::string n = normalizeAnswer(word);
        if (n.empty() || idx.ambiguous_words.count(n)) return;
        auto [it, inserted] = idx.words.emplace(n, choice);
        if (!inserted && it->second != choice) {
          idx.words.erase(it);
          idx.ambiguous_words.emplace(n, choice);
        }
      };
      for (int c = 0; c < sc.choices_size(); ++c) {
        if (sc.keys() != liaison::v1::SingleChoiceQuestion::KEYS_LETTERS) {
          add(std::to_string(c + 1), c);
        }
        if (sc.keys() != liaison::v1::SingleChoiceQuestion::KEYS_NUMBERS) {
          add(std::string(1, static_cast<char>('a' + c)), c);
        }
      }
      for (int c = 0; c < sc.choices_size(); ++c) {
        for (const auto& tr : sc.choices(c).label().translations()) add(tr.text(), c);
        for (const auto& syn : sc.choices(c).synonyms()) {
          for (const auto& w : syn.words()) add(w, c);
        }
      }
      e.choices_.emplace(q.id(), std::move(idx));
    } else if (q.has_yes_no()) {
      auto& map = e.yes_no_[q.id()];
      for (const char* w : kYesWords) map.emplace(normalizeAnswer(w), true);
      for (const char* w : kNoWords) map.emplace(normalizeAnswer(w), false);
      for (const auto& lw : q.yes_no().yes_words()) {
        for (const auto& w : lw.words()) map[normalizeAnswer(w)] = true;
      }
      for (const auto& lw : q.yes_no().no_words()) {
        for (const auto& w : lw.words()) map[normalizeAnswer(w)] = false;
      }
    }
  }
  return e;
}

const Question* PollEngine::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &poll_.questions(it->second);
}

std::string PollEngine::render(const liaison::v1::LocalizedText& text,
                               const std::string& language) const {
  const liaison::v1::Translation* primary = nullptr;
  const liaison::v1::Translation* fallback = nullptr;
  for (const auto& tr : text.translations()) {
    if (tr.text().empty()) continue;
    if (tr.language() == language) return tr.text();
    if (!primary && primarySubtag(tr.language()) == primarySubtag(language)) primary = &tr;
    if (!fallback && tr.language() == fallback_language_) fallback = &tr;
  }
  if (primary) return primary->text();
  if (fallback) return fallback->text();
  for (const auto& tr : text.translations()) {
    if (!tr.text().empty()) return tr.text();
  }
  return {};
}

std::string PollEngine::nextQuestionId(const Question& q,
                                       const std::optional<PollAnswer>& answer) const {
  if (answer) {
    for (const auto& br : q.branches()) {
      bool match = false;
      switch (br.when_case()) {
        case liaison::v1::BranchRule::kChoiceId:
          match = answer->kind == PollAnswer::Kind::Choice && answer->choice_id == br.choice_id();
          break;
        case liaison::v1::BranchRule::kYes:
          match = answer->kind == PollAnswer::Kind::YesNo && answer->yes == br.yes();
          break;
        case liaison::v1::BranchRule::kInRange:
          match = answer->kind == PollAnswer::Kind::Number &&
                  answer->number >= br.in_range().min() && answer->number <= br.in_range().max();
          break;
        default: break;
      }
      if (match) return br.goto_question_id();
    }
  }
  if (!q.next_question_id().empty()) return q.next_question_id();
  const int pos = index_.at(q.id());
  return pos + 1 < poll_.questions_size() ? poll_.questions(pos + 1).id() : kEnd;
}

std::optional<PollAnswer> PollEngine::interpret(const std::string& question_id,
                                                std::string_view reply,
                                                const std::string& /*language*/) const {
  const Question* q = find(question_id);
  if (!q) return std::nullopt;
  PollAnswer a;
  a.question_id = question_id;
  switch (q->kind_case()) {
    case Question::kSingleChoice: {
      const ChoiceIndex& idx = choices_.at(question_id);
      const std::string r = normalizeAnswer(reply);
      auto it = idx.words.find(r);
      if (it == idx.words.end()) it = idx.words.find(firstToken(r));  // "2 no thanks"
      if (it == idx.words.end()) return std::nullopt;
      a.kind = PollAnswer::Kind::Choice;
      a.choice_id = q->single_choice().choices(it->second).id();
      return a;
    }
    case Question::kYesNo: {
      const auto& map = yes_no_.at(question_id);
      const std::string r = normalizeAnswer(reply);
      auto it = map.find(r);
      if (it == map.end()) it = map.find(firstToken(r));
      if (it == map.end()) return std::nullopt;
      a.kind = PollAnswer::Kind::YesNo;
      a.yes = it->second;
      return a;
    }
    case Question::kNumber: {
      auto v = parseOneNumber(reply);
      if (!v) return std::nullopt;
      const auto& nq = q->number();
      if (nq.integer_only() && std::floor(*v) != *v) return std::nullopt;
      if (nq.min() < nq.max() && (*v < nq.min() || *v > nq.max())) return std::nullopt;
      a.kind = PollAnswer::Kind::Number;
      a.number = *v;
      return a;
    }
    case Question::kFreeText: {
      const size_t b = reply.find_first_not_of(" \t\r\n");
      if (b == std::string_view::npos) return std::nullopt;
      const size_t e = reply.find_last_not_of(" \t\r\n");
      const int max =
          q->free_text().max_chars() > 0 ? q->free_text().max_chars() : kDefaultFreeTextChars;
      a.kind = PollAnswer::Kind::Text;
      a.text = cutCodePoints(reply.substr(b, e - b + 1), max, &a.truncated);
      return a;
    }
    default: return std::nullopt;
  }
}

std::string PollEngine::reaskText(const Question& q, const std::string& language) const {
  std::string custom = render(q.reask_prompt(), language);
  if (!custom.empty()) return custom;
  const auto& prefixes = reaskPrefixes();
  auto it = prefixes.find(primarySubtag(language));
  if (it == prefixes.end()) it = prefixes.find(primarySubtag(fallback_language_));
  const char* prefix = it == prefixes.end() ? prefixes.at("en") : it->second;
  return prefix + render(q.prompt(), language);
}

PollStep PollEngine::advance(PollSession& session, const std::string& next_id,
                             int64_t now_s) const {
  PollStep step;
  session.last_activity_s = now_s;
  session.reasks = 0;
  if (next_id == kEnd) {
    session.finished = true;
    session.current_question.clear();
    step.kind = StepKind::Finish;
    step.text = render(poll_.closing(), session.language);
    return step;
  }
  session.current_question = next_id;
  step.kind = StepKind::Ask;
  step.text = render(find(next_id)->prompt(), session.language);
  return step;
}

PollStep PollEngine::start(PollSession& session, int64_t now_s) const {
  session.finished = false;
  PollStep step = advance(session, poll_.questions(0).id(), now_s);
  const std::string intro = render(poll_.intro(), session.language);
  if (!intro.empty()) step.text = intro + "\n" + step.text;
  return step;
}

int64_t PollEngine::sessionExpirySeconds() const {
  return poll_.has_session_expiry() && poll_.session_expiry().seconds() > 0
             ? poll_.session_expiry().seconds()
             : kDefaultSessionExpiryS;
}

bool PollEngine::expired(const PollSession& session, int64_t now_s) const {
  if (session.finished) return false;
  return now_s - session.last_activity_s > sessionExpirySeconds();
}

PollStep PollEngine::onReply(PollSession& session, std::string_view reply_utf8,
                             int64_t now_s) const {
  PollStep step;
  if (session.finished || session.current_question.empty()) return step;  // Ignored
  if (expired(session, now_s)) {
    session.finished = true;
    session.current_question.clear();
    step.kind = StepKind::Expired;
    return step;
  }
  const Question* q = find(session.current_question);
  if (!q) {  // the definition changed under a live session: close it quietly
    session.finished = true;
    session.current_question.clear();
    step.kind = StepKind::Expired;
    return step;
  }
  auto answer = interpret(q->id(), reply_utf8, session.language);
  if (answer) {
    const std::string next = nextQuestionId(*q, answer);
    PollStep out = advance(session, next, now_s);
    out.answer = std::move(answer);
    return out;
  }
  if (session.reasks < q->max_reasks()) {
    ++session.reasks;
    session.last_activity_s = now_s;
    step.kind = StepKind::Reask;
    step.text = reaskText(*q, session.language);
    return step;
  }
  PollStep out = advance(session, nextQuestionId(*q, std::nullopt), now_s);
  out.skipped_question = q->id();
  return out;
}

}  // namespace liaison::gateway::outreach
