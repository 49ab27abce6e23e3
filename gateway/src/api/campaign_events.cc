// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The campaign event hub (campaign_events.h). Locking: State::mu guards the watched campaigns
// and is never held across a store read; State::slot_mu guards the admission counters only, so
// a slot can be given back from anywhere (a connection's strand destroying an unstarted
// response, the hub thread pruning a watcher under mu) without lock-order trouble. Writes to a
// ResponseStream only queue (they never block), so they are done under mu.
#include "api/campaign_events.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <thread>
#include <utility>
#include <vector>

#include "api/proto_json.h"
#include "outreach/results.h"
#include "store/database.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_results_store.h"
#include "util/log.h"

namespace liaison::gateway::api {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// The hub's thread rests at least this many times as long as its last round of reads took.
constexpr int kIdleShare = 4;

HttpResponse limited(int status, std::string_view code, std::string_view message) {
  HttpResponse r = errorResponse(status, code, message);
  r.headers.emplace_back("Retry-After", "5");
  return r;
}

// The monitor's part of the results (campaign_events.h): counts only.
std::string payloadJson(const std::string& campaign_id, store::CampaignState state,
                        const outreach::CampaignResults& r) {
  json questions = json::array();
  for (const outreach::QuestionResult& q : r.questions) {
    json choices = json::array();
    for (const outreach::ChoiceCount& c : q.choices) {
      choices.push_back({{"choice_id", c.choice_id}, {"count", c.count}, {"share", c.share}});
    }
    questions.push_back({{"question_id", q.question_id},
                         {"kind", outreach::answerKindName(q.kind)},
                         {"answered", q.answered},
                         {"choices", std::move(choices)}});
  }
  json out = {
      {"campaign_id", campaign_id},
      {"state", liaison::v1::CampaignState_Name(static_cast<liaison::v1::CampaignState>(state))},
      {"delivery", deliveryStatsJson(r.delivery)},
      {"sessions", sessionStatsJson(r.sessions)},
      {"questions", std::move(questions)}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

// An admitted stream's place in the limits; given back when destroyed.
class EventSlot {
 public:
  EventSlot(std::shared_ptr<CampaignEvents::State> state, std::string token_id)
      : state_(std::move(state)), token_id_(std::move(token_id)) {}
  ~EventSlot();
  EventSlot(const EventSlot&) = delete;
  EventSlot& operator=(const EventSlot&) = delete;

 private:
  std::shared_ptr<CampaignEvents::State> state_;
  std::string token_id_;
};

struct CampaignEvents::State {
  State(store::Database& database, std::mutex& smu, std::string path, CampaignEventsOptions o)
      : db(database), store_mu(smu), db_path(std::move(path)), options(o) {}

  struct Watcher {
    std::shared_ptr<ResponseStream> stream;
    std::shared_ptr<EventSlot> slot;
    std::uint64_t sent_version = 0;
  };
  struct Watched {
    std::string tenant;
    std::string id;
    std::vector<Watcher> watchers;
    std::string payload;  // the last one read; empty before the first read
    std::uint64_t version = 0;
    Clock::time_point next_poll = Clock::time_point::min();
    bool failure_logged = false;
  };

  // ---- admission (slot_mu)

  std::shared_ptr<EventSlot> admit(std::shared_ptr<State> self, const std::string& token_id,
                                   HttpResponse* refused) {
    std::lock_guard lock(slot_mu);
    if (streams >= options.max_streams) {
      *refused = limited(503, "unavailable", "too many live event streams; retry later");
      return nullptr;
    }
    std::size_t& mine = per_token[token_id];
    if (mine >= options.max_streams_per_token) {
      if (mine == 0) per_token.erase(token_id);
      *refused = limited(429, "rate_limited",
                         "this token already has the most live event streams allowed; close one");
      return nullptr;
    }
    ++mine;
    ++streams;
    return std::make_shared<EventSlot>(std::move(self), token_id);
  }

  void release(const std::string& token_id) {
    std::lock_guard lock(slot_mu);
    --streams;
    auto it = per_token.find(token_id);
    if (it != per_token.end() && --it->second == 0) per_token.erase(it);
  }

  // ---- watchers (mu)

  static std::string key(const std::string& tenant, const std::string& id) {
    return tenant + '\n' + id;
  }

  static std::string event(const Watched& w) {
    return "event: progress\nid: " + std::to_string(w.version) + "\ndata: " + w.payload + "\n\n";
  }

  // On the connection's strand, once the response header is out.
  void attach(const std::string& tenant, const std::string& id,
              std::shared_ptr<ResponseStream> stream, std::shared_ptr<EventSlot> slot) {
    stream->write("retry: 3000\n\n");
    std::lock_guard lock(mu);
    if (stopping) {
      stream->close();
      return;
    }
    if (!thread.joinable()) thread = std::thread([this] { run(); });
    Watched& w = campaigns[key(tenant, id)];
    if (w.id.empty()) {
      w.tenant = tenant;
      w.id = id;
    }
    Watcher watcher{std::move(stream), std::move(slot), 0};
    // Known counts go out at once, without a read; a new campaign is read at once.
    if (w.version > 0 && watcher.stream->write(event(w))) watcher.sent_version = w.version;
    w.watchers.push_back(std::move(watcher));
    cv.notify_one();
  }

  // Drops closed streams and unwatched campaigns. Under mu.
  void prune() {
    for (auto it = campaigns.begin(); it != campaigns.end();) {
      auto& ws = it->second.watchers;
      ws.erase(
          std::remove_if(ws.begin(), ws.end(), [](const Watcher& x) { return !x.stream->open(); }),
          ws.end());
      it = ws.empty() ? campaigns.erase(it) : std::next(it);
    }
  }

  // Sends the current payload to the watchers that have not seen it. Under mu.
  static void deliver(Watched& w) {
    const std::string text = event(w);
    for (Watcher& x : w.watchers) {
      if (x.sent_version == w.version) continue;
      if (x.stream->write(text)) x.sent_version = w.version;
    }
  }

  // The counts of one campaign: one store read. The hub thread only.
  std::error_code read(const std::string& tenant, const std::string& id, std::string* out) {
    reads.fetch_add(1, std::memory_order_relaxed);
    auto compute = [&](store::Database& on) -> std::error_code {
      store::SqliteCampaignStore cs(on);
      store::CampaignRecord record;
      if (auto ec = cs.get(tenant, id, &record)) return ec;
      store::SqliteResultsStore rs(on);
      store::SqliteOutboxStore ob(on);
      outreach::CampaignResults results;
      if (auto ec = outreach::computeResults(rs, ob, tenant, id, &results)) return ec;
      *out = payloadJson(id, record.state, results);
      return {};
    };
    if (db_path.empty()) {
      std::lock_guard lock(store_mu);
      return compute(db);
    }
    if (!reader) {
      std::error_code ec;
      reader = store::Database::open(db_path, store::Database::Mode::ReadOnly, &ec);
      if (!reader) return ec ? ec : store::StoreErrc::Other;
    }
    auto ec = compute(*reader);
    if (ec && ec != store::StoreErrc::NotFound && ec != store::StoreErrc::Busy) reader.reset();
    return ec;
  }

  void run() {
    std::unique_lock lock(mu);
    Clock::time_point next_heartbeat = Clock::now() + options.heartbeat;
    while (!stopping) {
      prune();
      if (campaigns.empty()) {
        cv.wait(lock, [&] { return stopping || !campaigns.empty(); });
        next_heartbeat = Clock::now() + options.heartbeat;
        continue;
      }
      Clock::time_point now = Clock::now();
      struct Due {
        std::string key, tenant, id, payload;
        std::error_code ec;
      };
      std::vector<Due> due;
      Clock::time_point wake = next_heartbeat;
      for (auto& [k, w] : campaigns) {
        if (w.next_poll <= now) {
          due.push_back({k, w.tenant, w.id, {}, {}});
          w.next_poll = now + options.poll_interval;  // one read per interval, however many
        }
        wake = std::min(wake, w.next_poll);
      }
      if (!due.empty()) {
        lock.unlock();
        const Clock::time_point started = Clock::now();
        for (Due& d : due) d.ec = read(d.tenant, d.id, &d.payload);
        const Clock::time_point finished = Clock::now();
        lock.lock();
        // Large campaigns take a while to count (about 0.3 s for 70,000 messages): the next
        // round waits at least kIdleShare times as long as this one took, so the hub's thread
        // reads the store at most 1/(kIdleShare+1) of the time, however much is watched.
        const auto pause =
            std::max<Clock::duration>(options.poll_interval, kIdleShare * (finished - started));
        for (Due& d : due) {
          if (auto it = campaigns.find(d.key); it != campaigns.end()) {
            it->second.next_poll = finished + pause;
          }
          publish(d.key, d.ec, std::move(d.payload));
        }
        continue;
      }
      if (now >= next_heartbeat) {
        for (auto& [k, w] : campaigns) {
          for (Watcher& x : w.watchers) x.stream->write(": keep-alive\n\n");
        }
        next_heartbeat = now + options.heartbeat;
        continue;
      }
      cv.wait_until(lock, wake);
    }
  }

  // The outcome of one read. Under mu.
  void publish(const std::string& k, std::error_code ec, std::string payload) {
    auto it = campaigns.find(k);
    if (it == campaigns.end()) return;  // nobody watches it any more
    Watched& w = it->second;
    if (ec == store::StoreErrc::NotFound) {
      for (Watcher& x : w.watchers) {
        x.stream->write("event: gone\ndata: {\"code\":\"not_found\"}\n\n");
        x.stream->close();
      }
      campaigns.erase(it);
      return;
    }
    if (ec) {
      // Busy and the like: the next interval tries again. Logged once per campaign and kind.
      if (!w.failure_logged && ec != store::StoreErrc::Busy) {
        w.failure_logged = true;
        log::error("api.events_read_failed", {{"category", ec.category().name()},
                                              {"code", std::to_string(ec.value())},
                                              {"reason", ec.message()}});
      }
      return;
    }
    w.failure_logged = false;
    if (payload != w.payload) {
      w.payload = std::move(payload);
      ++w.version;
    }
    deliver(w);
  }

  void stop() {
    {
      std::lock_guard lock(mu);
      stopping = true;
      cv.notify_all();
    }
    if (thread.joinable()) thread.join();
    reader.reset();
    std::lock_guard lock(mu);
    for (auto& [k, w] : campaigns) {
      for (Watcher& x : w.watchers) x.stream->close();
    }
    campaigns.clear();
  }

  store::Database& db;
  std::mutex& store_mu;
  const std::string db_path;
  const CampaignEventsOptions options;

  std::mutex slot_mu;
  std::size_t streams = 0;                       // guarded by slot_mu
  std::map<std::string, std::size_t> per_token;  // guarded by slot_mu

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;                     // guarded by mu
  std::map<std::string, Watched> campaigns;  // guarded by mu
  std::thread thread;                        // started under mu, joined by stop()
  std::unique_ptr<store::Database> reader;   // the hub thread only
  std::atomic<std::uint64_t> reads{0};
};

EventSlot::~EventSlot() { state_->release(token_id_); }

CampaignEvents::CampaignEvents(store::Database& db, std::mutex& store_mu, std::string db_path,
                               CampaignEventsOptions options)
    : state_(std::make_shared<State>(db, store_mu, std::move(db_path), options)) {}

CampaignEvents::~CampaignEvents() { state_->stop(); }

std::size_t CampaignEvents::streamCount() const {
  std::lock_guard lock(state_->slot_mu);
  return state_->streams;
}

std::uint64_t CampaignEvents::storeReads() const {
  return state_->reads.load(std::memory_order_relaxed);
}

HttpResponse CampaignEvents::open(const RequestContext& ctx) {
  const std::string tenant = ctx.principal->tenant_id;
  const std::string id(ctx.param("campaign_id"));
  // The campaign first: another tenant's id is 404, before anything streams.
  {
    std::lock_guard lock(state_->store_mu);
    store::SqliteCampaignStore campaigns(state_->db);
    store::CampaignRecord record;
    if (auto ec = campaigns.get(tenant, id, &record)) {
      if (ec == store::StoreErrc::NotFound) {
        return errorResponse(404, "not_found", "no such campaign");
      }
      if (ec == store::StoreErrc::Busy)
        return limited(503, "unavailable", "the store is busy; retry");
      log::error("api.store_failed", {{"op", "events_campaign_get"},
                                      {"category", ec.category().name()},
                                      {"code", std::to_string(ec.value())},
                                      {"reason", ec.message()}});
      return errorResponse(500, "internal", "internal error");
    }
  }
  HttpResponse r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Accel-Buffering", "no");  // proxies: pass events on at once
  if (ctx.http.method == "HEAD") return r;
  HttpResponse refused;
  std::shared_ptr<EventSlot> slot = state_->admit(state_, ctx.principal->token_id, &refused);
  if (!slot) return refused;
  // The slot travels with the response: given back if the stream never starts, else when the
  // hub lets go of the watcher.
  r.stream = [state = state_, slot = std::move(slot), tenant,
              id](std::shared_ptr<ResponseStream> stream) mutable {
    state->attach(tenant, id, std::move(stream), std::move(slot));
  };
  return r;
}

Route CampaignEvents::route() {
  Route r;
  r.method = "GET";
  r.pattern = "/v1/campaigns/{campaign_id}/events";
  r.roles = RoleSet::all();
  r.summary = "Live delivery funnel and answer counts (server-sent events)";
  r.tag = "results";
  r.response = BodyKind::EventStream;
  r.handler = [this](const RequestContext& ctx) { return open(ctx); };
  r.description =
      "A text/event-stream (chunked) that stays open: `retry: 3000`, then an `event: progress` "
      "whose data is one JSON line {campaign_id, state, delivery {queued, sending, submitted, "
      "delivered, failed, expired, unknown, total, delivery_rate}, sessions {started, "
      "responded, completed, stopped, expired, open, response_rate, completion_rate}, "
      "questions [{question_id, kind, answered, choices [{choice_id, count, share}]}]} at once "
      "and again whenever a count changes (checked every second), a `: keep-alive` comment "
      "every 15 s, and `event: gone` if the campaign disappears. Send the token as "
      "Authorization: Bearer (EventSource cannot: read it with fetch). 429 when this token "
      "already holds 8 streams, 503 when the gateway holds 256.";
  return r;
}

}  // namespace liaison::gateway::api
