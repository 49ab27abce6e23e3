// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for MoReassembler with an injected clock: UDH 8/16-bit and SAR concatenation, order,
// duplicates, mixed codings, parts split inside a character, partial expiry with gap markers,
// bounds and eviction, and invalid input. Addresses are fictitious test numbers.
#include "channels/smpp/mo_reassembler.h"

#include <gtest/gtest.h>

#include <ostream>

#include <chrono>
#include <deque>
#include <string>
#include <vector>

namespace liaison::gateway::smpp {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using TimePoint = MoReassembler::TimePoint;

constexpr TimePoint kT0 = TimePoint{} + std::chrono::hours(1000);
constexpr char kFrom[] = "15550000001";
constexpr char kTo[] = "4242";

// Builds deliver_sm PDUs whose string_views point into storage owned by the builder.
class Parts {
 public:
  DeliverSm text(std::string_view user_data, uint8_t data_coding = 0, bool udhi = false,
                 std::string_view from = kFrom) {
    DeliverSm pdu;
    pdu.source_addr = keep(from);
    pdu.source_addr_ton = 1;
    pdu.source_addr_npi = 1;
    pdu.destination_addr = kTo;
    pdu.data_coding = data_coding;
    pdu.esm_class = udhi ? kEsmClassUdhi : 0;
    pdu.short_message = keep(user_data);
    return pdu;
  }
  // UDH with an 8-bit concatenation IE.
  DeliverSm udh8(uint8_t ref, uint8_t total, uint8_t seq, std::string_view payload,
                 uint8_t data_coding = 0, std::string_view from = kFrom) {
    std::string ud = {
        0x05, 0x00, 0x03, static_cast<char>(ref), static_cast<char>(total), static_cast<char>(seq)};
    ud.append(payload);
    return text(ud, data_coding, true, from);
  }
  DeliverSm udh16(uint16_t ref, uint8_t total, uint8_t seq, std::string_view payload,
                  uint8_t data_coding = 0) {
    std::string ud = {0x06,
                      0x08,
                      0x04,
                      static_cast<char>(ref >> 8),
                      static_cast<char>(ref & 0xFF),
                      static_cast<char>(total),
                      static_cast<char>(seq)};
    ud.append(payload);
    return text(ud, data_coding, true);
  }
  DeliverSm sar(uint16_t ref, uint8_t total, uint8_t seq, std::string_view payload,
                bool in_payload_tlv = false) {
    DeliverSm pdu = text(in_payload_tlv ? std::string_view() : payload);
    if (in_payload_tlv) pdu.tlvs.message_payload = keep(payload);
    pdu.tlvs.sar_msg_ref_num = ref;
    pdu.tlvs.sar_total_segments = total;
    pdu.tlvs.sar_segment_seqnum = seq;
    return pdu;
  }

 private:
  std::string_view keep(std::string_view s) { return storage_.emplace_back(s); }
  std::deque<std::string> storage_;
};

std::string ucs2(std::u16string_view units) {
  std::string out;
  for (char16_t u : units) {
    out.push_back(static_cast<char>(u >> 8));
    out.push_back(static_cast<char>(u & 0xFF));
  }
  return out;
}

TEST(MoReassembler, SinglePartPassesThrough) {
  MoReassembler r;
  Parts p;
  MoAcceptResult res = r.accept(p.text("YES"), kT0);
  ASSERT_EQ(res.status, MoStatus::Complete);
  ASSERT_TRUE(res.message.has_value());
  EXPECT_EQ(res.message->text, "YES");
  EXPECT_EQ(res.message->source_addr, kFrom);
  EXPECT_EQ(res.message->destination_addr, kTo);
  EXPECT_EQ(res.message->source_addr_ton, 1);
  EXPECT_EQ(res.message->scheme, ConcatScheme::None);
  EXPECT_EQ(res.message->total_parts, 1);
  EXPECT_FALSE(res.message->partial());
  EXPECT_EQ(r.stats().single, 1u);
  EXPECT_EQ(r.stats().pending_messages, 0u);
}

TEST(MoReassembler, SinglePartFromMessagePayloadAndOnePartUdh) {
  MoReassembler r;
  Parts p;
  DeliverSm pdu = p.text("");
  const std::string payload = "from payload";
  pdu.tlvs.message_payload = payload;
  EXPECT_EQ(r.accept(pdu, kT0).message->text, "from payload");
  MoAcceptResult one = r.accept(p.udh8(9, 1, 1, "only"), kT0);
  ASSERT_EQ(one.status, MoStatus::Complete);
  EXPECT_EQ(one.message->text, "only");
  EXPECT_EQ(one.message->scheme, ConcatScheme::Udh8);
}

TEST(MoReassembler, InOrderUdh8) {
  MoReassembler r;
  Parts p;
  EXPECT_EQ(r.accept(p.udh8(7, 3, 1, "Hello "), kT0).status, MoStatus::Pending);
  EXPECT_EQ(r.accept(p.udh8(7, 3, 2, "big "), kT0 + seconds(1)).status, MoStatus::Pending);
  EXPECT_EQ(r.stats().pending_messages, 1u);
  MoAcceptResult res = r.accept(p.udh8(7, 3, 3, "world"), kT0 + seconds(2));
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "Hello big world");
  EXPECT_EQ(res.message->scheme, ConcatScheme::Udh8);
  EXPECT_EQ(res.message->reference, 7);
  EXPECT_EQ(res.message->total_parts, 3);
  EXPECT_EQ(res.message->received_parts, 3);
  EXPECT_EQ(res.message->first_part_at, kT0);
  EXPECT_EQ(r.stats().completed, 1u);
  EXPECT_EQ(r.stats().pending_messages, 0u);
  EXPECT_EQ(r.stats().pending_bytes, 0u);
}

