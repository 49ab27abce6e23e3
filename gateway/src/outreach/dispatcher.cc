// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Dispatcher: see the header for the loop, the locks, the outcome rules and the durability
// argument. The channel is an OutboundChannel adapter (outbound_channel.h). Lifetime:
// the shell owns the only lasting strong reference to Impl; timer and posted handlers hold weak
// ones, and listener callbacks hold none (a callback that dropped the last reference would
// destroy the channel from inside its own listener call). So ~Dispatcher normally destroys
// Impl, and with it the channel, at once; if a strand handler is running at that moment, Impl
// dies when that handler returns, on its thread.
#include "outreach/dispatcher.h"

#include <deque>
#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "liaison/sync/assert.h"
#include "util/log.h"

namespace liaison::gateway::outreach {

namespace asio = boost::asio;
using store::OutboxMessage;
using store::OutboxPriority;
using store::OutboxUpdate;
using store::ResendPolicy;

namespace {

// SMPP message_id is a C-Octet String of at most 65 octets: 64 characters, the most the
// ledger keeps per part.
constexpr std::size_t kMaxProviderIdLength = 64;
// Campaign windows cached at most; the cache is dropped when it grows past this.
constexpr std::size_t kMaxCachedWindows = 4'096;

std::int64_t systemNow() { return static_cast<std::int64_t>(std::time(nullptr)); }

// The ledger refuses empty or over-long ids; an SMSC that sends one still submitted the
// message, so record a stand-in rather than leave the row in sending.
std::vector<std::string> ledgerIds(std::span<const std::string> ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    if (id.empty()) {
      out.emplace_back("none");
    } else {
      out.push_back(id.substr(0, kMaxProviderIdLength));
    }
  }
  return out;
}

std::string_view linkEventName(smpp::LinkEvent e) {
  switch (e) {
    case smpp::LinkEvent::Bound: return "bound";
    case smpp::LinkEvent::BindRefused: return "bind_refused";
    case smpp::LinkEvent::Disconnected: return "disconnected";
    case smpp::LinkEvent::Stopped: return "stopped";
  }
  return "unknown";
}

}  // namespace

InboundMessage inboundFromMo(const smpp::CompletedMo& mo, std::string_view tenant_id,
                             std::string_view channel, std::int64_t received_at) {
  InboundMessage m;
  m.tenant_id = tenant_id;
  m.channel = channel;
  const bool international =
      mo.source_addr_ton == 1 && !mo.source_addr.empty() && mo.source_addr.front() != '+';
  m.from = international ? "+" + mo.source_addr : mo.source_addr;
  if (!mo.is_binary) m.text = mo.text;
  m.received_at = received_at;
  return m;
}

struct Dispatcher::Impl final : OutboundListener, std::enable_shared_from_this<Impl> {
  // What the outcome callbacks need to know about a row handed to the channel.
  struct InFlight {
    ResendPolicy policy = ResendPolicy::AtLeastOnce;
    int attempts = 1;
    int segments = 1;
    std::chrono::steady_clock::time_point sent_at{};  // handed to the channel
  };
  struct CachedWindow {
    std::optional<DailyWindow> window;
    std::int64_t fetched_at = 0;
  };

  using ChannelFactory = std::function<std::unique_ptr<OutboundChannel>(OutboundListener&)>;

  Impl(asio::io_context& ioc, store::OutboxStore& o, std::mutex& smu,
       const ChannelFactory& make_channel, DispatcherConfig c, DispatcherHooks h)
      : strand(asio::make_strand(ioc)),
        timer(strand),
        outbox(o),
        store_mu(smu),
        cfg(std::move(c)),
        hooks(std::move(h)) {
    if (cfg.channel_name.empty()) throw std::invalid_argument("dispatcher: empty channel_name");
    if (!hooks.clock) hooks.clock = systemNow;
    cfg.max_claim = std::max(1, cfg.max_claim);
    cfg.max_outstanding = std::max<std::size_t>(1, cfg.max_outstanding);
    channel = make_channel(*this);
  }

  ~Impl() override {
    // First, while every member is alive: detaches the listener, waiting for a callback in
    // progress on another thread.
    channel.reset();
  }

  std::int64_t now() const { return hooks.clock(); }

