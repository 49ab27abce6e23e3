// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SmppChannel implementation.
//
// Threads and locks. The binds call in on their own strands, possibly at the same time, and
// the handler API is synchronous (onDeliver returns the status to answer), so the shared
// state is guarded by one mutex, `mu`, held only for bookkeeping and never while calling out.
// Listener events are appended to `pending` under `mu`, in the order they arise; the thread
// that raised them then takes `listener_mu` and drains the queue. So the listener sees one
// ordered stream, one call at a time, and a thread returning from drain() knows its own events
// were delivered (by itself or by the thread that held `listener_mu` before it), which is what
// lets onDeliver answer Ok only after the listener stored the message.
//
//   bind strand A --+  lock mu: queue / fold / tracker / reassembler, push events
//   bind strand B --+-------------------------------------------------------------+
//   channel strand -+  (housekeeping, stop sequencing)                            v
//                      lock listener_mu: pop events under mu, call listener, until empty
//
// Lock order: listener_mu before mu. Listener callbacks may call send()/stop()/stats(): those
// take mu only and never drain, so they cannot deadlock.
//
// Lifetime. Each SmppClient holds a reference to its per-bind handler, owned by Impl, and may
// call it until it reports LinkEvent::Stopped. Impl therefore keeps itself alive (`self`) from
// construction until every bind has reported Stopped, whatever happens to the SmppChannel shell.
//
// Segment refs. The channel numbers messages itself (`id`), so callers may reuse refs freely;
// the OutboundSubmit ref is id << 8 | segment index (<= 254), and the tracker is keyed by id.
#include "channels/smpp/smpp_channel.h"

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "channels/smpp/pdu.h"
#include "channels/smpp/token_bucket.h"
#include "sms/segmenter.h"

namespace liaison::gateway::smpp {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

std::string_view sendStatusName(SendStatus status) {
  switch (status) {
    case SendStatus::Queued: return "queued";
    case SendStatus::QueueFull: return "queue_full";
    case SendStatus::InvalidMessage: return "invalid_message";
    case SendStatus::DuplicateRef: return "duplicate_ref";
    case SendStatus::Stopped: return "stopped";
  }
  return "unknown";
}

namespace {

constexpr std::size_t kMaxE164Digits = 15;
constexpr std::size_t kExpireBatch = 10'000;  // per housekeeping tick, to bound lock hold time
constexpr auto kDrainPoll = std::chrono::milliseconds(20);

struct SubmittedEvent {
  uint64_t ref = 0;
  std::vector<std::string> ids;
};
struct FailedEvent {
  uint64_t ref = 0;
  uint32_t status = 0;
  StatusClass status_class = StatusClass::Permanent;
  bool retryable = false;
};
struct UnknownEvent {
  uint64_t ref = 0;
};
struct StateEvent {
  uint64_t ref = 0;
  MessageState state = MessageState::Unknown;
  bool is_final = false;
};
struct InboundEvent {
  CompletedMo message;
};
struct LinkStateEvent {
  std::size_t bind = 0;
  LinkEvent event = LinkEvent::Disconnected;
  std::string detail;
};
struct StoppedEvent {
  std::vector<OutboundMessage> unsent;
};
using Event = std::variant<SubmittedEvent, FailedEvent, UnknownEvent, StateEvent, InboundEvent,
                           LinkStateEvent, StoppedEvent>;
using Events = std::vector<Event>;

// SMPP relative time "YYMMDDhhmmss000R", days capped at 99 (SMSCs cap far lower anyway).
std::string relativeValidity(std::chrono::seconds validity) {
  if (validity.count() <= 0) return {};
  constexpr long long kMax = 99LL * 86400 + 86399;
  const auto total = static_cast<unsigned>(std::min<long long>(validity.count(), kMax));
  char buf[40];
  std::snprintf(buf, sizeof buf, "0000%02u%02u%02u%02u000R", total / 86400 % 100,
                total % 86400 / 3600, total % 3600 / 60, total % 60);
  return buf;
}

// "+4915112345678" or "4915112345678" -> digits; empty when not 1-15 digits.
std::string e164Digits(std::string_view in) {
  if (!in.empty() && in.front() == '+') in.remove_prefix(1);
  if (in.empty() || in.size() > kMaxE164Digits) return {};
  for (char c : in) {
    if (c < '0' || c > '9') return {};
  }
  return std::string(in);
}

bool canTransmit(BindMode mode) { return mode != BindMode::Receiver; }

DeliverSm asDeliverSm(const DataSm& d) {
  DeliverSm out;
  out.service_type = d.service_type;
  out.source_addr_ton = d.source_addr_ton;
  out.source_addr_npi = d.source_addr_npi;
  out.source_addr = d.source_addr;
  out.dest_addr_ton = d.dest_addr_ton;
  out.dest_addr_npi = d.dest_addr_npi;
  out.destination_addr = d.destination_addr;
  out.esm_class = d.esm_class;
  out.registered_delivery = d.registered_delivery;
  out.data_coding = d.data_coding;
  out.tlvs = d.tlvs;  // the user data is in message_payload; short_message stays empty
  return out;
}

}  // namespace

struct SmppChannel::Impl : std::enable_shared_from_this<SmppChannel::Impl> {
  // One per bind: tells the channel which bind is calling. Each call holds a reference to the
  // channel, so the self-reference released after the last bind's Stopped cannot destroy it
  // while another bind's call is still running; the last such reference may destroy the
  // channel (and this handler) on return, so nothing follows the forwarded call.
  class BindHandler final : public SmppClientHandler {
   public:
    BindHandler(Impl& channel, std::size_t index) : channel_(channel), index_(index) {}
    bool nextSubmit(OutboundSubmit& out) override {
      const auto keep = channel_.shared_from_this();
      return keep->nextSubmit(out);
    }
    void onSubmitResult(const SubmitOutcome& outcome) override {
      const auto keep = channel_.shared_from_this();
      keep->onSubmitResult(outcome);
    }
    CommandStatus onDeliver(const Pdu& pdu) override {
      const auto keep = channel_.shared_from_this();
      return keep->onDeliver(pdu);
    }
    void onLinkEvent(LinkEvent event, std::string_view detail) override {
      const auto keep = channel_.shared_from_this();
      keep->onLinkEvent(index_, event, detail);
    }

