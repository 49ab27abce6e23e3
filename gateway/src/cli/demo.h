// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// `liaison demo`: the README's main job. Starts a gateway on a scratch SQLite store and talks
// to it over real HTTP. The full demo (SMSC simulator and a simulated diaspora answering a
// poll) grows here with the outreach and daemon issues.
#pragma once

#include <ostream>
#include <string>

namespace liaison::gateway::cli {

struct DemoOptions {
  std::string data_dir;  // empty: a fresh temporary directory, removed afterwards
};

int runDemo(const DemoOptions& options, std::ostream& out);

}  // namespace liaison::gateway::cli
