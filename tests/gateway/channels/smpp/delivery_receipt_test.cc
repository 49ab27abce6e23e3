// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for delivery receipt parsing (real-world text variants, TLV precedence) and message id
// normalisation between submit_sm_resp and receipt forms.
#include "channels/smpp/delivery_receipt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace liaison::gateway::smpp {
namespace {

DeliveryReceipt parseOrDie(std::string_view text) {
  auto r = parseDeliveryReceiptText(text);
  EXPECT_TRUE(r.has_value()) << text;
  return r.value_or(DeliveryReceipt{});
}

TEST(SmppDlrText, Standard) {
  DeliveryReceipt r = parseOrDie(
      "id:0123456789 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 "
      "stat:DELIVRD err:000 text:Hello there");
  EXPECT_EQ(r.message_id, "0123456789");
  EXPECT_EQ(r.submitted, 1u);
  EXPECT_EQ(r.delivered, 1u);
  ASSERT_TRUE(r.submit_date.has_value());
  EXPECT_EQ(*r.submit_date, (DlrTimestamp{2024, 1, 15, 12, 30, 0}));
  EXPECT_EQ(*r.done_date, (DlrTimestamp{2024, 1, 15, 12, 31, 0}));
  EXPECT_EQ(r.stat, "DELIVRD");
  EXPECT_EQ(r.state, MessageState::Delivered);
  EXPECT_TRUE(isFinal(r.state));
  EXPECT_EQ(r.err, "000");
  EXPECT_FALSE(r.id_from_tlv);
}

TEST(SmppDlrText, TwelveDigitDatesAndCapitalText) {
  DeliveryReceipt r = parseOrDie(
      "id:ABCDEF12 sub:001 dlvrd:000 submit date:240115123045 done date:240115123101 "
      "stat:UNDELIV err:001 Text:stat:DELIVRD id:999");
  EXPECT_EQ(r.message_id, "ABCDEF12");  // text after "Text:" is ignored
  EXPECT_EQ(*r.submit_date, (DlrTimestamp{2024, 1, 15, 12, 30, 45}));
  EXPECT_EQ(r.done_date->second, 1);
  EXPECT_EQ(r.state, MessageState::Undeliverable);
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(r.err, "001");
}

TEST(SmppDlrText, UppercaseKeysAndFourteenDigitDates) {
  DeliveryReceipt r = parseOrDie(
      "ID:42 SUB:001 DLVRD:000 SUBMIT DATE:20240115123000 DONE DATE:20240116123000 "
      "STAT:expired ERR:0FE");
  EXPECT_EQ(r.message_id, "42");
  EXPECT_EQ(r.state, MessageState::Expired);
  EXPECT_EQ(r.done_date->day, 16);
  EXPECT_EQ(r.done_date->year, 2024);
  EXPECT_EQ(r.err, "0FE");
}

TEST(SmppDlrText, MissingFields) {
  DeliveryReceipt r = parseOrDie("id:77 stat:REJECTD");
  EXPECT_EQ(r.message_id, "77");
  EXPECT_EQ(r.state, MessageState::Rejected);
  EXPECT_FALSE(r.submitted.has_value());
  EXPECT_FALSE(r.submit_date.has_value());
  EXPECT_EQ(r.err, "");
}

TEST(SmppDlrText, ExtraSpacesTabsAndCrLf) {
  DeliveryReceipt r = parseOrDie(
      "  id: 12345  sub: 001\tdlvrd:001 submit  date:2401151230\r\ndone date: 2401151231  "
      "stat : DELIVRD err: 000 text:");
  EXPECT_EQ(r.message_id, "12345");
  EXPECT_EQ(r.submitted, 1u);
  EXPECT_TRUE(r.submit_date.has_value());
  EXPECT_TRUE(r.done_date.has_value());
  EXPECT_EQ(r.state, MessageState::Delivered);
  EXPECT_EQ(r.err, "000");
}

TEST(SmppDlrText, UnderscoreKeysLongStatAndUnknownFields) {
  DeliveryReceipt r = parseOrDie(
      "id:5 foo:bar submit_date:2401151230 done_date:2401151231 stat:DELIVERED err:0 "
      "mccmnc:23410");
  EXPECT_EQ(r.message_id, "5");
  EXPECT_TRUE(r.submit_date.has_value());
  EXPECT_TRUE(r.done_date.has_value());
  EXPECT_EQ(r.state, MessageState::Delivered);
}

TEST(SmppDlrText, ReorderedAndNonFinal) {
  DeliveryReceipt r = parseOrDie("stat:ACCEPTD id:abc-123-DEF");
  EXPECT_EQ(r.message_id, "abc-123-DEF");
  EXPECT_EQ(r.state, MessageState::Accepted);
  EXPECT_FALSE(isFinal(r.state));
  EXPECT_FALSE(isFinal(parseOrDie("id:1 stat:ENROUTE").state));
}

TEST(SmppDlrText, EmptyIdInvalidDatesAndUnknownStat) {
  DeliveryReceipt r =
      parseOrDie("id: sub:001 dlvrd:abc submit date:2413991230 done date:24011 stat:WEIRD");
  EXPECT_EQ(r.message_id, "");
  EXPECT_EQ(r.submitted, 1u);
  EXPECT_FALSE(r.delivered.has_value());
  EXPECT_FALSE(r.submit_date.has_value());
  EXPECT_FALSE(r.done_date.has_value());
  EXPECT_EQ(r.stat, "WEIRD");
  EXPECT_EQ(r.state, MessageState::Unrecognised);
  EXPECT_FALSE(isFinal(r.state));
}

TEST(SmppDlrText, NotAReceipt) {
  EXPECT_FALSE(parseDeliveryReceiptText("").has_value());
  EXPECT_FALSE(parseDeliveryReceiptText("Hello, see you at 10:30").has_value());
  EXPECT_FALSE(parseDeliveryReceiptText("text:id:1 stat:DELIVRD").has_value());
  EXPECT_FALSE(parseDeliveryReceiptText(std::string(100000, ':')).has_value());
}

TEST(SmppDlrState, TlvValuesAndNames) {
  EXPECT_EQ(messageStateFromTlv(2), MessageState::Delivered);
  EXPECT_EQ(messageStateFromTlv(5), MessageState::Undeliverable);
  EXPECT_EQ(messageStateFromTlv(200), MessageState::Unrecognised);
  EXPECT_EQ(messageStateFromStat("undeliv"), MessageState::Undeliverable);
  EXPECT_EQ(messageStateFromStat("DELETED"), MessageState::Deleted);
  EXPECT_EQ(messageStateFromStat("UNKNOWN"), MessageState::Unknown);
  EXPECT_TRUE(isFinal(MessageState::Unknown));
  EXPECT_TRUE(isFinal(MessageState::Deleted));
  EXPECT_EQ(messageStateName(MessageState::Rejected), "REJECTED");
}

TEST(SmppDlrExtract, TlvsWinOverText) {
  DeliverSm d;
  d.esm_class = kEsmClassDeliveryReceipt;
  d.short_message = "id:123 sub:001 dlvrd:001 stat:DELIVRD err:000";
  d.tlvs.receipted_message_id = "7b";
  d.tlvs.message_state = 5;
  d.tlvs.network_error_code = NetworkErrorCode{3, 34};
  auto r = extractDeliveryReceipt(d);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->message_id, "7b");
  EXPECT_TRUE(r->id_from_tlv);
  EXPECT_EQ(r->state, MessageState::Undeliverable);
  EXPECT_TRUE(r->state_from_tlv);
  EXPECT_EQ(r->stat, "DELIVRD");  // raw text kept for diagnostics
  EXPECT_EQ(r->network_error_code->error_code, 34);
}

