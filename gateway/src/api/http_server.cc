// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Beast implementation of HttpServer. Each connection runs on its own strand and keeps
// itself alive through shared_from_this in every handler (STYLE R9). One request is in
// flight per connection (HTTP/1.1 without pipelining), so the write queue is one deep,
// except for a streamed body, whose chunks queue up to stream_buffer_limit bytes.
//
//   acceptor --(strand per socket)--> Session: read(deadline) -> handler -> write -> read ...
//                                        |          |  deferred: wait (timer) for the callback,
//                                        |          |            posted back to the strand
//                                        |          +- stream: header, then chunks as written;
//                                        |             a 1-byte read notices the client leaving
//                                        ^ stop(): post(close) to each live session
//
// HTTPS is the same Session over beast::ssl_stream (a template over the stream type): a TLS
// handshake first (within request_timeout), a TLS shutdown last.
#include "api/http_server.h"

#include <utility>  // before Asio

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <type_traits>

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

HttpResponse deferResponse(std::function<void(ResponseCallback)> produce) {
  HttpResponse r;
  r.deferred = std::move(produce);
  return r;
}

namespace {

// What the server and a stream's producer see of a connection, whatever its stream type.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
  virtual void postChunk(std::string data) = 0;
  virtual void postStreamEnd() = 0;
};

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
  std::set<std::shared_ptr<SessionBase>> sessions;  // guarded by mu
  std::shared_ptr<asio::ssl::context> tls;          // set by start() when TLS is configured
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

// The handle a streaming producer holds. It keeps only a weak reference to its connection,
// so a producer that forgets to let go does not keep a closed connection alive.
class StreamHandle final : public ResponseStream {
 public:
  explicit StreamHandle(std::weak_ptr<SessionBase> session) : session_(std::move(session)) {}
  bool write(std::string data) override;
  void close() override;
  bool open() const override { return open_; }
  void markClosed() { open_ = false; }

 private:
  std::weak_ptr<SessionBase> session_;
  std::atomic<bool> open_{true};
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(tcp::socket&& socket, std::shared_ptr<HttpServer::Impl> server)
      : stream_(makeStream(std::move(socket), *server)),
        executor_(stream_.get_executor()),
        timer_(executor_),
        server_(std::move(server)) {}

  void run() {
    asio::dispatch(executor_, [self = this->shared_from_this()] {
      if constexpr (kTls) {
        beast::get_lowest_layer(self->stream_).expires_after(self->server_->options.request_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server,
                                      [self](beast::error_code ec) {
                                        if (ec) return self->shutdown();
                                        self->doRead();
                                      });
      } else {
        self->doRead();
      }
    });
  }

  void close() override {
    asio::post(executor_, [self = this->shared_from_this()] {
      self->closing_ = true;
      if (self->handle_) {
        self->handle_->markClosed();
        if (!self->writing_) self->writeNextChunk();  // the last chunk, then shutdown
        return;
      }
      if (!self->writing_) self->shutdown();
    });
  }

  // From StreamHandle, any thread.
  void postChunk(std::string data) override {
    asio::post(executor_, [self = this->shared_from_this(), data = std::move(data)]() mutable {
      if (self->shut_ || self->stream_ended_) return;
      self->queued_bytes_ += data.size();
      if (self->queued_bytes_ > self->server_->options.stream_buffer_limit) {
        return self->shutdown();  // the client reads too slowly: drop it, not memory
      }
      self->out_.push_back(std::move(data));
      if (!self->writing_) self->writeNextChunk();
    });
  }
  void postStreamEnd() override {
    asio::post(executor_, [self = this->shared_from_this()] {
      self->closing_ = true;
      if (!self->writing_) self->writeNextChunk();
    });
  }

 private:
  static Stream makeStream(tcp::socket&& socket, HttpServer::Impl& server) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *server.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  auto& lowest() { return beast::get_lowest_layer(stream_); }

