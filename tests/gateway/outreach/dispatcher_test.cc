// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The outbox Dispatcher on a real SQLite ledger and a real SmppChannel against the project's
// SMSC simulator on 127.0.0.1, with an injected clock: notices end delivered with receipts,
// opt-out at dispatch time, sending windows re-checked at send time (replies and
// confirmations exempt), permanent and retryable rejections, throttling, unknown outcomes per
// resend policy (and the attempt cap), deadlines, inbound hand-over, and the graceful stop that
// returns queued messages to the ledger. Every assertion reads the ledger through the store
// under the dispatcher's store mutex, as a second user of the same connection would.
#include "outreach/dispatcher.h"

#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "channels/smpp/smsc_simulator.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"
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
// 2026-06-15 10:00 UTC: 12:00 in Berlin (CEST), inside a 09:00-20:00 window.
constexpr std::int64_t kNow = 1'781'517'600;
// 2026-06-15 22:00 UTC: midnight in Berlin, outside it; it opens at 07:00 UTC the next day.
constexpr std::int64_t kBerlinMidnight = 1'781'560'800;
constexpr std::int64_t kBerlinNextOpening = 1'781'593'200;

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = kWait) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = store::SqliteStore::open(dir_.file("g.db"));
    contacts_ = std::make_unique<store::SqliteContactStore>(db_->database());
    outbox_ = std::make_unique<store::SqliteOutboxStore>(db_->database());
    work_ = std::make_unique<Guard>(ioc_.get_executor());
    for (auto& t : threads_) t = std::thread([this] { ioc_.run(); });
  }

  void TearDown() override {
    if (dispatcher_ && !dispatcher_->stats().stopped) {
      EXPECT_FALSE(stop());
    }
    dispatcher_.reset();
    if (sim_) {
      sim_->stop();
      EXPECT_FALSE(sim_->sendMobileOriginated({}));  // returns once stop() has run
    }
    // Let the channel's internals (released on its strand after its binds stopped) finish.
    std::this_thread::sleep_for(50ms);
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }

  void startSimulator(smpp::SmscSimulatorConfig config = {}) {
    config.system_id = "liaison";
    config.password = "pw";
    sim_ = std::make_unique<smpp::SmscSimulator>(ioc_, config);
    ASSERT_FALSE(sim_->start());
  }

  smpp::SmppChannelConfig channelConfig() {
    smpp::SmppClientConfig bind;
    bind.port = sim_ ? sim_->port() : 1;
    bind.system_id = "liaison";
    bind.password = "pw";
    bind.reconnect_initial = 20ms;
    bind.reconnect_max = 200ms;
    bind.response_timeout = 2s;
    bind.unbind_timeout = 500ms;
    smpp::SmppChannelConfig c;
    c.binds.push_back(bind);
    c.source_addr = "LIAISON";
    c.housekeeping_interval = 50ms;
    return c;
  }

  static DispatcherConfig dispatcherConfig() {
    DispatcherConfig c;
    c.channel_name = "smpp:test";
    c.busy_interval = 10ms;
    c.idle_interval = 50ms;
    c.store_retry_interval = 100ms;
    return c;
  }

  Dispatcher& startDispatcher(DispatcherConfig config = dispatcherConfig(),
                              DispatcherHooks hooks = {},
                              std::optional<smpp::SmppChannelConfig> channel = std::nullopt) {
    hooks.clock = [this] { return now_.load(); };
    dispatcher_ = std::make_unique<Dispatcher>(
        ioc_, *outbox_, store_mu_, channel ? *channel : channelConfig(), config, std::move(hooks));
    EXPECT_FALSE(dispatcher_->start());
    return *dispatcher_;
  }

  // Stops the dispatcher and returns what its completion reported.
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

  std::int64_t addContact(const std::string& phone,
                          store::ContactStatus status = store::ContactStatus::Active) {
    std::lock_guard lock(store_mu_);
    store::Contact c;
    c.tenant_id = "t1";
    c.phone_e164 = phone;
    c.language = "de";
    c.time_zone = "Europe/Berlin";
    store::UpsertOutcome outcome{};
    EXPECT_FALSE(contacts_->upsert(c, store::ContactUpdate{}, kNow - 1000, &outcome));
    if (status != store::ContactStatus::Active) {
      EXPECT_FALSE(contacts_->setStatus("t1", phone, status, kNow - 900));
    }
    store::Contact got;
    EXPECT_FALSE(contacts_->find("t1", phone, &got));
    return got.id;
  }

  void setStatus(const std::string& phone, store::ContactStatus status) {
    std::lock_guard lock(store_mu_);
    EXPECT_FALSE(contacts_->setStatus("t1", phone, status, now_.load()));
  }

  static store::NewOutboxMessage message(std::int64_t contact_id, const std::string& phone,
                                         const std::string& body,
                                         OutboxPriority priority = OutboxPriority::Bulk,
                                         ResendPolicy policy = ResendPolicy::AtLeastOnce) {
    store::NewOutboxMessage m;
    m.tenant_id = "t1";
    m.campaign_id = "c1";
    m.contact_id = contact_id;
    m.step = body;  // unique per message in these tests
    m.to_e164 = phone;
    m.body = body;
    m.language = "de";
    m.priority = priority;
    m.resend_policy = policy;
    m.time_zone = "Europe/Berlin";
    m.not_before = kNow;
    return m;
  }

  // Enqueues one message (while the dispatcher may run) and returns its id.
  std::int64_t enqueue(const store::NewOutboxMessage& m) {
    std::lock_guard lock(store_mu_);
    store::EnqueueCounts counts;
    EXPECT_FALSE(outbox_->enqueueBatch(std::span(&m, 1), kNow, &counts));
    EXPECT_EQ(counts.inserted, 1);
    std::error_code ec;
    auto s = db_->database().prepare(
        "SELECT id FROM outbox WHERE campaign_id = ?1 AND contact_id = ?2 AND step = ?3", &ec);
    EXPECT_FALSE(ec);
    s->bind(1, std::string_view(m.campaign_id));
    s->bind(2, m.contact_id);
    s->bind(3, std::string_view(m.step));
    bool row = false;
    EXPECT_FALSE(s->step(&row));
    EXPECT_TRUE(row);
    return row ? s->int64(0) : 0;
  }

  // A contact and one message to it; returns the outbox id.
  std::int64_t notice(int n, const std::string& body,
                      OutboxPriority priority = OutboxPriority::Bulk,
                      ResendPolicy policy = ResendPolicy::AtLeastOnce) {
    const std::string phone = phoneOf(n);
    return enqueue(message(addContact(phone), phone, body, priority, policy));
  }

  static std::string phoneOf(int n) {
    std::string digits = std::to_string(n);
    return "+4915100" + std::string(6 - std::min<std::size_t>(6, digits.size()), '0') + digits;
  }

  OutboxMessage row(std::int64_t id) {
    std::lock_guard lock(store_mu_);
    OutboxMessage m;
    EXPECT_FALSE(outbox_->get(id, &m));
    return m;
  }

  bool waitState(std::int64_t id, OutboxState state) {
    const bool ok = eventually([&] { return row(id).state == state; });
    if (!ok)
      ADD_FAILURE() << "row never reached state " << static_cast<int>(state) << ", is "
                    << static_cast<int>(row(id).state);
    return ok;
  }

  std::uint32_t simCount(const std::string& body) {
    const auto counts = sim_->submitCounts();
    auto it = counts.find(body);
    return it == counts.end() ? 0 : it->second;
  }

  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  liaison::testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> db_;
  std::unique_ptr<store::SqliteContactStore> contacts_;
  std::unique_ptr<store::SqliteOutboxStore> outbox_;
  std::mutex store_mu_;
  std::atomic<std::int64_t> now_{kNow};
  boost::asio::io_context ioc_;
  std::unique_ptr<Guard> work_;
  std::thread threads_[2];
  std::unique_ptr<smpp::SmscSimulator> sim_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, BatchOfNoticesEndsDeliveredWithReceipts) {
  startSimulator();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 60; ++i) ids.push_back(notice(i, "Consulate notice " + std::to_string(i)));
  Dispatcher& d = startDispatcher();
  for (std::int64_t id : ids) ASSERT_TRUE(waitState(id, OutboxState::Delivered));

  for (int i = 0; i < 60; ++i) {
    const OutboxMessage m = row(ids[static_cast<std::size_t>(i)]);
    EXPECT_EQ(m.attempts, 1);
    EXPECT_EQ(m.channel, "smpp:test");
    ASSERT_EQ(m.provider_ids.size(), 1u);
    std::int64_t found = 0;
    {
      std::lock_guard lock(store_mu_);
      EXPECT_FALSE(outbox_->findByProviderId("smpp:test", m.provider_ids[0], &found));
    }
    EXPECT_EQ(found, m.id) << "receipts can find the row by its SMSC id";
    EXPECT_EQ(simCount("Consulate notice " + std::to_string(i)), 1u);
  }
  EXPECT_EQ(sim_->stats().submits, 60u);
  ASSERT_TRUE(eventually([&] { return d.stats().pending_updates == 0; }));
  const DispatcherStats s = d.stats();
  EXPECT_EQ(s.claimed, 60u);
  EXPECT_EQ(s.sent, 60u);
  EXPECT_EQ(s.submitted, 60u);
  EXPECT_EQ(s.delivered, 60u);
  EXPECT_EQ(s.requeued, 0u);
  EXPECT_EQ(s.outstanding, 0u);
  EXPECT_EQ(s.row_errors + s.ignored_updates + s.store_errors, 0u);
  // 120 ledger steps (submitted, delivered) went in far fewer commits than one per step.
  EXPECT_LT(s.flushes, 120u);
}

