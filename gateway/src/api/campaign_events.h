// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Live campaign monitoring by server-sent events:
//
//   GET /v1/campaigns/{campaign_id}/events      (Token; every role that may read results)
//
// answers `text/event-stream` (HttpResponse::stream) with
//
//   retry: 3000                                      once, first
//   event: progress / id: <n> / data: <json>         whenever the campaign's counts change
//   : keep-alive                                     every heartbeat (15 s) so dead peers are found
//   event: gone / data: {"code":"not_found"}         the campaign vanished; the stream then ends
//
// where <json> is one line: {"campaign_id", "state" (CAMPAIGN_STATE_...), "delivery": {queued,
// sending, submitted, delivered, failed, expired, unknown, total, delivery_rate}, "sessions":
// {started, responded, completed, stopped, expired, open, response_rate, completion_rate},
// "questions": [{question_id, kind, answered, choices: [{choice_id, count, share}]}]}: the
// monitor's part of GET .../results (no breakdowns, no free text, no pseudonyms). A new watcher
// gets the current state at once, then only changes.
//
// Design: one hub per RestApi (CampaignEvents), one thread. The hub keeps, per watched campaign
// (tenant, id), its watchers and the last payload sent. Once per poll interval (1 s) the thread
// reads each watched campaign's counts ONCE (outreach::computeResults, on a read-only connection
// of its own when db_path is set, else on the writer under the store mutex) and, when the
// payload differs from the last one, writes it to every watcher: N watchers of a campaign cost
// one store read per interval, not N, and an idle campaign costs a read but sends nothing.
// A read counts the whole campaign (0.3 s for 20,000 people and 70,000 messages on a 2-core
// machine), so the interval stretches to 4x the time the last round of reads took: the
// thread spends at most a fifth of its time reading, whatever is watched.
// Campaigns nobody watches are not read at all, and with no watcher the thread sleeps. Polling
// rather than hooks into the dispatcher and the inbound pipeline: counts change from several
// places (receipts, answers, STOP, expiry, the CLI, another process on the same file), and one
// aggregate read per second sees them all without coupling those paths to the API.
//
// Before streaming starts the route answers like every Token route (401, 403 by the router;
// 404 for another tenant's campaign here), and refuses past the limits: 429 rate_limited when
// the token already holds max_streams_per_token streams, 503 unavailable when the gateway holds
// max_streams, both with Retry-After. A slot is taken when the request is admitted and given
// back when the stream ends (client gone, slow reader dropped, server stopping, hub destroyed)
// or when the response never starts. Writes never block: ResponseStream queues them on the
// connection's strand and drops a reader that falls max 1 MiB behind.
//
// Nothing personal is sent or logged: counts and ids only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "api/router.h"

namespace liaison::gateway::store {
class Database;
}

namespace liaison::gateway::api {

struct CampaignEventsOptions {
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds heartbeat{15'000};
  std::size_t max_streams = 256;          // open event streams, all tokens together
  std::size_t max_streams_per_token = 8;  // a few browser tabs per officer
};

class CampaignEvents {
 public:
  // `db` and `store_mu` as for RestApi; `db_path` non-empty: counts are read through a
  // read-only connection of the hub's own (no mutex). All must outlive the hub.
  CampaignEvents(store::Database& db, std::mutex& store_mu, std::string db_path,
                 CampaignEventsOptions options = {});
  // Stops the thread and ends every open stream (the last chunk is sent).
  ~CampaignEvents();
  CampaignEvents(const CampaignEvents&) = delete;
  CampaignEvents& operator=(const CampaignEvents&) = delete;

  // GET /v1/campaigns/{campaign_id}/events, for the route table. Refers to this hub.
  Route route();

  // The request handler behind route(): checks the campaign and the limits, then streams.
  HttpResponse open(const RequestContext& ctx);

  // Open streams (admitted and not yet ended), and campaign count reads done since start:
  // for tests and metrics. Thread-safe.
  std::size_t streamCount() const;
  std::uint64_t storeReads() const;

  struct State;  // campaign_events.cc

 private:
  std::shared_ptr<State> state_;
};

}  // namespace liaison::gateway::api
