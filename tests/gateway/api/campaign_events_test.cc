// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// GET /v1/campaigns/{id}/events (api/campaign_events.h) over real sockets: the API as the
// daemon mounts it (ApiHarness's router behind a real HttpServer on 127.0.0.1, a real SQLite
// file), a client reading the raw HTTP/1.1 stream while the campaign's counts change in the
// store, the refusals that must come before any streaming (401, 404 for another tenant's id,
// 429 past the per-token limit), the end of the stream when the server stops, and, on a hub
// with small limits and a long poll interval, one store read for many watchers, the
// keep-alive, the gateway-wide limit (503) and the end of every stream when the hub goes.
#include "api/campaign_events.h"

#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "api/http_server.h"
#include "api_test_support.h"
#include "http_client.h"
#include "store/sqlite_outbox_store.h"

namespace liaison::gateway::api {
namespace {

using nlohmann::json;
using testing::ApiHarness;

// Generous: machines are noisy; nothing here asserts a duration.
constexpr auto kPatience = std::chrono::seconds(30);

// A raw HTTP/1.1 client that keeps reading a streamed response.
class StreamClient {
 public:
  StreamClient(std::uint16_t port, const std::string& path, const std::string& bearer) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    std::string req =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    if (!bearer.empty()) req += "Authorization: Bearer " + bearer + "\r\n";
    req += "\r\n";
    if (::write(fd_, req.data(), req.size()) != static_cast<ssize_t>(req.size())) hangUp();
  }
  ~StreamClient() { hangUp(); }
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  void hangUp() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Reads until `done(received)` holds, the server closes, or kPatience passes.
  bool readUntil(const std::function<bool(const std::string&)>& done) {
    const auto until = std::chrono::steady_clock::now() + kPatience;
    while (!done(received_)) {
      if (fd_ < 0 || closed_ || std::chrono::steady_clock::now() > until) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) {
        closed_ = true;
        continue;
      }
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  bool contains(const std::string& s) {
    return readUntil([&](const std::string& r) { return r.find(s) != std::string::npos; });
  }
  // True once the server has closed the connection.
  bool waitClosed() {
    readUntil([&](const std::string&) { return closed_; });
    return closed_;
  }

  const std::string& received() const { return received_; }
  int status() const {
    if (received_.size() < 12 || received_.compare(0, 9, "HTTP/1.1 ") != 0) return 0;
    return std::stoi(received_.substr(9, 3));
  }
  // The data of every "progress" event so far, parsed.
  std::vector<json> progress() const {
    std::vector<json> out;
    const std::string marker = "event: progress\n";
    for (std::size_t at = received_.find(marker); at != std::string::npos;
         at = received_.find(marker, at + 1)) {
      const std::size_t data = received_.find("data: ", at);
      const std::size_t end = received_.find("\n\n", data);
      if (data == std::string::npos || end == std::string::npos) break;
      out.push_back(json::parse(received_.substr(data + 6, end - data - 6)));
    }
    return out;
  }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string received_;
};

// A started notice campaign to 3 contacts of `tenant`; returns its id.
std::string startedCampaign(ApiHarness& api, const std::string& tenant) {
  for (int i = 0; i < 3; ++i) {
    auto c = api.callAs(tenant, Role::Admin, "POST", "/v1/contacts",
                        {{"phone", "+491511234560" + std::to_string(i)}, {"language", "en"}});
    EXPECT_EQ(c.status, 201) << c.body;
  }
  json segment = json::parse(
      R"({"name": "all", "filter": {"condition": {"field": "language", "op": "EQUALS",
          "values": ["en"]}}})");
  auto s = api.callAs(tenant, Role::Admin, "POST", "/v1/segments", segment);
  EXPECT_EQ(s.status, 201) << s.body;
  auto c = api.callAs(tenant, Role::Admin, "POST", "/v1/campaigns",
                      testing::noticeJson("notice", s.json.value("id", 0)));
  EXPECT_EQ(c.status, 201) << c.body;
  const std::string id = c.json.value("id", "");
  auto started = api.callAs(tenant, Role::Admin, "POST", "/v1/campaigns/" + id + "/start");
  EXPECT_EQ(started.status, 200) << started.body;
  return id;
}