   private:
    Impl& channel_;
    std::size_t index_;
  };

  struct Message {
    OutboundMessage original;  // kept whole until the first segment is handed out
    std::string destination;
    std::string validity;
    std::vector<EncodedSegment> segments;  // consumed as they are handed out
    std::vector<std::string> ids;          // per segment, from submit_sm_resp
    uint32_t count = 0;
    uint32_t next = 0;  // next segment to hand out
    uint32_t accepted = 0;
    uint32_t outstanding = 0;  // handed out, outcome pending
    bool pre_encoded = false;
    bool done = false;  // the message's submit outcome was reported
  };

  struct BindState {
    BindMode mode = BindMode::Transceiver;
    bool bound = false;
    bool stopped = false;
    LinkEvent last_event = LinkEvent::Disconnected;
  };

  Impl(asio::io_context& ioc, SmppChannelConfig cfg, SmppChannelListener& l)
      : strand(asio::make_strand(ioc)),
        housekeeping_timer(strand),
        drain_timer(strand),
        config(std::move(cfg)),
        tracker(config.receipts),
        reassembler(config.reassembly),
        listener(&l) {
    if (config.binds.empty()) throw std::invalid_argument("smpp channel: no bind configured");
    if (std::none_of(config.binds.begin(), config.binds.end(),
                     [](const SmppClientConfig& b) { return canTransmit(b.mode); })) {
      throw std::invalid_argument("smpp channel: no transmitter or transceiver bind");
    }
    if (config.max_segments_per_message < 1 ||
        config.max_segments_per_message > sms::kMaxSegmentsLimit) {
      throw std::invalid_argument("smpp channel: max_segments_per_message outside 1..255");
    }
    if (config.segments_per_second > 0) {
      const double burst =
          config.burst > 0 ? config.burst : std::max(1.0, config.segments_per_second / 20);
      bucket = std::make_shared<TokenBucket>(config.segments_per_second, burst);
    }
    for (std::size_t i = 0; i < config.binds.size(); ++i) {
      handlers.push_back(std::make_unique<BindHandler>(*this, i));
      binds.push_back(BindState{config.binds[i].mode});
      clients.push_back(
          std::make_unique<SmppClient>(ioc, config.binds[i], *handlers.back(), bucket));
    }
  }

  // ---- called from the shell ----
  void start();
  SendResult send(OutboundMessage message);
  void beginStop();
  SmppChannelStats snapshot() const;
  void detachListener();

