// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SmppClient implementation. Everything runs on one strand; completions from an earlier
// connection are recognised by a generation number and ignored. Writes are coalesced: PDUs
// are encoded into `out_` and one async_write carries whatever accumulated while the previous
// write was in flight, which keeps syscalls per message well below one at high rates.
#include "channels/smpp/smpp_client.h"

#include <utility>  // before Asio

#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <unordered_map>
#include <vector>

#include "channels/smpp/pdu_codec.h"
#include "channels/smpp/token_bucket.h"

namespace liaison::gateway::smpp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;
using TlsStream = asio::ssl::stream<tcp::socket&>;

std::string_view bindModeName(BindMode mode) {
  switch (mode) {
    case BindMode::Transceiver: return "transceiver";
    case BindMode::Transmitter: return "transmitter";
    case BindMode::Receiver: return "receiver";
  }
  return "unknown";
}

namespace {

constexpr auto kTick = std::chrono::milliseconds(20);
constexpr std::size_t kReadChunk = 64 * 1024;

struct InFlight {
  OutboundSubmit msg;
  uint64_t order = 0;  // hand-out order, so throttled resends keep it
  Clock::time_point first_sent{};
  Clock::time_point sent{};
  uint32_t throttled = 0;
};

enum class State : uint8_t { Idle, Connecting, Binding, Bound, Unbinding, Stopped };

}  // namespace

struct SmppClient::Impl : std::enable_shared_from_this<SmppClient::Impl> {
  Impl(asio::io_context& io, SmppClientConfig cfg, SmppClientHandler& h,
       std::shared_ptr<TokenBucket> b)
      : strand(asio::make_strand(io)),
        config(std::move(cfg)),
        handler(h),
        bucket(std::move(b)),
        socket(strand),
        resolver(strand),
        tick_timer(strand),
        pause_timer(strand),
        reconnect_timer(strand),
        rng(std::random_device{}()) {
    config.window = std::clamp<uint32_t>(config.window, 1, 1000);
    codec.max_command_length = config.max_command_length;
    reconnect_delay = config.reconnect_initial;
    in_flight.reserve(config.window * 2);
    if (config.tls) {
      tls_ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
      tls_ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1);
      error_code ec;
      if (config.tls_ca_file.empty()) {
        tls_ctx->set_default_verify_paths(ec);
      } else {
        tls_ctx->load_verify_file(config.tls_ca_file, ec);
      }
      tls_ctx->set_verify_mode(asio::ssl::verify_peer);
      tls_config_error = ec ? "TLS CA file unusable" : "";
    }
  }

  // Runs `f` with the stream to use for this connection: TLS on top of the socket, or the
  // socket itself. Handlers keep a TLS stream alive through the shared_ptr they capture.
  template <class F>
  void withStream(F&& f) {
    if (tls) {
      f(*tls, tls);
    } else {
      f(socket, std::shared_ptr<TlsStream>());
    }
  }

  // ---- lifecycle ----
  void start();
  void connect();
  void onConnected(uint64_t gen, const error_code& ec);
  void sendBind();
  void closeLink(LinkEvent event, std::string_view why);
  void scheduleReconnect();
  void beginStop();
  void finishStop();

  // ---- I/O ----
  void doRead();
  void onRead(uint64_t gen, const error_code& ec, std::size_t n);
  void flush();
  void onWrite(uint64_t gen, const error_code& ec);
  void queuePdu(const Pdu& pdu);

  // ---- protocol ----
  void handlePdu(const Pdu& pdu);
  void handleDecodeError(const DecodeError& err);
  void handleSubmitResp(const Pdu& pdu, uint32_t status, std::string_view message_id);
  void pump();
  void armPause(Clock::time_point until);
  void onTick(uint64_t gen);
  void reportUnknown(std::vector<InFlight> lost, Clock::time_point now);
  void reportUnknownInFlight();
  uint32_t nextSeq() {
    seq = seq >= 0x7FFFFFFF ? 1 : seq + 1;
    return seq;
  }
  template <class F>
  void bumpStats(F&& f) {
    std::lock_guard lock(stats_mu);
    f(stats);
  }

  asio::strand<asio::io_context::executor_type> strand;
  SmppClientConfig config;
  SmppClientHandler& handler;
  std::shared_ptr<TokenBucket> bucket;
  CodecOptions codec;
  tcp::socket socket;
  std::shared_ptr<asio::ssl::context> tls_ctx;
  std::shared_ptr<TlsStream> tls;  // per connection, when config.tls
  std::string tls_config_error;
  tcp::resolver resolver;
  asio::steady_timer tick_timer;
  asio::steady_timer pause_timer;
  asio::steady_timer reconnect_timer;
  std::minstd_rand rng;

  State state = State::Idle;
  uint64_t gen = 0;  // connection generation
  bool stopping = false;
  bool started = false;
  uint32_t seq = 0;
  uint32_t bind_seq = 0;
  Clock::time_point phase_deadline{};  // connect, bind or unbind deadline
  Clock::time_point last_rx{};
  Clock::time_point enquire_sent{};
  bool enquire_outstanding = false;
  Clock::time_point stop_deadline{};

  std::vector<uint8_t> in_buf;
  std::size_t in_len = 0;
  bool reading = false;
  std::string out_;        // encoded PDUs waiting for the next write
  std::string out_flight;  // bytes of the write in progress
  bool writing = false;

  std::unordered_map<uint32_t, InFlight> in_flight;
  std::deque<InFlight> retry;  // throttled submits, in hand-out order
  uint64_t order_counter = 0;
  Clock::time_point pause_until{};
  bool pause_armed = false;
  std::chrono::milliseconds throttle_backoff{0};
  std::chrono::milliseconds reconnect_delay;
  std::atomic<bool> work_posted{false};

  mutable std::mutex stats_mu;
  SmppClientStats stats;
};

