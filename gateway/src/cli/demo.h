// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// `liaison demo`: the whole system on one machine, used the way an outreach officer uses it.
// It starts the SMSC simulator with a simulated diaspora behind it (cli/diaspora_sim.h), the
// gateway on an embedded SQLite store bound to that SMSC, then, through the REST API only:
// imports a few thousand contacts in several countries, languages and time zones, creates a
// three-question poll with branching, starts it, shows live progress (sent, delivered,
// answered) and the final tallies, and says how to reach the API.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace liaison::gateway::cli {

struct DemoOptions {
  std::string data_dir;  // empty: a fresh temporary directory, removed afterwards
  int contacts = 3000;   // 1..50,000
  uint64_t seed = 7;     // contacts and their behaviour
  // After the tallies, keep the gateway (and the simulated diaspora) running until SIGINT or
  // SIGTERM, so the API can be tried. False: stop and return.
  bool keep_running = true;
  // The simulated people answer between these delays.
  std::chrono::milliseconds min_answer_delay{300};
  std::chrono::milliseconds max_answer_delay{3'000};
  // Give up waiting for the poll to settle after this long.
  std::chrono::seconds timeout{300};
};

// Returns 0 when the poll ran to its end with answers counted, 1 otherwise (the output says
// what went wrong).
int runDemo(const DemoOptions& options, std::ostream& out);

}  // namespace liaison::gateway::cli