TEST(MoReassembler, OutOfOrderAndDuplicates) {
  MoReassembler r;
  Parts p;
  EXPECT_EQ(r.accept(p.udh8(1, 3, 3, "C"), kT0).status, MoStatus::Pending);
  EXPECT_EQ(r.accept(p.udh8(1, 3, 1, "A"), kT0).status, MoStatus::Pending);
  EXPECT_EQ(r.accept(p.udh8(1, 3, 3, "X"), kT0).status, MoStatus::Duplicate);
  EXPECT_EQ(r.accept(p.udh8(1, 3, 1, "A"), kT0).status, MoStatus::Duplicate);
  MoAcceptResult res = r.accept(p.udh8(1, 3, 2, "B"), kT0);
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "ABC");  // the first copy of part 3 is kept
  EXPECT_EQ(r.stats().duplicates, 2u);
  // A late duplicate after completion starts a new (orphan) message that will expire.
  EXPECT_EQ(r.accept(p.udh8(1, 3, 2, "B"), kT0).status, MoStatus::Pending);
}

TEST(MoReassembler, Udh16Reference) {
  MoReassembler r;
  Parts p;
  r.accept(p.udh16(0xBEEF, 2, 2, "two"), kT0);
  r.accept(p.udh8(0xEF, 2, 1, "other "), kT0);  // 8-bit ref 0xEF: different key
  MoAcceptResult res = r.accept(p.udh16(0xBEEF, 2, 1, "one "), kT0);
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "one two");
  EXPECT_EQ(res.message->scheme, ConcatScheme::Udh16);
  EXPECT_EQ(res.message->reference, 0xBEEF);
  EXPECT_EQ(r.stats().pending_messages, 1u);
}

TEST(MoReassembler, SarTlvsInShortMessageAndPayload) {
  MoReassembler r;
  Parts p;
  EXPECT_EQ(r.accept(p.sar(300, 2, 2, "second", true), kT0).status, MoStatus::Pending);
  MoAcceptResult res = r.accept(p.sar(300, 2, 1, "first "), kT0);
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "first second");
  EXPECT_EQ(res.message->scheme, ConcatScheme::Sar);
  EXPECT_EQ(res.message->reference, 300);
}

TEST(MoReassembler, KeyIncludesAddressesAndTotal) {
  MoReassembler r;
  Parts p;
  r.accept(p.udh8(5, 2, 1, "a1", 0, "15550000001"), kT0);
  r.accept(p.udh8(5, 2, 1, "b1", 0, "15550000002"), kT0);
  r.accept(p.udh8(5, 3, 1, "c1"), kT0);  // same sender and ref, other total
  EXPECT_EQ(r.stats().pending_messages, 3u);
  MoAcceptResult res = r.accept(p.udh8(5, 2, 2, "b2", 0, "15550000002"), kT0);
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "b1b2");
  EXPECT_EQ(res.message->source_addr, "15550000002");
}

