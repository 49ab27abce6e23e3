// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for the SMPP 3.4 PDU codec: hand-made wire vectors, encode/decode round trips for every
// supported PDU, incremental framing and every decode/encode error path.
#include "channels/smpp/pdu_codec.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace liaison::gateway::smpp {
namespace {

using Bytes = std::vector<uint8_t>;

// Independent wire builder (does not use the codec) for vectors easier to build than to type.
class Wire {
 public:
  Wire& u8(uint8_t v) {
    b_.push_back(v);
    return *this;
  }
  Wire& u16(uint16_t v) { return u8(static_cast<uint8_t>(v >> 8)).u8(static_cast<uint8_t>(v)); }
  Wire& u32(uint32_t v) {
    return u16(static_cast<uint16_t>(v >> 16)).u16(static_cast<uint16_t>(v));
  }
  Wire& raw(std::string_view s) {
    b_.insert(b_.end(), s.begin(), s.end());
    return *this;
  }
  Wire& cstr(std::string_view s) { return raw(s).u8(0); }
  Wire& tlv(uint16_t tag, std::string_view v) {
    return u16(tag).u16(static_cast<uint16_t>(v.size())).raw(v);
  }
  // Prepends a header with the right command_length.
  Bytes pdu(uint32_t id, uint32_t status, uint32_t seq) const {
    Wire h;
    h.u32(static_cast<uint32_t>(16 + b_.size())).u32(id).u32(status).u32(seq);
    h.b_.insert(h.b_.end(), b_.begin(), b_.end());
    return h.b_;
  }

 private:
  Bytes b_;
};

DecodeResult decodeBytes(const Bytes& b, const CodecOptions& o = {}) {
  return decode(b.data(), b.size(), o);
}

Bytes encodeOrDie(const Pdu& pdu) {
  Bytes out;
  EXPECT_EQ(encode(pdu, out), EncodeError::None);
  return out;
}

// ---- Hand-made vectors ----

// clang-format off
const Bytes kBindTransceiver = {
    0x00, 0x00, 0x00, 0x24,  // command_length 36
    0x00, 0x00, 0x00, 0x09,  // bind_transceiver
    0x00, 0x00, 0x00, 0x00,  // status
    0x00, 0x00, 0x00, 0x01,  // sequence 1
    'l',  'i',  'a',  'i',  's', 'o', 'n', 0x00,  // system_id
    's',  'e',  'c',  'r',  'e', 't', 0x00,       // password
    0x00,                                          // system_type ""
    0x34,                                          // interface_version
    0x01, 0x01,                                    // addr_ton, addr_npi
    0x00,                                          // address_range ""
};
// clang-format on

// clang-format off
const Bytes kSubmitSm = {
    0x00, 0x00, 0x00, 0x39,  // command_length 57
    0x00, 0x00, 0x00, 0x04,  // submit_sm
    0x00, 0x00, 0x00, 0x00,  // status
    0x00, 0x00, 0x00, 0x2A,  // sequence 42
    0x00,                    // service_type ""
    0x05, 0x00,              // source ton alphanumeric, npi unknown
    'L',  'I',  'A',  'I',  'S',  'O',  'N',  0x00,
    0x01, 0x01,  // dest ton international, npi isdn
    '4',  '4',  '7',  '7',  '0',  '0',  '9',  '0',  '0',  '1',  '2',  '3',  0x00,
    0x00, 0x00, 0x00,        // esm_class, protocol_id, priority_flag
    0x00,                    // schedule_delivery_time ""
    0x00,                    // validity_period ""
    0x01, 0x00, 0x00, 0x00,  // registered_delivery, replace, data_coding, sm_default_msg_id
    0x05,                    // sm_length
    'H',  'e',  'l',  'l',  'o',
};
// clang-format on

// clang-format off
const Bytes kSubmitSmPayload = {
    0x00, 0x00, 0x00, 0x49,  // command_length 73
    0x00, 0x00, 0x00, 0x04,  // submit_sm
    0x00, 0x00, 0x00, 0x00,  // status
    0x00, 0x00, 0x00, 0x2B,  // sequence 43
    0x00,                    // service_type ""
    0x05, 0x00,              // source ton/npi
    'L',  'I',  'A',  'I',  'S',  'O',  'N',  0x00,
    0x01, 0x01,  // dest ton/npi
    '4',  '4',  '7',  '7',  '0',  '0',  '9',  '0',  '0',  '1',  '2',  '3',  0x00,
    0x00, 0x00, 0x00,        // esm_class, protocol_id, priority_flag
    0x00, 0x00,              // schedule, validity
    0x01, 0x00, 0x00, 0x00,  // registered_delivery, replace, data_coding, sm_default_msg_id
    0x00,                    // sm_length 0
    0x04, 0x24, 0x00, 0x0B,  // message_payload, 11 octets
    'H',  'e',  'l',  'l',  'o',  ' ',  'w',  'o',  'r',  'l',  'd',
    0x02, 0x04, 0x00, 0x02, 0x00, 0x07,  // user_message_reference = 7
};
// clang-format on

Pdu sampleBindTransceiver() {
  BindTransceiver b;
  b.system_id = "liaison";
  b.password = "secret";
  b.addr_ton = 1;
  b.addr_npi = 1;
  return makePdu(b, 1);
}

SubmitSm sampleSubmit() {
  SubmitSm s;
  s.source_addr_ton = 5;
  s.source_addr = "LIAISON";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr = "447700900123";
  s.registered_delivery = 1;
  return s;
}

TEST(SmppCodecVectors, DecodeBindTransceiver) {
  DecodeResult r = decodeBytes(kBindTransceiver);
  ASSERT_EQ(r.status, DecodeStatus::Complete);
  EXPECT_EQ(r.consumed, kBindTransceiver.size());
  EXPECT_EQ(r.pdu.commandId(), CommandId::BindTransceiver);
  EXPECT_EQ(r.pdu.sequence_number, 1u);
  const auto* b = r.pdu.as<BindTransceiver>();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->system_id, "liaison");
  EXPECT_EQ(b->password, "secret");
  EXPECT_EQ(b->system_type, "");
  EXPECT_EQ(b->interface_version, 0x34);
  EXPECT_EQ(b->addr_ton, 1);
  EXPECT_EQ(b->addr_npi, 1);
  EXPECT_EQ(b->address_range, "");
  EXPECT_EQ(r.pdu, sampleBindTransceiver());
}

