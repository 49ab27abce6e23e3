// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The shipped `liaison` executable, run as a user would run it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

struct RunResult {
  int exit_code;
  std::string output;  // stdout and stderr
};

RunResult run(const std::string& args) {
  const std::string cmd = std::string(LIAISON_BINARY) + " " + args + " 2>&1";
  RunResult r{-1, {}};
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(Cli, VersionPrintsVersionAndLibraries) {
  RunResult r = run("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("liaison 0."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sqlite 3."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("protobuf 3."), std::string::npos) << r.output;
}

TEST(Cli, HelpListsSubcommands) {
  RunResult r = run("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("serve"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("demo"), std::string::npos) << r.output;
}

TEST(Cli, UnknownSubcommandFailsWithAHint) {
  RunResult r = run("frobnicate");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("frobnicate"), std::string::npos) << r.output;
}

TEST(Cli, BadListenAddressIsRejectedBeforeStarting) {
  RunResult r = run("serve --listen 127.0.0.1:99999");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("port must be a number from 0 to 65535"), std::string::npos)
      << r.output;
}

}  // namespace
