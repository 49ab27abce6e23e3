// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SmppChannel against the project's SMSC simulator over real sockets on 127.0.0.1: whole
// messages in, one outcome per message out, over the bind topologies an account can have
// (one transceiver, transmitter + receiver, two transceivers). Covers multi-part GSM and UCS-2
// submits with receipts, receipts overtaking their submit_sm_resp, MO reassembly (out of order,
// duplicated, national language tables, UCS-2), priority, rejections, throttling, bounded
// queues and the graceful stop that hands back what was never sent. The listener double also
// checks the delivery contract: one call at a time, delivery state only after onSubmitted.
#include "channels/smpp/smpp_channel.h"

#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <thread>

#include "channels/smpp/pdu_codec.h"
#include "channels/smpp/smsc_simulator.h"
#include "sms/segmenter.h"

namespace liaison::gateway::smpp {
namespace {

using namespace std::chrono_literals;

constexpr auto kWait = 20s;
constexpr char kDestination[] = "4915112345678";

std::string repeat(std::string_view piece, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += piece;
  return out;
}

// 400 GSM characters: 3 segments of 153.
const std::string kGsmText = repeat("Consulate notice: polls open 9-17h. ", 11).substr(0, 400);
// 98 Cyrillic characters (no GSM table has them): 2 UCS-2 segments of 67.
const std::string kUcs2Text = repeat("Здравствуйте! ", 7);

struct Failure {
  uint32_t status = 0;
  StatusClass status_class = StatusClass::Success;
  bool retryable = false;
};

// The owner as a test double: records every event and checks the listener contract.
class Recorder : public SmppChannelListener {
 public:
  void onSubmitted(uint64_t ref, std::span<const std::string> ids) override {
    Call call(*this);
    std::lock_guard lock(mu_);
    settle(ref);
    submitted_[ref].assign(ids.begin(), ids.end());
    submit_order_.push_back(ref);
    cv_.notify_all();
  }
  void onSubmitFailed(uint64_t ref, uint32_t status, StatusClass c, bool retryable) override {
    Call call(*this);
    std::lock_guard lock(mu_);
    settle(ref);
    failed_[ref] = Failure{status, c, retryable};
    cv_.notify_all();
  }
  void onOutcomeUnknown(uint64_t ref) override {
    Call call(*this);
    std::lock_guard lock(mu_);
    settle(ref);
    unknown_.insert(ref);
    cv_.notify_all();
  }
  void onDeliveryState(uint64_t ref, MessageState state, bool is_final) override {
    Call call(*this);
    std::lock_guard lock(mu_);
    if (!submitted_.count(ref)) ++violations_;  // state before onSubmitted
    if (final_.count(ref)) ++violations_;       // update after a final one
    states_[ref].push_back(state);
    if (is_final) final_[ref] = state;
    cv_.notify_all();
  }
  void onInbound(const CompletedMo& mo) override {
    Call call(*this);
    std::unique_lock lock(mu_);
    inbound_.push_back(mo);
    in_inbound_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !hold_inbound_; });
    in_inbound_ = false;
  }
  void onLinkState(std::size_t bind, LinkEvent event, std::string_view) override {
    Call call(*this);
    std::lock_guard lock(mu_);
    if (event == LinkEvent::Bound) bound_.insert(bind);
    if (event == LinkEvent::Disconnected || event == LinkEvent::Stopped) bound_.erase(bind);
    cv_.notify_all();
  }
  void onStopped(std::vector<OutboundMessage> unsent) override {
    Call call(*this);
    std::lock_guard lock(mu_);
    if (unsent_) ++violations_;  // twice
    for (const auto& m : unsent) settle(m.ref);
    unsent_ = std::move(unsent);
    cv_.notify_all();
  }

  template <class Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(*this); });
  }
  void release() {
    std::lock_guard lock(mu_);
    hold_inbound_ = false;
    cv_.notify_all();
  }

  // A ref's submit outcome must be reported exactly once.
  void settle(uint64_t ref) {
    if (!settled_.insert(ref).second) ++violations_;
  }

  struct Call {
    explicit Call(Recorder& r) : r_(r) {
      if (r_.in_call_.exchange(true)) ++r_.concurrent_calls_;
    }
    ~Call() { r_.in_call_ = false; }
    Recorder& r_;
  };

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, std::vector<std::string>> submitted_;
  std::vector<uint64_t> submit_order_;
  std::map<uint64_t, Failure> failed_;
  std::set<uint64_t> unknown_;
  std::set<uint64_t> settled_;
  std::map<uint64_t, std::vector<MessageState>> states_;
  std::map<uint64_t, MessageState> final_;
  std::vector<CompletedMo> inbound_;
  std::set<std::size_t> bound_;
  std::optional<std::vector<OutboundMessage>> unsent_;
  bool hold_inbound_ = false;
  bool in_inbound_ = false;
  int violations_ = 0;
  std::atomic<bool> in_call_{false};
  std::atomic<int> concurrent_calls_{0};
};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = kWait) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