  // ---- shell ----
  std::error_code start();
  void stop(std::function<void(std::error_code)> done);
  void wake();
  void close();
  DispatcherStats snapshot() const;

  // ---- strand ----
  void schedule(std::chrono::milliseconds delay);
  void tick();
  std::error_code flush(std::int64_t now);
  std::error_code sweep(std::int64_t now);
  std::error_code claimAndSend(std::int64_t now, bool* more);
  // False when `row` is a bulk message whose window is closed at `now`; *next_open then says
  // when it opens.
  bool windowAllows(const OutboxMessage& row, std::int64_t now, std::int64_t* next_open);
  const ZoneRules& zone(const std::string& id);
  void beginStop(std::function<void(std::error_code)> done);
  void finishStop();

  // ---- OutboundListener (io threads, one call at a time) ----
  void onSubmitted(uint64_t ref, std::span<const std::string> message_ids) override;
  void onSubmitFailed(uint64_t ref, const OutboundFailure& failure) override;
  void onOutcomeUnknown(uint64_t ref) override;
  void onDeliveryState(uint64_t ref, smpp::MessageState state, bool is_final) override;
  void onInbound(const smpp::CompletedMo& message) override;
  std::size_t retryInboundLocked();
  void onLinkState(std::size_t bind_index, smpp::LinkEvent event, std::string_view detail) override;
  void onStopped(std::vector<std::uint64_t> unsent) override;

  // ---- helpers; the *Locked ones need mu held ----
  void pushLocked(OutboxUpdate update, bool settles);
  void requeueLocked(std::int64_t id, std::int64_t not_before, bool settles);
  std::optional<InFlight> takeLocked(std::int64_t id);
  std::int64_t backoff(int attempts) const;

  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  store::OutboxStore& outbox;
  std::mutex& store_mu;
  // Inbound messages the hook failed to store, oldest first (guarded by store_mu).
  std::deque<smpp::CompletedMo> inbound_retry;
  std::atomic<std::size_t> inbound_parked{0};  // its size, for snapshot() without store_mu
  DispatcherConfig cfg;
  DispatcherHooks hooks;
  std::unique_ptr<OutboundChannel> channel;  // fixed after construction
  std::atomic<bool> started{false};
  std::atomic<bool> closed{false};  // set with store_mu held: no store access afterwards

  // ---- strand only ----
  bool loop_running = false;
  bool stopping = false;
  bool stop_done = false;
  std::error_code stop_error;
  std::vector<std::function<void(std::error_code)>> stop_callbacks;
  std::unordered_map<std::string, std::unique_ptr<ZoneRules>> zones;  // null: unknown -> UTC
  std::unordered_map<std::string, CachedWindow> windows;
  std::int64_t avg_segments = 1;  // of the last claim, to size the next one
  std::optional<std::int64_t> last_sweep;

  // ---- guarded by mu ----
  mutable std::mutex mu;
  std::vector<OutboxUpdate> pending;  // in the order the outcomes arose
  std::vector<char> pending_settles;  // per pending update: it settles a claim (outstanding)
  std::unordered_map<std::int64_t, InFlight> in_flight;
  std::size_t outstanding = 0;
  DispatcherStats counters;  // counter fields and the flags; gauges filled by snapshot()
  // When each submitted row was accepted, for the receipt-lag hook: at most
  // kMaxAwaitingReceipt rows (the oldest are dropped first, unmeasured), none older than
  // kReceiptLagHorizon. `accepted_order` holds the same refs oldest first; an entry whose ref
  // was already measured is skipped when it reaches the front.
  std::unordered_map<std::int64_t, std::chrono::steady_clock::time_point> accepted_at;
  std::deque<std::pair<std::int64_t, std::chrono::steady_clock::time_point>> accepted_order;
};

// Receipt-lag bookkeeping bounds: memory stays under about 10 MB whatever the backlog of
// receipts; lags beyond the horizon are not measured (they are past the histogram's buckets).
constexpr std::size_t kMaxAwaitingReceipt = 100'000;
constexpr std::chrono::hours kReceiptLagHorizon{24};

// ------------------------------------------------------------------------------------------
// Shell side