TEST(SmppCodecVectors, EncodeBindTransceiverMatchesVector) {
  EXPECT_EQ(encodeOrDie(sampleBindTransceiver()), kBindTransceiver);
}

TEST(SmppCodecVectors, SubmitSmShortMessage) {
  DecodeResult r = decodeBytes(kSubmitSm);
  ASSERT_EQ(r.status, DecodeStatus::Complete) << r.error.reason;
  EXPECT_EQ(r.consumed, kSubmitSm.size());
  const auto* s = r.pdu.as<SubmitSm>();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->source_addr, "LIAISON");
  EXPECT_EQ(s->destination_addr, "447700900123");
  EXPECT_EQ(s->short_message, "Hello");
  EXPECT_EQ(s->registered_delivery, 1);
  EXPECT_FALSE(s->tlvs.message_payload.has_value());

  SubmitSm expected = sampleSubmit();
  expected.short_message = "Hello";
  const Pdu pdu = makePdu(expected, 42);
  EXPECT_EQ(r.pdu, pdu);
  EXPECT_EQ(encodeOrDie(pdu), kSubmitSm);
  EXPECT_EQ(encodedSize(pdu), kSubmitSm.size());
}

TEST(SmppCodecVectors, SubmitSmMessagePayload) {
  DecodeResult r = decodeBytes(kSubmitSmPayload);
  ASSERT_EQ(r.status, DecodeStatus::Complete) << r.error.reason;
  const auto* s = r.pdu.as<SubmitSm>();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->short_message, "");
  ASSERT_TRUE(s->tlvs.message_payload.has_value());
  EXPECT_EQ(*s->tlvs.message_payload, "Hello world");
  EXPECT_EQ(s->tlvs.user_message_reference, 7);

  SubmitSm expected = sampleSubmit();
  expected.tlvs.message_payload = "Hello world";
  expected.tlvs.user_message_reference = 7;
  EXPECT_EQ(encodeOrDie(makePdu(expected, 43)), kSubmitSmPayload);
}

