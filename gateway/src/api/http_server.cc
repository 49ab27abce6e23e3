// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Beast implementation of HttpServer. Each connection runs on its own strand and keeps
// itself alive through shared_from_this in every handler (STYLE R9). One request is in
// flight per connection (HTTP/1.1 without pipelining), so the write queue is one deep.
//
//   acceptor --(strand per socket)--> Session: read(deadline) -> handler -> write -> read ...
//                                        ^ stop(): post(close) to each live session
#include "api/http_server.h"

#include <utility>  // before Asio

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <optional>
#include <set>

namespace liaison::gateway::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return {};
}

std::string_view HttpRequest::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

namespace {

class Session;

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, HttpServerOptions opts, HttpHandler h)
      : ioc(io), options(std::move(opts)), handler(std::move(h)), acceptor(asio::make_strand(io)) {}

  void doAccept();
  void onAccept(beast::error_code ec, tcp::socket socket);

  asio::io_context& ioc;
  HttpServerOptions options;
  HttpHandler handler;
  tcp::acceptor acceptor;
  std::atomic<uint16_t> bound_port{0};
  std::atomic<bool> stopping{false};

  mutable std::mutex mu;
  std::set<std::shared_ptr<Session>> sessions;  // guarded by mu
};

namespace {

HttpResponse errorResponse(int status, std::string_view code, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.body = "{\"error\":{\"code\":\"";
  r.body += code;
  r.body += "\",\"message\":\"";
  r.body += message;
  r.body += "\"}}";
  return r;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<HttpServer::Impl> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}

  void run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->doRead(); });
  }

  void close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->writing_) self->shutdown();
    });
  }

 private:
  void doRead() {
    if (closing_) return shutdown();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
    parser_->body_limit(server_->options.body_limit);
    stream_.expires_after(server_->options.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || closing_) {
      return shutdown();
    }
    if (ec == http::error::body_limit) {
      return send(errorResponse(413, "body_too_large", "request body exceeds the limit"), false);
    }
    if (ec == http::error::header_limit) {
      return send(errorResponse(431, "headers_too_large", "request headers exceed the limit"),
                  false);
    }
    if (ec) {
      return send(errorResponse(400, "bad_request", "malformed HTTP request"), false);
    }
    http::request<http::string_body> req = parser_->release();
    HttpRequest in;
    in.method = std::string(req.method_string());
    in.target = std::string(req.target());
    for (const auto& field : req) {
      in.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    in.body = std::move(req.body());
    HttpResponse out;
    try {
      out = server_->handler(in);
    } catch (const std::exception&) {
      // A handler bug must not take the server down; the details are in the handler's log.
      out = errorResponse(500, "internal", "internal error");
    }
    send(std::move(out), req.keep_alive());
  }

  void send(HttpResponse r, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->result(static_cast<unsigned>(r.status));
    res->version(11);
    res->set(http::field::server, "liaison");
    res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive && !closing_);
    res->prepare_payload();
    writing_ = true;
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec || !res->keep_alive()) return self->shutdown();
                        self->doRead();
                      });
  }

  void shutdown() {
    if (shut_) return;
    shut_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    std::lock_guard lock(server_->mu);
    server_->sessions.erase(shared_from_this());
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpServer::Impl> server_;
  bool writing_ = false;
  bool closing_ = false;
  bool shut_ = false;
};

}  // namespace

void HttpServer::Impl::doAccept() {
  acceptor.async_accept(asio::make_strand(ioc),
                        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                          self->onAccept(ec, std::move(socket));
                        });
}

void HttpServer::Impl::onAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping) return;
  if (!ec) {
    std::shared_ptr<Session> session;
    {
      std::lock_guard lock(mu);
      if (sessions.size() < options.max_connections) {
        session = std::make_shared<Session>(std::move(socket), shared_from_this());
        sessions.insert(session);
      }
    }
    if (session) session->run();  // else: socket closes on scope exit, over the limit
  }
  doAccept();
}

HttpServer::HttpServer(asio::io_context& ioc, HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { stop(); }

std::error_code HttpServer::start() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) return ec;
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acc.close();
    return ec;
  }
  impl_->bound_port = acc.local_endpoint().port();
  asio::dispatch(acc.get_executor(), [impl = impl_] { impl->doAccept(); });
  return {};
}

void HttpServer::stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  std::set<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(impl_->mu);
    live = impl_->sessions;
  }
  for (const auto& s : live) s->close();
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

std::size_t HttpServer::connectionCount() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sessions.size();
}

}  // namespace liaison::gateway::api