std::error_code Dispatcher::Impl::start() {
  if (started.exchange(true)) return {};
  store::RecoverCounts recovered;
  std::error_code ec;
  {
    std::lock_guard lock(store_mu);
    if (closed) return {};
    ec = outbox.recover(now(), &recovered);
  }
  if (ec) {
    started = false;
    log::error("dispatcher.recover_failed", {{"error", ec.message()}});
    return ec;
  }
  {
    std::lock_guard lock(mu);
    counters.recovered_requeued += static_cast<std::uint64_t>(recovered.requeued);
    counters.recovered_unknown += static_cast<std::uint64_t>(recovered.unknown);
    counters.running = true;
  }
  log::info("dispatcher.started", {{"channel", cfg.channel_name},
                                   {"recovered_requeued", std::to_string(recovered.requeued)},
                                   {"recovered_unknown", std::to_string(recovered.unknown)}});
  channel->start();
  asio::post(strand, [w = weak_from_this()] {
    if (auto self = w.lock()) {
      self->loop_running = true;
      self->tick();
    }
  });
  return {};
}

void Dispatcher::Impl::stop(std::function<void(std::error_code)> done) {
  asio::post(strand, [w = weak_from_this(), done = std::move(done)]() mutable {
    if (auto self = w.lock()) self->beginStop(std::move(done));
  });
}

void Dispatcher::Impl::wake() {
  asio::post(strand, [w = weak_from_this()] {
    auto self = w.lock();
    if (self && self->loop_running && !self->stopping) self->schedule(std::chrono::milliseconds(0));
  });
}

void Dispatcher::Impl::close() {
  std::lock_guard lock(store_mu);
  closed = true;
}

DispatcherStats Dispatcher::Impl::snapshot() const {
  std::lock_guard lock(mu);
  DispatcherStats s = counters;
  s.outstanding = outstanding;
  s.in_flight = in_flight.size();
  s.pending_updates = pending.size();
  s.inbound_parked = inbound_parked.load();
  return s;
}

// ------------------------------------------------------------------------------------------
// The loop (strand)

void Dispatcher::Impl::schedule(std::chrono::milliseconds delay) {
  timer.expires_after(delay);  // cancels a wait already armed: its handler sees the abort
  timer.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = w.lock()) self->tick();
  });
}

void Dispatcher::Impl::tick() {
  if (stopping || closed) return;
  if (hooks.inbound) {
    std::lock_guard lock(store_mu);
    if (!closed) retryInboundLocked();
  }
  bool more = false;
  std::error_code ec = flush(now());
  if (!ec) ec = sweep(now());
  if (!ec) ec = claimAndSend(now(), &more);
  if (!ec) ec = flush(now());  // what the claim decided at once, and early outcomes
  if (ec) {
    schedule(cfg.store_retry_interval);
    return;
  }
  bool busy = false;
  {
    std::lock_guard lock(mu);
    busy = outstanding > 0 || !pending.empty();
  }
  {
    std::lock_guard lock(store_mu);
    busy = busy || !inbound_retry.empty();
  }
  schedule(more ? std::chrono::milliseconds(0) : busy ? cfg.busy_interval : cfg.idle_interval);
}

std::error_code Dispatcher::Impl::flush(std::int64_t t) {
  std::vector<OutboxUpdate> updates;
  std::vector<char> settles;
  {
    std::lock_guard lock(mu);
    if (pending.empty()) return {};
    updates.swap(pending);
    settles.swap(pending_settles);
  }
  std::vector<store::OutboxUpdateResult> results;
  std::error_code ec;
  {
    std::lock_guard lock(store_mu);
    if (closed) return {};
    ec = outbox.applyBatch(updates, t, &results);
  }
  std::lock_guard lock(mu);
  if (ec) {
    // Nothing was applied: put the batch back in front of what arrived meanwhile, in order.
    updates.insert(updates.end(), std::make_move_iterator(pending.begin()),
                   std::make_move_iterator(pending.end()));
    settles.insert(settles.end(), pending_settles.begin(), pending_settles.end());
    pending.swap(updates);
    pending_settles.swap(settles);
    ++counters.store_errors;
    log::error("dispatcher.flush_failed",
               {{"error", ec.message()}, {"updates", std::to_string(pending.size())}});
    return ec;
  }
  for (std::size_t i = 0; i < updates.size(); ++i) {
    if (settles[i]) {
      LIAISON_BUG(outstanding > 0, "dispatcher: outstanding underflow");
      if (outstanding > 0) --outstanding;
    }
    if (i < results.size()) {
      if (results[i].error) {
        ++counters.row_errors;
      } else if (results[i].transition == store::Transition::Ignored) {
        ++counters.ignored_updates;
      }
    }
  }
  ++counters.flushes;
  counters.flushed_updates += updates.size();
  return {};
}

