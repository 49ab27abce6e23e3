// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SmppClient against the project's SMSC simulator over real sockets on 127.0.0.1, with the
// simulator's fault knobs: drops mid-window, black-holed responses, throttle storms, refused
// binds, unanswered enquire_link, unknown command ids. Each test counts that no message is
// lost and that duplicates after a link drop never exceed the messages that were in flight.
#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "channels/smpp/delivery_receipt.h"
#include "channels/smpp/smpp_client.h"
#include "channels/smpp/smsc_simulator.h"
#include "channels/smpp/token_bucket.h"
#include "recording_handler.h"
#include "temp_dir.h"
#include "tls_cert.h"

namespace liaison::gateway::smpp {
namespace {

using namespace std::chrono_literals;

// The outreach side as a test double: a queue of numbered messages; with `resend_unknown`
// it requeues Unknown outcomes (at-least-once), as a notice campaign would.
class Outbox : public RecordingHandler<Outbox> {
 public:
  explicit Outbox(int count = 0, bool resend_unknown = false) : resend_unknown_(resend_unknown) {
    for (int i = 0; i < count; ++i) queue_.push_back(static_cast<uint64_t>(i));
  }

  bool nextSubmit(OutboundSubmit& out) override {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return false;
    const uint64_t ref = queue_.front();
    queue_.pop_front();
    out.ref = ref;
    out.source_addr = "LIAISON";
    out.destination_addr = "4915112345678";
    out.short_message = "msg-" + std::to_string(ref);
    ++handed_out_;
    max_in_flight_ = std::max(max_in_flight_, handed_out_ - outcomes_);
    return true;
  }

  void onSubmitResult(const SubmitOutcome& o) override {
    std::lock_guard lock(mu_);
    ++outcomes_;
    switch (o.kind) {
      case SubmitOutcomeKind::Accepted:
        accepted_.insert(o.ref);
        ids_[normalizeMessageId(o.message_id)] = o.ref;
        break;
      case SubmitOutcomeKind::Rejected: rejected_.push_back({o.ref, o.status}); break;
      case SubmitOutcomeKind::Unknown:
        ++unknown_;
        if (resend_unknown_) queue_.push_back(o.ref);
        break;
    }
    if (o.throttled) ++throttled_refs_;
    cv_.notify_all();
  }

  CommandStatus onDeliver(const Pdu& pdu) override {
    std::lock_guard lock(mu_);
    const auto* d = pdu.as<DeliverSm>();
    if (d && isDeliveryReceipt(d->esm_class)) {
      if (auto r = extractDeliveryReceipt(*d)) {
        ++receipts_;
        for (const auto& key : messageIdCandidates(r->message_id)) {
          if (ids_.count(key)) {
            receipted_.insert(ids_[key]);
            break;
          }
        }
      }
    } else if (d) {
      mo_.emplace_back(d->short_message);
    }
    cv_.notify_all();
    return CommandStatus::Ok;
  }

  bool resend_unknown_;
  std::deque<uint64_t> queue_;
  uint64_t handed_out_ = 0, outcomes_ = 0, max_in_flight_ = 0, unknown_ = 0;
  uint64_t receipts_ = 0, throttled_refs_ = 0;
  std::set<uint64_t> accepted_, receipted_;
  std::map<std::string, uint64_t> ids_;
  std::vector<std::pair<uint64_t, uint32_t>> rejected_;
  std::vector<std::string> mo_;
};

// Polls a condition that no handler notifies (simulator counters).
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

class SmppLinkTest : public ::testing::Test {
 protected:
  void startSimulator(SmscSimulatorConfig config = {}) {
    config.system_id = "liaison";
    config.password = "pw";
    sim_ = std::make_unique<SmscSimulator>(ioc_, config);
    ASSERT_FALSE(sim_->start());
  }
  SmppClientConfig clientConfig() {
    SmppClientConfig c;
    c.port = sim_->port();
    c.system_id = "liaison";
    c.password = "pw";
    c.reconnect_initial = 20ms;
    c.reconnect_max = 200ms;
    c.response_timeout = 2s;
    return c;
  }
  SmppClient& startClient(Outbox& handler, SmppClientConfig config,
                          std::shared_ptr<TokenBucket> bucket = nullptr) {
    clients_.push_back(std::make_unique<SmppClient>(ioc_, config, handler, bucket));
    clients_.back()->start();
    return *clients_.back();
  }
  // Handlers live in the fixture so they outlive the clients' last callbacks in TearDown.
  Outbox& outbox(int count = 0, bool resend_unknown = false) {
    boxes_.push_back(std::make_unique<Outbox>(count, resend_unknown));
    return *boxes_.back();
  }
  void run() {
    work_ = std::make_unique<Guard>(ioc_.get_executor());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    for (auto& c : clients_) c->stop();
    if (sim_) {
      std::this_thread::sleep_for(50ms);  // let unbinds reach the simulator
      sim_->stop();
    }
    work_.reset();
    if (thread_.joinable()) {
      ioc_.stop();
      thread_.join();
    }
  }

  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  boost::asio::io_context ioc_;
  std::unique_ptr<Guard> work_;
  std::unique_ptr<SmscSimulator> sim_;
  std::vector<std::unique_ptr<Outbox>> boxes_;
  std::vector<std::unique_ptr<SmppClient>> clients_;
  std::thread thread_;
};

TEST_F(SmppLinkTest, TransceiverSendsAllAndGetsEveryReceipt) {
  startSimulator();
  Outbox& box = outbox(2000);
  auto cfg = clientConfig();
  cfg.window = 50;
  startClient(box, cfg);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.receipted_.size() == 2000; }))
      << "accepted " << box.accepted_.size() << " receipts " << box.receipts_;
  EXPECT_EQ(box.accepted_.size(), 2000u);
  EXPECT_EQ(box.unknown_, 0u);
  EXPECT_TRUE(box.rejected_.empty());
  EXPECT_LE(box.max_in_flight_, 50u);
  EXPECT_EQ(sim_->stats().submits, 2000u);
}