TEST(SmppDlrExtract, PayloadOnlyTlvOnlyAndNoId) {
  DeliverSm payload;
  payload.tlvs.message_payload = "id:9 stat:EXPIRED";
  auto a = extractDeliveryReceipt(payload);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->message_id, "9");
  EXPECT_EQ(a->state, MessageState::Expired);

  DataSm data;
  data.tlvs.receipted_message_id = "abc";
  data.tlvs.message_state = 2;
  auto b = extractDeliveryReceipt(data);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->state, MessageState::Delivered);

  DeliverSm bad_state;
  bad_state.short_message = "id:1 stat:DELIVRD";
  bad_state.tlvs.message_state = 77;  // unmappable TLV does not override readable text
  EXPECT_EQ(extractDeliveryReceipt(bad_state)->state, MessageState::Delivered);

  DeliverSm none;
  none.short_message = "stat:DELIVRD";
  EXPECT_FALSE(extractDeliveryReceipt(none).has_value());
}

bool matches(std::string_view resp_id, std::string_view dlr_id) {
  const std::string stored = normalizeMessageId(resp_id);
  const MessageIdCandidates c = messageIdCandidates(dlr_id);
  return std::find(c.begin(), c.end(), stored) != c.end();
}

TEST(SmppMessageId, Normalize) {
  EXPECT_EQ(normalizeMessageId("  00ABCdef "), "abcdef");
  EXPECT_EQ(normalizeMessageId("0000"), "0");
  EXPECT_EQ(normalizeMessageId("0"), "0");
  EXPECT_EQ(normalizeMessageId(""), "");
  EXPECT_EQ(normalizeMessageId("0A-1B"), "0a-1b");  // not pure hex: no zero stripping
  EXPECT_EQ(normalizeMessageId(std::string(100, 'F')).size(), 64u);
}

TEST(SmppMessageId, HexAndDecimalFormsMatch) {
  EXPECT_TRUE(matches("1E240", "123456"));         // hex resp, decimal DLR
  EXPECT_TRUE(matches("0001e240", "0000123456"));  // zero padded both sides
  EXPECT_TRUE(matches("0000123456", "1E240"));     // decimal resp, hex DLR
  EXPECT_TRUE(matches("123456", "1193046"));       // all-digit hex resp, decimal DLR
  EXPECT_TRUE(matches("00aBc", "ABC"));            // case and padding only
  EXPECT_TRUE(matches("9F3A0C2B-7D4E", "9f3a0c2b-7d4e"));
  EXPECT_FALSE(matches("1E240", "123457"));
  EXPECT_FALSE(matches("abc-1", "abc-2"));
}

TEST(SmppMessageId, CandidatesAreBoundedAndOrdered) {
  MessageIdCandidates c = messageIdCandidates("0000123456");
  ASSERT_EQ(c.count, 3u);
  EXPECT_EQ(c.keys[0], "123456");
  EXPECT_EQ(c.keys[1], "1e240");
  EXPECT_EQ(c.keys[2], "1193046");
  EXPECT_EQ(messageIdCandidates("zz-top").count, 1u);
  EXPECT_EQ(messageIdCandidates("99999999999999999999999999").count, 1u);  // > 2^64
  EXPECT_EQ(messageIdCandidates("").count, 1u);
  EXPECT_EQ(messageIdCandidates("0").count, 1u);
}

}  // namespace
}  // namespace liaison::gateway::smpp