std::error_code Dispatcher::Impl::sweep(std::int64_t t) {
  if (last_sweep && t >= *last_sweep && t - *last_sweep < cfg.expire_sweep_s) return {};
  std::int64_t expired = 0;
  std::error_code ec;
  {
    std::lock_guard lock(store_mu);
    if (closed) return {};
    ec = outbox.expireOverdue(t, &expired);
  }
  std::lock_guard lock(mu);
  if (ec) {
    ++counters.store_errors;
    log::error("dispatcher.sweep_failed", {{"error", ec.message()}});
    return ec;
  }
  last_sweep = t;
  counters.expired += static_cast<std::uint64_t>(expired);
  return {};
}

std::error_code Dispatcher::Impl::claimAndSend(std::int64_t t, bool* more) {
  *more = false;
  // Room: the channel's queues (in its unit: SMPP segments, HTTP messages) and the cap on
  // rows in sending.
  const OutboundRoom cr = channel->room();
  if (cr.stopping) return {};
  std::size_t free_bulk = cr.free_bulk;
  std::size_t free_priority = cr.free_priority;
  std::size_t room = 0;
  {
    std::lock_guard lock(mu);
    room = cfg.max_outstanding > outstanding ? cfg.max_outstanding - outstanding : 0;
  }
  // Priority rows are claimed first, but only while bulk has room too: otherwise every tick
  // of a long broadcast would claim bulk rows only to requeue them.
  const auto limit =
      static_cast<int>(std::min<std::size_t>({static_cast<std::size_t>(cfg.max_claim), room,
                                              free_bulk / static_cast<std::size_t>(avg_segments)}));
  if (limit <= 0) return {};

  std::vector<OutboxMessage> rows;
  store::ClaimCounts counts;
  std::error_code ec;
  {
    std::lock_guard lock(store_mu);
    if (closed) return {};
    ec = outbox.claimDue(t, limit, cfg.channel_name, &rows, &counts);
  }
  if (ec) {
    std::lock_guard lock(mu);
    ++counters.store_errors;
    log::error("dispatcher.claim_failed", {{"error", ec.message()}});
    return ec;
  }
  // The claim is committed: from here on a crash leaves these rows in sending for recover().
  {
    std::lock_guard lock(mu);
    counters.claimed += rows.size();
    counters.expired += static_cast<std::uint64_t>(counts.expired);
    counters.suppressed += static_cast<std::uint64_t>(counts.suppressed);
    outstanding += rows.size();
    for (const OutboxMessage& row : rows) {
      in_flight[row.id] = InFlight{row.resend_policy, row.attempts, std::max(1, row.segments),
                                   std::chrono::steady_clock::now()};
    }
  }
  *more = static_cast<int>(rows.size()) == limit && limit == cfg.max_claim;
  if (rows.empty()) return {};

  std::int64_t total_segments = 0;
  for (OutboxMessage& row : rows) {
    const std::size_t segments = channel->cost(row.segments);
    total_segments += static_cast<std::int64_t>(segments);
    const bool high = row.priority != OutboxPriority::Bulk;
    // Replies and confirmations ignore the window: a STOP confirmation goes at once.
    std::int64_t next_open = 0;
    if (!high && !windowAllows(row, t, &next_open)) {
      std::lock_guard lock(mu);
      takeLocked(row.id);
      ++counters.window_deferred;
      requeueLocked(row.id, next_open, true);
      continue;
    }
    // Skip what cannot fit now rather than have send() refuse it; a message larger than the
    // whole queue bound goes to send(), which refuses it as invalid.
    std::size_t& free = high ? free_priority : free_bulk;
    const std::size_t bound = channel->capacity(high);
    if (segments <= bound && segments > free) {
      std::lock_guard lock(mu);
      takeLocked(row.id);
      ++counters.capacity_deferred;
      requeueLocked(row.id, t, true);
      continue;
    }
    free -= std::min(free, segments);

    OutboundSms m;
    m.ref = static_cast<uint64_t>(row.id);
    m.destination = std::move(row.to_e164);
    m.text = std::move(row.body);
    m.high_priority = high;
    m.request_receipt = true;
    if (row.expires_at) {
      // claimDue expired rows already at their deadline, so at least a second remains.
      m.validity = std::chrono::seconds(std::max<std::int64_t>(1, *row.expires_at - t));
    }
    const OutboundSendStatus r = channel->send(std::move(m));
    std::lock_guard lock(mu);
    switch (r) {
      case OutboundSendStatus::Queued: ++counters.sent; break;
      case OutboundSendStatus::QueueFull:
      case OutboundSendStatus::Stopped:
        takeLocked(row.id);
        ++counters.queue_full;
        requeueLocked(row.id, t, true);
        break;
      case OutboundSendStatus::InvalidMessage: {
        takeLocked(row.id);
        ++counters.invalid;
        ++counters.failed;
        OutboxUpdate u;
        u.kind = OutboxUpdate::Kind::Failed;
        u.id = row.id;
        u.failure_code = "invalid_message";
        pushLocked(std::move(u), true);
        break;
      }
      case OutboundSendStatus::DuplicateRef:
        // The ledger had the row queued while the channel still held it: a bug. Leave the
        // channel's copy to report; record nothing for this claim but a delayed requeue.
        LIAISON_BUG(false, "dispatcher: row claimed while still in the channel");
        takeLocked(row.id);
        requeueLocked(row.id, t + backoff(1), true);
        break;
    }
  }
  avg_segments =
      std::max<std::int64_t>(1, (total_segments + static_cast<std::int64_t>(rows.size()) - 1) /
                                    static_cast<std::int64_t>(rows.size()));
  return {};
}

