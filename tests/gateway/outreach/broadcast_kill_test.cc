// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// kill -9 mid-broadcast (DESIGN.md promises 1 and 2). The SMSC simulator runs in this process
// and counts every submit_sm per message body; liaison_test_broadcast (broadcast_child.cc)
// runs the real Dispatcher on a real SQLite ledger in a child process. The child is SIGKILLed
// once (or twice) while the simulator has seen only part of the broadcast, then started again
// and left to finish. Afterwards every row must be in a state its resend policy allows, every
// at-least-once message must have reached the SMSC, no never-resend message may have reached it
// twice, and the duplicates must stay within what the dispatcher lets be in flight per kill.
#include <gtest/gtest.h>
#include <signal.h>

#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "channels/smpp/smsc_simulator.h"
#include "child_process.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::outreach {
namespace {

using namespace std::chrono_literals;
using liaison::testing::ChildProcess;
using liaison::testing::TempDir;

constexpr int kNotices = 3000;  // at-least-once
constexpr int kPolls = 600;     // never-resend
constexpr int kTotal = kNotices + kPolls;
constexpr int kMaxOutstanding = 150;  // rows the child lets be in sending: the duplicate bound
constexpr char kRate[] = "2000";      // segments per second: the broadcast takes ~2 s

struct KillPlan {
  const char* name;
  std::vector<double> kill_at;  // shares of all submits the simulator has seen at each kill
};

void PrintTo(const KillPlan& p, std::ostream* os) { *os << p.name; }

std::string noticeBody(int i) { return "Notice " + std::to_string(100000 + i) + " from consulate"; }
std::string pollBody(int i) { return "Poll " + std::to_string(100000 + i) + " reply 1 or 2"; }

class BroadcastKillTest : public ::testing::TestWithParam<KillPlan> {
 protected:
  void SetUp() override {
    work_ = std::make_unique<Guard>(ioc_.get_executor());
    for (auto& t : threads_) t = std::thread([this] { ioc_.run(); });
    smpp::SmscSimulatorConfig sc;
    sc.system_id = "liaison";
    sc.password = "pw";
    sim_ = std::make_unique<smpp::SmscSimulator>(ioc_, sc);
    ASSERT_FALSE(sim_->start());
  }

  void TearDown() override {
    sim_->stop();
    EXPECT_FALSE(sim_->sendMobileOriginated({}));  // returns once stop() has run
    std::this_thread::sleep_for(50ms);
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }

  // Contacts and the broadcast rows, committed before any child runs; the test's connection
  // is closed again so the children are the only writers.
  void seed() {
    auto db = store::SqliteStore::open(dir_.file("g.db"));
    store::SqliteContactStore contacts(db->database());
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    {
      std::unique_ptr<store::ContactWriteBatch> batch;
      ASSERT_FALSE(contacts.beginBatch("t1", now, &batch));
      for (int i = 0; i < kNotices; ++i) {
        store::Contact c;
        c.phone_e164 = phone(i);
        c.language = "de";
        c.time_zone = "Europe/Berlin";
        store::UpsertOutcome outcome{};
        std::uint64_t first = 0;
        ASSERT_FALSE(batch->upsert(c, store::ContactUpdate{}, static_cast<std::uint64_t>(i + 1),
                                   &outcome, &first));
      }
      ASSERT_FALSE(batch->commit());
    }
    std::map<std::string, std::int64_t> ids;
    {
      std::error_code ec;
      auto s = db->database().prepare("SELECT id, phone_e164 FROM contacts", &ec);
      ASSERT_FALSE(ec);
      bool row = false;
      while (!s->step(&row) && row) ids[std::string(s->text(1))] = s->int64(0);
    }
    ASSERT_EQ(ids.size(), static_cast<std::size_t>(kNotices));
    std::vector<store::NewOutboxMessage> rows;
    auto add = [&](int i, const std::string& campaign, const std::string& step,
                   const std::string& body, store::ResendPolicy policy) {
      store::NewOutboxMessage m;
      m.tenant_id = "t1";
      m.campaign_id = campaign;
      m.contact_id = ids.at(phone(i));
      m.step = step;
      m.to_e164 = phone(i);
      m.body = body;
      m.language = "de";
      m.resend_policy = policy;
      m.time_zone = "Europe/Berlin";
      m.not_before = now - 1;
      rows.push_back(std::move(m));
    };
    // Interleaved (the claim order is not_before, then id), so poll questions are in flight
    // at every kill point too.
    constexpr int kNoticesPerPoll = kNotices / kPolls;
    for (int i = 0; i < kNotices; ++i) {
      add(i, "notice", "notice", noticeBody(i), store::ResendPolicy::AtLeastOnce);
      if (i % kNoticesPerPoll == 0 && i / kNoticesPerPoll < kPolls) {
        add(i / kNoticesPerPoll, "poll", "q1", pollBody(i / kNoticesPerPoll),
            store::ResendPolicy::Never);
      }
    }
    store::SqliteOutboxStore outbox(db->database(), 1000);
    store::EnqueueCounts counts;
    ASSERT_FALSE(outbox.enqueueBatch(rows, now, &counts));
    ASSERT_EQ(counts.inserted, kTotal);
  }

  static std::string phone(int i) { return "+4915200" + std::to_string(100000 + i); }

  std::vector<std::string> childArgs() {
    return {LIAISON_TEST_BROADCAST,
            "--db",
            dir_.file("g.db"),
            "--smsc-port",
            std::to_string(sim_->port()),
            "--system-id",
            "liaison",
            "--password",
            "pw",
            "--rate",
            kRate,
            "--max-outstanding",
            std::to_string(kMaxOutstanding),
            "--receipt-wait-ms",
            "1000",
            "--timeout-s",
            "90"};
  }