// ------------------------------------------------------------------------------------------
// Lifecycle

void SmppClient::Impl::start() {
  if (started || stopping) return;
  started = true;
  connect();
}

void SmppClient::Impl::connect() {
  state = State::Connecting;
  ++gen;
  in_len = 0;
  out_.clear();
  enquire_outstanding = false;
  phase_deadline = Clock::now() + config.connect_timeout;
  const uint64_t g = gen;
  tick_timer.expires_after(kTick);
  tick_timer.async_wait([self = shared_from_this(), g](const error_code& ec) {
    if (!ec) self->onTick(g);
  });
  resolver.async_resolve(
      config.host, std::to_string(config.port),
      [self = shared_from_this(), g](const error_code& ec, tcp::resolver::results_type results) {
        if (g != self->gen) return;
        if (ec) return self->closeLink(LinkEvent::Disconnected, "address resolution failed");
        asio::async_connect(
            self->socket, results,
            [self, g](const error_code& cec, const tcp::endpoint&) { self->onConnected(g, cec); });
      });
}

void SmppClient::Impl::onConnected(uint64_t g, const error_code& ec) {
  if (g != gen) return;
  if (ec) return closeLink(LinkEvent::Disconnected, "connect failed");
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (in_buf.size() < config.max_command_length + kReadChunk) {
    in_buf.resize(config.max_command_length + kReadChunk);
  }
  if (!tls_ctx) {
    sendBind();
    return doRead();
  }
  if (!tls_config_error.empty()) return closeLink(LinkEvent::Disconnected, tls_config_error);
  tls = std::make_shared<TlsStream>(socket, *tls_ctx);
  SSL_set_tlsext_host_name(tls->native_handle(), config.host.c_str());
  tls->set_verify_callback(asio::ssl::host_name_verification(config.host));
  tls->async_handshake(asio::ssl::stream_base::client,
                       [self = shared_from_this(), g, stream = tls](const error_code& hec) {
                         if (g != self->gen) return;
                         if (hec)
                           return self->closeLink(LinkEvent::Disconnected, "TLS handshake failed");
                         self->sendBind();
                         self->doRead();
                       });
}