bool Dispatcher::Impl::windowAllows(const OutboxMessage& row, std::int64_t t,
                                    std::int64_t* next_open) {
  if (!hooks.window) return true;
  auto it = windows.find(row.campaign_id);
  if (it == windows.end() || t < it->second.fetched_at ||
      t - it->second.fetched_at >= cfg.window_cache_s) {
    std::optional<DailyWindow> w;
    {
      std::lock_guard lock(store_mu);
      if (closed) return true;
      w = hooks.window(row.campaign_id);
    }
    if (windows.size() >= kMaxCachedWindows) windows.clear();
    it = windows.insert_or_assign(row.campaign_id, CachedWindow{w, t}).first;
  }
  const std::optional<DailyWindow>& w = it->second.window;
  if (!w || w->alwaysOpen()) return true;
  const ZoneRules& z = zone(row.time_zone);
  if (isOpen(t, z, *w)) return true;
  if (auto ec = nextOpen(t, z, *w, next_open)) {
    LIAISON_BUG(false, "dispatcher: no next opening of a sending window");
    return true;
  }
  return false;
}

const ZoneRules& Dispatcher::Impl::zone(const std::string& id) {
  if (id.empty()) return ZoneRules::utc();
  auto it = zones.find(id);
  if (it == zones.end()) {
    std::error_code ec;
    std::unique_ptr<ZoneRules> rules = ZoneRules::load(id, &ec);
    if (ec) log::warn("dispatcher.unknown_time_zone", {{"fallback", "UTC"}});
    it = zones.emplace(id, std::move(rules)).first;
  }
  return it->second ? *it->second : ZoneRules::utc();
}

void Dispatcher::Impl::beginStop(std::function<void(std::error_code)> done) {
  if (done) stop_callbacks.push_back(std::move(done));
  if (stop_done) {
    auto callbacks = std::move(stop_callbacks);
    stop_callbacks.clear();
    if (!closed) {
      for (auto& cb : callbacks) cb(stop_error);
    }
    return;
  }
  if (stopping) return;
  stopping = true;
  {
    std::lock_guard lock(mu);
    counters.stopping = true;
  }
  timer.cancel();
  channel->stop();  // onStopped() follows once every bind has stopped
}