OutboundMessage message(uint64_t ref, std::string text, Priority priority = Priority::Bulk) {
  OutboundMessage m;
  m.ref = ref;
  m.destination = kDestination;
  m.text = std::move(text);
  m.priority = priority;
  return m;
}

class SmppChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = std::make_unique<Guard>(ioc_.get_executor());
    for (auto& t : threads_) t = std::thread([this] { ioc_.run(); });
  }

  void TearDown() override {
    if (channel_) {
      channel_->stop();
      EXPECT_TRUE(recorder_.waitFor([](Recorder& r) { return r.unsent_.has_value(); }))
          << "onStopped never came";
      channel_.reset();
    }
    EXPECT_EQ(recorder_.violations_, 0) << "listener contract broken";
    EXPECT_EQ(recorder_.concurrent_calls_.load(), 0) << "listener called concurrently";
    if (sim_) {
      sim_->stop();
      // A call that runs on the simulator's strand after stop(): returns once stop() has run.
      EXPECT_FALSE(sim_->sendMobileOriginated({}));
    }
    // Let the channel's internals (released on its strand after the last bind stopped) and
    // the closed connections' handlers finish before the io_context stops.
    std::this_thread::sleep_for(50ms);
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }

  void startSimulator(SmscSimulatorConfig config = {}) {
    config.system_id = "liaison";
    config.password = "pw";
    sim_ = std::make_unique<SmscSimulator>(ioc_, config);
    ASSERT_FALSE(sim_->start());
  }

  SmppClientConfig bind(BindMode mode) {
    SmppClientConfig c;
    c.port = sim_ ? sim_->port() : 1;
    c.system_id = "liaison";
    c.password = "pw";
    c.mode = mode;
    c.reconnect_initial = 20ms;
    c.reconnect_max = 200ms;
    c.response_timeout = 2s;
    c.unbind_timeout = 500ms;
    return c;
  }

  SmppChannelConfig config(std::vector<BindMode> modes) {
    SmppChannelConfig c;
    for (BindMode mode : modes) c.binds.push_back(bind(mode));
    c.source_addr = "LIAISON";
    c.housekeeping_interval = 50ms;
    return c;
  }

  SmppChannel& startChannel(SmppChannelConfig c, bool wait_bound = true) {
    const std::size_t n = c.binds.size();
    channel_ = std::make_unique<SmppChannel>(ioc_, std::move(c), recorder_);
    channel_->start();
    if (wait_bound) {
      EXPECT_TRUE(recorder_.waitFor([n](Recorder& r) { return r.bound_.size() == n; }))
          << "binds did not come up";
    }
    return *channel_;
  }

  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  boost::asio::io_context ioc_;
  std::unique_ptr<Guard> work_;
  std::thread threads_[2];  // two threads, so binds really call in concurrently
  std::unique_ptr<SmscSimulator> sim_;
  Recorder recorder_;  // outlives channel_
  std::unique_ptr<SmppChannel> channel_;
};

// ---- The bind topologies one account can have (STYLE R17: one suite over the modes) ----

struct Topology {
  const char* name;
  std::vector<BindMode> modes;
};

void PrintTo(const Topology& t, std::ostream* os) { *os << t.name; }

class SmppChannelTopologyTest : public SmppChannelTest,
                                public ::testing::WithParamInterface<Topology> {};

