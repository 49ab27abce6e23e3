// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// liaison_test_broadcast: the process broadcast_kill_test.cc starts, kills with SIGKILL
// mid-broadcast and starts again. It opens the store, runs the real Dispatcher against an SMSC
// on 127.0.0.1 until no row is queued or sending (and the submitted ones got their receipts,
// or a bounded wait passed), prints progress lines, and exits 0. Exit 2: bad arguments; exit 1:
// the store or the broadcast failed (timeout included).
//
//   liaison_test_broadcast --db PATH --smsc-port PORT [--system-id ID] [--password PW]
//       [--rate SEGMENTS_PER_S] [--window N] [--max-outstanding N] [--receipt-wait-ms MS]
//       [--timeout-s S]
#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "outreach/dispatcher.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_store.h"

namespace {

using namespace liaison::gateway;
using namespace std::chrono_literals;

struct Options {
  std::string db;
  int smsc_port = 0;
  std::string system_id = "liaison";
  std::string password = "pw";
  double rate = 0;  // segments per second; 0: unlimited
  std::uint32_t window = 10;
  std::size_t max_outstanding = 500;
  std::int64_t receipt_wait_ms = 2'000;
  std::int64_t timeout_s = 120;
};

constexpr char kUsage[] =
    "usage: liaison_test_broadcast --db PATH --smsc-port PORT [--system-id ID] [--password PW] "
    "[--rate N] [--window N] [--max-outstanding N] [--receipt-wait-ms MS] [--timeout-s S]";

template <class T>
bool parseNumber(std::string_view text, T* out) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && p == end;
}

// Fills *o; on a bad argument prints why and returns false.
bool parseArgs(int argc, char** argv, Options* o) {
  std::map<std::string_view, std::string_view> seen;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "liaison_test_broadcast: " << flag << " needs a value\n" << kUsage << "\n";
      return false;
    }
    seen[flag] = argv[++i];
  }
  bool ok = true;
  auto bad = [&](std::string_view what) {
    std::cerr << "liaison_test_broadcast: " << what << "\n";
    ok = false;
  };
  for (const auto& [flag, value] : seen) {
    if (flag == "--db") {
      o->db = value;
    } else if (flag == "--smsc-port") {
      if (!parseNumber(value, &o->smsc_port) || o->smsc_port <= 0 || o->smsc_port > 65535) {
        bad("--smsc-port must be 1..65535");
      }
    } else if (flag == "--system-id") {
      o->system_id = value;
    } else if (flag == "--password") {
      o->password = value;
    } else if (flag == "--rate") {
      long long rate = 0;
      if (!parseNumber(value, &rate) || rate < 0) bad("--rate must be a count >= 0");
      o->rate = static_cast<double>(rate);
    } else if (flag == "--window") {
      if (!parseNumber(value, &o->window) || o->window < 1 || o->window > 1000) {
        bad("--window must be 1..1000");
      }
    } else if (flag == "--max-outstanding") {
      if (!parseNumber(value, &o->max_outstanding) || o->max_outstanding < 1) {
        bad("--max-outstanding must be >= 1");
      }
    } else if (flag == "--receipt-wait-ms") {
      if (!parseNumber(value, &o->receipt_wait_ms) || o->receipt_wait_ms < 0) {
        bad("--receipt-wait-ms must be >= 0");
      }
    } else if (flag == "--timeout-s") {
      if (!parseNumber(value, &o->timeout_s) || o->timeout_s < 1) bad("--timeout-s must be >= 1");
    } else {
      bad("unknown flag " + std::string(flag));
    }
  }
  if (ok && o->db.empty()) bad("--db is required");
  if (ok && o->smsc_port == 0) bad("--smsc-port is required");
  if (!ok) std::cerr << kUsage << "\n";
  return ok;
}

// Rows per state over the whole outbox, indexed by OutboxState.
std::array<std::int64_t, 8> countStates(store::Database& db, std::mutex& mu) {
  std::array<std::int64_t, 8> out{};
  std::lock_guard lock(mu);
  std::error_code ec;
  auto s = db.cached("SELECT state, count(*) FROM outbox GROUP BY state", &ec);
  if (ec) return out;
  bool row = false;
  while (!s->step(&row) && row) {
    const std::int64_t state = s->int64(0);
    if (state >= 1 && state <= 7) out[static_cast<std::size_t>(state)] = s->int64(1);
  }
  return out;
}