  // ---- called by the binds ----
  bool nextSubmit(OutboundSubmit& out);
  void onSubmitResult(const SubmitOutcome& outcome);
  CommandStatus onDeliver(const Pdu& pdu);
  void onLinkEvent(std::size_t bind, LinkEvent event, std::string_view detail);

  // ---- internals (the ones taking Events& need `mu` held) ----
  void notifyBinds();
  void armHousekeeping();
  void housekeeping();
  void checkDrain();
  void finishSubmitted(uint64_t id, Message& m, Events& events, Clock::time_point now);
  void finishWithoutSubmit(uint64_t id, Message& m, Event event, Events& events);
  void dropUnsent(uint64_t id, Message& m);
  void applyTrackerUpdate(const MessageUpdate& update, Events& events);
  void finishStop(Events& events);
  void push(Events& events) {
    for (auto& e : events) pending.push_back(std::move(e));
    events.clear();
  }
  void drain();
  void dispatch(Event& event);

  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer housekeeping_timer;
  asio::steady_timer drain_timer;
  SmppChannelConfig config;
  std::shared_ptr<TokenBucket> bucket;
  std::vector<std::unique_ptr<BindHandler>> handlers;  // fixed after construction
  std::vector<std::unique_ptr<SmppClient>> clients;    // fixed after construction
  std::shared_ptr<Impl> self;  // set by the shell; released once every bind reported Stopped
  std::atomic<uint16_t> concat_ref{0};

  // ---- guarded by mu ----
  mutable std::mutex mu;
  bool started = false;
  bool stopping = false;    // stop() called: no new message is started
  bool binds_told = false;  // the binds were told to stop
  bool stopped = false;     // every bind reported Stopped
  Clock::time_point drain_deadline{};
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, Message> messages;  // queued or submitting, by id
  std::unordered_set<uint64_t> active_refs;        // caller refs of messages not yet done
  std::deque<uint64_t> queues[2];                  // ids; index = Priority
  std::size_t queued_segments[2] = {0, 0};
  std::size_t in_flight = 0;
  std::unordered_map<uint64_t, uint64_t> tracked;  // id -> caller ref, awaiting receipts
  ReceiptTracker tracker;
  MoReassembler reassembler;
  std::vector<BindState> binds;
  std::size_t binds_stopped = 0;
  SmppChannelStats counters;  // counter fields only; gauges are filled in snapshot()
  std::deque<Event> pending;  // events not yet handed to the listener

