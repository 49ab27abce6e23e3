// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Interop with a real third-party gateway: Debian's Kannel (bearerbox + smsbox, and the
// fakesmsc test SMSC from kannel-extras), run as child processes from a kannel.conf written
// into a temporary directory with free ports on 127.0.0.1 (no /etc config, no root). Our HTTP
// channel sends through smsbox's sendsms (GET and POST) with a dlr-url pointing at our webhook;
// fakesmsc shows what reached the "SMSC"; Kannel's delivery reports and the MO messages typed
// into fakesmsc come back to our webhooks, served by the project's HttpServer. The first
// inbound delivery is refused with 503 to see Kannel deliver it again. Then the outbox
// Dispatcher sends ledger rows through the same Kannel; their reports, which carry only our
// ref (the row id), move the rows to delivered in the ledger.
//
// The test fails (it does not skip) when Kannel is missing: scripts/setup installs it.
#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "api/http_server.h"
#include "channels/http/http_channel.h"
#include "channels/http/webhooks.h"
#include "child_process.h"
#include "outreach/delivery_reports.h"
#include "outreach/dispatcher.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

constexpr auto kWait = 60s;
constexpr char kBearerbox[] = "/usr/sbin/bearerbox";
constexpr char kSmsbox[] = "/usr/sbin/smsbox";
constexpr char kFakesmsc[] = "/usr/lib/kannel/test/fakesmsc";

class IoThreads {
 public:
  explicit IoThreads(int n) : guard_(asio::make_work_guard(ioc_)) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~IoThreads() {
    guard_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }
  asio::io_context& ioc() { return ioc_; }

 private:
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

uint16_t freePort() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

bool canConnect(uint16_t port) {
  asio::io_context ioc;
  tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return !ec;
}

template <typename Pred>
bool pollUntil(Pred pred, std::chrono::milliseconds timeout = kWait) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string randomHex(std::size_t bytes) {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    const unsigned v = rd() & 0xff;
    out.push_back(kHex[v >> 4]);
    out.push_back(kHex[v & 0x0f]);
  }
  return out;
}

// "Got message 3: <Consulate +4915112345601 text Hello>" -> destination -> decoded text.
std::map<std::string, std::string> messagesAtFakeSmsc(const std::string& log) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while ((pos = log.find("Got message ", pos)) != std::string::npos) {
    const std::size_t open = log.find('<', pos);
    const std::size_t close = log.find(">\n", open);
    if (open == std::string::npos || close == std::string::npos) break;
    const std::string line = log.substr(open + 1, close - open - 1);
    pos = close;
    std::istringstream words(line);
    std::string from, to, type;
    words >> from >> to >> type;
    std::string data;
    std::getline(words, data);
    if (!data.empty() && data[0] == ' ') data.erase(0, 1);
    std::string text;
    if (type == "text") {
      text = data;
    } else if (type == "data") {
      if (!urlDecode(data, true, &text)) text = "<bad data>";
    } else if (type == "ucs-2" || type == "ucs2") {
      std::string bytes;
      if (!urlDecode(data, true, &bytes) || !utf16beToUtf8(bytes, &text)) text = "<bad ucs2>";
    } else {
      text = "<" + type + ">";
    }
    out[to] = text;
  }
  return out;
}

// Records outcomes of several channels.
class Outcomes : public HttpChannelListener {
 public:
  void onSubmitted(uint64_t ref, std::span<const std::string>) override { set(ref, "submitted"); }
  void onSubmitFailed(uint64_t ref, const SendFailure& f) override {
    set(ref, std::string("failed:") + std::string(failureKindName(f.kind)) + ":" +
                 std::to_string(f.http_status) + (f.retryable ? ":retryable" : ""));
  }
  void onOutcomeUnknown(uint64_t ref, std::string_view reason) override {
    set(ref, "unknown:" + std::string(reason));
  }
  void onStopped(std::vector<OutboundMessage> unsent) override {
    std::lock_guard lock(mu_);
    ++stopped_;
    unsent_ += unsent.size();
    cv_.notify_all();
  }
  bool wait(std::size_t outcomes) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return map_.size() >= outcomes; });
  }
  bool waitStopped(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return stopped_ >= n; });
  }
  std::string of(uint64_t ref) {
    std::lock_guard lock(mu_);
    const auto it = map_.find(ref);
    return it == map_.end() ? "<none>" : it->second;
  }

 private:
  void set(uint64_t ref, std::string what) {
    std::lock_guard lock(mu_);
    map_[ref] = std::move(what);
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, std::string> map_;
  int stopped_ = 0;
  std::size_t unsent_ = 0;
};

