// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SmscSimulator implementation. Everything (listener, connections, stats, random faults)
// runs on one strand, so the simulator needs no locks on its hot path and a seed replays
// the same fault pattern. Responses produced while reading one buffer are written together.
#include "channels/smpp/smsc_simulator.h"

#include <utility>  // before Asio

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <future>
#include <mutex>
#include <random>
#include <set>
#include <vector>

#include "channels/smpp/pdu_codec.h"

namespace liaison::gateway::smpp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using TlsStream = asio::ssl::stream<tcp::socket&>;

namespace {
class SimConnection;
}

struct SmscSimulator::Impl : std::enable_shared_from_this<SmscSimulator::Impl> {
  Impl(asio::io_context& io, SmscSimulatorConfig cfg)
      : ioc(io),
        strand(asio::make_strand(io)),
        config(std::move(cfg)),
        acceptor(strand),
        rng(config.seed) {}

  void doAccept();
  SimConnection* pickReceiver();
  bool chance(double share) {
    if (share <= 0) return false;
    if (share >= 1) return true;
    return std::uniform_real_distribution<double>(0, 1)(rng) < share;
  }
  std::string receiptDate() const {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02d%02d%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min);
    return buf;
  }

  asio::io_context& ioc;
  asio::strand<asio::io_context::executor_type> strand;
  SmscSimulatorConfig config;
  tcp::acceptor acceptor;
  std::shared_ptr<asio::ssl::context> tls_ctx;  // when config.tls_cert_file is set
  std::mt19937_64 rng;
  uint16_t bound_port = 0;
  bool stopped = false;
  uint64_t next_message_id = 0x10000;
  std::set<std::shared_ptr<SimConnection>> connections;
  std::size_t rr = 0;  // round robin for MO

  mutable std::mutex snapshot_mu;  // guards the two fields below for cross-thread reads
  SmscSimulatorStats stats;
  std::unordered_map<std::string, uint32_t> submit_counts;
};

namespace {

class SimConnection : public std::enable_shared_from_this<SimConnection> {
 public:
  SimConnection(tcp::socket socket, std::shared_ptr<SmscSimulator::Impl> sim)
      : socket_(std::move(socket)),
        sim_(std::move(sim)),
        drop_timer_(sim_->strand),
        delay_timer_(sim_->strand) {}

  void start() {
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    in_.resize(256 * 1024);
    if (!sim_->tls_ctx) return doRead();
    tls_ = std::make_unique<TlsStream>(socket_, *sim_->tls_ctx);
    tls_->async_handshake(
        asio::ssl::stream_base::server,
        asio::bind_executor(sim_->strand, [self = shared_from_this()](const error_code& ec) {
          if (ec) return self->close();
          self->doRead();
        }));
  }

  bool canReceive() const { return bound_ && mode_ != CommandId::BindTransmitter; }
  bool bound() const { return bound_; }

  void sendMo(const SmscSimulator::MobileOriginated& mo) {
    DeliverSm d;
    d.source_addr_ton = 1;
    d.source_addr_npi = 1;
    d.source_addr = mo.source_addr;
    d.destination_addr = mo.destination_addr;
    d.esm_class = mo.esm_class;
    d.data_coding = mo.data_coding;
    d.short_message = mo.short_message;
    if (mo.sar_total > 0) {
      d.tlvs.sar_msg_ref_num = mo.sar_ref;
      d.tlvs.sar_total_segments = mo.sar_total;
      d.tlvs.sar_segment_seqnum = mo.sar_seq;
    }
    const uint32_t s = nextSeq();
    mo_seqs_.insert(s);
    encode(makePdu(d, s), out_);
    flush();
  }

  void sendRaw(const std::string& bytes) {
    out_ += bytes;
    flush();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    drop_timer_.cancel();
    delay_timer_.cancel();
    sim_->connections.erase(shared_from_this());
  }