void SmppClient::Impl::sendBind() {
  state = State::Binding;
  phase_deadline = Clock::now() + config.bind_timeout;
  BindFields f;
  f.system_id = config.system_id;
  f.password = config.password;
  f.system_type = config.system_type;
  bind_seq = nextSeq();
  Pdu pdu;
  switch (config.mode) {
    case BindMode::Transceiver: pdu = makePdu(BindTransceiver{f}, bind_seq); break;
    case BindMode::Transmitter: pdu = makePdu(BindTransmitter{f}, bind_seq); break;
    case BindMode::Receiver: pdu = makePdu(BindReceiver{f}, bind_seq); break;
  }
  queuePdu(pdu);
  flush();
}

void SmppClient::Impl::reportUnknown(std::vector<InFlight> lost, Clock::time_point now) {
  std::sort(lost.begin(), lost.end(),
            [](const InFlight& a, const InFlight& b) { return a.order < b.order; });
  bumpStats([&](SmppClientStats& s) {
    s.unknown += lost.size();
    s.in_flight = static_cast<uint32_t>(in_flight.size());
  });
  for (auto& e : lost) {
    SubmitOutcome o;
    o.ref = e.msg.ref;
    o.kind = SubmitOutcomeKind::Unknown;
    o.latency = now - e.first_sent;
    o.throttled = e.throttled;
    handler.onSubmitResult(o);
  }
}

void SmppClient::Impl::reportUnknownInFlight() {
  if (in_flight.empty()) return;
  std::vector<InFlight> lost;
  lost.reserve(in_flight.size());
  for (auto& [s, e] : in_flight) lost.push_back(std::move(e));
  in_flight.clear();
  reportUnknown(std::move(lost), Clock::now());
}

void SmppClient::Impl::closeLink(LinkEvent event, std::string_view why) {
  if (state == State::Stopped) return;
  ++gen;  // every pending completion of this connection is now stale
  error_code ignored;
  resolver.cancel();
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  tls.reset();  // pending handlers hold their own reference
  pause_timer.cancel();
  tick_timer.cancel();
  pause_armed = false;
  reading = false;
  writing = false;
  out_.clear();
  const bool was_bound = state == State::Bound || state == State::Unbinding;
  state = State::Idle;
  reportUnknownInFlight();
  bumpStats([&](SmppClientStats& s) {
    s.bound = false;
    if (was_bound && !stopping) ++s.disconnects;
    if (event == LinkEvent::BindRefused) ++s.bind_failures;
  });
  // A close we asked for (stop) is reported once, as Stopped, not as a link failure.
  if (stopping) return finishStop();
  handler.onLinkEvent(event, why);
  scheduleReconnect();
}

void SmppClient::Impl::scheduleReconnect() {
  // Full jitter in [delay/2, delay]: many gateways restarting together do not bind in step.
  const auto base = reconnect_delay.count();
  std::uniform_int_distribution<long long> dist(base / 2, std::max<long long>(base, 1));
  reconnect_timer.expires_after(std::chrono::milliseconds(dist(rng)));
  reconnect_delay = std::min(config.reconnect_max, reconnect_delay * 2);
  bumpStats([&](SmppClientStats& st) { st.next_reconnect_delay = reconnect_delay; });
  reconnect_timer.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec && !self->stopping) self->connect();
  });
}

void SmppClient::Impl::beginStop() {
  if (stopping) return;
  stopping = true;
  reconnect_timer.cancel();
  stop_deadline = Clock::now() + config.response_timeout;
  if (state == State::Bound) {
    if (in_flight.empty()) {
      state = State::Unbinding;
      phase_deadline = Clock::now() + config.unbind_timeout;
      queuePdu(makePdu(Unbind{}, nextSeq()));
      flush();
    }
    return;  // onTick sends unbind once in flight drains or stop_deadline passes
  }
  if (state == State::Idle) return finishStop();
  closeLink(LinkEvent::Disconnected, "stopped before bound");
}

