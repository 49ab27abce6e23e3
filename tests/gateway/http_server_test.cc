// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// HttpServer over real sockets on 127.0.0.1 with libcurl as the client.
#include "api/http_server.h"

#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <thread>

#include "http_client.h"

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

TEST(HttpServerBind, BadAddressIsAnError) {
  boost::asio::io_context ioc;
  HttpServerOptions options;
  options.address = "not-an-address";
  HttpServer server(ioc, options, [](const HttpRequest&) { return HttpResponse{}; });
  EXPECT_TRUE(server.start());
}

}  // namespace
}  // namespace liaison::gateway::api