 private:
  uint32_t nextSeq() {
    seq_ = seq_ >= 0x7FFFFFFF ? 1 : seq_ + 1;
    return seq_;
  }

  void doRead() {
    if (closed_) return;
    if (in_.size() - in_len_ < 32 * 1024) in_.resize(in_len_ + 128 * 1024);
    auto done = asio::bind_executor(
        sim_->strand,
        [self = shared_from_this()](const error_code& ec, std::size_t n) { self->onRead(ec, n); });
    auto buffer = asio::buffer(in_.data() + in_len_, in_.size() - in_len_);
    if (tls_) {
      tls_->async_read_some(buffer, std::move(done));
    } else {
      socket_.async_read_some(buffer, std::move(done));
    }
  }

  void onRead(const error_code& ec, std::size_t n) {
    if (closed_) return;
    if (ec) return close();
    in_len_ += n;
    std::size_t off = 0;
    while (off < in_len_ && !closed_) {
      DecodeResult r = decode(in_.data() + off, in_len_ - off);
      if (r.status == DecodeStatus::NeedMore) break;
      if (r.status == DecodeStatus::Error) {
        if (r.error.header_valid) {
          encode(makeGenericNack(r.error.sequence_number, r.error.status), out_);
        }
        if (r.error.fatal) {
          flush();
          return close();
        }
        off += r.consumed;
        continue;
      }
      off += r.consumed;
      handle(r.pdu);
    }
    if (closed_) return;
    std::memmove(in_.data(), in_.data() + off, in_len_ - off);
    in_len_ -= off;
    // Delayed responses and delayed receipts both wait in delayed_ (a receipt delay alone used
    // to leave receipts there until the next delayed response, i.e. for ever).
    const auto& cfg = sim_->config;
    if ((cfg.response_delay.count() > 0 || cfg.receipt_delay.count() > 0) && !delayed_.empty()) {
      scheduleDelayed();
    }
    flush();
    doRead();
  }