TEST_P(SmppChannelTopologyTest, MultipartGsmAndUcs2AreSubmittedThenDelivered) {
  startSimulator();
  SmppChannel& channel = startChannel(config(GetParam().modes));

  const SendResult gsm = channel.send(message(1, kGsmText));
  const SendResult ucs2 = channel.send(message(2, kUcs2Text));
  ASSERT_TRUE(gsm.ok()) << gsm.reason;
  ASSERT_TRUE(ucs2.ok()) << ucs2.reason;
  EXPECT_EQ(gsm.segments, 3u);
  EXPECT_EQ(ucs2.segments, 2u);

  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.final_.size() == 2; }))
      << "submitted " << recorder_.submitted_.size();
  ASSERT_EQ(recorder_.submitted_[1].size(), 3u);
  ASSERT_EQ(recorder_.submitted_[2].size(), 2u);
  std::set<std::string> ids;
  for (const auto& [ref, list] : recorder_.submitted_) ids.insert(list.begin(), list.end());
  EXPECT_EQ(ids.size(), 5u) << "every segment has its own SMSC id";
  EXPECT_EQ(recorder_.final_[1], MessageState::Delivered);
  EXPECT_EQ(recorder_.final_[2], MessageState::Delivered);
  EXPECT_TRUE(recorder_.failed_.empty());
  EXPECT_TRUE(recorder_.unknown_.empty());
  EXPECT_EQ(sim_->stats().submits, 5u);

  const SmppChannelStats s = channel.stats();
  EXPECT_EQ(s.submitted, 2u);
  EXPECT_EQ(s.receipts, 5u);
  EXPECT_EQ(s.tracked_messages, 0u);
  EXPECT_EQ(s.queued_segments, 0u);
  EXPECT_EQ(s.in_flight_segments, 0u);
  if (GetParam().modes[0] == BindMode::Transmitter) {
    // Receipts for the transmitter's submits arrive on the receiver bind (the client counts a
    // deliver_sm after its handler returned, hence the wait).
    EXPECT_TRUE(eventually([&] { return channel.stats().binds[1].client.delivers == 5; }));
    EXPECT_EQ(channel.stats().binds[0].client.delivers, 0u);
  }
}

TEST_P(SmppChannelTopologyTest, UndeliverableReceiptsGiveAFailedFinalState) {
  SmscSimulatorConfig sc;
  sc.receipt_stat = "UNDELIV";
  startSimulator(sc);
  SmppChannel& channel = startChannel(config(GetParam().modes));
  ASSERT_TRUE(channel.send(message(7, kGsmText)).ok());
  ASSERT_TRUE(channel.send(message(8, "Short one")).ok());
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.final_.size() == 2; }));
  EXPECT_EQ(recorder_.final_[7], MessageState::Undeliverable);
  EXPECT_EQ(recorder_.final_[8], MessageState::Undeliverable);
  EXPECT_EQ(recorder_.submitted_.size(), 2u) << "submission itself succeeded";
}

INSTANTIATE_TEST_SUITE_P(
    Binds, SmppChannelTopologyTest,
    ::testing::Values(Topology{"Transceiver", {BindMode::Transceiver}},
                      Topology{"TransmitterReceiver", {BindMode::Transmitter, BindMode::Receiver}},
                      Topology{"TwoTransceivers", {BindMode::Transceiver, BindMode::Transceiver}}),
    [](const ::testing::TestParamInfo<Topology>& param) { return std::string(param.param.name); });

// With a transmitter + receiver pair and delayed responses, the simulator sends each receipt
// on the receiver at once while the submit_sm_resp waits on the transmitter: every receipt
// overtakes its response. (On a single bind the simulator delays both together, so this is the
// topology where the ordering can be produced without changing the simulator.)
TEST_F(SmppChannelTest, ReceiptsOvertakingTheirSubmitResponseStillCompleteMessages) {
  SmscSimulatorConfig sc;
  sc.response_delay = 300ms;
  startSimulator(sc);
  SmppChannel& channel = startChannel(config({BindMode::Transmitter, BindMode::Receiver}));
  ASSERT_TRUE(channel.send(message(1, kGsmText)).ok());
  ASSERT_TRUE(channel.send(message(2, kUcs2Text)).ok());
  ASSERT_TRUE(channel.send(message(3, "One part")).ok());
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.final_.size() == 3; }));
  for (uint64_t ref : {1, 2, 3}) EXPECT_EQ(recorder_.final_[ref], MessageState::Delivered);
  const SmppChannelStats s = channel.stats();
  EXPECT_EQ(s.tracker.early_parked, 6u) << "every receipt came before its response";
  EXPECT_EQ(s.tracker.early_applied, 6u);
  EXPECT_EQ(s.tracker.early_pending, 0u);
  // violations_ (checked in TearDown) proves no delivery state preceded onSubmitted.
}