void SmppClient::Impl::finishStop() {
  if (state == State::Stopped) return;
  // Throttled submits never reached the SMSC: hand them back as transient rejections.
  std::deque<InFlight> pending;
  pending.swap(retry);
  for (auto& e : pending) {
    SubmitOutcome o;
    o.ref = e.msg.ref;
    o.kind = SubmitOutcomeKind::Rejected;
    o.status = static_cast<uint32_t>(CommandStatus::Throttled);
    o.status_class = StatusClass::Transient;
    o.throttled = e.throttled;
    handler.onSubmitResult(o);
  }
  state = State::Stopped;
  error_code ignored;
  socket.close(ignored);
  tick_timer.cancel();
  pause_timer.cancel();
  reconnect_timer.cancel();
  handler.onLinkEvent(LinkEvent::Stopped, "stopped");
}

// ------------------------------------------------------------------------------------------
// I/O

void SmppClient::Impl::doRead() {
  if (reading || state == State::Idle || state == State::Stopped) return;
  if (out_.size() > config.write_buffer_limit) return;  // back-pressure: resumes in onWrite
  if (in_buf.size() - in_len < kReadChunk / 2) in_buf.resize(in_len + kReadChunk);
  reading = true;
  const uint64_t g = gen;
  withStream([&](auto& stream, std::shared_ptr<TlsStream> keep) {
    stream.async_read_some(asio::buffer(in_buf.data() + in_len, in_buf.size() - in_len),
                           [self = shared_from_this(), g, keep](
                               const error_code& ec, std::size_t n) { self->onRead(g, ec, n); });
  });
}

void SmppClient::Impl::onRead(uint64_t g, const error_code& ec, std::size_t n) {
  if (g != gen) return;
  reading = false;
  if (ec)
    return closeLink(LinkEvent::Disconnected,
                     ec == asio::error::eof ? "closed by SMSC" : "read failed");
  in_len += n;
  last_rx = Clock::now();
  enquire_outstanding = false;
  std::size_t off = 0;
  while (off < in_len && g == gen) {
    DecodeResult r = decode(in_buf.data() + off, in_len - off, codec);
    if (r.status == DecodeStatus::NeedMore) break;
    if (r.status == DecodeStatus::Error) {
      handleDecodeError(r.error);
      if (r.error.fatal) {
        flush();
        return closeLink(LinkEvent::Disconnected, "framing lost");
      }
      off += r.consumed;
      continue;
    }
    off += r.consumed;
    handlePdu(r.pdu);
  }
  if (g != gen) return;  // a PDU closed the link
  if (off > 0) {
    std::memmove(in_buf.data(), in_buf.data() + off, in_len - off);
    in_len -= off;
  }
  pump();
  flush();
  doRead();
}

void SmppClient::Impl::queuePdu(const Pdu& pdu) {
  if (encode(pdu, out_, codec) != EncodeError::None) {
    // Only our own fields can be at fault here; the caller validated lengths.
    return;
  }
}

void SmppClient::Impl::flush() {
  if (writing || out_.empty() || state == State::Idle || state == State::Stopped) return;
  writing = true;
  out_flight.clear();
  out_flight.swap(out_);
  const uint64_t g = gen;
  withStream([&](auto& stream, std::shared_ptr<TlsStream> keep) {
    asio::async_write(stream, asio::buffer(out_flight),
                      [self = shared_from_this(), g, keep](const error_code& ec, std::size_t) {
                        self->onWrite(g, ec);
                      });
  });
}

void SmppClient::Impl::onWrite(uint64_t g, const error_code& ec) {
  if (g != gen) return;
  writing = false;
  if (ec) return closeLink(LinkEvent::Disconnected, "write failed");
  pump();
  flush();
  doRead();
}

// ------------------------------------------------------------------------------------------
// Protocol

