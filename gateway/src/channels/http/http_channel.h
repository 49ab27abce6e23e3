// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// One HTTP aggregator account as a channel: whole SMS messages in, one outcome per message
// out, like smpp::SmppChannel. A profile (Kannel sendsms or generic JSON; profile.h) turns each
// message into one HTTP request; libcurl's multi interface runs the requests on the
// io_context without blocking it. Delivery reports and inbound messages do not come through
// here: the provider calls the gateway's webhooks (webhooks.h).
//
//   send(msg) --> [priority queue][bulk queue]   (bounded, in messages)
//                      | pump (strand): window (AIMD) + TokenBucket + Retry-After pause
//                      v
//   profile.buildRequest --> curl easy handle --> curl multi <--> asio (socket waits, timer)
//                                                     | done
//   interpretResponse / transport classification  --> onSubmitted / onSubmitFailed /
//                                                      onOutcomeUnknown
//
// Outcomes. A 2xx the profile accepts: onSubmitted. A definite refusal (4xx, or a profile
// saying so): onSubmitFailed, not retryable. Nothing reached the provider (DNS, connection
// refused, connect timeout, TLS handshake or certificate verification failed) or the provider
// said try again (429/503, Kannel "Sending failed."): onSubmitFailed, retryable, with the
// delay the provider asked for (Retry-After) on 429/503, which also halve the send window and
// the rate and pause new requests for that delay. A timeout or a dropped connection after the
// request was sent, a 5xx other than 503, or a 2xx the profile cannot read: onOutcomeUnknown,
// never resent by the channel (ADR 0006: the owner's resend policy decides).
//
// TLS certificates are always verified (peer and host name); `ca_file` replaces the system
// store, e.g. for a private CA. Only http and https are spoken; redirects are not followed.
// Nothing here logs or returns a URL, header, body, phone number or credential.
//
// Connection reuse. libcurl silently resends a request once when a reused keep-alive
// connection turns out dead before any response byte arrived; if the provider had read and
// acted on it before the connection died, that is a duplicate nobody counted. The window for it
// is small (the provider closing an idle connection just as we write); max_connection_idle
// shrinks it further, and reuse_connections = false closes it at the cost of a new connection
// (and TLS handshake) per message.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "channels/http/json_profile.h"
#include "channels/http/kannel_profile.h"
#include "channels/http/profile.h"

namespace boost::asio {
class io_context;
}

