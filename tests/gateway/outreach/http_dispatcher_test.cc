// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The outbox Dispatcher sending through an HttpChannel: a real SQLite ledger, real libcurl and
// the project's HttpServer on 127.0.0.1 playing the aggregator, with an injected clock for the
// ledger. Covered: the JSON profile's ids recorded at submit and a signed delivery webhook
// moving the rows to delivered / failed; Kannel (no ids) recorded by the row id, which its
// dlr-url echoes back; 429 + Retry-After requeued for later and sent then (never failed for
// it); a timeout after the request went out: unknown for never-resend, resent for
// at-least-once; stop handing the channel's queued rows back to the ledger. The channel
// configs come from outreach::httpChannelConfig (the daemon's mapping) where the test needs no
// finer control. Last, the daemon with only an HTTP channel configured: ready, sending, the
// delivery webhook route settling the row, metrics labelled "http:<name>".
#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/http_server.h"
#include "channels/http/webhooks.h"
#include "daemon.h"
#include "http_client.h"
#include "outreach/delivery_reports.h"
#include "outreach/dispatcher.h"
#include "outreach/http_channel_config.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::outreach {
namespace {

using namespace std::chrono_literals;
using store::OutboxMessage;
using store::OutboxPriority;
using store::OutboxState;
using store::ResendPolicy;

constexpr auto kWait = 20s;
constexpr std::int64_t kNow = 1'781'517'600;  // 2026-06-15 10:00 UTC
constexpr char kApiKey[] = "aggregator-api-key-123";
constexpr char kWebhookSecret[] = "webhook-secret-0123456789abcdef";

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = kWait) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// An io_context run by `n` threads until destruction.
class IoThreads {
 public:
  explicit IoThreads(int n) : guard_(boost::asio::make_work_guard(ioc_)) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~IoThreads() {
    guard_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }
  boost::asio::io_context& ioc() { return ioc_; }

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

// The aggregator: the project's HttpServer on its own threads, recording every request and
// answering with `respond` (which may block: the timeout test holds a request past the
// channel's limit).
class Aggregator {
 public:
  using Respond = std::function<api::HttpResponse(const api::HttpRequest&)>;
  explicit Aggregator(Respond respond)
      : io_(3),
        respond_(std::move(respond)),
        server_(io_.ioc(), {}, [this](const api::HttpRequest& r) { return handle(r); }) {
    if (const std::error_code ec = server_.start()) {
      throw std::runtime_error("aggregator start: " + ec.message());
    }
  }
  ~Aggregator() {
    server_.stop();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (server_.connectionCount() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }
  std::vector<api::HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  api::HttpResponse handle(const api::HttpRequest& r) {
    {
      std::lock_guard lock(mu_);
      requests_.push_back(r);
    }
    return respond_(r);
  }

  IoThreads io_;
  Respond respond_;
  std::mutex mu_;
  std::vector<api::HttpRequest> requests_;
  api::HttpServer server_;
};

api::HttpResponse answer(int status, std::string body, std::string content_type,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
  api::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  r.headers = std::move(headers);
  return r;
}

// Our ref ("ref" in the JSON body the test's template sends), or 0.
std::int64_t refOf(const api::HttpRequest& r) {
  const auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("ref") || !doc["ref"].is_string()) return 0;
  return std::stoll(doc["ref"].get<std::string>());
}

std::size_t countRef(const std::vector<api::HttpRequest>& requests, std::int64_t ref) {
  std::size_t n = 0;
  for (const auto& r : requests) n += refOf(r) == ref ? 1 : 0;
  return n;
}

// The [[channels.http]] entry of a JSON aggregator, as the daemon reads it.
config::HttpAggregatorConfig jsonAggregator(const std::string& url) {
  config::HttpAggregatorConfig h;
  h.name = "agg";
  h.tenant = "t1";
  h.profile = config::HttpProfile::Json;
  h.url = url;
  h.password = config::Secret(kApiKey, "test");
  h.source_addr = "Consulate";
  h.webhook_auth = config::WebhookAuth::HmacSha256;
  h.webhook_secret = config::Secret(kWebhookSecret, "test");
  h.json.body = {{"to", "{to}"}, {"text", "{text}"}, {"ref", "{ref}"}};
  h.json.message_id_pointer = "/id";
  return h;
}

// A JSON channel with test-sized limits.
http::HttpChannelConfig jsonChannel(const std::string& url) {
  http::HttpChannelConfig c = httpChannelConfig(jsonAggregator(url), "");
  c.connect_timeout = 2s;
  c.request_timeout = 5s;
  c.stop_drain_timeout = 2s;
  c.max_connection_idle = 1s;
  return c;
}

class HttpDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = store::SqliteStore::open(dir_.file("g.db"));
    contacts_ = std::make_unique<store::SqliteContactStore>(db_->database());
    outbox_ = std::make_unique<store::SqliteOutboxStore>(db_->database());
  }

  void TearDown() override {
    if (dispatcher_ && !dispatcher_->stats().stopped) {
      EXPECT_FALSE(stop());
    }
    dispatcher_.reset();
    std::this_thread::sleep_for(50ms);  // the channel's teardown runs on its strand
  }

  static DispatcherConfig dispatcherConfig(const std::string& channel = "http:agg") {
    DispatcherConfig c;
    c.channel_name = channel;
    c.busy_interval = 10ms;
    c.idle_interval = 50ms;
    c.store_retry_interval = 100ms;
    return c;
  }

  Dispatcher& startDispatcher(http::HttpChannelConfig channel,
                              DispatcherConfig config = dispatcherConfig()) {
    DispatcherHooks hooks;
    hooks.clock = [this] { return now_.load(); };
    dispatcher_ = std::make_unique<Dispatcher>(io_.ioc(), *outbox_, store_mu_, std::move(channel),
                                               std::move(config), std::move(hooks));
    EXPECT_FALSE(dispatcher_->start());
    return *dispatcher_;
  }

  std::error_code stop() {
    auto done = std::make_shared<std::promise<std::error_code>>();
    dispatcher_->stop([done](std::error_code ec) { done->set_value(ec); });
    auto f = done->get_future();
    if (f.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "stop never completed";
      return std::make_error_code(std::errc::timed_out);
    }
    return f.get();
  }

  // A contact and one queued message to it; returns the outbox id.
  std::int64_t notice(int n, const std::string& body,
                      ResendPolicy policy = ResendPolicy::AtLeastOnce) {
    const std::string phone = "+49151000000" + std::to_string(10 + n);
    std::lock_guard lock(store_mu_);
    store::Contact c;
    c.tenant_id = "t1";
    c.phone_e164 = phone;
    c.language = "de";
    store::UpsertOutcome outcome{};
    EXPECT_FALSE(contacts_->upsert(c, store::ContactUpdate{}, kNow - 1000, &outcome));
    store::Contact got;
    EXPECT_FALSE(contacts_->find("t1", phone, &got));
    store::NewOutboxMessage m;
    m.tenant_id = "t1";
    m.campaign_id = "c1";
    m.contact_id = got.id;
    m.step = body;
    m.to_e164 = phone;
    m.body = body;
    m.language = "de";
    m.priority = OutboxPriority::Bulk;
    m.resend_policy = policy;
    m.not_before = kNow;
    store::EnqueueCounts counts;
    EXPECT_FALSE(outbox_->enqueueBatch(std::span(&m, 1), kNow, &counts));
    EXPECT_EQ(counts.inserted, 1);
    std::error_code ec;
    auto s = db_->database().prepare("SELECT id FROM outbox WHERE step = ?1", &ec);
    EXPECT_FALSE(ec);
    s->bind(1, std::string_view(body));
    bool row = false;
    EXPECT_FALSE(s->step(&row));
    EXPECT_TRUE(row);
    return row ? s->int64(0) : 0;
  }

  OutboxMessage row(std::int64_t id) {
    std::lock_guard lock(store_mu_);
    OutboxMessage m;
    EXPECT_FALSE(outbox_->get(id, &m));
    return m;
  }

  bool waitState(std::int64_t id, OutboxState state) {
    const bool ok = eventually([&] { return row(id).state == state; });
    if (!ok) {
      ADD_FAILURE() << "row never reached state " << static_cast<int>(state) << ", is "
                    << static_cast<int>(row(id).state);
    }
    return ok;
  }

  // The delivery sink: the ledger by (channel, provider id), final states only.
  std::error_code applyReports(const std::vector<http::DeliveryReport>& batch) {
    std::lock_guard lock(store_mu_);
    return applyDeliveryReports(*outbox_, batch, kNow);
  }

  std::unique_ptr<http::WebhookEndpoint> webhook(http::WebhookFormat format,
                                                 const std::string& channel) {
    http::WebhookConfig wc;
    wc.tenant_id = "t1";
    wc.channel = channel;
    wc.format = format;
    wc.auth.mode = format == http::WebhookFormat::Kannel ? http::WebhookAuthMode::Token
                                                         : http::WebhookAuthMode::HmacSha256;
    wc.auth.secret = kWebhookSecret;
    wc.clock = [] { return kNow; };
    return std::make_unique<http::WebhookEndpoint>(
        std::move(wc), [](const std::vector<http::InboundSms>&) { return std::error_code{}; },
        [this](const std::vector<http::DeliveryReport>& b) { return applyReports(b); });
  }

  liaison::testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> db_;
  std::unique_ptr<store::SqliteContactStore> contacts_;
  std::unique_ptr<store::SqliteOutboxStore> outbox_;
  std::mutex store_mu_;
  std::atomic<std::int64_t> now_{kNow};
  IoThreads io_{2};
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(HttpDispatcherTest, JsonIdsAreRecordedAndTheDeliveryWebhookSettlesTheRows) {
  Aggregator agg([](const api::HttpRequest& r) {
    return answer(200, R"({"id":"agg-)" + std::to_string(refOf(r)) + R"("})", "application/json");
  });
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(notice(i, "Consulate notice " + std::to_string(i)));
  Dispatcher& d = startDispatcher(jsonChannel(agg.url("/v1/sms")));
  EXPECT_TRUE(d.channelReady());
  for (std::int64_t id : ids) ASSERT_TRUE(waitState(id, OutboxState::Submitted));
  for (std::int64_t id : ids) {
    const OutboxMessage m = row(id);
    EXPECT_EQ(m.channel, "http:agg");
    EXPECT_EQ(m.provider_ids, std::vector<std::string>{"agg-" + std::to_string(id)});
  }
  // What reached the aggregator: the mapped body template and the bearer credential.
  const auto requests = agg.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.header("Authorization"), std::string("Bearer ") + kApiKey);
    const auto doc = nlohmann::json::parse(r.body);
    EXPECT_EQ(doc["to"].get<std::string>().rfind("+491510000001", 0), 0u) << r.body;
    EXPECT_EQ(doc["text"].get<std::string>().rfind("Consulate notice ", 0), 0u);
  }

  // The aggregator's signed delivery callback: one delivered, one undeliverable, one still
  // en route (not final: the row stays submitted).
  auto ep = webhook(http::WebhookFormat::Json, "http:agg");
  const std::string body = R"([{"id":"agg-)" + std::to_string(ids[0]) +
                           R"(","status":"delivered"},{"id":"agg-)" + std::to_string(ids[1]) +
                           R"(","status":"undelivered"},{"id":"agg-)" + std::to_string(ids[2]) +
                           R"(","status":"enroute"}])";
  const std::string stamp = std::to_string(kNow);
  api::HttpRequest req;
  req.method = "POST";
  req.target = "/webhooks/agg/delivery";
  req.body = body;
  req.headers = {
      {"X-Liaison-Timestamp", stamp},
      {"X-Liaison-Signature", "sha256=" + http::webhookSignature(kWebhookSecret, stamp, body)}};
  EXPECT_EQ(ep->handleDeliveryReport(req).status, 200);
  EXPECT_EQ(row(ids[0]).state, OutboxState::Delivered);
  EXPECT_EQ(row(ids[1]).state, OutboxState::Failed);
  EXPECT_EQ(row(ids[1]).failure_code, "undeliverable");
  EXPECT_EQ(row(ids[2]).state, OutboxState::Submitted);

  const DispatcherStats s = d.stats();
  EXPECT_EQ(s.submitted, 3u);
  EXPECT_EQ(s.row_errors, 0u);
  ASSERT_TRUE(d.httpChannelStats().has_value());
  EXPECT_EQ(d.httpChannelStats()->submitted, 3u);
  EXPECT_TRUE(d.channelStats().binds.empty());
}