void SmppClient::Impl::handleDecodeError(const DecodeError& err) {
  if (!err.header_valid) return;
  if (isResponse(err.command_id)) {
    // A mangled response to one of our submits: we cannot know what the SMSC did.
    auto it = in_flight.find(err.sequence_number);
    if (it != in_flight.end() && err.command_id == static_cast<uint32_t>(CommandId::SubmitSmResp)) {
      SubmitOutcome o;
      o.ref = it->second.msg.ref;
      o.kind = SubmitOutcomeKind::Unknown;
      o.latency = Clock::now() - it->second.first_sent;
      in_flight.erase(it);
      bumpStats([&](SmppClientStats& s) {
        ++s.unknown;
        s.in_flight = static_cast<uint32_t>(in_flight.size());
      });
      handler.onSubmitResult(o);
    }
    return;
  }
  Pdu nack;
  if (err.command_id == static_cast<uint32_t>(CommandId::DeliverSm)) {
    nack = makePdu(DeliverSmResp{}, err.sequence_number, static_cast<uint32_t>(err.status));
  } else if (err.command_id == static_cast<uint32_t>(CommandId::DataSm)) {
    nack = makePdu(DataSmResp{}, err.sequence_number, static_cast<uint32_t>(err.status));
  } else {
    nack = makeGenericNack(err.sequence_number, err.status);
  }
  queuePdu(nack);
  bumpStats([](SmppClientStats& s) { ++s.generic_nacks_sent; });
}

void SmppClient::Impl::handlePdu(const Pdu& pdu) {
  switch (pdu.commandId()) {
    case CommandId::BindTransceiverResp:
    case CommandId::BindTransmitterResp:
    case CommandId::BindReceiverResp: {
      if (state != State::Binding || pdu.sequence_number != bind_seq) return;
      if (pdu.command_status != 0) {
        return closeLink(LinkEvent::BindRefused, commandStatusName(pdu.command_status));
      }
      state = State::Bound;
      reconnect_delay = config.reconnect_initial;
      bumpStats([&](SmppClientStats& s) {
        s.next_reconnect_delay = reconnect_delay;
        ++s.binds;
        s.bound = true;
      });
      handler.onLinkEvent(LinkEvent::Bound, bindModeName(config.mode));
      return;
    }
    case CommandId::SubmitSmResp: {
      const auto* resp = pdu.as<SubmitSmResp>();
      return handleSubmitResp(pdu, pdu.command_status, resp ? resp->message_id : "");
    }
    case CommandId::GenericNack: {
      if (in_flight.count(pdu.sequence_number)) {
        const uint32_t status = pdu.command_status
                                    ? pdu.command_status
                                    : static_cast<uint32_t>(CommandStatus::SystemError);
        return handleSubmitResp(pdu, status, "");
      }
      return;
    }
    case CommandId::DeliverSm:
    case CommandId::DataSm: {
      const CommandStatus status = handler.onDeliver(pdu);
      bumpStats([](SmppClientStats& s) { ++s.delivers; });
      if (pdu.commandId() == CommandId::DeliverSm) {
        queuePdu(makePdu(DeliverSmResp{}, pdu.sequence_number, static_cast<uint32_t>(status)));
      } else {
        queuePdu(makePdu(DataSmResp{}, pdu.sequence_number, static_cast<uint32_t>(status)));
      }
      return;
    }
    case CommandId::EnquireLink: queuePdu(makePdu(EnquireLinkResp{}, pdu.sequence_number)); return;
    case CommandId::EnquireLinkResp: return;  // last_rx already moved
    case CommandId::Unbind:
      queuePdu(makePdu(UnbindResp{}, pdu.sequence_number));
      flush();
      // Let the unbind_resp go out before closing; the SMSC closes its side anyway.
      state = State::Unbinding;
      phase_deadline = Clock::now() + std::chrono::milliseconds(200);
      return;
    case CommandId::UnbindResp:
      if (state == State::Unbinding) closeLink(LinkEvent::Disconnected, "unbound");
      return;
    default:
      // A request we do not serve as an ESME (e.g. submit_sm from the SMSC).
      if (!isResponse(static_cast<uint32_t>(pdu.commandId()))) {
        queuePdu(makeGenericNack(pdu.sequence_number, CommandStatus::InvalidCommandId));
        bumpStats([](SmppClientStats& s) { ++s.generic_nacks_sent; });
      }
      return;
  }
}

