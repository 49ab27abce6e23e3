// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Choice of the cheapest SMS encoding for a text and exact length accounting: GSM 7-bit default
// alphabet (+extension), GSM 7-bit with national language shift tables (3GPP TS 23.038 Annex A,
// signalled by UDH IEs 0x24/0x25), or UCS-2/UTF-16. Pure functions, no I/O, no exceptions.

#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sms/gsm7.h"

namespace liaison::gateway::sms {

enum class Encoding : uint8_t { Gsm7, Ucs2 };

// Size of the concatenation reference: IE 0x00 (8-bit, 5 octets) or IE 0x08 (16-bit, 6 octets).
enum class ConcatRefSize : uint8_t { Bits8, Bits16 };

// Auto picks the cheapest; Gsm7Only fails with Unencodable instead of falling back to UCS-2.
enum class EncodingPolicy : uint8_t { Auto, Gsm7Only, Ucs2Only };

enum class EncodeError : uint8_t {
  None,
  InvalidUtf8,      // Input is not well-formed UTF-8 (or contains a non-scalar code point).
  InputTooLong,     // Input cannot possibly fit in max_segments segments.
  Unencodable,      // Gsm7Only policy and a character has no GSM 7-bit representation.
  TooManySegments,  // The cheapest encoding still needs more than max_segments segments.
  InvalidOptions,   // max_segments outside 1..255 or an unknown language value.
};

inline constexpr size_t kMaxSegmentsLimit = 255;  // The concatenation "total" field is one octet.
inline constexpr size_t kMaxUserDataOctets = 140;
inline constexpr size_t kGsm7SingleSegmentSeptets = 160;

struct EncodeOptions {
  // National languages that may be used, most preferred first; empty disables national tables.
  // The span must outlive the call. Default: all languages of TS 23.038 Annex A.
  std::span<const Language> languages = kAllNationalLanguages;
  ConcatRefSize ref_size = ConcatRefSize::Bits8;
  uint16_t reference = 0;  // Concatenation reference; only the low octet is used with Bits8.
  size_t max_segments = kMaxSegmentsLimit;  // 1..255.
  EncodingPolicy policy = EncodingPolicy::Auto;
};

struct EncodingChoice {
  Encoding encoding = Encoding::Gsm7;
  Language locking_shift = Language::Default;  // GSM 7 only; Default = no IE 0x25.
  Language single_shift = Language::Default;   // GSM 7 only; Default = no IE 0x24.

  // Octets of national language IEs (3 per non-default table) in every segment's UDH.
  constexpr size_t nationalIeOctets() const {
    if (encoding != Encoding::Gsm7) return 0;
    return (locking_shift != Language::Default ? 3 : 0) +
           (single_shift != Language::Default ? 3 : 0);
  }
  friend constexpr bool operator==(const EncodingChoice&, const EncodingChoice&) = default;
};

// Per-segment capacity in units (septets for GSM 7, UTF-16 units for UCS-2) and UDH sizes
// (octets incl. UDHL; 0 = no UDH) for a single-part and for each part of a multi-part message.
struct SegmentCapacity {
  size_t single_part_units = 0;
  size_t multi_part_units = 0;
  size_t single_part_udh_octets = 0;
  size_t multi_part_udh_octets = 0;
};

SegmentCapacity segmentCapacity(const EncodingChoice& choice, ConcatRefSize ref_size);

// Exact counts for a text under a chosen encoding.
struct TextInfo {
  EncodingChoice choice;
  size_t code_points = 0;        // Unicode code points in the input.
  size_t units = 0;              // Septets incl. escapes (GSM 7) or UTF-16 units (UCS-2).
  size_t segments = 0;           // 1 for an empty text.
  size_t units_remaining = 0;    // Free units in the last segment (GSM: = basic chars that fit).
  size_t units_per_segment = 0;  // Capacity of each segment under the current segment count.
  size_t udh_octets = 0;         // UDH octets per segment incl. UDHL (0 when none).
};

struct AnalyzeResult {
  EncodeError error = EncodeError::None;
  std::string message;  // Human-readable reason when error != None.
  TextInfo info;        // Filled when ok(), and also for TooManySegments.
  bool ok() const { return error == EncodeError::None; }
};

// Decodes UTF-8 `text` into `code_points` for the analysers, refusing input that cannot fit in
// the maximum number of segments. On error, `message` says why (never quoting the text).
EncodeError textToCodePoints(std::string_view text, std::vector<char32_t>* code_points,
                             std::string* message);

// Chooses the cheapest encoding for UTF-8 `text` and returns its exact counts. Fewest segments
// wins; ties prefer the default alphabet, then UCS-2, then fewer national UDH octets, then
// same-language table pairs, then the caller's language order, then fewer units.
AnalyzeResult analyzeText(std::string_view text, const EncodeOptions& options = {});

// Same as analyzeText for already-decoded code points (which must be Unicode scalar values).
AnalyzeResult analyzeCodePoints(std::span<const char32_t> code_points,
                                const EncodeOptions& options = {});

// Units `code_point` costs under `choice`: 1 or 2 (GSM escape / UTF-16 surrogate pair), 0 when
// unrepresentable.
int unitCost(const EncodingChoice& choice, char32_t code_point);

std::string_view encodeErrorName(EncodeError error);

}  // namespace liaison::gateway::sms
