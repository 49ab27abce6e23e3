// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SMPP 3.4 codec implementation. Each PDU layout is written once, as a `fields(S&, Body&)`
// template, and run by three "serialisers": Reader (decode, validating), Measurer (encode pass 1:
// size + validation) and Writer (encode pass 2: raw stores into a pre-sized buffer). Sharing the
// field list makes encode/decode asymmetry impossible by construction.
//
// Policy for bytes after the mandatory fields ("trailing garbage"): PDUs that have a body parse
// the remainder as a TLV stream (unknown TLVs kept up to TlvList::kCapacity, then skipped); a
// stream that does not end exactly at command_length is ESME_RINVOPTPARSTREAM. Header-only PDUs
// (enquire_link, unbind, generic_nack and their responses) with command_length != 16 are
// ESME_RINVCMDLEN. Both are non-fatal: the PDU is consumed and the link stays up.
#include "channels/smpp/pdu_codec.h"

#include <cstring>
#include <type_traits>

namespace liaison::gateway::smpp {
namespace {

using CS = CommandStatus;

constexpr uint32_t loadU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
constexpr uint16_t loadU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// ---- Body shape traits ----

template <class T>
inline constexpr bool kIsEmptyBody = false;
template <CommandId kId>
inline constexpr bool kIsEmptyBody<EmptyBody<kId>> = true;

// Responses whose body the SMSC omits when command_status != 0.
template <class T>
inline constexpr bool kBodyOptional =
    std::is_base_of_v<BindRespFields, T> || std::is_base_of_v<MessageRespFields, T>;

template <class B, class Base>
concept DerivesFrom = std::is_base_of_v<Base, std::remove_const_t<B>>;

// ---- Decoding serialiser ----

class Reader {
 public:
  Reader(const uint8_t* begin, const uint8_t* end) : p_(begin), end_(end) {}

  bool failed() const { return failed_; }
  bool atEnd() const { return p_ == end_; }
  const DecodeError& error() const { return error_; }

  void fail(CS status, const char* reason, const char* field) {
    if (failed_) return;
    failed_ = true;
    error_.status = status;
    error_.reason = reason;
    error_.field = field;
  }

  void u8(uint8_t& v, const char* field) {
    if (failed_) return;
    if (p_ == end_) return fail(CS::InvalidCommandLength, "body truncated", field);
    v = *p_++;
  }

  void cstr(std::string_view& v, size_t max, CS status, const char* field) {
    if (failed_) return;
    const size_t avail = static_cast<size_t>(end_ - p_);
    const size_t limit = avail < max ? avail : max;
    const auto* nul = static_cast<const uint8_t*>(std::memchr(p_, 0, limit));
    if (nul == nullptr) {
      if (avail < max) {
        return fail(CS::InvalidCommandLength, "C-octet string runs past end of body", field);
      }
      return fail(status, "C-octet string not terminated within its maximum length", field);
    }
    v = std::string_view(reinterpret_cast<const char*>(p_), static_cast<size_t>(nul - p_));
    p_ = nul + 1;
  }

  void shortMessage(std::string_view& v) {
    uint8_t sm_length = 0;
    u8(sm_length, "sm_length");
    if (failed_) return;
    if (sm_length > kMaxShortMessage) {
      return fail(CS::InvalidMessageLength, "sm_length greater than 254", "sm_length");
    }
    if (sm_length > static_cast<size_t>(end_ - p_)) {
      return fail(CS::InvalidMessageLength, "sm_length exceeds PDU body", "short_message");
    }
    v = std::string_view(reinterpret_cast<const char*>(p_), sm_length);
    p_ += sm_length;
  }

  // Consumes the rest of the body as a TLV stream.
  void tlvs(OptionalParams& t) {
    while (!failed_ && p_ != end_) {
      const size_t avail = static_cast<size_t>(end_ - p_);
      if (avail < 4) {
        return fail(CS::InvalidOptionalParamStream, "truncated TLV header", "tlv");
      }
      const uint16_t tag = loadU16(p_);
      const uint16_t length = loadU16(p_ + 2);
      if (length > avail - 4) {
        return fail(CS::InvalidOptionalParamStream, "TLV length overruns PDU body", "tlv");
      }
      const std::string_view value(reinterpret_cast<const char*>(p_ + 4), length);
      p_ += 4 + length;
      knownTlv(t, tag, value);
    }
  }