TEST_F(DispatcherTest, EveryFinalReceiptReportsItsLagOnce) {
  smpp::SmscSimulatorConfig sim;
  sim.receipt_delay = std::chrono::milliseconds(200);
  startSimulator(sim);
  std::mutex lags_mu;
  std::vector<double> lags;
  DispatcherHooks hooks;
  hooks.receipt_lag = [&](double seconds) {
    std::lock_guard lock(lags_mu);
    lags.push_back(seconds);
  };
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(notice(i, "Receipt lag " + std::to_string(i)));
  startDispatcher(dispatcherConfig(), std::move(hooks));
  for (std::int64_t id : ids) ASSERT_TRUE(waitState(id, OutboxState::Delivered));
  std::lock_guard lock(lags_mu);
  ASSERT_EQ(lags.size(), 10u);
  // A receipt follows its submit response on the same link, so every lag is positive; its size
  // depends on scheduling and is not asserted.
  for (double lag : lags) EXPECT_GT(lag, 0.0);
}

TEST_F(DispatcherTest, ContactOptedOutAfterEnqueueIsFailedAndNeverReachesTheSmsc) {
  startSimulator();
  const std::int64_t first = notice(1, "Notice one");
  const std::int64_t stopped = notice(2, "Notice two");
  const std::int64_t third = notice(3, "Notice three");
  setStatus(phoneOf(2), store::ContactStatus::OptedOut);  // STOP between enqueue and dispatch
  Dispatcher& d = startDispatcher();
  ASSERT_TRUE(waitState(first, OutboxState::Delivered));
  ASSERT_TRUE(waitState(third, OutboxState::Delivered));
  const OutboxMessage m = row(stopped);
  EXPECT_EQ(m.state, OutboxState::Failed);
  EXPECT_EQ(m.failure_code, "opted_out");
  EXPECT_EQ(m.attempts, 0) << "never claimed for sending";
  EXPECT_EQ(simCount("Notice two"), 0u);
  EXPECT_EQ(sim_->stats().submits, 2u);
  EXPECT_EQ(d.stats().suppressed, 1u);
}

