// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// `liaison smsc-sim`: runs the project's SMSC simulator on its own, for manual testing,
// load tests and demos, with its fault knobs as flags. Stops on SIGINT/SIGTERM.
#pragma once

#include <iosfwd>

#include "channels/smpp/smsc_simulator.h"
#include "cli/diaspora_sim.h"

namespace liaison::gateway::cli {

// Prints "smsc-sim listening on HOST:PORT" to `out` once bound, then stats every
// `stats_every_s` seconds (0: never) until a signal arrives. Returns the exit code. With
// `people`, a simulated diaspora answers the questions the gateway sends (diaspora_sim.h).
int runSmscSimulator(const smpp::SmscSimulatorConfig& config, int stats_every_s, std::ostream& out,
                     const DiasporaOptions* people = nullptr);

}  // namespace liaison::gateway::cli
