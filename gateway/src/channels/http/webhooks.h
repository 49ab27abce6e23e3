// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Webhooks an aggregator calls: inbound (mobile-originated) messages and delivery reports,
// in Kannel's format (sms-service get-url/post-url, dlr-url) or a configurable JSON format.
// One WebhookEndpoint serves one channel; the router mounts its two handlers on two paths.
//
//   request --> method + size checks --> authentication --> parse (profile.h codecs)
//           --> drop records already accepted (recent provider ids) --> sink (durable)
//           --> 200 only after the sink returned success; 503 otherwise, so the provider
//               delivers again (the sinks de-duplicate by provider id, so that is safe)
//
// Authentication, always in constant time (CRYPTO_memcmp over SHA-256 digests, so neither
// content nor length leaks):
//   HmacSha256: X-Liaison-Timestamp: <Unix seconds>, X-Liaison-Signature: sha256=<hex of
//     HMAC-SHA256(secret, timestamp + "." + body)> (webhookSignature()); a timestamp further
//     than max_skew from now is refused, which bounds replays of a captured request.
//   Token: for providers that cannot sign (Kannel): the secret in a header or a URL parameter.
// Failures answer 401 without saying which part was wrong.
//
// Errors are JSON {"error":{"code","message"}} with static, PII-free texts; logs carry the
// channel and a code, never a number, a text, an id or a secret.
//
// Thread-safety: the handlers may be called concurrently (one HTTP connection per strand);
// the sinks may therefore be called concurrently too and must serialise themselves.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "api/http_server.h"
#include "channels/http/json_profile.h"
#include "channels/http/profile.h"

namespace liaison::gateway::http {

// An inbound message for the inbound pipeline (outreach::InboundProcessor::process takes the
// same fields as outreach::InboundMessage).
struct InboundSms {
  std::string tenant_id;
  std::string channel;           // WebhookConfig::channel, e.g. "http:kannel"
  std::string provider_id;       // empty when the provider gives none
  std::string from;              // as received
  std::string text;              // UTF-8
  std::int64_t received_at = 0;  // Unix seconds
};

// A delivery report, matched by the owner to a sent message by (channel, provider_id): the
// outbox records, per row, the ids the provider returned at submit or, when it returned none
// (Kannel), the row id, which is also our ref (outreach/outbound_channel.h).
struct DeliveryReport {
  std::string tenant_id;
  std::string channel;
  std::optional<uint64_t> ref;  // our ref (OutboundMessage::ref) when the provider echoed it
  // The provider's message id; when the report carries none, our ref in decimal. Never empty.
  std::string provider_id;
  smpp::MessageState state = smpp::MessageState::Unknown;
  bool is_final = false;
  std::int64_t reported_at = 0;  // Unix seconds
};

// Store the records durably before returning {}; any error makes the webhook answer 503 (the
// provider delivers again). Called concurrently from several connections.
using InboundSink = std::function<std::error_code(const std::vector<InboundSms>&)>;
using DeliverySink = std::function<std::error_code(const std::vector<DeliveryReport>&)>;
// The inbound sink answered later: call `done` once, from any thread, with {} once the records
// are durable or with the error. The request then holds no HTTP thread while it waits, so the
// owner can commit the records of many concurrent requests together (group commit).
using InboundSinkAsync =
    std::function<void(std::vector<InboundSms> batch, std::function<void(std::error_code)> done)>;

enum class WebhookFormat : uint8_t { Kannel, Json };
enum class WebhookAuthMode : uint8_t { HmacSha256, Token };

struct WebhookAuthConfig {
  WebhookAuthMode mode = WebhookAuthMode::HmacSha256;
  std::string secret;  // HMAC key or token; at least 16 bytes
  std::string signature_header = "X-Liaison-Signature";
  std::string timestamp_header = "X-Liaison-Timestamp";
  std::chrono::seconds max_skew{300};
  // Token: looked for in this header first, then in this URL parameter (empty: not accepted
  // there). A URL parameter ends up in the provider's and proxies' logs: prefer the header.
  std::string token_header = "X-Liaison-Token";
  std::string token_param = "token";
};

struct WebhookConfig {
  std::string tenant_id;
  std::string channel;  // copied into every record
  WebhookFormat format = WebhookFormat::Json;
  WebhookAuthConfig auth;
  JsonInboundFormat json_inbound;    // Json only
  JsonDeliveryFormat json_delivery;  // Json only
  WebhookLimits limits;
  std::size_t max_body_bytes = 256 * 1024;
  std::size_t max_target_bytes = 16 * 1024;  // path + query
  // Provider ids (and delivery states) accepted recently, remembered so a redelivery answers
  // 200 without reaching the sink again. 0: none remembered (the sinks still de-duplicate).
  std::size_t recent_ids = 10'000;
  std::function<std::int64_t()> clock;  // Unix seconds; empty: the system clock
};

struct WebhookStats {
  uint64_t requests = 0;
  uint64_t inbound = 0;          // records passed to the inbound sink
  uint64_t deliveries = 0;       // records passed to the delivery sink
  uint64_t duplicates = 0;       // records dropped as recently accepted
  uint64_t unmapped_states = 0;  // delivery records with a status no mapping knows
  uint64_t auth_failures = 0;    // 401
  uint64_t bad_requests = 0;     // other 4xx
  uint64_t sink_failures = 0;    // 503
};

class WebhookEndpoint {
 public:
  // Throws std::invalid_argument for an unusable config (short secret, empty channel, Kannel
  // format with HMAC authentication, malformed JSON pointers). The sinks must outlive this.
  WebhookEndpoint(WebhookConfig config, InboundSink inbound, DeliverySink delivery);
  // With an asynchronous inbound sink: handleInbound answers through a deferred response
  // (api::HttpResponse::deferred) whenever it has records for the sink. The endpoint must
  // outlive every `done` the sink still holds.
  WebhookEndpoint(WebhookConfig config, InboundSinkAsync inbound, DeliverySink delivery);
  ~WebhookEndpoint();
  WebhookEndpoint(const WebhookEndpoint&) = delete;
  WebhookEndpoint& operator=(const WebhookEndpoint&) = delete;

  // Inbound messages: Kannel GET (get-url) or POST (post-url); JSON POST.
  api::HttpResponse handleInbound(const api::HttpRequest& request);
  // Delivery reports: Kannel GET or POST (fields in the query); JSON POST.
  api::HttpResponse handleDeliveryReport(const api::HttpRequest& request);

  WebhookStats stats() const;  // thread-safe snapshot

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lower-case hex of HMAC-SHA256(secret, timestamp + "." + body): what a signing provider (or
// a test) sends as "sha256=<this>".
std::string webhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body);

// Equality in time independent of the contents and lengths (compares SHA-256 digests).
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace liaison::gateway::http