// The same on one transceiver: the simulator writes each receipt ahead of its response.
TEST_F(SmppChannelTest, ReceiptsAheadOfResponsesOnOneTransceiverStillCompleteMessages) {
  SmscSimulatorConfig sc;
  sc.receipt_before_response = true;
  startSimulator(sc);
  SmppChannel& channel = startChannel(config({BindMode::Transceiver}));
  ASSERT_TRUE(channel.send(message(1, kGsmText)).ok());
  ASSERT_TRUE(channel.send(message(2, "One part")).ok());
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.final_.size() == 2; }));
  for (uint64_t ref : {1, 2}) EXPECT_EQ(recorder_.final_[ref], MessageState::Delivered);
  EXPECT_EQ(channel.stats().tracker.early_parked, 4u);
  EXPECT_EQ(channel.stats().tracker.early_applied, 4u);
}

// ---- Mobile-originated messages ----

struct MoCase {
  const char* label;
  std::string text;
  std::vector<sms::Language> languages;
  sms::Encoding encoding;
  bool national;  // national language shift tables expected
  std::size_t parts;
};

void PrintTo(const MoCase& c, std::ostream* os) { *os << c.label; }

class SmppChannelMoTest : public SmppChannelTest, public ::testing::WithParamInterface<MoCase> {};

// Parts arrive last-first, with a duplicate: exactly one complete message reaches the owner.
TEST_P(SmppChannelMoTest, MultipartMoIsReassembledOnceFromShuffledDuplicatedParts) {
  const MoCase& c = GetParam();
  startSimulator();
  startChannel(config({BindMode::Transceiver}));

  sms::EncodeOptions options;
  options.languages = c.languages;
  options.reference = 0xA7;
  const sms::EncodeResult encoded = sms::encodeText(c.text, options);
  ASSERT_TRUE(encoded.ok()) << encoded.message;
  ASSERT_EQ(encoded.segments.size(), c.parts);
  ASSERT_EQ(encoded.info.choice.encoding, c.encoding);
  ASSERT_EQ(encoded.info.choice.nationalIeOctets() > 0, c.national);

  std::vector<SmscSimulator::MobileOriginated> parts;
  for (const auto& seg : encoded.segments) {
    SmscSimulator::MobileOriginated mo;
    mo.source_addr = "905321234567";
    mo.destination_addr = "LIAISON";
    mo.data_coding = c.encoding == sms::Encoding::Ucs2 ? 0x08 : 0x00;
    mo.esm_class = seg.udh.empty() ? 0 : kEsmClassUdhi;
    mo.short_message.assign(seg.udh.begin(), seg.udh.end());
    mo.short_message.append(seg.payload.begin(), seg.payload.end());
    parts.push_back(mo);
  }
  std::vector<SmscSimulator::MobileOriginated> order(parts.rbegin(), parts.rend());
  order.insert(order.begin() + 1, parts.back());  // the last part twice
  for (const auto& mo : order) ASSERT_TRUE(sim_->sendMobileOriginated(mo));

  ASSERT_TRUE(eventually([&] { return sim_->stats().mo_acked == order.size(); }));
  std::lock_guard lock(recorder_.mu_);
  ASSERT_EQ(recorder_.inbound_.size(), 1u);
  const CompletedMo& got = recorder_.inbound_[0];
  EXPECT_EQ(got.text, c.text);
  EXPECT_EQ(got.completion, MoCompletion::Complete);
  EXPECT_EQ(got.total_parts, c.parts);
  EXPECT_EQ(got.source_addr, "905321234567");
}

INSTANTIATE_TEST_SUITE_P(
    Encodings, SmppChannelMoTest,
    ::testing::Values(
        MoCase{"Gsm7",
               repeat("Answer: YES, I will attend the meeting. ", 9),
               {},
               sms::Encoding::Gsm7,
               false,
               3},
        MoCase{"TurkishShiftTables",
               repeat("Günaydın! Toplantıya katılacağım, teşekkürler. İyi çalışmalar. ", 4),
               {sms::Language::Turkish},
               sms::Encoding::Gsm7,
               true,
               2},
        MoCase{"TurkishUcs2",
               repeat("Günaydın! Toplantıya katılacağım, teşekkürler. ", 2),
               {},
               sms::Encoding::Ucs2,
               false,
               2},
        MoCase{"Ucs2Cyrillic", repeat("Спасибо, я приду. ", 6), {}, sms::Encoding::Ucs2, false, 2}),
    [](const ::testing::TestParamInfo<MoCase>& param) { return std::string(param.param.label); });

