// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Segment construction. Uses the same greedy split rule as the counters in encoding.cc (the
// whole text in one part if it fits, otherwise fill each part and move a character that does not
// fit whole to the next part), so encodeText and analyzeText always agree on segment counts.

#include "sms/segmenter.h"

#include "liaison/sync/assert.h"

#include "sms/utf8.h"

namespace liaison::gateway::sms {
namespace {

std::vector<uint8_t> buildUdh(const EncodingChoice& choice, const EncodeOptions& options,
                              size_t total, size_t sequence) {
  std::vector<uint8_t> udh;
  const bool concatenated = total > 1;
  if (!concatenated && choice.nationalIeOctets() == 0) return udh;
  udh.reserve(13);
  udh.push_back(0);  // UDHL, patched below.
  if (concatenated) {
    if (options.ref_size == ConcatRefSize::Bits8) {
      udh.insert(udh.end(), {kIeiConcat8, 3, static_cast<uint8_t>(options.reference & 0xFF)});
    } else {
      udh.insert(udh.end(), {kIeiConcat16, 4, static_cast<uint8_t>(options.reference >> 8),
                             static_cast<uint8_t>(options.reference & 0xFF)});
    }
    udh.push_back(static_cast<uint8_t>(total));
    udh.push_back(static_cast<uint8_t>(sequence));
  }
  if (choice.encoding == Encoding::Gsm7 && choice.single_shift != Language::Default) {
    udh.insert(udh.end(), {kIeiSingleShift, 1, static_cast<uint8_t>(choice.single_shift)});
  }
  if (choice.encoding == Encoding::Gsm7 && choice.locking_shift != Language::Default) {
    udh.insert(udh.end(), {kIeiLockingShift, 1, static_cast<uint8_t>(choice.locking_shift)});
  }
  udh[0] = static_cast<uint8_t>(udh.size() - 1);
  return udh;
}

// Writes the code points from `*index` on into `out` while they fit in `capacity` units (a
// character never straddles two parts); returns the units written and advances `*index`.
size_t fillGsm7(std::span<const char32_t> code_points, const SeptetLookup& lookup, size_t capacity,
                size_t* index, uint8_t* out) {
  size_t used = 0;
  size_t i = *index;
  for (; i < code_points.size(); ++i) {
    const int septet = lookup.lockingSeptet(code_points[i]);
    if (septet >= 0) {
      if (used + 1 > capacity) break;
      out[used++] = static_cast<uint8_t>(septet);
    } else {
      // analyzeCodePoints guarantees the character is in the single shift table.
      if (used + 2 > capacity) break;
      out[used++] = kEscapeSeptet;
      out[used++] = static_cast<uint8_t>(lookup.singleSeptet(code_points[i]));
    }
  }
  *index = i;
  return used;
}

size_t fillUcs2(std::span<const char32_t> code_points, size_t capacity, size_t* index,
                uint8_t* out) {
  size_t used = 0;
  size_t i = *index;
  for (; i < code_points.size(); ++i) {
    const char32_t code_point = code_points[i];
    if (code_point > 0xFFFF) {
      if (used + 2 > capacity) break;
      const char32_t v = code_point - 0x10000;
      const char32_t high = 0xD800 + (v >> 10);
      const char32_t low = 0xDC00 + (v & 0x3FF);
      out[2 * used] = static_cast<uint8_t>(high >> 8);
      out[2 * used + 1] = static_cast<uint8_t>(high & 0xFF);
      out[2 * used + 2] = static_cast<uint8_t>(low >> 8);
      out[2 * used + 3] = static_cast<uint8_t>(low & 0xFF);
      used += 2;
    } else {
      if (used + 1 > capacity) break;
      out[2 * used] = static_cast<uint8_t>(code_point >> 8);
      out[2 * used + 1] = static_cast<uint8_t>(code_point & 0xFF);
      used += 1;
    }
  }
  *index = i;
  return used;
}

}  // namespace

EncodeResult encodeCodePoints(std::span<const char32_t> code_points, const EncodeOptions& options) {
  EncodeResult result;
  AnalyzeResult analysis = analyzeCodePoints(code_points, options);
  result.info = analysis.info;
  if (!analysis.ok()) {
    result.error = analysis.error;
    result.message = std::move(analysis.message);
    return result;
  }
  const EncodingChoice& choice = result.info.choice;
  const SegmentCapacity capacity = segmentCapacity(choice, options.ref_size);
  const size_t total = result.info.segments;
  const size_t per_part = total == 1 ? capacity.single_part_units : capacity.multi_part_units;

  const SeptetLookup lookup(choice.locking_shift, choice.single_shift);
  result.segments.reserve(total);
  size_t index = 0;
  for (size_t sequence = 1; sequence <= total; ++sequence) {
    Segment& segment = result.segments.emplace_back();
    segment.sequence = static_cast<uint8_t>(sequence);
    segment.first_code_point = index;
    segment.udh = buildUdh(choice, options, total, sequence);
    // Write into a buffer sized for a full part, then trim: no per-character reallocation.
    const size_t octets_per_unit = choice.encoding == Encoding::Gsm7 ? 1 : 2;
    segment.payload.resize(per_part * octets_per_unit);
    const size_t used =
        choice.encoding == Encoding::Gsm7
            ? fillGsm7(code_points, lookup, per_part, &index, segment.payload.data())
            : fillUcs2(code_points, per_part, &index, segment.payload.data());
    segment.payload.resize(used * octets_per_unit);
    segment.code_point_count = index - segment.first_code_point;

    segment.user_data.reserve(kMaxUserDataOctets);
    segment.user_data = segment.udh;
    if (choice.encoding == Encoding::Gsm7) {
      const size_t udh_octets = segment.udh.size();
      packSeptets(segment.payload, udhSeptets(udh_octets) * 7, &segment.user_data);
      segment.user_data_length = udhSeptets(udh_octets) + segment.payload.size();
    } else {
      segment.user_data.insert(segment.user_data.end(), segment.payload.begin(),
                               segment.payload.end());
      segment.user_data_length = segment.user_data.size();
    }
  }
  // analyzeCodePoints and this loop apply the same rule; a mismatch is a programming error.
  LIAISON_RELEASE_ASSERT(index == code_points.size(), "segmenter and analyser disagree");
  return result;
}

EncodeResult encodeText(std::string_view text, const EncodeOptions& options) {
  EncodeResult result;
  std::vector<char32_t> code_points;
  result.error = textToCodePoints(text, &code_points, &result.message);
  if (result.error != EncodeError::None) return result;
  return encodeCodePoints(code_points, options);
}

}  // namespace liaison::gateway::sms
