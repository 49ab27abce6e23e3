// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The `liaison` executable: a thin shell over Liaison::GatewayLib (STYLE R2).
#include "cli/cli.h"

int main(int argc, char** argv) { return liaison::gateway::cli::run(argc, argv); }