  // ---- listener side ----
  std::mutex listener_mu;
  SmppChannelListener* listener;  // guarded by listener_mu; null once detached
  std::atomic<bool> detached{false};
  std::atomic<std::thread::id> drainer{};
};

// ------------------------------------------------------------------------------------------
// Shell-side operations

void SmppChannel::Impl::start() {
  asio::post(strand, [me = shared_from_this()] {
    {
      std::lock_guard lock(me->mu);
      if (me->started || me->stopping) return;
      me->started = true;
    }
    for (auto& c : me->clients) c->start();
    me->armHousekeeping();
  });
}

SendResult SmppChannel::Impl::send(OutboundMessage message) {
  SendResult result;
  auto invalid = [&](std::string_view reason) {
    result.status = SendStatus::InvalidMessage;
    result.reason = reason;
    std::lock_guard lock(mu);
    ++counters.invalid_messages;
    return result;
  };

  Message m;
  m.destination = e164Digits(message.destination);
  if (m.destination.empty()) return invalid("destination is not 1-15 E.164 digits");
  if (message.validity.count() < 0) return invalid("negative validity");
  m.validity = relativeValidity(message.validity);

  if (!message.segments.empty()) {
    if (message.segments.size() > config.max_segments_per_message) {
      return invalid("too many segments");
    }
    for (const auto& s : message.segments) {
      if (s.short_message.size() > kMaxShortMessage) return invalid("segment over 254 octets");
    }
    m.pre_encoded = true;
    m.segments = std::move(message.segments);
    message.segments.clear();
  } else {
    if (message.text.empty()) return invalid("empty text");
    sms::EncodeOptions options;
    options.languages = config.national_languages;
    options.ref_size = config.concat_ref_size;
    options.reference = concat_ref.fetch_add(1, std::memory_order_relaxed);
    options.max_segments = config.max_segments_per_message;
    sms::EncodeResult encoded = sms::encodeText(message.text, options);
    if (!encoded.ok()) {
      result.encode_error = encoded.error;
      return invalid(sms::encodeErrorName(encoded.error));
    }
    const uint8_t coding = encoded.info.choice.encoding == sms::Encoding::Ucs2
                               ? uint8_t{0x08}
                               : config.gsm7_data_coding;
    m.segments.reserve(encoded.segments.size());
    for (const auto& s : encoded.segments) {
      EncodedSegment seg;
      seg.short_message.reserve(s.udh.size() + s.payload.size());
      seg.short_message.append(s.udh.begin(), s.udh.end());
      seg.short_message.append(s.payload.begin(), s.payload.end());
      seg.data_coding = coding;
      seg.udhi = !s.udh.empty();
      m.segments.push_back(std::move(seg));
    }
  }
  m.count = static_cast<uint32_t>(m.segments.size());
  m.ids.resize(m.count);
  m.original = std::move(message);
  const auto prio = static_cast<std::size_t>(m.original.priority == Priority::High);
  const std::size_t limit = prio ? config.max_queued_priority_segments : config.max_queued_segments;
  {
    std::lock_guard lock(mu);
    if (stopping) {
      result.status = SendStatus::Stopped;
      result.reason = "channel stopping";
      return result;
    }
    if (active_refs.count(m.original.ref)) {
      ++counters.invalid_messages;
      result.status = SendStatus::DuplicateRef;
      result.reason = "ref still queued or submitting";
      return result;
    }
    if (m.count > limit) {
      ++counters.invalid_messages;
      result.status = SendStatus::InvalidMessage;
      result.reason = "message larger than the queue bound";
      return result;
    }
    if (queued_segments[prio] + m.count > limit) {
      ++counters.queue_full;
      result.status = SendStatus::QueueFull;
      result.reason = "queue full";
      return result;
    }
    const uint64_t id = ++next_id;
    active_refs.insert(m.original.ref);
    queued_segments[prio] += m.count;
    queues[prio].push_back(id);
    result.segments = m.count;
    messages.emplace(id, std::move(m));
    ++counters.messages_queued;
  }
  notifyBinds();
  return result;
}

void SmppChannel::Impl::notifyBinds() {
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (canTransmit(config.binds[i].mode)) clients[i]->notifyWork();
  }
}

void SmppChannel::Impl::beginStop() {
  {
    // Synchronously, so that send() refuses from the moment stop() returns.
    std::lock_guard lock(mu);
    if (stopping) return;
    stopping = true;
    drain_deadline = Clock::now() + config.stop_drain_timeout;
  }
  notifyBinds();  // a message already started may finish
  asio::post(strand, [me = shared_from_this()] { me->checkDrain(); });
}

// On the strand: once no started message has unsent segments (or none can be sent), tell the
// binds to stop; they report in-flight outcomes, unbind, and report Stopped.
void SmppChannel::Impl::checkDrain() {
  bool ready = false;
  {
    std::lock_guard lock(mu);
    if (binds_told) return;
    bool partial = false;
    for (const auto& q : queues) {
      if (!q.empty() && messages.at(q.front()).next > 0) partial = true;
    }
    bool can_send = false;
    for (const auto& b : binds) can_send = can_send || (b.bound && canTransmit(b.mode));
    ready = !partial || !can_send || Clock::now() >= drain_deadline;
    if (ready) binds_told = true;
  }
  if (ready) {
    for (auto& c : clients) c->stop();
    return;
  }
  drain_timer.expires_after(kDrainPoll);
  drain_timer.async_wait([me = shared_from_this()](const error_code& ec) {
    if (!ec) me->checkDrain();
  });
}

void SmppChannel::Impl::armHousekeeping() {
  housekeeping_timer.expires_after(config.housekeeping_interval);
  housekeeping_timer.async_wait([me = shared_from_this()](const error_code& ec) {
    if (!ec) me->housekeeping();
  });
}

void SmppChannel::Impl::housekeeping() {
  {
    std::lock_guard lock(mu);
    if (stopped) return;
    Events events;
    const auto now = Clock::now();
    for (const auto& update : tracker.expire(now, kExpireBatch)) {
      applyTrackerUpdate(update, events);
    }
    for (auto& mo : reassembler.expire(now, kExpireBatch)) {
      ++counters.inbound;
      events.emplace_back(InboundEvent{std::move(mo)});
    }
    push(events);
  }
  drain();
  armHousekeeping();
}

