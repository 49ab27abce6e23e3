// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for webhook input: URL-encoded forms, Kannel MO callbacks (get-url query,
// post-url body in several charsets), Kannel delivery reports, and JSON inbound / delivery
// callbacks under a batch format. No crash or UB; every accepted record respects the limits:
// texts are valid UTF-8 within max_text_bytes, senders and ids are plain bounded tokens,
// record counts stay within max_messages, a delivery has a ref or an id and a known state.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "channels/http/json_profile.h"
#include "channels/http/kannel_profile.h"
#include "channels/http/profile.h"

namespace {

namespace h = liaison::gateway::http;

#define check(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "http_webhook_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                         \
    }                                                                       \
  } while (0)

h::WebhookLimits limits() {
  h::WebhookLimits l;
  l.max_fields = 16;
  l.max_value_bytes = 2048;
  l.max_text_bytes = 1024;
  l.max_messages = 8;
  l.max_id_bytes = 64;
  l.max_json_depth = 8;
  return l;
}

void checkInbound(const h::ParsedInbound& m, const h::WebhookLimits& l) {
  check(h::isValidUtf8(m.text));
  check(m.text.size() <= l.max_text_bytes);
  check(h::isPlainToken(m.from, l.max_id_bytes));
  check(m.provider_id.empty() || h::isPlainToken(m.provider_id, l.max_id_bytes));
}

void checkDelivery(const h::ParsedDelivery& d, const h::WebhookLimits& l) {
  check(d.ref.has_value() || !d.provider_id.empty());
  check(d.provider_id.empty() || h::isPlainToken(d.provider_id, l.max_id_bytes));
  check(d.state != liaison::gateway::smpp::MessageState::Unrecognised);
  check(d.is_final == liaison::gateway::smpp::isFinal(d.state));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const h::WebhookLimits l = limits();

  std::vector<h::FormField> fields;
  if (!h::parseForm(in, l, &fields)) {
    check(fields.size() <= l.max_fields);
    for (const auto& f : fields) check(f.value.size() <= l.max_value_bytes);
  }

  // Kannel: the input is "query\nbody" for post-url.
  const std::size_t nl = in.find('\n');
  const std::string_view query = in.substr(0, nl);
  const std::string_view body =
      nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  static const char* const kTypes[] = {"text/plain; charset=\"UTF-16BE\"",
                                       "text/plain; charset=UTF-8", "text/plain; charset=latin1",
                                       "text/plain"};
  h::ParsedInbound mo;
  if (!h::parseKannelMo({query, body, (mode & 1) != 0, kTypes[(mode >> 1) & 3],
                         (mode & 8) ? "+4915112345678" : "", (mode & 16) ? "2" : "0"},
                        l, &mo)) {
    checkInbound(mo, l);
  }
  h::ParsedDelivery dlr;
  if (!h::parseKannelDlr(in, l, &dlr)) {
    checkDelivery(dlr, l);
    check(dlr.ref.has_value());
  }

  static const h::JsonInboundFormat inbound_format = [] {
    h::JsonInboundFormat f;
    f.messages_pointer = "/messages";
    return f;
  }();
  static const h::JsonDeliveryFormat batch_format = [] {
    h::JsonDeliveryFormat f;
    f.messages_pointer = "/results";
    return f;
  }();
  static const h::JsonDeliveryFormat single_format;  // the document is the record
  const h::JsonDeliveryFormat& delivery_format = (mode & 32) ? single_format : batch_format;
  std::vector<h::ParsedInbound> inbound;
  if (!h::parseJsonInbound(in, inbound_format, l, &inbound)) {
    check(inbound.size() <= l.max_messages);
    for (const auto& m : inbound) checkInbound(m, l);
  }
  std::vector<h::ParsedDelivery> deliveries;
  std::size_t unmapped = 0;
  if (!h::parseJsonDelivery(in, delivery_format, l, &deliveries, &unmapped)) {
    check(deliveries.size() + unmapped <= l.max_messages);
    for (const auto& d : deliveries) checkDelivery(d, l);
  }
  return 0;
}
