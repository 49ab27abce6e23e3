// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SMPP throughput over loopback: SmppClient against the project's SMSC simulator, each on its
// own thread and io_context (one core each on a 2-core machine). Reports messages per second
// and the client thread's CPU time per message, with receipts off and on, at several windows.
// A second mode measures the simulator alone against a minimal pipelining sender, to show the
// simulator is not the bottleneck.
//
//   liaison_bench_smpp [--messages N] [--only client|simulator]
#include <pthread.h>
#include <time.h>

#include <utility>  // before Asio

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "channels/smpp/pdu_codec.h"
#include "channels/smpp/smpp_client.h"
#include "channels/smpp/smsc_simulator.h"

using namespace liaison::gateway::smpp;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

double threadCpuSeconds(pthread_t thread) {
  clockid_t cid;
  if (pthread_getcpuclockid(thread, &cid) != 0) return 0;
  timespec ts{};
  clock_gettime(cid, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class Source : public SmppClientHandler {
 public:
  Source(uint64_t total, bool receipts) : total_(total), receipts_(receipts) {}
  bool nextSubmit(OutboundSubmit& out) override {
    if (next_ >= total_) return false;
    out.ref = next_++;
    out.source_addr = "LIAISON";
    out.destination_addr = "4915112345678";
    out.registered_delivery = receipts_ ? 1 : 0;
    out.short_message = "Consulate notice: offices closed on Monday. Reply STOP to opt out.";
    return true;
  }
  void onSubmitResult(const SubmitOutcome& o) override {
    if (o.kind == SubmitOutcomeKind::Accepted) {
      ++accepted_;
    } else {
      ++failed_;
    }
    check();
  }
  CommandStatus onDeliver(const Pdu&) override {
    ++receipts_seen_;
    check();
    return CommandStatus::Ok;
  }
  void onLinkEvent(LinkEvent, std::string_view) override {}
  void check() {
    const uint64_t done = accepted_ + failed_;
    if (done == total_ && (!receipts_ || receipts_seen_ >= accepted_)) {
      std::lock_guard lock(mu_);
      finished_ = true;
      cv_.notify_all();
    }
  }
  bool wait(std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return finished_; });
  }

  uint64_t total_;
  bool receipts_;
  uint64_t next_ = 0, accepted_ = 0, failed_ = 0, receipts_seen_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool finished_ = false;
};

struct Result {
  double seconds = 0;
  double client_cpu_s = 0;
  uint64_t accepted = 0;
  bool complete = false;
};

Result runClient(uint64_t messages, uint32_t window, bool receipts) {
  asio::io_context sim_ioc, client_ioc;
  SmscSimulatorConfig sc;
  sc.record_submits = false;
  SmscSimulator sim(sim_ioc, sc);
  if (sim.start()) {
    std::fprintf(stderr, "simulator failed to listen\n");
    std::exit(1);
  }
  auto sim_guard = asio::make_work_guard(sim_ioc);
  std::thread sim_thread([&] { sim_ioc.run(); });

  Source source(messages, receipts);
  SmppClientConfig cc;
  cc.port = sim.port();
  cc.system_id = "bench";
  cc.window = window;
  SmppClient client(client_ioc, cc, source);
  auto client_guard = asio::make_work_guard(client_ioc);
  std::thread client_thread([&] { client_ioc.run(); });

  const double cpu0 = threadCpuSeconds(client_thread.native_handle());
  const auto t0 = std::chrono::steady_clock::now();
  client.start();
  Result r;
  r.complete = source.wait(300s);
  const auto t1 = std::chrono::steady_clock::now();
  r.client_cpu_s = threadCpuSeconds(client_thread.native_handle()) - cpu0;
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.accepted = source.accepted_;

  client.stop();
  std::this_thread::sleep_for(50ms);
  client_guard.reset();
  client_ioc.stop();
  client_thread.join();
  sim.stop();
  sim_guard.reset();
  sim_ioc.stop();
  sim_thread.join();
  return r;
}

