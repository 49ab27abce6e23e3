// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Cheapest-encoding search. One pass prices the text in the GSM default alphabet and in UCS-2;
// only when that cannot be beaten trivially are the national language table pairs priced, using
// per-character table membership bitmasks so each (locking, single) pair costs O(distinct masks)
// for a lower bound and one exact greedy segmentation pass for the few promising pairs.

#include "sms/encoding.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <vector>

#include "sms/utf8.h"

namespace liaison::gateway::sms {
namespace {

constexpr size_t kConcat8IeOctets = 5;   // IEI, IEDL, reference, total, sequence.
constexpr size_t kConcat16IeOctets = 6;  // IEI, IEDL, reference (2), total, sequence.

struct SegmentCount {
  size_t segments = 1;
  size_t remaining = 0;
};

// Greedy segmentation of a text of `total` units: all in one part if it fits, otherwise parts of
// multi_part_units where a 2-unit character (escape pair, surrogate pair) never straddles parts.
// `cost(i)` gives the units of the i-th character; it is only called for multi-part texts.
template <typename CostFn>
SegmentCount countSegments(const SegmentCapacity& capacity, size_t total, size_t length,
                           CostFn cost) {
  if (total <= capacity.single_part_units) return {1, capacity.single_part_units - total};
  const size_t multi = capacity.multi_part_units;
  SegmentCount count;
  size_t used = 0;
  for (size_t i = 0; i < length; ++i) {
    const size_t units = cost(i);
    if (used + units > multi) {
      ++count.segments;
      used = 0;
    }
    used += units;
  }
  count.remaining = multi - used;
  return count;
}

// Ordering key of a candidate; lexicographically smaller is better.
struct Candidate {
  EncodingChoice choice;
  size_t segments = 0;
  size_t rank = 0;   // 0 GSM default, 1 UCS-2, 2 + national IE octets.
  size_t mixed = 0;  // 1 when locking and single shift tables are of two different languages.
  size_t preference = 0;
  size_t units = 0;
  size_t remaining = 0;

  // The table codes close the key so that the order is total and the choice deterministic.
  auto key() const {
    return std::make_tuple(segments, rank, mixed, preference, units,
                           static_cast<int>(choice.locking_shift),
                           static_cast<int>(choice.single_shift));
  }
};

std::string hexCodePoint(char32_t value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string hex;
  do {
    hex.insert(hex.begin(), kHex[value & 0xF]);
    value >>= 4;
  } while (value != 0 || hex.size() < 4);
  return hex;
}

bool validLanguage(Language language) { return static_cast<size_t>(language) < kLanguageCount; }

TextInfo makeInfo(const Candidate& best, size_t code_points, ConcatRefSize ref_size) {
  const SegmentCapacity capacity = segmentCapacity(best.choice, ref_size);
  TextInfo info;
  info.choice = best.choice;
  info.code_points = code_points;
  info.units = best.units;
  info.segments = best.segments;
  info.units_remaining = best.remaining;
  const bool single = best.segments <= 1;
  info.units_per_segment = single ? capacity.single_part_units : capacity.multi_part_units;
  info.udh_octets = single ? capacity.single_part_udh_octets : capacity.multi_part_udh_octets;
  return info;
}

// Searches (locking, single) pairs over the allowed languages; updates `best` if one wins.
void searchNational(std::span<const char32_t> code_points, const EncodeOptions& options,
                    Candidate* best, bool* have_best) {
  // Preference position per language: Default 0, listed languages 1.. in caller order.
  std::array<size_t, kLanguageCount> position{};
  std::array<bool, kLanguageCount> allowed{};
  allowed[0] = true;
  size_t next_position = 1;
  for (const Language language : options.languages) {
    const auto index = static_cast<size_t>(language);
    if (index == 0 || allowed[index]) continue;
    allowed[index] = true;
    position[index] = next_position++;
  }
  if (next_position == 1) return;

  // Membership masks restricted to the allowed tables: bit L = in locking table L, bit 16 + S =
  // in single shift table S. Texts are short and use few distinct masks, so group them linearly.
  uint32_t allowed_mask = 0;
  for (size_t lang = 0; lang < kLanguageCount; ++lang) {
    if (allowed[lang]) {
      allowed_mask |=
          lockingBit(static_cast<Language>(lang)) | singleShiftBit(static_cast<Language>(lang));
    }
  }
  const SeptetLookup lookup;
  std::vector<uint32_t> masks;
  masks.reserve(code_points.size());
  std::vector<std::pair<uint32_t, size_t>> groups;
  uint32_t all_or = 0;
  for (const char32_t code_point : code_points) {
    const uint32_t mask = lookup.membership(code_point) & allowed_mask;
    if (mask == 0) return;  // Some character is in no allowed table at all.
    masks.push_back(mask);
    all_or |= mask;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [mask](const auto& entry) { return entry.first == mask; });
    if (group != groups.end()) {
      ++group->second;
    } else {
      groups.emplace_back(mask, 1);
    }
  }