TEST_F(DispatcherTest, ClosedWindowRequeuesBulkToTheNextOpeningWhileRepliesGoOut) {
  startSimulator();
  now_ = kBerlinMidnight;
  const std::int64_t bulk = notice(1, "Bulk notice");
  const std::int64_t reply = notice(2, "Your answer was recorded", OutboxPriority::Reply);
  // The confirmation a STOP gets: the contact is opted out, the window closed; it still goes.
  const std::int64_t confirmation =
      notice(3, "You will get no more messages", OutboxPriority::Confirmation);
  setStatus(phoneOf(3), store::ContactStatus::OptedOut);

  DailyWindow window;
  ASSERT_FALSE(makeWindow(9, 0, 20, 0, &window));
  std::atomic<int> lookups{0};
  DispatcherHooks hooks;
  hooks.window = [&](std::string_view campaign) -> std::optional<DailyWindow> {
    ++lookups;
    if (campaign == "c1") return window;
    return std::nullopt;
  };
  Dispatcher& d = startDispatcher(dispatcherConfig(), std::move(hooks));
  ASSERT_TRUE(waitState(reply, OutboxState::Delivered));
  ASSERT_TRUE(waitState(confirmation, OutboxState::Delivered));
  ASSERT_TRUE(eventually(
      [&] { return d.stats().window_deferred == 1 && row(bulk).state == OutboxState::Queued; }));

  const OutboxMessage waiting = row(bulk);
  EXPECT_EQ(waiting.not_before, kBerlinNextOpening) << "09:00 Berlin is 07:00 UTC in June";
  EXPECT_EQ(waiting.attempts, 1);
  EXPECT_EQ(simCount("Bulk notice"), 0u);
  EXPECT_EQ(d.stats().window_deferred, 1u);

  // Morning: the window opens and the bulk row goes.
  now_ = kBerlinNextOpening;
  d.wake();
  ASSERT_TRUE(waitState(bulk, OutboxState::Delivered));
  EXPECT_EQ(simCount("Bulk notice"), 1u);
  EXPECT_EQ(row(bulk).attempts, 2);
  EXPECT_GE(lookups.load(), 1);
}