TEST(SmppCodecVectors, DeliverSmReceipt) {
  const std::string_view text =
      "id:0000123456 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 "
      "stat:DELIVRD err:000 text:Hello";
  Wire w;
  w.cstr("").u8(1).u8(1).cstr("447700900123").u8(5).u8(0).cstr("LIAISON");
  w.u8(0x04).u8(0).u8(0).cstr("").cstr("").u8(0).u8(0).u8(0).u8(0);
  w.u8(static_cast<uint8_t>(text.size())).raw(text);
  w.tlv(tlv_tag::kReceiptedMessageId, std::string_view("1e240\0", 6));
  w.tlv(tlv_tag::kMessageState, "\x02");
  w.tlv(0x1401, "vendor");  // unknown vendor TLV: kept
  const Bytes bytes = w.pdu(0x00000005, 0, 0x7FFFFFFF);

  DecodeResult r = decodeBytes(bytes);
  ASSERT_EQ(r.status, DecodeStatus::Complete) << r.error.reason;
  EXPECT_EQ(r.pdu.sequence_number, 0x7FFFFFFFu);
  const auto* d = r.pdu.as<DeliverSm>();
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(isDeliveryReceipt(d->esm_class));
  EXPECT_FALSE(hasUdhi(d->esm_class));
  EXPECT_EQ(d->short_message, text);
  EXPECT_EQ(d->tlvs.receipted_message_id, "1e240");
  EXPECT_EQ(d->tlvs.message_state, 2);
  ASSERT_EQ(d->tlvs.unknown.size(), 1u);
  EXPECT_EQ(d->tlvs.unknown[0].tag, 0x1401);
  EXPECT_EQ(d->tlvs.unknown[0].value, "vendor");
  // Re-encoding reproduces the same bytes (same TLV order in this vector).
  EXPECT_EQ(encodeOrDie(r.pdu), bytes);
}

// ---- Round trips for every PDU type ----

template <class T>
void expectRoundTrip(const T& body, uint32_t status = 0) {
  const Pdu pdu = makePdu(body, 0x12345678, status);
  std::string out = "prefix";  // encode appends
  ASSERT_EQ(encode(pdu, out), EncodeError::None);
  ASSERT_EQ(out.substr(0, 6), "prefix");
  const auto* data = reinterpret_cast<const uint8_t*>(out.data()) + 6;
  const size_t size = out.size() - 6;
  EXPECT_EQ(encodedSize(pdu), size);
  DecodeResult r = decode(data, size);
  ASSERT_EQ(r.status, DecodeStatus::Complete)
      << commandIdName(static_cast<uint32_t>(T::kCommandId)) << ": " << r.error.reason;
  EXPECT_EQ(r.consumed, size);
  EXPECT_EQ(r.pdu, pdu) << commandIdName(static_cast<uint32_t>(T::kCommandId));
}

TEST(SmppCodecRoundTrip, HeaderOnly) {
  expectRoundTrip(GenericNack{}, 0x03);
  expectRoundTrip(Unbind{});
  expectRoundTrip(UnbindResp{});
  expectRoundTrip(EnquireLink{});
  expectRoundTrip(EnquireLinkResp{});
}

TEST(SmppCodecRoundTrip, Binds) {
  BindTransmitter t;
  t.system_id = "0123456789abcde";  // 15 chars, the maximum
  t.password = "12345678";
  t.system_type = "VMA";
  t.address_range = "^44";
  expectRoundTrip(t);
  BindReceiver r;
  r.system_id = "rx";
  expectRoundTrip(r);
  expectRoundTrip(std::get<BindTransceiver>(sampleBindTransceiver().body));
  BindTransmitterResp tr;
  tr.system_id = "SMSC";
  tr.tlvs.sc_interface_version = 0x34;
  expectRoundTrip(tr);
  BindReceiverResp rr;
  rr.system_id = "SMSC";
  expectRoundTrip(rr);
  BindTransceiverResp xr;
  xr.system_id = "SMSC";
  expectRoundTrip(xr);
  expectRoundTrip(BindTransceiverResp{}, 0x0E);  // body-less error response
  Outbind o;
  o.system_id = "smsc";
  o.password = "pw";
  expectRoundTrip(o);
}