TEST_F(HttpDispatcherTest, KannelRowsAreRecordedByTheirIdWhichTheDlrUrlEchoes) {
  Aggregator agg([](const api::HttpRequest&) {
    return answer(202, "0: Accepted for delivery", "text/plain");
  });
  config::HttpAggregatorConfig k;
  k.name = "kannel";
  k.tenant = "t1";
  k.profile = config::HttpProfile::Kannel;
  k.url = agg.url("/cgi-bin/sendsms");
  k.username = "liaison";
  k.password = config::Secret("kannel-password", "test");
  k.webhook_auth = config::WebhookAuth::Token;
  k.webhook_secret = config::Secret(kWebhookSecret, "test");
  http::HttpChannelConfig channel = httpChannelConfig(k, "http://127.0.0.1:9/");
  channel.request_timeout = 5s;
  const std::int64_t id = notice(1, "Kannel notice");
  startDispatcher(std::move(channel), dispatcherConfig("http:kannel"));
  ASSERT_TRUE(waitState(id, OutboxState::Submitted));
  EXPECT_EQ(row(id).provider_ids, std::vector<std::string>{std::to_string(id)});

  // The dlr-url Kannel was given points at the channel's delivery webhook, with its token
  // and our ref; Kannel fills in %d (the report type) and %T.
  const auto requests = agg.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string target = requests[0].target;
  std::vector<http::FormField> fields;
  ASSERT_FALSE(
      http::parseForm(target.substr(target.find('?') + 1), http::WebhookLimits{}, &fields));
  const http::FormField* dlr = http::findField(fields, "dlr-url");
  ASSERT_NE(dlr, nullptr);
  const std::string prefix = std::string("http://127.0.0.1:9/webhooks/kannel/delivery?token=") +
                             kWebhookSecret + "&ref=" + std::to_string(id) + "&type=%d&ts=%T";
  ASSERT_EQ(dlr->value, prefix);
  std::string path = dlr->value.substr(std::string("http://127.0.0.1:9").size());
  path.replace(path.find("%d"), 2, "1");
  path.replace(path.find("%T"), 2, std::to_string(kNow));

  auto ep = webhook(http::WebhookFormat::Kannel, "http:kannel");
  api::HttpRequest req;
  req.method = "GET";
  req.target = path;
  EXPECT_EQ(ep->handleDeliveryReport(req).status, 200);
  EXPECT_EQ(row(id).state, OutboxState::Delivered);
}