namespace liaison::gateway::http {

// Priority messages (opt-out confirmations, replies) are started before any bulk message.
enum class Priority : uint8_t { Bulk, High };

// A whole SMS as the outbox dispatcher hands it over. Owns its data.
struct OutboundMessage {
  uint64_t ref = 0;         // the caller's id, echoed in the outcome; unique while in the channel
  std::string destination;  // E.164 digits, an optional leading '+' is dropped
  std::string text;         // UTF-8; the provider encodes and splits it
  Priority priority = Priority::Bulk;
  bool request_receipt = true;
  std::chrono::seconds validity{0};  // relative validity; 0: the provider's default
};

struct HttpChannelConfig {
  std::string name = "http:default";  // for logs and metrics ("http:<account>")
  std::variant<KannelProfileConfig, JsonProfileConfig> profile;
  // Requests in flight at most (the window); halved on 429/503, regrown by one per window of
  // accepted messages.
  std::size_t max_in_flight = 8;
  double requests_per_second = 0;             // <= 0: unlimited
  double burst = 0;                           // 0: max(1, rate / 20)
  std::size_t max_queued = 10'000;            // bulk messages waiting to start
  std::size_t max_queued_priority = 1'000;    // priority messages waiting to start
  std::size_t max_segments_per_message = 10;  // longer texts are InvalidMessage
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{15'000};  // the whole exchange
  std::size_t max_response_bytes = 64 * 1024;         // body; larger: cut, see Profile
  std::size_t max_response_header_bytes = 16 * 1024;
  std::string ca_file;      // PEM bundle replacing the system CA store; empty: system store
  bool https_only = false;  // refuse http:// (a provider on the same host may use http)
  RetryAfterPolicy retry_after;
  bool reuse_connections = true;
  std::chrono::seconds max_connection_idle{2};
  // stop(): how long requests in flight may take before they are aborted (then: unknown if the
  // request was sent, else handed back unsent).
  std::chrono::milliseconds stop_drain_timeout{5'000};
  // Unix seconds, for HTTP-date Retry-After values. Empty: the system clock.
  std::function<std::int64_t()> clock;
};

enum class SendStatus : uint8_t {
  Queued,
  QueueFull,       // back off and retry; nothing was kept
  InvalidMessage,  // never retry unchanged: see SendResult::reason
  DuplicateRef,    // a message with this ref is still queued or in flight
  Stopped,         // stop() was called
};
std::string_view sendStatusName(SendStatus status);  // static, PII-free

struct SendResult {
  SendStatus status = SendStatus::Queued;
  std::size_t segments = 0;  // when Queued: SMS parts the text needs (for accounting)
  std::string_view reason;   // static, PII-free; empty when Queued
  bool ok() const { return status == SendStatus::Queued; }
  bool retryable() const {
    return status == SendStatus::QueueFull || status == SendStatus::Stopped;
  }
};

// Shared failure types (STYLE R12): what went wrong, and whether resending may help.
enum class FailureKind : uint8_t {
  ConnectionFailed,  // nothing reached the provider (DNS, refused, timeout, TLS)
  Throttled,         // 429, or 503: resend after retry_after
  Unavailable,       // the provider did not take it and said so (e.g. Kannel "Sending failed.")
  Rejected,          // the provider refused the message (e.g. 4xx)
  InvalidRequest,    // the profile could not express the message
};
std::string_view failureKindName(FailureKind kind);  // static

struct SendFailure {
  FailureKind kind = FailureKind::Rejected;
  bool retryable = false;
  int http_status = 0;                  // 0: no HTTP response
  std::chrono::seconds retry_after{0};  // resend no earlier than this (Throttled, Unavailable)
  std::string_view code;                // static, PII-free, e.g. "http_4xx", "connect_failed"
};

// The owner's side. Calls come from the io_context's threads, one at a time, in the order the
// outcomes arose: never concurrently. A callback may call send()/stop()/stats() (they never
// call back synchronously) but must not block for long, and must not destroy the channel. Per
// ref exactly one of onSubmitted / onSubmitFailed / onOutcomeUnknown / (in onStopped) handed
// back is reported.
class HttpChannelListener {
 public:
  virtual ~HttpChannelListener() = default;
  // The provider took the message; its ids (may be empty: Kannel gives none, receipts then
  // come back by ref). Views valid only during the call.
  virtual void onSubmitted(uint64_t ref, std::span<const std::string> message_ids) = 0;
  virtual void onSubmitFailed(uint64_t ref, const SendFailure& failure) = 0;
  // The message may or may not have been taken; `reason` is static and PII-free
  // ("timeout_after_send", "connection_lost", "http_5xx", "response_too_large", ...).
  virtual void onOutcomeUnknown(uint64_t ref, std::string_view reason) = 0;
  // stop() finished. `unsent` holds every message never sent (still queued, or aborted at stop
  // before its request went out), as given to send(). Called exactly once; no call follows.
  virtual void onStopped(std::vector<OutboundMessage> unsent) = 0;
};

struct HttpChannelStats {
  // Counters.
  uint64_t messages_queued = 0;   // send() returned Queued
  uint64_t queue_full = 0;        // send() returned QueueFull
  uint64_t invalid_messages = 0;  // send() returned InvalidMessage or DuplicateRef
  uint64_t requests = 0;          // requests started
  uint64_t submitted = 0;         // onSubmitted
  uint64_t submit_failed = 0;     // onSubmitFailed (all kinds)
  uint64_t throttled = 0;         // ... of which 429/503
  uint64_t connect_failed = 0;    // ... of which nothing reached the provider
  uint64_t outcome_unknown = 0;   // onOutcomeUnknown
  uint64_t handed_back = 0;       // returned by onStopped
  // Gauges.
  std::size_t queued = 0;  // bulk + priority, not started
  std::size_t queued_priority = 0;
  std::size_t in_flight = 0;                // requests running
  std::size_t window = 0;                   // current in-flight limit
  double current_rate = 0;                  // requests per second now (0: unlimited)
  std::chrono::milliseconds paused_for{0};  // Retry-After pause left
  bool stopping = false;
  bool stopped = false;
};

class HttpChannel {
 public:
  // Throws std::invalid_argument for an unusable config (the profile's checks, zero limits).
  // The listener must stay valid until onStopped() or until this object is destroyed,
  // whichever comes first. Nothing is sent until start().
  HttpChannel(boost::asio::io_context& ioc, HttpChannelConfig config,
              HttpChannelListener& listener);
  // Detaches the listener (waiting for a callback in progress on another thread) and aborts
  // every request; messages still queued or in flight are dropped without an outcome: call
  // stop() and wait for onStopped() first to get them back.
  ~HttpChannel();
  HttpChannel(const HttpChannel&) = delete;
  HttpChannel& operator=(const HttpChannel&) = delete;

  // Starts sending. Once only; thread-safe.
  void start();
  // Validates and queues the message; never blocks on I/O. Thread-safe, callable from listener
  // callbacks. Messages may be queued before start().
  SendResult send(OutboundMessage message);
  // Graceful stop: nothing new starts; requests in flight finish (bounded by
  // stop_drain_timeout), then onStopped() hands back the rest. Final. Thread-safe, idempotent.
  void stop();
  // A snapshot; thread-safe.
  HttpChannelStats stats() const;

  struct Impl;  // public only so the implementation's helpers can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace liaison::gateway::http