TEST_F(DispatcherTest, PermanentRejectionFailsWithThePlainStatusCode) {
  smpp::SmscSimulatorConfig sc;
  sc.error_share = 1;
  sc.error_status = 0x0B;  // ESME_RINVDSTADR: permanent
  startSimulator(sc);
  const std::int64_t id = notice(1, "Rejected notice");
  Dispatcher& d = startDispatcher();
  ASSERT_TRUE(waitState(id, OutboxState::Failed));
  const OutboxMessage m = row(id);
  EXPECT_EQ(m.failure_code, "smpp_0000000b");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(simCount("Rejected notice"), 1u);
  EXPECT_EQ(d.stats().failed, 1u);
  EXPECT_EQ(d.stats().requeued, 0u);
}

TEST_F(DispatcherTest, RetryableRejectionIsRequeuedWithBackoffThenSent) {
  smpp::SmscSimulatorConfig sc;
  sc.error_share = 1;
  sc.error_status = 0x08;  // ESME_RSYSERR: transient
  startSimulator(sc);
  const std::int64_t id = notice(1, "Retried notice");
  DispatcherConfig config = dispatcherConfig();
  config.retry_backoff_initial_s = 30;
  Dispatcher& d = startDispatcher(config);
  ASSERT_TRUE(eventually([&] { return d.stats().retried == 1; }));
  ASSERT_TRUE(eventually([&] { return row(id).state == OutboxState::Queued; }));
  EXPECT_EQ(row(id).not_before, kNow + 30);
  EXPECT_EQ(simCount("Retried notice"), 1u);

  sim_->configure([](smpp::SmscSimulatorConfig& c) { c.error_share = 0; });
  now_ = kNow + 30;
  d.wake();
  ASSERT_TRUE(waitState(id, OutboxState::Delivered));
  EXPECT_EQ(row(id).attempts, 2);
  EXPECT_EQ(simCount("Retried notice"), 2u);
}

TEST_F(DispatcherTest, RetryableRejectionsFailOnceTheAttemptsRunOut) {
  smpp::SmscSimulatorConfig sc;
  sc.error_share = 1;
  sc.error_status = 0x08;
  startSimulator(sc);
  const std::int64_t id = notice(1, "Hopeless notice");
  DispatcherConfig config = dispatcherConfig();
  config.max_retry_attempts = 2;
  config.retry_backoff_initial_s = 10;
  Dispatcher& d = startDispatcher(config);
  ASSERT_TRUE(eventually([&] { return d.stats().retried == 1; }));
  now_ = kNow + 10;
  d.wake();
  ASSERT_TRUE(waitState(id, OutboxState::Failed));
  EXPECT_EQ(row(id).failure_code, "smpp_00000008");
  EXPECT_EQ(row(id).attempts, 2);
  EXPECT_EQ(simCount("Hopeless notice"), 2u);
}

TEST_F(DispatcherTest, ThrottlingSlowsDownWithoutFailingOrRequeueing) {
  smpp::SmscSimulatorConfig sc;
  sc.throttle_share = 0.5;
  startSimulator(sc);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(notice(i, "Throttled notice " + std::to_string(i)));
  Dispatcher& d = startDispatcher();
  for (std::int64_t id : ids) ASSERT_TRUE(waitState(id, OutboxState::Delivered));
  EXPECT_GT(sim_->stats().throttled, 0u);
  for (std::int64_t id : ids) EXPECT_EQ(row(id).attempts, 1);
  EXPECT_EQ(d.stats().requeued, 0u);
}