SmppChannelStats SmppChannel::Impl::snapshot() const {
  SmppChannelStats s;
  {
    std::lock_guard lock(mu);
    s = counters;
    s.queued_messages = queues[0].size() + queues[1].size();
    s.queued_segments = queued_segments[0] + queued_segments[1];
    s.queued_priority_segments = queued_segments[1];
    s.in_flight_segments = in_flight;
    s.submitting_messages = active_refs.size();
    s.tracked_messages = tracked.size();
    s.stopping = stopping;
    s.stopped = stopped;
    s.tracker = tracker.stats();
    s.reassembler = reassembler.stats();
    for (const auto& b : binds) s.binds.push_back(SmppBindStats{b.mode, b.bound, b.last_event, {}});
  }
  for (std::size_t i = 0; i < clients.size(); ++i) s.binds[i].client = clients[i]->stats();
  return s;
}

void SmppChannel::Impl::detachListener() {
  detached.store(true);
  if (drainer.load() == std::this_thread::get_id()) {
    listener = nullptr;  // destroyed from inside a callback: this thread holds listener_mu
    return;
  }
  std::lock_guard lock(listener_mu);
  listener = nullptr;
}

// ------------------------------------------------------------------------------------------
// Bind-side operations

bool SmppChannel::Impl::nextSubmit(OutboundSubmit& out) {
  std::lock_guard lock(mu);
  if (binds_told) return false;
  // Priority first. While stopping, only messages already started are continued.
  for (std::size_t prio : {std::size_t{1}, std::size_t{0}}) {
    auto& q = queues[prio];
    if (q.empty()) continue;
    const uint64_t id = q.front();
    Message& m = messages.at(id);
    if (stopping && m.next == 0) continue;
    if (m.next == 0) {
      // Started: it will never be handed back, so its text is no longer needed.
      std::string().swap(m.original.text);
      std::string().swap(m.original.destination);
    }
    const uint32_t index = m.next++;
    EncodedSegment& seg = m.segments[index];
    out.ref = id << 8 | index;
    out.source_addr = config.source_addr;
    out.source_ton = config.source_ton;
    out.source_npi = config.source_npi;
    out.destination_addr = m.destination;
    out.dest_ton = 1;
    out.dest_npi = 1;
    out.esm_class = seg.udhi ? kEsmClassUdhi : 0;
    out.data_coding = seg.data_coding;
    out.registered_delivery = m.original.request_receipt ? 1 : 0;
    out.short_message = std::move(seg.short_message);
    out.validity_period = m.validity;
    ++m.outstanding;
    ++in_flight;
    --queued_segments[prio];
    if (m.next == m.count) {
      q.pop_front();
      m.segments = {};
    }
    return true;
  }
  return false;
}

void SmppChannel::Impl::onSubmitResult(const SubmitOutcome& outcome) {
  {
    std::lock_guard lock(mu);
    const uint64_t id = outcome.ref >> 8;
    const auto index = static_cast<uint32_t>(outcome.ref & 0xFF);
    auto it = messages.find(id);
    if (it == messages.end()) return;  // cannot happen: an entry lives until its last outcome
    Message& m = it->second;
    --m.outstanding;
    --in_flight;
    Events events;
    if (!m.done) {
      switch (outcome.kind) {
        case SubmitOutcomeKind::Accepted:
          m.ids[index] = std::string(outcome.message_id);
          if (++m.accepted == m.count) finishSubmitted(id, m, events, Clock::now());
          break;
        case SubmitOutcomeKind::Rejected: {
          ++counters.submit_failed;
          const bool retryable = outcome.status_class != StatusClass::Permanent;
          finishWithoutSubmit(
              id, m, FailedEvent{m.original.ref, outcome.status, outcome.status_class, retryable},
              events);
          break;
        }
        case SubmitOutcomeKind::Unknown:
          ++counters.outcome_unknown;
          finishWithoutSubmit(id, m, UnknownEvent{m.original.ref}, events);
          break;
      }
    }
    if (m.done && m.outstanding == 0) messages.erase(it);
    push(events);
  }
  drain();
}