// A report faster than the dispatcher's flush finds its row still sending: refused for now (the
// webhook answers 503 and the provider delivers it again), applied once the submit is
// recorded, a no-op when repeated; a report for no row of ours is acknowledged and ignored.
TEST_F(HttpDispatcherTest, ReportBeforeTheSubmitIsRecordedIsRefusedForNow) {
  const std::int64_t id = notice(1, "Racing notice");  // no dispatcher: the store is ours
  std::vector<OutboxMessage> claimed;
  store::ClaimCounts cc;
  ASSERT_FALSE(outbox_->claimDue(kNow, 10, "http:kannel", &claimed, &cc));
  ASSERT_EQ(claimed.size(), 1u);
  http::DeliveryReport r;
  r.channel = "http:kannel";
  r.ref = static_cast<std::uint64_t>(id);
  r.provider_id = std::to_string(id);
  r.state = smpp::MessageState::Delivered;
  r.is_final = true;
  std::vector<http::DeliveryReport> batch{r};
  EXPECT_EQ(applyDeliveryReports(*outbox_, batch, kNow),
            std::make_error_code(std::errc::resource_unavailable_try_again));
  EXPECT_EQ(row(id).state, OutboxState::Sending);
  // The same report on another channel is not ours to wait for.
  batch[0].channel = "http:other";
  DeliveryReportCounts counts;
  EXPECT_FALSE(applyDeliveryReports(*outbox_, batch, kNow, &counts));
  EXPECT_EQ(counts.ignored, 1u);
  batch[0].channel = "http:kannel";

  store::Transition t{};
  const std::vector<std::string> ids{std::to_string(id)};
  ASSERT_FALSE(outbox_->markSubmitted(id, ids, kNow, &t));
  counts = {};
  EXPECT_FALSE(applyDeliveryReports(*outbox_, batch, kNow, &counts));
  EXPECT_EQ(counts.delivered, 1u);
  EXPECT_EQ(row(id).state, OutboxState::Delivered);
  counts = {};
  EXPECT_FALSE(applyDeliveryReports(*outbox_, batch, kNow, &counts));
  EXPECT_EQ(counts.ignored, 1u);  // already final

  batch[0].ref = 999'999;
  batch[0].provider_id = "999999";
  counts = {};
  EXPECT_FALSE(applyDeliveryReports(*outbox_, batch, kNow, &counts));
  EXPECT_EQ(counts.ignored, 1u);
}