class DispatcherUnknownTest : public DispatcherTest {
 protected:
  smpp::SmppChannelConfig blackHoleChannel() {
    smpp::SmppChannelConfig c = channelConfig();
    c.binds[0].response_timeout = 300ms;
    return c;
  }
  void blackHole() {
    smpp::SmscSimulatorConfig sc;
    sc.swallow_share = 1;  // submit_sm_resp never comes: the outcome is unknown
    startSimulator(sc);
  }
};

TEST_F(DispatcherUnknownTest, AtLeastOnceIsResentAfterAnUnknownOutcome) {
  blackHole();
  const std::int64_t id = notice(1, "Important notice");
  DispatcherConfig config = dispatcherConfig();
  config.retry_backoff_initial_s = 5;
  Dispatcher& d = startDispatcher(config, {}, blackHoleChannel());
  ASSERT_TRUE(eventually([&] { return d.stats().unknown_resent == 1; }));
  ASSERT_TRUE(eventually([&] { return row(id).state == OutboxState::Queued; }));
  EXPECT_EQ(row(id).not_before, kNow + 5);

  sim_->configure([](smpp::SmscSimulatorConfig& c) { c.swallow_share = 0; });
  now_ = kNow + 5;
  d.wake();
  ASSERT_TRUE(waitState(id, OutboxState::Delivered));
  EXPECT_EQ(simCount("Important notice"), 2u) << "the SMSC may have got it twice: allowed";
  EXPECT_EQ(row(id).attempts, 2);
}

TEST_F(DispatcherUnknownTest, AtLeastOnceResendsStopAtTheAttemptCap) {
  blackHole();
  const std::int64_t id = notice(1, "Lost notice");
  DispatcherConfig config = dispatcherConfig();
  config.max_unknown_attempts = 2;
  config.retry_backoff_initial_s = 5;
  Dispatcher& d = startDispatcher(config, {}, blackHoleChannel());
  ASSERT_TRUE(eventually([&] { return d.stats().unknown_resent == 1; }));
  now_ = kNow + 5;
  d.wake();
  ASSERT_TRUE(waitState(id, OutboxState::Unknown));
  EXPECT_EQ(simCount("Lost notice"), 2u);
  EXPECT_EQ(row(id).attempts, 2);
  EXPECT_EQ(d.stats().unknown, 1u);
}

TEST_F(DispatcherUnknownTest, NeverResendIsRecordedUnknownAndNotResent) {
  blackHole();
  const std::int64_t poll =
      notice(1, "Question 1: will you vote?", OutboxPriority::Bulk, ResendPolicy::Never);
  Dispatcher& d = startDispatcher(dispatcherConfig(), {}, blackHoleChannel());
  ASSERT_TRUE(waitState(poll, OutboxState::Unknown));
  EXPECT_EQ(d.stats().unknown, 1u);

  // The link heals and time passes; a later message goes out, the poll question does not.
  sim_->configure([](smpp::SmscSimulatorConfig& c) { c.swallow_share = 0; });
  now_ = kNow + 3600;
  const std::int64_t later = notice(2, "A later notice");
  d.wake();
  ASSERT_TRUE(waitState(later, OutboxState::Delivered));
  EXPECT_EQ(row(poll).state, OutboxState::Unknown);
  EXPECT_EQ(row(poll).attempts, 1);
  EXPECT_EQ(simCount("Question 1: will you vote?"), 1u);
}

TEST_F(DispatcherTest, PassedDeadlineIsRecordedExpiredAndNeverSent) {
  startSimulator();
  const std::string phone = phoneOf(1);
  store::NewOutboxMessage late = message(addContact(phone), phone, "Poll closes at noon");
  late.not_before = kNow + 60;
  late.expires_at = kNow + 120;
  const std::int64_t id = enqueue(late);
  const std::int64_t fresh = notice(2, "Still valid");
  now_ = kNow + 600;  // the process was down, say: it comes back after the deadline
  Dispatcher& d = startDispatcher();
  ASSERT_TRUE(waitState(fresh, OutboxState::Delivered));
  ASSERT_TRUE(waitState(id, OutboxState::Expired));
  EXPECT_EQ(row(id).attempts, 0);
  EXPECT_EQ(simCount("Poll closes at noon"), 0u);
  EXPECT_EQ(d.stats().expired, 1u);
}