TEST(SmppCodecRoundTrip, Messages) {
  SubmitSm s = sampleSubmit();
  s.service_type = "CMT";
  s.esm_class = kEsmClassUdhi;
  s.protocol_id = 0x7F;
  s.priority_flag = 1;
  s.schedule_delivery_time = "240115123000000+";
  s.validity_period = "000001000000000R";
  s.data_coding = 0x08;
  const std::string binary("\x05\x00\x03\x2A\x02\x01\x00\xFF", 8);
  s.short_message = binary;
  s.tlvs.sar_msg_ref_num = 0xBEEF;
  s.tlvs.sar_total_segments = 2;
  s.tlvs.sar_segment_seqnum = 1;
  s.tlvs.user_message_reference = 9;
  s.tlvs.unknown.push(Tlv{0x1500, ""});
  expectRoundTrip(s);

  const std::string max_sm(254, 'x');
  SubmitSm m = sampleSubmit();
  m.short_message = max_sm;
  expectRoundTrip(m);

  SubmitSmResp sr;
  sr.message_id = "9f3a0c2b-7d4e";
  expectRoundTrip(sr);
  expectRoundTrip(SubmitSmResp{}, 0x58);  // throttled, no body

  DeliverSm d;
  d.source_addr = "447700900123";
  d.destination_addr = "LIAISON";
  d.esm_class = kEsmClassDeliveryReceipt;
  d.short_message = "id:1 stat:DELIVRD";
  d.tlvs.receipted_message_id = "1";
  d.tlvs.message_state = 2;
  d.tlvs.network_error_code = NetworkErrorCode{3, 0x0102};
  expectRoundTrip(d);
  expectRoundTrip(DeliverSmResp{});

  DataSm ds;
  ds.service_type = "WAP";
  ds.source_addr = std::string_view("a-source-address-that-is-longer-than-twenty-one-chars");
  ds.destination_addr = "447700900123";
  ds.registered_delivery = 1;
  ds.tlvs.message_payload = std::string_view("payload\0with nul", 16);
  expectRoundTrip(ds);
  DataSmResp dr;
  dr.message_id = "abc";
  dr.tlvs.network_error_code = NetworkErrorCode{3, 1};
  expectRoundTrip(dr);
  expectRoundTrip(dr, 0xFE);  // error response carrying a body is kept as-is

  AlertNotification a;
  a.source_addr_ton = 1;
  a.source_addr = "447700900123";
  a.esme_addr = "LIAISON";
  a.tlvs.unknown.push(Tlv{0x0422, std::string_view("\x00", 1)});
  expectRoundTrip(a);
}

// ---- Framing ----

TEST(SmppCodecFraming, ByteByByteNeedsMoreUntilComplete) {
  for (size_t n = 0; n < kSubmitSm.size(); ++n) {
    DecodeResult r = decode(kSubmitSm.data(), n);
    ASSERT_EQ(r.status, DecodeStatus::NeedMore) << n;
    EXPECT_EQ(r.consumed, 0u);
    EXPECT_EQ(r.needed, n < 4 ? 16u : kSubmitSm.size()) << n;
  }
  DecodeResult r = decode(kSubmitSm.data(), kSubmitSm.size());
  EXPECT_EQ(r.status, DecodeStatus::Complete);
}

TEST(SmppCodecFraming, TwoPdusInOneBuffer) {
  Bytes buf = kBindTransceiver;
  buf.insert(buf.end(), kSubmitSm.begin(), kSubmitSm.end());
  buf.push_back(0x00);  // first byte of a third PDU
  DecodeResult a = decodeBytes(buf);
  ASSERT_EQ(a.status, DecodeStatus::Complete);
  EXPECT_EQ(a.consumed, kBindTransceiver.size());
  DecodeResult b = decode(buf.data() + a.consumed, buf.size() - a.consumed);
  ASSERT_EQ(b.status, DecodeStatus::Complete);
  EXPECT_EQ(b.consumed, kSubmitSm.size());
  EXPECT_NE(b.pdu.as<SubmitSm>(), nullptr);
  DecodeResult c = decode(buf.data() + a.consumed + b.consumed, 1);
  EXPECT_EQ(c.status, DecodeStatus::NeedMore);
}

