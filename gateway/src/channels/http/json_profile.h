// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The generic JSON profile: most aggregators take one JSON request per message and answer with
// a JSON body holding a message id, then call back with JSON delivery reports and inbound
// messages. What differs is the URL, the headers, the field names and where the id is; all of
// that is configuration here. Pure functions; see profile.h.
//
// Placeholders. In the URL, header values and every string of the body template, these are
// replaced (URL-encoded in the URL, JSON-escaped in the body because the template is a parsed
// JSON document):
//   {{to}}        destination digits without '+'      {{to_e164}}  the same with '+'
//   {{from}}      the configured sender               {{text}}     the message (UTF-8)
//   {{ref}}       our ref (decimal)                   {{dlr_url}}  the configured webhook URL
//   {{validity_s}} validity in seconds (0: default)   {{encoding}} "gsm7" or "ucs2"
// e.g. for a Vonage-style API:
//   url = "https://rest.example.com/sms/json", headers = {{"Authorization", "Bearer KEY"}},
//   body_template = {"from":"{{from}}","to":"{{to}}","text":"{{text}}",
//                    "client-ref":"{{ref}}","callback":"{{dlr_url}}"},
//   message_id_pointer = "/messages/0/message-id", status_pointer = "/messages/0/status",
//   accepted_values = {"0"}.
//
// Status classes. 2xx: Accepted (subject to status_pointer / accepted_values and
// require_message_id); 429 and 503: Throttled (interpretResponse); statuses listed in
// retryable_statuses: Retryable; other 3xx/4xx: Rejected; other 5xx: Unknown (the provider may
// have taken the message before failing).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channels/http/profile.h"

namespace liaison::gateway::http {

struct JsonProfileConfig {
  std::string url;              // http:// or https://; placeholders allowed
  std::string method = "POST";  // POST or PUT (a body), or GET (no body)
  // Header values may hold credentials: never logged. Placeholders allowed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body_template;  // a JSON document; empty: no body
  std::string from;
  std::string dlr_url;  // {{dlr_url}}; includes its authentication when the provider cannot sign
  // RFC 6901 pointer to the message id in the response: a string or number, or an array of
  // them (one per part). Empty: the provider gives no id.
  std::string message_id_pointer = "/id";
  bool require_message_id = false;  // a 2xx without an id is Unknown instead of Accepted
  // Optional body-level verdict: the value (string or number) at status_pointer must be one of
  // accepted_values, else the message is Rejected.
  std::string status_pointer;
  std::vector<std::string> accepted_values;
  std::vector<int> retryable_statuses = {408, 425};
  // The 2xx statuses that mean accepted; another 2xx is Unknown (the provider's meaning is not
  // known). Empty: every 2xx.
  std::vector<int> accepted_statuses;
};

// Throws std::invalid_argument naming the field: a bad URL or method, a template that is not
// JSON or uses an unknown placeholder, a malformed pointer, a header with CR/LF.
std::unique_ptr<Profile> makeJsonProfile(JsonProfileConfig config);

// A delivery status word and the state it means (compared case-insensitively).
struct StatusMapping {
  std::string value;
  smpp::MessageState state = smpp::MessageState::Unknown;
};
// delivered, undelivered/undeliverable/failed, expired, rejected, deleted, unknown, accepted,
// sent/submitted/buffered/queued/enroute/pending.
std::vector<StatusMapping> defaultStatusMappings();

// Where the fields of an inbound-message callback are. `messages_pointer` names an array of
// records or one record ("" = the document itself); the other pointers are relative to a record.
struct JsonInboundFormat {
  std::string messages_pointer;
  std::string id_pointer = "/id";  // optional in the input
  std::string from_pointer = "/from";
  std::string text_pointer = "/text";
  std::string timestamp_pointer = "/timestamp";  // optional: Unix seconds/ms or RFC 3339
};

// Where the fields of a delivery-report callback are (relative as above). A record needs a
// provider id or a ref.
struct JsonDeliveryFormat {
  std::string messages_pointer;
  std::string id_pointer = "/id";
  std::string ref_pointer = "/reference";  // our {{ref}} echoed back, decimal string or number
  std::string status_pointer = "/status";
  std::string timestamp_pointer = "/timestamp";
  std::vector<StatusMapping> statuses = defaultStatusMappings();
};

// Throws std::invalid_argument for a malformed pointer.
void validateFormat(const JsonInboundFormat& format);
void validateFormat(const JsonDeliveryFormat& format);

// Parses an inbound-message callback body. Every record needs from and text; any malformed
// record refuses the whole request (400), so a provider that retries sends it all again.
ParseError parseJsonInbound(std::string_view body, const JsonInboundFormat& format,
                            const WebhookLimits& limits, std::vector<ParsedInbound>* out);

// Parses a delivery-report callback body. A record whose status maps to nothing is skipped
// and counted in *unmapped (nothing to record; asking the provider to retry would not help).
ParseError parseJsonDelivery(std::string_view body, const JsonDeliveryFormat& format,
                             const WebhookLimits& limits, std::vector<ParsedDelivery>* out,
                             std::size_t* unmapped);

// The verdict for a response under `config` (also through the Profile interface).
ParsedResponse parseJsonSendResponse(const JsonProfileConfig& config, long status,
                                     std::string_view body, bool truncated);

// Nesting depth of a JSON text ([ and { outside strings); a cheap guard before parsing.
std::size_t jsonDepth(std::string_view text);

}  // namespace liaison::gateway::http
