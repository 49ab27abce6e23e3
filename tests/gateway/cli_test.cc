// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The shipped `liaison` executable, run as a user would run it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "channels/smpp/pdu_codec.h"
#include "child_process.h"
#include "http_client.h"
#include "temp_dir.h"

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
  EXPECT_NE(r.output.find("port must be a number from 0 to 65535"), std::string::npos) << r.output;
}

}  // namespace

// The simulator as its own process, driven by the real SMPP client: what `liaison demo` and
// manual load tests use.
TEST(Cli, SmscSimulatorProcessServesAClientAndStopsOnSigterm) {
  liaison::testing::ChildProcess sim(
      {LIAISON_BINARY, "smsc-sim", "--listen", "127.0.0.1:0", "--stats-every", "0"});
  ASSERT_TRUE(sim.started());
  auto line = sim.readLine(std::chrono::seconds(20));
  ASSERT_TRUE(line.has_value());
  const auto colon = line->rfind(':');
  ASSERT_NE(colon, std::string::npos) << *line;
  const int port = std::stoi(line->substr(colon + 1));
  ASSERT_GT(port, 0);

  // Talk to it with a raw socket: bind_transceiver, expect bind_transceiver_resp OK.
  std::string wire;
  liaison::gateway::smpp::BindFields bind;
  bind.system_id = "cli-test";
  liaison::gateway::smpp::encode(
      liaison::gateway::smpp::makePdu(liaison::gateway::smpp::BindTransceiver{bind}, 1), wire);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(write(fd, wire.data(), wire.size()), static_cast<ssize_t>(wire.size()));
  std::vector<uint8_t> in(256);
  size_t have = 0;
  liaison::gateway::smpp::DecodeResult r;
  while (have < in.size()) {
    const ssize_t n = read(fd, in.data() + have, in.size() - have);
    ASSERT_GT(n, 0);
    have += static_cast<size_t>(n);
    r = liaison::gateway::smpp::decode(in.data(), have);
    if (r.status != liaison::gateway::smpp::DecodeStatus::NeedMore) break;
  }
  close(fd);
  ASSERT_EQ(r.status, liaison::gateway::smpp::DecodeStatus::Complete);
  EXPECT_EQ(r.pdu.commandId(), liaison::gateway::smpp::CommandId::BindTransceiverResp);
  EXPECT_EQ(r.pdu.command_status, 0u);

  sim.signal(SIGTERM);
  EXPECT_EQ(sim.wait(std::chrono::seconds(10)), 0);
}

// `liaison serve` as an operator runs it: real process, real signal, clean exit code.
TEST(Cli, ServeAnswersThenStopsCleanlyOnSigterm) {
  // A free port: bind port 0, read it back, release it (a tiny race, acceptable in a test).
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const uint16_t port = ntohs(addr.sin_port);
  close(probe);

  liaison::testing::TempDir dir;
  liaison::testing::ChildProcess serve({LIAISON_BINARY, "serve", "--listen",
                                        "127.0.0.1:" + std::to_string(port), "--data-dir",
                                        dir.file("data")});
  ASSERT_TRUE(serve.started()) << serve.startError();
  long status = 0;
  for (int i = 0; i < 400 && status != 200; ++i) {  // up to 20 s for the daemon to listen
    status = liaison::testing::httpGet(port, "/readyz").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, 200);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(std::chrono::seconds(15)), 0);
  EXPECT_EQ(liaison::testing::httpGet(port, "/healthz").status, 0);  // nobody listens now
}
