// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The long-running gateway (`liaison serve`): one process that owns the store and runs every
// part of DESIGN.md's flows from a validated configuration (config/config.h):
//
//   store (data_dir/liaison.db) --+-- REST API, /metrics, /healthz, /readyz, OpenAPI   (HTTP
//                                 |     or HTTPS); POST /v1/messages through a group-commit
//                                 |     intake (outreach/message_intake.h)
//                                 +-- sync endpoint and device enrolment              (HTTP)
//                                 +-- per SMPP account: Dispatcher (ledger -> SMSC -> ledger)
//                                 |     with its MOs -> InboundProcessor of its tenant
//                                 +-- per HTTP aggregator: Dispatcher (ledger -> provider),
//                                 |     webhooks for delivery reports and inbound messages;
//                                 |     inbound records of concurrent calls committed together
//                                 +-- housekeeping: silent poll sessions expired
//
// Threading: one io_context run by `io_threads` threads, plus the two group-commit threads;
// every store access holds one store mutex (the dispatchers', the API's, the sync endpoint's
// and the inbound pipeline's).
//
// Lifecycle: SIGINT/SIGTERM (or the `stop` callable) stops accepting HTTP connections, lets
// in-flight requests finish, stops every dispatcher (unsent messages handed back to the ledger,
// outcomes flushed, binds unbound), then returns 0; after server.shutdown_grace it forces the
// stop. A second signal forces at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "config/config.h"

namespace liaison::gateway {

struct DaemonOptions {
  // Validated (config::loadConfigFile). A default Config has no tenants: the daemon then runs
  // one tenant "default" with no channels.
  config::Config config;
  std::string config_source = "defaults";  // for the start-up log line
  int io_threads = 2;
};

// What a caller embedding the daemon (the demo, tests) gets once it serves.
struct DaemonHandle {
  uint16_t port = 0;           // the bound HTTP port (useful with server.port = 0)
  std::function<void()> stop;  // requests shutdown; callable from any thread
};

// Runs until SIGINT or SIGTERM (or `stop`) and returns the process exit code: 0 after a clean
// stop, 1 when something could not start (the log says what and what to do). `on_ready`
// (optional) is called once the HTTP server accepts connections.
int runDaemon(const DaemonOptions& options,
              const std::function<void(const DaemonHandle&)>& on_ready = {});

}  // namespace liaison::gateway
