// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// An SMS poll as a pure state machine: validate a definition once, then for each respondent
// turn replies into typed answers, re-ask (bounded) when a reply is unclear, follow branches,
// and close with a thank-you. No I/O and no clock of its own: the caller persists the session
// state and passes the time, so whole conversations are table tests.
//
//   start() -> Ask(q1) --reply--> answer ok  -> Ask(next) ... -> Finish(closing)
//                           \--> unclear    -> Reask(q) (at most max_reasks, then move on)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "liaison/v1/campaigns.pb.h"

namespace liaison::gateway::outreach {

// A typed answer to one question.
struct PollAnswer {
  enum class Kind { Choice, YesNo, Number, Text };
  std::string question_id;
  Kind kind = Kind::Text;
  std::string choice_id;  // Choice
  bool yes = false;       // YesNo
  double number = 0;      // Number
  std::string text;       // Text (trimmed, cut to the question's max_chars code points)
  bool truncated = false;
};

// What the caller persists per respondent and campaign.
struct PollSession {
  std::string language;          // respondent's language (BCP 47)
  std::string current_question;  // id of the question awaiting a reply; empty when finished
  int reasks = 0;                // re-asks spent on the current question
  bool finished = false;
  int64_t last_activity_s = 0;  // Unix seconds of the last message either way
};

enum class StepKind {
  Ask,      // send `text` (the next question)
  Reask,    // the reply was unclear: send `text` (a helpful re-ask)
  Finish,   // send `text` (closing message; may be empty: send nothing)
  Expired,  // the session timed out before this reply: send nothing, count no answer
  Ignored,  // the session was already finished: route the message to the inbox
};

struct PollStep {
  StepKind kind = StepKind::Ignored;
  std::string text;
  std::optional<PollAnswer> answer;             // set when this reply was accepted as an answer
  std::optional<std::string> skipped_question;  // gave up on it after max re-asks
};

class PollEngine {
 public:
  // Checks the definition and prepares matching tables. Returns nullopt and fills `errors`
  // with one PII-free line per problem (e.g. "questions[1].branches[0]: no question 'q9'").
  static std::optional<PollEngine> create(const liaison::v1::Poll& poll,
                                          const std::string& fallback_language,
                                          std::vector<std::string>* errors);

  // Opens a session: the intro (if any) and the first question.
  PollStep start(PollSession& session, int64_t now_s) const;
  // Handles one reply. Thread-safe (const); the session is the caller's.
  PollStep onReply(PollSession& session, std::string_view reply_utf8, int64_t now_s) const;
  // True when an unfinished session has been silent longer than the poll's session expiry.
  bool expired(const PollSession& session, int64_t now_s) const;
  // The poll's session expiry, or the default (24 h) when the definition leaves it unset.
  int64_t sessionExpirySeconds() const;

  // Interprets a reply to one question, without session effects (also for previews).
  std::optional<PollAnswer> interpret(const std::string& question_id, std::string_view reply,
                                      const std::string& language) const;

  // Text of a localized field in `language`, else the fallback language, else the first.
  std::string render(const liaison::v1::LocalizedText& text, const std::string& language) const;

  static constexpr int kMaxReasks = 5;
  static constexpr int kMaxQuestions = 50;

 private:
  struct ChoiceIndex {
    std::unordered_map<std::string, int> words;  // normalised label/synonym -> choice index
    std::unordered_map<std::string, int> ambiguous_words;  // words naming 2+ choices
  };

  PollEngine() = default;
  const liaison::v1::Question* find(const std::string& id) const;
  std::string nextQuestionId(const liaison::v1::Question& q,
                             const std::optional<PollAnswer>& answer) const;
  PollStep advance(PollSession& session, const std::string& next_id, int64_t now_s) const;
  std::string reaskText(const liaison::v1::Question& q, const std::string& language) const;

  liaison::v1::Poll poll_;
  std::string fallback_language_;
  std::unordered_map<std::string, int> index_;            // question id -> position
  std::unordered_map<std::string, ChoiceIndex> choices_;  // per single-choice question id
  std::unordered_map<std::string, std::unordered_map<std::string, bool>> yes_no_;  // per question
};

}  // namespace liaison::gateway::outreach