  void doRead() {
    if (closing_) return shutdown();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
    parser_->body_limit(server_->options.body_limit);
    lowest().expires_after(server_->options.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
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
    if (out.deferred) return beginDeferred(std::move(out.deferred), req.keep_alive());
    if (out.stream) return beginStream(std::move(out));
    send(std::move(out), req.keep_alive());
  }

  void beginDeferred(std::function<void(ResponseCallback)> produce, bool keep_alive) {
    const std::uint64_t generation = ++generation_;
    awaiting_ = true;
    lowest().expires_never();
    timer_.expires_after(server_->options.request_timeout);
    timer_.async_wait([self = this->shared_from_this(), generation](beast::error_code ec) {
      if (ec || !self->awaiting_ || generation != self->generation_) return;
      self->awaiting_ = false;
      self->send(errorResponse(503, "timeout", "the request was not completed in time"), false);
    });
    auto called = std::make_shared<std::atomic<bool>>(false);
    ResponseCallback done = [self = this->shared_from_this(), generation, keep_alive,
                             called](HttpResponse r) {
      if (called->exchange(true)) return;
      asio::post(self->executor_, [self, generation, keep_alive, r = std::move(r)]() mutable {
        self->completeDeferred(generation, std::move(r), keep_alive);
      });
    };
    try {
      produce(std::move(done));
    } catch (const std::exception&) {
      completeDeferred(generation, errorResponse(500, "internal", "internal error"), false);
    }
  }

  void completeDeferred(std::uint64_t generation, HttpResponse r, bool keep_alive) {
    if (shut_ || !awaiting_ || generation != generation_) return;  // timed out, or closed
    awaiting_ = false;
    timer_.cancel();
    if (r.deferred || r.stream) r = errorResponse(500, "internal", "internal error");
    send(std::move(r), keep_alive);
  }

  void beginStream(HttpResponse r) {
    auto header = std::make_shared<http::response<http::empty_body>>();
    header->result(static_cast<unsigned>(r.status));
    header->version(11);
    header->set(http::field::server, "liaison");
    header->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) header->set(k, v);
    header->keep_alive(false);
    header->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
    writing_ = true;
    lowest().expires_after(server_->options.request_timeout);
    http::async_write_header(
        stream_, *serializer,
        [self = this->shared_from_this(), header, serializer, produce = std::move(r.stream)](
            beast::error_code ec, std::size_t) {
          self->writing_ = false;
          if (ec || self->closing_) return self->shutdown();
          self->handle_ = std::make_shared<StreamHandle>(std::weak_ptr<SessionBase>(self));
          self->watchForHangUp();
          try {
            produce(self->handle_);
          } catch (const std::exception&) {
            self->handle_->markClosed();
            return self->shutdown();
          }
          self->writeNextChunk();
        });
  }

  // A streamed response reads nothing more, so the socket turning readable (EOF, a reset, or
  // bytes the client should not send) means the client is done with it. Waiting consumes
  // nothing, so it works the same under TLS.
  void watchForHangUp() {
    lowest().socket().async_wait(tcp::socket::wait_read,
                              [self = this->shared_from_this()](beast::error_code) {
                                if (self->handle_) self->handle_->markClosed();
                                self->shutdown();
                              });
  }