TEST(MoReassembler, MixedGsm7AndUcs2Parts) {
  MoReassembler r;
  Parts p;
  r.accept(p.udh8(2, 3, 1, "Caf"), kT0);
  r.accept(p.udh8(2, 3, 2, ucs2(u"\u00e9 \u043f\u0440\u0438"), 0x08), kT0);
  MoAcceptResult res = r.accept(p.udh8(2, 3, 3, "!", 0x03), kT0);  // Latin-1
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "Caf\u00e9 \u043f\u0440\u0438!");
  EXPECT_EQ(res.message->substitutions, 0u);
}

TEST(MoReassembler, Ucs2SurrogatePairSplitAcrossParts) {
  MoReassembler r;
  Parts p;
  const std::string all = ucs2(u"ok \U0001F44D");  // 0x0020 0xD83D 0xDC4D
  const std::string first = all.substr(0, 8);      // ends with the high surrogate
  const std::string second = all.substr(8);
  r.accept(p.udh8(3, 2, 2, second, 0x08), kT0);
  MoAcceptResult res = r.accept(p.udh8(3, 2, 1, first, 0x08), kT0);
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "ok \U0001F44D");
  EXPECT_EQ(res.message->substitutions, 0u);
}

TEST(MoReassembler, Gsm7EscapeSplitAcrossParts) {
  MoReassembler r;
  Parts p;
  r.accept(p.udh8(4, 2, 1, "5\x1B"), kT0);
  MoAcceptResult res = r.accept(p.udh8(4, 2, 2, "e"), kT0);  // ESC 'e' = euro sign
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "5\u20AC");
}

TEST(MoReassembler, BinaryPartsConcatenateBytes) {
  MoReassembler r;
  Parts p;
  r.accept(p.udh8(6, 2, 2, std::string("\x03\x04", 2), 0x04), kT0);
  MoAcceptResult res = r.accept(p.udh8(6, 2, 1, std::string("\x01\x02", 2), 0x04), kT0);
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_TRUE(res.message->is_binary);
  EXPECT_TRUE(res.message->text.empty());
  EXPECT_EQ(res.message->binary, (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(MoReassembler, CodingMismatchDropsPart) {
  MoReassembler r;
  Parts p;
  r.accept(p.udh8(8, 2, 1, "text "), kT0);
  MoAcceptResult bad = r.accept(p.udh8(8, 2, 2, "\x01\x02", 0x04), kT0);
  EXPECT_EQ(bad.status, MoStatus::Invalid);
  EXPECT_EQ(bad.invalid, MoInvalid::CodingMismatch);
  EXPECT_EQ(moInvalidName(bad.invalid), "coding_mismatch");
  MoAcceptResult res = r.accept(p.udh8(8, 2, 2, "more"), kT0);
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "text more");
  EXPECT_EQ(r.stats().invalid, 1u);
}

TEST(MoReassembler, ExpireReturnsPartialWithGapMarkers) {
  MoReassembler r(MoReassemblerConfig{.part_timeout = minutes(10)});
  Parts p;
  r.accept(p.udh8(1, 5, 2, "B"), kT0);
  r.accept(p.udh8(1, 5, 4, "D"), kT0 + minutes(1));
  r.accept(p.udh8(2, 2, 1, "later"), kT0 + minutes(5));
  EXPECT_TRUE(r.expire(kT0 + minutes(9)).empty());

  std::vector<CompletedMo> out = r.expire(kT0 + minutes(10));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "\u2026B\u2026D\u2026");  // 1 missing, 3 missing, 5 missing
  EXPECT_EQ(out[0].completion, MoCompletion::Expired);
  EXPECT_TRUE(out[0].partial());
  EXPECT_EQ(out[0].received_parts, 2);
  EXPECT_EQ(out[0].total_parts, 5);
  EXPECT_EQ(r.stats().expired, 1u);
  EXPECT_EQ(r.stats().pending_messages, 1u);

  out = r.expire(kT0 + minutes(15));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "later\u2026");
  EXPECT_EQ(r.stats().pending_bytes, 0u);
}

TEST(MoReassembler, ExpireHonoursLimitAndCustomMarker) {
  MoReassembler r(MoReassemblerConfig{.part_timeout = minutes(1), .gap_marker = "[...]"});
  Parts p;
  r.accept(p.udh8(1, 3, 1, "a"), kT0);
  r.accept(p.udh8(1, 3, 2, "b"), kT0);
  r.accept(p.udh8(2, 2, 2, "z"), kT0);
  std::vector<CompletedMo> out = r.expire(kT0 + minutes(2), 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "ab[...]");
  out = r.expire(kT0 + minutes(2));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "[...]z");
}

