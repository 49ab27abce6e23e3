// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Promise 5 as properties, over fixed seeds. (1) Random operations from several devices,
// delivered to N replicas in random orders, chunks and with duplicates, leave every replica
// identical, and equal to a set-based oracle. (2) A gateway fed through a lossy, duplicating,
// reordering transport with pipelined pushes applies every operation exactly once.
// A failing seed is printed; LIAISON_SYNC_SEED=<n> replays just that seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "liaison/sync/hlc.h"
#include "liaison/sync/merge.h"
#include "liaison/sync/uuid.h"
#include "sync_test_util.h"

namespace liaison::sync {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

std::vector<uint64_t> seeds(uint64_t count) {
  if (const char* env = std::getenv("LIAISON_SYNC_SEED")) return {std::strtoull(env, nullptr, 10)};
  std::vector<uint64_t> out;
  for (uint64_t s = 1; s <= count; ++s) out.push_back(s);
  return out;
}

// An in-memory replica: what a storage layer does with a Plan, minus SQL.
struct Replica {
  std::map<EntityKey, EntityState> entities;
  std::map<std::string, std::string> submissions;
  std::map<std::string, uint64_t> hwm;  // gateway only
  std::size_t inserts = 0;

  Plan apply(std::span<const v1::Operation* const> ops, std::optional<std::string> pusher) {
    StagedState staged;
    if (pusher) staged.device_hwm = hwm[*pusher];
    const StageKeys keys = stageKeys(ops);
    for (const EntityKey& k : keys.entities) {
      if (auto it = entities.find(k); it != entities.end()) staged.entities.emplace(k, it->second);
    }
    for (const std::string& id : keys.submissions) {
      if (auto it = submissions.find(id); it != submissions.end()) staged.submissions.insert(*it);
    }
    Plan plan = computePlan(staged, ops);
    for (const EntityWrite& w : plan.entity_writes) entities[w.key] = w.state;
    for (const SubmissionInsert& s : plan.submission_inserts) {
      submissions[s.id] = s.content_hash;
      ++inserts;
    }
    if (plan.new_hwm) hwm[*pusher] = *plan.new_hwm;
    return plan;
  }
};

// What the final state must be, from the set of operations alone.
Replica oracle(const std::vector<v1::Operation>& ops) {
  Replica r;
  std::map<EntityKey, std::optional<Version>> tomb;
  for (const v1::Operation& op : ops) {
    if (op.has_entity_delete()) {
      auto& t = tomb[{op.entity_delete().entity_type(), op.entity_delete().entity_id()}];
      if (!t || *t < versionOf(op)) t = versionOf(op);
    }
  }
  for (const v1::Operation& op : ops) {
    if (op.has_submission())
      r.submissions.emplace(op.submission().submission_id(), op.submission().content_hash());
    if (!op.has_entity_update()) continue;
    const EntityKey key{op.entity_update().entity_type(), op.entity_update().entity_id()};
    const auto& t = tomb[key];
    for (const v1::FieldWrite& w : op.entity_update().fields()) {
      if (t && versionOf(op) <= *t) continue;
      auto& fields = r.entities[key].fields;
      auto it = fields.find(w.field());
      if (it == fields.end() || it->second.version < versionOf(op)) {
        fields[w.field()] = FieldState{w.value(), versionOf(op), fromProto(w.base(), w.has_base())};
      }
    }
  }
  for (const auto& [key, t] : tomb) {
    if (t) r.entities[key].tombstone = Tombstone{*t, std::nullopt};
  }
  return r;
}

// Field values and tombstone versions: what a user can observe. (Tombstone bases differ
// legitimately in the oracle, which does not track them.)
std::string render(const Replica& r) {
  std::string out;
  for (const auto& [key, e] : r.entities) {
    out += key.id +
           (e.tombstone ? "[t" + std::to_string(e.tombstone->version.hlc.wall_ms) +
                              e.tombstone->version.device_id + "]"
                        : "") +
           "{";
    for (const auto& [name, f] : e.fields) out += name + "=" + f.value + ";";
    out += "} ";
  }
  for (const auto& [id, hash] : r.submissions) out += id.substr(30) + ":" + hash.substr(0, 1) + " ";
  return out;
}

struct World {
  std::vector<std::string> devices{"dev-a", "dev-b", "dev-c"};
  std::map<std::string, std::vector<v1::Operation>> by_device;
  std::vector<v1::Operation> all;
};

World generate(std::mt19937_64& rng, int ops_per_device) {
  World w;
  std::vector<Version> history;  // versions written so far, to pick plausible bases from
  std::vector<std::string> submitted;
  UuidV7Generator ids([] { return uint64_t{1'700'000'000'000}; },
                      [&rng](std::span<uint8_t> out) {
                        for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
                      });
  for (const std::string& device : w.devices) {
    uint64_t wall = 1'000 + rng() % 50;
    HybridLogicalClock clock([&wall] { return wall; });
    for (int seq = 1; seq <= ops_per_device; ++seq) {
      wall = wall + rng() % 7 - 2;  // clocks drift and step back
      const HlcTimestamp t = clock.now();
      const std::string entity = "m" + std::to_string(rng() % 3);
      const int kind = static_cast<int>(rng() % 10);
      v1::Operation op;
      if (kind < 6) {
        std::vector<Write> writes;
        for (const char* f : {"language", "time_zone", "status"}) {
          if (rng() % 2 == 0) continue;
          Write wr{f, "v" + std::to_string(rng() % 100), std::nullopt};
          if (!history.empty() && rng() % 2 == 0) {
            const Version& b = history[rng() % history.size()];
            wr.base = Base{b.hlc.wall_ms, b.hlc.logical, b.device_id};
          }
          writes.push_back(wr);
        }
        if (writes.empty()) writes.push_back(Write{"language", "x", std::nullopt});
        op = update(device, static_cast<uint64_t>(seq), t.wall_ms, entity, writes, t.logical);
      } else if (kind < 8) {
        op = remove(device, static_cast<uint64_t>(seq), t.wall_ms, entity);
        op.mutable_hlc()->set_logical(t.logical);
      } else {
        // A new submission, or the same one again (same id, same hash: a retried save).
        std::string id = !submitted.empty() && rng() % 3 == 0 ? submitted[rng() % submitted.size()]
                                                              : ids.next().toString();
        submitted.push_back(id);
        op = submission(device, static_cast<uint64_t>(seq), t.wall_ms, id,
                        static_cast<char>('a' + id.back() % 5));
        op.mutable_hlc()->set_logical(t.logical);
      }
      history.push_back(versionOf(op));
      w.by_device[device].push_back(op);
      w.all.push_back(op);
    }
  }
  return w;
}

TEST(Convergence, ReplicasAgreeWhateverTheOrderAndDuplication) {
  constexpr int kReplicas = 4;
  std::size_t flagged = 0, deleted = 0;  // the generator must reach the interesting cases
  for (uint64_t seed : seeds(200)) {
    SCOPED_TRACE("seed " + std::to_string(seed) +
                 " (replay: LIAISON_SYNC_SEED=" + std::to_string(seed) + ")");
    std::mt19937_64 rng(seed);
    const World w = generate(rng, 12);
    const std::string want = render(oracle(w.all));
    for (int r = 0; r < kReplicas; ++r) {
      // Shuffle, duplicate about a third, deliver in chunks of 1..5 as relayed operations.
      std::vector<const v1::Operation*> stream;
      for (const v1::Operation& op : w.all) {
        stream.push_back(&op);
        if (rng() % 3 == 0) stream.push_back(&op);
      }
      std::shuffle(stream.begin(), stream.end(), rng);
      Replica replica;
      for (std::size_t i = 0; i < stream.size();) {
        const std::size_t n = std::min<std::size_t>(1 + rng() % 5, stream.size() - i);
        flagged += replica.apply(std::span(stream).subspan(i, n), std::nullopt).review_flags.size();
        i += n;
      }
      ASSERT_EQ(render(replica), want) << "replica " << r;
      for (const auto& [key, e] : replica.entities) deleted += e.deleted() ? 1 : 0;
      for (const auto& [key, e] : replica.entities) {
        for (const auto& [name, f] : e.fields) {
          ASSERT_TRUE(!e.tombstone || e.tombstone->version < f.version) << "field under tombstone";
        }
      }
    }
  }
  EXPECT_GT(flagged, 0u);
  EXPECT_GT(deleted, 0u);
}

// Device pushes through a transport that drops, duplicates and reorders; the device keeps up
// to two batches in flight, so gaps happen and are answered with resend_from.
TEST(Convergence, GatewayAppliesEveryOperationExactlyOnce) {
  std::size_t gaps = 0, replays = 0;  // the transport must actually have misbehaved
  for (uint64_t seed : seeds(200)) {
    SCOPED_TRACE("seed " + std::to_string(seed) +
                 " (replay: LIAISON_SYNC_SEED=" + std::to_string(seed) + ")");
    std::mt19937_64 rng(seed);
    const World w = generate(rng, 15);
    Replica gateway;
    std::map<std::string, uint64_t> acked, next;  // per device: acked through, next to send
    std::map<const v1::Operation*, int> applied;
    struct InFlight {
      std::string device;
      uint64_t first = 0, count = 0;
    };
    std::deque<InFlight> network;
    for (const std::string& d : w.devices) next[d] = 1;
    int steps = 0;
    auto done = [&] {
      for (const std::string& d : w.devices) {
        if (acked[d] < w.by_device.at(d).size()) return false;
      }
      return true;
    };
    while (!done()) {
      ASSERT_LT(++steps, 20'000) << "no progress";
      const std::string& d = w.devices[rng() % w.devices.size()];
      const auto& outbox = w.by_device.at(d);
      if (rng() % 2 == 0 && next[d] <= outbox.size()) {
        // Send the next batch (pipelining past unacked ones).
        const uint64_t n = std::min<uint64_t>(1 + rng() % 4, outbox.size() - next[d] + 1);
        network.push_back({d, next[d], n});
        if (rng() % 5 == 0) network.push_back({d, next[d], n});  // duplicated in transit
        next[d] += n;
        continue;
      }
      if (network.empty()) {
        next[d] = acked[d] + 1;  // timeout: resend everything unacknowledged
        continue;
      }
      // Deliver a random in-flight request (reordering), sometimes losing it.
      const std::size_t pick = rng() % network.size();
      const InFlight req = network[pick];
      network.erase(network.begin() + static_cast<std::ptrdiff_t>(pick));
      if (rng() % 6 == 0) continue;  // request lost
      std::vector<const v1::Operation*> ops;
      for (uint64_t s = req.first; s < req.first + req.count; ++s) {
        ops.push_back(&w.by_device.at(req.device)[s - 1]);
      }
      const Plan plan = gateway.apply(ops, req.device);
      for (std::size_t i = 0; i < plan.results.size(); ++i) {
        const OpOutcome o = plan.results[i].outcome;
        if (o != OpOutcome::Replay && o != OpOutcome::Deferred) ++applied[ops[i]];
        replays += o == OpOutcome::Replay ? 1 : 0;
      }
      gaps += plan.resend_from != 0 ? 1 : 0;
      if (rng() % 6 == 0) continue;  // response lost: the device learns nothing
      if (plan.resend_from != 0) {
        next[req.device] = plan.resend_from;
      } else {
        acked[req.device] = std::max(acked[req.device], gateway.hwm[req.device]);
        next[req.device] = std::max(next[req.device], acked[req.device] + 1);
      }
    }
    for (const auto& [device, outbox] : w.by_device) {
      for (const v1::Operation& op : outbox) {
        ASSERT_EQ(applied[&op], 1) << device << " seq " << op.device_seq() << " exactly once";
      }
    }
    ASSERT_EQ(render(gateway), render(oracle(w.all)));
  }
  EXPECT_GT(gaps, 0u);
  EXPECT_GT(replays, 0u);
}

}  // namespace
}  // namespace liaison::sync