TEST_F(DispatcherTest, GracefulStopReturnsQueuedMessagesToTheLedger) {
  startSimulator();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(notice(i, "Slow notice " + std::to_string(i)));
  smpp::SmppChannelConfig channel = channelConfig();
  channel.segments_per_second = 10;  // most of them wait in the channel's queue
  channel.burst = 1;
  Dispatcher& d = startDispatcher(dispatcherConfig(), {}, channel);
  ASSERT_TRUE(eventually([&] { return d.stats().sent == 40 && d.stats().submitted >= 1; }));
  ASSERT_FALSE(stop());

  int queued = 0, done = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const OutboxMessage m = row(ids[i]);
    const std::uint32_t seen = simCount("Slow notice " + std::to_string(i));
    ASSERT_NE(m.state, OutboxState::Sending) << "nothing is left in limbo";
    if (m.state == OutboxState::Queued) {
      ++queued;
      EXPECT_EQ(seen, 0u) << "handed back, never sent";
      EXPECT_EQ(m.attempts, 1);
    } else {
      ++done;
      EXPECT_TRUE(m.state == OutboxState::Submitted || m.state == OutboxState::Delivered);
      EXPECT_EQ(seen, 1u);
    }
  }
  EXPECT_GT(queued, 0);
  EXPECT_EQ(queued + done, 40);
  const DispatcherStats s = d.stats();
  EXPECT_EQ(s.handed_back, static_cast<std::uint64_t>(queued));
  EXPECT_TRUE(s.stopped);
  EXPECT_EQ(s.outstanding, 0u);
  EXPECT_EQ(s.in_flight, 0u);
  EXPECT_EQ(s.pending_updates, 0u);
}

TEST_F(DispatcherTest, RestartRecoversRowsLeftInSendingPerResendPolicy) {
  startSimulator();
  const std::int64_t notice_id = notice(1, "Notice in flight");
  const std::int64_t poll_id =
      notice(2, "Poll in flight", OutboxPriority::Bulk, ResendPolicy::Never);
  {
    // A previous process claimed both and died before recording any outcome.
    std::lock_guard lock(store_mu_);
    std::vector<OutboxMessage> claimed;
    store::ClaimCounts counts;
    ASSERT_FALSE(outbox_->claimDue(kNow, 10, "smpp:test", &claimed, &counts));
    ASSERT_EQ(claimed.size(), 2u);
  }
  Dispatcher& d = startDispatcher();
  ASSERT_TRUE(waitState(notice_id, OutboxState::Delivered));
  EXPECT_EQ(row(poll_id).state, OutboxState::Unknown);
  EXPECT_EQ(simCount("Poll in flight"), 0u);
  EXPECT_EQ(row(notice_id).attempts, 2);
  EXPECT_EQ(d.stats().recovered_requeued, 1u);
  EXPECT_EQ(d.stats().recovered_unknown, 1u);
}