void Dispatcher::Impl::finishStop() {
  if (stop_done) return;
  stop_error = flush(now());
  stop_done = true;
  {
    std::lock_guard lock(mu);
    counters.running = false;
    counters.stopped = true;
    // The channel reports one outcome per message before onStopped, so nothing is left. If
    // something were, its row stays in sending and recover() settles it at the next start.
    LIAISON_BUG(in_flight.empty(), "dispatcher: rows without an outcome after stop");
  }
  log::info("dispatcher.stopped", {{"error", stop_error ? stop_error.message() : "none"}});
  auto callbacks = std::move(stop_callbacks);
  stop_callbacks.clear();
  if (closed) return;
  for (auto& cb : callbacks) cb(stop_error);
}

// ------------------------------------------------------------------------------------------
// Outcomes (io threads)

void Dispatcher::Impl::pushLocked(OutboxUpdate update, bool settles) {
  pending.push_back(std::move(update));
  pending_settles.push_back(settles ? 1 : 0);
}

void Dispatcher::Impl::requeueLocked(std::int64_t id, std::int64_t not_before, bool settles) {
  OutboxUpdate u;
  u.kind = OutboxUpdate::Kind::Requeue;
  u.id = id;
  u.not_before = not_before;
  ++counters.requeued;
  pushLocked(std::move(u), settles);
}

std::optional<Dispatcher::Impl::InFlight> Dispatcher::Impl::takeLocked(std::int64_t id) {
  auto it = in_flight.find(id);
  if (it == in_flight.end()) return std::nullopt;
  InFlight f = it->second;
  in_flight.erase(it);
  return f;
}

std::int64_t Dispatcher::Impl::backoff(int attempts) const {
  std::int64_t delay = std::max<std::int64_t>(0, cfg.retry_backoff_initial_s);
  for (int i = 1; i < attempts && delay < cfg.retry_backoff_max_s; ++i) delay *= 2;
  return std::min(delay, std::max<std::int64_t>(0, cfg.retry_backoff_max_s));
}

void Dispatcher::Impl::onSubmitted(uint64_t ref, std::span<const std::string> message_ids) {
  const auto id = static_cast<std::int64_t>(ref);
  OutboxUpdate u;
  u.kind = OutboxUpdate::Kind::Submitted;
  u.id = id;
  u.provider_ids = ledgerIds(message_ids);
  std::optional<InFlight> f;
  {
    std::lock_guard lock(mu);
    f = takeLocked(id);
    LIAISON_BUG(f.has_value(), "dispatcher: submit outcome for a ref not in flight");
    ++counters.submitted;
    pushLocked(std::move(u), f.has_value());
    if (hooks.receipt_lag) {
      const auto now_tp = std::chrono::steady_clock::now();
      while (!accepted_order.empty() &&
             (accepted_order.size() >= kMaxAwaitingReceipt ||
              now_tp - accepted_order.front().second > kReceiptLagHorizon)) {
        auto it = accepted_at.find(accepted_order.front().first);
        if (it != accepted_at.end() && it->second == accepted_order.front().second) {
          accepted_at.erase(it);
        }
        accepted_order.pop_front();
      }
      accepted_at[id] = now_tp;
      accepted_order.emplace_back(id, now_tp);
    }
  }
  if (f && hooks.submit_latency) {
    hooks.submit_latency(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - f->sent_at).count());
  }
}

void Dispatcher::Impl::onSubmitFailed(uint64_t ref, const OutboundFailure& failure) {
  const auto id = static_cast<std::int64_t>(ref);
  const std::int64_t t = now();
  const bool retryable = failure.retryable;
  const std::int64_t asked = std::max<std::int64_t>(0, failure.retry_after.count());
  std::lock_guard lock(mu);
  const std::optional<InFlight> f = takeLocked(id);
  LIAISON_BUG(f.has_value(), "dispatcher: submit outcome for a ref not in flight");
  const bool settles = f.has_value();
  OutboxUpdate u;
  u.id = id;
  if (retryable && f && failure.throttled && !failure.partial_possible) {
    // The provider is rate limiting, not refusing this message: wait as long as it asked.
    ++counters.throttled;
    requeueLocked(id, t + std::max<std::int64_t>(1, asked), settles);
    return;
  }
  if (retryable && f && failure.partial_possible && f->policy == ResendPolicy::Never &&
      f->segments > 1) {
    // Segments accepted before the rejection may have reached the handset: resending the
    // whole message could show part of a poll question twice. Never-resend means unknown.
    u.kind = OutboxUpdate::Kind::Unknown;
    ++counters.unknown;
  } else if (retryable && f && f->attempts < cfg.max_retry_attempts) {
    ++counters.retried;
    requeueLocked(id, t + std::max(backoff(f->attempts), asked), settles);
    return;
  } else if (retryable && !f) {
    u.kind = OutboxUpdate::Kind::Unknown;  // the policy is unknown too: do not resend
    ++counters.unknown;
  } else {
    u.kind = OutboxUpdate::Kind::Failed;
    // The adapters give plain codes; a bad one would make the ledger refuse the row.
    u.failure_code = store::isValidFailureCode(failure.code) ? failure.code : "send_failed";
    ++counters.failed;
  }
  pushLocked(std::move(u), settles);
}