  void writeNextChunk() {
    if (shut_ || stream_ended_) return;
    if (out_.empty()) {
      if (!closing_) return;
      stream_ended_ = true;
      writing_ = true;
      lowest().expires_after(server_->options.request_timeout);
      asio::async_write(stream_, http::make_chunk_last(),
                        [self = this->shared_from_this()](beast::error_code, std::size_t) {
                          self->writing_ = false;
                          self->shutdown();
                        });
      return;
    }
    auto data = std::make_shared<std::string>(std::move(out_.front()));
    out_.pop_front();
    writing_ = true;
    lowest().expires_after(server_->options.request_timeout);
    asio::async_write(stream_, http::make_chunk(asio::buffer(*data)),
                      [self = this->shared_from_this(), data](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        self->queued_bytes_ -= data->size();
                        if (ec) return self->shutdown();
                        self->writeNextChunk();
                      });
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
    lowest().expires_after(server_->options.request_timeout);
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec || !res->keep_alive()) return self->shutdown();
                        self->doRead();
                      });
  }

  void shutdown() {
    if (shut_) return;
    shut_ = true;
    awaiting_ = false;
    if (handle_) handle_->markClosed();
    out_.clear();
    timer_.cancel();
    if constexpr (kTls) {
      // close_notify, bounded; the socket closes when it is done or times out.
      lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        self->lowest().close();
      });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().close();
    }
    std::lock_guard lock(server_->mu);
    server_->sessions.erase(this->shared_from_this());
  }

  Stream stream_;
  const asio::any_io_executor executor_;  // the connection's strand; safe to read anywhere
  asio::steady_timer timer_;              // deadline of a deferred response
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpServer::Impl> server_;
  bool writing_ = false;
  bool closing_ = false;
  bool shut_ = false;
  // Deferred responses: the generation tells a late callback from the current request's.
  bool awaiting_ = false;
  std::uint64_t generation_ = 0;
  // Streamed responses.
  std::shared_ptr<StreamHandle> handle_;
  std::deque<std::string> out_;
  std::size_t queued_bytes_ = 0;
  bool stream_ended_ = false;
};

bool StreamHandle::write(std::string data) {
  if (!open_) return false;
  auto session = session_.lock();
  if (!session) {
    open_ = false;
    return false;
  }
  if (!data.empty()) session->postChunk(std::move(data));  // an empty chunk would end the body
  return true;
}

void StreamHandle::close() {
  if (!open_.exchange(false)) return;
  if (auto session = session_.lock()) session->postStreamEnd();
}

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
    std::shared_ptr<SessionBase> session;
    std::function<void()> run;
    {
      std::lock_guard lock(mu);
      if (sessions.size() < options.max_connections) {
        if (tls) {
          auto s = std::make_shared<Session<TlsStream>>(std::move(socket), shared_from_this());
          run = [s] { s->run(); };
          session = std::move(s);
        } else {
          auto s = std::make_shared<Session<PlainStream>>(std::move(socket), shared_from_this());
          run = [s] { s->run(); };
          session = std::move(s);
        }
        sessions.insert(session);
      }
    }
    if (run) run();  // else: socket closes on scope exit, over the limit
  }
  doAccept();
}

HttpServer::HttpServer(asio::io_context& ioc, HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { stop(); }

namespace {

class HttpServerCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "liaison.http_server"; }
  std::string message(int value) const override {
    switch (static_cast<HttpServerErrc>(value)) {
      case HttpServerErrc::TlsCertificate:
        return "the TLS certificate file cannot be read as a PEM certificate chain";
      case HttpServerErrc::TlsKey:
        return "the TLS key file cannot be read as a PEM private key that matches the "
               "certificate";
    }
    return "unknown HTTP server error";
  }
};

}  // namespace

const std::error_category& httpServerCategory() {
  static const HttpServerCategory category;
  return category;
}

std::error_code make_error_code(HttpServerErrc e) {
  return {static_cast<int>(e), httpServerCategory()};
}

namespace {

// A server context: TLS 1.2 and later, the configured certificate chain and key.
std::error_code makeTlsContext(const HttpServerOptions& options,
                               std::shared_ptr<asio::ssl::context>* out) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  beast::error_code ec;
  ctx->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) return HttpServerErrc::TlsCertificate;
  ctx->use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);  // checks the pair
  if (ec || SSL_CTX_check_private_key(ctx->native_handle()) != 1) return HttpServerErrc::TlsKey;
  *out = std::move(ctx);
  return {};
}

}  // namespace

std::error_code HttpServer::start() {
  if (!impl_->options.tls_cert_file.empty() || !impl_->options.tls_key_file.empty()) {
    if (auto tec = makeTlsContext(impl_->options, &impl_->tls)) return tec;
  }
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
  std::set<std::shared_ptr<SessionBase>> live;
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