TEST(SmppCodecFraming, EncodeToVectorAndString) {
  std::vector<uint8_t> v;
  std::string s;
  ASSERT_EQ(encode(makePdu(EnquireLink{}, 7), v), EncodeError::None);
  ASSERT_EQ(encode(makePdu(EnquireLink{}, 7), s), EncodeError::None);
  const Bytes expected = {0, 0, 0, 16, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 7};
  EXPECT_EQ(v, expected);
  EXPECT_EQ(Bytes(s.begin(), s.end()), expected);
  v.clear();
  ASSERT_EQ(encode(makeGenericNack(9, CommandStatus::InvalidCommandId), v), EncodeError::None);
  EXPECT_EQ(v, (Bytes{0, 0, 0, 16, 0x80, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 9}));
}

// ---- Decode errors ----

TEST(SmppCodecErrors, CommandLengthBelow16IsFatal) {
  const Bytes b = {0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 5};
  DecodeResult r = decodeBytes(b);
  ASSERT_EQ(r.status, DecodeStatus::Error);
  EXPECT_TRUE(r.error.fatal);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(r.error.status, CommandStatus::InvalidCommandLength);
  EXPECT_TRUE(r.error.header_valid);
  EXPECT_EQ(r.error.sequence_number, 5u);
  // Reported as soon as the length field is readable.
  DecodeResult early = decode(b.data(), 4);
  EXPECT_EQ(early.status, DecodeStatus::Error);
  EXPECT_FALSE(early.error.header_valid);
}

TEST(SmppCodecErrors, CommandLengthAboveCapIsFatal) {
  const Bytes b = {0x00, 0x01, 0x00, 0x01, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1};  // 65537
  DecodeResult r = decodeBytes(b);
  ASSERT_EQ(r.status, DecodeStatus::Error);
  EXPECT_TRUE(r.error.fatal);
  EXPECT_EQ(r.error.status, CommandStatus::InvalidCommandLength);

  CodecOptions small;
  small.max_command_length = 40;
  EXPECT_EQ(decodeBytes(kBindTransceiver, small).status, DecodeStatus::Complete);  // 36
  DecodeResult s = decodeBytes(kSubmitSm, small);                                  // 57
  EXPECT_EQ(s.status, DecodeStatus::Error);
  EXPECT_TRUE(s.error.fatal);
  CodecOptions tiny;
  tiny.max_command_length = 3;  // clamped to 16
  Bytes enquire;
  ASSERT_EQ(encode(makePdu(EnquireLink{}, 1), enquire, tiny), EncodeError::None);
  EXPECT_EQ(decodeBytes(enquire, tiny).status, DecodeStatus::Complete);
}

TEST(SmppCodecErrors, UnknownCommandIdConsumesWholePdu) {
  Wire w;
  w.raw("opaque");
  Bytes buf = w.pdu(0x00000003 /* query_sm: unsupported */, 0, 77);
  const size_t first = buf.size();
  Bytes enquire = encodeOrDie(makePdu(EnquireLink{}, 78));
  buf.insert(buf.end(), enquire.begin(), enquire.end());

  DecodeResult r = decodeBytes(buf);
  ASSERT_EQ(r.status, DecodeStatus::Error);
  EXPECT_FALSE(r.error.fatal);
  EXPECT_EQ(r.consumed, first);
  EXPECT_EQ(r.error.status, CommandStatus::InvalidCommandId);
  EXPECT_TRUE(r.error.header_valid);
  EXPECT_EQ(r.error.command_id, 3u);
  EXPECT_EQ(r.error.sequence_number, 77u);
  // The link survives: the next PDU decodes.
  DecodeResult next = decode(buf.data() + r.consumed, buf.size() - r.consumed);
  ASSERT_EQ(next.status, DecodeStatus::Complete);
  EXPECT_EQ(next.pdu.commandId(), CommandId::EnquireLink);
  EXPECT_EQ(commandIdName(0x00000003), "unknown");
}