TEST_F(SmppChannelTest, InboundIsAcknowledgedOnlyAfterTheListenerReturns) {
  startSimulator();
  startChannel(config({BindMode::Transceiver}));
  recorder_.hold_inbound_ = true;
  SmscSimulator::MobileOriginated mo;
  mo.source_addr = "4915112345678";
  mo.destination_addr = "LIAISON";
  mo.short_message = "STOP";
  ASSERT_TRUE(sim_->sendMobileOriginated(mo));
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.in_inbound_; }));
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(sim_->stats().mo_acked, 0u) << "deliver_sm answered before the owner stored it";
  recorder_.release();
  ASSERT_TRUE(eventually([&] { return sim_->stats().mo_acked == 1; }));
  std::lock_guard lock(recorder_.mu_);
  EXPECT_EQ(recorder_.inbound_.at(0).text, "STOP");
}

TEST_F(SmppChannelTest, DataSmMoReachesTheOwner) {
  startSimulator();
  startChannel(config({BindMode::Transceiver}));
  DataSm d;
  d.source_addr_ton = 1;
  d.source_addr_npi = 1;
  d.source_addr = "4915112345678";
  d.destination_addr = "LIAISON";
  d.tlvs.message_payload = "HELP";
  std::string bytes;
  ASSERT_EQ(encode(makePdu(d, 0x7000), bytes), EncodeError::None);
  sim_->sendRawToAll(bytes);
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.inbound_.size() == 1; }));
  std::lock_guard lock(recorder_.mu_);
  EXPECT_EQ(recorder_.inbound_[0].text, "HELP");
}

TEST_F(SmppChannelTest, IncompleteMoIsHandedOverAsPartialWhenItsPartsTimeOut) {
  startSimulator();
  SmppChannelConfig c = config({BindMode::Transceiver});
  c.reassembly.part_timeout = 100ms;
  startChannel(c);
  sms::EncodeOptions options;
  options.languages = {};
  options.reference = 0x11;
  const sms::EncodeResult encoded = sms::encodeText(kGsmText, options);
  ASSERT_EQ(encoded.segments.size(), 3u);
  SmscSimulator::MobileOriginated mo;
  mo.source_addr = "4915112345678";
  mo.destination_addr = "LIAISON";
  mo.esm_class = kEsmClassUdhi;
  mo.short_message.assign(encoded.segments[0].udh.begin(), encoded.segments[0].udh.end());
  mo.short_message.append(encoded.segments[0].payload.begin(), encoded.segments[0].payload.end());
  ASSERT_TRUE(sim_->sendMobileOriginated(mo));
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.inbound_.size() == 1; }));
  std::lock_guard lock(recorder_.mu_);
  const CompletedMo& got = recorder_.inbound_[0];
  EXPECT_EQ(got.completion, MoCompletion::Expired);
  EXPECT_TRUE(got.partial());
  EXPECT_EQ(got.received_parts, 1u);
  EXPECT_EQ(got.text.rfind(kGsmText.substr(0, 153), 0), 0u) << "first part, then a gap marker";
}

TEST_F(SmppChannelTest, TrackingBoundReportsUnknownAtOnceInsteadOfGrowing) {
  SmscSimulatorConfig sc;
  sc.receipts = false;  // an SMSC that never sends receipts
  startSimulator(sc);
  SmppChannelConfig c = config({BindMode::Transceiver});
  c.max_tracked_messages = 1;
  SmppChannel& channel = startChannel(c);
  ASSERT_TRUE(channel.send(message(1, "first")).ok());
  ASSERT_TRUE(channel.send(message(2, "second")).ok());
  ASSERT_TRUE(recorder_.waitFor(
      [](Recorder& r) { return r.submitted_.size() == 2 && r.final_.size() == 1; }));
  std::lock_guard lock(recorder_.mu_);
  EXPECT_EQ(recorder_.final_.begin()->second, MessageState::Unknown);
  const SmppChannelStats s = channel.stats();
  EXPECT_EQ(s.tracking_refused, 1u);
  EXPECT_EQ(s.tracked_messages, 1u);
}

// ---- Ordering, failures, bounds, stop ----

TEST_F(SmppChannelTest, PriorityMessageOvertakesQueuedBulk) {
  startSimulator();
  SmppChannelConfig c = config({BindMode::Transceiver});
  c.segments_per_second = 20;
  SmppChannel& channel = startChannel(c);
  for (uint64_t ref = 1; ref <= 50; ++ref) {
    ASSERT_TRUE(channel.send(message(ref, "Bulk notice " + std::to_string(ref))).ok());
  }
  ASSERT_TRUE(channel.send(message(1000, "You will get no more messages.", Priority::High)).ok());
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.submitted_.size() == 51; }));
  const auto& order = recorder_.submit_order_;
  const auto position = std::find(order.begin(), order.end(), 1000u) - order.begin();
  EXPECT_LT(position, 5) << "the confirmation waited behind bulk";
  // Bulk keeps its own order.
  std::vector<uint64_t> bulk;
  for (uint64_t ref : order) {
    if (ref != 1000) bulk.push_back(ref);
  }
  EXPECT_TRUE(std::is_sorted(bulk.begin(), bulk.end()));
}