TEST_F(HttpDispatcherTest, ThrottledRowIsRequeuedForRetryAfterAndSentThen) {
  std::atomic<int> calls{0};
  Aggregator agg([&calls](const api::HttpRequest& r) {
    if (calls++ == 0) return answer(429, "{}", "application/json", {{"Retry-After", "1"}});
    return answer(200, R"({"id":"x-)" + std::to_string(refOf(r)) + R"("})", "application/json");
  });
  const std::int64_t id = notice(1, "Throttled notice");
  DispatcherConfig config = dispatcherConfig();
  config.max_retry_attempts = 1;  // a plain retryable refusal would fail the row now
  Dispatcher& d = startDispatcher(jsonChannel(agg.url("/v1/sms")), config);
  // Requeued, due when the provider said, not lost and not failed.
  ASSERT_TRUE(eventually([&] { return d.stats().throttled == 1 && d.stats().outstanding == 0; }));
  OutboxMessage m = row(id);
  EXPECT_EQ(m.state, OutboxState::Queued);
  EXPECT_EQ(m.not_before, kNow + 1);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(agg.requests().size(), 1u);  // the ledger's clock stands still: not yet due

  now_ = kNow + 1;
  ASSERT_TRUE(waitState(id, OutboxState::Submitted));
  m = row(id);
  EXPECT_EQ(m.attempts, 2);
  EXPECT_EQ(m.provider_ids, std::vector<std::string>{"x-" + std::to_string(id)});
  EXPECT_EQ(countRef(agg.requests(), id), 2u);
  EXPECT_EQ(d.stats().failed, 0u);
  EXPECT_EQ(d.httpChannelStats()->throttled, 1u);
}