std::vector<std::int64_t> messageIds(ApiHarness& api, const std::string& tenant,
                                     const std::string& campaign) {
  auto page =
      api.callAs(tenant, Role::Admin, "GET", "/v1/campaigns/" + campaign + "/messages?limit=10");
  std::vector<std::int64_t> ids;
  for (const auto& m : page.json["items"]) ids.push_back(m.value("id", std::int64_t{0}));
  return ids;
}

// Whether some progress event so far satisfies `pred`.
bool sawProgress(StreamClient& client, const std::function<bool(const json&)>& pred) {
  return client.readUntil([&](const std::string&) {
    for (const json& e : client.progress()) {
      if (pred(e)) return true;
    }
    return false;
  });
}

class CampaignEventsTest : public ::testing::Test {
 protected:
  void serve(HttpHandler handler) {
    server_ = std::make_unique<HttpServer>(ioc_, HttpServerOptions{}, std::move(handler));
    ASSERT_FALSE(server_->start());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  void stopServer() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  void TearDown() override { stopServer(); }
  std::uint16_t port() const { return server_->port(); }

  ApiHarness api_;
  boost::asio::io_context ioc_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(CampaignEventsTest, StreamsTheFunnelAsItChangesAndEndsWhenTheServerStops) {
  const std::string id = startedCampaign(api_, "tenant-a");
  const std::vector<std::int64_t> ids = messageIds(api_, "tenant-a", id);
  ASSERT_EQ(ids.size(), 3u);
  serve(api_.handler());

  StreamClient client(port(), "/v1/campaigns/" + id + "/events",
                      api_.token("tenant-a", Role::Analyst));
  ASSERT_TRUE(sawProgress(client, [](const json& e) { return e["delivery"]["total"] == 3; }))
      << client.received();
  EXPECT_EQ(client.status(), 200);
  EXPECT_NE(client.received().find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(client.received().find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(client.received().find("retry: 3000\n\n"), std::string::npos);
  const json first = client.progress().front();
  EXPECT_EQ(first["campaign_id"], id);
  EXPECT_EQ(first["state"], "CAMPAIGN_STATE_RUNNING");
  EXPECT_EQ(first["delivery"]["queued"], 3);
  EXPECT_EQ(first["delivery"]["failed"], 0);
  EXPECT_TRUE(first["sessions"].contains("responded"));
  // Counts only: no phone number reaches the stream.
  EXPECT_EQ(client.received().find("+49151"), std::string::npos);

  // The counts change in the store while the client reads: the next event says so.
  {
    std::lock_guard lock(api_.mutex());
    store::SqliteOutboxStore outbox(api_.store().database());
    store::Transition t{};
    ASSERT_FALSE(outbox.markFailed(ids[0], "test_failure", api_.nowS(), &t));
    ASSERT_FALSE(outbox.markExpired(ids[1], api_.nowS(), &t));
  }
  ASSERT_TRUE(sawProgress(client, [](const json& e) {
    return e["delivery"]["failed"] == 1 && e["delivery"]["expired"] == 1 &&
           e["delivery"]["queued"] == 1;
  })) << client.received();
  // Only changes are sent: no two consecutive events carry the same counts.
  const std::vector<json> events = client.progress();
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_NE(events[i], events[i - 1]);

  // A second watcher of the same campaign gets the current state at once.
  StreamClient second(port(), "/v1/campaigns/" + id + "/events",
                      api_.token("tenant-a", Role::Officer));
  ASSERT_TRUE(sawProgress(second, [](const json& e) { return e["delivery"]["failed"] == 1; }));

  // The server stops: both streams end with the last chunk, not a hang.
  server_->stop();
  EXPECT_TRUE(client.waitClosed());
  EXPECT_TRUE(second.waitClosed());
  EXPECT_NE(client.received().rfind("0\r\n\r\n"), std::string::npos);
}

TEST_F(CampaignEventsTest, RefusalsComeBeforeAnyStreaming) {
  const std::string a = startedCampaign(api_, "tenant-a");
  const std::string b = startedCampaign(api_, "tenant-b");
  serve(api_.handler());
  using liaison::testing::httpRequest;
  const std::string path_a = "/v1/campaigns/" + a + "/events";
  const std::string bearer = "Authorization: Bearer " + api_.token("tenant-a", Role::Auditor);

  auto none = httpRequest("GET", port(), path_a);
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body.find("unauthorized"), std::string::npos);
  EXPECT_EQ(none.headers.find("text/event-stream"), std::string::npos);

  auto foreign = httpRequest("GET", port(), "/v1/campaigns/" + b + "/events", {}, {bearer});
  EXPECT_EQ(foreign.status, 404);
  EXPECT_NE(foreign.body.find("not_found"), std::string::npos);
  EXPECT_EQ(foreign.headers.find("text/event-stream"), std::string::npos);
  EXPECT_EQ(httpRequest("GET", port(), "/v1/campaigns/nope/events", {}, {bearer}).status, 404);
  EXPECT_EQ(httpRequest("GET", port(), path_a + "?x=1", {}, {bearer}).status, 400);

  auto head = httpRequest("HEAD", port(), path_a, {}, {bearer});
  EXPECT_EQ(head.status, 200);
  EXPECT_NE(head.headers.find("text/event-stream"), std::string::npos);

  // Eight streams per token; the ninth is refused with 429 and Retry-After.
  const std::string token = api_.token("tenant-a", Role::Auditor);
  std::vector<std::unique_ptr<StreamClient>> open;
  for (int i = 0; i < 8; ++i) {
    open.push_back(std::make_unique<StreamClient>(port(), path_a, token));
    ASSERT_TRUE(open.back()->contains("retry: 3000")) << i;
  }
  auto ninth = httpRequest("GET", port(), path_a, {}, {bearer});
  EXPECT_EQ(ninth.status, 429);
  EXPECT_NE(ninth.body.find("rate_limited"), std::string::npos);
  EXPECT_NE(ninth.headers.find("Retry-After:"), std::string::npos);
  // Another token is not affected.
  StreamClient other(port(), path_a, api_.token("tenant-a", Role::Admin));
  EXPECT_TRUE(other.contains("event: progress"));
  // A client that hangs up gives its slot back.
  open.front()->hangUp();
  bool admitted = false;
  for (int i = 0; i < 300 && !admitted; ++i) {
    StreamClient again(port(), path_a, token);
    again.readUntil([](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; });
    admitted = again.status() == 200;
    if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(admitted);
}

// A hub of its own, mounted alone behind the API's authenticator, with a poll interval too
// long to matter: every read it does is one a watcher caused.
TEST_F(CampaignEventsTest, ManyWatchersCostOneReadAndTheHubEndsItsStreams) {
  const std::string id = startedCampaign(api_, "tenant-a");
  CampaignEventsOptions options;
  options.poll_interval = std::chrono::hours(1);
  options.heartbeat = std::chrono::milliseconds(50);
  options.max_streams = 3;
  auto hub = std::make_unique<CampaignEvents>(api_.store().database(), api_.mutex(),
                                              api_.dir().file("liaison.db"), options);
  auto table = std::make_shared<RouteTable>();
  table->add(hub->route());
  serve(makeDispatcher(table, &api_.api().authenticator(), [this] { return api_.nowMs(); }));

  const std::string path = "/v1/campaigns/" + id + "/events";
  std::vector<std::unique_ptr<StreamClient>> watchers;
  for (Role role : {Role::Admin, Role::Officer, Role::Analyst}) {
    watchers.push_back(std::make_unique<StreamClient>(port(), path, api_.token("tenant-a", role)));
    ASSERT_TRUE(watchers.back()->contains("event: progress")) << roleName(role);
  }
  EXPECT_EQ(hub->storeReads(), 1u);
  EXPECT_EQ(hub->streamCount(), 3u);
  for (auto& w : watchers) EXPECT_TRUE(w->contains(": keep-alive\n\n"));

  // Past the gateway-wide limit: 503, whoever asks.
  auto fourth = liaison::testing::httpRequest(
      "GET", port(), path, {}, {"Authorization: Bearer " + api_.token("tenant-a", Role::Auditor)});
  EXPECT_EQ(fourth.status, 503);
  EXPECT_NE(fourth.headers.find("Retry-After:"), std::string::npos);

  // The hub goes (the RestApi being destroyed): every stream ends.
  hub.reset();
  for (auto& w : watchers) EXPECT_TRUE(w->waitClosed());
}

}  // namespace
}  // namespace liaison::gateway::api