TEST_F(DispatcherTest, InboundGoesToTheHookBeforeTheSmscIsAnswered) {
  startSimulator();
  std::mutex seen_mu;
  std::vector<std::string> seen;
  std::atomic<bool> fail{false};
  DispatcherHooks hooks;
  hooks.inbound = [&](const smpp::CompletedMo& mo) -> std::error_code {
    // Called with the store mutex held: the ledger is ours to write here.
    store::OutboxMessage probe;
    EXPECT_EQ(outbox_->get(999'999, &probe), store::StoreErrc::NotFound);
    std::lock_guard lock(seen_mu);
    seen.push_back(mo.text);
    if (fail) return store::StoreErrc::IoError;
    return {};
  };
  Dispatcher& d = startDispatcher(dispatcherConfig(), std::move(hooks));
  ASSERT_TRUE(eventually([&] { return sim_->stats().binds == 1; }));
  smpp::SmscSimulator::MobileOriginated mo;
  mo.source_addr = "4915112345678";
  mo.destination_addr = "LIAISON";
  mo.short_message = "STOP";
  ASSERT_TRUE(eventually([&] { return sim_->sendMobileOriginated(mo); }));
  ASSERT_TRUE(eventually([&] { return sim_->stats().mo_acked == 1; }));
  {
    std::lock_guard lock(seen_mu);
    ASSERT_EQ(seen.size(), 1u) << "stored before the deliver_sm was answered";
    EXPECT_EQ(seen[0], "STOP");
  }
  // A failing store: the SMSC is answered anyway (the listener cannot refuse), the message is
  // parked and offered again, in order with later ones, until the store takes it.
  fail = true;
  mo.short_message = "HELP";
  ASSERT_TRUE(sim_->sendMobileOriginated(mo));
  ASSERT_TRUE(eventually([&] { return sim_->stats().mo_acked == 2; }));
  ASSERT_TRUE(eventually([&] { return d.stats().inbound_failed >= 2; }));  // retried on ticks
  EXPECT_EQ(d.stats().inbound_parked, 1u);
  mo.short_message = "START";
  ASSERT_TRUE(sim_->sendMobileOriginated(mo));
  ASSERT_TRUE(eventually([&] { return sim_->stats().mo_acked == 3; }));
  EXPECT_EQ(d.stats().inbound_parked, 2u);
  fail = false;
  ASSERT_TRUE(eventually([&] { return d.stats().inbound_parked == 0; }));
  std::lock_guard lock(seen_mu);
  // Every attempt is seen; the last two stored are HELP then START, in the SMSC's order.
  ASSERT_GE(seen.size(), 5u);
  EXPECT_EQ(seen[seen.size() - 2], "HELP");
  EXPECT_EQ(seen.back(), "START");
  EXPECT_EQ(d.stats().inbound, 3u);
  EXPECT_EQ(d.stats().inbound_lost, 0u);
}

// The store addition the dispatcher's flush relies on: many steps, one transaction, and a
// refused row does not spoil the rest.
TEST_F(DispatcherTest, ApplyBatchRunsEveryStepInOrderAndReportsEachRow) {
  const std::int64_t a = notice(1, "A");
  const std::int64_t b = notice(2, "B");
  const std::int64_t c = notice(3, "C");
  std::lock_guard lock(store_mu_);
  std::vector<OutboxMessage> claimed;
  store::ClaimCounts counts;
  ASSERT_FALSE(outbox_->claimDue(kNow, 10, "smpp:test", &claimed, &counts));
  ASSERT_EQ(claimed.size(), 3u);
  std::vector<store::OutboxUpdate> updates(6);
  updates[0].kind = store::OutboxUpdate::Kind::Submitted;
  updates[0].id = a;
  updates[0].provider_ids = {"1f"};
  updates[1].kind = store::OutboxUpdate::Kind::Delivered;  // after its submit, same batch
  updates[1].id = a;
  updates[2].kind = store::OutboxUpdate::Kind::Failed;
  updates[2].id = b;
  updates[2].failure_code = "Not A Code";  // InvalidArgument: this row only
  updates[3].kind = store::OutboxUpdate::Kind::Requeue;
  updates[3].id = 987'654;  // NotFound
  updates[4].kind = store::OutboxUpdate::Kind::Requeue;
  updates[4].id = c;
  updates[4].not_before = kNow + 99;
  updates[5].kind = store::OutboxUpdate::Kind::Delivered;  // c is queued now: Ignored
  updates[5].id = c;
  std::vector<store::OutboxUpdateResult> results;
  ASSERT_FALSE(outbox_->applyBatch(updates, kNow + 1, &results));
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0].transition, store::Transition::Applied);
  EXPECT_EQ(results[1].transition, store::Transition::Applied);
  EXPECT_EQ(results[2].error, store::StoreErrc::InvalidArgument);
  EXPECT_EQ(results[3].error, store::StoreErrc::NotFound);
  EXPECT_EQ(results[4].transition, store::Transition::Applied);
  EXPECT_FALSE(results[5].error);
  EXPECT_EQ(results[5].transition, store::Transition::Ignored);
  OutboxMessage m;
  ASSERT_FALSE(outbox_->get(a, &m));
  EXPECT_EQ(m.state, OutboxState::Delivered);
  EXPECT_EQ(m.provider_ids, std::vector<std::string>{"1f"});
  ASSERT_FALSE(outbox_->get(b, &m));
  EXPECT_EQ(m.state, OutboxState::Sending);
  ASSERT_FALSE(outbox_->get(c, &m));
  EXPECT_EQ(m.state, OutboxState::Queued);
  EXPECT_EQ(m.not_before, kNow + 99);
  EXPECT_FALSE(db_->database().inTransaction());
}