void SmppClient::Impl::handleSubmitResp(const Pdu& pdu, uint32_t status,
                                        std::string_view message_id) {
  auto it = in_flight.find(pdu.sequence_number);
  if (it == in_flight.end()) {
    bumpStats([](SmppClientStats& s) { ++s.late_responses; });
    return;
  }
  InFlight entry = std::move(it->second);
  in_flight.erase(it);
  const auto now = Clock::now();
  const StatusClass cls = classifyCommandStatus(status);
  if (cls == StatusClass::Throttle) {
    ++entry.throttled;
    if (bucket) bucket->onThrottled(now);
    throttle_backoff = throttle_backoff.count() == 0
                           ? config.throttle_backoff_initial
                           : std::min(config.throttle_backoff_max, throttle_backoff * 2);
    pause_until = std::max(pause_until, now + throttle_backoff);
    // Keep hand-out order: a throttled submit goes back before anything handed out later.
    auto pos = std::upper_bound(retry.begin(), retry.end(), entry.order,
                                [](uint64_t order, const InFlight& e) { return order < e.order; });
    retry.insert(pos, std::move(entry));
    bumpStats([&](SmppClientStats& s) {
      ++s.throttled;
      s.in_flight = static_cast<uint32_t>(in_flight.size());
    });
    return;
  }
  SubmitOutcome o;
  o.ref = entry.msg.ref;
  o.status = status;
  o.status_class = cls;
  o.latency = now - entry.first_sent;
  o.throttled = entry.throttled;
  if (cls == StatusClass::Success) {
    throttle_backoff = std::chrono::milliseconds(0);
    if (bucket) bucket->onAccepted(now);
    o.kind = SubmitOutcomeKind::Accepted;
    o.message_id = message_id;
  } else {
    o.kind = SubmitOutcomeKind::Rejected;
  }
  // Stats first, so a handler that reads them sees its own outcome counted.
  bumpStats([&](SmppClientStats& s) {
    if (cls == StatusClass::Success) {
      ++s.accepted;
    } else {
      ++s.rejected;
    }
    s.in_flight = static_cast<uint32_t>(in_flight.size());
  });
  handler.onSubmitResult(o);
}

void SmppClient::Impl::armPause(Clock::time_point until) {
  if (pause_armed) return;
  pause_armed = true;
  pause_timer.expires_at(until);
  const uint64_t g = gen;
  pause_timer.async_wait([self = shared_from_this(), g](const error_code& ec) {
    if (g != self->gen) return;
    self->pause_armed = false;
    if (ec) return;
    self->pump();
    self->flush();
  });
}

void SmppClient::Impl::pump() {
  if (state != State::Bound || stopping || config.mode == BindMode::Receiver) return;
  const auto now = Clock::now();
  if (now < pause_until) return armPause(pause_until);
  std::size_t sent = 0;
  OutboundSubmit next;
  while (in_flight.size() < config.window) {
    if (out_.size() > config.write_buffer_limit) break;
    if (bucket) {
      const auto wait = bucket->tryTake(now);
      if (wait.count() > 0) {
        armPause(now + wait);
        break;
      }
    }
    InFlight entry;
    if (!retry.empty()) {
      entry = std::move(retry.front());
      retry.pop_front();
    } else {
      if (!handler.nextSubmit(next)) {
        if (bucket) bucket->onAccepted(now);  // cheap no-op unless recovering
        break;
      }
      entry.msg = std::move(next);
      next = OutboundSubmit{};
      entry.order = ++order_counter;
      entry.first_sent = now;
    }
    entry.sent = now;
    SubmitSm sm;
    sm.source_addr_ton = entry.msg.source_ton;
    sm.source_addr_npi = entry.msg.source_npi;
    sm.source_addr = entry.msg.source_addr;
    sm.dest_addr_ton = entry.msg.dest_ton;
    sm.dest_addr_npi = entry.msg.dest_npi;
    sm.destination_addr = entry.msg.destination_addr;
    sm.esm_class = entry.msg.esm_class;
    sm.registered_delivery = entry.msg.registered_delivery;
    sm.data_coding = entry.msg.data_coding;
    sm.validity_period = entry.msg.validity_period;
    sm.short_message = entry.msg.short_message;
    const uint32_t s = nextSeq();
    if (encode(makePdu(sm, s), out_, codec) != EncodeError::None) {
      SubmitOutcome o;
      o.ref = entry.msg.ref;
      o.kind = SubmitOutcomeKind::Rejected;
      o.status = static_cast<uint32_t>(CommandStatus::InvalidMessageLength);
      o.status_class = StatusClass::Permanent;
      bumpStats([](SmppClientStats& st) { ++st.rejected; });
      handler.onSubmitResult(o);
      continue;
    }
    in_flight.emplace(s, std::move(entry));
    ++sent;
  }
  if (sent) {
    bumpStats([&](SmppClientStats& st) {
      st.submits_sent += sent;
      st.in_flight = static_cast<uint32_t>(in_flight.size());
    });
  }
}