// Every segment accepted: report, then start receipt tracking. The tracker learns the ids
// only now, so receipts that arrive earlier are parked by it and applied here, and no
// delivery state can reach the listener before onSubmitted.
void SmppChannel::Impl::finishSubmitted(uint64_t id, Message& m, Events& events,
                                        Clock::time_point now) {
  m.done = true;
  active_refs.erase(m.original.ref);
  ++counters.submitted;
  const uint64_t ref = m.original.ref;
  events.emplace_back(SubmittedEvent{ref, m.ids});
  if (!m.original.request_receipt) return;
  if (tracked.size() >= config.max_tracked_messages) {
    ++counters.tracking_refused;
    ++counters.delivery_updates;
    events.emplace_back(StateEvent{ref, MessageState::Unknown, true});
    return;
  }
  tracked[id] = ref;
  for (uint32_t i = 0; i < m.count; ++i) {
    SubmitUpdate u = tracker.onSubmitted(id, i, m.count, m.ids[i], now);
    if (u.result == SubmitResult::InvalidInput) {
      // E.g. an empty message id: no receipt can ever be matched to this message.
      tracker.abandon(id);
      tracked.erase(id);
      ++counters.delivery_updates;
      events.emplace_back(StateEvent{ref, MessageState::Unknown, true});
      return;
    }
    if (u.message) applyTrackerUpdate(*u.message, events);
  }
}

// A rejected or unknown segment settles the whole message: the unsent segments are dropped.
void SmppChannel::Impl::finishWithoutSubmit(uint64_t id, Message& m, Event event, Events& events) {
  m.done = true;
  active_refs.erase(m.original.ref);
  dropUnsent(id, m);
  tracker.abandon(id);  // not tracked until fully accepted; kept for robustness
  events.push_back(std::move(event));
}

void SmppChannel::Impl::dropUnsent(uint64_t id, Message& m) {
  if (m.next == m.count) return;
  const auto prio = static_cast<std::size_t>(m.original.priority == Priority::High);
  auto& q = queues[prio];
  // A started message is at the head of its queue until fully handed out.
  if (!q.empty() && q.front() == id) {
    q.pop_front();
  } else {
    q.erase(std::remove(q.begin(), q.end(), id), q.end());
  }
  const uint32_t unsent = m.count - m.next;
  queued_segments[prio] -= unsent;
  counters.segments_dropped += unsent;
  m.next = m.count;
  m.segments = {};
}

void SmppChannel::Impl::applyTrackerUpdate(const MessageUpdate& update, Events& events) {
  auto it = tracked.find(update.message_ref);
  if (it == tracked.end()) return;
  ++counters.delivery_updates;
  events.emplace_back(StateEvent{it->second, update.state, update.is_final});
  if (update.is_final) tracked.erase(it);
}

CommandStatus SmppChannel::Impl::onDeliver(const Pdu& pdu) {
  const auto* deliver = pdu.as<DeliverSm>();
  const auto* data = pdu.as<DataSm>();
  if (!deliver && !data) return CommandStatus::SystemError;
  // Nobody can store it: have the SMSC redeliver later (to whoever binds next).
  if (detached.load()) return CommandStatus::ReceiverTemporaryError;
  const uint8_t esm_class = deliver ? deliver->esm_class : data->esm_class;
  const auto now = Clock::now();
  {
    std::lock_guard lock(mu);
    Events events;
    if (isDeliveryReceipt(esm_class)) {
      auto receipt = deliver ? extractDeliveryReceipt(*deliver) : extractDeliveryReceipt(*data);
      if (!receipt || receipt->message_id.empty()) {
        ++counters.receipts_unparsed;  // acknowledged: a redelivery would not parse either
      } else {
        ++counters.receipts;
        const ReceiptUpdate u = tracker.onReceipt(receipt->message_id, receipt->state, now);
        if (u.message) applyTrackerUpdate(*u.message, events);
      }
    } else {
      MoAcceptResult r =
          deliver ? reassembler.accept(*deliver, now) : reassembler.accept(asDeliverSm(*data), now);
      if (r.status == MoStatus::Invalid) ++counters.mo_invalid;
      for (auto& evicted : r.evicted) {
        ++counters.inbound;
        events.emplace_back(InboundEvent{std::move(evicted)});
      }
      if (r.message) {
        ++counters.inbound;
        events.emplace_back(InboundEvent{std::move(*r.message)});
      }
    }
    push(events);
  }
  drain();  // returns once the listener has taken this PDU's events
  return CommandStatus::Ok;
}

