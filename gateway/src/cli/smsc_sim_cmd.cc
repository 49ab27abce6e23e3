// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The simulator as a process: one io_context, a signal set, a periodic stats line.
#include "cli/smsc_sim_cmd.h"

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <functional>
#include <memory>
#include <ostream>

namespace liaison::gateway::cli {

int runSmscSimulator(const smpp::SmscSimulatorConfig& config, int stats_every_s, std::ostream& out,
                     const DiasporaOptions* people) {
  boost::asio::io_context ioc;
  smpp::SmscSimulator sim(ioc, config);
  std::unique_ptr<SimulatedDiaspora> diaspora;
  if (people != nullptr) {
    diaspora = std::make_unique<SimulatedDiaspora>(sim, *people);
    sim.configure(
        [hook = diaspora->hook()](smpp::SmscSimulatorConfig& c) { c.on_accepted_submit = hook; });
  }
  if (auto ec = sim.start()) {
    out << "smsc-sim: cannot listen on " << config.address << ":" << config.port << ": "
        << ec.message() << "\n";
    return 1;
  }
  out << "smsc-sim listening on " << config.address << ":" << sim.port() << std::endl;

  boost::asio::steady_timer stats_timer(ioc);
  std::function<void()> arm = [&] {
    if (stats_every_s <= 0) return;
    stats_timer.expires_after(std::chrono::seconds(stats_every_s));
    stats_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      const auto s = sim.stats();
      out << "smsc-sim binds=" << s.binds << " submits=" << s.submits << " accepted=" << s.accepted
          << " throttled=" << s.throttled << " errors=" << s.errors << " swallowed=" << s.swallowed
          << " receipts=" << s.receipts_sent << " mo=" << s.mo_sent;
      if (diaspora) {
        const DiasporaStats d = diaspora->stats();
        out << " questions=" << d.questions << " answers=" << d.answers_sent;
      }
      out << std::endl;
      arm();
    });
  };
  arm();

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    out << "smsc-sim stopping" << std::endl;
    stats_timer.cancel();
    if (diaspora) diaspora->stop();
    sim.stop();
  });
  ioc.run();
  return 0;
}

}  // namespace liaison::gateway::cli