TEST(SmppCodecErrors, UnknownCommandIdWaitsForWholePdu) {
  Wire w;
  w.raw("opaque");
  Bytes buf = w.pdu(0x00000999, 0, 1);
  DecodeResult r = decode(buf.data(), buf.size() - 1);
  EXPECT_EQ(r.status, DecodeStatus::NeedMore);
  EXPECT_EQ(r.needed, buf.size());
}

DecodeError expectBodyError(const Bytes& b, CommandStatus status) {
  DecodeResult r = decodeBytes(b);
  EXPECT_EQ(r.status, DecodeStatus::Error);
  EXPECT_FALSE(r.error.fatal);
  EXPECT_EQ(r.consumed, b.size());
  EXPECT_EQ(r.error.status, status) << r.error.reason << " / " << r.error.field;
  EXPECT_TRUE(r.error.header_valid);
  return r.error;
}

TEST(SmppCodecErrors, CStringWithoutNulWithinBound) {
  Wire w;
  w.raw("0123456789abcdef").cstr("pw").cstr("").u8(0x34).u8(0).u8(0).cstr("");  // 16 chars
  DecodeError e = expectBodyError(w.pdu(0x00000002, 0, 3), CommandStatus::InvalidSystemId);
  EXPECT_STREQ(e.field, "system_id");
  EXPECT_EQ(e.command_id, 2u);
  EXPECT_EQ(e.sequence_number, 3u);

  Wire pw;
  pw.cstr("sys").raw("123456789").cstr("");  // 9-char password without NUL in bound
  expectBodyError(pw.pdu(0x00000009, 0, 1), CommandStatus::InvalidPassword);

  Wire addr;
  addr.cstr("").u8(1).u8(1).raw("1234567890123456789012").u8(0);  // 22 chars
  expectBodyError(addr.pdu(0x00000004, 0, 1), CommandStatus::InvalidSourceAddress);

  Wire mid;
  mid.raw(std::string(65, '7'));
  expectBodyError(mid.pdu(0x80000004, 0, 1), CommandStatus::InvalidMessageId);
}

TEST(SmppCodecErrors, CStringRunsPastBody) {
  Wire w;
  w.raw("liaison");  // no NUL, body ends
  DecodeError e = expectBodyError(w.pdu(0x00000009, 0, 1), CommandStatus::InvalidCommandLength);
  EXPECT_STREQ(e.field, "system_id");
}

TEST(SmppCodecErrors, TruncatedFixedField) {
  Wire w;
  w.cstr("sys").cstr("pw").cstr("").u8(0x34);  // addr_ton/npi/address_range missing
  DecodeError e = expectBodyError(w.pdu(0x00000002, 0, 1), CommandStatus::InvalidCommandLength);
  EXPECT_STREQ(e.field, "addr_ton");
}

Wire submitPrefix() {
  Wire w;
  w.cstr("").u8(1).u8(1).cstr("LIAISON").u8(1).u8(1).cstr("447700900123");
  w.u8(0).u8(0).u8(0).cstr("").cstr("").u8(0).u8(0).u8(0).u8(0);
  return w;
}

TEST(SmppCodecErrors, SmLengthBeyondBody) {
  Wire w = submitPrefix();
  w.u8(10).raw("short");
  expectBodyError(w.pdu(0x00000004, 0, 1), CommandStatus::InvalidMessageLength);
}

TEST(SmppCodecErrors, SmLengthAbove254) {
  Wire w = submitPrefix();
  w.u8(255).raw(std::string(255, 'x'));
  DecodeError e = expectBodyError(w.pdu(0x00000004, 0, 1), CommandStatus::InvalidMessageLength);
  EXPECT_STREQ(e.field, "sm_length");
}

TEST(SmppCodecErrors, TlvLengthOverrunsBody) {
  Wire w = submitPrefix();
  w.u8(0).u16(tlv_tag::kMessagePayload).u16(100).raw("only a few bytes");
  expectBodyError(w.pdu(0x00000004, 0, 1), CommandStatus::InvalidOptionalParamStream);
}

TEST(SmppCodecErrors, TruncatedTlvHeader) {
  Wire w = submitPrefix();
  w.u8(0).u16(tlv_tag::kMessagePayload).u8(0);  // 3 trailing bytes
  expectBodyError(w.pdu(0x00000004, 0, 1), CommandStatus::InvalidOptionalParamStream);
}