void SmppChannel::Impl::onLinkEvent(std::size_t bind, LinkEvent event, std::string_view detail) {
  bool all_stopped = false;
  {
    std::lock_guard lock(mu);
    BindState& b = binds[bind];
    b.last_event = event;
    b.bound = event == LinkEvent::Bound;
    Events events;
    events.emplace_back(LinkStateEvent{bind, event, std::string(detail)});
    if (event == LinkEvent::Stopped && !b.stopped) {
      b.stopped = true;
      if (++binds_stopped == binds.size()) {
        finishStop(events);
        all_stopped = true;
      }
    }
    push(events);
  }
  drain();
  if (all_stopped) {
    // Release the self-reference on the strand, not inside the client's callback.
    asio::post(strand, [me = std::move(self)] {
      me->housekeeping_timer.cancel();
      me->drain_timer.cancel();
    });
  }
}

// Every bind has stopped, so every segment handed out has had its outcome. Messages never
// started are handed back; one cut short after partial submission is reported unknown.
void SmppChannel::Impl::finishStop(Events& events) {
  stopped = true;
  stopping = true;
  binds_told = true;
  StoppedEvent done;
  for (auto& q : queues) {
    for (uint64_t id : q) {
      Message& m = messages.at(id);
      if (m.next == 0) {
        if (m.pre_encoded) m.original.segments = std::move(m.segments);
        done.unsent.push_back(std::move(m.original));
      } else {
        ++counters.outcome_unknown;
        counters.segments_dropped += m.count - m.next;
        events.emplace_back(UnknownEvent{m.original.ref});
      }
      m.done = true;
    }
    q.clear();
  }
  queued_segments[0] = queued_segments[1] = 0;
  // Defensive: a message still waiting for an outcome here would be a client bug.
  for (auto& [id, m] : messages) {
    if (!m.done) {
      ++counters.outcome_unknown;
      events.emplace_back(UnknownEvent{m.original.ref});
    }
  }
  messages.clear();
  active_refs.clear();
  in_flight = 0;
  counters.handed_back += done.unsent.size();
  events.emplace_back(std::move(done));
}

// ------------------------------------------------------------------------------------------
// Event delivery

void SmppChannel::Impl::drain() {
  // A listener callback that ends up here again (it cannot through the public API, but be
  // safe) leaves the events to the outer loop on this thread.
  if (drainer.load() == std::this_thread::get_id()) return;
  std::lock_guard listener_lock(listener_mu);
  drainer.store(std::this_thread::get_id());
  for (;;) {
    Event event;
    {
      std::lock_guard lock(mu);
      if (pending.empty()) break;
      event = std::move(pending.front());
      pending.pop_front();
    }
    if (listener) dispatch(event);
  }
  drainer.store(std::thread::id{});
}

void SmppChannel::Impl::dispatch(Event& event) {
  struct Visitor {
    SmppChannelListener& l;
    void operator()(SubmittedEvent& e) { l.onSubmitted(e.ref, e.ids); }
    void operator()(FailedEvent& e) {
      l.onSubmitFailed(e.ref, e.status, e.status_class, e.retryable);
    }
    void operator()(UnknownEvent& e) { l.onOutcomeUnknown(e.ref); }
    void operator()(StateEvent& e) { l.onDeliveryState(e.ref, e.state, e.is_final); }
    void operator()(InboundEvent& e) { l.onInbound(e.message); }
    void operator()(LinkStateEvent& e) { l.onLinkState(e.bind, e.event, e.detail); }
    void operator()(StoppedEvent& e) { l.onStopped(std::move(e.unsent)); }
  };
  std::visit(Visitor{*listener}, event);
}

// ------------------------------------------------------------------------------------------
// Public shell

SmppChannel::SmppChannel(asio::io_context& ioc, SmppChannelConfig config,
                         SmppChannelListener& listener)
    : impl_(std::make_shared<Impl>(ioc, std::move(config), listener)) {
  impl_->self = impl_;
}

SmppChannel::~SmppChannel() {
  impl_->detachListener();
  impl_->beginStop();
}

void SmppChannel::start() { impl_->start(); }

SendResult SmppChannel::send(OutboundMessage message) { return impl_->send(std::move(message)); }

void SmppChannel::stop() { impl_->beginStop(); }

SmppChannelStats SmppChannel::stats() const { return impl_->snapshot(); }

}  // namespace liaison::gateway::smpp
