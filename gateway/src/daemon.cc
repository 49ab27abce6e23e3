// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Daemon lifecycle:
//   open store -> bind HTTP -> run io_context
//   signal 1: stop accepting, close idle connections, let in-flight requests finish;
//             after shutdown_grace, force-stop the io_context
//   signal 2: force-stop at once
#include "daemon.h"

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <filesystem>
#include <system_error>

#include "api/http_server.h"
#include "api/router.h"
#include "liaison/sync/assert.h"
#include "store/sqlite_store.h"
#include "util/log.h"

namespace liaison::gateway {

int runDaemon(const DaemonOptions& options,
              const std::function<void(uint16_t, std::function<void()>)>& on_ready) {
  sync::setBugHandler([](const char* what, const char* file, int line) {
    log::error("bug", {{"what", what}, {"file", file}, {"line", std::to_string(line)}});
  });
  std::error_code fs_ec;
  std::filesystem::create_directories(options.data_dir, fs_ec);
  if (fs_ec) {
    log::error("store.data_dir_failed", {{"dir", options.data_dir}, {"reason", fs_ec.message()}});
    return 1;
  }
  const std::string db_path = (std::filesystem::path(options.data_dir) / "liaison.db").string();
  std::unique_ptr<store::SqliteStore> db;
  try {
    db = store::SqliteStore::open(db_path);
  } catch (const std::exception& e) {
    log::error("store.open_failed", {{"reason", e.what()}});
    return 1;
  }
  log::info("store.opened",
            {{"path", db_path}, {"schema_version", std::to_string(db->schemaVersion())}});

  boost::asio::io_context ioc;
  api::HttpServerOptions http_options;
  http_options.address = options.listen_address;
  http_options.port = options.listen_port;
  api::HttpServer server(ioc, http_options, api::makeRouter(*db));
  if (auto ec = server.start()) {
    log::error("http.bind_failed", {{"address", options.listen_address},
                                    {"port", std::to_string(options.listen_port)},
                                    {"reason", ec.message()},
                                    {"hint",
                                     "choose another --listen port or stop the other "
                                     "process using it"}});
    return 1;
  }
  log::info("http.listening",
            {{"address", options.listen_address}, {"port", std::to_string(server.port())}});

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  boost::asio::steady_timer grace(ioc);
  bool shutting_down = false;
  std::function<void()> begin_shutdown = [&] {
    if (shutting_down) {
      log::warn("daemon.forced_stop");
      ioc.stop();
      return;
    }
    shutting_down = true;
    log::info("daemon.stopping", {{"grace_ms", std::to_string(options.shutdown_grace.count())}});
    server.stop();
    grace.expires_after(options.shutdown_grace);
    grace.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) {
        log::warn("daemon.grace_expired");
        ioc.stop();
      }
    });
  };
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        log::info("daemon.signal", {{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"}});
        begin_shutdown();
        signals.async_wait(on_signal);  // a second signal forces
      };
  signals.async_wait(on_signal);

  if (on_ready) {
    on_ready(server.port(), [&ioc, &begin_shutdown] { boost::asio::post(ioc, begin_shutdown); });
  }

  // Poll until the server has no connections left, then cancel the timer and signals so
  // run() returns on its own; the grace timer force-stops a shutdown that hangs.
  boost::asio::steady_timer drain(ioc);
  std::function<void()> watch_drain = [&] {
    drain.expires_after(std::chrono::milliseconds(50));
    drain.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      if (shutting_down && server.connectionCount() == 0) {
        grace.cancel();
        signals.cancel();
        return;
      }
      watch_drain();
    });
  };
  watch_drain();

  ioc.run();
  log::info("daemon.stopped");
  return 0;
}

}  // namespace liaison::gateway
