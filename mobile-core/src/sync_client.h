// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The mobile core's own sync transport (docs/sync-protocol.md sections 2, 9, 10 and 14): libcurl
// over HTTPS to the gateway's `POST /v1/sync/enrol` and `POST /v1/sync`, on top of the store's
// transport-free half (Store::nextSyncRequest / applySyncResponse).
//
//   enrol(code): Ed25519 key pair (libsodium) -> JSON {code, public_key, proof} -> device id,
//                granted scopes; the secret key is kept sealed in the store.
//   run():       loop of exchanges, each one signed request and one response:
//                  push the oldest `push_chunk` outbox operations (bounded memory however large
//                  the backlog), then pull pages of `page_records` until `more` is false. Each
//                  request also tells how many operations wait behind its push
//                  (pending_operations, for the officers' field-devices view).
//                Every exchange is atomic on both sides (the gateway commits before it answers,
//                the store applies a response in one transaction), so a connection cut at any
//                point loses and doubles nothing: the next exchange resends what was not
//                acknowledged (a replay is a no-op) and pulls again the page not applied.
//   start():     a background worker thread that runs run() every `interval_ms`, retries
//                failures with exponential backoff and jitter, and wakes early on trigger().
//
// Responses drive the device as the protocol says: SEQUENCE_GAP resends from the gateway's
// high-water mark; UNAUTHENTICATED stale-timestamp re-anchors the signing clock on the server
// time and signs again; replayed signs again with a fresh nonce; SCOPE_FORBIDDEN drops the
// cursors of scopes outside the grant; UNSUPPORTED_VERSION picks the highest common version or
// stops (app update needed); SERVER_BUSY and transport failures are retried later;
// DEVICE_REVOKED stops (data kept). Responses are asked for and decoded zstd-compressed
// (Accept-Encoding: zstd; plain with LIAISON_MOBILE_ZSTD=OFF). Requests go plain: only a build
// with LIAISON_MOBILE_ZSTD_UPLOAD=ON (off by default, the compressor costs a phone ~430 KB)
// sends bodies of 512 bytes or more zstd-compressed, until the gateway refuses the encoding (415).
//
// TLS: certificates and host names are always verified; plain http is refused except to a
// loopback address (tests). Nothing here logs; errors name the failure, never a record, a
// code, a key or a token.
//
// Thread-safety: every method may be called from any thread; runs are serialised (one at a
// time, whether the app or the worker starts them). Callbacks run on the thread doing the run.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "liaison/sync/status.h"
#include "store.h"

namespace liaison::mobile {

// Where a run stands, for a progress bar. Counts only.
struct SyncProgress {
  enum class Phase { Push = 1, Pull = 2 };
  Phase phase = Phase::Push;
  uint64_t sent = 0;      // operations the gateway acknowledged in this run
  int64_t pending = 0;    // operations still in the outbox
  uint64_t received = 0;  // published records applied in this run
  int exchanges = 0;
};

// What one run did.
struct SyncReport {
  uint64_t sent = 0;      // operations acknowledged (applied, replayed or rejected)
  uint64_t received = 0;  // published records applied (forms, inbox items, entity ops, ...)
  std::vector<SyncRejection> rejected;  // newly rejected records, with the gateway's reason
  int exchanges = 0;                    // HTTP round trips that got an answer
  int64_t pending = 0;                  // operations left in the outbox afterwards
};

struct SyncClientOptions {
  // The gateway, e.g. "https://liaison.example.org" (a path prefix is kept). Required.
  std::string base_url;
  // A PEM bundle of trusted CAs; empty: the system's.
  std::string ca_file;
  uint32_t push_chunk = 200;    // operations per request, 1-500
  uint32_t page_records = 200;  // records per pull page asked for, 1-1000
  long connect_timeout_ms = 15'000;
  long request_timeout_ms = 120'000;
  std::size_t max_response_bytes = 64u << 20;  // decoded; larger answers are refused
  int max_exchanges_per_run = 100'000;         // a bound on one run, never reached normally
  // zstd-compress requests of 512 bytes or more; only in a build with LIAISON_MOBILE_ZSTD_UPLOAD
  // (without it every request goes plain and this is ignored).
  bool compress_requests = true;
  // Background worker: the period after a good run, and the backoff after a failed one
  // (initial * 2^failures, capped, with jitter: a uniform pick in [delay/2, delay]).
  uint64_t interval_ms = 15 * 60 * 1000;
  uint64_t backoff_initial_ms = 5'000;
  uint64_t backoff_max_ms = 30 * 60 * 1000;
  // Unix ms for signing timestamps (before anchoring on the server); the system clock if empty.
  std::function<uint64_t()> wall_clock_ms;
  // Called after every exchange that changed something (on the running thread).
  std::function<void(const SyncProgress&)> progress;
  // Called after every run of the background worker (on the worker thread).
  std::function<void(const sync::Status&, const SyncReport&)> on_worker_run;
};

// What enrolment returned (ids and scope names only).
struct SyncEnrolment {
  std::string device_id;
  std::vector<std::string> scopes;
};

class SyncClient {
 public:
  // The store must outlive the client. InvalidArgument for a malformed option (a URL that is
  // not https, or http to a non-loopback host, or limits out of range).
  static sync::Result<std::unique_ptr<SyncClient>> create(Store& store, SyncClientOptions options);
  ~SyncClient();  // stops the worker
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // Redeems a one-time enrolment code (case, dashes and spaces ignored). Errors:
  // InvalidArgument (not a well-formed code), PermissionDenied (the gateway refused the code:
  // unknown, expired or used; the message says which), Conflict (the store is enrolled under
  // another device already), Unavailable (network or gateway down: try again).
  sync::Result<SyncEnrolment> enrol(const std::string& code);