TEST_F(HttpDispatcherTest, TimeoutAfterSendIsUnknownForNeverResendAndResentOtherwise) {
  std::mutex mu;
  std::map<std::int64_t, int> seen;
  Aggregator agg([&](const api::HttpRequest& r) {
    const std::int64_t ref = refOf(r);
    int n = 0;
    {
      std::lock_guard lock(mu);
      n = ++seen[ref];
    }
    // The first request of every message is held past the channel's request timeout: the
    // request went out, the answer never came back in time.
    if (n == 1) std::this_thread::sleep_for(1500ms);
    return answer(200, R"({"id":"t-)" + std::to_string(ref) + R"("})", "application/json");
  });
  const std::int64_t never = notice(1, "Poll question", ResendPolicy::Never);
  const std::int64_t again = notice(2, "Notice", ResendPolicy::AtLeastOnce);
  http::HttpChannelConfig channel = jsonChannel(agg.url("/v1/sms"));
  channel.request_timeout = 300ms;
  Dispatcher& d = startDispatcher(std::move(channel));

  ASSERT_TRUE(waitState(never, OutboxState::Unknown));
  ASSERT_TRUE(
      eventually([&] { return d.stats().unknown_resent == 1 && d.stats().outstanding == 0; }));
  OutboxMessage m = row(again);
  EXPECT_EQ(m.state, OutboxState::Queued);
  EXPECT_EQ(m.not_before, kNow + 5);  // retry_backoff_initial_s

  now_ = kNow + 5;
  ASSERT_TRUE(waitState(again, OutboxState::Submitted));
  EXPECT_EQ(row(again).attempts, 2);
  EXPECT_EQ(row(never).state, OutboxState::Unknown);
  EXPECT_EQ(row(never).attempts, 1);
  std::lock_guard lock(mu);
  EXPECT_EQ(seen[never], 1);  // never resent
  EXPECT_EQ(seen[again], 2);
}

