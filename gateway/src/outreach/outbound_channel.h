// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The seam between the outbox Dispatcher and the channel it sends through: one narrow
// interface (OutboundChannel, with its listener OutboundListener) and one adapter per channel
// kind, each owning its channel and translating its outcomes into the few facts the
// Dispatcher's ledger rules need (STYLE R12: typed failures, the retry policy attached).
//
//   Dispatcher (ledger rules)  <-- OutboundListener --  SmppOutbound  -- owns -->  SmppChannel
//                              --  OutboundChannel -->  HttpOutbound  -- owns -->  HttpChannel
//
// What differs between the kinds, and where it is decided:
// - Queue room. SmppChannel bounds its queues in segments, HttpChannel in messages:
//   cost(segments) converts a row into the channel's unit, room() reports what is free.
// - Failures. OutboundFailure says whether resending may help (`retryable`), whether the
//   provider asked for a pause (`retry_after`, 429/503), and whether part of the message may
//   already be on the handset (`partial_possible`: SMPP segments accepted before a rejected
//   one; an HTTP request is the whole message, so never).
// - Provider ids. SMPP gives one per segment. An HTTP provider may give none (Kannel): the
//   adapter then reports the ref (the outbox row id, decimal) as the one id, which is what the
//   delivery webhooks match reports that carry only our ref against (webhooks.h).
// - Receipts, inbound messages and link events arrive through the listener for SMPP only; an
//   HTTP aggregator calls the gateway's webhooks instead.
// - Readiness. SMPP: at least one bind bound. HTTP: started and not stopped (there is no
//   session to hold; a failing provider shows in the outcomes).
//
// Threading is the channels' own: listener calls come from io threads, one at a time, never
// concurrently, in the order the outcomes arose; send(), room() and ready() are thread-safe.
// Per ref exactly one of onSubmitted / onSubmitFailed / onOutcomeUnknown / (in onStopped)
// handed back is reported. Nothing here logs a number, a text or an id.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "channels/http/http_channel.h"
#include "channels/smpp/smpp_channel.h"

namespace boost::asio {
class io_context;
}

namespace liaison::gateway::outreach {

// One ledger row as the channel gets it. Owns its data.
struct OutboundSms {
  std::uint64_t ref = 0;    // the outbox row id; echoed in every outcome
  std::string destination;  // E.164
  std::string text;         // UTF-8
  bool high_priority = false;
  bool request_receipt = true;
  std::chrono::seconds validity{0};  // 0: the provider's default
};

enum class OutboundSendStatus : std::uint8_t {
  Queued,
  QueueFull,       // nothing kept; requeue
  InvalidMessage,  // never retry unchanged
  DuplicateRef,    // the ref is still in the channel: a bug in the caller
  Stopped,         // stop() was called
};

// A refusal of one message.
struct OutboundFailure {
  bool retryable = false;  // sending the same message again may succeed
  // The provider asked for a pause (HTTP 429/503 with or without Retry-After): resend no
  // earlier than this. Zero: no pause asked for.
  std::chrono::seconds retry_after{0};
  bool throttled = false;         // the refusal was a rate limit, not about the message
  bool partial_possible = false;  // some segments may have been accepted before the refusal
  std::string code;               // the ledger's failure code: [a-z0-9_]{1,32}, PII-free
};

class OutboundListener {
 public:
  virtual ~OutboundListener() = default;
  // Accepted by the provider; at least one id, each 1..64 printable characters. Views valid
  // only during the call.
  virtual void onSubmitted(std::uint64_t ref, std::span<const std::string> provider_ids) = 0;
  virtual void onSubmitFailed(std::uint64_t ref, const OutboundFailure& failure) = 0;
  // The provider may or may not have taken it.
  virtual void onOutcomeUnknown(std::uint64_t ref) = 0;
  // SMPP only (HTTP reports come through the webhooks).
  virtual void onDeliveryState(std::uint64_t ref, smpp::MessageState state, bool is_final) = 0;
  virtual void onInbound(const smpp::CompletedMo& message) = 0;
  virtual void onLinkState(std::size_t link, smpp::LinkEvent event, std::string_view detail) = 0;
  // stop() finished; the refs never sent. Called once; no call follows.
  virtual void onStopped(std::vector<std::uint64_t> unsent) = 0;
};

// Free queue space, in the channel's units (see cost()).
struct OutboundRoom {
  std::size_t free_bulk = 0;
  std::size_t free_priority = 0;
  bool stopping = false;  // stop() called: claim nothing
};

class OutboundChannel {
 public:
  virtual ~OutboundChannel() = default;
  virtual void start() = 0;
  // Never blocks on I/O; thread-safe.
  virtual OutboundSendStatus send(OutboundSms message) = 0;
  // Graceful: onStopped() follows. Idempotent.
  virtual void stop() = 0;
  virtual OutboundRoom room() const = 0;
  // A row of `segments` SMS parts in the queue's unit (SMPP: segments; HTTP: 1).
  virtual std::size_t cost(int segments) const = 0;
  // The whole queue bound in that unit; a row costing more is handed to send() to be refused.
  virtual std::size_t capacity(bool high_priority) const = 0;
  // Able to send now (SMPP: a bind is bound; HTTP: started and not stopped).
  virtual bool ready() const = 0;
  // The concrete channel, for its statistics; null when this is the other kind.
  virtual const smpp::SmppChannel* smppChannel() const { return nullptr; }
  virtual const http::HttpChannel* httpChannel() const { return nullptr; }
};

// Build the channel with `listener` (which must outlive the returned object or its
// onStopped()). Throw std::invalid_argument for an unusable channel config.
std::unique_ptr<OutboundChannel> makeSmppOutbound(boost::asio::io_context& ioc,
                                                  smpp::SmppChannelConfig config,
                                                  OutboundListener& listener);
std::unique_ptr<OutboundChannel> makeHttpOutbound(boost::asio::io_context& ioc,
                                                  http::HttpChannelConfig config,
                                                  OutboundListener& listener);

// "smpp_" and the status as 8 lower-case hex digits ("smpp_0000000b"): a plain failure code.
std::string smppFailureCode(std::uint32_t command_status);

// The ledger code for an HTTP refusal: the channel's static code when it is a plain failure
// code ("http_4xx", "kannel_sending_failed", "connect_failed"), else "http_failed".
std::string httpFailureCode(std::string_view channel_code);

}  // namespace liaison::gateway::outreach
