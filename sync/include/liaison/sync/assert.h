// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The three assertion levels (STYLE R7), shared by every component:
//
//   LIAISON_ASSERT(cond)                a true invariant, checked in debug builds only;
//   LIAISON_BUG(cond, "what")           always checked; when false, the installed bug handler
//                                       logs "what" with file:line, the bug counter grows, and
//                                       execution continues (the caller handles the bad state);
//   LIAISON_RELEASE_ASSERT(cond, "what") always checked; aborts: the state has no recovery.
//
// None of them is ever used on external input (PDUs, HTTP bodies, CSV, batches, config): that
// is validated and answered with an error. `what` is a fixed text: never personal data.
#pragma once

#include <cstdint>

namespace liaison::sync {

using BugHandler = void (*)(const char* what, const char* file, int line);

// Installs the handler LIAISON_BUG reports to (default: one line on stderr). Thread-safe.
void setBugHandler(BugHandler handler);
// How many LIAISON_BUG checks failed in this process (exported as a metric).
uint64_t bugCount();

void reportBug(const char* what, const char* file, int line);
[[noreturn]] void releaseAssertFailed(const char* what, const char* file, int line);

}  // namespace liaison::sync

#define LIAISON_RELEASE_ASSERT(cond, what)                              \
  do {                                                                  \
    if (!(cond)) [[unlikely]] {                                         \
      ::liaison::sync::releaseAssertFailed((what), __FILE__, __LINE__); \
    }                                                                   \
  } while (0)

#define LIAISON_BUG(cond, what)                               \
  do {                                                        \
    if (!(cond)) [[unlikely]] {                               \
      ::liaison::sync::reportBug((what), __FILE__, __LINE__); \
    }                                                         \
  } while (0)

#ifdef NDEBUG
#define LIAISON_ASSERT(cond) \
  do {                       \
  } while (0)
#else
#define LIAISON_ASSERT(cond) LIAISON_RELEASE_ASSERT(cond, "assertion failed: " #cond)
#endif
