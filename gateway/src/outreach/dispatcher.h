// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The outbox dispatcher (DESIGN.md flow 1): moves messages from the ledger (OutboxStore)
// through one channel it owns, one SMPP account (SmppChannel) or one HTTP aggregator
// (HttpChannel), and records every outcome back in the ledger. On start it recovers the rows a
// crash left in `sending`; then a timer-driven loop on one strand claims due rows as far as the
// channel has room, re-checks each bulk row's sending window, hands the rows to the channel,
// and commits the outcomes the channel reports in one transaction per tick.
//
//   io threads (binds, channel strand)                 dispatcher strand (one tick at a time)
//   ----------------------------------                 --------------------------------------
//   onSubmitted / onSubmitFailed /    --lock-->  pending updates --+
//   onOutcomeUnknown / onDeliveryState /                           |   tick:
//   onStopped   (decide: submitted, failed,                        +-> 1. flush: applyBatch,
//                requeue + backoff, unknown ...)                   |      one transaction
//                                                                  |   2. claimDue (committed
//   onInbound --store_mutex--> inbound hook (durable) --> return   |      before any send)
//                              (the SMSC gets ESME_ROK after it)   |   3. window check, send()
//                                                                  +-- 4. flush again
//
// The channel seam (outbound_channel.h). The Dispatcher holds an OutboundChannel, an adapter
// that owns the real channel and reports its outcomes as the few facts the ledger rules need:
// ids on success; on a refusal whether it is retryable, whether the provider asked for a pause
// (Retry-After) and whether part of the message may already be out. One set of rules serves
// both kinds:
//   submitted            -> submitted with the provider ids (HTTP without ids: the row id)
//   permanent refusal    -> failed with the channel's code ("smpp_0000000b", "http_4xx")
//   retryable refusal    -> requeued after initial * 2^(attempts - 1) s, or after the
//                           provider's Retry-After if longer, until max_retry_attempts; then
//                           failed. A never-resend message that may have gone out in part
//                           (SMPP, several segments) is recorded unknown instead.
//   throttled (HTTP 429/503) -> requeued after Retry-After (at least a second), whatever the
//                           attempts: a rate limit says nothing about the message. The channel
//                           itself also pauses, so its queued messages wait rather than fail.
//   unknown outcome      -> at-least-once: requeued with the backoff until
//                           max_unknown_attempts, then unknown; never-resend: unknown at once
//   stop                 -> what the channel never sent is handed back and requeued now
// Delivery receipts of SMPP rows come through the channel (matched in memory); an HTTP
// aggregator calls the gateway's delivery webhook, whose records find their row by (channel,
// provider id) in the ledger (delivery_reports.h), so its rows need `channel_name`
// "http:<name>". A report that beats this dispatcher's flush of the submit is refused there
// for the provider to deliver again.
//
// Threading: every store access (claim, flush, recover, the window lookup and the inbound
// hook) happens with `store_mutex` held; pass the mutex every other user of the same
// Database takes. No hook and no channel call runs under the dispatcher's own lock, and the
// store mutex is never taken while holding it: channel listener -> store_mutex -> own lock.
//
// Durability: a flush commits every outcome gathered since the last one with one commit (one
// fsync under synchronous=FULL) instead of one per message. A crash before a flush loses
// outcomes, never messages: a claim is committed before its message reaches the channel, so
// the rows concerned are still `sending`, and recover() at the next start requeues the
// at-least-once ones (they may go out twice) and marks the never-resend ones unknown (promise
// 2). At most `max_outstanding` rows are ever in `sending`, which bounds those duplicates and
// unknowns. Receipts not yet flushed leave their rows `submitted`, as do SMPP receipts that
// arrive after a restart: the SMPP channel matches receipts in memory, to messages it
// submitted itself.
//
// Errors are std::error_code; logs carry counts and codes, never numbers, bodies or row ids.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "channels/http/http_channel.h"
#include "channels/smpp/smpp_channel.h"
#include "outreach/inbound_processor.h"
#include "outreach/outbound_channel.h"
#include "outreach/send_window.h"
#include "store/outbox_store.h"

namespace boost::asio {
class io_context;
}

