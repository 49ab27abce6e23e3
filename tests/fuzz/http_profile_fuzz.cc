// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for what the HTTP channel reads from aggregators: sendsms answers (Kannel),
// JSON answers under a Vonage-style and an id-array config, Retry-After values, time stamps,
// and the shared URL / UTF-16 codecs. No crash or UB; an Accepted verdict carries only plain,
// bounded ids and no other verdict carries any; Retry-After never goes negative; what
// urlEncode writes decodes back to the input; decoded UTF-16 is valid UTF-8.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "channels/http/json_profile.h"
#include "channels/http/kannel_profile.h"
#include "channels/http/profile.h"

namespace {

namespace h = liaison::gateway::http;

#define check(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "http_profile_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                         \
    }                                                                       \
  } while (0)

void checkResponse(const h::ParsedResponse& r) {
  check(!r.code.empty());
  check(r.retry_after.count() >= 0);
  if (r.verdict != h::Verdict::Accepted) check(r.message_ids.empty());
  check(r.message_ids.size() <= 255);
  for (const std::string& id : r.message_ids) check(h::isPlainToken(id, 128));
}

const h::JsonProfileConfig& vonageStyle() {
  static const h::JsonProfileConfig c = [] {
    h::JsonProfileConfig p;
    p.url = "https://api.example/sms";
    p.message_id_pointer = "/messages/0/message-id";
    p.status_pointer = "/messages/0/status";
    p.accepted_values = {"0"};
    return p;
  }();
  return c;
}

const h::JsonProfileConfig& idArray() {
  static const h::JsonProfileConfig c = [] {
    h::JsonProfileConfig p;
    p.url = "https://api.example/sms";
    p.message_id_pointer = "/ids";
    p.require_message_id = true;
    return p;
  }();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // Two bytes of status (100..699), the rest is the body / header value.
  const long status = 100 + ((data[0] << 8) | data[1]) % 600;
  const std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);

  checkResponse(h::parseKannelSendResponse(status, body));
  checkResponse(h::parseJsonSendResponse(vonageStyle(), status, body, false));
  checkResponse(h::parseJsonSendResponse(idArray(), status, body, (data[0] & 1) != 0));
  static const auto kannel = h::makeKannelProfile([] {
    h::KannelProfileConfig k;
    k.sendsms_url = "http://127.0.0.1/cgi-bin/sendsms";
    k.username = "u";
    return k;
  }());
  checkResponse(h::interpretResponse(*kannel, status, body, false, body, 1796173000, {}));

  if (const auto ra = h::parseRetryAfter(body, 1796173000)) check(ra->count() >= 0);
  if (const auto ts = h::parseTimestamp(body)) check(*ts >= 946684800 && *ts < 7289654400);

  std::string decoded;
  check(h::urlDecode(h::urlEncode(body), false, &decoded) && decoded == body);
  if (h::urlDecode(body, true, &decoded)) check(decoded.size() <= body.size());
  if (h::utf16beToUtf8(body, &decoded)) check(h::isValidUtf8(decoded));
  check(h::isValidUtf8(h::latin1ToUtf8(body)));
  check(h::jsonDepth(body) <= body.size());
  return 0;
}
