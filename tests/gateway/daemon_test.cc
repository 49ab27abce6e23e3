// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The daemon end to end: real store file, real port, libcurl client, clean shutdown.
#include "daemon.h"

#include <gtest/gtest.h>

#include <future>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <fstream>
#include <iostream>

#include "api/auth.h"
#include "channels/smpp/smsc_simulator.h"
#include "cli/cli.h"
#include "cli/demo.h"
#include "http_client.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"
#include "tls_cert.h"

namespace liaison::gateway {
namespace {

using liaison::testing::httpGet;
using liaison::testing::httpRequest;
using liaison::testing::HttpResult;
using liaison::testing::TempDir;

// `liaison serve` in a thread of the test: started by the constructor, stopped by stop() (its
// exit code) or at the latest by the destructor.
class RunningDaemon {
 public:
  explicit RunningDaemon(const DaemonOptions& options) {
    std::promise<DaemonHandle> ready;
    auto future = ready.get_future();
    exit_code_ = std::async(std::launch::async, [&options, ready = std::move(ready)]() mutable {
      return runDaemon(options, [&](const DaemonHandle& h) { ready.set_value(h); });
    });
    if (future.wait_for(std::chrono::seconds(20)) == std::future_status::ready) {
      handle_ = future.get();
    }
  }
  ~RunningDaemon() {
    if (handle_ && exit_code_.valid()) stop();
  }
  RunningDaemon(const RunningDaemon&) = delete;
  RunningDaemon& operator=(const RunningDaemon&) = delete;

  bool started() const { return handle_.has_value(); }
  const DaemonHandle& handle() const { return *handle_; }
  // Stops it as SIGTERM would; its exit code, or -1 if it did not stop within 30 s.
  int stop() {
    handle_->stop();
    if (exit_code_.wait_for(std::chrono::seconds(30)) != std::future_status::ready) return -1;
    return exit_code_.get();
  }

