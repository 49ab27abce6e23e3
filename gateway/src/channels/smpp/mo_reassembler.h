// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Sans-I/O reassembly of concatenated mobile-originated messages from deliver_sm parts, whether
// the parts are linked by a UDH concatenation IE (8- or 16-bit reference) or by the SAR TLVs
// (sar_msg_ref_num / sar_total_segments / sar_segment_seqnum). Parts may arrive in any order and
// more than once; memory is bounded by message count, part count and bytes, with the oldest
// pending message evicted (and returned as partial) when a bound is hit. Time is injected.
//
// Not thread-safe: one instance per SMPP account (or per session), used from its strand only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "channels/smpp/pdu.h"
#include "sms/decoder.h"

namespace liaison::gateway::smpp {

struct MoReassemblerConfig {
  size_t max_pending_messages = 10'000;
  // Parts per message; a part announcing a larger total is rejected (TooManyParts). <= 255.
  size_t max_parts = 255;
  // Accounted bytes of everything pending: payload octets plus a fixed overhead per part and
  // per message (see MoReassembler::kPartOverhead / kMessageOverhead).
  size_t max_pending_bytes = 8u << 20;
  // A message still incomplete this long after its first part is returned by expire().
  std::chrono::milliseconds part_timeout{std::chrono::minutes(10)};
  // Inserted in partial text once per run of consecutive missing parts (U+2026 by default).
  std::string gap_marker = "\xE2\x80\xA6";
};

enum class ConcatScheme : uint8_t { None, Udh8, Udh16, Sar };

enum class MoCompletion : uint8_t {
  Complete,  // all parts present (or a single-part message)
  Expired,   // part_timeout passed: partial
  Evicted,   // pushed out by a bound: partial
};

// A finished (or given-up) message. Owns all of its data.
struct CompletedMo {
  std::string source_addr;
  uint8_t source_addr_ton = 0;
  uint8_t source_addr_npi = 0;
  std::string destination_addr;
  uint8_t dest_addr_ton = 0;
  uint8_t dest_addr_npi = 0;
  // UTF-8 text of the parts present, in sequence order. In partial messages, each run of
  // missing parts is replaced by config.gap_marker (also at the start or end). Empty for
  // binary messages.
  std::string text;
  // 8-bit data (data_coding decoded as sms::DataCoding::Binary): the payloads of the parts
  // present, concatenated in order, without gap markers.
  std::vector<uint8_t> binary;
  bool is_binary = false;
  MoCompletion completion = MoCompletion::Complete;
  ConcatScheme scheme = ConcatScheme::None;
  uint16_t reference = 0;
  uint8_t total_parts = 1;
  uint8_t received_parts = 1;
  // The part carried a concatenation IE / SAR set with total 0 or a sequence outside 1..total;
  // as TS 23.040 9.2.3.24.1 prescribes, it was ignored and the part delivered on its own.
  bool concat_ignored = false;
  size_t substitutions = 0;  // undecodable units shown as U+FFFD (see sms::DecodedMessage)
  std::chrono::steady_clock::time_point first_part_at;