TEST(SmppCodecErrors, KnownTlvWithWrongLength) {
  Wire w = submitPrefix();
  w.u8(0).tlv(tlv_tag::kSarTotalSegments, "\x01\x02");
  DecodeError e = expectBodyError(w.pdu(0x00000004, 0, 1), CommandStatus::InvalidParamLength);
  EXPECT_STREQ(e.field, "sar_total_segments");

  Wire id;
  id.cstr("").u8(1).u8(1).cstr("447700900123").u8(5).u8(0).cstr("LIAISON");
  id.u8(4).u8(0).u8(0).cstr("").cstr("").u8(0).u8(0).u8(0).u8(0).u8(0);
  id.tlv(tlv_tag::kReceiptedMessageId, std::string(65, '1'));  // 65 chars, no room for NUL
  expectBodyError(id.pdu(0x00000005, 0, 1), CommandStatus::InvalidParamLength);
}

TEST(SmppCodecErrors, HeaderOnlyPduWithBody) {
  Wire w;
  w.u8(0);
  expectBodyError(w.pdu(0x00000015, 0, 1), CommandStatus::InvalidCommandLength);
}

TEST(SmppCodecErrors, BodylessErrorResponsesAccepted) {
  for (uint32_t id :
       {0x80000004u, 0x80000005u, 0x80000103u, 0x80000001u, 0x80000002u, 0x80000009u}) {
    const Bytes b = Wire().pdu(id, 0x58, 11);
    DecodeResult r = decodeBytes(b);
    ASSERT_EQ(r.status, DecodeStatus::Complete) << std::hex << id;
    EXPECT_EQ(static_cast<uint32_t>(r.pdu.commandId()), id);
    EXPECT_EQ(r.pdu.command_status, 0x58u);
    EXPECT_EQ(r.pdu.sequence_number, 11u);
    EXPECT_EQ(encodeOrDie(r.pdu), b);  // re-encoded without a body as well
  }
  // A body-less submit_sm_resp with status 0 decodes (empty id); the session decides.
  const Bytes empty_ok = Wire().pdu(0x80000004, 0, 1);
  DecodeResult ok = decodeBytes(empty_ok);
  ASSERT_EQ(ok.status, DecodeStatus::Complete);
  EXPECT_EQ(ok.pdu.as<SubmitSmResp>()->message_id, "");
}

TEST(SmppCodecErrors, SubmitSmRespWithUnknownTlvAndErrorBody) {
  Wire w;
  w.cstr("ABC123").tlv(0x1403, "x");
  const Bytes b = w.pdu(0x80000004, 0, 2);
  DecodeResult r = decodeBytes(b);
  ASSERT_EQ(r.status, DecodeStatus::Complete);
  EXPECT_EQ(r.pdu.as<SubmitSmResp>()->message_id, "ABC123");
  EXPECT_EQ(r.pdu.as<SubmitSmResp>()->tlvs.unknown.size(), 1u);
}

TEST(SmppCodecErrors, UnknownTlvsBeyondCapacityAreSkipped) {
  Wire w = submitPrefix();
  w.u8(0);
  for (uint16_t i = 0; i < 12; ++i) w.tlv(static_cast<uint16_t>(0x1400 + i), "v");
  w.tlv(tlv_tag::kMessageState, "\x05");
  const Bytes b = w.pdu(0x00000004, 0, 1);
  DecodeResult r = decodeBytes(b);
  ASSERT_EQ(r.status, DecodeStatus::Complete);
  const auto& t = r.pdu.as<SubmitSm>()->tlvs;
  EXPECT_EQ(t.unknown.size(), TlvList::kCapacity);
  EXPECT_EQ(t.unknown.dropped(), 12u - TlvList::kCapacity);
  EXPECT_EQ(t.message_state, 5);  // known TLVs after the overflow still parsed
}