int run(const Options& o) {
  std::unique_ptr<store::SqliteStore> db;
  try {
    db = store::SqliteStore::open(o.db);
  } catch (const std::exception& e) {
    std::cerr << "liaison_test_broadcast: " << e.what() << "\n";
    return 1;
  }
  store::SqliteOutboxStore outbox(db->database());
  std::mutex store_mu;

  boost::asio::io_context ioc;
  auto work = boost::asio::make_work_guard(ioc);
  std::thread threads[2];
  for (auto& t : threads) t = std::thread([&] { ioc.run(); });

  std::atomic<bool> signalled{false};
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) signalled = true;
  });

  smpp::SmppChannelConfig channel;
  smpp::SmppClientConfig bind;
  bind.host = "127.0.0.1";
  bind.port = static_cast<std::uint16_t>(o.smsc_port);
  bind.system_id = o.system_id;
  bind.password = o.password;
  bind.window = o.window;
  bind.response_timeout = 2s;
  bind.reconnect_initial = 50ms;
  bind.reconnect_max = 500ms;
  bind.unbind_timeout = 500ms;
  channel.binds.push_back(bind);
  channel.source_addr = "LIAISON";
  channel.segments_per_second = o.rate;
  channel.housekeeping_interval = 100ms;

  outreach::DispatcherConfig config;
  config.channel_name = "smpp:test";
  config.max_outstanding = o.max_outstanding;
  config.busy_interval = 10ms;

  int rc = 0;
  {
    outreach::Dispatcher dispatcher(ioc, outbox, store_mu, channel, config);
    if (auto ec = dispatcher.start()) {
      std::cerr << "liaison_test_broadcast: recovery failed: " << ec.message() << "\n";
      rc = 1;
    } else {
      const auto first = dispatcher.stats();
      std::cout << "started recovered_requeued=" << first.recovered_requeued
                << " recovered_unknown=" << first.recovered_unknown << std::endl;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout_s);
      bool drained = false;  // nothing queued or sending since drained_at
      auto drained_at = std::chrono::steady_clock::now();
      for (;;) {
        std::this_thread::sleep_for(50ms);
        const auto counts = countStates(db->database(), store_mu);
        const auto s = dispatcher.stats();
        std::cout << "progress queued=" << counts[1] << " sending=" << counts[2]
                  << " submitted=" << counts[3] << " delivered=" << counts[4]
                  << " failed=" << counts[5] << " expired=" << counts[6] << " unknown=" << counts[7]
                  << " sent=" << s.sent << " outstanding=" << s.outstanding << std::endl;
        const auto now = std::chrono::steady_clock::now();
        if (signalled) break;
        if (now > deadline) {
          std::cerr << "liaison_test_broadcast: timed out with rows left to send\n";
          rc = 1;
          break;
        }
        if (counts[1] + counts[2] > 0 || s.outstanding > 0 || s.pending_updates > 0) {
          drained = false;
          continue;
        }
        if (!drained) {
          drained = true;
          drained_at = now;
        }
        if (counts[3] == 0 || now - drained_at >= std::chrono::milliseconds(o.receipt_wait_ms)) {
          break;
        }
      }
      std::promise<std::error_code> stopped;
      dispatcher.stop([&](std::error_code stop_ec) { stopped.set_value(stop_ec); });
      auto done = stopped.get_future();
      if (done.wait_for(30s) != std::future_status::ready) {
        std::cerr << "liaison_test_broadcast: stop did not complete\n";
        rc = 1;
      } else if (auto flush_ec = done.get()) {
        std::cerr << "liaison_test_broadcast: last flush failed: " << flush_ec.message() << "\n";
        rc = 1;
      }
      const auto counts = countStates(db->database(), store_mu);
      const auto s = dispatcher.stats();
      std::cout << "done queued=" << counts[1] << " sending=" << counts[2]
                << " submitted=" << counts[3] << " delivered=" << counts[4]
                << " unknown=" << counts[7] << " claimed=" << s.claimed << " flushes=" << s.flushes
                << std::endl;
    }
  }
  signals.cancel();
  work.reset();
  ioc.stop();
  for (auto& t : threads) t.join();
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parseArgs(argc, argv, &o)) return 2;
  return run(o);
}