namespace liaison::gateway::outreach {

struct DispatcherConfig {
  // Recorded in outbox.channel on every claim ("smpp:<account>", "http:<name>"); receipts are
  // looked up by it.
  std::string channel_name = "smpp:default";
  std::chrono::milliseconds busy_interval{20};   // tick period while anything is in flight
  std::chrono::milliseconds idle_interval{250};  // tick period otherwise (wake() cuts it short)
  std::chrono::milliseconds store_retry_interval{1'000};  // after a store error
  int max_claim = 5'000;                                  // rows per claim transaction
  // Rows claimed whose submit outcome is not yet committed, at most: the number of rows ever
  // in `sending`, and so the bound on what a crash turns into resends (at-least-once) and
  // unknowns (never-resend; some of those were still waiting in the channel's queue and never
  // went out). Size it to keep the SMSC busy, not larger: about the account's messages per
  // second times (busy_interval + a response round trip), plus the binds' windows (HTTP: the
  // requests in flight). Claims also stop while the channel's bulk queue has no room.
  std::size_t max_outstanding = 2'000;
  // Inbound messages kept in memory while the store refuses them (disk full, I/O error); they
  // are offered again, in order, on every tick. Beyond this many, new ones are lost (logged,
  // counted in inbound_lost).
  std::size_t max_inbound_retry = 10'000;
  // Retryable SMSC rejections are requeued with a backoff of initial * 2^(attempts - 1)
  // seconds (capped at max) until a row has this many attempts; then it fails with the
  // status code. Attempts count claims, so requeues for a closed window or a full channel
  // queue count too. A never-resend message of several segments is recorded unknown instead:
  // segments accepted before the rejection may already be on the handset.
  int max_retry_attempts = 10;
  // An unknown outcome of an at-least-once row is resent (after the same backoff) until the
  // row has this many attempts; then it is recorded unknown. Never-resend rows: unknown at once.
  int max_unknown_attempts = 3;
  std::int64_t retry_backoff_initial_s = 5;
  std::int64_t retry_backoff_max_s = 600;
  std::int64_t window_cache_s = 60;  // a campaign's window is looked up again after this
  std::int64_t expire_sweep_s = 60;  // OutboxStore::expireOverdue at most this often
};

struct DispatcherHooks {
  // Unix seconds. Called from any thread. Empty: the system clock.
  std::function<std::int64_t()> clock;
  // The sending window of a campaign's bulk messages, in the recipient's zone (the row's
  // time_zone; UTC when empty or unknown). nullopt or an empty hook: always open. Called on
  // the dispatcher's strand with the store mutex held (it may read the same Database);
  // cached per campaign for window_cache_s.
  std::function<std::optional<DailyWindow>(std::string_view campaign_id)> window;
  // A mobile-originated message (SMPP only; HTTP aggregators call the inbound webhook): store
  // it durably before returning. Called from an io thread with the store mutex held (use the
  // store directly; do not take the mutex again, do not call the Dispatcher). The channel answers
  // the deliver_sm with ESME_ROK once this returns, whatever it returned (the SmppChannel listener
  // cannot ask the SMSC to redeliver), so on an error the message is parked in memory and offered
  // again, in order, on every tick until it is stored (inbound_failed counts failed attempts); a
  // crash meanwhile loses it, as it loses partial MO parts (ADR 0006). Empty: inbound messages are
  // counted (inbound_dropped) and dropped.
  std::function<std::error_code(const smpp::CompletedMo&)> inbound;
  // Seconds from handing a message to the channel to the SMSC accepting its last segment
  // (metrics). Called on an io thread, without any lock held; must not block.
  std::function<void(double seconds)> submit_latency;
  // Seconds from the SMSC accepting a message to its final delivery receipt (metrics), for
  // receipts that arrive within a day of the submit (at most 100,000 rows awaited at once;
  // beyond that the oldest go unmeasured). Called on an io thread, without any lock held; must
  // not block. HTTP aggregators report by webhook, not through the dispatcher.
  std::function<void(double seconds)> receipt_lag;
};

struct DispatcherStats {
  // Counters since construction (rows, not segments).
  std::uint64_t recovered_requeued = 0;  // start: sending, at-least-once -> queued
  std::uint64_t recovered_unknown = 0;   // start: sending, never-resend -> unknown
  std::uint64_t claimed = 0;             // queued -> sending
  std::uint64_t expired = 0;             // deadline passed before sending (claim and sweep)
  std::uint64_t suppressed = 0;          // opted out, invalid or gone at dispatch: failed
  std::uint64_t window_deferred = 0;     // bulk row claimed outside its window: requeued
  std::uint64_t capacity_deferred = 0;   // claimed row did not fit the channel queue: requeued
  std::uint64_t sent = 0;                // accepted by the channel's send()
  std::uint64_t queue_full = 0;          // send said QueueFull / Stopped: requeued at once
  std::uint64_t invalid = 0;             // send said InvalidMessage: failed invalid_message
  std::uint64_t submitted = 0;           // every segment accepted by the SMSC
  std::uint64_t failed = 0;              // permanent rejection, or retries exhausted
  std::uint64_t retried = 0;             // retryable rejection: requeued with backoff
  std::uint64_t throttled = 0;           // provider asked for a pause: requeued after it
  std::uint64_t unknown_resent = 0;      // unknown outcome, at-least-once: requeued
  std::uint64_t unknown = 0;             // recorded unknown (submit or receipt)
  std::uint64_t requeued = 0;            // every requeue, whatever the reason
  std::uint64_t delivered = 0;           // final receipts (SMPP; HTTP ones go to the webhook)
  std::uint64_t delivery_failed = 0;
  std::uint64_t delivery_expired = 0;
  std::uint64_t handed_back = 0;  // returned unsent by the channel's stop: requeued
  std::uint64_t inbound = 0;
  std::uint64_t inbound_failed = 0;   // the inbound hook returned an error (parked, retried)
  std::uint64_t inbound_lost = 0;     // the retry queue was full: dropped
  std::uint64_t inbound_dropped = 0;  // no inbound hook
  std::uint64_t flushes = 0;          // outcome transactions committed
  std::uint64_t flushed_updates = 0;
  std::uint64_t ignored_updates = 0;  // the ledger refused the step (Transition::Ignored)
  std::uint64_t row_errors = 0;       // NotFound / InvalidArgument for one row
  std::uint64_t store_errors = 0;     // failed claims, flushes and sweeps (retried)
  // Gauges.
  std::size_t outstanding = 0;      // rows in sending (claimed, outcome not yet committed)
  std::size_t in_flight = 0;        // handed to the channel, submit outcome not yet reported
  std::size_t pending_updates = 0;  // outcomes waiting for the next flush
  std::size_t inbound_parked = 0;   // inbound messages waiting for the store
  bool running = false;
  bool stopping = false;
  bool stopped = false;
};

class Dispatcher {
 public:
  // `outbox` and `store_mutex` must outlive the Dispatcher. Builds the channel (throws
  // std::invalid_argument for an unusable channel config, or an empty channel_name); nothing
  // runs until start().
  Dispatcher(boost::asio::io_context& ioc, store::OutboxStore& outbox, std::mutex& store_mutex,
             smpp::SmppChannelConfig channel, DispatcherConfig config, DispatcherHooks hooks = {});
  // Through an HTTP aggregator. `hooks.inbound` is not used (inbound messages and delivery
  // reports come through the webhooks).
  Dispatcher(boost::asio::io_context& ioc, store::OutboxStore& outbox, std::mutex& store_mutex,
             http::HttpChannelConfig channel, DispatcherConfig config, DispatcherHooks hooks = {});
  // Without a completed stop(): the channel is torn down (queued messages dropped, rows left
  // in sending for recover()). No store access and no hook call happens after this returns.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Synchronously recovers the ledger (OutboxStore::recover), then starts the channel and the
  // loop. Returns the store error if recovery failed (nothing started; start() may be called
  // again). Once: later calls return {} and do nothing. Thread-safe.
  std::error_code start();
  // Graceful stop: no more claims; the channel stops (in-flight outcomes arrive, queued
  // messages come back and are requeued), a last flush, then `done` on the dispatcher's strand
  // with {} or the store error of that flush (the rows concerned stay in sending, for
  // recover()). Final: no restart. Thread-safe; every call's `done` is called once.
  void stop(std::function<void(std::error_code)> done);
  // Claim now rather than at the next tick (e.g. after queueing an opt-out confirmation).
  // Thread-safe, cheap.
  void wake();

  // Snapshots; thread-safe.
  DispatcherStats stats() const;
  // The SMPP channel's statistics; empty (no binds) for an HTTP dispatcher.
  smpp::SmppChannelStats channelStats() const;
  // The HTTP channel's statistics; nullopt for an SMPP dispatcher.
  std::optional<http::HttpChannelStats> httpChannelStats() const;
  // Able to send now: SMPP, a bind is bound; HTTP, started and not stopping (for /readyz).
  bool channelReady() const;

  struct Impl;  // public only so the implementation's helpers can name it

 private:
  std::shared_ptr<Impl> impl_;
};

// A reassembled SMPP mobile-originated message as the inbound pipeline takes it: the sender
// gets a '+' when the SMSC marked it international (TON 1), the text is the decoded UTF-8
// (binary messages get an empty text), and SMPP gives no provider id (de-duplication then
// falls back to the content window).
InboundMessage inboundFromMo(const smpp::CompletedMo& mo, std::string_view tenant_id,
                             std::string_view channel, std::int64_t received_at);

}  // namespace liaison::gateway::outreach