TEST(SmppCodecErrors, ReceiptedMessageIdWithoutNulTolerated) {
  Wire w;
  w.cstr("").u8(1).u8(1).cstr("447700900123").u8(5).u8(0).cstr("LIAISON");
  w.u8(4).u8(0).u8(0).cstr("").cstr("").u8(0).u8(0).u8(0).u8(0).u8(0);
  w.tlv(tlv_tag::kReceiptedMessageId, "ABCDEF");
  const Bytes b = w.pdu(0x00000005, 0, 1);
  DecodeResult r = decodeBytes(b);
  ASSERT_EQ(r.status, DecodeStatus::Complete);
  EXPECT_EQ(r.pdu.as<DeliverSm>()->tlvs.receipted_message_id, "ABCDEF");
}

// ---- Encode errors ----

TEST(SmppCodecEncodeErrors, RejectsInvalidFieldsAndLeavesBufferUnchanged) {
  std::string out = "keep";
  BindTransmitter b;
  b.system_id = "0123456789abcdef";  // 16 chars: no room for NUL
  EXPECT_EQ(encode(makePdu(b, 1), out), EncodeError::FieldTooLong);
  b.system_id = std::string_view("a\0b", 3);
  EXPECT_EQ(encode(makePdu(b, 1), out), EncodeError::FieldTooLong);
  EXPECT_EQ(encodedSize(makePdu(b, 1)), 0u);

  SubmitSm s = sampleSubmit();
  const std::string too_long(255, 'x');
  s.short_message = too_long;
  EXPECT_EQ(encode(makePdu(s, 1), out), EncodeError::MessageTooLong);

  SubmitSm p = sampleSubmit();
  const std::string huge(70000, 'x');
  p.tlvs.message_payload = huge;
  CodecOptions big;
  big.max_command_length = 1 << 20;
  EXPECT_EQ(encode(makePdu(p, 1), out, big), EncodeError::TlvTooLong);

  SubmitSm q = sampleSubmit();
  const std::string payload(65500, 'x');
  q.tlvs.message_payload = payload;
  EXPECT_EQ(encode(makePdu(q, 1), out), EncodeError::PduTooLong);
  EXPECT_EQ(encode(makePdu(q, 1), out, big), EncodeError::None);
  EXPECT_EQ(out.substr(0, 4), "keep");
  EXPECT_STRNE(encodeErrorName(EncodeError::PduTooLong), "unknown");
}

TEST(SmppEsmClass, Helpers) {
  EXPECT_TRUE(isDeliveryReceipt(0x04));
  EXPECT_TRUE(isDeliveryReceipt(0x44));  // receipt with UDHI
  EXPECT_TRUE(isDeliveryReceipt(0x84));  // GSM network bits don't matter
  EXPECT_FALSE(isDeliveryReceipt(0x00));
  EXPECT_FALSE(isDeliveryReceipt(0x08));  // SME delivery ack
  EXPECT_FALSE(isDeliveryReceipt(0x20));  // intermediate notification
  EXPECT_FALSE(isDeliveryReceipt(0x0C));
  EXPECT_TRUE(hasUdhi(0x40));
  EXPECT_TRUE(hasUdhi(0x43));
  EXPECT_FALSE(hasUdhi(0x04));
  EXPECT_TRUE(isResponse(0x80000004));
  EXPECT_FALSE(isResponse(0x00000004));
}

// Coarse throughput check; prints ns/op (meaningful only in optimised, non-sanitised builds).
TEST(SmppCodecPerf, SubmitSmEncodeDecode) {
  SubmitSm s = sampleSubmit();
  s.short_message = "Your polling station is open until 22:00. Reply STOP to opt out.";
  s.tlvs.user_message_reference = 1;
  Pdu pdu = makePdu(s, 1);
  std::string buf;
  buf.reserve(512);
  constexpr int kIterations = 100000;
  size_t checksum = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kIterations; ++i) {
    buf.clear();
    pdu.sequence_number = static_cast<uint32_t>(i + 1);
    if (encode(pdu, buf) != EncodeError::None) FAIL();
    DecodeResult r = decode(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
    if (r.status != DecodeStatus::Complete) FAIL();
    checksum += r.pdu.sequence_number;
  }
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("submit_sm encode+decode: %.1f ns/op (checksum %zu)\n",
              static_cast<double>(ns) / kIterations, checksum);
}

}  // namespace
}  // namespace liaison::gateway::smpp
