// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The mobile sync client (mobile-core/src/sync_client.h) against the gateway's real sync
// endpoint: a real SyncService and SQLite store (the gateway tests' harness,
// tests/gateway/sync/sync_test_support.h) mounted on a real api::HttpServer on 127.0.0.1, and
// the phone's real encrypted Store in a temp dir, talking over libcurl. Faults are injected at
// the gateway (a crash before or after its commit), in the HTTP layer (a page cut short, a
// refused encoding) and by restarts and revocation. After every fault a later run finishes the
// job, and the gateway holds each operation exactly once.
#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../gateway/sync/sync_test_support.h"
#include "store.h"
#include "store_fixture.h"
#include "sync_client.h"

namespace liaison::mobile {
namespace {

namespace gw = ::liaison::gateway::sync;
namespace gapi = ::liaison::gateway::api;
using gw::testing::Gateway;
using testing::sampleForm;
using testing::sampleRegistration;
using testing::sampleSubmission;
using testing::testKey;

constexpr const char* kTeam = "berlin-drive-3";

// An HTTP answer (field by field: HttpResponse has more members than these).
gapi::HttpResponse answer(int status, std::string_view content_type, std::string body) {
  gapi::HttpResponse res;
  res.status = status;
  res.content_type = std::string(content_type);
  res.body = std::move(body);
  return res;
}

// The sync routes of a gateway on 127.0.0.1, as the daemon mounts them, with hooks to change
// a request before the service sees it or a response before it is sent.
class Loopback {
 public:
  using RequestHook = std::function<std::optional<gapi::HttpResponse>(gapi::HttpRequest&)>;
  using ResponseHook = std::function<void(gapi::HttpResponse&)>;

  explicit Loopback(Gateway& g) : gw_(g) {
    gapi::HttpServerOptions o;
    o.body_limit = 5u << 20;
    server_ = std::make_unique<gapi::HttpServer>(ioc_, o, [this](const gapi::HttpRequest& in) {
      gapi::HttpRequest req = in;
      RequestHook before;
      ResponseHook after;
      {
        std::lock_guard lock(mu_);
        before = before_;
        after = after_;
        ++requests_;
        for (const auto& [k, v] : req.headers) {
          if (k == "Content-Encoding" && v == "zstd") ++zstd_requests_;
        }
      }
      if (before) {
        if (auto early = before(req)) return *early;
      }
      gapi::HttpResponse res;
      if (req.path() == gw::kSyncPath) {
        res = gw_.service().handleSync(req);
      } else if (req.path() == gw::kEnrolPath) {
        res = gw_.service().handleEnrol(req);
      } else {
        res = answer(404, "application/json", "{}");
      }
      if (after) after(res);
      return res;
    });
    if (server_->start()) throw std::runtime_error("cannot listen on 127.0.0.1");
    for (auto& t : threads_) t = std::thread([this] { ioc_.run(); });
  }
  ~Loopback() {
    server_->stop();
    for (auto& t : threads_) t.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void onRequest(RequestHook h) {
    std::lock_guard lock(mu_);
    before_ = std::move(h);
  }
  void onResponse(ResponseHook h) {
    std::lock_guard lock(mu_);
    after_ = std::move(h);
  }
  int requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int zstdRequests() {
    std::lock_guard lock(mu_);
    return zstd_requests_;
  }

 private:
  Gateway& gw_;
  boost::asio::io_context ioc_;
  std::unique_ptr<gapi::HttpServer> server_;
  std::thread threads_[2];
  std::mutex mu_;
  RequestHook before_;
  ResponseHook after_;
  int requests_ = 0;
  int zstd_requests_ = 0;
};

// The gateway's faults, switchable from the test while the server runs.
struct Faults {
  std::atomic<int> before_commit{0};  // the next N exchanges roll back and answer 500
  std::atomic<int> after_commit{0};   // the next N exchanges commit and lose the answer
  bool operator()(gw::FaultPoint p) {
    std::atomic<int>& n = p == gw::FaultPoint::BeforeCommit ? before_commit : after_commit;
    int v = n.load();
    while (v > 0) {
      if (n.compare_exchange_weak(v, v - 1)) return true;
    }
    return false;
  }
};

class SyncClientTest : public ::testing::Test {
 protected:
  SyncClientTest() : gateway_(gatewayOptions()), http_(gateway_) {}

  gw::SyncServiceOptions gatewayOptions() {
    gw::SyncServiceOptions o;
    o.fault_for_test = [this](gw::FaultPoint p) { return faults_(p); };
    return o;
  }