 private:
  void knownTlv(OptionalParams& t, uint16_t tag, std::string_view value) {
    const auto* v = reinterpret_cast<const uint8_t*>(value.data());
    const size_t n = value.size();
    auto bad = [&](const char* field) {
      fail(CS::InvalidParamLength, "TLV has invalid length for its tag", field);
    };
    switch (tag) {
      case tlv_tag::kMessagePayload: t.message_payload = value; return;
      case tlv_tag::kReceiptedMessageId: {
        // C-octet string per spec; tolerate a missing NUL (seen in the field).
        std::string_view id = value.substr(0, value.find('\0'));
        if (n > kMaxMessageId || id.size() >= kMaxMessageId) return bad("receipted_message_id");
        t.receipted_message_id = id;
        return;
      }
      case tlv_tag::kMessageState:
        if (n != 1) return bad("message_state");
        t.message_state = v[0];
        return;
      case tlv_tag::kSarMsgRefNum:
        if (n != 2) return bad("sar_msg_ref_num");
        t.sar_msg_ref_num = loadU16(v);
        return;
      case tlv_tag::kSarTotalSegments:
        if (n != 1) return bad("sar_total_segments");
        t.sar_total_segments = v[0];
        return;
      case tlv_tag::kSarSegmentSeqnum:
        if (n != 1) return bad("sar_segment_seqnum");
        t.sar_segment_seqnum = v[0];
        return;
      case tlv_tag::kNetworkErrorCode:
        if (n != 3) return bad("network_error_code");
        t.network_error_code = NetworkErrorCode{v[0], loadU16(v + 1)};
        return;
      case tlv_tag::kUserMessageReference:
        if (n != 2) return bad("user_message_reference");
        t.user_message_reference = loadU16(v);
        return;
      case tlv_tag::kScInterfaceVersion:
        if (n != 1) return bad("sc_interface_version");
        t.sc_interface_version = v[0];
        return;
      default: t.unknown.push(Tlv{tag, value}); return;
    }
  }

  const uint8_t* p_;
  const uint8_t* end_;
  bool failed_ = false;
  DecodeError error_;
};

// ---- Encoding serialisers ----

constexpr size_t kMaxTlvValue = 0xFFFF;

// Pass 1: computes the encoded size and validates every field against the spec limits.
class Measurer {
 public:
  size_t size() const { return size_; }
  EncodeError error() const { return error_; }

  void u8(uint8_t, const char*) { size_ += 1; }
  void cstr(std::string_view v, size_t max, CS, const char*) {
    checkCstr(v, max);
    size_ += v.size() + 1;
  }
  void shortMessage(std::string_view v) {
    if (v.size() > kMaxShortMessage) setError(EncodeError::MessageTooLong);
    size_ += 1 + v.size();
  }
  void tlvs(const OptionalParams& t) {
    if (t.message_payload) tlv(t.message_payload->size());
    if (t.receipted_message_id) {
      checkCstr(*t.receipted_message_id, kMaxMessageId);
      tlv(t.receipted_message_id->size() + 1);
    }
    if (t.message_state) tlv(1);
    if (t.sar_msg_ref_num) tlv(2);
    if (t.sar_total_segments) tlv(1);
    if (t.sar_segment_seqnum) tlv(1);
    if (t.network_error_code) tlv(3);
    if (t.user_message_reference) tlv(2);
    if (t.sc_interface_version) tlv(1);
    for (const Tlv& u : t.unknown) tlv(u.value.size());
  }

 private:
  void setError(EncodeError e) {
    if (error_ == EncodeError::None) error_ = e;
  }
  void checkCstr(std::string_view v, size_t max) {
    if (v.size() >= max || v.find('\0') != std::string_view::npos) {
      setError(EncodeError::FieldTooLong);
    }
  }
  void tlv(size_t value_size) {
    if (value_size > kMaxTlvValue) setError(EncodeError::TlvTooLong);
    size_ += 4 + value_size;
  }