struct RejectCase {
  const char* label;
  CommandStatus status;
  StatusClass status_class;
  bool retryable;
};

void PrintTo(const RejectCase& c, std::ostream* os) { *os << c.label; }

class SmppChannelRejectTest : public SmppChannelTest,
                              public ::testing::WithParamInterface<RejectCase> {};

TEST_P(SmppChannelRejectTest, EveryMessageFailsOnceWithTheStatusClass) {
  const RejectCase& c = GetParam();
  SmscSimulatorConfig sc;
  sc.error_share = 1;
  sc.error_status = static_cast<uint32_t>(c.status);
  startSimulator(sc);
  SmppChannel& channel = startChannel(config({BindMode::Transceiver}));
  ASSERT_TRUE(channel.send(message(1, "One part")).ok());
  ASSERT_TRUE(channel.send(message(2, kGsmText)).ok());
  ASSERT_TRUE(channel.send(message(3, kUcs2Text)).ok());
  ASSERT_TRUE(channel.send(message(4, "Another")).ok());
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.failed_.size() == 4; }));
  for (const auto& [ref, f] : recorder_.failed_) {
    EXPECT_EQ(f.status, static_cast<uint32_t>(c.status)) << ref;
    EXPECT_EQ(f.status_class, c.status_class) << ref;
    EXPECT_EQ(f.retryable, c.retryable) << ref;
  }
  EXPECT_TRUE(recorder_.submitted_.empty());
  EXPECT_TRUE(recorder_.states_.empty()) << "no receipt tracking for failed messages";
  ASSERT_TRUE(eventually([&] {
    const SmppChannelStats s = channel.stats();
    return s.submitting_messages == 0 && s.in_flight_segments == 0;
  }));
}

INSTANTIATE_TEST_SUITE_P(Statuses, SmppChannelRejectTest,
                         ::testing::Values(RejectCase{"InvalidDestination",
                                                      CommandStatus::InvalidDestAddress,
                                                      StatusClass::Permanent, false},
                                           RejectCase{"SystemError", CommandStatus::SystemError,
                                                      StatusClass::Transient, true}),
                         [](const ::testing::TestParamInfo<RejectCase>& param) {
                           return std::string(param.param.label);
                         });

TEST_F(SmppChannelTest, ThrottleStormSlowsDownButEveryMessageIsSubmitted) {
  SmscSimulatorConfig sc;
  sc.throttle_share = 0.5;
  startSimulator(sc);
  SmppChannelConfig c = config({BindMode::Transceiver, BindMode::Transceiver});
  c.segments_per_second = 2000;
  for (auto& b : c.binds) {
    b.throttle_backoff_initial = 5ms;
    b.throttle_backoff_max = 50ms;
  }
  SmppChannel& channel = startChannel(c);
  for (uint64_t ref = 1; ref <= 150; ++ref) {
    ASSERT_TRUE(
        channel.send(message(ref, ref % 3 ? "Notice " + std::to_string(ref) : kGsmText)).ok());
  }
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.submitted_.size() == 150; }))
      << recorder_.submitted_.size();
  EXPECT_TRUE(recorder_.failed_.empty());
  EXPECT_TRUE(recorder_.unknown_.empty());
  EXPECT_GT(sim_->stats().throttled, 0u);
  const SmppChannelStats s = channel.stats();
  EXPECT_GT(s.binds[0].client.accepted, 0u) << "both binds share the work";
  EXPECT_GT(s.binds[1].client.accepted, 0u) << "both binds share the work";
}

TEST_F(SmppChannelTest, BlackHoledResponsesAreReportedUnknownOnceAndNeverResent) {
  SmscSimulatorConfig sc;
  sc.swallow_share = 1;
  startSimulator(sc);
  SmppChannelConfig c = config({BindMode::Transceiver});
  c.binds[0].response_timeout = 300ms;
  SmppChannel& channel = startChannel(c);
  ASSERT_TRUE(channel.send(message(1, kGsmText)).ok());
  ASSERT_TRUE(channel.send(message(2, "One part")).ok());
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.unknown_.size() == 2; }));
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(sim_->stats().submits, 4u) << "the channel resent on its own";
  EXPECT_EQ(recorder_.unknown_, (std::set<uint64_t>{1, 2}));
  EXPECT_EQ(channel.stats().outcome_unknown, 2u);
}