void Dispatcher::Impl::onOutcomeUnknown(uint64_t ref) {
  const auto id = static_cast<std::int64_t>(ref);
  const std::int64_t t = now();
  std::lock_guard lock(mu);
  const std::optional<InFlight> f = takeLocked(id);
  LIAISON_BUG(f.has_value(), "dispatcher: submit outcome for a ref not in flight");
  if (f && f->policy == ResendPolicy::AtLeastOnce && f->attempts < cfg.max_unknown_attempts) {
    ++counters.unknown_resent;
    requeueLocked(id, t + backoff(f->attempts), true);
    return;
  }
  OutboxUpdate u;
  u.kind = OutboxUpdate::Kind::Unknown;
  u.id = id;
  ++counters.unknown;
  pushLocked(std::move(u), f.has_value());
}

void Dispatcher::Impl::onDeliveryState(uint64_t ref, smpp::MessageState state, bool is_final) {
  if (!is_final) return;  // enroute, accepted: the ledger keeps submitted
  OutboxUpdate u;
  u.id = static_cast<std::int64_t>(ref);
  std::optional<double> lag;
  std::unique_lock lock(mu);
  if (auto it = accepted_at.find(u.id); it != accepted_at.end()) {
    lag = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second).count();
    accepted_at.erase(it);  // its accepted_order entry is skipped when it reaches the front
  }
  switch (state) {
    case smpp::MessageState::Delivered:
      u.kind = OutboxUpdate::Kind::Delivered;
      ++counters.delivered;
      break;
    case smpp::MessageState::Expired:
      u.kind = OutboxUpdate::Kind::Expired;
      ++counters.delivery_expired;
      break;
    case smpp::MessageState::Undeliverable:
    case smpp::MessageState::Rejected:
    case smpp::MessageState::Deleted:
    case smpp::MessageState::Skipped:
      u.kind = OutboxUpdate::Kind::Failed;
      u.failure_code = state == smpp::MessageState::Undeliverable ? "undeliverable"
                       : state == smpp::MessageState::Rejected    ? "rejected"
                       : state == smpp::MessageState::Deleted     ? "deleted"
                                                                  : "skipped";
      ++counters.delivery_failed;
      break;
    default:  // Unknown (receipt timeout), Unrecognised, or a final state we cannot read
      u.kind = OutboxUpdate::Kind::Unknown;
      ++counters.unknown;
      lag.reset();  // a timeout, not a receipt
      break;
  }
  pushLocked(std::move(u), false);
  lock.unlock();
  if (lag && hooks.receipt_lag) hooks.receipt_lag(*lag);
}

// Store mutex held. Offers the parked messages to the hook in arrival order; stops at the first
// failure so a STOP is never stored after the answer that followed it. Returns how many were
// stored.
std::size_t Dispatcher::Impl::retryInboundLocked() {
  std::size_t stored = 0;
  while (!inbound_retry.empty() && !closed) {
    std::error_code ec;
    try {
      ec = hooks.inbound(inbound_retry.front());
    } catch (const std::exception&) {
      ec = std::make_error_code(std::errc::io_error);
    }
    if (ec) {
      std::lock_guard lock(mu);
      ++counters.inbound_failed;
      break;
    }
    inbound_retry.pop_front();
    ++stored;
  }
  inbound_parked.store(inbound_retry.size());
  return stored;
}