  size_t size_ = 0;
  EncodeError error_ = EncodeError::None;
};

// Pass 2: raw stores into a buffer already sized and validated by Measurer.
class Writer {
 public:
  explicit Writer(uint8_t* p) : p_(p) {}
  uint8_t* position() const { return p_; }

  void u8(uint8_t v, const char* = nullptr) { *p_++ = v; }
  void u16(uint16_t v) {
    p_[0] = static_cast<uint8_t>(v >> 8);
    p_[1] = static_cast<uint8_t>(v);
    p_ += 2;
  }
  void u32(uint32_t v) {
    p_[0] = static_cast<uint8_t>(v >> 24);
    p_[1] = static_cast<uint8_t>(v >> 16);
    p_[2] = static_cast<uint8_t>(v >> 8);
    p_[3] = static_cast<uint8_t>(v);
    p_ += 4;
  }
  void bytes(std::string_view v) {
    if (!v.empty()) std::memcpy(p_, v.data(), v.size());
    p_ += v.size();
  }
  void cstr(std::string_view v, size_t, CS, const char*) {
    bytes(v);
    *p_++ = 0;
  }
  void shortMessage(std::string_view v) {
    u8(static_cast<uint8_t>(v.size()));
    bytes(v);
  }
  void tlvs(const OptionalParams& t) {
    if (t.message_payload) tlvBytes(tlv_tag::kMessagePayload, *t.message_payload);
    if (t.receipted_message_id) {
      tlvHeader(tlv_tag::kReceiptedMessageId, t.receipted_message_id->size() + 1);
      cstr(*t.receipted_message_id, 0, CS::Ok, nullptr);
    }
    if (t.message_state) tlvU8(tlv_tag::kMessageState, *t.message_state);
    if (t.sar_msg_ref_num) tlvU16(tlv_tag::kSarMsgRefNum, *t.sar_msg_ref_num);
    if (t.sar_total_segments) tlvU8(tlv_tag::kSarTotalSegments, *t.sar_total_segments);
    if (t.sar_segment_seqnum) tlvU8(tlv_tag::kSarSegmentSeqnum, *t.sar_segment_seqnum);
    if (t.network_error_code) {
      tlvHeader(tlv_tag::kNetworkErrorCode, 3);
      u8(t.network_error_code->network_type);
      u16(t.network_error_code->error_code);
    }
    if (t.user_message_reference) tlvU16(tlv_tag::kUserMessageReference, *t.user_message_reference);
    if (t.sc_interface_version) tlvU8(tlv_tag::kScInterfaceVersion, *t.sc_interface_version);
    for (const Tlv& u : t.unknown) tlvBytes(u.tag, u.value);
  }

 private:
  void tlvHeader(uint16_t tag, size_t length) {
    u16(tag);
    u16(static_cast<uint16_t>(length));
  }
  void tlvBytes(uint16_t tag, std::string_view v) {
    tlvHeader(tag, v.size());
    bytes(v);
  }
  void tlvU8(uint16_t tag, uint8_t v) {
    tlvHeader(tag, 1);
    u8(v);
  }
  void tlvU16(uint16_t tag, uint16_t v) {
    tlvHeader(tag, 2);
    u16(v);
  }