// The whole inbound path over a real SMPP link: a STOP texted to the SMSC reaches the inbound
// pipeline through the dispatcher's hook, opts the contact out before the deliver_sm is
// answered, and the one confirmation goes back out through the same dispatcher, while the
// bulk message queued for that contact is suppressed.
TEST_F(DispatcherTest, StopOverSmppOptsOutAndTheConfirmationGoesBackOut) {
  smpp::SmscSimulatorConfig sim_config;
  sim_config.record_submits = true;
  startSimulator(sim_config);
  const std::int64_t contact = addContact("+4915112345678");
  store::SqliteCampaignStore campaigns(db_->database());
  store::SqliteResponseStore responses(db_->database());
  InboundConfig inbound_config;
  inbound_config.replies.stop_confirmation = {{"de", "Abgemeldet. START zum Fortsetzen."}};
  InboundProcessor processor(db_->database(), *contacts_, campaigns, responses, *outbox_,
                             inbound_config);
  DispatcherHooks hooks;
  hooks.inbound = [&](const smpp::CompletedMo& mo) {
    const InboundMessage m = inboundFromMo(mo, "t1", "smpp:test", now_.load());
    std::vector<InboundResult> results;
    return processor.process(std::span(&m, 1), &results);
  };
  now_ = kNow - 3600;  // the bulk message is not due yet
  enqueue(message(contact, "+4915112345678", "Bulk notice"));
  Dispatcher& d = startDispatcher(dispatcherConfig(), std::move(hooks));
  ASSERT_TRUE(eventually([&] { return sim_->stats().binds == 1; }));

  smpp::SmscSimulator::MobileOriginated mo;
  mo.source_addr = "4915112345678";  // TON 1: international, no '+'
  mo.destination_addr = "LIAISON";
  mo.short_message = "Stop";
  ASSERT_TRUE(sim_->sendMobileOriginated(mo));
  ASSERT_TRUE(eventually([&] { return sim_->stats().mo_acked == 1; }));
  {
    std::lock_guard lock(store_mu_);
    store::Contact c;
    ASSERT_FALSE(contacts_->find("t1", "+4915112345678", &c));
    EXPECT_EQ(c.status, store::ContactStatus::OptedOut) << "stored before the ack";
  }
  ASSERT_TRUE(eventually([&] {
    const auto counts = sim_->submitCounts();
    auto it = counts.find("Abgemeldet. START zum Fortsetzen.");
    return it != counts.end() && it->second == 1;
  }));
  // The bulk notice falls due: it is suppressed, never sent.
  now_ = kNow;
  d.wake();
  ASSERT_TRUE(eventually([&] { return d.stats().suppressed == 1; }));
  EXPECT_EQ(sim_->submitCounts().count("Bulk notice"), 0u);
  // A second STOP is stored but sends nothing more.
  mo.short_message = "STOP";
  now_ = kNow + 600;
  ASSERT_TRUE(sim_->sendMobileOriginated(mo));
  ASSERT_TRUE(eventually([&] { return sim_->stats().mo_acked == 2; }));
  EXPECT_EQ(processor.stats().stops, 2);
  EXPECT_EQ(sim_->submitCounts().at("Abgemeldet. START zum Fortsetzen."), 1u);
}

TEST(InboundFromMo, InternationalSendersGetAPlus) {
  smpp::CompletedMo mo;
  mo.source_addr = "4915112345678";
  mo.source_addr_ton = 1;
  mo.text = "oui";
  InboundMessage m = inboundFromMo(mo, "t", "smpp:a", 42);
  EXPECT_EQ(m.from, "+4915112345678");
  EXPECT_EQ(m.text, "oui");
  EXPECT_EQ(m.received_at, 42);
  mo.source_addr_ton = 2;  // national: left for the pipeline's default region
  mo.source_addr = "015112345678";
  EXPECT_EQ(inboundFromMo(mo, "t", "smpp:a", 42).from, "015112345678");
  mo.is_binary = true;
  EXPECT_TRUE(inboundFromMo(mo, "t", "smpp:a", 42).text.empty());
}

TEST(DispatcherFailureCode, IsAPlainLedgerCode) {
  EXPECT_EQ(smppFailureCode(0x0B), "smpp_0000000b");
  EXPECT_EQ(smppFailureCode(0x400), "smpp_00000400");
  EXPECT_TRUE(store::isValidFailureCode(smppFailureCode(0xFFFFFFFF)));
}

}  // namespace
}  // namespace liaison::gateway::outreach