TEST_F(HttpDispatcherTest, StopHandsTheChannelsQueuedRowsBackToTheLedger) {
  // The first request is throttled for an hour: the channel pauses, and the rows claimed after
  // it wait in the channel's queue until stop hands them back.
  Aggregator agg([](const api::HttpRequest&) {
    return answer(429, "{}", "application/json", {{"Retry-After", "3600"}});
  });
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(notice(i, "Queued notice " + std::to_string(i)));
  http::HttpChannelConfig channel = jsonChannel(agg.url("/v1/sms"));
  channel.max_in_flight = 1;
  Dispatcher& d = startDispatcher(std::move(channel));
  ASSERT_TRUE(eventually([&] {
    const auto cs = d.httpChannelStats();
    return d.stats().throttled == 1 && cs && cs->queued == 4;
  }));
  ASSERT_EQ(agg.requests().size(), 1u);
  const std::int64_t throttled = refOf(agg.requests()[0]);

  EXPECT_FALSE(stop());
  EXPECT_FALSE(d.channelReady());
  const DispatcherStats s = d.stats();
  EXPECT_EQ(s.handed_back, 4u);
  EXPECT_EQ(s.outstanding, 0u);
  EXPECT_EQ(s.in_flight, 0u);
  for (std::int64_t id : ids) {
    const OutboxMessage m = row(id);
    EXPECT_EQ(m.state, OutboxState::Queued) << id;
    EXPECT_EQ(m.attempts, 1) << id;
    EXPECT_EQ(m.not_before, id == throttled ? kNow + 3600 : kNow) << id;
  }
  EXPECT_EQ(agg.requests().size(), 1u);
}

// The daemon with one JSON aggregator and no SMPP account: ready once started, a queued row goes
// out through the aggregator, the aggregator's signed report to /webhooks/<name>/delivery
// settles it, and /metrics counts it under "http:<name>".
TEST(DaemonHttpChannel, SendsThroughTheAggregatorAndTheDeliveryWebhookSettles) {
  liaison::testing::TempDir dir;
  Aggregator agg([](const api::HttpRequest& r) {
    return answer(200, R"({"id":"d-)" + std::to_string(refOf(r)) + R"("})", "application/json");
  });
  DaemonOptions options;
  config::Config& cfg = options.config;
  cfg.server.port = 0;
  cfg.server.data_dir = dir.file("data");
  config::TenantConfig tenant;
  tenant.id = "t1";
  tenant.languages = {"en"};
  tenant.sending_window = DailyWindow{0, 24 * 60};
  cfg.tenants.push_back(tenant);
  cfg.http.push_back(jsonAggregator(agg.url("/v1/sms")));

  std::promise<DaemonHandle> ready;
  auto future = ready.get_future();
  auto exit_code = std::async(std::launch::async, [&] {
    return runDaemon(options, [&](const DaemonHandle& h) { ready.set_value(h); });
  });
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  const DaemonHandle h = future.get();
  // A failed assertion returns early: stop the daemon anyway, or the future waits forever.
  struct StopOnExit {
    std::function<void()> stop;
    ~StopOnExit() {
      if (stop) stop();
    }
  } stop_on_exit{h.stop};
  liaison::testing::HttpResult readyz;
  ASSERT_TRUE(eventually([&] {
    readyz = liaison::testing::httpGet(h.port, "/readyz");
    return readyz.status == 200;
  })) << readyz.body;
  EXPECT_NE(readyz.body.find("\"channels\":\"bound\""), std::string::npos) << readyz.body;

  // A second connection to the daemon's store queues one notice.
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  auto db = store::SqliteStore::open(dir.file("data/liaison.db"));
  store::SqliteContactStore contacts(db->database());
  store::SqliteOutboxStore outbox(db->database());
  const std::string phone = "+33612345678";
  store::Contact c;
  c.tenant_id = "t1";
  c.phone_e164 = phone;
  c.language = "en";
  store::UpsertOutcome outcome{};
  ASSERT_FALSE(contacts.upsert(c, store::ContactUpdate{}, now, &outcome));
  ASSERT_FALSE(contacts.find("t1", phone, &c));
  store::NewOutboxMessage m;
  m.tenant_id = "t1";
  m.campaign_id = "c1";
  m.contact_id = c.id;
  m.step = "notice";
  m.to_e164 = phone;
  m.body = "Consular notice";
  m.language = "en";
  m.priority = OutboxPriority::Reply;  // no campaign window to look up
  m.not_before = now;
  store::EnqueueCounts counts;
  ASSERT_FALSE(outbox.enqueueBatch(std::span(&m, 1), now, &counts));
  ASSERT_EQ(counts.inserted, 1);

  ASSERT_TRUE(eventually([&] { return !agg.requests().empty(); }));
  const std::int64_t id = refOf(agg.requests()[0]);
  OutboxMessage got;
  ASSERT_TRUE(eventually([&] {
    return !outbox.get(id, &got) && got.state == OutboxState::Submitted;
  })) << static_cast<int>(got.state);
  EXPECT_EQ(got.channel, "http:agg");
  EXPECT_EQ(got.provider_ids, std::vector<std::string>{"d-" + std::to_string(id)});

  const std::string body = R"({"id":"d-)" + std::to_string(id) + R"(","status":"delivered"})";
  const std::string stamp = std::to_string(std::time(nullptr));
  const auto posted = liaison::testing::httpRequest(
      "POST", h.port, "/webhooks/agg/delivery", body,
      {"Content-Type: application/json", "X-Liaison-Timestamp: " + stamp,
       "X-Liaison-Signature: sha256=" + http::webhookSignature(kWebhookSecret, stamp, body)});
  EXPECT_EQ(posted.status, 200) << posted.body;
  ASSERT_FALSE(outbox.get(id, &got));
  EXPECT_EQ(got.state, OutboxState::Delivered);

  liaison::testing::HttpResult metrics;
  EXPECT_TRUE(eventually([&] {  // sampled once a second
    metrics = liaison::testing::httpGet(h.port, "/metrics");
    return metrics.body.find(
               "liaison_send_outcomes_total{channel=\"http:agg\",status=\"submitted\"} 1") !=
           std::string::npos;
  })) << metrics.body;
  EXPECT_NE(metrics.body.find("liaison_submit_latency_seconds_count{channel=\"http:agg\"} 1"),
            std::string::npos);
  EXPECT_EQ(metrics.body.find("liaison_smpp_in_flight_segments{channel=\"http:agg\""),
            std::string::npos);

  stop_on_exit.stop = nullptr;
  h.stop();
  ASSERT_EQ(exit_code.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(exit_code.get(), 0);
}

TEST(HttpChannelConfigMapping, KannelSecretMustSurviveTheDlrUrl) {
  config::HttpAggregatorConfig k;
  k.name = "kannel";
  k.tenant = "t1";
  k.profile = config::HttpProfile::Kannel;
  k.url = "http://127.0.0.1:13013/cgi-bin/sendsms";
  k.username = "u";
  k.password = config::Secret("p", "test");
  k.webhook_auth = config::WebhookAuth::Token;
  k.webhook_secret = config::Secret("secret with % and spaces!", "test");
  try {
    httpChannelConfig(k, "https://gw.example");
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("webhook_secret"), std::string::npos);
    EXPECT_EQ(what.find("secret with"), std::string::npos);  // never quotes the secret
  }
  k.webhook_secret = config::Secret("0123456789abcdef-._~XYZ", "test");
  EXPECT_EQ(deliveryWebhookUrl(k, "https://gw.example/"),
            "https://gw.example/webhooks/kannel/delivery?token=0123456789abcdef-._~XYZ");
}

