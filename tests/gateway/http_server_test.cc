// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// HttpServer over real sockets on 127.0.0.1 with libcurl as the client.
#include "api/http_server.h"

#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "http_client.h"
#include "temp_dir.h"
#include "tls_cert.h"

namespace liaison::gateway::api {
namespace {

using liaison::testing::httpGet;
using liaison::testing::httpRequest;

class HttpServerTest : public ::testing::Test {
 protected:
  void startServer(HttpHandler handler, HttpServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(ioc_, options, std::move(handler));
    ASSERT_FALSE(server_->start());
    ASSERT_NE(server_->port(), 0);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  boost::asio::io_context ioc_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, PassesRequestToHandlerAndReturnsItsResponse) {
  startServer([](const HttpRequest& req) {
    HttpResponse r;
    r.status = 201;
    r.body = req.method + " " + std::string(req.path()) + " " + req.body + " " +
             std::string(req.header("x-Probe"));
    r.headers.emplace_back("X-Reply", "yes");
    return r;
  });
  auto res = httpRequest("POST", server_->port(), "/v1/things?x=1", "payload", {"X-Probe: 42"});
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.body, "POST /v1/things payload 42");
  EXPECT_NE(res.headers.find("X-Reply: yes"), std::string::npos);
}

TEST_F(HttpServerTest, OversizedBodyGets413AndServerKeepsServing) {
  HttpServerOptions options;
  options.body_limit = 1024;
  startServer(
      [](const HttpRequest&) {
        return HttpResponse{200, "text/plain", {}, "ok"};
      },
      options);
  auto big = httpRequest("POST", server_->port(), "/", std::string(4096, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(big.body.find("body_too_large"), std::string::npos);
  EXPECT_EQ(httpGet(server_->port(), "/").body, "ok");
}

TEST_F(HttpServerTest, ThrowingHandlerGives500WithoutDetails) {
  startServer([](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("secret detail +4915112345678");
  });
  auto res = httpGet(server_->port(), "/");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("4915112345678"), std::string::npos);
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
}

TEST_F(HttpServerTest, ManySequentialRequestsAreServed) {
  std::atomic<int> calls{0};
  startServer([&](const HttpRequest&) {
    ++calls;
    return HttpResponse{};
  });
  for (int i = 0; i < 50; ++i) ASSERT_EQ(httpGet(server_->port(), "/").status, 200);
  EXPECT_EQ(calls.load(), 50);
}

TEST_F(HttpServerTest, StopRefusesNewConnections) {
  startServer([](const HttpRequest&) { return HttpResponse{}; });
  const uint16_t port = server_->port();
  ASSERT_EQ(httpGet(port, "/").status, 200);
  server_->stop();
  thread_.join();  // run() returns once nothing is left to do
  EXPECT_EQ(httpGet(port, "/").status, 0);
}

// A raw client, for what libcurl hides: stop reading, hang up mid-response.
int connectTo(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Waits up to 10 s for `done`; the bound only keeps a broken build from hanging.
template <typename F>
bool eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST_F(HttpServerTest, DeferredResponseCompletedFromAnotherThreadIsSent) {
  std::vector<std::thread> workers;
  std::mutex mu;
  startServer([&](const HttpRequest& req) {
    return deferResponse([&, body = req.body](ResponseCallback done) {
      std::lock_guard lock(mu);
      workers.emplace_back([done = std::move(done), body] {
        HttpResponse r;
        r.status = 202;
        r.body = "later:" + body;
        done(r);
        done(HttpResponse{500, "text/plain", {}, "second call ignored"});
      });
    });
  });
  for (int i = 0; i < 20; ++i) {
    auto res = httpRequest("POST", server_->port(), "/", "n" + std::to_string(i));
    EXPECT_EQ(res.status, 202);
    EXPECT_EQ(res.body, "later:n" + std::to_string(i));
  }
  std::lock_guard lock(mu);
  for (auto& w : workers) w.join();
}

TEST_F(HttpServerTest, DeferredResponseNeverCompletedGets503AtTheRequestTimeout) {
  HttpServerOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  std::vector<ResponseCallback> kept;  // held, never called, until after the request
  std::mutex mu;
  startServer(
      [&](const HttpRequest&) {
        return deferResponse([&](ResponseCallback done) {
          std::lock_guard lock(mu);
          kept.push_back(std::move(done));
        });
      },
      options);
  auto res = httpGet(server_->port(), "/");
  EXPECT_EQ(res.status, 503);
  EXPECT_NE(res.body.find("timeout"), std::string::npos);
  std::lock_guard lock(mu);
  ASSERT_EQ(kept.size(), 1u);
  kept[0](HttpResponse{});  // too late: nothing happens, nothing crashes
}

TEST_F(HttpServerTest, StreamedResponseArrivesInChunksInOrder) {
  std::thread producer;
  startServer([&](const HttpRequest&) {
    HttpResponse r;
    r.content_type = "text/event-stream";
    r.headers.emplace_back("Cache-Control", "no-store");
    r.stream = [&](std::shared_ptr<ResponseStream> s) {
      producer = std::thread([s] {
        for (int i = 0; i < 100; ++i) EXPECT_TRUE(s->write("data: " + std::to_string(i) + "\n\n"));
        s->close();
        EXPECT_FALSE(s->open());
        EXPECT_FALSE(s->write("after close"));
      });
    };
    return r;
  });
  auto res = httpGet(server_->port(), "/events");
  producer.join();
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.headers.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(res.headers.find("text/event-stream"), std::string::npos);
  std::string want;
  for (int i = 0; i < 100; ++i) want += "data: " + std::to_string(i) + "\n\n";
  EXPECT_EQ(res.body, want);
}

TEST_F(HttpServerTest, StreamNoticesTheClientHangingUp) {
  std::promise<std::shared_ptr<ResponseStream>> got;
  startServer([&](const HttpRequest&) {
    HttpResponse r;
    r.content_type = "text/event-stream";
    r.stream = [&](std::shared_ptr<ResponseStream> s) { got.set_value(std::move(s)); };
    return r;
  });
  const int fd = connectTo(server_->port());
  ASSERT_GE(fd, 0);
  const std::string request = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  auto stream = got.get_future().get();
  EXPECT_TRUE(stream->write(": hello\n\n"));
  EXPECT_TRUE(stream->open());
  ::close(fd);
  EXPECT_TRUE(eventually([&] { return !stream->open(); }));
  EXPECT_TRUE(eventually([&] { return server_->connectionCount() == 0; }));
}

TEST_F(HttpServerTest, ReaderTooSlowForTheStreamBufferIsDisconnected) {
  HttpServerOptions options;
  options.stream_buffer_limit = 64 * 1024;
  std::promise<std::shared_ptr<ResponseStream>> got;
  startServer(
      [&](const HttpRequest&) {
        HttpResponse r;
        r.stream = [&](std::shared_ptr<ResponseStream> s) { got.set_value(std::move(s)); };
        return r;
      },
      options);
  const int fd = connectTo(server_->port());
  ASSERT_GE(fd, 0);
  const std::string request = "GET /export HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  auto stream = got.get_future().get();
  // The client reads nothing: the kernel's buffers fill, then the server's queue passes the limit.
  const std::string piece(16 * 1024, 'x');
  bool dropped = false;
  for (int i = 0; i < 100'000 && !dropped; ++i) {
    dropped = !stream->write(piece);
    if (i % 64 == 63) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(dropped || eventually([&] { return !stream->open(); }));
  EXPECT_TRUE(eventually([&] { return server_->connectionCount() == 0; }));
  ::close(fd);
}

TEST_F(HttpServerTest, StopEndsOpenStreams) {
  std::promise<std::shared_ptr<ResponseStream>> got;
  startServer([&](const HttpRequest&) {
    HttpResponse r;
    r.stream = [&](std::shared_ptr<ResponseStream> s) {
      s->write("first;");
      got.set_value(std::move(s));
    };
    return r;
  });
  auto client = std::async(std::launch::async, [port = server_->port()] {
    return httpGet(port, "/events");
  });
  auto stream = got.get_future().get();
  server_->stop();
  auto res = client.get();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "first;");  // the body ended with the last chunk, not a reset
  EXPECT_FALSE(stream->open());
}

TEST_F(HttpServerTest, ServesHttpsWithTheConfiguredCertificate) {
  liaison::testing::TempDir dir;
  ASSERT_TRUE(liaison::testing::makeCertificate(dir, "server"))
      << "the openssl command is needed (scripts/setup)";
  ASSERT_TRUE(liaison::testing::makeCertificate(dir, "stranger"));
  HttpServerOptions options;
  options.tls_cert_file = dir.file("server.pem");
  options.tls_key_file = dir.file("server.key");
  startServer(
      [](const HttpRequest& req) {
        if (req.path() == "/events") {
          HttpResponse r;
          r.stream = [](std::shared_ptr<ResponseStream> s) {
            s->write("one;");
            s->write("two;");
            s->close();
          };
          return r;
        }
        return HttpResponse{200, "text/plain", {}, "secret " + req.body};
      },
      options);
  const std::string ca = dir.file("server.pem");
  for (int i = 0; i < 3; ++i) {
    auto res = httpRequest("POST", server_->port(), "/", "hello", {}, ca);
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "secret hello");
  }
  auto streamed = httpRequest("GET", server_->port(), "/events", {}, {}, ca);
  EXPECT_EQ(streamed.status, 200);
  EXPECT_EQ(streamed.body, "one;two;");
  // Plain HTTP to the TLS port, and a client that trusts another certificate: no answer.
  EXPECT_EQ(httpGet(server_->port(), "/").status, 0);
  EXPECT_EQ(httpRequest("GET", server_->port(), "/", {}, {}, dir.file("stranger.pem")).status, 0);
  // The server goes on.
  EXPECT_EQ(httpRequest("GET", server_->port(), "/", {}, {}, ca).status, 200);
}

TEST(HttpServerTls, UnusableCertificateOrKeyFilesAreRefusedAtStart) {
  liaison::testing::TempDir dir;
  ASSERT_TRUE(liaison::testing::makeCertificate(dir, "a"));
  ASSERT_TRUE(liaison::testing::makeCertificate(dir, "b"));
  {
    std::ofstream garbage(dir.file("garbage.pem"));
    garbage << "not a PEM file";
  }
  boost::asio::io_context ioc;
  auto startWith = [&](const std::string& cert, const std::string& key) {
    HttpServerOptions options;
    options.tls_cert_file = cert;
    options.tls_key_file = key;
    HttpServer server(ioc, options, [](const HttpRequest&) { return HttpResponse{}; });
    return server.start();
  };
  EXPECT_EQ(startWith(dir.file("missing.pem"), dir.file("a.key")), HttpServerErrc::TlsCertificate);
  EXPECT_EQ(startWith(dir.file("garbage.pem"), dir.file("a.key")), HttpServerErrc::TlsCertificate);
  EXPECT_EQ(startWith(dir.file("a.pem"), dir.file("garbage.pem")), HttpServerErrc::TlsKey);
  EXPECT_EQ(startWith(dir.file("a.pem"), dir.file("b.key")), HttpServerErrc::TlsKey);
  const std::error_code ok = startWith(dir.file("a.pem"), dir.file("a.key"));
  EXPECT_FALSE(ok) << ok.message();
  // The messages say what is wrong with which file, not what is in it.
  EXPECT_NE(make_error_code(HttpServerErrc::TlsKey).message().find("matches the certificate"),
            std::string::npos);
}

TEST(HttpServerBind, BadAddressIsAnError) {
  boost::asio::io_context ioc;
  HttpServerOptions options;
  options.address = "not-an-address";
  HttpServer server(ioc, options, [](const HttpRequest&) { return HttpResponse{}; });
  EXPECT_TRUE(server.start());
}

}  // namespace
}  // namespace liaison::gateway::api