TEST_F(SmppChannelTest, FullQueueSaysSoAndPriorityHasItsOwnRoom) {
  // No SMSC at all: nothing drains, so the bounds are exact.
  SmppChannelConfig c = config({BindMode::Transceiver});
  c.max_queued_segments = 5;
  c.max_queued_priority_segments = 3;
  SmppChannel& channel = startChannel(c, /*wait_bound=*/false);
  for (uint64_t ref = 1; ref <= 5; ++ref) ASSERT_TRUE(channel.send(message(ref, "x")).ok());
  const SendResult full = channel.send(message(6, "x"));
  EXPECT_EQ(full.status, SendStatus::QueueFull);
  EXPECT_TRUE(full.retryable());
  EXPECT_EQ(sendStatusName(full.status), "queue_full");
  const SendResult huge = channel.send(message(7, kGsmText + kGsmText));  // 6 segments > 5
  EXPECT_EQ(huge.status, SendStatus::InvalidMessage);
  EXPECT_FALSE(huge.retryable());
  EXPECT_TRUE(channel.send(message(8, kGsmText, Priority::High)).ok());  // 3 segments
  EXPECT_EQ(channel.send(message(9, "x", Priority::High)).status, SendStatus::QueueFull);

  const SmppChannelStats s = channel.stats();
  EXPECT_EQ(s.queued_messages, 6u);
  EXPECT_EQ(s.queued_segments, 8u);
  EXPECT_EQ(s.queued_priority_segments, 3u);
  EXPECT_EQ(s.queue_full, 2u);
  EXPECT_FALSE(s.binds[0].bound);

  channel.stop();
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.unsent_.has_value(); }));
  std::set<uint64_t> back;
  for (const auto& m : *recorder_.unsent_) back.insert(m.ref);
  EXPECT_EQ(back, (std::set<uint64_t>{1, 2, 3, 4, 5, 8}));
  EXPECT_EQ(channel.send(message(10, "x")).status, SendStatus::Stopped);
}

TEST_F(SmppChannelTest, StopHandsBackEveryUnsentMessageAndDropsNothing) {
  startSimulator();
  SmppChannelConfig c = config({BindMode::Transceiver});
  c.segments_per_second = 20;
  SmppChannel& channel = startChannel(c);
  std::map<uint64_t, std::string> texts;
  std::size_t segments_of_submitted = 0;
  std::map<uint64_t, std::size_t> segments;
  for (uint64_t ref = 1; ref <= 40; ++ref) {
    texts[ref] = ref % 4 ? "Notice " + std::to_string(ref) : kGsmText;
    const SendResult r = channel.send(message(ref, texts[ref]));
    ASSERT_TRUE(r.ok());
    segments[ref] = r.segments;
  }
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.submitted_.size() >= 4; }));
  channel.stop();
  EXPECT_EQ(channel.send(message(99, "late")).status, SendStatus::Stopped);
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.unsent_.has_value(); }));

  std::lock_guard lock(recorder_.mu_);
  EXPECT_FALSE(recorder_.unsent_->empty());
  // Every message is accounted for exactly once (settle() counts doubles as violations).
  EXPECT_EQ(recorder_.settled_.size(), 40u);
  for (const auto& m : *recorder_.unsent_) {
    EXPECT_EQ(m.text, texts[m.ref]) << "handed back as given";
    EXPECT_EQ(m.destination, kDestination);
  }
  // A message that was started was finished, never cut short.
  EXPECT_TRUE(recorder_.unknown_.empty());
  for (const auto& [ref, ids] : recorder_.submitted_) segments_of_submitted += segments[ref];
  EXPECT_EQ(sim_->stats().submits, segments_of_submitted);
  EXPECT_EQ(channel.stats().handed_back, recorder_.unsent_->size());
}

struct InvalidCase {
  const char* label;
  OutboundMessage message;
  SendStatus status;
  sms::EncodeError encode_error;
};

OutboundMessage withDestination(std::string destination) {
  OutboundMessage m = message(1, "hello");
  m.destination = std::move(destination);
  return m;
}
OutboundMessage withSegment(std::string short_message) {
  OutboundMessage m = message(1, "");
  m.segments.push_back(EncodedSegment{std::move(short_message), 4, false});
  return m;
}