  std::unique_ptr<Store> openStore(const std::string& name) {
    const auto key = testKey(3);
    auto s = Store::open(dir_.file(name), key);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  SyncClientOptions clientOptions() {
    SyncClientOptions o;
    o.base_url = http_.url();
    o.backoff_initial_ms = 20;
    o.backoff_max_ms = 200;
    return o;
  }

  std::unique_ptr<SyncClient> client(Store& store, SyncClientOptions o) {
    auto c = SyncClient::create(store, std::move(o));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  std::string code(std::vector<std::string> scopes = {"forms", "notices:DE"}) {
    return gateway_.createCode(nowMs(), std::move(scopes), kTeam);
  }

  static int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void publish(const std::string& scope, std::vector<wire::PublishedRecord> records) {
    std::uint64_t last = 0;
    ASSERT_FALSE(gateway_.service().publish(gw::testing::kTenant, scope, records, nowMs(), &last));
  }
  void publishForm() {
    wire::PublishedRecord r;
    *r.mutable_form() = sampleForm();
    publish("forms", {r});
  }
  void publishNotices(int n, int first = 0) {
    std::vector<wire::PublishedRecord> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      v[static_cast<std::size_t>(i)].mutable_inbox_item()->set_id("notice-" +
                                                                  std::to_string(first + i));
      v[static_cast<std::size_t>(i)].mutable_inbox_item()->mutable_published_at()->set_seconds(
          1'767'225'600 + first + i);
    }
    publish("notices:DE", std::move(v));
  }

  // A phone: an enrolled store with the form, and its client.
  struct Phone {
    std::unique_ptr<Store> store;
    std::unique_ptr<SyncClient> client;
  };
  Phone enrolledPhone(const std::string& name, SyncClientOptions o) {
    Phone p;
    p.store = openStore(name);
    if (!p.store) return p;
    p.client = client(*p.store, std::move(o));
    if (!p.client) return p;
    auto e = p.client->enrol(code());
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return p;
  }
  Phone enrolledPhone(const std::string& name) { return enrolledPhone(name, clientOptions()); }

  // Finalised submissions (the form must be on the device).
  static void finalise(Store& s, int n) {
    for (int i = 0; i < n; ++i) {
      auto id = s.saveDraft(sampleSubmission());
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      ASSERT_TRUE(s.finalise(*id).ok());
    }
  }

  gw::DeviceRecord device(const std::string& id) {
    return gateway_.withStore([&](gw::SqliteSyncStore& s) {
      gw::DeviceRecord d;
      EXPECT_FALSE(s.findDevice(id, &d));
      return d;
    });
  }
  std::size_t gatewaySubmissions() {
    return gateway_.withStore([&](gw::SqliteSyncStore& s) {
      std::map<std::string, std::string> m;
      EXPECT_FALSE(s.submissions(gw::testing::kTenant, &m));
      return m.size();
    });
  }

  liaison::testing::TempDir dir_;
  Faults faults_;
  Gateway gateway_;
  Loopback http_;
};

// ---- Pure pieces, pinned against the gateway's implementation ----

TEST(SyncClientPure, EnrolmentCodesNormaliseAsOnTheGateway) {
  for (const char* c :
       {"ABCDE-FGHJK-MNPQR-STVWX", "abcde fghjk mnpqr stvwx", "O1IL0-00000-00000-00000",
        "ABCDE-FGHJK-MNPQR-STVW", "ABCDE-FGHJK-MNPQR-STVWU", "", "ABCDE_FGHJK"}) {
    EXPECT_EQ(normaliseEnrolmentCode(c), gw::normaliseEnrolmentCode(c)) << c;
  }
  EXPECT_EQ(normaliseEnrolmentCode("o1il0-00000-00000-00000"), "01110000000000000000");
}

TEST(SyncClientPure, CanonicalStringIsTheGatewaysAndSignaturesVerify) {
  const std::string nonce(16, '\x5a');
  const std::string body =
      "\x0a\x03"
      "abc";
  for (const char* enc : {"", "zstd", "ZSTD"}) {
    EXPECT_EQ(
        canonicalSyncRequest("/v1/sync", enc, 1'760'000'000'000, nonce, "dev-1", body),
        gw::canonicalRequest("POST", "/v1/sync", enc, 1'760'000'000'000, nonce, "dev-1", body));
  }
}

TEST(SyncClientPure, ProtocolVersionPick) {
  EXPECT_EQ(pickProtocolVersion({1}, {1}), 1u);
  EXPECT_EQ(pickProtocolVersion({2, 1}, {1}), 1u);
  EXPECT_EQ(pickProtocolVersion({1, 2}, {3, 2, 1}), 2u);
  EXPECT_EQ(pickProtocolVersion({1}, {2}), 0u);
  EXPECT_EQ(pickProtocolVersion({1}, {}), 0u);
}

TEST(SyncClientPure, OptionsAreChecked) {
  liaison::testing::TempDir dir;
  const auto key = testKey(1);
  auto store = Store::open(dir.file("o.db"), key);
  ASSERT_TRUE(store.ok());
  auto make = [&](const std::string& url, uint32_t chunk = 200) {
    SyncClientOptions o;
    o.base_url = url;
    o.push_chunk = chunk;
    return SyncClient::create(**store, o).status();
  };
  EXPECT_TRUE(make("https://gateway.example.org").ok());
  EXPECT_TRUE(make("https://gateway.example.org/liaison/").ok());
  EXPECT_TRUE(make("http://127.0.0.1:8080").ok());
  // Plain http leaves the phone only for a loopback address.
  EXPECT_TRUE(make("http://gateway.example.org").IsInvalidArgument());
  EXPECT_TRUE(make("ftp://gateway.example.org").IsInvalidArgument());
  EXPECT_TRUE(make("not a url").IsInvalidArgument());
  EXPECT_TRUE(make("https://gateway.example.org/?x=1").IsInvalidArgument());
  EXPECT_TRUE(make("https://gateway.example.org", 0).IsInvalidArgument());
  EXPECT_TRUE(make("https://gateway.example.org", 501).IsInvalidArgument());
}

TEST(SyncClientPure, BackoffDoublesUpToItsCap) {
  liaison::testing::TempDir dir;
  const auto key = testKey(1);
  auto store = Store::open(dir.file("b.db"), key);
  ASSERT_TRUE(store.ok());
  SyncClientOptions o;
  o.base_url = "https://gateway.example.org";
  o.backoff_initial_ms = 1000;
  o.backoff_max_ms = 10'000;
  auto c = SyncClient::create(**store, o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->backoffMs(1), 1000u);
  EXPECT_EQ((*c)->backoffMs(2), 2000u);
  EXPECT_EQ((*c)->backoffMs(4), 8000u);
  EXPECT_EQ((*c)->backoffMs(5), 10'000u);
  EXPECT_EQ((*c)->backoffMs(60), 10'000u);
}

// ---- Against the gateway ----

TEST_F(SyncClientTest, EnrolsThenPushesAndPullsUntilCaughtUp) {
  Phone p = enrolledPhone("a.db");
  ASSERT_TRUE(p.client);
  const std::string id = p.store->deviceId().value();
  EXPECT_EQ(id.rfind("dev-", 0), 0u);
  // The grant's scopes are followed, the team scope with them; the key is kept sealed.
  EXPECT_EQ(p.store->followedScopes().value(),
            (std::vector<std::string>{"forms", "notices:DE", std::string("team:") + kTeam}));
  EXPECT_EQ(p.store->credential()->secret_key.size(), 64u);
  EXPECT_TRUE(
      testing::findInStoreFiles(dir_.file("a.db"), {p.store->credential()->secret_key}).empty());

  publishForm();
  publishNotices(30);
  SyncReport rep;
  ASSERT_TRUE(p.client->run(&rep).ok());
  EXPECT_EQ(rep.received, 31u);
  EXPECT_EQ(rep.sent, 0u);
  EXPECT_EQ(p.store->listInbox()->entries_size(), 30);

  finalise(*p.store, 7);
  ASSERT_TRUE(p.store->registerMember(sampleRegistration()).ok());
  std::vector<SyncProgress> seen;
  SyncClientOptions o = clientOptions();
  o.push_chunk = 3;
  o.progress = [&seen](const SyncProgress& pr) { seen.push_back(pr); };
  auto c2 = client(*p.store, o);
  ASSERT_TRUE(c2->run(&rep).ok());
  EXPECT_EQ(rep.sent, 8u);
  EXPECT_EQ(rep.pending, 0);
  EXPECT_TRUE(rep.rejected.empty());
  EXPECT_GE(rep.exchanges, 3);  // 8 operations in chunks of 3
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].sent, seen[i - 1].sent);
  EXPECT_EQ(seen.back().pending, 0);
  EXPECT_EQ(device(id).hwm, 8u);
  EXPECT_EQ(gatewaySubmissions(), 8u);
  auto members = p.store->listMembers();
  ASSERT_EQ(members->members_size(), 1);
  EXPECT_EQ(members->members(0).sync().state(), views::SYNC_STATE_SYNCED);
  // Nothing new: one exchange, nothing moves.
  ASSERT_TRUE(c2->run(&rep).ok());
  EXPECT_EQ(rep.exchanges, 1);
  EXPECT_EQ(rep.sent + rep.received, 0u);
}

TEST_F(SyncClientTest, EnrolmentCodesAreOneTimeAndErrorsSayWhy) {
  auto store = openStore("e.db");
  auto c = client(*store, clientOptions());
  EXPECT_TRUE(c->enrol("not-a-code").status().IsInvalidArgument());
  auto unknown = c->enrol("AAAAA-AAAAA-AAAAA-AAAAA");
  EXPECT_TRUE(unknown.status().code() == sync::Status::Code::PermissionDenied);
  EXPECT_NE(unknown.status().message().find("does not know"), std::string::npos);
  const std::string once = code();
  ASSERT_TRUE(c->enrol(once).ok());
  auto other = openStore("e2.db");
  auto c2 = client(*other, clientOptions());
  auto used = c2->enrol(once);
  EXPECT_TRUE(used.status().code() == sync::Status::Code::PermissionDenied);
  EXPECT_NE(used.status().message().find("used already"), std::string::npos);
  // A store belongs to one device: enrolling it again is refused, and the code is not used up.
  const std::string spare = code();
  EXPECT_EQ(c->enrol(spare).status().code(), sync::Status::Code::Conflict);
  auto third = openStore("e3.db");
  EXPECT_TRUE(client(*third, clientOptions())->enrol(spare).ok());
  // A gateway that is not there: worth retrying.
  SyncClientOptions o = clientOptions();
  o.base_url = "http://127.0.0.1:1";
  auto c3 = client(*other, o);
  EXPECT_EQ(c3->enrol(code()).status().code(), sync::Status::Code::Unavailable);
}

TEST_F(SyncClientTest, LargeBacklogGoesInBoundedChunks) {
  Phone p = enrolledPhone("big.db");
  publishForm();
  ASSERT_TRUE(p.client->run(nullptr).ok());
  finalise(*p.store, 1200);
  std::size_t max_ops_in_a_request = 0;
  http_.onRequest([&](gapi::HttpRequest& req) -> std::optional<gapi::HttpResponse> {
    std::string body = req.body;
    if (req.header("Content-Encoding") == "zstd") {
      auto d = gw::decodeContent("zstd", body, 8u << 20);
      if (d.ok()) body = *d;
    }
    wire::SyncRequest r;
    if (r.ParseFromString(body)) {
      max_ops_in_a_request =
          std::max(max_ops_in_a_request, static_cast<std::size_t>(r.push().operations_size()));
    }
    return std::nullopt;
  });
  SyncClientOptions o = clientOptions();
  o.push_chunk = 100;
  auto c = client(*p.store, o);
  SyncReport rep;
  ASSERT_TRUE(c->run(&rep).ok());
  EXPECT_EQ(rep.sent, 1200u);
  EXPECT_EQ(max_ops_in_a_request, 100u);
  EXPECT_GE(rep.exchanges, 12);
  EXPECT_EQ(gatewaySubmissions(), 1200u);
  if (LIAISON_MOBILE_ZSTD_UPLOAD) {
    EXPECT_GT(http_.zstdRequests(), 0);  // bodies went compressed
  } else {
    EXPECT_EQ(http_.zstdRequests(), 0);  // the phone build uploads plain bodies
  }
}

// Each request says how many operations wait behind its push (pending_operations); the
// gateway keeps the last report for the officers' devices view, 0 once all are acknowledged.
TEST_F(SyncClientTest, RequestsTellTheOutboxDepthAndTheGatewayKeepsIt) {
  Phone p = enrolledPhone("depth.db");
  ASSERT_TRUE(p.client);
  const std::string id = p.store->deviceId().value();
  EXPECT_FALSE(device(id).outbox_depth.has_value());  // enrolled, never synced: unknown
  EXPECT_FALSE(device(id).outbox_depth_ms.has_value());
  publishForm();
  ASSERT_TRUE(p.client->run(nullptr).ok());
  EXPECT_EQ(device(id).outbox_depth, std::optional<uint32_t>(0u));  // an empty outbox says 0
  finalise(*p.store, 5);

  struct Seen {
    int pushed = 0;
    std::optional<uint32_t> pending;
  };
  std::mutex mu;
  std::vector<Seen> seen;
  http_.onRequest([&](gapi::HttpRequest& req) -> std::optional<gapi::HttpResponse> {
    if (req.path() != gw::kSyncPath) return std::nullopt;
    std::string body = req.body;
    if (req.header("Content-Encoding") == "zstd") {
      auto d = gw::decodeContent("zstd", body, 8u << 20);
      if (d.ok()) body = *d;
    }
    wire::SyncRequest r;
    if (r.ParseFromString(body)) {
      std::lock_guard lock(mu);
      seen.push_back({r.push().operations_size(),
                      r.has_pending_operations() ? std::optional<uint32_t>(r.pending_operations())
                                                 : std::nullopt});
    }
    return std::nullopt;
  });
  SyncClientOptions o = clientOptions();
  o.push_chunk = 2;
  auto c = client(*p.store, o);
  SyncReport rep;
  ASSERT_TRUE(c->run(&rep).ok());
  EXPECT_EQ(rep.sent, 5u);
  {
    std::lock_guard lock(mu);
    ASSERT_GE(seen.size(), 3u);
    // 5 operations in chunks of 2: 3 wait behind the first push, 1 behind the second, none
    // behind the third.
    const std::vector<std::pair<int, uint32_t>> want = {{2, 3u}, {2, 1u}, {1, 0u}};
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(seen[i].pushed, want[i].first) << "request " << i;
      ASSERT_TRUE(seen[i].pending.has_value()) << "request " << i;
      EXPECT_EQ(*seen[i].pending, want[i].second) << "request " << i;
    }
  }
  gw::DeviceRecord d = device(id);
  ASSERT_TRUE(d.outbox_depth.has_value());
  EXPECT_EQ(*d.outbox_depth, 0u);
  ASSERT_TRUE(d.outbox_depth_ms.has_value());
  ASSERT_TRUE(d.last_seen_ms.has_value());
  EXPECT_EQ(*d.outbox_depth_ms, *d.last_seen_ms);  // reported by the last exchange

  // A run that cannot finish (the gateway loses every commit) leaves the last depth the
  // gateway durably recorded, not one it never committed.
  finalise(*p.store, 3);
  faults_.before_commit = 1000;
  EXPECT_FALSE(c->run(nullptr).ok());
  faults_.before_commit = 0;
  EXPECT_EQ(device(id).outbox_depth, std::optional<uint32_t>(0u));
  {
    std::lock_guard lock(mu);
    seen.clear();
  }
  ASSERT_TRUE(c->run(&rep).ok());
  EXPECT_EQ(rep.sent, 3u);
  EXPECT_EQ(rep.pending, 0);
  {
    std::lock_guard lock(mu);
    ASSERT_GE(seen.size(), 2u);
    EXPECT_EQ(seen[0].pending, std::optional<uint32_t>(1u));  // 3 pending, 2 pushed
    EXPECT_EQ(seen.back().pending, std::optional<uint32_t>(0u));
  }
  EXPECT_EQ(device(id).outbox_depth, std::optional<uint32_t>(0u));
}

TEST_F(SyncClientTest, ConnectionCutMidPushLosesAndDoublesNothing) {
  Phone p = enrolledPhone("cut.db");
  publishForm();
  ASSERT_TRUE(p.client->run(nullptr).ok());
  const std::string id = p.store->deviceId().value();
  finalise(*p.store, 50);
  SyncClientOptions o = clientOptions();
  o.push_chunk = 10;
  auto c = client(*p.store, o);
  // The second exchange commits and its answer is lost; the fourth rolls back.
  int exchanges = 0;
  http_.onRequest([&](gapi::HttpRequest&) -> std::optional<gapi::HttpResponse> {
    ++exchanges;
    if (exchanges == 2) faults_.after_commit = 1;
    if (exchanges == 4) faults_.before_commit = 1;
    return std::nullopt;
  });
  SyncReport rep;
  sync::Status st = c->run(&rep);
  EXPECT_EQ(st.code(), sync::Status::Code::Unavailable) << st.ToString();
  EXPECT_EQ(rep.sent, 10u);
  EXPECT_EQ(device(id).hwm, 20u);  // the gateway has 11-20; the phone does not know yet
  st = c->run(&rep);               // replays 11-20 as no-ops, then the fourth exchange fails
  EXPECT_EQ(st.code(), sync::Status::Code::Unavailable) << st.ToString();
  ASSERT_TRUE(c->run(&rep).ok());
  EXPECT_EQ(p.store->pendingCount().value(), 0);
  EXPECT_EQ(device(id).hwm, 50u);
  EXPECT_EQ(gatewaySubmissions(), 50u);  // each once
  auto list = p.store->listSubmissions("");
  for (const auto& s : list->submissions()) {
    EXPECT_EQ(s.sync().state(), views::SYNC_STATE_SYNCED);
  }
}

TEST_F(SyncClientTest, APageCutShortIsNeverAppliedAndComesAgain) {
  Phone p = enrolledPhone("page.db");
  publishNotices(40);
  // Plain pages (no zstd), so a cut at a record boundary still parses; then drop two records.
  bool cut = true;
  http_.onRequest([](gapi::HttpRequest& req) -> std::optional<gapi::HttpResponse> {
    for (auto& [k, v] : req.headers) {
      if (k == "Accept-Encoding") v = "identity";
    }
    return std::nullopt;
  });
  http_.onResponse([&](gapi::HttpResponse& res) {
    if (!cut || res.content_type != gw::kProtobufContentType) return;
    wire::SyncResponse r;
    if (!r.ParseFromString(res.body) || r.records_size() < 3) return;
    r.mutable_records()->RemoveLast();
    r.mutable_records()->RemoveLast();
    res.body = r.SerializeAsString();
    cut = false;
  });
  SyncClientOptions o = clientOptions();
  o.page_records = 25;
  auto c = client(*p.store, o);
  SyncReport rep;
  EXPECT_EQ(c->run(&rep).code(), sync::Status::Code::Unavailable);
  EXPECT_EQ(p.store->listInbox()->entries_size(), 0);  // nothing of the damaged page
  ASSERT_TRUE(c->run(&rep).ok());
  EXPECT_EQ(rep.received, 40u);
  EXPECT_EQ(p.store->listInbox()->entries_size(), 40);
}

TEST_F(SyncClientTest, ServerRestartsBetweenAndDuringRuns) {
  Phone p = enrolledPhone("restart.db");
  publishForm();
  ASSERT_TRUE(p.client->run(nullptr).ok());
  const std::string id = p.store->deviceId().value();
  finalise(*p.store, 30);
  SyncClientOptions o = clientOptions();
  o.push_chunk = 10;
  auto c = client(*p.store, o);
  faults_.after_commit = 1;  // the first exchange commits, then the "process dies"
  EXPECT_EQ(c->run(nullptr).code(), sync::Status::Code::Unavailable);
  gateway_.restart();
  finalise(*p.store, 5);
  SyncReport rep;
  ASSERT_TRUE(c->run(&rep).ok());
  gateway_.restart();
  ASSERT_TRUE(c->run(&rep).ok());
  EXPECT_EQ(device(id).hwm, 35u);
  EXPECT_EQ(gatewaySubmissions(), 35u);
  EXPECT_EQ(p.store->pendingCount().value(), 0);
}

TEST_F(SyncClientTest, RevokedDeviceStopsAndKeepsItsRecords) {
  Phone p = enrolledPhone("rev.db");
  publishForm();
  ASSERT_TRUE(p.client->run(nullptr).ok());
  finalise(*p.store, 3);
  ASSERT_FALSE(gateway_.service().auth().revoke(p.store->deviceId().value(), nowMs()));
  sync::Status st = p.client->run(nullptr);
  EXPECT_TRUE(st.code() == sync::Status::Code::PermissionDenied) << st.ToString();
  EXPECT_NE(st.message().find("revoked"), std::string::npos);
  EXPECT_EQ(p.store->pendingCount().value(), 3);
  EXPECT_EQ(p.store->listSubmissions("")->submissions_size(), 3);
}

TEST_F(SyncClientTest, DaysOfflineThenSyncWithAWrongWallClock) {
  // The phone's store clock starts ten days ago and moves a day at a time.
  uint64_t store_now = static_cast<uint64_t>(nowMs() - 10 * gw::testing::kDayMs);
  StoreOptions so;
  so.wall_clock_ms = [&store_now] { return store_now; };
  const auto key = testKey(5);
  auto store = Store::open(dir_.file("offline.db"), key, so);
  ASSERT_TRUE(store.ok());
  auto online = client(**store, clientOptions());
  ASSERT_TRUE(online->enrol(code()).ok());
  publishForm();
  ASSERT_TRUE(online->run(nullptr).ok());
  const std::string id = (*store)->deviceId().value();
  // Ten days of field work with no network: 40 records a day, a failed sync attempt each day.
  SyncClientOptions offline = clientOptions();
  offline.base_url = "http://127.0.0.1:1";
  auto dead = client(**store, offline);
  for (int day = 0; day < 10; ++day) {
    finalise(**store, 40);
    EXPECT_EQ(dead->run(nullptr).code(), sync::Status::Code::Unavailable);
    store_now += static_cast<uint64_t>(gw::testing::kDayMs);
  }
  publishNotices(15);
  // Back online with the phone's clock set a day and a half wrong, in a fresh client (the app
  // restarted: no anchor). The first request is refused as stale; the client anchors on the
  // server time in the refusal and signs again.
  SyncClientOptions o = clientOptions();
  o.wall_clock_ms = [] { return static_cast<uint64_t>(nowMs() - 36LL * 3600 * 1000); };
  auto c = client(**store, o);
  std::atomic<int> stale{0};
  http_.onResponse([&stale](gapi::HttpResponse& res) {
    for (const auto& [k, v] : res.headers) {
      if (k == gw::kHeaderAuthError && v == "stale-timestamp") ++stale;
    }
  });
  SyncReport rep;
  ASSERT_TRUE(c->run(&rep).ok());
  EXPECT_EQ(stale.load(), 1);
  EXPECT_EQ(rep.sent, 400u);
  EXPECT_EQ(rep.received, 15u);
  EXPECT_EQ(device(id).hwm, 400u);
  EXPECT_EQ(gatewaySubmissions(), 400u);
}

TEST_F(SyncClientTest, ForbiddenScopeIsDroppedAndTheSyncGoesOn) {
  Phone p = enrolledPhone("scope.db");
  ASSERT_TRUE(p.store->followScope("notices:FR").ok());  // not in the grant
  publishNotices(5);
  SyncReport rep;
  ASSERT_TRUE(p.client->run(&rep).ok());
  EXPECT_EQ(rep.received, 5u);
  const auto scopes = p.store->followedScopes().value();
  EXPECT_EQ(std::count(scopes.begin(), scopes.end(), "notices:FR"), 0);
}

TEST_F(SyncClientTest, NoCommonProtocolVersionKeepsTheOutbox) {
  Phone p = enrolledPhone("ver.db");
  publishForm();
  ASSERT_TRUE(p.client->run(nullptr).ok());
  finalise(*p.store, 2);
  // A gateway that speaks only version 2 refuses with supported_versions = [2].
  http_.onRequest([](gapi::HttpRequest&) -> std::optional<gapi::HttpResponse> {
    wire::SyncResponse r;
    r.set_protocol_version(2);
    r.set_status(wire::ERROR_CODE_UNSUPPORTED_VERSION);
    r.add_supported_versions(2);
    return answer(400, gw::kProtobufContentType, r.SerializeAsString());
  });
  sync::Status st = p.client->run(nullptr);
  EXPECT_EQ(st.code(), sync::Status::Code::Unsupported) << st.ToString();
  EXPECT_NE(st.message().find("update the app"), std::string::npos);
  EXPECT_EQ(p.store->pendingCount().value(), 2);
  // A gateway that also speaks 1 (and lists it when refusing) is fine.
  int refusals = 1;
  http_.onRequest([&](gapi::HttpRequest&) -> std::optional<gapi::HttpResponse> {
    if (refusals-- <= 0) return std::nullopt;
    wire::SyncResponse r;
    r.set_status(wire::ERROR_CODE_UNSUPPORTED_VERSION);
    r.add_supported_versions(2);
    r.add_supported_versions(1);
    return answer(400, gw::kProtobufContentType, r.SerializeAsString());
  });
  EXPECT_EQ(p.client->run(nullptr).code(), sync::Status::Code::Unsupported)
      << "the client already speaks 1: a refusal listing 1 is not a version problem";
  ASSERT_TRUE(p.client->run(nullptr).ok());
  EXPECT_EQ(p.store->pendingCount().value(), 0);
}

// The phone build decodes zstd but does not link the compressor (issue 7's size target): its
// uploads carry no Content-Encoding, however large, and the gateway applies them; the pages it
// pulls still come zstd-compressed and are decoded. A build with LIAISON_MOBILE_ZSTD_UPLOAD
// compresses the large requests instead.
TEST_F(SyncClientTest, UploadsGoPlainUnlessBuiltToCompressAndZstdPagesAreDecoded) {
  struct Seen {
    std::mutex mu;
    int sync_requests = 0;
    int encoded_requests = 0;      // any Content-Encoding
    int zstd_accepted = 0;         // Accept-Encoding names zstd
    std::size_t plain_ops = 0;     // operations in requests that parse as a plain SyncRequest
    std::size_t largest_body = 0;  // bytes as sent
    int zstd_pages = 0;            // protobuf answers sent zstd-compressed
  } seen;
  http_.onRequest([&seen](gapi::HttpRequest& req) -> std::optional<gapi::HttpResponse> {
    if (req.path() != gw::kSyncPath) return std::nullopt;
    std::lock_guard lock(seen.mu);
    ++seen.sync_requests;
    seen.largest_body = std::max(seen.largest_body, req.body.size());
    if (req.header("Accept-Encoding").find("zstd") != std::string_view::npos) ++seen.zstd_accepted;
    if (!req.header("Content-Encoding").empty()) {
      ++seen.encoded_requests;
    } else {
      wire::SyncRequest r;
      if (r.ParseFromString(req.body)) {
        seen.plain_ops += static_cast<std::size_t>(r.push().operations_size());
      }
    }
    return std::nullopt;
  });
  http_.onResponse([&seen](gapi::HttpResponse& res) {
    if (res.content_type != gw::kProtobufContentType) return;
    for (const auto& [k, v] : res.headers) {
      if (k == "Content-Encoding" && v == "zstd") {
        std::lock_guard lock(seen.mu);
        ++seen.zstd_pages;
      }
    }
  });
  Phone p = enrolledPhone("wire.db");
  ASSERT_TRUE(p.client);
  publishForm();
  publishNotices(60);
  SyncReport rep;
  ASSERT_TRUE(p.client->run(&rep).ok());
  EXPECT_EQ(rep.received, 61u);  // the form and 60 notices, out of one or more zstd pages
  EXPECT_EQ(p.store->listInbox()->entries_size(), 60);
  finalise(*p.store, 40);
  ASSERT_TRUE(p.client->run(&rep).ok());
  EXPECT_EQ(rep.sent, 40u);
  EXPECT_EQ(gatewaySubmissions(), 40u);

  std::lock_guard lock(seen.mu);
  ASSERT_GE(seen.sync_requests, 2);
  // Large enough that only the build, not the 512-byte threshold, decides the encoding.
  EXPECT_GE(seen.largest_body, 2048u);
  if (LIAISON_MOBILE_ZSTD) {
    EXPECT_EQ(seen.zstd_accepted, seen.sync_requests);
    EXPECT_GT(seen.zstd_pages, 0);
  } else {
    EXPECT_EQ(seen.zstd_accepted, 0);
    EXPECT_EQ(seen.zstd_pages, 0);
  }
  if (LIAISON_MOBILE_ZSTD_UPLOAD) {
    EXPECT_GT(seen.encoded_requests, 0);
  } else {
    EXPECT_EQ(seen.encoded_requests, 0);
    EXPECT_EQ(seen.plain_ops, 40u);
  }
}

TEST_F(SyncClientTest, AGatewayThatRefusesZstdGetsPlainBodies) {
  Phone p = enrolledPhone("plain.db");
  publishForm();
  ASSERT_TRUE(p.client->run(nullptr).ok());
  finalise(*p.store, 20);
  int refused = 0;
  http_.onRequest([&](gapi::HttpRequest& req) -> std::optional<gapi::HttpResponse> {
    if (req.header("Content-Encoding").empty()) return std::nullopt;
    ++refused;
    wire::SyncResponse r;
    r.set_status(wire::ERROR_CODE_BATCH_INVALID);
    return answer(415, gw::kProtobufContentType, r.SerializeAsString());
  });
  ASSERT_TRUE(p.client->run(nullptr).ok());
  EXPECT_EQ(refused, LIAISON_MOBILE_ZSTD_UPLOAD ? 1 : 0);
  EXPECT_EQ(gatewaySubmissions(), 20u);
}

TEST_F(SyncClientTest, RejectionsAreReportedWithReasonsAndKept) {
  Phone p = enrolledPhone("rej.db");
  // A number of the right shape in no country's plan: the gateway cannot make a contact of it.
  ASSERT_TRUE(p.store->registerMember(sampleRegistration("+999123456789")).ok());
  ASSERT_TRUE(p.store->registerMember(sampleRegistration()).ok());
  SyncReport rep;
  ASSERT_TRUE(p.client->run(&rep).ok());
  EXPECT_EQ(rep.sent, 2u);
  ASSERT_EQ(rep.rejected.size(), 1u);
  EXPECT_EQ(rep.rejected[0].device_seq, 1u);
  EXPECT_EQ(rep.rejected[0].code, wire::ERROR_CODE_RECORD_INVALID);
  EXPECT_FALSE(rep.rejected[0].detail.empty());
  auto st = p.store->recordStatus(rep.rejected[0].record_id);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->state(), views::SYNC_STATE_REJECTED);
  EXPECT_EQ(p.store->listMembers()->members_size(), 2);  // kept, shown to staff
}

TEST_F(SyncClientTest, SameMemberEditedOnTwoPhonesResolvesTheSameEverywhere) {
  Phone a = enrolledPhone("pa.db");
  Phone b = enrolledPhone("pb.db");
  const std::string m = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  ASSERT_TRUE(a.store->updateEntity("member", m, {{"language", "de"}}).ok());
  ASSERT_TRUE(a.client->run(nullptr).ok());
  ASSERT_TRUE(b.client->run(nullptr).ok());
  ASSERT_EQ(b.store->entity("member", m)->fields.at("language").value, "de");
  // Both edit the same field offline.
  ASSERT_TRUE(a.store->updateEntity("member", m, {{"language", "fr"}, {"city", "Lyon"}}).ok());
  ASSERT_TRUE(b.store->updateEntity("member", m, {{"language", "es"}}).ok());
  ASSERT_TRUE(b.client->run(nullptr).ok());
  ASSERT_TRUE(a.client->run(nullptr).ok());
  ASSERT_TRUE(b.client->run(nullptr).ok());
  const sync::EntityState sa = a.store->entity("member", m).value();
  const sync::EntityState sb = b.store->entity("member", m).value();
  EXPECT_EQ(sa, sb);
  const sync::EntityState on_gateway = gateway_.withStore([&](gw::SqliteSyncStore& s) {
    std::map<sync::EntityKey, sync::EntityState> all;
    EXPECT_FALSE(s.loadEntities(gw::testing::kTenant, &all));
    return all[sync::EntityKey{"member", m}];
  });
  EXPECT_EQ(sa, on_gateway);
  EXPECT_EQ(sa.fields.at("city").value, "Lyon");
}

TEST_F(SyncClientTest, TheWorkerRetriesWithBackoffUntilItGetsThrough) {
  Phone p = enrolledPhone("worker.db");
  publishForm();
  ASSERT_TRUE(p.client->run(nullptr).ok());
  finalise(*p.store, 12);
  faults_.before_commit = 3;  // three failed runs first
  std::mutex mu;
  std::condition_variable cv;
  std::vector<sync::Status::Code> outcomes;
  SyncClientOptions o = clientOptions();
  o.backoff_initial_ms = 10;
  o.backoff_max_ms = 40;
  o.interval_ms = 3'600'000;
  o.on_worker_run = [&](const sync::Status& st, const SyncReport&) {
    std::lock_guard lock(mu);
    outcomes.push_back(st.code());
    cv.notify_all();
  };
  auto c = client(*p.store, o);
  c->start();
  {
    std::unique_lock lock(mu);
    // A generous bound only so a broken worker fails instead of hanging the suite.
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] {
      return !outcomes.empty() && outcomes.back() == sync::Status::Code::Ok;
    }));
  }
  auto state = c->workerState();
  c->stop();
  EXPECT_EQ(outcomes, (std::vector<sync::Status::Code>{
                          sync::Status::Code::Unavailable, sync::Status::Code::Unavailable,
                          sync::Status::Code::Unavailable, sync::Status::Code::Ok}));
  EXPECT_EQ(state.consecutive_failures, 0);
  EXPECT_EQ(p.store->pendingCount().value(), 0);
  EXPECT_FALSE(c->workerState().running);
  // Started again it runs at once, then sleeps its hour; trigger() wakes it early.
  c->start();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return outcomes.size() >= 5; }));
  }
  finalise(*p.store, 2);
  c->trigger();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return outcomes.size() >= 6; }));
  }
  c->stop();
  EXPECT_EQ(p.store->pendingCount().value(), 0);
}

}  // namespace
}  // namespace liaison::mobile
