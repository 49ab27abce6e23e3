// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The first stop of every inbound SMS: is it STOP, START or HELP, in any configured language?
// Opt-out is absolute (DESIGN.md promise 3), so STOP matches liberally: the whole message in any
// of the listed forms, or an unambiguous stop word ("stop", "arret", "стоп") as its first word.
// START and HELP must be the whole message, so that a poll answer such as "help my brother" is
// not mistaken for a request for help.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace liaison::gateway::outreach {

enum class Keyword { None, Stop, Start, Help };
const char* keywordName(Keyword k);

struct KeywordConfig {
  // Extra words per keyword, e.g. a tenant's own "DESABONNER". Matched after normalisation.
  std::vector<std::string> stop_words;
  std::vector<std::string> start_words;
  std::vector<std::string> help_words;
  bool include_defaults = true;  // the built-in lists below, in many languages
};

// Immutable after construction; thread-safe to use from any thread.
class KeywordRouter {
 public:
  explicit KeywordRouter(const KeywordConfig& config = {});

  Keyword classify(std::string_view message_utf8) const;

  // The built-in words, for documentation and the HELP reply.
  static const std::vector<std::string>& defaultStopWords();
  static const std::vector<std::string>& defaultStartWords();
  static const std::vector<std::string>& defaultHelpWords();

 private:
  std::unordered_map<std::string, Keyword> words_;  // normalised word -> keyword
  std::unordered_set<std::string> strong_stop_;     // stop words that count as a first word
};

}  // namespace liaison::gateway::outreach