  std::vector<Candidate> candidates;
  for (size_t locking = 0; locking < kLanguageCount; ++locking) {
    // A national locking table holding none of the characters never beats the default one.
    if (!allowed[locking] || (locking != 0 && (all_or & (1u << locking)) == 0)) continue;
    for (size_t single = 0; single < kLanguageCount; ++single) {
      if (!allowed[single] || (locking == 0 && single == 0)) continue;
      // Likewise a national single shift table holding none of the characters.
      if (single != 0 && (all_or & singleShiftBit(static_cast<Language>(single))) == 0) continue;
      const uint32_t lock_bit = lockingBit(static_cast<Language>(locking));
      const uint32_t single_bit = singleShiftBit(static_cast<Language>(single));
      size_t total = 0;
      bool feasible = true;
      for (const auto& [mask, count] : groups) {
        if (mask & lock_bit) {
          total += count;
        } else if (mask & single_bit) {
          total += 2 * count;
        } else {
          feasible = false;
          break;
        }
      }
      if (!feasible) continue;
      Candidate candidate;
      candidate.choice = {Encoding::Gsm7, static_cast<Language>(locking),
                          static_cast<Language>(single)};
      const SegmentCapacity capacity = segmentCapacity(candidate.choice, options.ref_size);
      candidate.segments = total <= capacity.single_part_units
                               ? 1
                               : (total + capacity.multi_part_units - 1) /
                                     capacity.multi_part_units;  // Lower bound.
      candidate.rank = 2 + candidate.choice.nationalIeOctets();
      candidate.mixed = locking != 0 && single != 0 && locking != single ? 1 : 0;
      candidate.preference = std::max(position[locking], position[single]);
      candidate.units = total;
      candidates.push_back(candidate);
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.key() < b.key(); });

  for (Candidate& candidate : candidates) {
    if (*have_best && !(candidate.key() < best->key())) break;  // Bound only grows from here.
    const uint32_t lock_bit = lockingBit(candidate.choice.locking_shift);
    const auto cost = [&](size_t i) -> size_t { return masks[i] & lock_bit ? 1 : 2; };
    const SegmentCount count = countSegments(segmentCapacity(candidate.choice, options.ref_size),
                                             candidate.units, masks.size(), cost);
    candidate.segments = count.segments;
    candidate.remaining = count.remaining;
    if (!*have_best || candidate.key() < best->key()) {
      *best = candidate;
      *have_best = true;
    }
  }
}

}  // namespace

SegmentCapacity segmentCapacity(const EncodingChoice& choice, ConcatRefSize ref_size) {
  SegmentCapacity capacity;
  const size_t national = choice.nationalIeOctets();
  const size_t concat = ref_size == ConcatRefSize::Bits8 ? kConcat8IeOctets : kConcat16IeOctets;
  capacity.single_part_udh_octets = national == 0 ? 0 : 1 + national;
  capacity.multi_part_udh_octets = 1 + concat + national;
  if (choice.encoding == Encoding::Gsm7) {
    capacity.single_part_units =
        kGsm7SingleSegmentSeptets - udhSeptets(capacity.single_part_udh_octets);
    capacity.multi_part_units =
        kGsm7SingleSegmentSeptets - udhSeptets(capacity.multi_part_udh_octets);
  } else {
    capacity.single_part_units = (kMaxUserDataOctets - capacity.single_part_udh_octets) / 2;
    capacity.multi_part_units = (kMaxUserDataOctets - capacity.multi_part_udh_octets) / 2;
  }
  return capacity;
}

int unitCost(const EncodingChoice& choice, char32_t code_point) {
  if (choice.encoding == Encoding::Ucs2) {
    if (!isScalarValue(code_point)) return 0;
    return code_point > 0xFFFF ? 2 : 1;
  }
  return septetCost(choice.locking_shift, choice.single_shift, code_point);
}