  // Reads the child's progress lines (keeping the last few for failure messages) until `until`
  // holds or the wait ends.
  template <class Pred>
  bool follow(ChildProcess& child, Pred until, std::chrono::seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!until()) {
      if (std::chrono::steady_clock::now() > end) return false;
      if (auto line = child.readLine(5ms)) {
        lines_.push_back(*line);
        if (lines_.size() > 20) lines_.pop_front();
      }
    }
    return true;
  }

  std::string lastLines() const {
    std::string out;
    for (const auto& l : lines_) out += l + "\n";
    return out;
  }

  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  TempDir dir_;
  boost::asio::io_context ioc_;
  std::unique_ptr<Guard> work_;
  std::thread threads_[2];
  std::unique_ptr<smpp::SmscSimulator> sim_;
  std::deque<std::string> lines_;
};

TEST_P(BroadcastKillTest, KillNineMidBroadcastLosesNothingAndBoundsDuplicates) {
  ASSERT_NO_FATAL_FAILURE(seed());
  const std::vector<double>& kills = GetParam().kill_at;

  for (double share : kills) {
    ChildProcess child(childArgs());
    ASSERT_TRUE(child.started()) << child.startError();
    const auto target = static_cast<std::uint64_t>(share * kTotal);
    ASSERT_TRUE(follow(
        child, [&] { return sim_->stats().submits >= target; }, 60s))
        << "the SMSC saw " << sim_->stats().submits << " submits\n"
        << lastLines();
    child.signal(SIGKILL);
    ASSERT_EQ(child.wait(10s), -SIGKILL);
  }
  {
    ChildProcess child(childArgs());
    ASSERT_TRUE(child.started()) << child.startError();
    std::optional<int> rc;
    ASSERT_TRUE(follow(
        child, [&] { return (rc = child.wait(5ms)).has_value(); }, 120s))
        << lastLines();
    ASSERT_EQ(*rc, 0) << lastLines();
  }

  // What the SMSC received, per body.
  const auto received = sim_->submitCounts();
  std::map<std::string, bool> known;
  for (int i = 0; i < kNotices; ++i) known[noticeBody(i)] = true;
  for (int i = 0; i < kPolls; ++i) known[pollBody(i)] = true;
  for (const auto& [body, n] : received) {
    ASSERT_TRUE(known.count(body)) << "a submit the test cannot attribute";
  }
  auto count = [&](const std::string& body) -> std::uint32_t {
    auto it = received.find(body);
    return it == received.end() ? 0 : it->second;
  };

  auto db = store::SqliteStore::open(dir_.file("g.db"));
  std::error_code ec;
  auto s = db->database().prepare(
      "SELECT body, resend_policy, state, attempts FROM outbox ORDER BY id", &ec);
  ASSERT_FALSE(ec);
  int rows = 0, duplicates = 0, resent_rows = 0, unknown_polls = 0, unknown_unsent = 0;
  int delivered = 0;
  bool row = false;
  while (!s->step(&row) && row) {
    ++rows;
    const std::string body(s->text(0));
    const auto policy = static_cast<store::ResendPolicy>(s->int64(1));
    const auto state = static_cast<store::OutboxState>(s->int64(2));
    const auto attempts = static_cast<std::uint32_t>(s->int64(3));
    const std::uint32_t n = count(body);
    const bool sent =
        state == store::OutboxState::Submitted || state == store::OutboxState::Delivered;
    if (state == store::OutboxState::Delivered) ++delivered;
    if (n > 1) duplicates += static_cast<int>(n - 1);
    if (attempts > 1) ++resent_rows;
    EXPECT_LE(n, attempts) << "a message reached the SMSC more often than it was claimed";
    if (policy == store::ResendPolicy::AtLeastOnce) {
      EXPECT_TRUE(sent) << "at-least-once row ends in state " << static_cast<int>(state);
      EXPECT_GE(n, 1u) << "an accepted message never reached the SMSC";
    } else {
      EXPECT_LE(n, 1u) << "a never-resend message reached the SMSC twice";
      if (state == store::OutboxState::Unknown) {
        ++unknown_polls;
        if (n == 0) ++unknown_unsent;
        EXPECT_EQ(attempts, 1u);
      } else {
        EXPECT_TRUE(sent) << "never-resend row ends in state " << static_cast<int>(state);
        EXPECT_EQ(n, 1u);
      }
    }
  }
  EXPECT_EQ(rows, kTotal) << "no row lost";
  const int bound = kMaxOutstanding * static_cast<int>(kills.size());
  EXPECT_LE(duplicates, bound) << "duplicates beyond what was in flight";
  EXPECT_LE(resent_rows, bound);
  EXPECT_LE(unknown_polls, bound);
  EXPECT_GT(delivered, 0);
  std::cout << "[ kill -9 x" << kills.size() << " ] submits=" << sim_->stats().submits
            << " duplicates=" << duplicates << " resent_rows=" << resent_rows
            << " unknown_polls=" << unknown_polls << " (never sent: " << unknown_unsent
            << ") delivered=" << delivered << " bound=" << bound << "\n";
}

INSTANTIATE_TEST_SUITE_P(KillPoints, BroadcastKillTest,
                         ::testing::Values(KillPlan{"At30Percent", {0.3}},
                                           KillPlan{"At20And60Percent", {0.2, 0.6}}),
                         [](const ::testing::TestParamInfo<KillPlan>& param) {
                           return std::string(param.param.name);
                         });

}  // namespace
}  // namespace liaison::gateway::outreach