  void handle(const Pdu& pdu) {
    auto& cfg = sim_->config;
    auto& st = sim_->stats;
    switch (pdu.commandId()) {
      case CommandId::BindTransceiver:
      case CommandId::BindTransmitter:
      case CommandId::BindReceiver: {
        const auto* f = std::visit(
            [](const auto& b) -> const BindFields* {
              if constexpr (std::is_base_of_v<BindFields, std::decay_t<decltype(b)>>) {
                return &b;
              } else {
                return nullptr;
              }
            },
            pdu.body);
        uint32_t status = 0;
        if (cfg.refuse_binds) {
          status = cfg.refuse_status;
        } else if (!cfg.system_id.empty() &&
                   (f->system_id != cfg.system_id || f->password != cfg.password)) {
          status = static_cast<uint32_t>(CommandStatus::InvalidPassword);
        } else if (bound_) {
          status = static_cast<uint32_t>(CommandStatus::AlreadyBound);
        }
        BindRespFields resp;
        resp.system_id = "liaison-sim";
        Pdu out;
        if (pdu.commandId() == CommandId::BindTransceiver) {
          out = makePdu(BindTransceiverResp{resp}, pdu.sequence_number, status);
        } else if (pdu.commandId() == CommandId::BindTransmitter) {
          out = makePdu(BindTransmitterResp{resp}, pdu.sequence_number, status);
        } else {
          out = makePdu(BindReceiverResp{resp}, pdu.sequence_number, status);
        }
        encode(out, out_);
        std::lock_guard lock(sim_->snapshot_mu);
        if (status != 0) {
          ++st.bind_refusals;
          return;
        }
        ++st.binds;
        bound_ = true;
        mode_ = pdu.commandId();
        if (cfg.drop_every.count() > 0) armDrop(cfg.drop_every);
        return;
      }
      case CommandId::SubmitSm: {
        const auto* sm = pdu.as<SubmitSm>();
        {
          std::lock_guard lock(sim_->snapshot_mu);
          ++st.submits;
          if (cfg.record_submits) ++sim_->submit_counts[std::string(sm->short_message)];
        }
        ++submits_here_;
        if (!bound_ || mode_ == CommandId::BindReceiver) {
          encode(makePdu(SubmitSmResp{}, pdu.sequence_number,
                         static_cast<uint32_t>(CommandStatus::InvalidBindStatus)),
                 out_);
        } else if (sim_->chance(cfg.swallow_share)) {
          std::lock_guard lock(sim_->snapshot_mu);
          ++st.swallowed;
        } else if (sim_->chance(cfg.throttle_share)) {
          respond(makePdu(SubmitSmResp{}, pdu.sequence_number,
                          static_cast<uint32_t>(CommandStatus::Throttled)));
          std::lock_guard lock(sim_->snapshot_mu);
          ++st.throttled;
        } else if (sim_->chance(cfg.error_share)) {
          respond(makePdu(SubmitSmResp{}, pdu.sequence_number, cfg.error_status));
          std::lock_guard lock(sim_->snapshot_mu);
          ++st.errors;
        } else {
          const uint64_t id = ++sim_->next_message_id;
          char hex[24];
          std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(id));
          SubmitSmResp resp;
          resp.message_id = hex;
          const bool receipt = cfg.receipts && (sm->registered_delivery & 0x03) != 0;
          // Some SMSCs emit the receipt before the submit_sm_resp; the knob reproduces it.
          if (receipt && cfg.receipt_before_response) sendReceipt(id, hex, *sm);
          respond(makePdu(resp, pdu.sequence_number));
          {
            std::lock_guard lock(sim_->snapshot_mu);
            ++st.accepted;
          }
          if (receipt && !cfg.receipt_before_response) sendReceipt(id, hex, *sm);
          if (cfg.on_accepted_submit) cfg.on_accepted_submit(*sm);
        }
        if (cfg.drop_after_submits && submits_here_ >= cfg.drop_after_submits) {
          flush();
          std::lock_guard lock(sim_->snapshot_mu);
          ++st.drops;
          // Close after the write drains so the responses so far go out.
          drop_after_flush_ = true;
        }
        return;
      }
      case CommandId::DeliverSmResp: {
        std::lock_guard lock(sim_->snapshot_mu);
        if (mo_seqs_.erase(pdu.sequence_number)) {
          ++st.mo_acked;
        } else {
          ++st.receipts_acked;
        }
        return;
      }
      case CommandId::EnquireLink: {
        {
          std::lock_guard lock(sim_->snapshot_mu);
          ++st.enquire_links;
        }
        if (cfg.answer_enquire_link) encode(makePdu(EnquireLinkResp{}, pdu.sequence_number), out_);
        return;
      }
      case CommandId::Unbind: {
        encode(makePdu(UnbindResp{}, pdu.sequence_number), out_);
        bound_ = false;
        drop_after_flush_ = true;
        std::lock_guard lock(sim_->snapshot_mu);
        ++st.unbinds;
        return;
      }
      case CommandId::GenericNack: {
        std::lock_guard lock(sim_->snapshot_mu);
        ++st.generic_nacks;
        return;
      }
      default:
        if (!isResponse(static_cast<uint32_t>(pdu.commandId()))) {
          encode(makeGenericNack(pdu.sequence_number, CommandStatus::InvalidCommandId), out_);
        }
        return;
    }
  }

  void respond(const Pdu& pdu) {
    if (sim_->config.response_delay.count() > 0) {
      encode(pdu, delayed_);
    } else {
      encode(pdu, out_);
    }
  }

