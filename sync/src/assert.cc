// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Bug reporting and release assertions.
#include "liaison/sync/assert.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace liaison::sync {

namespace {

void defaultBugHandler(const char* what, const char* file, int line) {
  std::fprintf(stderr, "liaison bug: %s at %s:%d\n", what, file, line);
}

std::atomic<BugHandler> g_handler{&defaultBugHandler};
std::atomic<uint64_t> g_bugs{0};

}  // namespace

void setBugHandler(BugHandler handler) { g_handler = handler ? handler : &defaultBugHandler; }

uint64_t bugCount() { return g_bugs.load(std::memory_order_relaxed); }

void reportBug(const char* what, const char* file, int line) {
  g_bugs.fetch_add(1, std::memory_order_relaxed);
  g_handler.load()(what, file, line);
}

void releaseAssertFailed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "liaison fatal: %s at %s:%d\n", what, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace liaison::sync
