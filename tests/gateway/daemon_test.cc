// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The daemon end to end: real store file, real port, libcurl client, clean shutdown.
#include "daemon.h"

#include <gtest/gtest.h>

#include <future>
#include <sstream>
#include <thread>

#include "cli/demo.h"
#include "http_client.h"
#include "temp_dir.h"

namespace liaison::gateway {
namespace {

using liaison::testing::httpGet;
using liaison::testing::httpRequest;
using liaison::testing::TempDir;

TEST(Daemon, ServesHealthReadinessVersionAndStopsCleanly) {
  TempDir dir;
  DaemonOptions options;
  options.listen_port = 0;
  options.data_dir = dir.file("data");
  std::promise<std::pair<uint16_t, std::function<void()>>> ready;
  auto future = ready.get_future();
  auto exit_code = std::async(std::launch::async, [&] {
    return runDaemon(options, [&](uint16_t port, std::function<void()> stop) {
      ready.set_value({port, std::move(stop)});
    });
  });
  ASSERT_EQ(future.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto [port, stop] = future.get();

  EXPECT_EQ(httpGet(port, "/healthz").status, 200);
  auto readyz = httpGet(port, "/readyz");
  EXPECT_EQ(readyz.status, 200);
  EXPECT_NE(readyz.body.find("writable"), std::string::npos);
  EXPECT_NE(httpGet(port, "/v1/version").body.find("\"version\""), std::string::npos);
  EXPECT_EQ(httpGet(port, "/no/such/route").status, 404);
  EXPECT_EQ(httpRequest("DELETE", port, "/healthz").status, 405);

  stop();
  ASSERT_EQ(exit_code.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(exit_code.get(), 0);
  EXPECT_TRUE(std::filesystem::exists(dir.file("data/liaison.db")));
}

TEST(Daemon, UnusableDataDirFailsWithExitCode1) {
  TempDir dir;
  {
    FILE* f = std::fopen(dir.file("a-file").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  DaemonOptions options;
  options.listen_port = 0;
  options.data_dir = dir.file("a-file/sub");  // a path through a regular file
  EXPECT_EQ(runDaemon(options), 1);
}

TEST(Demo, RunsEndToEnd) {
  std::ostringstream out;
  cli::DemoOptions options;
  EXPECT_EQ(cli::runDemo(options, out), 0) << out.str();
  EXPECT_NE(out.str().find("GET /readyz -> 200"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("stopped cleanly"), std::string::npos);
}

}  // namespace
}  // namespace liaison::gateway