  void sendReceipt(uint64_t id, const char* hex, const SubmitSm& sm) {
    auto& cfg = sim_->config;
    char idtext[24];
    if (cfg.receipt_ids_decimal) {
      std::snprintf(idtext, sizeof idtext, "%llu", static_cast<unsigned long long>(id));
    } else {
      std::snprintf(idtext, sizeof idtext, "%s", hex);
    }
    const std::string date = sim_->receiptDate();
    std::string text = std::string("id:") + idtext + " sub:001 dlvrd:001 submit date:" + date +
                       " done date:" + date + " stat:" + cfg.receipt_stat + " err:000 text:";
    DeliverSm d;
    d.source_addr_ton = sm.dest_addr_ton;
    d.source_addr_npi = sm.dest_addr_npi;
    d.source_addr = sm.destination_addr;
    d.dest_addr_ton = sm.source_addr_ton;
    d.dest_addr_npi = sm.source_addr_npi;
    d.destination_addr = sm.source_addr;
    d.esm_class = kEsmClassDeliveryReceipt;
    d.short_message = text;
    d.tlvs.receipted_message_id = hex;
    d.tlvs.message_state = cfg.receipt_stat == "DELIVRD" ? 2 : 5;
    if (!canReceive()) {
      // A transmitter cannot take deliver_sm: route to a receiver bind of the account.
      std::lock_guard lock(sim_->snapshot_mu);
      SimConnection* rx = sim_->pickReceiver();
      if (!rx) {
        ++sim_->stats.receipts_undeliverable;
        return;
      }
      rx->enqueueDeliver(d);
      ++sim_->stats.receipts_sent;
      return;
    }
    std::string& target =
        cfg.receipt_delay.count() > 0 || cfg.response_delay.count() > 0 ? delayed_ : out_;
    encode(makePdu(d, nextSeq()), target);
    std::lock_guard lock(sim_->snapshot_mu);
    ++sim_->stats.receipts_sent;
  }

 public:
  void enqueueDeliver(const DeliverSm& d) {
    encode(makePdu(d, nextSeq()), out_);
    flush();
  }

 private:
  void scheduleDelayed() {
    if (delay_armed_) return;
    delay_armed_ = true;
    const auto delay = std::max(sim_->config.response_delay, sim_->config.receipt_delay);
    delay_timer_.expires_after(delay);
    delay_timer_.async_wait(
        asio::bind_executor(sim_->strand, [self = shared_from_this()](const error_code& ec) {
          self->delay_armed_ = false;
          if (ec || self->closed_) return;
          self->out_ += self->delayed_;
          self->delayed_.clear();
          self->flush();
        }));
  }

  void armDrop(std::chrono::milliseconds after) {
    drop_timer_.expires_after(after);
    drop_timer_.async_wait(
        asio::bind_executor(sim_->strand, [self = shared_from_this()](const error_code& ec) {
          if (ec || self->closed_) return;
          {
            std::lock_guard lock(self->sim_->snapshot_mu);
            ++self->sim_->stats.drops;
          }
          self->close();
        }));
  }

  void flush() {
    if (closed_ || writing_) return;
    if (out_.empty()) {
      if (drop_after_flush_) close();
      return;
    }
    writing_ = true;
    flight_.clear();
    flight_.swap(out_);
    auto done = asio::bind_executor(sim_->strand,
                                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                                      self->writing_ = false;
                                      if (ec) return self->close();
                                      self->flush();
                                    });
    if (tls_) {
      asio::async_write(*tls_, asio::buffer(flight_), std::move(done));
    } else {
      asio::async_write(socket_, asio::buffer(flight_), std::move(done));
    }
  }

  tcp::socket socket_;
  std::unique_ptr<TlsStream> tls_;
  std::shared_ptr<SmscSimulator::Impl> sim_;
  asio::steady_timer drop_timer_;
  asio::steady_timer delay_timer_;
  std::vector<uint8_t> in_;
  std::size_t in_len_ = 0;
  std::string out_, flight_, delayed_;
  bool writing_ = false;
  bool closed_ = false;
  bool bound_ = false;
  bool delay_armed_ = false;
  bool drop_after_flush_ = false;
  CommandId mode_ = CommandId::BindTransceiver;
  uint32_t seq_ = 0;
  uint64_t submits_here_ = 0;
  std::set<uint32_t> mo_seqs_;
};

}  // namespace

