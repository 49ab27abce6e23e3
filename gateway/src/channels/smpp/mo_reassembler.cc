// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// MoReassembler: concatenation detection (UDH IE or SAR TLVs), bounded pending storage with
// oldest-first eviction and expiry, and run-wise decoding of the stored parts into UTF-8.
#include "channels/smpp/mo_reassembler.h"

#include <algorithm>
#include <span>
#include <utility>

namespace liaison::gateway::smpp {
namespace {

struct Concat {
  ConcatScheme scheme = ConcatScheme::None;
  uint16_t reference = 0;
  uint8_t total = 1;
  uint8_t sequence = 1;
};

std::span<const uint8_t> bytesOf(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// True if the (already validated) UDH holds a concatenation IE of any length or content.
// parseUdh() drops IEs with total 0 or a sequence outside 1..total; we still want to know that
// the sender meant to concatenate.
bool hasConcatIe(std::span<const uint8_t> user_data, size_t udh_length) {
  size_t pos = 1;
  while (pos + 2 <= udh_length) {
    const uint8_t iei = user_data[pos];
    if (iei == 0x00 || iei == 0x08) return true;
    pos += 2 + size_t{user_data[pos + 1]};
  }
  return false;
}

std::string makeKey(std::string_view source, std::string_view destination, uint16_t reference,
                    uint8_t total) {
  // C-octet string addresses cannot contain NUL, so it separates the fields unambiguously.
  std::string key;
  key.reserve(source.size() + destination.size() + 5);
  key.append(source);
  key.push_back('\0');
  key.append(destination);
  key.push_back('\0');
  key.push_back(static_cast<char>(reference >> 8));
  key.push_back(static_cast<char>(reference & 0xFF));
  key.push_back(static_cast<char>(total));
  return key;
}

bool isHighSurrogateAt(std::string_view bytes, size_t pos) {
  const auto hi = static_cast<uint8_t>(bytes[pos]);
  return hi >= 0xD8 && hi <= 0xDB;
}

// Decodes `bytes` (already joined) with decodeUserData, in chunks within its input limit that
// never split a UTF-16 code unit or surrogate pair.
void decodeChunked(sms::DataCoding coding, std::string_view bytes, std::string* text,
                   size_t* substitutions) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t n = std::min(bytes.size() - pos, sms::kMaxDecodeInputOctets);
    if (coding == sms::DataCoding::Ucs2 && pos + n < bytes.size()) {
      n &= ~size_t{1};
      if (n >= 2 && isHighSurrogateAt(bytes, pos + n - 2)) n -= 2;
    }
    sms::DecodeInput input;
    input.coding = coding;
    input.user_data = bytesOf(bytes.substr(pos, n));
    const sms::DecodedMessage decoded = sms::decodeUserData(input);
    text->append(decoded.text);
    *substitutions += decoded.substitutions;
    pos += n;
  }
}

}  // namespace

std::string_view moInvalidName(MoInvalid reason) {
  switch (reason) {
    case MoInvalid::None: return "none";
    case MoInvalid::DeliveryReceipt: return "delivery_receipt";
    case MoInvalid::MalformedUdh: return "malformed_udh";
    case MoInvalid::IncompleteSar: return "incomplete_sar";
    case MoInvalid::CodingMismatch: return "coding_mismatch";
    case MoInvalid::TooManyParts: return "too_many_parts";
    case MoInvalid::TooLarge: return "too_large";
  }
  return "unknown";
}

MoReassembler::MoReassembler(MoReassemblerConfig config) : config_(std::move(config)) {
  config_.max_parts = std::clamp<size_t>(config_.max_parts, 1, 255);
  config_.max_pending_messages = std::max<size_t>(config_.max_pending_messages, 1);
}

void MoReassembler::updateGauges() {
  stats_.pending_messages = order_.size();
  stats_.pending_bytes = pending_bytes_;
}

void MoReassembler::release(PendingList::iterator it) {
  pending_bytes_ -= it->bytes;
  index_.erase(std::string_view(it->key));
  order_.erase(it);
}