TEST(MoReassembler, MessageCountBoundEvictsOldest) {
  MoReassembler r(MoReassemblerConfig{.max_pending_messages = 2});
  Parts p;
  r.accept(p.udh8(1, 2, 1, "one"), kT0);
  r.accept(p.udh8(2, 2, 1, "two"), kT0 + seconds(1));
  MoAcceptResult res = r.accept(p.udh8(3, 2, 1, "three"), kT0 + seconds(2));
  EXPECT_EQ(res.status, MoStatus::Pending);
  ASSERT_EQ(res.evicted.size(), 1u);
  EXPECT_EQ(res.evicted[0].reference, 1);
  EXPECT_EQ(res.evicted[0].text, "one\u2026");
  EXPECT_EQ(res.evicted[0].completion, MoCompletion::Evicted);
  EXPECT_EQ(r.stats().evicted, 1u);
  EXPECT_EQ(r.stats().pending_messages, 2u);
  // Adding to an existing message never evicts by count.
  EXPECT_EQ(r.accept(p.udh8(2, 2, 2, "!"), kT0).message->text, "two!");
}

TEST(MoReassembler, ByteBoundEvictsOthersButNotTarget) {
  const size_t per_message = MoReassembler::kMessageOverhead + 20;  // key ~ 20 bytes
  MoReassemblerConfig config;
  config.max_pending_bytes = 2 * per_message + 3 * (MoReassembler::kPartOverhead + 100);
  MoReassembler r(config);
  Parts p;
  const std::string hundred(100, 'x');
  r.accept(p.udh8(1, 3, 1, hundred), kT0);
  r.accept(p.udh8(2, 3, 1, hundred), kT0);
  EXPECT_TRUE(r.accept(p.udh8(2, 3, 2, hundred), kT0).evicted.empty());
  MoAcceptResult res = r.accept(p.udh8(2, 3, 3, hundred), kT0);  // needs room: evicts ref 1
  ASSERT_EQ(res.evicted.size(), 1u);
  EXPECT_EQ(res.evicted[0].reference, 1);
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text.size(), 300u);
  EXPECT_LE(r.stats().pending_bytes, config.max_pending_bytes);
}

TEST(MoReassembler, OversizedPartsAreRejected) {
  MoReassemblerConfig config;
  config.max_pending_bytes = 1024;
  MoReassembler r(config);
  Parts p;
  MoAcceptResult res = r.accept(p.udh8(1, 2, 1, std::string(900, 'x')), kT0);
  EXPECT_EQ(res.invalid, MoInvalid::TooLarge);
  EXPECT_EQ(r.accept(p.udh8(2, 2, 1, std::string(300, 'x')), kT0).status, MoStatus::Pending);
  EXPECT_EQ(r.accept(p.udh8(2, 2, 2, std::string(300, 'x')), kT0).invalid, MoInvalid::TooLarge);
  EXPECT_EQ(r.stats().pending_messages, 1u);
  EXPECT_LE(r.stats().pending_bytes, 1024u);
  // Too large for the decoder on its own, single part or not.
  EXPECT_EQ(r.accept(p.text(std::string(sms::kMaxDecodeInputOctets + 1, 'x')), kT0).invalid,
            MoInvalid::TooLarge);
}

TEST(MoReassembler, TooManyParts) {
  MoReassembler r(MoReassemblerConfig{.max_parts = 10});
  Parts p;
  EXPECT_EQ(r.accept(p.udh8(1, 11, 1, "x"), kT0).invalid, MoInvalid::TooManyParts);
  EXPECT_EQ(r.accept(p.udh8(1, 10, 1, "x"), kT0).status, MoStatus::Pending);
}

// ---- invalid or odd concatenation info ----

struct OddCase {
  const char* label;
  std::string user_data;
  bool udhi;
  MoStatus status;
  MoInvalid invalid;
  const char* text;  // for Complete
  bool concat_ignored;
};
// Readable test names in CTest (gtest prints unknown structs as raw bytes).
void PrintTo(const OddCase& c, std::ostream* os) { *os << c.label; }

class MoReassemblerOdd : public ::testing::TestWithParam<OddCase> {};

