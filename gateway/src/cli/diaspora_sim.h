// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A simulated diaspora on the far side of the SMSC simulator: handsets that read what the
// gateway sends them and answer the way people do. Used by `liaison demo` and by
// `liaison smsc-sim --reply-to-polls` (the console's end-to-end tests).
//
//   gateway --submit_sm--> SmscSimulator --on_accepted_submit--> SimulatedDiaspora
//                                                                 reassemble, read, decide
//   gateway <--deliver_sm-- SmscSimulator <--sendMobileOriginated-- (after a human delay)
//
// Reading is generic, not tied to one poll: a message whose lines start with keys ("1)",
// "2.", "A)", "B -") is a choice question; one that asks yes or no (YES/NO, OUI/NON, JA/NEIN,
// EVET/HAYIR, نعم/لا) a yes/no question; one that asks for a number (how many, combien, wie
// viele, kaç, كم, "number") a number question; any other message ending in '?' a free-text
// question; anything else (confirmations, notices, closings) gets no answer.
//
// Each number has a temperament drawn once from its digits and the seed, so a run is
// reproducible: most answer cleanly with a key; some spell the choice out, some make typos
// (the gateway re-asks), some answer with Arabic-Indic digits, some say STOP at the first
// question, some never answer.
//
// Threading: the hook runs on the simulator's strand and only records; answers are sent from
// the diaspora's own thread (sendMobileOriginated blocks until the simulator's strand ran it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "channels/smpp/pdu.h"

namespace liaison::gateway::smpp {
class SmscSimulator;
}

namespace liaison::gateway::cli {

struct DiasporaOptions {
  uint64_t seed = 7;
  // Shares of temperaments (the rest answer cleanly with a key). Must sum to <= 1.
  double share_spelled = 0.12;  // write the choice's label or "yes"/"oui" out
  double share_typo = 0.08;     // a typo or an unclear answer first (re-asked)
  double share_script = 0.06;   // Arabic-Indic digits
  double share_stop = 0.03;     // STOP at the first question
  double share_silent = 0.10;   // never answer
  // A person answers between these delays after the question reached the handset.
  std::chrono::milliseconds min_delay{300};
  std::chrono::milliseconds max_delay{4'000};
};

struct DiasporaStats {
  uint64_t received = 0;      // complete messages read
  uint64_t questions = 0;     // recognised as questions
  uint64_t answers_sent = 0;  // MOs handed to the simulator
  uint64_t answers_lost = 0;  // the simulator had no receiver bound
  uint64_t stops_sent = 0;
  uint64_t ignored = 0;  // not a question, or a silent person
};

class SimulatedDiaspora {
 public:
  SimulatedDiaspora(smpp::SmscSimulator& simulator, DiasporaOptions options = {});
  ~SimulatedDiaspora();  // stops
  SimulatedDiaspora(const SimulatedDiaspora&) = delete;
  SimulatedDiaspora& operator=(const SimulatedDiaspora&) = delete;

  // For SmscSimulatorConfig::on_accepted_submit (set before the simulator starts). The
  // callable holds the diaspora weakly: it is safe to call after destruction.
  std::function<void(const smpp::SubmitSm&)> hook();
  // Answers pending are dropped; thread-safe, idempotent.
  void stop();
  DiasporaStats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// How a message reads to the simulated person (exposed for tests).
enum class QuestionKind { None, Choice, YesNo, Number, FreeText };
struct ReadQuestion {
  QuestionKind kind = QuestionKind::None;
  std::vector<std::string> keys;    // Choice: "1", "2" ... or "A", "B" ... in order
  std::vector<std::string> labels;  // Choice: the text after each key
};
ReadQuestion readQuestion(std::string_view text);

}  // namespace liaison::gateway::cli
