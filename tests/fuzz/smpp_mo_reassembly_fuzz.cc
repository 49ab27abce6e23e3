// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for MoReassembler: the input is a script of synthetic deliver_sm parts fed
// through one reassembler with small bounds. Byte 0 picks the bounds; then each record is
//   op | dt | ref | total | seq | coding | len | len payload bytes
// where op's low 2 bits pick the concatenation scheme (none, UDH 8-bit, UDH 16-bit, SAR), bit 2
// sends the user data in message_payload, bit 3 sends the payload as raw user data with UDHI
// set (hostile UDH), bits 4-5 pick the sender, and op 0xFF runs expire(). Checks: no crash/UB,
// gauges stay within the configured bounds, results are self-consistent, text is valid UTF-8,
// and after a final expire nothing is pending.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "channels/smpp/mo_reassembler.h"
#include "sms/utf8.h"

namespace {

using liaison::gateway::smpp::CompletedMo;
using liaison::gateway::smpp::MoCompletion;
using liaison::gateway::smpp::MoReassembler;
using liaison::gateway::smpp::MoStatus;

void check(bool ok) {
  if (!ok) std::abort();
}

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::string_view take(size_t n) {
    n = std::min(n, size_ - std::min(pos_, size_));
    std::string_view out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

void checkMessage(const CompletedMo& m) {
  check(m.received_parts >= 1 && m.received_parts <= m.total_parts);
  check(m.partial() == (m.completion != MoCompletion::Complete));
  check(!m.is_binary || m.text.empty());
  std::vector<char32_t> code_points;
  check(liaison::gateway::sms::decodeUtf8(m.text, &code_points, nullptr));
}

void checkBounds(const MoReassembler& r) {
  const auto& s = r.stats();
  check(s.pending_messages <= r.config().max_pending_messages);
  check(s.pending_bytes <= r.config().max_pending_bytes);
  check((s.pending_messages == 0) == (s.pending_bytes == 0));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  const uint8_t shape = in.byte();
  liaison::gateway::smpp::MoReassemblerConfig config;
  config.max_pending_messages = 1 + (shape & 0x03);
  config.max_parts = 1 + ((shape >> 2) & 0x07);
  config.max_pending_bytes = 512 + 256 * static_cast<size_t>(shape >> 5);
  config.part_timeout = std::chrono::seconds(60);
  config.gap_marker = "~";
  MoReassembler r(config);

  static constexpr std::string_view kSenders[] = {"15550000001", "15550000002", "", "x"};
  static constexpr uint8_t kCodings[] = {0x00, 0x03, 0x08, 0x04, 0xF0, 0x18};
  MoReassembler::TimePoint now{};
  size_t records = 0;
  while (!in.empty() && records++ < 512) {
    const uint8_t op = in.byte();
    now += std::chrono::seconds(in.byte() % 32);
    if (op == 0xFF) {
      for (const CompletedMo& m : r.expire(now)) {
        check(m.completion == MoCompletion::Expired);
        checkMessage(m);
      }
      checkBounds(r);
      continue;
    }
    const uint8_t ref = in.byte() & 0x03;
    const uint8_t total = in.byte() % 6;
    const uint8_t seq = in.byte() % 7;
    const uint8_t coding_byte = in.byte();
    const uint8_t coding = coding_byte < 0xC0 ? kCodings[coding_byte % 6] : coding_byte;
    const std::string_view payload = in.take(in.byte() % 80);

    std::string user_data;
    liaison::gateway::smpp::DeliverSm pdu;
    pdu.source_addr = kSenders[(op >> 4) & 0x03];
    pdu.destination_addr = "4242";
    pdu.data_coding = coding;
    const bool raw = (op & 0x08) != 0;
    switch (op & 0x03) {
      case 1:
        if (!raw) {
          user_data = {0x05,
                       0x00,
                       0x03,
                       static_cast<char>(ref),
                       static_cast<char>(total),
                       static_cast<char>(seq)};
        }
        pdu.esm_class = liaison::gateway::smpp::kEsmClassUdhi;
        break;
      case 2:
        if (!raw) {
          user_data = {0x06,
                       0x08,
                       0x04,
                       0x01,
                       static_cast<char>(ref),
                       static_cast<char>(total),
                       static_cast<char>(seq)};
        }
        pdu.esm_class = liaison::gateway::smpp::kEsmClassUdhi;
        break;
      case 3:
        pdu.tlvs.sar_msg_ref_num = ref;
        pdu.tlvs.sar_total_segments = total;
        if (!raw) pdu.tlvs.sar_segment_seqnum = seq;  // raw: incomplete SAR set
        break;
      default:
        if (raw)
          pdu.esm_class = static_cast<uint8_t>(liaison::gateway::smpp::kEsmClassUdhi | (seq & 4));
        break;
    }
    user_data.append(payload);
    if ((op & 0x04) != 0) {
      pdu.tlvs.message_payload = user_data;
    } else {
      pdu.short_message = user_data;
    }

    liaison::gateway::smpp::MoAcceptResult res = r.accept(pdu, now);
    switch (res.status) {
      case MoStatus::Complete:
        check(res.message.has_value() && res.invalid == liaison::gateway::smpp::MoInvalid::None);
        check(res.message->completion == MoCompletion::Complete);
        checkMessage(*res.message);
        break;
      case MoStatus::Invalid:
        check(!res.message && res.invalid != liaison::gateway::smpp::MoInvalid::None);
        check(!liaison::gateway::smpp::moInvalidName(res.invalid).empty());
        break;
      case MoStatus::Pending:
      case MoStatus::Duplicate:
        check(!res.message && res.invalid == liaison::gateway::smpp::MoInvalid::None);
        break;
    }
    for (const CompletedMo& m : res.evicted) {
      check(m.completion == MoCompletion::Evicted);
      checkMessage(m);
    }
    checkBounds(r);
  }

  now += std::chrono::hours(1);
  for (const CompletedMo& m : r.expire(now)) checkMessage(m);
  check(r.stats().pending_messages == 0 && r.stats().pending_bytes == 0);
  const auto& s = r.stats();
  check(s.single + s.completed + s.duplicates + s.invalid <= s.parts);
  return 0;
}