 private:
  std::optional<DaemonHandle> handle_;
  std::future<int> exit_code_;
};

TEST(Daemon, ServesHealthReadinessVersionAndStopsCleanly) {
  TempDir dir;
  DaemonOptions options;
  options.config.server.port = 0;
  options.config.server.data_dir = dir.file("data");
  std::promise<std::pair<uint16_t, std::function<void()>>> ready;
  auto future = ready.get_future();
  auto exit_code = std::async(std::launch::async, [&] {
    return runDaemon(options, [&](const DaemonHandle& h) { ready.set_value({h.port, h.stop}); });
  });
  ASSERT_EQ(future.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto [port, stop] = future.get();

  EXPECT_EQ(httpGet(port, "/healthz").status, 200);
  auto readyz = httpGet(port, "/readyz");
  EXPECT_EQ(readyz.status, 200);
  EXPECT_NE(readyz.body.find("writable"), std::string::npos);
  EXPECT_NE(httpGet(port, "/v1/version").body.find("\"version\""), std::string::npos);
  EXPECT_EQ(httpGet(port, "/no/such/route").status, 404);
  EXPECT_EQ(httpRequest("DELETE", port, "/healthz").status, 405);

  stop();
  ASSERT_EQ(exit_code.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(exit_code.get(), 0);
  EXPECT_TRUE(std::filesystem::exists(dir.file("data/liaison.db")));
}

TEST(Daemon, ServesHttpsWithTheConfiguredCertificateAndRefusesAMismatchedKey) {
  TempDir dir;
  ASSERT_TRUE(liaison::testing::makeCertificate(dir, "gateway"))
      << "the openssl command is needed (scripts/setup)";
  ASSERT_TRUE(liaison::testing::makeCertificate(dir, "other"));
  DaemonOptions options;
  options.config.server.port = 0;
  options.config.server.data_dir = dir.file("data");
  options.config.server.tls_cert_file = dir.file("gateway.pem");
  options.config.server.tls_key_file = dir.file("gateway.key");
  RunningDaemon daemon(options);
  ASSERT_TRUE(daemon.started());
  const DaemonHandle& h = daemon.handle();
  const HttpResult health = httpRequest("GET", h.port, "/healthz", {}, {}, dir.file("gateway.pem"));
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(httpGet(h.port, "/healthz").status, 0);  // no plain HTTP beside it
  EXPECT_EQ(daemon.stop(), 0);

  options.config.server.tls_key_file = dir.file("other.key");
  EXPECT_EQ(runDaemon(options), 1);
}

TEST(Daemon, UnusableDataDirFailsWithExitCode1) {
  TempDir dir;
  {
    FILE* f = std::fopen(dir.file("a-file").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  DaemonOptions options;
  options.config.server.port = 0;
  options.config.server.data_dir = dir.file("a-file/sub");  // a path through a regular file
  EXPECT_EQ(runDaemon(options), 1);
}

// The daemon as configured in liaison.toml: an SMPP account at the simulator, the REST API
// behind a bootstrap token, the sync endpoint, metrics, and the inbound pipeline answering a
// HELP that arrives over SMPP.
TEST(Daemon, RunsAConfiguredSmppAccountWithApiSyncMetricsAndInbound) {
  TempDir dir;
  boost::asio::io_context sim_ioc;
  auto work = boost::asio::make_work_guard(sim_ioc);
  smpp::SmscSimulatorConfig sim_cfg;
  sim_cfg.receipt_delay = std::chrono::milliseconds(50);
  smpp::SmscSimulator sim(sim_ioc, sim_cfg);
  ASSERT_FALSE(sim.start());
  std::thread sim_thread([&] { sim_ioc.run(); });

  const std::string token(40, 'k');
  DaemonOptions options;
  config::Config& cfg = options.config;
  cfg.server.port = 0;
  cfg.server.data_dir = dir.file("data");
  cfg.api.bootstrap_admin_token = config::Secret(token, "test");
  config::TenantConfig tenant;
  tenant.id = "t1";
  tenant.languages = {"en"};
  cfg.tenants.push_back(tenant);
  config::SmppAccountConfig account;
  account.name = "sim";
  account.tenant = "t1";
  account.host = "127.0.0.1";
  account.port = sim.port();
  account.system_id = "test";
  account.password = config::Secret("pw", "test");
  account.source_addr = "CONSULATE";
  cfg.smpp.push_back(account);

  RunningDaemon daemon(options);
  ASSERT_TRUE(daemon.started());
  const DaemonHandle& h = daemon.handle();

  // Ready once the account is bound.
  HttpResult readyz;
  for (int i = 0; i < 200; ++i) {
    readyz = httpGet(h.port, "/readyz");
    if (readyz.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(readyz.status, 200) << readyz.body;
  EXPECT_NE(readyz.body.find("\"channels\":\"bound\""), std::string::npos) << readyz.body;

  // The API: no token, then the bootstrap admin token.
  EXPECT_EQ(httpGet(h.port, "/v1/contacts").status, 401);
  EXPECT_EQ(
      httpRequest("GET", h.port, "/v1/contacts", {}, {"Authorization: Bearer " + token}).status,
      200);
  // The sync endpoint and device routes are mounted (a bad request, not a 404).
  const HttpResult sync =
      httpRequest("POST", h.port, "/v1/sync", "garbage", {"Content-Type: application/x-protobuf"});
  EXPECT_GE(sync.status, 400);
  EXPECT_NE(sync.status, 404);
  EXPECT_EQ(httpGet(h.port, "/v1/devices").status, 401);
  const std::string openapi = httpGet(h.port, "/v1/openapi.json").body;
  EXPECT_NE(openapi.find("\"/v1/sync\""), std::string::npos);
  EXPECT_NE(openapi.find("\"/metrics\""), std::string::npos);

  // An MO over SMPP: HELP from a stranger lands in the inbox; HELP from a contact gets the
  // help text back over the same account.
  const std::string phone = "+33612345678";
  const HttpResult created =
      httpRequest("POST", h.port, "/v1/contacts", R"({"phone": "+33612345678", "language": "en"})",
                  {"Authorization: Bearer " + token, "Content-Type: application/json"});
  ASSERT_EQ(created.status, 201) << created.body;
  smpp::SmscSimulator::MobileOriginated mo;
  mo.source_addr = phone.substr(1);
  mo.destination_addr = "CONSULATE";
  mo.short_message = "HELP";
  ASSERT_TRUE(sim.sendMobileOriginated(mo));
  bool replied = false;
  for (int i = 0; i < 200 && !replied; ++i) {
    replied = sim.stats().accepted >= 1;
    if (!replied) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(replied) << "the help text was not sent back";

  // Metrics reflect all of it.
  HttpResult metrics;
  for (int i = 0; i < 100; ++i) {  // sampled once a second
    metrics = httpGet(h.port, "/metrics");
    if (metrics.body.find("status=\"delivered\"} 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(metrics.body.find("liaison_smpp_bound{channel=\"smpp:sim\",bind=\"0\"} 1"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("route=\"help\"} 1"), std::string::npos) << metrics.body;
  EXPECT_NE(
      metrics.body.find("liaison_send_outcomes_total{channel=\"smpp:sim\",status=\"submitted\"} 1"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("liaison_submit_latency_seconds_count{channel=\"smpp:sim\"} 1"),
            std::string::npos);
  // Its delivery receipt (sent by the simulator after 50 ms) reached the ledger.
  EXPECT_NE(
      metrics.body.find("liaison_send_outcomes_total{channel=\"smpp:sim\",status=\"delivered\"} 1"),
      std::string::npos)
      << metrics.body;
  // ... and its lag (submit accepted to receipt) is in the histogram.
  EXPECT_NE(metrics.body.find("liaison_receipt_lag_seconds_count{channel=\"smpp:sim\"} 1"),
            std::string::npos)
      << metrics.body;
  // No phone number in the metrics.
  EXPECT_EQ(metrics.body.find("33612345678"), std::string::npos);

  EXPECT_EQ(daemon.stop(), 0);
  sim.stop();
  work.reset();
  sim_thread.join();
}

TEST(Daemon, WebhookMessagesFromConcurrentRequestsAreAllStoredOnce) {
  TempDir dir;
  const std::string token(40, 'k');
  const std::string secret = "webhook-secret-0123456789";
  DaemonOptions options;
  config::Config& cfg = options.config;
  cfg.server.port = 0;
  cfg.server.data_dir = dir.file("data");
  cfg.api.bootstrap_admin_token = config::Secret(token, "test");
  cfg.api.rate_limit_per_second = 1e6;
  cfg.api.rate_limit_burst = 1'000'000;
  config::TenantConfig tenant;
  tenant.id = "t1";
  tenant.languages = {"en"};
  cfg.tenants.push_back(tenant);
  config::HttpAggregatorConfig agg;
  agg.name = "agg";
  agg.tenant = "t1";
  agg.url = "http://127.0.0.1:9/send";
  agg.json.auth = config::HttpAuth::None;
  agg.webhook_auth = config::WebhookAuth::Token;
  agg.webhook_secret = config::Secret(secret, "test");
  cfg.http.push_back(agg);

  RunningDaemon daemon(options);
  ASSERT_TRUE(daemon.started());
  const DaemonHandle& h = daemon.handle();

  auto deliver = [&](int n) {
    const std::string body = R"({"id": "prov-)" + std::to_string(n) + R"(", "from": "+336123)" +
                             std::to_string(40000 + n) + R"(", "text": "question )" +
                             std::to_string(n) + R"("})";
    return httpRequest("POST", h.port, "/webhooks/agg/inbound", body,
                       {"Content-Type: application/json", "X-Liaison-Token: " + secret});
  };
  constexpr int kThreads = 16;
  constexpr int kEach = 10;
  std::vector<std::future<int>> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.push_back(std::async(std::launch::async, [&, t] {
      int ok = 0;
      for (int i = 0; i < kEach; ++i) ok += deliver(t * kEach + i).status == 200 ? 1 : 0;
      return ok;
    }));
  }
  int ok = 0;
  for (auto& s : senders) ok += s.get();
  EXPECT_EQ(ok, kThreads * kEach);
  // Redeliveries are acknowledged and change nothing.
  for (int n = 0; n < 5; ++n) EXPECT_EQ(deliver(n).status, 200);
  const HttpResult inbox = httpRequest("GET", h.port, "/v1/inbox?limit=500", {},
                                       {"Authorization: Bearer " + token});
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  std::size_t items = 0;
  for (std::size_t at = inbox.body.find("\"received_at\""); at != std::string::npos;
       at = inbox.body.find("\"received_at\"", at + 1)) {
    ++items;
  }
  EXPECT_EQ(items, static_cast<std::size_t>(kThreads * kEach));
  // A bad token is refused and stores nothing.
  EXPECT_EQ(httpRequest("POST", h.port, "/webhooks/agg/inbound",
                        R"({"id": "x", "from": "+33612349999", "text": "hi"})",
                        {"Content-Type: application/json", "X-Liaison-Token: wrong"})
                .status,
            401);

  EXPECT_EQ(daemon.stop(), 0);
}

// A channel sends only its own tenant's messages: tenant t2's account cannot bind, and t1's
// account, which can, must leave t2's messages alone (its sender id is t1's).
TEST(Daemon, EachAccountSendsOnlyItsTenantsMessages) {
  TempDir dir;
  boost::asio::io_context sim_ioc;
  auto work = boost::asio::make_work_guard(sim_ioc);
  smpp::SmscSimulator sim(sim_ioc, smpp::SmscSimulatorConfig{});
  ASSERT_FALSE(sim.start());
  std::thread sim_thread([&] { sim_ioc.run(); });

  const std::string token(40, 'k');
  DaemonOptions options;
  config::Config& cfg = options.config;
  cfg.server.port = 0;
  cfg.server.data_dir = dir.file("data");
  cfg.api.bootstrap_admin_token = config::Secret(token, "test");
  for (const char* id : {"t1", "t2"}) {
    config::TenantConfig tenant;
    tenant.id = id;
    tenant.languages = {"en"};
    cfg.tenants.push_back(tenant);
  }
  config::SmppAccountConfig a1;
  a1.name = "a1";
  a1.tenant = "t1";
  a1.host = "127.0.0.1";
  a1.port = sim.port();
  a1.system_id = "t1";
  a1.password = config::Secret("pw", "test");
  a1.source_addr = "TENANT1";
  cfg.smpp.push_back(a1);
  config::SmppAccountConfig a2 = a1;
  a2.name = "a2";
  a2.tenant = "t2";
  a2.port = 9;  // nothing listens: this account never binds
  a2.source_addr = "TENANT2";
  cfg.smpp.push_back(a2);

  RunningDaemon daemon(options);
  ASSERT_TRUE(daemon.started());
  const DaemonHandle& h = daemon.handle();
  for (int i = 0; i < 200 && httpGet(h.port, "/readyz").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  // t2's token, made in the store file beside the running daemon (as `liaison tokens create`).
  std::string t2_token;
  {
    auto store = store::SqliteStore::open(dir.file("data/liaison.db"));
    api::SqliteTokenStore tokens(store->database());
    api::IssuedToken issued;
    ASSERT_FALSE(api::issueToken(tokens, {"t2", "test", api::Role::Officer, std::nullopt}, 0,
                                 &issued));
    t2_token = issued.token;
  }
  auto send = [&](const std::string& bearer, const std::string& phone) {
    const std::vector<std::string> headers = {"Authorization: Bearer " + bearer,
                                              "Content-Type: application/json"};
    EXPECT_EQ(httpRequest("POST", h.port, "/v1/contacts", R"({"phone": ")" + phone + R"("})",
                          headers)
                  .status,
              201);
    for (int i = 0; i < 3; ++i) {
      const HttpResult sent = httpRequest(
          "POST", h.port, "/v1/messages",
          R"({"to": ")" + phone + R"(", "text": "note )" + std::to_string(i) + R"("})", headers);
      EXPECT_EQ(sent.status, 202) << sent.body;
    }
  };
  send(t2_token, "+33612340002");  // first, so an unscoped claim would surely find them
  send(token, "+33612340001");
  bool sent = false;
  for (int i = 0; i < 200 && !sent; ++i) {
    sent = sim.stats().accepted >= 3;
    if (!sent) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(sent);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a few dispatcher ticks more
  EXPECT_EQ(sim.stats().accepted, 3u) << "t1's account sent another tenant's messages";

  EXPECT_EQ(daemon.stop(), 0);
  sim.stop();
  work.reset();
  sim_thread.join();
}

TEST(Daemon, BadConfigurationIsRefusedBeforeAnythingStarts) {
  TempDir dir;
  const std::string path = dir.file("liaison.toml");
  {
    std::ofstream f(path);
    f << "[server]\nport = 70000\n[[tenants]]\nid = \"t1\"\n[api]\nbootstrap_admin_token = \"x\"\n";
  }
  std::ostringstream err;
  auto* old = std::cerr.rdbuf(err.rdbuf());
  const char* argv[] = {"liaison", "serve", "--config", path.c_str()};
  const int rc = cli::run(4, const_cast<char**>(argv));
  std::cerr.rdbuf(old);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.str().find("server.port"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("api.bootstrap_admin_token"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("nothing was started"), std::string::npos) << err.str();
  EXPECT_FALSE(std::filesystem::exists(dir.file("liaison-data")));
}

// The README's main job, small: the simulated people answer a three-question poll.
TEST(Demo, RunsAPollEndToEnd) {
  std::ostringstream out;
  cli::DemoOptions options;
  options.contacts = 40;
  options.keep_running = false;
  options.min_answer_delay = std::chrono::milliseconds(20);
  options.max_answer_delay = std::chrono::milliseconds(200);
  options.timeout = std::chrono::seconds(120);
  EXPECT_EQ(cli::runDemo(options, out), 0) << out.str();
  const std::string text = out.str();
  EXPECT_NE(text.find("40 imported, 0 rejected"), std::string::npos) << text;
  EXPECT_NE(text.find("Results (40 people asked)"), std::string::npos) << text;
  EXPECT_NE(text.find("service (single_choice"), std::string::npos) << text;
  EXPECT_NE(text.find("Demo finished."), std::string::npos) << text;
  // Delivery receipts came back and were acknowledged.
  EXPECT_EQ(text.find("(0 acknowledged)"), std::string::npos) << text;
}

}  // namespace
}  // namespace liaison::gateway