SimConnection* SmscSimulator::Impl::pickReceiver() {
  std::vector<SimConnection*> receivers;
  for (const auto& c : connections) {
    if (c->canReceive()) receivers.push_back(c.get());
  }
  return receivers.empty() ? nullptr : receivers[rr++ % receivers.size()];
}

void SmscSimulator::Impl::doAccept() {
  acceptor.async_accept(asio::make_strand(ioc), [self = shared_from_this()](const error_code& ec,
                                                                            tcp::socket socket) {
    asio::dispatch(self->strand, [self, ec, s = std::make_shared<tcp::socket>(std::move(socket))] {
      if (self->stopped) return;
      if (!ec) {
        auto conn = std::make_shared<SimConnection>(std::move(*s), self);
        self->connections.insert(conn);
        {
          std::lock_guard lock(self->snapshot_mu);
          ++self->stats.connections;
        }
        conn->start();
      }
      self->doAccept();
    });
  });
}

SmscSimulator::SmscSimulator(asio::io_context& ioc, SmscSimulatorConfig config)
    : impl_(std::make_shared<Impl>(ioc, std::move(config))) {}

SmscSimulator::~SmscSimulator() { stop(); }

std::error_code SmscSimulator::start() {
  error_code ec;
  if (!impl_->config.tls_cert_file.empty()) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->use_certificate_chain_file(impl_->config.tls_cert_file, ec);
    if (!ec) ctx->use_private_key_file(impl_->config.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) return ec;
    impl_->tls_ctx = std::move(ctx);
  }
  auto address = asio::ip::make_address(impl_->config.address, ec);
  if (ec) return ec;
  tcp::endpoint ep(address, impl_->config.port);
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ec;
  impl_->bound_port = acc.local_endpoint().port();
  asio::dispatch(impl_->strand, [impl = impl_] { impl->doAccept(); });
  return {};
}

uint16_t SmscSimulator::port() const { return impl_->bound_port; }

void SmscSimulator::stop() {
  asio::dispatch(impl_->strand, [impl = impl_] {
    if (impl->stopped) return;
    impl->stopped = true;
    error_code ignored;
    impl->acceptor.close(ignored);
    auto conns = impl->connections;
    for (const auto& c : conns) c->close();
  });
}

void SmscSimulator::configure(std::function<void(SmscSimulatorConfig&)> change) {
  asio::dispatch(impl_->strand,
                 [impl = impl_, change = std::move(change)] { change(impl->config); });
}

bool SmscSimulator::sendMobileOriginated(const MobileOriginated& mo) {
  // Decide synchronously whether someone can receive, then send on the strand.
  auto result = std::make_shared<std::promise<bool>>();
  auto fut = result->get_future();
  asio::dispatch(impl_->strand, [impl = impl_, mo, result] {
    std::vector<std::shared_ptr<SimConnection>> receivers;
    for (const auto& c : impl->connections) {
      if (c->canReceive()) receivers.push_back(c);
    }
    if (receivers.empty()) return result->set_value(false);
    receivers[impl->rr++ % receivers.size()]->sendMo(mo);
    {
      std::lock_guard lock(impl->snapshot_mu);
      ++impl->stats.mo_sent;
    }
    result->set_value(true);
  });
  return fut.get();
}

void SmscSimulator::sendRawToAll(std::string bytes) {
  asio::dispatch(impl_->strand, [impl = impl_, bytes = std::move(bytes)] {
    for (const auto& c : impl->connections) {
      if (c->bound()) c->sendRaw(bytes);
    }
  });
}

SmscSimulatorStats SmscSimulator::stats() const {
  std::lock_guard lock(impl_->snapshot_mu);
  return impl_->stats;
}

std::unordered_map<std::string, uint32_t> SmscSimulator::submitCounts() const {
  std::lock_guard lock(impl_->snapshot_mu);
  return impl_->submit_counts;
}

}  // namespace liaison::gateway::smpp
