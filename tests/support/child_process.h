// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A child process for tests: the shipped binaries and third-party peers, run from an argv (no
// shell). stdin and stdout are socketpairs rather than pipes, so writing to a dead child fails
// with EPIPE (MSG_NOSIGNAL) instead of killing the test with SIGPIPE, and both ends are
// close-on-exec so other children do not inherit them. stderr is inherited: the child's
// diagnostics land in the test log. The destructor closes stdin, waits a bounded time, then
// SIGKILLs and reaps.
#pragma once

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace liaison::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  // Starts at once; check started() (and startError()).
  explicit ChildProcess(const std::vector<std::string>& argv) { error_ = start(argv); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ > 0 && !reaped_ && !closeAndWait(std::chrono::seconds(5))) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (in_ >= 0) close(in_);
    if (out_ >= 0) close(out_);
  }

  // Runs argv[0] (a path) with the arguments; returns an error text, empty on success.
  std::string start(const std::vector<std::string>& argv) {
    int in[2], out[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) return "socketpair failed";
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) != 0) {
      close(in[0]);
      close(in[1]);
      return "socketpair failed";
    }
    std::vector<std::string> args = argv;
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[1], STDIN_FILENO);  // dup2 clears CLOEXEC
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    const int rc = posix_spawn(&pid_, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[1]);
    close(out[1]);
    in_ = in[0];
    out_ = out[0];
    if (rc != 0) {
      pid_ = -1;
      return "cannot run " + argv.at(0) + ": " + std::strerror(rc);
    }
    return {};
  }

  bool started() const { return pid_ > 0; }
  const std::string& startError() const { return error_; }

  // Writes `line` and a newline to the child's stdin; false if the child is gone.
  bool writeLine(const std::string& line) {
    const std::string data = line + "\n";
    return ::send(in_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }

  // Next stdout line without '\n'; nullopt on EOF or timeout.
  std::optional<std::string> readLine(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char buf[4096];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }

  void signal(int signo) {
    if (pid_ > 0 && !reaped_) kill(pid_, signo);
  }

  // Waits for the exit: the exit code, -signal, or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return std::nullopt;
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }

  // Closes the child's stdin (many tools exit on EOF), then waits as wait() does.
  std::optional<int> closeAndWait(std::chrono::milliseconds timeout) {
    if (in_ >= 0) shutdown(in_, SHUT_WR);
    return wait(timeout);
  }

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  bool reaped_ = false;
  std::string buffer_;
  std::string error_;
};

}  // namespace liaison::testing
