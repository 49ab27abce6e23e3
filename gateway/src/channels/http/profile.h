// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// What an HTTP aggregator profile is: a pair of pure functions that turn one outbound message
// into one HTTP request and one HTTP response into a verdict, plus the small codecs the
// profiles and the webhooks share (URL and form encoding, Retry-After, text decoding, time
// stamps). No I/O, no exceptions on input, nothing logged. The channel (http_channel.h) moves
// the bytes; the webhooks (webhooks.h) authenticate and hand the parsed records to sinks.
//
// The shared codecs are implemented in kannel_profile.cc (the build lists four files for this
// folder); they belong to no single profile.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channels/smpp/delivery_receipt.h"

namespace liaison::gateway::http {

// One outbound message as a profile sees it, already validated by the channel.
struct MessageFields {
  uint64_t ref = 0;
  std::string_view destination;  // E.164 digits without '+'
  std::string_view text;         // well-formed UTF-8
  bool gsm7 = true;              // fits the GSM 7-bit default alphabet (+ extension table)
  bool request_receipt = true;
  std::chrono::seconds validity{0};  // 0: the provider's default
};

// One HTTP request. `url`, `headers` and `body` may carry credentials and the message: never
// log any of them.
struct ProviderRequest {
  std::string method;  // "GET", "POST" or "PUT"
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

enum class Verdict : uint8_t {
  Accepted,   // the provider took the message (ids when it gave any)
  Rejected,   // permanent: never resend unchanged
  Retryable,  // the provider did not take it; sending it again is safe
  Throttled,  // retryable, after `retry_after`; the channel also slows down
  Unknown,    // the provider may or may not have taken it: never resent blindly
};
std::string_view verdictName(Verdict verdict);  // static

struct ParsedResponse {
  Verdict verdict = Verdict::Unknown;
  std::vector<std::string> message_ids;  // Accepted only; printable ASCII, bounded
  std::string_view code;                 // static, PII-free, e.g. "kannel_accepted", "http_4xx"
  std::chrono::seconds retry_after{0};   // Throttled (and Retryable when the provider said)
};

// A profile: how one kind of aggregator is spoken to. Implementations are immutable after
// construction, so one instance may be used from any thread.
class Profile {
 public:
  virtual ~Profile() = default;
  // The request for `message`, or false with a static, PII-free `reason` when the message
  // cannot be expressed (never retry unchanged).
  virtual bool buildRequest(const MessageFields& message, ProviderRequest* out,
                            std::string_view* reason) const = 0;
  // The verdict for a complete response. `status` is the final HTTP status (>= 100); `body`
  // may have been cut at the channel's response limit (`truncated`). 429 and 503 are decided
  // by interpretResponse() before a profile is asked.
  virtual ParsedResponse parseResponse(long status, std::string_view body,
                                       bool truncated) const = 0;
  // "kannel" or "json": for logs and metrics.
  virtual std::string_view name() const = 0;
};

struct RetryAfterPolicy {
  std::chrono::seconds default_delay{5};  // 429/503 without a usable Retry-After
  std::chrono::seconds max_delay{3600};   // longer values are cut to this
};

// The generic part of every profile: 429 and 503 are Throttled (delay from `retry_after`, an
// HTTP Retry-After header value, else the policy's default); anything else goes to the
// profile. `now_unix` dates an HTTP-date Retry-After.
ParsedResponse interpretResponse(const Profile& profile, long status, std::string_view body,
                                 bool truncated, std::string_view retry_after,
                                 std::int64_t now_unix, const RetryAfterPolicy& policy);

// ---- Webhook records -------------------------------------------------------------------

// A static, PII-free reason to refuse a webhook request; empty `code` means no error.
struct ParseError {
  std::string_view code;     // machine-readable, e.g. "missing_field"
  std::string_view message;  // for the error body; never quotes the input
  int http_status = 400;
  explicit operator bool() const { return !code.empty(); }
};

// A mobile-originated message as an aggregator reported it.
struct ParsedInbound {
  std::string provider_id;                  // may be empty when the provider gives none
  std::string from;                         // sender as received
  std::string text;                         // UTF-8
  std::optional<std::int64_t> received_at;  // Unix seconds, when the provider said
};

// A delivery report as an aggregator reported it. At least one of `ref` and `provider_id`.
struct ParsedDelivery {
  std::optional<uint64_t> ref;  // our ref, when the provider echoes it (Kannel's dlr-url)
  std::string provider_id;      // the provider's message id
  smpp::MessageState state = smpp::MessageState::Unrecognised;
  bool is_final = false;
  std::optional<std::int64_t> reported_at;  // Unix seconds, when the provider said
};

// Limits applied while parsing webhook input.
struct WebhookLimits {
  std::size_t max_fields = 64;              // form / query fields per request
  std::size_t max_value_bytes = 32 * 1024;  // one decoded field
  std::size_t max_text_bytes = 8192;        // one decoded message text (UTF-8)
  std::size_t max_messages = 1000;          // records per request (JSON batches)
  std::size_t max_id_bytes = 128;           // provider ids and senders are shorter
  std::size_t max_json_depth = 32;
};

// ---- Shared codecs (pure) ----------------------------------------------------------------

// RFC 3986: unreserved characters kept, every other byte as %XX (upper-case hex).
std::string urlEncode(std::string_view in);
// %XX decoded ('+' as a space when `plus_is_space`); false on a malformed escape.
bool urlDecode(std::string_view in, bool plus_is_space, std::string* out);

struct FormField {
  std::string name;
  std::string value;
};
// Parses "a=1&b=x+y" (application/x-www-form-urlencoded, also URL queries). Empty pieces are
// skipped; a piece without '=' is a name with an empty value.
ParseError parseForm(std::string_view in, const WebhookLimits& limits, std::vector<FormField>* out);
// First field called `name`, or nullptr.
const FormField* findField(const std::vector<FormField>& fields, std::string_view name);

// Retry-After: delta-seconds or an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). A date in
// the past gives 0. nullopt when the value is neither.
std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value, std::int64_t now_unix);

bool isValidUtf8(std::string_view text);
// UTF-16BE (UCS-2 is a subset) to UTF-8; false on an odd length or a lone surrogate.
bool utf16beToUtf8(std::string_view in, std::string* out);
// ISO-8859-1 to UTF-8 (cannot fail).
std::string latin1ToUtf8(std::string_view in);

// A Unix time from digits ("1796173042"; 13 digits are taken as milliseconds) or RFC 3339
// ("2026-12-01T10:00:00Z", "...+02:00", optional fraction). nullopt when neither or out of
// the years 2000-2200.
std::optional<std::int64_t> parseTimestamp(std::string_view value);

// Printable ASCII without spaces (0x21-0x7e), 1..max_bytes long: ids and senders.
bool isPlainToken(std::string_view value, std::size_t max_bytes);

// ASCII case-insensitive equality.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace liaison::gateway::http