TEST_F(SmppLinkTest, WindowBoundsSubmitsInFlight) {
  SmscSimulatorConfig sc;
  sc.response_delay = 50ms;
  startSimulator(sc);
  Outbox& box = outbox(60);
  auto cfg = clientConfig();
  cfg.window = 7;
  startClient(box, cfg);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.accepted_.size() == 60; }));
  EXPECT_EQ(box.max_in_flight_, 7u);
}

TEST_F(SmppLinkTest, TransmitterAndReceiverPairCarryReceiptsOnTheReceiver) {
  SmscSimulatorConfig sc;
  startSimulator(sc);
  Outbox& tx = outbox(300);
  Outbox& rx = outbox();
  auto cfg = clientConfig();
  // The receiver binds first: a receipt for a submit made while no receiver is bound has
  // nowhere to go (the simulator counts it undeliverable, as an SMSC would hold or drop it).
  cfg.mode = BindMode::Receiver;
  startClient(rx, cfg);
  run();
  ASSERT_TRUE(rx.waitFor([](Outbox& b) { return b.count(LinkEvent::Bound) == 1; }));
  cfg.mode = BindMode::Transmitter;
  startClient(tx, cfg);
  ASSERT_TRUE(tx.waitFor([](Outbox& b) { return b.accepted_.size() == 300; }));
  // Receipts for the transmitter's submits arrive on the receiver bind.
  ASSERT_TRUE(rx.waitFor([](Outbox& b) { return b.receipts_ == 300; })) << rx.receipts_;
  EXPECT_EQ(tx.receipts_, 0u);
  EXPECT_EQ(sim_->stats().submits, 300u);
}

TEST_F(SmppLinkTest, SeveralBindsOfOneAccountShareTheWorkAndTheRate) {
  startSimulator();
  Outbox& box = outbox(3000);
  auto bucket = std::make_shared<TokenBucket>(0, 1);  // shared; unlimited here
  auto cfg = clientConfig();
  cfg.window = 10;
  auto& a = startClient(box, cfg, bucket);
  auto& b = startClient(box, cfg, bucket);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& o) { return o.accepted_.size() == 3000; }));
  EXPECT_GT(a.stats().accepted, 0u);
  EXPECT_GT(b.stats().accepted, 0u);
  EXPECT_EQ(a.stats().accepted + b.stats().accepted, 3000u);
  EXPECT_EQ(sim_->stats().binds, 2u);
  EXPECT_LE(box.max_in_flight_, 20u);
}

TEST_F(SmppLinkTest, ThrottleStormSlowsDownButFailsNothing) {
  SmscSimulatorConfig sc;
  sc.throttle_share = 0.5;
  startSimulator(sc);
  Outbox& box = outbox(500);
  auto bucket = std::make_shared<TokenBucket>(5000, 50);
  auto cfg = clientConfig();
  cfg.window = 20;
  cfg.throttle_backoff_initial = 5ms;
  cfg.throttle_backoff_max = 50ms;
  startClient(box, cfg, bucket);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.accepted_.size() == 500; }, 60s))
      << box.accepted_.size();
  EXPECT_TRUE(box.rejected_.empty());
  EXPECT_EQ(box.unknown_, 0u);
  EXPECT_GT(sim_->stats().throttled, 0u);
  EXPECT_GT(box.throttled_refs_, 0u);
  EXPECT_GT(bucket->throttleCount(), 0u);
  // Every message reached the SMSC once accepted; throttled attempts are the only extras.
  EXPECT_EQ(sim_->stats().accepted, 500u);
}

