// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SMPP 3.4 PDU value types for the client (ESME) side and the project's SMSC simulator: command
// ids, TLV tags, field length limits, one struct per supported PDU and the `Pdu` sum type.
//
// Lifetime: every std::string_view in these types is non-owning. After `decode()` they point
// into the caller's input buffer and are valid only while that buffer is alive and unmodified;
// copy out (e.g. into std::string) whatever must outlive the read buffer. For `encode()` they
// must point at caller storage valid for the duration of the call. This keeps decode and encode
// free of heap allocation on the 30k submits/s hot path; the structs themselves are trivially
// copyable-ish values of a few hundred bytes.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

namespace liaison::gateway::smpp {

enum class CommandId : uint32_t {
  GenericNack = 0x80000000,
  BindReceiver = 0x00000001,
  BindReceiverResp = 0x80000001,
  BindTransmitter = 0x00000002,
  BindTransmitterResp = 0x80000002,
  SubmitSm = 0x00000004,
  SubmitSmResp = 0x80000004,
  DeliverSm = 0x00000005,
  DeliverSmResp = 0x80000005,
  Unbind = 0x00000006,
  UnbindResp = 0x80000006,
  BindTransceiver = 0x00000009,
  BindTransceiverResp = 0x80000009,
  Outbind = 0x0000000B,
  EnquireLink = 0x00000015,
  EnquireLinkResp = 0x80000015,
  AlertNotification = 0x00000102,
  DataSm = 0x00000103,
  DataSmResp = 0x80000103,
};

inline constexpr uint32_t kResponseBit = 0x80000000;
inline constexpr bool isResponse(uint32_t command_id) { return (command_id & kResponseBit) != 0; }

inline constexpr size_t kHeaderSize = 16;
inline constexpr uint8_t kInterfaceVersion34 = 0x34;

// Maximum sizes of C-octet string fields INCLUDING the terminating NUL (SMPP 3.4 section 4).
inline constexpr size_t kMaxSystemId = 16;
inline constexpr size_t kMaxPassword = 9;
inline constexpr size_t kMaxSystemType = 13;
inline constexpr size_t kMaxAddressRange = 41;
inline constexpr size_t kMaxServiceType = 6;
inline constexpr size_t kMaxAddress = 21;      // submit_sm / deliver_sm addresses
inline constexpr size_t kMaxLongAddress = 65;  // data_sm / alert_notification addresses
inline constexpr size_t kMaxTime = 17;         // schedule_delivery_time, validity_period
inline constexpr size_t kMaxMessageId = 65;
inline constexpr size_t kMaxShortMessage = 254;  // sm_length range is 0..254

// Optional parameter (TLV) tags the codec understands.
namespace tlv_tag {
inline constexpr uint16_t kReceiptedMessageId = 0x001E;
inline constexpr uint16_t kUserMessageReference = 0x0204;
inline constexpr uint16_t kSarMsgRefNum = 0x020C;
inline constexpr uint16_t kSarTotalSegments = 0x020E;
inline constexpr uint16_t kSarSegmentSeqnum = 0x020F;
inline constexpr uint16_t kScInterfaceVersion = 0x0210;
inline constexpr uint16_t kNetworkErrorCode = 0x0423;
inline constexpr uint16_t kMessagePayload = 0x0424;
inline constexpr uint16_t kMessageState = 0x0427;
}  // namespace tlv_tag

// esm_class helpers (SMPP 3.4 section 5.2.12).
inline constexpr uint8_t kEsmClassTypeMask = 0x3C;         // bits 5-2: message type
inline constexpr uint8_t kEsmClassDeliveryReceipt = 0x04;  // MC delivery receipt
inline constexpr uint8_t kEsmClassUdhi = 0x40;
inline constexpr bool isDeliveryReceipt(uint8_t esm_class) {
  return (esm_class & kEsmClassTypeMask) == kEsmClassDeliveryReceipt;
}
inline constexpr bool hasUdhi(uint8_t esm_class) { return (esm_class & kEsmClassUdhi) != 0; }

// An optional parameter the codec does not interpret; value excludes tag and length.
struct Tlv {
  uint16_t tag = 0;
  std::string_view value;
  bool operator==(const Tlv&) const = default;
};

// Fixed-capacity list of uninterpreted TLVs (no heap). On decode, TLVs beyond kCapacity are
// skipped and counted in dropped(); equality ignores the dropped count.
class TlvList {
 public:
  static constexpr size_t kCapacity = 8;

