// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Sync end to end over loopback HTTP: the real api::HttpServer, the real SyncService and
// store, libcurl as the device's transport, the sync engine as the device.
//
// The property test (the issue's): several devices and the gateway, random operations,
// pipelined requests delivered out of order, duplicated and lost (requests and responses),
// gateway crashes before and after the commit, restarts. After everyone has synced, every
// replica equals the gateway, the gateway equals an oracle computed from the set of all
// operations, every operation was consumed exactly once, and nothing acknowledged is missing.
// Seeds 1..LIAISON_SYNC_E2E_SEEDS (default 16; a nightly run uses thousands); a failure prints its
// seed, and LIAISON_SYNC_SEED=<n> replays exactly that seed (all randomness, the clock, device
// keys, nonces and device ids come from it).
#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/http_server.h"
#include "http_client.h"
#include "sync_test_support.h"

namespace liaison::gateway::sync {
namespace {

using testing::Device;
using testing::FieldSet;
using testing::formSubmission;
using testing::Gateway;
using testing::Ids;
using testing::kT0;
using testing::registration;

// The sync routes of a gateway on 127.0.0.1, as the daemon's router mounts them.
class Loopback {
 public:
  explicit Loopback(Gateway& gw) : gw_(gw) {
    api::HttpServerOptions o;
    o.body_limit = 5u << 20;
    server_ = std::make_unique<api::HttpServer>(ioc_, o, [this](const api::HttpRequest& req) {
      if (req.path() == kSyncPath) return gw_.service().handleSync(req);
      if (req.path() == kEnrolPath) return gw_.service().handleEnrol(req);
      return api::HttpResponse{404, "application/json", {}, "{}"};
    });
    if (server_->start()) throw std::runtime_error("cannot listen on 127.0.0.1");
    for (auto& t : threads_) t = std::thread([this] { ioc_.run(); });
  }
  ~Loopback() {
    server_->stop();
    for (auto& t : threads_) t.join();
  }
  std::uint16_t port() const { return server_->port(); }