TEST_F(SmppLinkTest, BlackHoledResponsesBecomeUnknownAndAreNotResent) {
  SmscSimulatorConfig sc;
  sc.swallow_share = 0.2;
  startSimulator(sc);
  Outbox& box = outbox(200);
  auto cfg = clientConfig();
  cfg.window = 20;
  cfg.response_timeout = 300ms;
  startClient(box, cfg);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.outcomes_ == 200; }));
  EXPECT_GT(box.unknown_, 0u);
  EXPECT_EQ(box.accepted_.size() + box.unknown_, 200u);
  EXPECT_EQ(sim_->stats().submits, 200u);  // the client never resent on its own
  EXPECT_EQ(sim_->stats().swallowed, box.unknown_);
}

TEST_F(SmppLinkTest, DropsMidWindowLoseNothingAndDuplicateOnlyWhatWasInFlight) {
  SmscSimulatorConfig sc;
  sc.drop_after_submits = 150;
  sc.response_delay = 2ms;  // keep a window's worth in flight when the link drops
  startSimulator(sc);
  Outbox& box = outbox(1000, /*resend_unknown=*/true);
  auto cfg = clientConfig();
  cfg.window = 30;
  startClient(box, cfg);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.accepted_.size() == 1000; }, 60s))
      << box.accepted_.size();
  const auto counts = sim_->submitCounts();
  uint64_t duplicates = 0;
  for (const auto& [body, n] : counts) duplicates += n - 1;
  EXPECT_EQ(counts.size(), 1000u);  // nothing lost
  EXPECT_GT(sim_->stats().drops, 0u);
  EXPECT_GT(box.unknown_, 0u);
  EXPECT_LE(duplicates, box.unknown_);  // only in-flight messages can be sent twice
  EXPECT_LE(box.max_in_flight_, 30u);
  EXPECT_GE(clients_[0]->stats().binds, 2u);
}

TEST_F(SmppLinkTest, RefusedBindsBackOffToTheCapWithoutAStorm) {
  SmscSimulatorConfig sc;
  sc.refuse_binds = true;
  startSimulator(sc);
  Outbox& box = outbox();
  auto cfg = clientConfig();
  cfg.reconnect_initial = 20ms;
  cfg.reconnect_max = 160ms;
  auto& client = startClient(box, cfg);
  run();
  std::this_thread::sleep_for(1500ms);
  const auto st = client.stats();
  EXPECT_GE(st.bind_failures, 3u);
  // 20+40+80 ms, then at most one attempt per 80-160 ms: far fewer than a tight loop.
  EXPECT_LE(sim_->stats().bind_refusals, 25u);
  EXPECT_EQ(st.next_reconnect_delay, 160ms);
  EXPECT_EQ(st.binds, 0u);
  EXPECT_EQ(box.lastDetail(LinkEvent::BindRefused), "ESME_RBINDFAIL");
  // Once the SMSC accepts binds again, the client binds and the backoff resets.
  sim_->configure([](SmscSimulatorConfig& c) { c.refuse_binds = false; });
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.count(LinkEvent::Bound) == 1; }, 5s));
  EXPECT_EQ(client.stats().next_reconnect_delay, 20ms);
}

TEST_F(SmppLinkTest, WrongPasswordIsARefusedBind) {
  startSimulator();
  Outbox& box = outbox();
  auto cfg = clientConfig();
  cfg.password = "wrong";
  startClient(box, cfg);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.count(LinkEvent::BindRefused) >= 1; }));
  EXPECT_EQ(box.lastDetail(LinkEvent::BindRefused), "ESME_RINVPASWD");
}

TEST_F(SmppLinkTest, UnansweredEnquireLinkMarksTheLinkDeadAndReconnects) {
  SmscSimulatorConfig sc;
  sc.answer_enquire_link = false;
  startSimulator(sc);
  Outbox& box = outbox();
  auto cfg = clientConfig();
  cfg.enquire_link_interval = 100ms;
  cfg.enquire_link_timeout = 200ms;
  startClient(box, cfg);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.count(LinkEvent::Bound) >= 2; }, 10s));
  EXPECT_GE(box.count(LinkEvent::Disconnected), 1);
  EXPECT_EQ(box.lastDetail(LinkEvent::Disconnected), "enquire_link unanswered");
  EXPECT_GE(sim_->stats().enquire_links, 1u);
}

TEST_F(SmppLinkTest, AnsweredEnquireLinkKeepsAnIdleLinkUp) {
  startSimulator();
  Outbox& box = outbox();
  auto cfg = clientConfig();
  cfg.enquire_link_interval = 50ms;
  cfg.enquire_link_timeout = 200ms;
  auto& client = startClient(box, cfg);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.count(LinkEvent::Bound) == 1; }));
  std::this_thread::sleep_for(600ms);
  EXPECT_GE(sim_->stats().enquire_links, 3u);
  EXPECT_EQ(client.stats().disconnects, 0u);
}

