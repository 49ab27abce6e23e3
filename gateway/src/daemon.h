// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The long-running gateway: opens the store, serves HTTP, stops cleanly on SIGINT/SIGTERM.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace liaison::gateway {

struct DaemonOptions {
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 8080;  // 0: any free port (tests)
  std::string data_dir = "liaison-data";
  std::chrono::milliseconds shutdown_grace{10'000};
};

// Runs until SIGINT or SIGTERM (or `stop` is invoked) and returns the process exit code.
// A second signal during shutdown forces an immediate stop. `on_ready` (optional) is called
// with the bound port once the server accepts connections; `stop` receives a callable that
// requests shutdown from any thread.
int runDaemon(const DaemonOptions& options,
              const std::function<void(uint16_t port, std::function<void()> stop)>& on_ready = {});

}  // namespace liaison::gateway
