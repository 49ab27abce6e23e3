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

struct HttpResponse;

// Completes a deferred response (HttpResponse::deferred). Call it once, from any thread;
// later calls, and calls after the connection closed, do nothing.
using ResponseCallback = std::function<void(HttpResponse)>;

// The body of a streamed response (HttpResponse::stream), written as it is produced: server-sent
// events, long exports. Thread-safe. Writes are queued on the connection's strand and sent as
// HTTP/1.1 chunks; a client that reads slower than it is written to (more than
// HttpServerOptions::stream_buffer_limit queued) is disconnected rather than buffered without
// bound. Once open() is false (client gone, server stopping, close() called) every write is
// dropped: producers should then let go of the stream.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues `data`; false when the stream is closed (nothing is queued then).
  virtual bool write(std::string data) = 0;
  // Ends the body (the last chunk) and closes the connection. Idempotent.
  virtual void close() = 0;
  virtual bool open() const = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // A response produced later (a group commit, work on another thread): when set, the server
  // calls it on the connection's strand, right after the handler returns, with the callback
  // that completes the request; the other fields are ignored. Unanswered after
  // HttpServerOptions::request_timeout, the request gets 503 and the connection closes.
  std::function<void(ResponseCallback)> deferred = {};
  // A streamed body: when set, the server sends status, content_type and headers with chunked
  // transfer encoding, then calls this once, on the connection's strand, with the stream;
  // `body` is ignored. The connection carries nothing else afterwards.
  std::function<void(std::shared_ptr<ResponseStream>)> stream = {};
};

// A response that `produce` completes later through the callback it is given.
HttpResponse deferResponse(std::function<void(ResponseCallback)> produce);

// Called on the connection's strand; must not block for long.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;                     // 0: pick a free port, read it back with port()
  std::size_t header_limit = 16 * 1024;  // bytes
  std::size_t body_limit = 1024 * 1024;  // bytes; larger bodies get 413
  std::chrono::milliseconds request_timeout{30'000};  // per request, headers and body
  std::size_t max_connections = 1024;                 // further accepts are closed at once
  std::size_t stream_buffer_limit = 1024 * 1024;      // bytes queued per streamed response
  // HTTPS: PEM files of the certificate (chain) and its private key. Both empty: plain HTTP.
  // TLS 1.2 and later only; the handshake counts against request_timeout.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Why start() failed to set up TLS (the system error carries the OS's reason otherwise).
enum class HttpServerErrc { TlsCertificate = 1, TlsKey = 2 };
const std::error_category& httpServerCategory();
std::error_code make_error_code(HttpServerErrc e);

// Owns the listening socket and its connections. start/stop/port are thread-safe.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS files (when set), binds and starts accepting. Fails with the reason: an
  // HttpServerErrc for a certificate or key that cannot be used, else the OS's error.
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

template <>
struct std::is_error_code_enum<liaison::gateway::api::HttpServerErrc> : std::true_type {};