// Webhook sinks; the first inbound batch is refused (503) so Kannel has to deliver it again.
struct Sinks {
  std::error_code inbound(const std::vector<InboundSms>& batch) {
    std::lock_guard lock(mu);
    ++inbound_calls;
    if (inbound_calls == 1) return std::make_error_code(std::errc::io_error);
    for (const auto& m : batch) mo.push_back(m);
    return {};
  }
  std::error_code delivery(const std::vector<DeliveryReport>& batch) {
    std::lock_guard lock(mu);  // held over the ledger call: clearing `ledger` waits for it
    for (const auto& d : batch) dlr.push_back(d);
    return ledger ? ledger(batch) : std::error_code{};
  }
  std::size_t moCount() {
    std::lock_guard lock(mu);
    return mo.size();
  }
  // True when every ref got an "accepted by the SMSC" (8) and a final "delivered" (1) report.
  bool delivered(const std::vector<uint64_t>& refs) {
    std::lock_guard lock(mu);
    for (uint64_t ref : refs) {
      bool acked = false, final_delivered = false;
      for (const auto& d : dlr) {
        if (d.ref != ref) continue;
        acked = acked || d.state == smpp::MessageState::Accepted;
        final_delivered =
            final_delivered || (d.state == smpp::MessageState::Delivered && d.is_final);
      }
      if (!acked || !final_delivered) return false;
    }
    return true;
  }

  std::mutex mu;
  int inbound_calls = 0;
  std::vector<InboundSms> mo;
  std::vector<DeliveryReport> dlr;
  // Once set: reports also go to the ledger, as the daemon's delivery sink does.
  std::function<std::error_code(const std::vector<DeliveryReport>&)> ledger;
};

