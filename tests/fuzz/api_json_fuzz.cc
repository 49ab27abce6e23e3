// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the REST API's JSON readers of campaign definitions and segment filters
// (api/proto_json.h), the largest bodies an API client sends, and of the single-message body
// (STYLE R8). No crash, leak or UB on any bytes; a failure always says why; whatever campaign
// or filter is accepted writes back to JSON that reads again to the same message (so the API's
// GET of a campaign can be PUT back unchanged); an accepted message is one a ledger row can
// hold (one recipient, a non-empty text of 1-10 segments, a validity of 60 s to 7 days).
//
// Input: one selector byte (0xff: message; else even: campaign, odd: filter), then the JSON.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "api/proto_json.h"

namespace {

#define check(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      std::fprintf(stderr, "api_json_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                     \
    }                                                                   \
  } while (0)

template <typename Message, typename Read, typename Write>
void roundTrip(const nlohmann::json& in, Read read, Write write) {
  Message first;
  std::string error;
  if (!read(in, &first, &error)) {
    check(!error.empty());
    return;
  }
  const nlohmann::json written = write(first);
  Message second;
  std::string again;
  check(read(written, &second, &again));
  check(first.SerializeAsString() == second.SerializeAsString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool campaign = (data[0] & 1) == 0;
  const nlohmann::json in = nlohmann::json::parse(data + 1, data + size, nullptr,
                                                  /*allow_exceptions=*/false);
  if (in.is_discarded()) return 0;
  namespace api = liaison::gateway::api;
  if (data[0] == 0xff) {
    constexpr std::int64_t kNow = 1'780'300'800;
    liaison::gateway::outreach::DirectMessage m;
    std::string error;
    if (!api::directMessageFromJson(in, "FR", 10, kNow, &m, &error)) {
      check(!error.empty());
      return 0;
    }
    check((m.contact_id > 0) != !m.to_e164.empty());
    check(m.to_e164.empty() || m.to_e164.front() == '+');
    check(!m.body.empty());
    check(m.segments >= 1 && m.segments <= 10);
    check(m.expires_at && *m.expires_at >= kNow + 60 && *m.expires_at <= kNow + 7 * 24 * 3600);
    return 0;
  }
  if (campaign) {
    roundTrip<liaison::v1::Campaign>(in, api::campaignFromJson, api::campaignToJson);
  } else {
    roundTrip<liaison::v1::Filter>(in, api::filterFromJson, api::filterToJson);
  }
  return 0;
}