CompletedMo MoReassembler::finish(Pending& pending, MoCompletion completion) const {
  CompletedMo out = std::move(pending.header);
  out.completion = completion;
  out.received_parts = static_cast<uint8_t>(pending.parts.size());
  const std::vector<Part>& parts = pending.parts;
  out.is_binary = !parts.empty() && parts.front().coding == sms::DataCoding::Binary;
  const std::string_view gap = out.is_binary ? std::string_view() : config_.gap_marker;

  std::string joined;
  size_t expected = 1;  // next sequence number if there is no gap
  size_t i = 0;
  while (i < parts.size()) {
    if (parts[i].sequence > expected) out.text.append(gap);
    // A run: consecutive sequence numbers with the same coding and language tables.
    size_t j = i + 1;
    while (j < parts.size() && parts[j].sequence == parts[j - 1].sequence + 1 &&
           parts[j].coding == parts[i].coding && parts[j].locking == parts[i].locking &&
           parts[j].single == parts[i].single) {
      ++j;
    }
    joined.clear();
    for (size_t k = i; k < j; ++k) joined.append(parts[k].payload);
    const Part& head = parts[i];
    switch (head.coding) {
      case sms::DataCoding::Gsm7Unpacked:
        out.substitutions +=
            sms::appendGsm7Text(bytesOf(joined), head.locking, head.single, &out.text);
        break;
      case sms::DataCoding::Ucs2:
      case sms::DataCoding::Latin1:
        decodeChunked(head.coding, joined, &out.text, &out.substitutions);
        break;
      case sms::DataCoding::Gsm7Packed:  // not produced by dataCodingFromSmpp; decode per part
        for (size_t k = i; k < j; ++k) {
          sms::DecodeInput input;
          input.coding = head.coding;
          input.user_data = bytesOf(parts[k].payload);
          const sms::DecodedMessage decoded = sms::decodeUserData(input);
          out.text.append(decoded.text);
          out.substitutions += decoded.substitutions;
        }
        break;
      case sms::DataCoding::Binary:
        out.binary.insert(out.binary.end(), joined.begin(), joined.end());
        break;
    }
    expected = size_t{parts[j - 1].sequence} + 1;
    i = j;
  }
  if (expected <= out.total_parts) out.text.append(gap);
  return out;
}