// The simulator alone: a raw sender that keeps `window` submit_sm in flight with pre-encoded
// PDUs and does the least possible work per response.
Result runSimulatorAlone(uint64_t messages, uint32_t window) {
  asio::io_context sim_ioc;
  SmscSimulatorConfig sc;
  sc.record_submits = false;
  sc.receipts = false;
  SmscSimulator sim(sim_ioc, sc);
  if (sim.start()) std::exit(1);
  auto guard = asio::make_work_guard(sim_ioc);
  std::thread sim_thread([&] { sim_ioc.run(); });
  const double cpu0 = threadCpuSeconds(sim_thread.native_handle());

  asio::io_context ioc;
  asio::ip::tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address("127.0.0.1"), sim.port()});
  sock.set_option(asio::ip::tcp::no_delay(true));
  std::string out;
  BindFields bind;
  bind.system_id = "raw";
  encode(makePdu(BindTransceiver{bind}, 1), out);
  asio::write(sock, asio::buffer(out));
  std::vector<uint8_t> in(1 << 20);
  std::size_t have = 0;
  auto readPdus = [&](uint64_t& responses) {
    have += sock.read_some(asio::buffer(in.data() + have, in.size() - have));
    std::size_t off = 0;
    for (;;) {
      auto res = decode(in.data() + off, have - off);
      if (res.status != DecodeStatus::Complete) break;
      off += res.consumed;
      ++responses;
    }
    std::memmove(in.data(), in.data() + off, have - off);
    have -= off;
  };
  uint64_t responses = 0;
  while (responses < 1) readPdus(responses);  // bind_resp

  SubmitSm sm;
  sm.source_addr = "LIAISON";
  sm.destination_addr = "4915112345678";
  sm.short_message = "Consulate notice: offices closed on Monday. Reply STOP to opt out.";
  std::string batch;
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t sent = 0;
  responses = 0;
  while (responses < messages) {
    batch.clear();
    while (sent < messages && sent - responses < window) {
      encode(makePdu(sm, static_cast<uint32_t>(sent % 0x7fffffff) + 2), batch);
      ++sent;
    }
    if (!batch.empty()) asio::write(sock, asio::buffer(batch));
    readPdus(responses);
  }
  const auto t1 = std::chrono::steady_clock::now();
  Result r;
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.client_cpu_s = threadCpuSeconds(sim_thread.native_handle()) - cpu0;  // simulator CPU
  r.accepted = responses;
  r.complete = true;
  sock.close();
  sim.stop();
  guard.reset();
  sim_ioc.stop();
  sim_thread.join();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t messages = 200'000;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--messages") && i + 1 < argc) {
      messages = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--messages N] [--only client|simulator]\n", argv[0]);
      return 2;
    }
  }
  std::printf("SMPP over loopback, %llu single-segment messages per run\n",
              static_cast<unsigned long long>(messages));
  if (only.empty() || only == "client") {
    std::printf("%-9s %-8s %12s %12s %16s %8s\n", "receipts", "window", "msgs/s", "seconds",
                "client µs/msg", "target");
    for (bool receipts : {false, true}) {
      for (uint32_t window : {10u, 100u}) {
        Result r = runClient(messages, window, receipts);
        const double rate = static_cast<double>(r.accepted) / r.seconds;
        const double us = r.client_cpu_s * 1e6 / static_cast<double>(r.accepted);
        const double target = receipts ? 15000 : 30000;
        std::printf("%-9s %-8u %12.0f %12.2f %16.2f %8s%s\n", receipts ? "on" : "off", window, rate,
                    r.seconds, us, rate >= target && us <= 20 ? "met" : "MISSED",
                    r.complete ? "" : " (incomplete)");
        std::fflush(stdout);
      }
    }
  }
  if (only.empty() || only == "simulator") {
    for (uint32_t window : {10u, 100u}) {
      Result r = runSimulatorAlone(messages, window);
      std::printf("simulator alone, window %-4u %10.0f submits/s, simulator %.2f µs/submit\n",
                  window, static_cast<double>(r.accepted) / r.seconds,
                  r.client_cpu_s * 1e6 / static_cast<double>(r.accepted));
    }
  }
  return 0;
}