 private:
  Gateway& gw_;
  boost::asio::io_context ioc_;
  std::unique_ptr<api::HttpServer> server_;
  std::thread threads_[2];
};

struct Posted {
  long http = 0;  // 0: transport failure
  std::optional<wire::SyncResponse> response;
  std::size_t wire_bytes = 0;
};

Posted post(std::uint16_t port, const api::HttpRequest& req) {
  std::vector<std::string> headers = {"Expect:"};  // no 100-continue round trip
  for (const auto& [k, v] : req.headers) headers.push_back(k + ": " + v);
  const auto res = liaison::testing::httpRequest("POST", port, req.target, req.body, headers);
  Posted out;
  out.http = res.status;
  out.wire_bytes = res.body.size();
  std::string h = res.headers;
  std::transform(h.begin(), h.end(), h.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (h.find("content-type: application/x-protobuf") == std::string::npos) return out;
  out.response = Device::parse(res.body, h.find("content-encoding: zstd") != std::string::npos);
  return out;
}

::testing::AssertionResult enrolOverHttp(std::uint16_t port, Device& d, const std::string& code) {
  nlohmann::json j;
  j["code"] = code;
  j["public_key"] = base64Encode(d.key().public_key);
  j["proof"] = base64Encode(signEnrolment(d.key(), code));
  const auto res = liaison::testing::httpRequest("POST", port, std::string(kEnrolPath), j.dump(),
                                                 {"Content-Type: application/json"});
  if (res.status != 201) return ::testing::AssertionFailure() << "enrol: HTTP " << res.status;
  d.setId(nlohmann::json::parse(res.body)["device_id"].get<std::string>());
  return ::testing::AssertionSuccess();
}

TEST(SyncE2e, EnrolPushAndPullOverLoopbackHttp) {
  std::int64_t now = kT0;
  SyncServiceOptions o;
  o.now_ms = [&now] { return now; };
  Gateway gw(o);
  Loopback http(gw);
  Device dev(1, &now);
  ASSERT_TRUE(enrolOverHttp(http.port(), dev, gw.createCode(now, {"notices:DE"})));
  dev.follow("notices:DE");
  std::vector<wire::PublishedRecord> notices(300);
  for (std::size_t i = 0; i < notices.size(); ++i) {
    notices[i].mutable_inbox_item()->set_id("notice-" + std::to_string(i));
  }
  std::uint64_t last = 0;
  ASSERT_FALSE(gw.service().publish("t1", "notices:DE", notices, now, &last));
  Ids ids(3);
  for (int i = 0; i < 100; ++i) dev.submit(formSubmission(ids.next()));
  // zstd up and down.
  Posted p = post(http.port(), dev.http(dev.request(0, 500, 1000), /*zstd=*/true));
  ASSERT_EQ(p.http, 200);
  ASSERT_TRUE(p.response);
  const auto rep = dev.apply(*p.response);
  ASSERT_TRUE(rep.ok);
  EXPECT_EQ(rep.acked, 100u);
  EXPECT_EQ(rep.records, 300u);
  EXPECT_LT(p.wire_bytes, p.response->ByteSizeLong());  // the page came compressed
  // Revoked: the next request is refused with a clear code.
  ASSERT_FALSE(gw.service().auth().revoke(dev.id(), now));
  p = post(http.port(), dev.http(dev.request()));
  EXPECT_EQ(p.http, 403);
  ASSERT_TRUE(p.response);
  EXPECT_EQ(p.response->status(), wire::ERROR_CODE_DEVICE_REVOKED);
}

std::vector<std::uint64_t> seeds() {
  if (const char* one = std::getenv("LIAISON_SYNC_SEED")) return {std::strtoull(one, nullptr, 10)};
  std::uint64_t n = 16;
  if (const char* many = std::getenv("LIAISON_SYNC_E2E_SEEDS"))
    n = std::strtoull(many, nullptr, 10);
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = 1; s <= n; ++s) out.push_back(s);
  return out;
}

struct Counters {
  std::size_t gaps = 0, replays = 0, crashes = 0, lost = 0, restarts = 0, dup_refused = 0;
};

// One seed of the property. Returns through gtest assertions.
void runSeed(std::uint64_t seed, Counters* counters) {
  std::mt19937_64 rng(seed);
  auto chance = [&rng](int one_in) { return rng() % static_cast<unsigned>(one_in) == 0; };
  std::int64_t now = kT0;
  std::optional<FaultPoint> fault;
  SyncServiceOptions o;
  o.now_ms = [&now] { return now; };
  o.fault_for_test = [&fault](FaultPoint p) {
    if (fault != p) return false;
    fault.reset();
    return true;
  };
  DeviceAuthOptions a;
  std::mt19937_64 id_rng(seed * 7919);
  a.random = [&id_rng](std::span<std::uint8_t> out) {
    for (auto& b : out) b = static_cast<std::uint8_t>(id_rng());
  };
  Gateway gw(o, a);
  Loopback http(gw);

  constexpr int kDevices = 3;
  constexpr int kOpsPerDevice = 30;
  std::vector<std::unique_ptr<Device>> devices;
  for (int i = 0; i < kDevices; ++i) {
    // One device's wall clock runs 10 minutes fast: its ops are flagged, never rejected.
    const std::int64_t offset = i == 2 ? 10 * 60 * 1000 : static_cast<std::int64_t>(rng() % 2000);
    devices.push_back(
        std::make_unique<Device>(static_cast<std::uint8_t>(seed * 16 + i), &now, offset));
    ASSERT_TRUE(enrolOverHttp(http.port(), *devices.back(), gw.createCode(now)));
    devices.back()->follow("team:berlin-drive-3");
  }
  Ids ids(seed);
  const std::vector<std::string> phones = {"+4915112340001", "+4915112340002", "+4915112340003"};
  std::set<std::string> registered_phones;
  std::map<std::string, std::string> expected_submissions;  // id -> hash
  std::vector<std::uint64_t> next(kDevices, 1);

  auto makeOp = [&](int d) {
    Device& dev = *devices[static_cast<std::size_t>(d)];
    const int kind = static_cast<int>(rng() % 10);
    const std::string entity = "m" + std::to_string(rng() % 4);
    if (kind < 6) {
      std::vector<FieldSet> writes;
      for (const char* f : {"language", "time_zone", "status"}) {
        if (chance(2)) writes.push_back({f, "v" + std::to_string(rng() % 100)});
      }
      if (writes.empty()) writes.push_back({"language", "x"});
      dev.update(entity, writes);
    } else if (kind < 8) {
      dev.remove(entity);
    } else if (kind < 9) {
      const std::string id = ids.next();
      const wire::Operation& op = dev.submit(formSubmission(id, "v" + std::to_string(rng())));
      expected_submissions.emplace(id, op.submission().content_hash());
    } else {
      const std::string id = ids.next();
      const std::string& phone = phones[rng() % phones.size()];
      const wire::Operation& op = dev.submit(registration(id, phone));
      expected_submissions.emplace(id, op.submission().content_hash());
      registered_phones.insert(phone);
    }
  };

  struct InFlight {
    int device = 0;
    api::HttpRequest request;
  };
  std::deque<InFlight> network;
  auto deliver = [&](const InFlight& f, bool faults) {
    Device& dev = *devices[static_cast<std::size_t>(f.device)];
    if (faults && chance(10)) {
      fault = chance(2) ? FaultPoint::BeforeCommit : FaultPoint::AfterCommit;
      ++counters->crashes;
    }
    const Posted p = post(http.port(), f.request);
    fault.reset();
    if (p.http == 401) ++counters->dup_refused;  // a duplicated request: its nonce was used
    if (!p.response || (faults && chance(8))) {
      ++counters->lost;
      return;  // the device learns nothing
    }
    const auto rep = dev.apply(*p.response);
    if (rep.resend_from != 0) {
      ++counters->gaps;
      next[static_cast<std::size_t>(f.device)] = rep.resend_from;
    } else if (rep.ok) {
      auto& n = next[static_cast<std::size_t>(f.device)];
      n = std::max(n, dev.acked() + 1);
    }
  };

  int steps = 0;
  auto made_all = [&] {
    return std::all_of(devices.begin(), devices.end(),
                       [](const auto& d) { return d->made() == kOpsPerDevice; });
  };
  while (!made_all() || !network.empty()) {
    ASSERT_LT(++steps, 5000) << "no progress";
    now += static_cast<std::int64_t>(rng() % 400);
    const int d = static_cast<int>(rng() % kDevices);
    Device& dev = *devices[static_cast<std::size_t>(d)];
    const int action = static_cast<int>(rng() % 10);
    if (action < 4) {
      if (dev.made() < kOpsPerDevice) makeOp(d);
    } else if (action < 6) {
      // Send the next batch, pipelining past unacknowledged ones.
      auto& n = next[static_cast<std::size_t>(d)];
      const std::size_t count = 1 + rng() % 4;
      InFlight f{
          d, dev.http(dev.request(n, count, 1 + static_cast<std::uint32_t>(rng() % 8)), chance(2))};
      network.push_back(f);
      if (chance(5)) network.push_back(f);  // duplicated in transit (same bytes, same nonce)
      if (n <= dev.made()) n = std::min<std::uint64_t>(n + count, dev.made() + 1);
    } else if (action < 9) {
      if (network.empty()) continue;
      const std::size_t pick = rng() % network.size();  // out of order
      const InFlight f = std::move(network[pick]);
      network.erase(network.begin() + static_cast<std::ptrdiff_t>(pick));
      if (chance(8)) {
        ++counters->lost;
        continue;  // the request is lost
      }
      deliver(f, /*faults=*/true);
    } else if (chance(6)) {
      gw.restart();  // the gateway process restarts; only committed state survives
      ++counters->restarts;
    } else {
      next[static_cast<std::size_t>(d)] = dev.acked() + 1;  // timeout: resend unacknowledged
    }
  }

  // Everyone syncs until nothing is left to push or pull, twice round so relays reach all.
  for (int round = 0, quiet = 0; quiet < 2; ++round) {
    ASSERT_LT(round, 50) << "did not settle";
    bool moved = false;
    for (int d = 0; d < kDevices; ++d) {
      Device& dev = *devices[static_cast<std::size_t>(d)];
      for (int i = 0;; ++i) {
        ASSERT_LT(i, 50);
        now += 10;
        const Posted p = post(http.port(), dev.http(dev.request(0, 500, 50)));
        ASSERT_EQ(p.http, 200) << "device " << d;
        ASSERT_TRUE(p.response);
        const auto rep = dev.apply(*p.response);
        ASSERT_TRUE(rep.ok) << "device " << d;
        moved = moved || rep.records > 0;
        if (!rep.more && dev.acked() == dev.made()) break;
      }
    }
    quiet = moved ? 0 : quiet + 1;
  }

  // 1. Every replica equals the gateway, and the gateway equals the oracle.
  std::map<engine::EntityKey, engine::EntityState> gateway;
  ASSERT_FALSE(gw.withStore([&](SqliteSyncStore& s) { return s.loadEntities("t1", &gateway); }));
  std::vector<const wire::Operation*> all;
  for (const auto& d : devices) {
    for (const auto& op : d->outbox()) all.push_back(&op);
  }
  ASSERT_EQ(testing::render(gateway), testing::renderOracle(all));
  for (int d = 0; d < kDevices; ++d) {
    ASSERT_EQ(testing::render(devices[static_cast<std::size_t>(d)]->entities()),
              testing::render(gateway))
        << "device " << d;
    ASSERT_TRUE(devices[static_cast<std::size_t>(d)]->entities() == gateway) << "device " << d;
  }
  // 2. Every operation consumed exactly once; nothing acknowledged is missing.
  for (const auto& d : devices) {
    std::vector<OpRecord> ops;
    ASSERT_FALSE(
        gw.withStore([&](SqliteSyncStore& s) { return s.ops(d->id(), 1, 1000, false, &ops); }));
    ASSERT_EQ(ops.size(), d->made());
    for (std::size_t i = 0; i < ops.size(); ++i) ASSERT_EQ(ops[i].device_seq, i + 1);
    ASSERT_EQ(d->acked(), d->made());
    ASSERT_TRUE(d->rejections().empty());
  }
  std::map<std::string, std::string> stored;
  ASSERT_FALSE(gw.withStore([&](SqliteSyncStore& s) { return s.submissions("t1", &stored); }));
  ASSERT_EQ(stored, expected_submissions);
  // 3. Field records reached the outreach data once each.
  std::int64_t contacts = -1;
  gw.withStore([&](SqliteSyncStore& s) {
    std::error_code ec;
    auto st = s.database().prepare("SELECT count(*) FROM contacts", &ec);
    bool row = false;
    if (!ec && !st->step(&row) && row) contacts = st->int64(0);
    return ec;
  });
  ASSERT_EQ(contacts, static_cast<std::int64_t>(registered_phones.size()));
}

TEST(SyncE2e, DevicesAndGatewayConvergeDespiteReorderingDuplicationLossAndCrashes) {
  Counters c;
  for (std::uint64_t seed : seeds()) {
    SCOPED_TRACE("seed " + std::to_string(seed) +
                 " (replay: LIAISON_SYNC_SEED=" + std::to_string(seed) + ")");
    runSeed(seed, &c);
    if (HasFatalFailure()) return;
  }
  std::printf(
      "sync e2e: %zu seeds; %zu gaps, %zu crashes, %zu lost messages, %zu restarts, "
      "%zu duplicated requests refused\n",
      seeds().size(), c.gaps, c.crashes, c.lost, c.restarts, c.dup_refused);
  // The transport and the gateway must actually have misbehaved.
  if (seeds().size() >= 4) {
    EXPECT_GT(c.crashes, 0u);
    EXPECT_GT(c.lost, 0u);
    EXPECT_GT(c.gaps, 0u);
    EXPECT_GT(c.restarts, 0u);
    EXPECT_GT(c.dup_refused, 0u);
  }
}

}  // namespace
}  // namespace liaison::gateway::sync