TEST_F(SmppChannelTest, InvalidMessagesAreRefusedWithAReason) {
  SmppChannelConfig c = config({BindMode::Transceiver});
  c.max_segments_per_message = 2;
  channel_ = std::make_unique<SmppChannel>(ioc_, c, recorder_);  // never started
  const InvalidCase cases[] = {
      {"empty destination", withDestination(""), SendStatus::InvalidMessage,
       sms::EncodeError::None},
      {"letters", withDestination("49151abc"), SendStatus::InvalidMessage, sms::EncodeError::None},
      {"16 digits", withDestination("4915112345678901"), SendStatus::InvalidMessage,
       sms::EncodeError::None},
      {"empty text", message(1, ""), SendStatus::InvalidMessage, sms::EncodeError::None},
      {"bad utf-8", message(1, "caf\xC3"), SendStatus::InvalidMessage,
       sms::EncodeError::InvalidUtf8},
      {"too many segments", message(1, kGsmText), SendStatus::InvalidMessage,
       sms::EncodeError::TooManySegments},
      {"segment too long", withSegment(std::string(255, 'x')), SendStatus::InvalidMessage,
       sms::EncodeError::None},
  };
  for (const auto& tc : cases) {
    const SendResult r = channel_->send(tc.message);
    EXPECT_EQ(r.status, tc.status) << tc.label;
    EXPECT_EQ(r.encode_error, tc.encode_error) << tc.label;
    EXPECT_FALSE(r.reason.empty()) << tc.label;
    EXPECT_EQ(r.reason.find(kDestination), std::string_view::npos) << "PII in reason";
  }
  // "+" prefix accepted; the same ref twice while queued is refused.
  EXPECT_TRUE(channel_->send(withDestination("+4915112345678")).ok());
  EXPECT_EQ(channel_->send(message(1, "again")).status, SendStatus::DuplicateRef);
  EXPECT_EQ(channel_->stats().invalid_messages, 8u);
  EXPECT_THROW({ SmppChannel none(ioc_, SmppChannelConfig{}, recorder_); }, std::invalid_argument);
  EXPECT_THROW({ SmppChannel receive_only(ioc_, config({BindMode::Receiver}), recorder_); },
               std::invalid_argument);
}

TEST_F(SmppChannelTest, PreEncodedSegmentsGoOutAsGiven) {
  startSimulator();
  SmppChannel& channel = startChannel(config({BindMode::Transceiver}));
  OutboundMessage m = message(5, "");
  // Two 8-bit data parts with a concatenation UDH (ref 0x33, 2 parts).
  m.segments.push_back(EncodedSegment{std::string("\x05\x00\x03\x33\x02\x01"
                                                  "AB",
                                                  8),
                                      4, true});
  m.segments.push_back(EncodedSegment{std::string("\x05\x00\x03\x33\x02\x02"
                                                  "CD",
                                                  8),
                                      4, true});
  m.validity = std::chrono::hours(9);
  ASSERT_TRUE(channel.send(std::move(m)).ok());
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.final_.count(5) == 1; }));
  EXPECT_EQ(recorder_.submitted_[5].size(), 2u);
  const auto counts = sim_->submitCounts();
  EXPECT_EQ(counts.count(std::string("\x05\x00\x03\x33\x02\x01"
                                     "AB",
                                     8)),
            1u);
  EXPECT_EQ(counts.count(std::string("\x05\x00\x03\x33\x02\x02"
                                     "CD",
                                     8)),
            1u);
}

TEST_F(SmppChannelTest, MessagesWithoutReceiptRequestAreNotTracked) {
  startSimulator();
  SmppChannel& channel = startChannel(config({BindMode::Transceiver}));
  OutboundMessage m = message(3, kGsmText);
  m.request_receipt = false;
  ASSERT_TRUE(channel.send(std::move(m)).ok());
  ASSERT_TRUE(recorder_.waitFor([](Recorder& r) { return r.submitted_.count(3) == 1; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(sim_->stats().receipts_sent, 0u);
  EXPECT_EQ(channel.stats().tracked_messages, 0u);
  EXPECT_TRUE(recorder_.states_.empty());
}

TEST_F(SmppChannelTest, DestroyingAChannelDetachesTheListener) {
  startSimulator();
  startChannel(config({BindMode::Transceiver}));
  channel_.reset();  // no stop(), no onStopped: the listener is simply no longer called
  std::this_thread::sleep_for(200ms);
  std::lock_guard lock(recorder_.mu_);
  EXPECT_FALSE(recorder_.unsent_.has_value());
}

}  // namespace
}  // namespace liaison::gateway::smpp