TEST(KannelInterop, SendsReceivesAndReportsThroughRealKannel) {
  for (const char* binary : {kBearerbox, kSmsbox, kFakesmsc}) {
    ASSERT_TRUE(std::filesystem::exists(binary))
        << binary << " is missing: install the Debian packages kannel and kannel-extras "
        << "(scripts/setup does)";
  }
  testing::TempDir dir;
  const std::string token = randomHex(16);
  const std::string password = randomHex(8);

  // Our side: the webhooks on the project's HTTP server.
  Sinks sinks;
  WebhookConfig wc;
  wc.tenant_id = "tenant-k";
  wc.channel = "http:kannel";
  wc.format = WebhookFormat::Kannel;
  wc.auth.mode = WebhookAuthMode::Token;
  wc.auth.secret = token;
  WebhookEndpoint webhooks(
      wc, [&](const std::vector<InboundSms>& b) { return sinks.inbound(b); },
      [&](const std::vector<DeliveryReport>& b) { return sinks.delivery(b); });
  IoThreads web_io(2);
  api::HttpServer server(web_io.ioc(), {}, [&](const api::HttpRequest& r) {
    if (r.path() == "/webhooks/kannel/inbound") return webhooks.handleInbound(r);
    if (r.path() == "/webhooks/kannel/dlr") return webhooks.handleDeliveryReport(r);
    api::HttpResponse nf;
    nf.status = 404;
    return nf;
  });
  ASSERT_FALSE(server.start());
  const std::string web = "http://127.0.0.1:" + std::to_string(server.port());

  // Kannel's side.
  const uint16_t admin_port = freePort(), box_port = freePort(), fake_port = freePort(),
                 sendsms_port = freePort();
  {
    std::ofstream conf(dir.file("kannel.conf"));
    conf << "group = core\n"
         << "admin-port = " << admin_port << "\n"
         << "admin-interface = 127.0.0.1\n"
         << "admin-password = " << randomHex(8) << "\n"
         << "smsbox-port = " << box_port << "\n"
         << "smsbox-interface = 127.0.0.1\n"
         << "box-allow-ip = 127.0.0.1\n"
         << "dlr-storage = internal\n"
         << "log-file = \"" << dir.file("bearerbox.log") << "\"\n"
         << "log-level = 0\n\n"
         << "group = smsc\n"
         << "smsc = fake\n"
         << "smsc-id = fake\n"
         << "port = " << fake_port << "\n"
         << "our-host = 127.0.0.1\n"
         << "connect-allow-ip = 127.0.0.1\n\n"
         << "group = smsbox\n"
         << "bearerbox-host = 127.0.0.1\n"
         << "bearerbox-port = " << box_port << "\n"
         << "sendsms-port = " << sendsms_port << "\n"
         << "sendsms-interface = 127.0.0.1\n"
         << "http-request-retry = 5\n"
         << "http-queue-delay = 1\n"
         << "log-file = \"" << dir.file("smsbox.log") << "\"\n"
         << "log-level = 0\n\n"
         << "group = sendsms-user\n"
         << "username = liaison\n"
         << "password = " << password << "\n"
         << "max-messages = 10\n"
         << "concatenation = true\n\n"
         << "group = sms-service\n"
         << "keyword = default\n"
         << "catch-all = true\n"
         << "max-messages = 0\n"
         << "get-url = \"" << web << "/webhooks/kannel/inbound?token=" << token
         << "&id=%I&from=%p&to=%P&ts=%T&coding=%c&charset=%C&text=%b\"\n";
  }
  auto dumpLogs = [&] {
    for (const char* name : {"bearerbox.log", "smsbox.log", "fakesmsc.log"}) {
      const std::string log = readFile(dir.file(name));
      std::cerr << "---- " << name << " (last 4000 bytes)\n"
                << log.substr(log.size() > 4000 ? log.size() - 4000 : 0) << "\n";
    }
  };

  testing::ChildProcess bearerbox({kBearerbox, "-v", "4", dir.file("kannel.conf")});
  ASSERT_TRUE(bearerbox.started()) << bearerbox.startError();
  ASSERT_TRUE(pollUntil([&] { return canConnect(box_port); })) << (dumpLogs(), "bearerbox");
  testing::ChildProcess smsbox({kSmsbox, "-v", "4", dir.file("kannel.conf")});
  ASSERT_TRUE(smsbox.started()) << smsbox.startError();
  ASSERT_TRUE(pollUntil([&] { return canConnect(sendsms_port); })) << (dumpLogs(), "smsbox");
  // Interactive fakesmsc: MO lines on stdin, what it receives in its log file.
  testing::ChildProcess fakesmsc({kFakesmsc, "-H", "127.0.0.1", "-r", std::to_string(fake_port),
                                  "-i", "0.01", "-v", "4", "-F", dir.file("fakesmsc.log"), "-V",
                                  "0"});
  ASSERT_TRUE(fakesmsc.started()) << fakesmsc.startError();
  ASSERT_TRUE(pollUntil([&] {
    return readFile(dir.file("bearerbox.log")).find("Fakesmsc client connected") !=
           std::string::npos;
  })) << (dumpLogs(), "fakesmsc");

  // Our channels: GET and POST sendsms, one with a wrong password.
  IoThreads channel_io(2);
  Outcomes outcomes;
  auto channelConfig = [&](bool post, const std::string& pw) {
    KannelProfileConfig k;
    k.sendsms_url = "http://127.0.0.1:" + std::to_string(sendsms_port) + "/cgi-bin/sendsms";
    k.use_post = post;
    k.username = "liaison";
    k.password = pw;
    k.from = "Consulate";
    k.dlr_url = web + "/webhooks/kannel/dlr?token=" + token;
    k.dlr_mask = 31;
    HttpChannelConfig c;
    c.name = post ? "http:kannel-post" : "http:kannel-get";
    c.profile = k;
    return c;
  };
  HttpChannel get_channel(channel_io.ioc(), channelConfig(false, password), outcomes);
  HttpChannel post_channel(channel_io.ioc(), channelConfig(true, password), outcomes);
  HttpChannel wrong_channel(channel_io.ioc(), channelConfig(false, "wrong-password"), outcomes);
  get_channel.start();
  post_channel.start();
  wrong_channel.start();

  struct Sent {
    uint64_t ref;
    HttpChannel* channel;
    std::string to;
    std::string text;
  };
  const std::vector<Sent> sent = {
      {101, &get_channel, "4915112345601", "Consulate notice: polls open 9-17h. Ça coûte 5€?"},
      {102, &get_channel, "4915112345602", "Здравствуйте! Голосование 😀"},
      {201, &post_channel, "4915112345603", "Posted: reply 1, 2 or 3 {ok}"},
      {202, &post_channel, "4915112345604", "Привет из POST"},
  };
  for (const Sent& s : sent) {
    OutboundMessage m;
    m.ref = s.ref;
    m.destination = "+" + s.to;
    m.text = s.text;
    const SendResult r = s.channel->send(m);
    ASSERT_TRUE(r.ok()) << r.reason;
  }
  OutboundMessage refused;
  refused.ref = 301;
  refused.destination = "+4915112345605";
  refused.text = "never";
  ASSERT_TRUE(wrong_channel.send(refused).ok());

  ASSERT_TRUE(outcomes.wait(5)) << (dumpLogs(), "outcomes");
  for (const Sent& s : sent) EXPECT_EQ(outcomes.of(s.ref), "submitted") << s.ref;
  EXPECT_EQ(outcomes.of(301), "failed:rejected:403");

  // Every message reached the SMSC with its text intact.
  std::map<std::string, std::string> at_smsc;
  const bool all_arrived = pollUntil([&] {
    at_smsc = messagesAtFakeSmsc(readFile(dir.file("fakesmsc.log")));
    return at_smsc.size() >= sent.size();
  });
  EXPECT_TRUE(all_arrived) << (dumpLogs(), "fakesmsc did not get every message");
  for (const Sent& s : sent) {
    const auto it = at_smsc.find("+" + s.to);
    ASSERT_NE(it, at_smsc.end()) << s.to;
    EXPECT_EQ(it->second, s.text) << s.ref;
  }

  // Kannel's delivery reports came back to our webhook, by ref.
  EXPECT_TRUE(pollUntil([&] {
    return sinks.delivered({101, 102, 201, 202});
  })) << (dumpLogs(), "delivery reports");
  {
    std::lock_guard lock(sinks.mu);
    for (const auto& d : sinks.dlr) {
      EXPECT_EQ(d.channel, "http:kannel");
      EXPECT_EQ(d.tenant_id, "tenant-k");
      EXPECT_GT(d.reported_at, 0);
    }
  }

  // The outbox Dispatcher over a Kannel channel: ledger rows go out with their row id as the
  // ref (and as the provider id, Kannel giving none), and the reports Kannel sends for them,
  // matched by (channel, provider id) as the daemon's sink does, settle the rows.
  {
    auto db = store::SqliteStore::open(dir.file("ledger.db"));
    store::SqliteContactStore contacts(db->database());
    store::SqliteOutboxStore outbox(db->database());
    std::mutex store_mu;
    std::vector<std::int64_t> rows;
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    for (int i = 0; i < 3; ++i) {
      std::lock_guard lock(store_mu);
      store::Contact c;
      c.tenant_id = "tenant-k";
      c.phone_e164 = "+49151123457" + std::to_string(10 + i);
      c.language = "de";
      store::UpsertOutcome outcome{};
      ASSERT_FALSE(contacts.upsert(c, store::ContactUpdate{}, now, &outcome));
      ASSERT_FALSE(contacts.find("tenant-k", c.phone_e164, &c));
      store::NewOutboxMessage m;
      m.tenant_id = "tenant-k";
      m.campaign_id = "c1";
      m.contact_id = c.id;
      m.step = "notice";
      m.to_e164 = c.phone_e164;
      m.body = "Ledger notice " + std::to_string(i) + ": Ça va?";
      m.language = "de";
      m.priority = store::OutboxPriority::Reply;
      m.not_before = now;
      store::EnqueueCounts counts;
      ASSERT_FALSE(outbox.enqueueBatch(std::span(&m, 1), now, &counts));
      ASSERT_EQ(counts.inserted, 1);
      std::error_code ec;
      auto q = db->database().prepare("SELECT id FROM outbox WHERE contact_id = ?1", &ec);
      ASSERT_FALSE(ec);
      q->bind(1, c.id);
      bool found = false;
      ASSERT_FALSE(q->step(&found));
      ASSERT_TRUE(found);
      rows.push_back(q->int64(0));
    }
    // Detached again however this block is left: the ledger dies with it.
    struct Detach {
      Sinks& sinks;
      ~Detach() {
        std::lock_guard lock(sinks.mu);
        sinks.ledger = nullptr;
      }
    } detach{sinks};
    {
      std::lock_guard lock(sinks.mu);
      sinks.ledger = [&](const std::vector<DeliveryReport>& batch) {
        // As the daemon's delivery sink: a report faster than the dispatcher's flush (fakesmsc
        // reports at once) is refused for now, and smsbox delivers it again.
        std::lock_guard lock2(store_mu);
        return outreach::applyDeliveryReports(outbox, batch, now);
      };
    }
    outreach::DispatcherConfig dc;
    dc.channel_name = "http:kannel";  // the webhook's channel: reports are matched by it
    dc.busy_interval = 10ms;
    dc.idle_interval = 50ms;
    HttpChannelConfig kc = channelConfig(false, password);
    kc.name = "http:kannel";
    outreach::Dispatcher dispatcher(channel_io.ioc(), outbox, store_mu, kc, dc);
    ASSERT_FALSE(dispatcher.start());
    auto state = [&](std::int64_t id) {
      std::lock_guard lock(store_mu);
      store::OutboxMessage m;
      return outbox.get(id, &m) ? store::OutboxState::Queued : m.state;
    };
    const bool settled = pollUntil([&] {
      for (std::int64_t id : rows) {
        if (state(id) != store::OutboxState::Delivered) return false;
      }
      return true;
    });
    EXPECT_TRUE(settled) << (dumpLogs(), "ledger rows not delivered");
    for (std::int64_t id : rows) {
      std::lock_guard lock(store_mu);
      store::OutboxMessage m;
      ASSERT_FALSE(outbox.get(id, &m));
      EXPECT_EQ(m.provider_ids, std::vector<std::string>{std::to_string(id)});
      EXPECT_EQ(m.channel, "http:kannel");
    }
    std::promise<std::error_code> stopped;
    dispatcher.stop([&](std::error_code ec) { stopped.set_value(ec); });
    auto f = stopped.get_future();
    ASSERT_EQ(f.wait_for(kWait), std::future_status::ready);
    EXPECT_FALSE(f.get());
  }

  const std::uint64_t failures_before_mo = webhooks.stats().sink_failures;
  // MO messages typed into the SMSC reach the inbound webhook; the first delivery is refused
  // with 503 and Kannel delivers it again.
  // fakesmsc reads stdin through stdio but waits with select(): a second line written before
  // it took the first would sit in its buffer, so feed one line at a time.
  const std::vector<std::string> mo_lines = {
      "+4915112345678 1234 text STOP please",
      "4915112345679 1234 ucs2 %04%1F%04%40%048%042%045%04B%00%20%D8%3D%DE%00"};
  for (std::size_t i = 0; i < mo_lines.size(); ++i) {
    ASSERT_TRUE(fakesmsc.writeLine(mo_lines[i]));
    const std::string sent_line = "fakesmsc: sent message " + std::to_string(i + 1);
    ASSERT_TRUE(pollUntil([&] {
      return readFile(dir.file("fakesmsc.log")).find(sent_line) != std::string::npos;
    })) << (dumpLogs(), "fakesmsc did not send an MO line");
  }
  EXPECT_TRUE(pollUntil([&] { return sinks.moCount() >= 2; })) << (dumpLogs(), "inbound");
  {
    std::lock_guard lock(sinks.mu);
    std::map<std::string, InboundSms> by_from;
    for (const auto& m : sinks.mo) by_from[m.from] = m;
    ASSERT_EQ(by_from.size(), 2u);
    const InboundSms& stop = by_from.at("+4915112345678");
    EXPECT_EQ(stop.text, "STOP please");
    EXPECT_FALSE(stop.provider_id.empty());
    EXPECT_EQ(stop.tenant_id, "tenant-k");
    EXPECT_EQ(stop.channel, "http:kannel");
    EXPECT_GT(stop.received_at, 0);
    const InboundSms& hello = by_from.at("4915112345679");
    EXPECT_EQ(hello.text, "Привет 😀");
    EXPECT_NE(hello.provider_id, stop.provider_id);
    EXPECT_GE(sinks.inbound_calls, 3);  // one refused, then both stored
  }
  EXPECT_EQ(webhooks.stats().sink_failures - failures_before_mo, 1u);
  EXPECT_EQ(webhooks.stats().auth_failures, 0u);

  // Orderly shutdown: our channels, then Kannel.
  get_channel.stop();
  post_channel.stop();
  wrong_channel.stop();
  EXPECT_TRUE(outcomes.waitStopped(3));
  // fakesmsc has no clean exit from interactive mode (it frees its buffer twice): kill it.
  fakesmsc.signal(SIGKILL);
  fakesmsc.wait(5s);
  smsbox.signal(SIGTERM);
  EXPECT_TRUE(smsbox.wait(30s).has_value());
  bearerbox.signal(SIGTERM);
  EXPECT_TRUE(bearerbox.wait(30s).has_value());
  server.stop();
  pollUntil([&] { return server.connectionCount() == 0; }, 5s);
  if (HasFailure()) dumpLogs();
}

}  // namespace
}  // namespace liaison::gateway::http
