// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "liaison/sync/status.h"

#include <gtest/gtest.h>

namespace liaison::sync {
namespace {

TEST(Status, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::Ok);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(s.message().empty());
}

TEST(Status, NamedConstructorsCarryCodeAndMessage) {
  Status s = Status::Corruption("batch checksum mismatch");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_FALSE(s.IsNotFound());
  EXPECT_EQ(s.ToString(), "Corruption: batch checksum mismatch");
}

TEST(Status, CopiesAreIndependent) {
  Status a = Status::NotFound("x");
  Status b = a;
  a = Status::OK();
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(b.IsNotFound());
  EXPECT_EQ(b.message(), "x");
}

TEST(Result, HoldsValueOrStatus) {
  Result<int> good(7);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad(Status::InvalidArgument("negative"));
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
}

TEST(Result, OkStatusWithoutValueIsAnInternalError) {
  Result<int> r{Status::OK()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::Internal);
}

}  // namespace
}  // namespace liaison::sync
