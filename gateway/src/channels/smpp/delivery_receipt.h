// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Delivery receipt (DLR) handling: a tolerant parser for the de-facto SMPP 3.4 Appendix B text
// ("id:... sub:... dlvrd:... submit date:... done date:... stat:... err:... text:..."), the
// merge with the receipted_message_id / message_state TLVs (TLVs win), the message state enum,
// and message id normalisation so submit_sm_resp ids and DLR ids can be matched.
// Nothing here allocates except the message id keys, and nothing throws.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "channels/smpp/pdu.h"

namespace liaison::gateway::smpp {

// SMPP message states. Values 1-8 are the message_state TLV values of SMPP 3.4 (0 and 9 come
// from SMPP 5.0 and are accepted for tolerance). Unrecognised is ours: neither TLV nor stat text
// could be understood.
enum class MessageState : uint8_t {
  Scheduled = 0,
  Enroute = 1,
  Delivered = 2,
  Expired = 3,
  Deleted = 4,
  Undeliverable = 5,
  Accepted = 6,
  Unknown = 7,
  Rejected = 8,
  Skipped = 9,
  Unrecognised = 255,
};

// Final: no further receipt is expected for the message. Deviation from the spec: ACCEPTED is
// treated as NonFinal because many operators send "ACCEPTD" as an intermediate network ack
// before DELIVRD; Unrecognised is NonFinal so a garbled receipt never closes a message (the
// message's own expiry handles silence). Scheduled and Enroute are NonFinal.
bool isFinal(MessageState state);
std::string_view messageStateName(MessageState state);  // "DELIVERED", ... (static)

// Maps a message_state TLV value; values outside 0-9 give Unrecognised.
MessageState messageStateFromTlv(uint8_t value);
// Maps a receipt "stat:" token, case-insensitively: the 7-letter forms (DELIVRD, EXPIRED,
// DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, ENROUTE), the long forms (DELIVERED,
// UNDELIVERABLE, ACCEPTED, REJECTED), SCHEDULED/SKIPPED, and FAILED -> Undeliverable.
MessageState messageStateFromStat(std::string_view stat);

struct DlrTimestamp {
  uint16_t year = 0;  // 2000 + YY
  uint8_t month = 0;
  uint8_t day = 0;
  uint8_t hour = 0;
  uint8_t minute = 0;
  uint8_t second = 0;  // 0 when the SMSC sent the 10-digit form
  bool operator==(const DlrTimestamp&) const = default;
};

// A parsed receipt. string_views point into the parsed text / PDU (same lifetime rules as
// pdu.h). The free-text "text:" field is deliberately not exposed: it is message content (PII).
struct DeliveryReceipt {
  std::string_view message_id;  // from receipted_message_id TLV if present, else "id:"
  MessageState state = MessageState::Unrecognised;
  std::string_view stat;              // raw "stat:" token, may be empty
  std::string_view err;               // raw "err:" token, may be empty (often 3 digits)
  std::optional<uint32_t> submitted;  // "sub:"
  std::optional<uint32_t> delivered;  // "dlvrd:"
  std::optional<DlrTimestamp> submit_date;
  std::optional<DlrTimestamp> done_date;
  std::optional<NetworkErrorCode> network_error_code;  // from TLV
  bool id_from_tlv = false;
  bool state_from_tlv = false;
};

// Parses receipt text. Keys are case-insensitive ("Text:", "Submit_date:" ...), spaces around
// ':' and between fields are tolerated, unknown keys skipped, dates may be YYMMDDhhmm,
// YYMMDDhhmmss or YYYYMMDDhhmmss (invalid dates -> nullopt). Parsing stops at "text:". Inputs
// longer than kMaxReceiptText are truncated. Returns nullopt when neither id nor stat is found.
inline constexpr size_t kMaxReceiptText = 4096;
std::optional<DeliveryReceipt> parseDeliveryReceiptText(std::string_view text);

// Builds the receipt from a deliver_sm / data_sm: text from short_message (or message_payload
// when short_message is empty), then receipted_message_id / message_state TLVs override id and
// state. Does not check esm_class (see isDeliveryReceipt). nullopt if no message id is found.
std::optional<DeliveryReceipt> extractDeliveryReceipt(const DeliverSm& pdu);
std::optional<DeliveryReceipt> extractDeliveryReceipt(const DataSm& pdu);

// ---- Message id normalisation ----
//
// SMSCs often report the same id in different forms: hex in submit_sm_resp and decimal in the
// receipt (or the reverse), with varying case and zero padding. Heuristic:
//  * normalizeMessageId(): trim ASCII whitespace, lowercase; if the id is all hex digits, strip
//    leading zeros (keeping one "0"). Other ids (UUIDs, base62...) are only trimmed/lowercased.
//    Inputs are capped at 64 characters. Store in-flight messages under this key.
//  * messageIdCandidates(): the keys to try, in order, for an id read from a receipt:
//      1. normalizeMessageId(id) (same form on both sides);
//      2. if all decimal digits and < 2^64: its value in lowercase hex (decimal DLR, hex resp);
//      3. if all hex digits and < 2^64: its value in decimal (hex DLR, decimal resp).
//    Duplicates are removed. Candidates 2 and 3 can in theory hit another in-flight message's
//    id, so lookups must be scoped to the SMSC connection and prefer candidate 1.
std::string normalizeMessageId(std::string_view id);

struct MessageIdCandidates {
  std::array<std::string, 3> keys;
  size_t count = 0;
  const std::string* begin() const { return keys.data(); }
  const std::string* end() const { return keys.data() + count; }
};
MessageIdCandidates messageIdCandidates(std::string_view id);

}  // namespace liaison::gateway::smpp
