// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the SMPP PDU codec. Decodes the input as a stream of PDUs the way a
// session would and checks: no crash/UB, framing invariants, and that every decoded PDU
// re-encodes, decodes back to an equal PDU, and re-encodes to identical bytes (canonical form).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "channels/smpp/delivery_receipt.h"
#include "channels/smpp/pdu_codec.h"

namespace {

using liaison::gateway::smpp::CodecOptions;
using liaison::gateway::smpp::DecodeResult;
using liaison::gateway::smpp::DecodeStatus;
using liaison::gateway::smpp::DeliverSm;
using liaison::gateway::smpp::EncodeError;

void check(bool ok) {
  if (!ok) std::abort();
}

const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

void checkRoundTrip(const DecodeResult& r, const uint8_t* data, size_t size) {
  // Re-encoding may grow by one byte (a receipted_message_id sent without NUL), so allow more
  // than the decode cap.
  CodecOptions wide;
  wide.max_command_length = 1 << 20;
  std::string enc;
  check(liaison::gateway::smpp::encode(r.pdu, enc, wide) == EncodeError::None);
  check(liaison::gateway::smpp::encodedSize(r.pdu, wide) == enc.size());
  check(enc.size() <= r.consumed + 1);
  DecodeResult again = liaison::gateway::smpp::decode(bytes(enc), enc.size(), wide);
  check(again.status == DecodeStatus::Complete);
  check(again.consumed == enc.size());
  check(again.pdu == r.pdu);
  std::string enc2;
  check(liaison::gateway::smpp::encode(again.pdu, enc2, wide) == EncodeError::None);
  check(enc2 == enc);
  // Every strict prefix of a complete PDU asks for more bytes.
  for (size_t k : {size_t{0}, size_t{3}, size_t{4}, size_t{15}, r.consumed / 2, r.consumed - 1}) {
    if (k >= r.consumed || k > size) continue;
    check(liaison::gateway::smpp::decode(data, k).status == DecodeStatus::NeedMore);
  }
  if (const auto* d = r.pdu.as<DeliverSm>()) {
    if (auto dlr = liaison::gateway::smpp::extractDeliveryReceipt(*d))
      check(!dlr->message_id.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t offset = 0;
  while (offset < size) {
    const uint8_t* p = data + offset;
    const size_t left = size - offset;
    DecodeResult r = liaison::gateway::smpp::decode(p, left);
    if (r.status == DecodeStatus::NeedMore) {
      check(r.consumed == 0 && r.needed > left);
      break;
    }
    if (r.status == DecodeStatus::Error) {
      check(r.error.reason != nullptr && r.error.reason[0] != '\0');
      if (r.error.fatal) {
        check(r.consumed == 0);
        break;
      }
      check(r.error.header_valid && r.consumed >= 16 && r.consumed <= left);
      offset += r.consumed;
      continue;
    }
    check(r.consumed >= 16 && r.consumed <= left);
    checkRoundTrip(r, p, left);
    offset += r.consumed;
  }
  return 0;
}