  // One sync session until caught up (outbox empty or every remaining operation rejected, and
  // no page waiting). Unavailable for a failure worth retrying later (network, gateway busy or
  // down: nothing was lost, what was done stays done); PermissionDenied (revoked, or the
  // signature refused: enrol again), Unsupported (the app must be updated), Corruption or
  // IoError from the store. The report counts what happened even when a run fails part-way.
  sync::Status run(SyncReport* report);

  // The background worker (idempotent). stop() waits for a run in progress to finish.
  void start();
  void stop();
  // Asks the worker to run now (e.g. after a save, or when the network comes back).
  void trigger();
  // Replace the progress callback (waits for a run in progress) and the worker's period.
  void setProgress(std::function<void(const SyncProgress&)> progress);
  void setInterval(uint64_t interval_ms);

  struct WorkerState {
    bool running = false;
    int consecutive_failures = 0;
    uint64_t runs = 0;
    sync::Status last_status;
    SyncReport last_report;
  };
  WorkerState workerState();

  // The retry delay after `failures` consecutive failures (>= 1), before jitter; exposed for
  // tests.
  uint64_t backoffMs(int failures) const;

 private:
  struct Http;
  struct Exchange;
  SyncClient(Store& store, SyncClientOptions options, std::string target_prefix);

  sync::Status runLocked(SyncReport* report);
  sync::Status exchangeLocked(const SyncCredential& cred, const std::string& device_id,
                              uint32_t push_chunk, Exchange* out);
  int64_t signingNowMs() const;
  void anchor(int64_t server_ms);
  void workerLoop();

  Store& store_;
  SyncClientOptions options_;
  std::string target_prefix_;  // the base URL's path, without a trailing '/'
  std::unique_ptr<Http> http_;
  std::mutex run_mu_;  // one run at a time; guards http_, version_, compress_, offset_ms_
  uint32_t version_;
  bool compress_;
  bool anchored_ = false;
  int64_t offset_ms_ = 0;        // server time minus wall clock, from the last answer
  uint64_t retry_after_ms_ = 0;  // the gateway's Retry-After from the last run, if busy

  std::mutex worker_mu_;
  std::condition_variable worker_cv_;
  std::thread worker_;
  bool stopping_ = false;
  bool triggered_ = false;
  WorkerState state_;
};

// ---- Pure pieces, shared with the tests (they pin them against the gateway's side) ----

// Enrolment codes: upper case, '-' and ' ' dropped, O read as 0, I and L as 1; empty unless
// 20 Crockford base32 symbols remain.
std::string normaliseEnrolmentCode(std::string_view code);

// The canonical string a request signature covers (protocol section 14).
std::string canonicalSyncRequest(std::string_view target, std::string_view content_encoding,
                                 int64_t timestamp_ms, std::string_view nonce,
                                 std::string_view device_id, std::string_view body);

// The highest version both sides speak, or 0 when there is none (section 10).
uint32_t pickProtocolVersion(const std::vector<uint32_t>& ours,
                             const std::vector<uint32_t>& theirs);

}  // namespace liaison::mobile