TEST(HttpChannelConfigMapping, JsonAuthAndTemplate) {
  config::HttpAggregatorConfig h = jsonAggregator("https://api.example/sms");
  h.username = "user";
  h.json.auth = config::HttpAuth::Basic;
  h.json.accepted_status = {202};
  const http::HttpChannelConfig c = httpChannelConfig(h, "https://gw.example");
  EXPECT_EQ(c.name, "http:agg");
  const auto& p = std::get<http::JsonProfileConfig>(c.profile);
  ASSERT_EQ(p.headers.size(), 1u);
  EXPECT_EQ(p.headers[0].first, "Authorization");
  EXPECT_EQ(p.headers[0].second, "Basic dXNlcjphZ2dyZWdhdG9yLWFwaS1rZXktMTIz");  // user:<key>
  EXPECT_EQ(nlohmann::json::parse(p.body_template),
            nlohmann::json::parse(R"({"to":"{{to_e164}}","text":"{{text}}","ref":"{{ref}}"})"));
  EXPECT_EQ(p.dlr_url, "https://gw.example/webhooks/agg/delivery");  // signed: no token
  EXPECT_EQ(p.accepted_statuses, std::vector<int>{202});
  EXPECT_EQ(p.from, "Consulate");
}

}  // namespace
}  // namespace liaison::gateway::outreach
