// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SmppClient against a third-party SMPP stack: tests/interop/smsc_server.js, an SMSC built on
// node-smpp (npm "smpp", pinned by tests/interop/package-lock.json), run as a child process on
// 127.0.0.1. Covers bind, thousands of submits with delivery receipts matched to their message
// ids, mobile-originated messages, enquire_link, a refused bind and graceful unbind. The peer
// must be installed (scripts/setup runs `npm ci`); a missing node or package fails the test so
// CI cannot silently lose the interop check.
#include <gtest/gtest.h>
#include <unistd.h>

#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "channels/smpp/delivery_receipt.h"
#include "channels/smpp/smpp_client.h"
#include "child_process.h"
#include "recording_handler.h"

#ifndef LIAISON_INTEROP_DIR
#error "LIAISON_INTEROP_DIR must name tests/interop (set by tests/CMakeLists.txt)"
#endif

namespace liaison::gateway::smpp {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr auto kWait = 60s;  // every wait on the peer is bounded by this

// node from $LIAISON_NODE, else the one CMake found (LIAISON_NODE), else the first on $PATH.
std::string nodeExecutable() {
  if (const char* env = std::getenv("LIAISON_NODE"); env && *env) return env;
#ifdef LIAISON_NODE
  if (std::string found = LIAISON_NODE; found.find("NOTFOUND") == std::string::npos) return found;
#endif
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / "node";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

// The node SMSC as a child process (see tests/support/child_process.h): commands on its
// stdin, one line per answer on its stdout; it exits on stdin EOF.
class NodeSmsc {
 public:
  // Starts `node smsc_server.js args...`; returns an error text, empty on success.
  std::string start(const std::string& node, const std::vector<std::string>& args) {
    std::vector<std::string> argv{node, (fs::path(LIAISON_INTEROP_DIR) / "smsc_server.js")};
    argv.insert(argv.end(), args.begin(), args.end());
    return process_.start(argv);
  }
  bool send(const std::string& line) { return process_.writeLine(line); }
  std::optional<std::string> readLine(std::chrono::milliseconds timeout = kWait) {
    return process_.readLine(timeout);
  }
  // Asks for the peer's counters (one JSON line); null on timeout or garbage.
  nlohmann::json stats() {
    if (!send("STATS")) return nullptr;
    auto line = readLine();
    if (!line) return nullptr;
    return nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
  }
  // Closes stdin and waits for the exit; the exit code, -signal, or nullopt on timeout.
  std::optional<int> stop(std::chrono::milliseconds timeout) {
    return process_.closeAndWait(timeout);
  }

 private:
  liaison::testing::ChildProcess process_;
};

// The outreach side as a test double (as in smpp_link_test.cc): numbered messages out,
// receipts matched back to them by message id, MO texts and link events recorded.
class Outbox : public RecordingHandler<Outbox> {
 public:
  explicit Outbox(uint64_t count = 0) : to_send_(count) {}

  bool nextSubmit(OutboundSubmit& out) override {
    std::lock_guard lock(mu_);
    if (handed_out_ == to_send_) return false;
    out.ref = handed_out_++;
    out.source_addr = "LIAISON";
    out.destination_addr = "4915112345678";
    out.short_message = "msg-" + std::to_string(out.ref);
    out.registered_delivery = 1;
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
      case SubmitOutcomeKind::Rejected: ++rejected_; break;
      case SubmitOutcomeKind::Unknown: ++unknown_; break;
    }
    cv_.notify_all();
  }

  CommandStatus onDeliver(const Pdu& pdu) override {
    std::lock_guard lock(mu_);
    const auto* d = pdu.as<DeliverSm>();
    if (!d) {
      ++other_pdus_;
    } else if (isDeliveryReceipt(d->esm_class)) {
      ++receipts_;
      if (auto r = extractDeliveryReceipt(*d)) {
        if (r->state == MessageState::Delivered && r->id_from_tlv && r->state_from_tlv &&
            r->submit_date && r->done_date && r->network_error_code &&
            r->network_error_code->network_type == 3) {
          ++well_formed_receipts_;
        }
        bool matched = false;
        for (const auto& key : messageIdCandidates(r->message_id)) {
          if (auto it = ids_.find(key); it != ids_.end()) {
            matched = receipted_.insert(it->second).second;
            break;
          }
        }
        if (!matched) unmatched_.emplace_back(r->message_id);
      }
    } else {
      mo_.emplace_back(d->short_message);
    }
    cv_.notify_all();
    return CommandStatus::Ok;
  }

  uint64_t to_send_;
  uint64_t handed_out_ = 0, outcomes_ = 0, max_in_flight_ = 0, rejected_ = 0, unknown_ = 0;
  uint64_t receipts_ = 0, well_formed_receipts_ = 0, other_pdus_ = 0;
  std::set<uint64_t> accepted_, receipted_;
  std::map<std::string, uint64_t> ids_;
  std::vector<std::string> unmatched_, mo_;
};

class NodeSmppInteropTest : public ::testing::Test {
 protected:
  // Starts the node SMSC and reads its port; fails (never skips) when the peer is missing.
  void startSmsc(std::vector<std::string> args = {}) {
    const std::string node = nodeExecutable();
    ASSERT_FALSE(node.empty()) << "node not found: run scripts/setup (installs nodejs and npm)";
    const fs::path package = fs::path(LIAISON_INTEROP_DIR) / "node_modules/smpp/package.json";
    ASSERT_TRUE(fs::exists(package))
        << package << " is missing: run scripts/setup (npm ci --prefix tests/interop)";
    args.insert(args.end(), {"--system-id", "liaison", "--password", "pw"});
    const std::string error = smsc_.start(node, args);
    ASSERT_TRUE(error.empty()) << error << ": run scripts/setup (installs nodejs and npm)";
    const auto line = smsc_.readLine(kWait);
    ASSERT_TRUE(line && line->rfind("PORT ", 0) == 0)
        << "smsc_server.js did not report its port: " << line.value_or("<eof or timeout>");
    port_ = static_cast<uint16_t>(std::stoi(line->substr(5)));
    ASSERT_GT(port_, 0);
  }
  SmppClientConfig clientConfig() {
    SmppClientConfig c;
    c.port = port_;
    c.system_id = "liaison";
    c.password = "pw";
    c.mode = BindMode::Transceiver;
    c.window = 50;
    c.reconnect_initial = 20ms;
    c.reconnect_max = 200ms;
    return c;
  }
  SmppClient& startClient(SmppClientConfig config) {
    client_ = std::make_unique<SmppClient>(ioc_, config, box_);
    client_->start();
    work_ = std::make_unique<Guard>(ioc_.get_executor());
    thread_ = std::thread([this] { ioc_.run(); });
    return *client_;
  }
  // Stops the client (unbind) and waits, bounded, for LinkEvent::Stopped.
  bool stopClient() {
    if (!client_) return true;
    client_->stop();
    return box_.waitFor([](Outbox& b) { return b.count(LinkEvent::Stopped) == 1; }, 10s);
  }
  void TearDown() override {
    stopClient();
    work_.reset();
    if (thread_.joinable()) {
      ioc_.stop();
      thread_.join();
    }
    // smsc_'s destructor closes its stdin, waits and, if needed, kills and reaps it.
  }

  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  NodeSmsc smsc_;
  uint16_t port_ = 0;
  boost::asio::io_context ioc_;
  std::unique_ptr<Guard> work_;
  Outbox box_{3000};  // outlives the client's last callback (declared before client_)
  std::unique_ptr<SmppClient> client_;
  std::thread thread_;
};

TEST_F(NodeSmppInteropTest, SubmitsWithReceiptsThenMobileOriginatedThenUnbind) {
  constexpr uint64_t kSubmits = 3000;
  constexpr int kMo = 50;
  ASSERT_NO_FATAL_FAILURE(startSmsc());
  startClient(clientConfig());

  ASSERT_TRUE(box_.waitFor([](Outbox& b) { return b.receipted_.size() == kSubmits; }))
      << "accepted " << box_.accepted_.size() << ", receipts " << box_.receipts_ << ", unmatched "
      << box_.unmatched_.size() << ", rejected " << box_.rejected_ << ", unknown " << box_.unknown_;
  {
    std::lock_guard lock(box_.mu_);
    EXPECT_EQ(box_.count(LinkEvent::Bound), 1);
    EXPECT_EQ(box_.accepted_.size(), kSubmits);
    EXPECT_EQ(box_.rejected_, 0u);
    EXPECT_EQ(box_.unknown_, 0u);
    EXPECT_EQ(box_.receipts_, kSubmits);
    EXPECT_EQ(box_.well_formed_receipts_, kSubmits);
    EXPECT_TRUE(box_.unmatched_.empty()) << "first unmatched id: " << box_.unmatched_[0];
    EXPECT_EQ(box_.ids_.size(), kSubmits);  // every message id distinct
    EXPECT_LE(box_.max_in_flight_, 50u);
  }

  ASSERT_TRUE(smsc_.send("MO " + std::to_string(kMo)));
  ASSERT_TRUE(box_.waitFor([](Outbox& b) { return b.mo_.size() >= kMo; })) << box_.mo_.size();
  {
    std::lock_guard lock(box_.mu_);
    std::vector<std::string> expected;
    for (int i = 0; i < kMo; ++i) expected.push_back("mo-" + std::to_string(i));
    EXPECT_EQ(box_.mo_, expected);  // one bind, one TCP stream: order is kept
    EXPECT_EQ(box_.other_pdus_, 0u);
  }

  ASSERT_TRUE(stopClient()) << "no LinkEvent::Stopped";
  {
    // The only link close is the graceful one (our unbind answered by node-smpp's
    // unbind_resp), which is a stop, not a disconnect.
    std::lock_guard lock(box_.mu_);
    EXPECT_EQ(box_.count(LinkEvent::Disconnected), 0);
    EXPECT_EQ(box_.count(LinkEvent::Stopped), 1);
  }
  const auto stats = client_->stats();
  EXPECT_EQ(stats.accepted, kSubmits);
  EXPECT_EQ(stats.delivers, kSubmits + kMo);
  EXPECT_EQ(stats.binds, 1u);
  EXPECT_EQ(stats.disconnects, 0u);  // a graceful stop is not a link failure
  EXPECT_EQ(stats.late_responses, 0u);
  EXPECT_EQ(stats.generic_nacks_sent, 0u);

  const nlohmann::json peer = smsc_.stats();
  ASSERT_TRUE(peer.is_object()) << "no STATS reply";
  EXPECT_EQ(peer.value("binds", -1), 1) << peer.dump();
  EXPECT_EQ(peer.value("submits", -1), static_cast<int>(kSubmits)) << peer.dump();
  EXPECT_EQ(peer.value("receipts_sent", -1), static_cast<int>(kSubmits)) << peer.dump();
  EXPECT_EQ(peer.value("receipts_acked", -1), static_cast<int>(kSubmits)) << peer.dump();
  EXPECT_EQ(peer.value("mo_sent", -1), kMo) << peer.dump();
  EXPECT_EQ(peer.value("mo_acked", -1), kMo) << peer.dump();
  EXPECT_EQ(peer.value("deliver_errors", -1), 0) << peer.dump();
  EXPECT_EQ(peer.value("unbinds", -1), 1) << peer.dump();
  EXPECT_EQ(smsc_.stop(10s), 0) << "smsc_server.js did not exit cleanly on stdin EOF";
}

// node-smpp answers a failed bind with a header-only bind_transceiver_resp (no system_id).
TEST_F(NodeSmppInteropTest, WrongPasswordIsARefusedBind) {
  ASSERT_NO_FATAL_FAILURE(startSmsc());
  auto cfg = clientConfig();
  cfg.password = "wrong";
  startClient(cfg);
  ASSERT_TRUE(box_.waitFor([](Outbox& b) { return b.count(LinkEvent::BindRefused) >= 1; }));
  std::lock_guard lock(box_.mu_);
  EXPECT_EQ(box_.lastDetail(LinkEvent::BindRefused), "ESME_RINVPASWD");
  EXPECT_EQ(box_.count(LinkEvent::Bound), 0);
}

TEST_F(NodeSmppInteropTest, EnquireLinkKeepsAnIdleLinkUp) {
  ASSERT_NO_FATAL_FAILURE(startSmsc());
  box_.to_send_ = 0;
  auto cfg = clientConfig();
  cfg.enquire_link_interval = 50ms;
  cfg.enquire_link_timeout = 500ms;
  auto& client = startClient(cfg);
  ASSERT_TRUE(box_.waitFor([](Outbox& b) { return b.count(LinkEvent::Bound) == 1; }));
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(client.stats().disconnects, 0u);
  const nlohmann::json peer = smsc_.stats();
  ASSERT_TRUE(peer.is_object()) << "no STATS reply";
  EXPECT_GE(peer.value("enquire_links", 0), 3) << peer.dump();
}

}  // namespace
}  // namespace liaison::gateway::smpp