AnalyzeResult analyzeCodePoints(std::span<const char32_t> code_points,
                                const EncodeOptions& options) {
  AnalyzeResult result;
  if (options.max_segments < 1 || options.max_segments > kMaxSegmentsLimit) {
    result.error = EncodeError::InvalidOptions;
    result.message =
        "max_segments must be within 1..255, got " + std::to_string(options.max_segments);
    return result;
  }
  for (const Language language : options.languages) {
    if (!validLanguage(language)) {
      result.error = EncodeError::InvalidOptions;
      result.message =
          "unknown national language value " + std::to_string(static_cast<unsigned>(language));
      return result;
    }
  }
  // Work is bounded by the absolute limit so that counts stay exact for any max_segments.
  if (code_points.size() > kMaxSegmentsLimit * kGsm7SingleSegmentSeptets) {
    result.error = EncodeError::InputTooLong;
    result.message = "text of " + std::to_string(code_points.size()) +
                     " characters cannot fit in " + std::to_string(kMaxSegmentsLimit) + " segments";
    return result;
  }

  // Pass 1 prices the GSM default alphabet and UCS-2 (totals only; the greedy split below runs
  // a second pass just for texts longer than one part).
  const EncodingChoice gsm_choice{Encoding::Gsm7, Language::Default, Language::Default};
  const EncodingChoice ucs2_choice{Encoding::Ucs2, Language::Default, Language::Default};
  const SeptetLookup gsm_lookup;
  bool gsm_ok = true;
  size_t gsm_units = 0;
  size_t ucs2_units = 0;
  size_t escapes = 0;
  size_t first_unencodable = 0;
  for (size_t i = 0; i < code_points.size(); ++i) {
    const char32_t code_point = code_points[i];
    if (!isScalarValue(code_point)) {
      result.error = EncodeError::InvalidUtf8;
      result.message =
          "code point at index " + std::to_string(i) + " is not a Unicode scalar value";
      return result;
    }
    ucs2_units += code_point > 0xFFFF ? 2 : 1;
    if (gsm_ok) {
      const int cost = gsm_lookup.cost(code_point);
      if (cost == 0) {
        gsm_ok = false;
        first_unencodable = i;
      }
      gsm_units += static_cast<size_t>(cost);
      escapes += cost == 2 ? 1 : 0;
    }
  }

  Candidate best;
  bool have_best = false;
  SegmentCount gsm;
  if (options.policy != EncodingPolicy::Ucs2Only && gsm_ok) {
    gsm = countSegments(
        segmentCapacity(gsm_choice, options.ref_size), gsm_units, code_points.size(),
        [&](size_t i) -> size_t { return static_cast<size_t>(gsm_lookup.cost(code_points[i])); });
    best = {gsm_choice, gsm.segments, 0, 0, 0, gsm_units, gsm.remaining};
    have_best = true;
  }
  if (options.policy != EncodingPolicy::Gsm7Only) {
    const SegmentCount ucs2 = countSegments(
        segmentCapacity(ucs2_choice, options.ref_size), ucs2_units, code_points.size(),
        [&](size_t i) -> size_t { return code_points[i] > 0xFFFF ? 2 : 1; });
    const Candidate candidate{ucs2_choice, ucs2.segments, 1, 0, 0, ucs2_units, ucs2.remaining};
    if (!have_best || candidate.key() < best.key()) {
      best = candidate;
      have_best = true;
    }
  }
  // National tables can only help if GSM fails, or if escapes cost extra segments (some
  // locking tables hold default-extension characters such as the euro sign as one septet).
  const bool try_national = options.policy != EncodingPolicy::Ucs2Only &&
                            !options.languages.empty() &&
                            (!gsm_ok || (escapes > 0 && gsm.segments > 1));
  if (try_national) searchNational(code_points, options, &best, &have_best);

  if (!have_best) {
    result.error = EncodeError::Unencodable;
    result.message = "character U+" + hexCodePoint(code_points[first_unencodable]) + " at index " +
                     std::to_string(first_unencodable) +
                     " has no GSM 7-bit representation in the allowed tables";
    return result;
  }
  result.info = makeInfo(best, code_points.size(), options.ref_size);
  if (result.info.segments > options.max_segments) {
    result.error = EncodeError::TooManySegments;
    result.message = "text needs " + std::to_string(result.info.segments) +
                     " segments, more than the maximum of " + std::to_string(options.max_segments);
  }
  return result;
}

EncodeError textToCodePoints(std::string_view text, std::vector<char32_t>* code_points,
                             std::string* message) {
  // A part holds at most 160 code points of at most 4 UTF-8 bytes each.
  if (text.size() > kMaxSegmentsLimit * kGsm7SingleSegmentSeptets * 4) {
    *message = "text of " + std::to_string(text.size()) + " bytes cannot fit in " +
               std::to_string(kMaxSegmentsLimit) + " segments";
    return EncodeError::InputTooLong;
  }
  code_points->clear();
  code_points->reserve(text.size());
  size_t error_offset = 0;
  if (!decodeUtf8(text, code_points, &error_offset)) {
    *message = "invalid UTF-8 sequence at byte offset " + std::to_string(error_offset);
    return EncodeError::InvalidUtf8;
  }
  return EncodeError::None;
}

AnalyzeResult analyzeText(std::string_view text, const EncodeOptions& options) {
  AnalyzeResult result;
  std::vector<char32_t> code_points;
  result.error = textToCodePoints(text, &code_points, &result.message);
  if (result.error != EncodeError::None) return result;
  return analyzeCodePoints(code_points, options);
}

std::string_view encodeErrorName(EncodeError error) {
  switch (error) {
    case EncodeError::None: return "None";
    case EncodeError::InvalidUtf8: return "InvalidUtf8";
    case EncodeError::InputTooLong: return "InputTooLong";
    case EncodeError::Unencodable: return "Unencodable";
    case EncodeError::TooManySegments: return "TooManySegments";
    case EncodeError::InvalidOptions: return "InvalidOptions";
  }
  return "Unknown";
}

}  // namespace liaison::gateway::sms
