// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// One SMPP 3.4 bind to an SMSC, kept up for as long as the client runs: connect, bind (as
// transceiver, transmitter or receiver), keep a window of submit_sm in flight, answer
// deliver_sm, send enquire_link when idle, detect dead links, reconnect with capped
// exponential backoff and jitter, and unbind gracefully on stop. Asio stays in the .cc.
//
//   SmppClient (strand) --pull--> SmppClientHandler::nextSubmit()   (window + tokens permit)
//        |  submit_sm ... ---->  SMSC
//        |  <---- submit_sm_resp / deliver_sm / enquire_link ...
//        +--> handler: onSubmitResult(ref, outcome), onDeliver(pdu) -> status to answer
//
// Every outcome is reported exactly once per submit handed out: Accepted (with the SMSC's
// message id), Rejected (permanent or transient status), or Unknown (no response within
// response_timeout, or the link dropped with the submit in flight). Unknown is never resent
// by the client: the outreach engine decides by the campaign's resend policy. Throttle
// responses are not outcomes: the client slows down and resends the same PDU itself, in order.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "channels/smpp/command_status.h"
#include "channels/smpp/pdu.h"

namespace boost::asio {
class io_context;
}

namespace liaison::gateway::smpp {

class TokenBucket;

enum class BindMode : uint8_t { Transceiver, Transmitter, Receiver };
std::string_view bindModeName(BindMode mode);

struct SmppClientConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 2775;
  std::string system_id;
  std::string password;  // secret: never logged
  std::string system_type;
  BindMode mode = BindMode::Transceiver;
  uint32_t window = 10;  // outstanding submit_sm, 1..1000
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds bind_timeout{10'000};
  std::chrono::milliseconds response_timeout{10'000};       // then the outcome is Unknown
  std::chrono::milliseconds enquire_link_interval{30'000};  // when idle
  std::chrono::milliseconds enquire_link_timeout{10'000};   // no PDU at all: link is dead
  std::chrono::milliseconds reconnect_initial{500};
  std::chrono::milliseconds reconnect_max{60'000};
  std::chrono::milliseconds throttle_backoff_initial{50};
  std::chrono::milliseconds throttle_backoff_max{2'000};
  std::chrono::milliseconds unbind_timeout{3'000};
  std::size_t write_buffer_limit = 1 << 20;  // bytes queued before reading pauses
  // TLS (SMPP over TLS, as some SMSCs and aggregators offer). The peer certificate is always
  // verified against `tls_ca_file` (PEM; empty: the system's trust store) and `host`.
  bool tls = false;
  std::string tls_ca_file;
  uint32_t max_command_length = 64 * 1024;
};

// One SMS segment to submit. Owns its bytes while it is queued or in flight.
struct OutboundSubmit {
  uint64_t ref = 0;  // the caller's id, echoed in the outcome
  std::string source_addr;
  uint8_t source_ton = 5;  // alphanumeric by default
  uint8_t source_npi = 0;
  std::string destination_addr;  // E.164 digits without '+'
  uint8_t dest_ton = 1;
  uint8_t dest_npi = 1;
  uint8_t esm_class = 0;  // 0x40 when short_message starts with a UDH
  uint8_t data_coding = 0;
  uint8_t registered_delivery = 1;  // ask for a final receipt
  std::string short_message;        // UDH + payload, <= 254 octets
  std::string validity_period;      // SMPP time format, empty = SMSC default
};

enum class SubmitOutcomeKind : uint8_t {
  Accepted,  // message_id is set
  Rejected,  // status says why; status_class Transient or Permanent decides retries
  Unknown,   // no response: timeout or link lost while in flight
};

struct SubmitOutcome {
  uint64_t ref = 0;
  SubmitOutcomeKind kind = SubmitOutcomeKind::Unknown;
  std::string_view message_id;  // valid only during the callback
  uint32_t status = 0;
  StatusClass status_class = StatusClass::Success;
  std::chrono::steady_clock::duration latency{};  // first send to response
  uint32_t throttled = 0;                         // times this submit was throttled
};

// Bound: a bind succeeded. BindRefused: the SMSC refused (detail: the status name) or the bind
// timed out. Disconnected: the link failed (detail says how); the client reconnects.
// Stopped: stop() completed; reported once, with no Disconnected before it.
enum class LinkEvent : uint8_t { Bound, BindRefused, Disconnected, Stopped };

// Called on the client's strand. Implementations must be quick and must not call back into
// the client synchronously except notifyWork()/stop().
class SmppClientHandler {
 public:
  virtual ~SmppClientHandler() = default;
  // Fill `out` with the next segment to send and return true, or return false if none is
  // ready (call SmppClient::notifyWork() when there is).
  virtual bool nextSubmit(OutboundSubmit& out) = 0;
  virtual void onSubmitResult(const SubmitOutcome& outcome) = 0;
  // A deliver_sm or data_sm (receipt or mobile-originated). Views are valid only during the
  // call. Return the command_status to answer with: Ok once the message is safely stored,
  // ReceiverTemporaryError to have the SMSC redeliver later.
  virtual CommandStatus onDeliver(const Pdu& pdu) = 0;
  virtual void onLinkEvent(LinkEvent event, std::string_view detail) = 0;
};

struct SmppClientStats {
  uint64_t submits_sent = 0;  // PDUs written, resends after throttling included
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t unknown = 0;
  uint64_t throttled = 0;
  uint64_t delivers = 0;
  uint64_t binds = 0;
  uint64_t bind_failures = 0;
  uint64_t disconnects = 0;
  uint64_t late_responses = 0;  // a response for a sequence number no longer in flight
  uint64_t generic_nacks_sent = 0;
  uint32_t in_flight = 0;
  bool bound = false;
  std::chrono::milliseconds next_reconnect_delay{0};  // grows on failures, resets on bind
};

class SmppClient {
 public:
  // `bucket` (may be null: no rate limit) is shared by every bind of the account.
  SmppClient(boost::asio::io_context& ioc, SmppClientConfig config, SmppClientHandler& handler,
             std::shared_ptr<TokenBucket> bucket = nullptr);
  ~SmppClient();
  SmppClient(const SmppClient&) = delete;
  SmppClient& operator=(const SmppClient&) = delete;

  // Starts connecting; reconnects until stop(). Thread-safe.
  void start();
  // There may be submits to pull now. Thread-safe, cheap, may be called often.
  void notifyWork();
  // Stops pulling, waits for in-flight responses (bounded), unbinds, closes; reports
  // LinkEvent::Stopped when done. Thread-safe.
  void stop();
  // A snapshot; thread-safe.
  SmppClientStats stats() const;

  struct Impl;  // public only so the implementation's helpers can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace liaison::gateway::smpp