  bool push(const Tlv& tlv) {
    if (size_ == kCapacity) {
      ++dropped_;
      return false;
    }
    items_[size_++] = tlv;
    return true;
  }
  void clear() {
    size_ = 0;
    dropped_ = 0;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint32_t dropped() const { return dropped_; }
  const Tlv* begin() const { return items_.data(); }
  const Tlv* end() const { return items_.data() + size_; }
  const Tlv& operator[](size_t i) const { return items_[i]; }

  bool operator==(const TlvList& other) const {
    return std::equal(begin(), end(), other.begin(), other.end());
  }

 private:
  std::array<Tlv, kCapacity> items_{};
  uint8_t size_ = 0;
  uint32_t dropped_ = 0;
};

struct NetworkErrorCode {
  uint8_t network_type = 0;  // 1 ANSI-136, 2 IS-95, 3 GSM, ...
  uint16_t error_code = 0;
  bool operator==(const NetworkErrorCode&) const = default;
};

// Optional parameters. Any PDU with a body carries them; the decoder does not enforce which TLV
// is allowed in which PDU (ESME_ROPTPARNOTALLWD is not raised). A repeated known TLV: last wins.
struct OptionalParams {
  std::optional<std::string_view> message_payload;
  std::optional<std::string_view> receipted_message_id;  // without the NUL terminator
  std::optional<uint8_t> message_state;
  std::optional<uint16_t> sar_msg_ref_num;
  std::optional<uint8_t> sar_total_segments;
  std::optional<uint8_t> sar_segment_seqnum;
  std::optional<NetworkErrorCode> network_error_code;
  std::optional<uint16_t> user_message_reference;
  std::optional<uint8_t> sc_interface_version;
  TlvList unknown;
  bool operator==(const OptionalParams&) const = default;
};

// ---- PDU bodies. Each concrete type exposes kCommandId. ----

template <CommandId kId>
struct EmptyBody {
  static constexpr CommandId kCommandId = kId;
  bool operator==(const EmptyBody&) const = default;
};
using GenericNack = EmptyBody<CommandId::GenericNack>;
using Unbind = EmptyBody<CommandId::Unbind>;
using UnbindResp = EmptyBody<CommandId::UnbindResp>;
using EnquireLink = EmptyBody<CommandId::EnquireLink>;
using EnquireLinkResp = EmptyBody<CommandId::EnquireLinkResp>;

struct BindFields {
  std::string_view system_id;
  std::string_view password;
  std::string_view system_type;
  uint8_t interface_version = kInterfaceVersion34;
  uint8_t addr_ton = 0;
  uint8_t addr_npi = 0;
  std::string_view address_range;
  OptionalParams tlvs;
  bool operator==(const BindFields&) const = default;
};
template <CommandId kId>
struct BindRequest : BindFields {
  static constexpr CommandId kCommandId = kId;
  bool operator==(const BindRequest&) const = default;
};
using BindTransmitter = BindRequest<CommandId::BindTransmitter>;
using BindReceiver = BindRequest<CommandId::BindReceiver>;
using BindTransceiver = BindRequest<CommandId::BindTransceiver>;

// Body may be absent on the wire when command_status != 0; then system_id is empty.
struct BindRespFields {
  std::string_view system_id;
  OptionalParams tlvs;  // sc_interface_version lives here
  bool operator==(const BindRespFields&) const = default;
};
template <CommandId kId>
struct BindResponse : BindRespFields {
  static constexpr CommandId kCommandId = kId;
  bool operator==(const BindResponse&) const = default;
};
using BindTransmitterResp = BindResponse<CommandId::BindTransmitterResp>;
using BindReceiverResp = BindResponse<CommandId::BindReceiverResp>;
using BindTransceiverResp = BindResponse<CommandId::BindTransceiverResp>;

struct Outbind {
  static constexpr CommandId kCommandId = CommandId::Outbind;
  std::string_view system_id;
  std::string_view password;
  OptionalParams tlvs;
  bool operator==(const Outbind&) const = default;
};

// submit_sm and deliver_sm share one layout.
struct ShortMessageFields {
  std::string_view service_type;
  uint8_t source_addr_ton = 0;
  uint8_t source_addr_npi = 0;
  std::string_view source_addr;
  uint8_t dest_addr_ton = 0;
  uint8_t dest_addr_npi = 0;
  std::string_view destination_addr;
  uint8_t esm_class = 0;
  uint8_t protocol_id = 0;
  uint8_t priority_flag = 0;
  std::string_view schedule_delivery_time;
  std::string_view validity_period;
  uint8_t registered_delivery = 0;
  uint8_t replace_if_present_flag = 0;
  uint8_t data_coding = 0;
  uint8_t sm_default_msg_id = 0;
  std::string_view short_message;  // sm_length is short_message.size() (<= 254)
  OptionalParams tlvs;
  bool operator==(const ShortMessageFields&) const = default;
};
template <CommandId kId>
struct ShortMessagePdu : ShortMessageFields {
  static constexpr CommandId kCommandId = kId;
  bool operator==(const ShortMessagePdu&) const = default;
};
using SubmitSm = ShortMessagePdu<CommandId::SubmitSm>;
using DeliverSm = ShortMessagePdu<CommandId::DeliverSm>;

// submit_sm_resp / deliver_sm_resp / data_sm_resp. Body may be absent on the wire when
// command_status != 0; then message_id is empty.
struct MessageRespFields {
  std::string_view message_id;
  OptionalParams tlvs;
  bool operator==(const MessageRespFields&) const = default;
};
template <CommandId kId>
struct MessageResponse : MessageRespFields {
  static constexpr CommandId kCommandId = kId;
  bool operator==(const MessageResponse&) const = default;
};
using SubmitSmResp = MessageResponse<CommandId::SubmitSmResp>;
using DeliverSmResp = MessageResponse<CommandId::DeliverSmResp>;
using DataSmResp = MessageResponse<CommandId::DataSmResp>;

struct DataSm {
  static constexpr CommandId kCommandId = CommandId::DataSm;
  std::string_view service_type;
  uint8_t source_addr_ton = 0;
  uint8_t source_addr_npi = 0;
  std::string_view source_addr;
  uint8_t dest_addr_ton = 0;
  uint8_t dest_addr_npi = 0;
  std::string_view destination_addr;
  uint8_t esm_class = 0;
  uint8_t registered_delivery = 0;
  uint8_t data_coding = 0;
  OptionalParams tlvs;
  bool operator==(const DataSm&) const = default;
};

struct AlertNotification {
  static constexpr CommandId kCommandId = CommandId::AlertNotification;
  uint8_t source_addr_ton = 0;
  uint8_t source_addr_npi = 0;
  std::string_view source_addr;
  uint8_t esme_addr_ton = 0;
  uint8_t esme_addr_npi = 0;
  std::string_view esme_addr;
  OptionalParams tlvs;  // ms_availability_status (0x0422) is kept in tlvs.unknown
  bool operator==(const AlertNotification&) const = default;
};

using PduBody =
    std::variant<GenericNack, BindReceiver, BindReceiverResp, BindTransmitter, BindTransmitterResp,
                 BindTransceiver, BindTransceiverResp, Outbind, Unbind, UnbindResp, EnquireLink,
                 EnquireLinkResp, SubmitSm, SubmitSmResp, DeliverSm, DeliverSmResp, DataSm,
                 DataSmResp, AlertNotification>;

// A whole PDU minus command_length (computed by the encoder). command_id is implied by the
// body's type, so the two can never disagree.
struct Pdu {
  uint32_t command_status = 0;
  uint32_t sequence_number = 0;
  PduBody body;

  CommandId commandId() const {
    return std::visit([](const auto& b) { return std::decay_t<decltype(b)>::kCommandId; }, body);
  }
  template <class T>
  const T* as() const {
    return std::get_if<T>(&body);
  }
  template <class T>
  T* as() {
    return std::get_if<T>(&body);
  }
  bool operator==(const Pdu&) const = default;
};

// "submit_sm", "deliver_sm_resp", ...; "unknown" for ids this codec does not support.
std::string_view commandIdName(uint32_t command_id);

}  // namespace liaison::gateway::smpp