TEST_P(MoReassemblerOdd, Handled) {
  MoReassembler r;
  Parts p;
  const OddCase& c = GetParam();
  MoAcceptResult res = r.accept(p.text(c.user_data, 0, c.udhi), kT0);
  EXPECT_EQ(res.status, c.status);
  EXPECT_EQ(res.invalid, c.invalid);
  if (c.status == MoStatus::Complete) {
    ASSERT_TRUE(res.message.has_value());
    EXPECT_EQ(res.message->text, c.text);
    EXPECT_EQ(res.message->concat_ignored, c.concat_ignored);
  }
  EXPECT_EQ(r.stats().pending_messages, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MoReassemblerOdd,
    ::testing::Values(OddCase{"udh_total_zero", std::string("\x05\x00\x03\x01\x00\x01hi", 8), true,
                              MoStatus::Complete, MoInvalid::None, "hi", true},
                      OddCase{"udh_seq_zero", std::string("\x05\x00\x03\x01\x02\x00hi", 8), true,
                              MoStatus::Complete, MoInvalid::None, "hi", true},
                      OddCase{"udh_seq_gt_total", std::string("\x05\x00\x03\x01\x02\x03hi", 8),
                              true, MoStatus::Complete, MoInvalid::None, "hi", true},
                      OddCase{"udh_truncated", std::string("\x09\x00\x03\x01", 4), true,
                              MoStatus::Invalid, MoInvalid::MalformedUdh, "", false},
                      OddCase{"udh_ie_overrun", std::string("\x03\x00\x05\x01hi", 6), true,
                              MoStatus::Invalid, MoInvalid::MalformedUdh, "", false},
                      OddCase{"udhi_empty", std::string(), true, MoStatus::Invalid,
                              MoInvalid::MalformedUdh, "", false},
                      OddCase{"udh_language_only", std::string("\x03\x24\x01\x01ok", 6), true,
                              MoStatus::Complete, MoInvalid::None, "ok", false}),
    [](const ::testing::TestParamInfo<OddCase>& param_info) {
      return std::string(param_info.param.label);
    });

TEST(MoReassembler, SarOddities) {
  MoReassembler r;
  Parts p;
  MoAcceptResult zero = r.accept(p.sar(1, 0, 1, "z"), kT0);
  ASSERT_EQ(zero.status, MoStatus::Complete);
  EXPECT_TRUE(zero.message->concat_ignored);
  EXPECT_EQ(r.accept(p.sar(1, 2, 3, "z"), kT0).message->concat_ignored, true);
  DeliverSm incomplete = p.sar(1, 2, 1, "z");
  incomplete.tlvs.sar_segment_seqnum.reset();
  EXPECT_EQ(r.accept(incomplete, kT0).invalid, MoInvalid::IncompleteSar);
  EXPECT_EQ(r.stats().concat_ignored, 2u);
  EXPECT_EQ(r.stats().invalid, 1u);
}

TEST(MoReassembler, UdhWinsOverConflictingSar) {
  MoReassembler r;
  Parts p;
  DeliverSm pdu = p.udh8(1, 2, 1, "udh ");
  pdu.tlvs.sar_msg_ref_num = 1;
  pdu.tlvs.sar_total_segments = 3;
  pdu.tlvs.sar_segment_seqnum = 2;
  EXPECT_EQ(r.accept(pdu, kT0).status, MoStatus::Pending);
  EXPECT_EQ(r.stats().concat_conflicts, 1u);
  EXPECT_EQ(r.accept(p.udh8(1, 2, 2, "wins"), kT0).message->text, "udh wins");
}

TEST(MoReassembler, DeliveryReceiptIsRejected) {
  MoReassembler r;
  Parts p;
  DeliverSm pdu = p.text("id:1 stat:DELIVRD");
  pdu.esm_class = kEsmClassDeliveryReceipt;
  EXPECT_EQ(r.accept(pdu, kT0).invalid, MoInvalid::DeliveryReceipt);
}

TEST(MoReassembler, KeptDataOutlivesTheReadBuffer) {
  MoReassembler r;
  std::string from = "15550000009";
  std::string ud = std::string("\x05\x00\x03\x01\x02\x01", 6) + "keep ";
  DeliverSm pdu;
  pdu.source_addr = from;
  pdu.destination_addr = kTo;
  pdu.esm_class = kEsmClassUdhi;
  pdu.short_message = ud;
  r.accept(pdu, kT0);
  from.assign(from.size(), '#');  // the read buffer is reused
  ud.assign(ud.size(), '#');
  Parts p;
  MoAcceptResult res = r.accept(p.udh8(1, 2, 2, "me", 0, "15550000009"), kT0);
  ASSERT_EQ(res.status, MoStatus::Complete);
  EXPECT_EQ(res.message->text, "keep me");
  EXPECT_EQ(res.message->source_addr, "15550000009");
}

}  // namespace
}  // namespace liaison::gateway::smpp
