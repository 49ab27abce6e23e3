// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "liaison/sync/assert.h"

#include <gtest/gtest.h>

#include <string>

namespace liaison::sync {
namespace {

std::string g_last;

TEST(Assert, BugIsReportedCountedAndExecutionContinues) {
  setBugHandler([](const char* what, const char*, int) { g_last = what; });
  const uint64_t before = bugCount();
  int reached = 0;
  LIAISON_BUG(1 + 1 == 3, "arithmetic is broken");
  ++reached;
  LIAISON_BUG(true, "never reported");
  EXPECT_EQ(reached, 1);
  EXPECT_EQ(bugCount(), before + 1);
  EXPECT_EQ(g_last, "arithmetic is broken");
  setBugHandler(nullptr);
}

TEST(AssertDeathTest, ReleaseAssertAborts) {
  EXPECT_DEATH(LIAISON_RELEASE_ASSERT(false, "no recovery"), "no recovery");
}

#ifndef NDEBUG
TEST(AssertDeathTest, DebugAssertAbortsInDebugBuilds) {
  EXPECT_DEATH(LIAISON_ASSERT(2 < 1), "2 < 1");
}
#endif

}  // namespace
}  // namespace liaison::sync
