// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The `liaison` command line: parses arguments and dispatches to subcommands. Returns the
// process exit code; usage errors print what was wrong and how to get help.
#pragma once

namespace liaison::gateway::cli {

int run(int argc, char** argv);

}  // namespace liaison::gateway::cli
