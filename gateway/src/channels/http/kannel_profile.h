// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The Kannel profile: sending through smsbox's /cgi-bin/sendsms, and reading what Kannel calls
// back with (an sms-service get-url/post-url for mobile-originated messages, the dlr-url for
// delivery reports). Pure functions; see profile.h.
//
// Sending. GET (query) or POST (text/plain body, X-Kannel-* headers) with username,
// password, to, from, text, charset=UTF-8 and coding 0 (GSM) or 2 (UCS-2); with a receipt
// requested, dlr-mask and a dlr-url that carries our ref back:
//     <dlr_url>&ref=<ref>&type=%d&ts=%T
// Kannel answers 202 "0: Accepted for delivery" or "3: Queued for later delivery" (both
// Accepted; Kannel gives no message id), 4xx for a refused request (Rejected: credentials,
// missing fields, black-listed numbers), 503 "Temporal failure, try again later." (Throttled,
// see interpretResponse) and 500 "Sending failed." (Retryable: bearerbox did not take it).
//
// Receiving MO. Configure smsbox with, e.g. (max-messages = 0: Kannel sends no reply SMS):
//     group = sms-service
//     keyword = default
//     catch-all = true
//     max-messages = 0
//     get-url = "https://gw.example/webhooks/kannel/inbound?token=SECRET&id=%I&from=%p
//                &to=%P&ts=%T&coding=%c&charset=%C&text=%b"          (on one line)
// or post-url with the same query minus `text` (the body is the text, its charset in the
// Content-Type; `from` may also come as X-Kannel-From with send-sender = true). %b is the
// message as sent (%a would squeeze spaces); UCS-2 arrives as UTF-16BE bytes unless smsbox has
// mo-recode = true, and both are understood.
//
// Receiving DLRs. Kannel calls the dlr-url built above with type = %d: 1 delivered to the
// phone, 2 not delivered, 4 queued on the SMSC, 8 delivered to the SMSC, 16 not delivered to
// the SMSC.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "channels/http/profile.h"

namespace liaison::gateway::http {

struct KannelProfileConfig {
  // smsbox's sendsms URL, e.g. "http://127.0.0.1:13013/cgi-bin/sendsms".
  std::string sendsms_url;
  bool use_post = false;  // POST text/plain + X-Kannel-* headers instead of a GET query
  std::string username;   // a sendsms-user; secret, never logged
  std::string password;   // secret, never logged
  std::string from;       // sender id or number; empty: Kannel's global-sender
  std::string smsc;       // optional smsc-id to route through
  // Our delivery-report webhook including its authentication, e.g.
  // "https://gw.example/webhooks/kannel/dlr?token=SECRET". Empty: no receipts asked for. It
  // must not contain '%' (Kannel expands %-escapes in it).
  std::string dlr_url;
  int dlr_mask = 31;  // 1 | 2 | 4 | 8 | 16; receipts only when a message asks for one
};

// Throws std::invalid_argument (naming the field) for an unusable config: no sendsms_url,
// not http(s), no username, a dlr_url that is not http(s) or contains '%', a dlr_mask outside
// 1..31.
std::unique_ptr<Profile> makeKannelProfile(KannelProfileConfig config);

// The verdict for a sendsms answer (also through the Profile interface).
ParsedResponse parseKannelSendResponse(long status, std::string_view body);

// What a Kannel MO callback carried.
struct KannelMoRequest {
  std::string_view query;  // the URL's query string, without '?'
  std::string_view body;   // post-url: the text; get-url: empty
  bool is_post = false;
  std::string_view content_type;   // post-url: "text/plain; charset=..."
  std::string_view kannel_from;    // X-Kannel-From header (post-url)
  std::string_view kannel_coding;  // X-Kannel-Coding header (post-url)
};
// Fields: id (provider id, optional), from (required), text (get-url) or the body
// (post-url), ts (optional Unix time), coding/charset (text decoding). Errors are 400s.
ParseError parseKannelMo(const KannelMoRequest& request, const WebhookLimits& limits,
                         ParsedInbound* out);

// Fields: ref (required, decimal), type (required, a single DLR type), ts (optional).
ParseError parseKannelDlr(std::string_view query, const WebhookLimits& limits, ParsedDelivery* out);

// Kannel DLR type (%d) to a state; Unrecognised for anything but 1, 2, 4, 8, 16.
smpp::MessageState kannelDlrState(int type);

}  // namespace liaison::gateway::http
