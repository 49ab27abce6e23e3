// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A bounded HTTP/1.1 server (Boost.Beast) that hands each request to a plain function.
// Beast types stay in http_server.cc: handlers see HttpRequest/HttpResponse only, so routing
// and API logic are testable without sockets and this header stays cheap to include.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace liaison::gateway::api {

struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // "/v1/contacts?page=2"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header with this name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
  // Target without the query string.
  std::string_view path() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Called on the connection's strand; must not block for long.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;                     // 0: pick a free port, read it back with port()
  std::size_t header_limit = 16 * 1024;  // bytes
  std::size_t body_limit = 1024 * 1024;  // bytes; larger bodies get 413
  std::chrono::milliseconds request_timeout{30'000};  // per request, headers and body
  std::size_t max_connections = 1024;                 // further accepts are closed at once
};

// Owns the listening socket and its connections. start/stop/port are thread-safe.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Fails (with the reason) if the address cannot be bound.
  std::error_code start();
  // Stops accepting and closes every connection after its in-flight response.
  void stop();
  uint16_t port() const;
  std::size_t connectionCount() const;

  struct Impl;  // defined in http_server.cc; public only so its sessions can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace liaison::gateway::api