  bool partial() const { return received_parts < total_parts; }
};

enum class MoStatus : uint8_t {
  Complete,   // `message` holds the whole message
  Pending,    // part stored; more are needed
  Duplicate,  // this sequence number was already stored: ignored
  Invalid,    // the part was dropped; see `invalid`
};

enum class MoInvalid : uint8_t {
  None,
  DeliveryReceipt,  // esm_class marks a delivery receipt: not an MO
  MalformedUdh,     // UDHI set but the UDH is truncated or malformed
  IncompleteSar,    // some but not all of the three SAR TLVs
  CodingMismatch,   // 8-bit data part in a text message or the reverse
  TooManyParts,     // total > config.max_parts
  TooLarge,         // the message would exceed max_pending_bytes on its own
};
std::string_view moInvalidName(MoInvalid reason);  // static, PII-free

struct MoAcceptResult {
  MoStatus status = MoStatus::Pending;
  MoInvalid invalid = MoInvalid::None;
  std::optional<CompletedMo> message;  // status Complete
  // Messages evicted to make room for this part (partial, MoCompletion::Evicted). Usually
  // empty; the caller stores them like expired messages.
  std::vector<CompletedMo> evicted;
};

struct MoReassemblerStats {
  uint64_t parts = 0;      // accept() calls
  uint64_t single = 0;     // single-part messages passed through
  uint64_t completed = 0;  // multi-part messages completed
  uint64_t duplicates = 0;
  uint64_t invalid = 0;           // parts dropped (every MoInvalid reason)
  uint64_t concat_ignored = 0;    // total 0 / sequence 0 / sequence > total: delivered alone
  uint64_t concat_conflicts = 0;  // UDH and SAR both present and disagreeing: UDH used
  uint64_t evicted = 0;
  uint64_t expired = 0;
  // Gauges.
  uint64_t pending_messages = 0;
  uint64_t pending_bytes = 0;  // accounted bytes, <= max_pending_bytes
};

// Key: (source_addr, destination_addr, reference, total), so a reused reference with another
// total starts a separate message. Concatenation info comes from the UDH when UDHI is set and
// it holds a concatenation IE, else from the SAR TLVs; when both exist the UDH wins. The user
// data is short_message, or message_payload when short_message is empty.
// Each part is decoded by its own data_coding, so one message may mix GSM 7-bit, Latin-1 and
// UCS-2 parts; consecutive parts with the same coding (and language tables) are decoded as one
// run, which repairs UCS-2 surrogate pairs and GSM escapes split across parts.
// Caveat for callers: a Pending part lives only in memory. Acknowledging it to the SMSC before
// the message completes means a crash loses it.
class MoReassembler {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  // Approximate heap cost of the bookkeeping (structs, list/map nodes, allocator headers),
  // charged on top of payload and key bytes so the byte bound tracks real memory.
  static constexpr size_t kPartOverhead = 64;
  static constexpr size_t kMessageOverhead = 320;

  explicit MoReassembler(MoReassemblerConfig config = {});
  MoReassembler(const MoReassembler&) = delete;
  MoReassembler& operator=(const MoReassembler&) = delete;

  // Takes one deliver_sm carrying an MO (not a receipt). Copies what it keeps; never throws on
  // malformed input.
  MoAcceptResult accept(const DeliverSm& pdu, TimePoint now);

  // Returns the messages whose first part arrived at least part_timeout ago, oldest first,
  // partial, at most `limit` of them (call again for the rest).
  std::vector<CompletedMo> expire(TimePoint now, size_t limit = SIZE_MAX);

  const MoReassemblerStats& stats() const { return stats_; }
  const MoReassemblerConfig& config() const { return config_; }

 private:
  struct Part {
    uint8_t sequence = 0;
    sms::DataCoding coding = sms::DataCoding::Gsm7Unpacked;
    sms::Language locking = sms::Language::Default;
    sms::Language single = sms::Language::Default;
    std::string payload;  // user data after the UDH
  };
  struct Pending {
    std::string key;
    CompletedMo header;       // addresses, scheme, reference, total, first_part_at
    std::vector<Part> parts;  // sorted by sequence, no duplicates
    size_t bytes = 0;         // accounted
  };
  using PendingList = std::list<Pending>;  // oldest first

  CompletedMo finish(Pending& pending, MoCompletion completion) const;
  void release(PendingList::iterator it);
  void updateGauges();

  MoReassemblerConfig config_;
  MoReassemblerStats stats_;
  PendingList order_;
  std::unordered_map<std::string_view, PendingList::iterator> index_;  // views into order_ keys
  size_t pending_bytes_ = 0;
};

}  // namespace liaison::gateway::smpp