void Dispatcher::Impl::onInbound(const smpp::CompletedMo& message) {
  bool called = false;
  bool parked = false;
  bool lost = false;
  std::size_t stored = 0;
  {
    std::lock_guard lock(store_mu);
    if (closed) return;
    if (hooks.inbound) {
      called = true;
      // Behind messages still waiting for the store, so the order stays the SMSC's.
      if (inbound_retry.size() < cfg.max_inbound_retry) {
        inbound_retry.push_back(message);
        stored = retryInboundLocked();
        parked = !inbound_retry.empty();
      } else {
        lost = true;
      }
    }
  }
  {
    std::lock_guard lock(mu);
    ++counters.inbound;
    if (!called) ++counters.inbound_dropped;
    if (lost) ++counters.inbound_lost;
  }
  if (!called) {
    log::warn("dispatcher.inbound_dropped", {{"reason", "no inbound handler"}});
  } else if (lost) {
    log::error("dispatcher.inbound_lost", {{"reason", "store failing and the retry queue is full"},
                                           {"queued", std::to_string(cfg.max_inbound_retry)}});
  } else if (parked) {
    // The SMSC gets ESME_ROK regardless (see the header): the message waits in memory and is
    // offered again on every tick until the store takes it.
    log::error("dispatcher.inbound_parked", {{"reason", "inbound store failed; retrying"}});
  }
  if (stored > 0) wake();  // a reply or confirmation may have been queued
}

void Dispatcher::Impl::onLinkState(std::size_t bind_index, smpp::LinkEvent event,
                                   std::string_view detail) {
  log::info("dispatcher.link", {{"channel", cfg.channel_name},
                                {"bind", std::to_string(bind_index)},
                                {"event", linkEventName(event)},
                                {"detail", detail}});
  if (event == smpp::LinkEvent::Bound) wake();
}

void Dispatcher::Impl::onStopped(std::vector<std::uint64_t> unsent) {
  const std::int64_t t = now();
  {
    std::lock_guard lock(mu);
    for (const std::uint64_t ref : unsent) {
      const auto id = static_cast<std::int64_t>(ref);
      const bool known = takeLocked(id).has_value();
      ++counters.handed_back;
      requeueLocked(id, t, known);
    }
  }
  asio::post(strand, [w = weak_from_this()] {
    if (auto self = w.lock()) self->finishStop();
  });
}

// ------------------------------------------------------------------------------------------
// Public shell

Dispatcher::Dispatcher(boost::asio::io_context& ioc, store::OutboxStore& outbox,
                       std::mutex& store_mutex, smpp::SmppChannelConfig channel,
                       DispatcherConfig config, DispatcherHooks hooks)
    : impl_(std::make_shared<Impl>(
          ioc, outbox, store_mutex,
          [&ioc, &channel](OutboundListener& l) {
            return makeSmppOutbound(ioc, std::move(channel), l);
          },
          std::move(config), std::move(hooks))) {}

Dispatcher::Dispatcher(boost::asio::io_context& ioc, store::OutboxStore& outbox,
                       std::mutex& store_mutex, http::HttpChannelConfig channel,
                       DispatcherConfig config, DispatcherHooks hooks)
    : impl_(std::make_shared<Impl>(
          ioc, outbox, store_mutex,
          [&ioc, &channel](OutboundListener& l) {
            return makeHttpOutbound(ioc, std::move(channel), l);
          },
          std::move(config), std::move(hooks))) {}

Dispatcher::~Dispatcher() { impl_->close(); }

std::error_code Dispatcher::start() { return impl_->start(); }

void Dispatcher::stop(std::function<void(std::error_code)> done) { impl_->stop(std::move(done)); }

void Dispatcher::wake() { impl_->wake(); }

DispatcherStats Dispatcher::stats() const { return impl_->snapshot(); }

smpp::SmppChannelStats Dispatcher::channelStats() const {
  const smpp::SmppChannel* c = impl_->channel->smppChannel();
  return c ? c->stats() : smpp::SmppChannelStats{};
}

std::optional<http::HttpChannelStats> Dispatcher::httpChannelStats() const {
  const http::HttpChannel* c = impl_->channel->httpChannel();
  if (!c) return std::nullopt;
  return c->stats();
}

bool Dispatcher::channelReady() const { return impl_->channel->ready(); }

}  // namespace liaison::gateway::outreach
