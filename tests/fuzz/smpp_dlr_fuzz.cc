// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for delivery receipt text parsing and message id normalisation: no crash/UB,
// returned views lie inside the input, normalisation is bounded and idempotent, and the first
// lookup candidate is always the normalised id.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "channels/smpp/delivery_receipt.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto r = liaison::gateway::smpp::parseDeliveryReceiptText(text)) {
    check(inside(r->message_id, text) && inside(r->stat, text) && inside(r->err, text));
    check(!r->message_id.empty() || !r->stat.empty());
    (void)liaison::gateway::smpp::isFinal(r->state);
    (void)liaison::gateway::smpp::messageStateName(r->state);
  }

  liaison::gateway::smpp::DeliverSm pdu;
  if (size <= liaison::gateway::smpp::kMaxShortMessage) {
    pdu.short_message = text;
  } else {
    pdu.tlvs.message_payload = text;
  }
  if (size > 0) pdu.tlvs.message_state = data[0];
  if (auto r = liaison::gateway::smpp::extractDeliveryReceipt(pdu)) check(!r->message_id.empty());

  const std::string key = liaison::gateway::smpp::normalizeMessageId(text);
  check(key.size() <= 64);
  check(liaison::gateway::smpp::normalizeMessageId(key) == key);
  const liaison::gateway::smpp::MessageIdCandidates c =
      liaison::gateway::smpp::messageIdCandidates(text);
  check(c.count >= 1 && c.count <= 3 && c.keys[0] == key);
  for (const std::string& k : c) check(k.size() <= 64);
  return 0;
}