  uint8_t* p_;
};

// ---- PDU layouts (SMPP 3.4 section 4), shared by all three serialisers ----

template <class S, class B>
void fields(S&, B&) requires kIsEmptyBody<std::remove_const_t<B>> {}

template <class S, DerivesFrom<BindFields> B>
void fields(S& s, B& b) {
  s.cstr(b.system_id, kMaxSystemId, CS::InvalidSystemId, "system_id");
  s.cstr(b.password, kMaxPassword, CS::InvalidPassword, "password");
  s.cstr(b.system_type, kMaxSystemType, CS::InvalidSystemType, "system_type");
  s.u8(b.interface_version, "interface_version");
  s.u8(b.addr_ton, "addr_ton");
  s.u8(b.addr_npi, "addr_npi");
  s.cstr(b.address_range, kMaxAddressRange, CS::BindFailed, "address_range");
  s.tlvs(b.tlvs);
}

template <class S, DerivesFrom<BindRespFields> B>
void fields(S& s, B& b) {
  s.cstr(b.system_id, kMaxSystemId, CS::InvalidSystemId, "system_id");
  s.tlvs(b.tlvs);
}

template <class S, DerivesFrom<Outbind> B>
void fields(S& s, B& b) {
  s.cstr(b.system_id, kMaxSystemId, CS::InvalidSystemId, "system_id");
  s.cstr(b.password, kMaxPassword, CS::InvalidPassword, "password");
  s.tlvs(b.tlvs);
}

template <class S, DerivesFrom<ShortMessageFields> B>
void fields(S& s, B& b) {
  s.cstr(b.service_type, kMaxServiceType, CS::InvalidServiceType, "service_type");
  s.u8(b.source_addr_ton, "source_addr_ton");
  s.u8(b.source_addr_npi, "source_addr_npi");
  s.cstr(b.source_addr, kMaxAddress, CS::InvalidSourceAddress, "source_addr");
  s.u8(b.dest_addr_ton, "dest_addr_ton");
  s.u8(b.dest_addr_npi, "dest_addr_npi");
  s.cstr(b.destination_addr, kMaxAddress, CS::InvalidDestAddress, "destination_addr");
  s.u8(b.esm_class, "esm_class");
  s.u8(b.protocol_id, "protocol_id");
  s.u8(b.priority_flag, "priority_flag");
  s.cstr(b.schedule_delivery_time, kMaxTime, CS::InvalidScheduleTime, "schedule_delivery_time");
  s.cstr(b.validity_period, kMaxTime, CS::InvalidExpiryTime, "validity_period");
  s.u8(b.registered_delivery, "registered_delivery");
  s.u8(b.replace_if_present_flag, "replace_if_present_flag");
  s.u8(b.data_coding, "data_coding");
  s.u8(b.sm_default_msg_id, "sm_default_msg_id");
  s.shortMessage(b.short_message);
  s.tlvs(b.tlvs);
}

template <class S, DerivesFrom<MessageRespFields> B>
void fields(S& s, B& b) {
  s.cstr(b.message_id, kMaxMessageId, CS::InvalidMessageId, "message_id");
  s.tlvs(b.tlvs);
}

template <class S, DerivesFrom<DataSm> B>
void fields(S& s, B& b) {
  s.cstr(b.service_type, kMaxServiceType, CS::InvalidServiceType, "service_type");
  s.u8(b.source_addr_ton, "source_addr_ton");
  s.u8(b.source_addr_npi, "source_addr_npi");
  s.cstr(b.source_addr, kMaxLongAddress, CS::InvalidSourceAddress, "source_addr");
  s.u8(b.dest_addr_ton, "dest_addr_ton");
  s.u8(b.dest_addr_npi, "dest_addr_npi");
  s.cstr(b.destination_addr, kMaxLongAddress, CS::InvalidDestAddress, "destination_addr");
  s.u8(b.esm_class, "esm_class");
  s.u8(b.registered_delivery, "registered_delivery");
  s.u8(b.data_coding, "data_coding");
  s.tlvs(b.tlvs);
}

template <class S, DerivesFrom<AlertNotification> B>
void fields(S& s, B& b) {
  s.u8(b.source_addr_ton, "source_addr_ton");
  s.u8(b.source_addr_npi, "source_addr_npi");
  s.cstr(b.source_addr, kMaxLongAddress, CS::InvalidSourceAddress, "source_addr");
  s.u8(b.esme_addr_ton, "esme_addr_ton");
  s.u8(b.esme_addr_npi, "esme_addr_npi");
  s.cstr(b.esme_addr, kMaxLongAddress, CS::InvalidDestAddress, "esme_addr");
  s.tlvs(b.tlvs);
}

// ---- Decode ----

template <class T>
void decodeBody(Reader& r, PduBody& out) {
  T& body = out.emplace<T>();
  if constexpr (kIsEmptyBody<T>) {
    if (!r.atEnd()) r.fail(CS::InvalidCommandLength, "unexpected body in header-only PDU", "");
  } else {
    if constexpr (kBodyOptional<T>) {
      if (r.atEnd()) return;  // body-less (error) response
    }
    fields(r, body);
  }
}

// Returns false for command ids this codec does not support.
bool decodeBodyFor(uint32_t command_id, Reader& r, PduBody& out) {
  switch (static_cast<CommandId>(command_id)) {
    case CommandId::GenericNack: decodeBody<GenericNack>(r, out); return true;
    case CommandId::BindReceiver: decodeBody<BindReceiver>(r, out); return true;
    case CommandId::BindReceiverResp: decodeBody<BindReceiverResp>(r, out); return true;
    case CommandId::BindTransmitter: decodeBody<BindTransmitter>(r, out); return true;
    case CommandId::BindTransmitterResp: decodeBody<BindTransmitterResp>(r, out); return true;
    case CommandId::BindTransceiver: decodeBody<BindTransceiver>(r, out); return true;
    case CommandId::BindTransceiverResp: decodeBody<BindTransceiverResp>(r, out); return true;
    case CommandId::Outbind: decodeBody<Outbind>(r, out); return true;
    case CommandId::Unbind: decodeBody<Unbind>(r, out); return true;
    case CommandId::UnbindResp: decodeBody<UnbindResp>(r, out); return true;
    case CommandId::EnquireLink: decodeBody<EnquireLink>(r, out); return true;
    case CommandId::EnquireLinkResp: decodeBody<EnquireLinkResp>(r, out); return true;
    case CommandId::SubmitSm: decodeBody<SubmitSm>(r, out); return true;
    case CommandId::SubmitSmResp: decodeBody<SubmitSmResp>(r, out); return true;
    case CommandId::DeliverSm: decodeBody<DeliverSm>(r, out); return true;
    case CommandId::DeliverSmResp: decodeBody<DeliverSmResp>(r, out); return true;
    case CommandId::DataSm: decodeBody<DataSm>(r, out); return true;
    case CommandId::DataSmResp: decodeBody<DataSmResp>(r, out); return true;
    case CommandId::AlertNotification: decodeBody<AlertNotification>(r, out); return true;
  }
  return false;
}

uint32_t effectiveCap(const CodecOptions& options) {
  return options.max_command_length < kHeaderSize ? static_cast<uint32_t>(kHeaderSize)
                                                  : options.max_command_length;
}

// ---- Encode ----

template <class T>
bool omitBody(const T& body, uint32_t command_status) {
  if constexpr (kBodyOptional<T>) {
    return command_status != 0 && body == T{};
  } else {
    return false;
  }
}

template <class Buffer>
EncodeError encodeInto(const Pdu& pdu, Buffer& out, const CodecOptions& options) {
  Measurer m;
  bool omit = false;
  std::visit(
      [&](const auto& body) {
        omit = omitBody(body, pdu.command_status);
        if (!omit) fields(m, body);
      },
      pdu.body);
  if (m.error() != EncodeError::None) return m.error();
  const size_t total = kHeaderSize + m.size();
  if (total > effectiveCap(options)) return EncodeError::PduTooLong;

  const size_t old_size = out.size();
  out.resize(old_size + total);
  Writer w(reinterpret_cast<uint8_t*>(out.data()) + old_size);
  w.u32(static_cast<uint32_t>(total));
  w.u32(static_cast<uint32_t>(pdu.commandId()));
  w.u32(pdu.command_status);
  w.u32(pdu.sequence_number);
  if (!omit) std::visit([&](const auto& body) { fields(w, body); }, pdu.body);
  return EncodeError::None;
}

}  // namespace

DecodeResult decode(const uint8_t* data, size_t len, const CodecOptions& options) {
  DecodeResult result;
  if (len < 4) {
    result.needed = kHeaderSize;
    return result;
  }
  const uint32_t command_length = loadU32(data);
  if (len >= kHeaderSize) {
    result.error.header_valid = true;
    result.error.command_id = loadU32(data + 4);
    result.error.sequence_number = loadU32(data + 12);
  }
  if (command_length < kHeaderSize || command_length > effectiveCap(options)) {
    result.status = DecodeStatus::Error;
    result.error.status = CS::InvalidCommandLength;
    result.error.reason = command_length < kHeaderSize ? "command_length below 16"
                                                       : "command_length above configured cap";
    result.error.field = "command_length";
    result.error.fatal = true;
    return result;
  }
  if (len < command_length) {
    result.needed = command_length;
    return result;
  }

  const uint32_t command_id = result.error.command_id;
  result.consumed = command_length;
  Reader r(data + kHeaderSize, data + command_length);
  if (!decodeBodyFor(command_id, r, result.pdu.body)) {
    result.status = DecodeStatus::Error;
    result.error.status = CS::InvalidCommandId;
    result.error.reason = "unsupported command_id";
    result.error.field = "command_id";
    return result;
  }
  if (r.failed()) {
    const DecodeError& e = r.error();
    result.status = DecodeStatus::Error;
    result.error.status = e.status;
    result.error.reason = e.reason;
    result.error.field = e.field;
    return result;
  }
  result.status = DecodeStatus::Complete;
  result.pdu.command_status = loadU32(data + 8);
  result.pdu.sequence_number = result.error.sequence_number;
  result.error = DecodeError{};
  return result;
}

size_t encodedSize(const Pdu& pdu, const CodecOptions& options) {
  Measurer m;
  std::visit(
      [&](const auto& body) {
        if (!omitBody(body, pdu.command_status)) fields(m, body);
      },
      pdu.body);
  const size_t total = kHeaderSize + m.size();
  if (m.error() != EncodeError::None || total > effectiveCap(options)) return 0;
  return total;
}

EncodeError encode(const Pdu& pdu, std::string& out, const CodecOptions& options) {
  return encodeInto(pdu, out, options);
}

EncodeError encode(const Pdu& pdu, std::vector<uint8_t>& out, const CodecOptions& options) {
  return encodeInto(pdu, out, options);
}

const char* encodeErrorName(EncodeError e) {
  switch (e) {
    case EncodeError::None: return "none";
    case EncodeError::FieldTooLong: return "field too long or contains NUL";
    case EncodeError::MessageTooLong: return "short_message longer than 254 octets";
    case EncodeError::TlvTooLong: return "TLV value longer than 65535 octets";
    case EncodeError::PduTooLong: return "PDU longer than max_command_length";
  }
  return "unknown";
}

std::string_view commandIdName(uint32_t command_id) {
  switch (static_cast<CommandId>(command_id)) {
    case CommandId::GenericNack: return "generic_nack";
    case CommandId::BindReceiver: return "bind_receiver";
    case CommandId::BindReceiverResp: return "bind_receiver_resp";
    case CommandId::BindTransmitter: return "bind_transmitter";
    case CommandId::BindTransmitterResp: return "bind_transmitter_resp";
    case CommandId::BindTransceiver: return "bind_transceiver";
    case CommandId::BindTransceiverResp: return "bind_transceiver_resp";
    case CommandId::Outbind: return "outbind";
    case CommandId::Unbind: return "unbind";
    case CommandId::UnbindResp: return "unbind_resp";
    case CommandId::EnquireLink: return "enquire_link";
    case CommandId::EnquireLinkResp: return "enquire_link_resp";
    case CommandId::SubmitSm: return "submit_sm";
    case CommandId::SubmitSmResp: return "submit_sm_resp";
    case CommandId::DeliverSm: return "deliver_sm";
    case CommandId::DeliverSmResp: return "deliver_sm_resp";
    case CommandId::DataSm: return "data_sm";
    case CommandId::DataSmResp: return "data_sm_resp";
    case CommandId::AlertNotification: return "alert_notification";
  }
  return "unknown";
}

}  // namespace liaison::gateway::smpp