void SmppClient::Impl::onTick(uint64_t g) {
  if (g != gen || state == State::Stopped) return;
  const auto now = Clock::now();
  switch (state) {
    case State::Connecting:
    case State::Binding:
      if (now > phase_deadline) {
        return closeLink(state == State::Binding ? LinkEvent::BindRefused : LinkEvent::Disconnected,
                         state == State::Binding ? "bind timed out" : "connect timed out");
      }
      break;
    case State::Unbinding:
      if (now > phase_deadline) return closeLink(LinkEvent::Disconnected, "unbind timed out");
      break;
    case State::Bound: {
      // Responses that never came: the outcome is unknown, never a silent resend.
      std::vector<uint32_t> expired;
      for (const auto& [s, e] : in_flight) {
        if (now - e.sent > config.response_timeout) expired.push_back(s);
      }
      if (!expired.empty()) {
        std::vector<InFlight> lost;
        for (uint32_t s : expired) {
          lost.push_back(std::move(in_flight[s]));
          in_flight.erase(s);
        }
        reportUnknown(std::move(lost), now);
        pump();
      }
      // Keepalive and dead-link detection.
      if (enquire_outstanding && now - enquire_sent > config.enquire_link_timeout) {
        return closeLink(LinkEvent::Disconnected, "enquire_link unanswered");
      }
      if (!enquire_outstanding && now - last_rx > config.enquire_link_interval) {
        enquire_outstanding = true;
        enquire_sent = now;
        queuePdu(makePdu(EnquireLink{}, nextSeq()));
      }
      if (stopping && (in_flight.empty() || now > stop_deadline)) {
        if (!in_flight.empty()) reportUnknownInFlight();
        state = State::Unbinding;
        phase_deadline = now + config.unbind_timeout;
        queuePdu(makePdu(Unbind{}, nextSeq()));
      }
      flush();
      break;
    }
    default: break;
  }
  tick_timer.expires_after(kTick);
  tick_timer.async_wait([self = shared_from_this(), g](const error_code& ec) {
    if (!ec) self->onTick(g);
  });
}

// ------------------------------------------------------------------------------------------
// Public shell: every call hops onto the strand.

SmppClient::SmppClient(asio::io_context& ioc, SmppClientConfig config, SmppClientHandler& handler,
                       std::shared_ptr<TokenBucket> bucket)
    : impl_(std::make_shared<Impl>(ioc, std::move(config), handler, std::move(bucket))) {}

SmppClient::~SmppClient() = default;

void SmppClient::start() {
  asio::dispatch(impl_->strand, [impl = impl_] { impl->start(); });
}

void SmppClient::notifyWork() {
  // Coalesce: many notifications while one is queued cost one pump.
  if (impl_->work_posted.exchange(true)) return;
  asio::post(impl_->strand, [impl = impl_] {
    impl->work_posted = false;
    impl->pump();
    impl->flush();
  });
}

void SmppClient::stop() {
  asio::dispatch(impl_->strand, [impl = impl_] { impl->beginStop(); });
}

SmppClientStats SmppClient::stats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->stats;
}

}  // namespace liaison::gateway::smpp