MoAcceptResult MoReassembler::accept(const DeliverSm& pdu, TimePoint now) {
  MoAcceptResult result;
  ++stats_.parts;
  auto reject = [&](MoInvalid reason) {
    ++stats_.invalid;
    result.status = MoStatus::Invalid;
    result.invalid = reason;
    return std::move(result);
  };
  if (isDeliveryReceipt(pdu.esm_class)) return reject(MoInvalid::DeliveryReceipt);

  const std::string_view user_data = pdu.short_message.empty() && pdu.tlvs.message_payload
                                         ? *pdu.tlvs.message_payload
                                         : pdu.short_message;
  if (user_data.size() > sms::kMaxDecodeInputOctets) return reject(MoInvalid::TooLarge);
  const std::span<const uint8_t> bytes = bytesOf(user_data);

  sms::UdhInfo udh;
  if (hasUdhi(pdu.esm_class)) {
    std::string reason;  // parseUdh's text names offsets only; we do not surface it
    if (sms::parseUdh(bytes, &udh, &reason) != sms::DecodeError::None) {
      return reject(MoInvalid::MalformedUdh);
    }
  }

  // Concatenation: UDH IE first, then SAR.
  std::optional<Concat> concat;
  bool concat_ignored = false;
  const OptionalParams& t = pdu.tlvs;
  const int sar_fields = int{t.sar_msg_ref_num.has_value()} +
                         int{t.sar_total_segments.has_value()} +
                         int{t.sar_segment_seqnum.has_value()};
  if (udh.concat) {
    concat = Concat{udh.concat->ref16 ? ConcatScheme::Udh16 : ConcatScheme::Udh8,
                    udh.concat->reference, udh.concat->total, udh.concat->sequence};
    if (sar_fields == 3 &&
        (*t.sar_total_segments != concat->total || *t.sar_segment_seqnum != concat->sequence)) {
      ++stats_.concat_conflicts;
    }
  } else if (udh.length > 0 && hasConcatIe(bytes, udh.length)) {
    concat_ignored = true;
  } else if (sar_fields == 3) {
    const uint8_t total = *t.sar_total_segments;
    const uint8_t sequence = *t.sar_segment_seqnum;
    if (total == 0 || sequence == 0 || sequence > total) {
      concat_ignored = true;
    } else {
      concat = Concat{ConcatScheme::Sar, *t.sar_msg_ref_num, total, sequence};
    }
  } else if (sar_fields != 0) {
    return reject(MoInvalid::IncompleteSar);
  }
  if (concat_ignored) ++stats_.concat_ignored;

  Part part;
  part.sequence = concat ? concat->sequence : 1;
  part.coding = sms::dataCodingFromSmpp(pdu.data_coding);
  part.locking = udh.locking_shift;
  part.single = udh.single_shift;
  const std::string_view payload = user_data.substr(udh.length);

  CompletedMo header;
  header.source_addr = std::string(pdu.source_addr);
  header.source_addr_ton = pdu.source_addr_ton;
  header.source_addr_npi = pdu.source_addr_npi;
  header.destination_addr = std::string(pdu.destination_addr);
  header.dest_addr_ton = pdu.dest_addr_ton;
  header.dest_addr_npi = pdu.dest_addr_npi;
  header.concat_ignored = concat_ignored;
  header.first_part_at = now;

  if (!concat || concat->total == 1) {
    ++stats_.single;
    if (concat) {
      header.scheme = concat->scheme;
      header.reference = concat->reference;
    }
    part.payload = std::string(payload);
    Pending single{std::string(), std::move(header), {}, 0};
    single.parts.push_back(std::move(part));
    result.status = MoStatus::Complete;
    result.message = finish(single, MoCompletion::Complete);
    return result;
  }
  if (concat->total > config_.max_parts) return reject(MoInvalid::TooManyParts);

  const size_t part_cost = payload.size() + kPartOverhead;
  std::string key =
      makeKey(pdu.source_addr, pdu.destination_addr, concat->reference, concat->total);
  auto found = index_.find(std::string_view(key));
  PendingList::iterator target = order_.end();
  if (found != index_.end()) {
    target = found->second;
    std::vector<Part>& parts = target->parts;
    auto pos = std::lower_bound(parts.begin(), parts.end(), part.sequence,
                                [](const Part& p, uint8_t seq) { return p.sequence < seq; });
    if (pos != parts.end() && pos->sequence == part.sequence) {
      ++stats_.duplicates;
      result.status = MoStatus::Duplicate;
      return result;
    }
    const bool binary = part.coding == sms::DataCoding::Binary;
    if (binary != (parts.front().coding == sms::DataCoding::Binary)) {
      return reject(MoInvalid::CodingMismatch);
    }
    if (target->bytes + part_cost > config_.max_pending_bytes) return reject(MoInvalid::TooLarge);
  } else {
    const size_t cost = kMessageOverhead + key.size() + part_cost;
    if (cost > config_.max_pending_bytes) return reject(MoInvalid::TooLarge);
    while (order_.size() >= config_.max_pending_messages) {
      ++stats_.evicted;
      result.evicted.push_back(finish(order_.front(), MoCompletion::Evicted));
      release(order_.begin());
    }
    header.scheme = concat->scheme;
    header.reference = concat->reference;
    header.total_parts = concat->total;
    order_.push_back(Pending{std::move(key), std::move(header), {}, kMessageOverhead});
    target = std::prev(order_.end());
    target->bytes += target->key.size();
    pending_bytes_ += target->bytes;
    index_.emplace(std::string_view(target->key), target);
  }

  // Byte bound: evict the oldest other messages. target->bytes + part_cost fits on its own, so
  // this terminates.
  while (pending_bytes_ + part_cost > config_.max_pending_bytes) {
    auto victim = order_.begin();
    if (victim == target) ++victim;
    if (victim == order_.end()) break;  // unreachable: see above
    ++stats_.evicted;
    result.evicted.push_back(finish(*victim, MoCompletion::Evicted));
    release(victim);
  }

  part.payload = std::string(payload);
  std::vector<Part>& parts = target->parts;
  auto pos = std::lower_bound(parts.begin(), parts.end(), part.sequence,
                              [](const Part& p, uint8_t seq) { return p.sequence < seq; });
  parts.insert(pos, std::move(part));
  target->bytes += part_cost;
  pending_bytes_ += part_cost;

  if (parts.size() == target->header.total_parts) {
    ++stats_.completed;
    result.status = MoStatus::Complete;
    result.message = finish(*target, MoCompletion::Complete);
    release(target);
  } else {
    result.status = MoStatus::Pending;
  }
  updateGauges();
  return result;
}

std::vector<CompletedMo> MoReassembler::expire(TimePoint now, size_t limit) {
  std::vector<CompletedMo> out;
  while (!order_.empty() && out.size() < limit &&
         now - order_.front().header.first_part_at >= config_.part_timeout) {
    ++stats_.expired;
    out.push_back(finish(order_.front(), MoCompletion::Expired));
    release(order_.begin());
  }
  updateGauges();
  return out;
}

}  // namespace liaison::gateway::smpp
