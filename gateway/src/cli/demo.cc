// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The demo: a daemon on a background thread, probed with libcurl like any HTTP client.
#include "cli/demo.h"

#include <curl/curl.h>

#include <filesystem>
#include <future>
#include <thread>

#include "daemon.h"

namespace liaison::gateway::cli {

namespace {

size_t collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// GET http://127.0.0.1:port/path; returns the status (0 on transport failure).
long httpGet(uint16_t port, const std::string& path, std::string& body) {
  CURL* curl = curl_easy_init();
  if (!curl) return 0;
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  return status;
}

}  // namespace

int runDemo(const DemoOptions& options, std::ostream& out) {
  namespace fs = std::filesystem;
  const bool scratch = options.data_dir.empty();
  fs::path dir = scratch
                     ? fs::temp_directory_path() / ("liaison-demo-" + std::to_string(::getpid()))
                     : fs::path(options.data_dir);
  DaemonOptions daemon;
  daemon.listen_port = 0;
  daemon.data_dir = dir.string();
  daemon.shutdown_grace = std::chrono::milliseconds(3000);

  std::promise<std::pair<uint16_t, std::function<void()>>> ready;
  auto ready_future = ready.get_future();
  std::thread server([&] {
    int rc = runDaemon(daemon, [&](uint16_t port, std::function<void()> stop) {
      ready.set_value({port, std::move(stop)});
    });
    if (rc != 0) {
      try {
        ready.set_exception(std::make_exception_ptr(std::runtime_error("daemon failed")));
      } catch (const std::future_error&) {
      }
    }
  });

  int rc = 0;
  try {
    auto [port, stop] = ready_future.get();
    out << "Liaison gateway running on http://127.0.0.1:" << port << " with its store in "
        << dir.string() << "\n";
    for (const char* path : {"/healthz", "/readyz", "/v1/version"}) {
      std::string body;
      long status = httpGet(port, path, body);
      out << "  GET " << path << " -> " << status << " " << body << "\n";
      if (status != 200) rc = 1;
    }
    out << "Stopping the gateway (as on SIGTERM)...\n";
    stop();
  } catch (const std::exception&) {
    out << "The gateway did not start; see the log lines above for the reason.\n";
    rc = 1;
  }
  server.join();
  if (scratch) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  out << (rc == 0 ? "Demo finished: the gateway started, answered and stopped cleanly.\n"
                  : "Demo failed.\n");
  return rc;
}

}  // namespace liaison::gateway::cli