TEST_F(SmppLinkTest, UnknownCommandIdGetsGenericNackAndTheLinkStaysUp) {
  startSimulator();
  Outbox& box = outbox(10);
  auto& client = startClient(box, clientConfig());
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.accepted_.size() == 10; }));
  // command_length 16, command_id 0x00000999, status 0, sequence 77.
  sim_->sendRawToAll(
      std::string("\x00\x00\x00\x10\x00\x00\x09\x99\x00\x00\x00\x00\x00\x00\x00\x4d", 16));
  ASSERT_TRUE(eventually([&] { return sim_->stats().generic_nacks == 1; }));
  {
    std::lock_guard lock(box.mu_);
    for (int i = 10; i < 20; ++i) box.queue_.push_back(static_cast<uint64_t>(i));
  }
  client.notifyWork();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.accepted_.size() == 20; }));
  EXPECT_EQ(client.stats().disconnects, 0u);
}

TEST_F(SmppLinkTest, MobileOriginatedMessagesReachTheHandler) {
  startSimulator();
  Outbox& box = outbox();
  startClient(box, clientConfig());
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.count(LinkEvent::Bound) == 1; }));
  SmscSimulator::MobileOriginated mo;
  mo.source_addr = "33612345678";
  mo.destination_addr = "12345";
  mo.short_message = "2";
  ASSERT_TRUE(sim_->sendMobileOriginated(mo));
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.mo_.size() == 1; }));
  EXPECT_EQ(box.mo_[0], "2");
  ASSERT_TRUE(eventually([&] { return sim_->stats().mo_acked == 1; }));
}

TEST_F(SmppLinkTest, StopUnbindsGracefully) {
  startSimulator();
  Outbox& box = outbox(100);
  auto& client = startClient(box, clientConfig());
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.accepted_.size() == 100; }));
  client.stop();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.count(LinkEvent::Stopped) == 1; }));
  EXPECT_EQ(sim_->stats().unbinds, 1u);
  EXPECT_EQ(box.unknown_, 0u);
}

using liaison::testing::makeCertificate;

TEST_F(SmppLinkTest, TlsLinkWithAVerifiedCertificate) {
  liaison::testing::TempDir dir;
  ASSERT_TRUE(makeCertificate(dir, "smsc")) << "the openssl command is needed (scripts/setup)";
  SmscSimulatorConfig sc;
  sc.tls_cert_file = dir.file("smsc.pem");
  sc.tls_key_file = dir.file("smsc.key");
  startSimulator(sc);
  Outbox& box = outbox(500);
  auto cfg = clientConfig();
  cfg.tls = true;
  cfg.tls_ca_file = dir.file("smsc.pem");
  startClient(box, cfg);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.receipted_.size() == 500; }))
      << box.lastDetail(LinkEvent::Disconnected);
  EXPECT_EQ(box.unknown_, 0u);
}

TEST_F(SmppLinkTest, TlsRefusesACertificateItCannotVerify) {
  liaison::testing::TempDir dir;
  ASSERT_TRUE(makeCertificate(dir, "smsc"));
  ASSERT_TRUE(makeCertificate(dir, "other"));
  SmscSimulatorConfig sc;
  sc.tls_cert_file = dir.file("smsc.pem");
  sc.tls_key_file = dir.file("smsc.key");
  startSimulator(sc);
  Outbox& box = outbox(10);
  auto cfg = clientConfig();
  cfg.tls = true;
  cfg.tls_ca_file = dir.file("other.pem");  // trusts a different certificate
  startClient(box, cfg);
  run();
  ASSERT_TRUE(box.waitFor([](Outbox& b) { return b.count(LinkEvent::Disconnected) >= 2; }));
  EXPECT_EQ(box.lastDetail(LinkEvent::Disconnected), "TLS handshake failed");
  EXPECT_EQ(sim_->stats().binds, 0u);
  EXPECT_EQ(box.handed_out_, 0u);
}

}  // namespace
}  // namespace liaison::gateway::smpp

namespace liaison::gateway::smpp {
namespace {

// The receipt is written before the submit_sm_resp that names its id: the client still
// reports every outcome and hands every receipt to the handler (the tracker matches them).
TEST_F(SmppLinkTest, ReceiptsBeforeResponsesStillArrive) {
  SmscSimulatorConfig sc;
  sc.receipt_before_response = true;
  startSimulator(sc);
  Outbox& box = outbox(200);
  startClient(box, clientConfig());
  run();
  ASSERT_TRUE(
      box.waitFor([](Outbox& b) { return b.accepted_.size() == 200 && b.receipts_ == 200; }));
  EXPECT_EQ(box.unknown_, 0u);
}

}  // namespace
}  // namespace liaison::gateway::smpp
