// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// GSM 7-bit alphabet support (3GPP TS 23.038): the default alphabet and extension table, the
// national language locking/single shift tables of Annex A, fast reverse lookup from Unicode
// to septets, and septet packing/unpacking as used in TP-User-Data (3GPP TS 23.040 9.2.3.24).
// Everything here is pure and allocation-free except the vector-appending pack helpers.

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace liaison::gateway::sms {

// National language identifiers; the numeric values are the codes carried in UDH IEs 0x24/0x25.
enum class Language : uint8_t {
  Default = 0,
  Turkish = 1,
  Spanish = 2,  // Single shift table only: there is no Spanish locking shift table.
  Portuguese = 3,
  Bengali = 4,
  Gujarati = 5,
  Hindi = 6,
  Kannada = 7,
  Malayalam = 8,
  Oriya = 9,
  Punjabi = 10,
  Tamil = 11,
  Telugu = 12,
  Urdu = 13,
};

inline constexpr size_t kLanguageCount = 14;
inline constexpr uint8_t kEscapeSeptet = 0x1B;
inline constexpr char16_t kUndefinedChar = 0xFFFF;

// All national languages (Default excluded), in spec order; the default allow-list.
inline constexpr std::array<Language, kLanguageCount - 1> kAllNationalLanguages = {
    Language::Turkish,  Language::Spanish, Language::Portuguese, Language::Bengali,
    Language::Gujarati, Language::Hindi,   Language::Kannada,    Language::Malayalam,
    Language::Oriya,    Language::Punjabi, Language::Tamil,      Language::Telugu,
    Language::Urdu};

// Returns a short English name ("Default", "Turkish", ...), or "Unknown" for out-of-range values.
std::string_view languageName(Language language);

// Maps a raw IE language code to a Language; false for codes this library has no table for.
bool languageFromCode(uint8_t code, Language* out);

// Locking shift (main) table of `language`: septet -> UTF-16 unit or kUndefinedChar.
// Returns nullptr when the language has no locking table (Spanish) or is out of range.
const std::array<char16_t, 128>* lockingShiftTable(Language language);

// Single shift (extension) table of `language`, reached through the 0x1B escape; never null for
// a valid language (Default is the GSM extension table). Returns nullptr when out of range.
const std::array<char16_t, 128>* singleShiftTable(Language language);

// Bit of `language`'s locking table / single shift table in a membership mask.
constexpr uint32_t lockingBit(Language language) { return 1u << static_cast<unsigned>(language); }
constexpr uint32_t singleShiftBit(Language language) {
  return 1u << (16 + static_cast<unsigned>(language));
}

// Resolved view of the reverse (Unicode -> septet) index for one locking/single table pair.
// Construction is cheap; lookups are a few inlined array reads with no allocation, suitable for
// per-character loops. Out-of-range languages behave as empty tables.
class SeptetLookup {
 public:
  explicit SeptetLookup(Language locking = Language::Default, Language single = Language::Default);

  // Septet of `code_point` in the locking / single shift table, or -1. The escape position and
  // undefined entries never match; a character listed twice yields the lower septet.
  int lockingSeptet(char32_t code_point) const { return find(locking_, code_point); }
  int singleSeptet(char32_t code_point) const { return find(single_, code_point); }

  // 1 (locking table), 2 (escape + single shift table) or 0 (not representable).
  int cost(char32_t code_point) const {
    if (lockingSeptet(code_point) >= 0) return 1;
    return singleSeptet(code_point) >= 0 ? 2 : 0;
  }

  // Tables of every language that contain `code_point` (lockingBit / singleShiftBit).
  uint32_t membership(char32_t code_point) const {
    const int slot = slotOf(code_point);
    return slot < 0 ? 0 : membership_[static_cast<size_t>(slot) * 256 + (code_point & 0xFF)];
  }

 private:
  int slotOf(char32_t code_point) const {
    return code_point > 0xFFFF ? -1 : page_slot_[code_point >> 8];
  }
  int find(const uint8_t* table, char32_t code_point) const {
    const int slot = slotOf(code_point);
    if (slot < 0 || table == nullptr) return -1;
    const uint8_t septet = table[static_cast<size_t>(slot) * 256 + (code_point & 0xFF)];
    return septet == 0xFF ? -1 : septet;
  }

  const int8_t* page_slot_;
  const uint8_t* locking_;
  const uint8_t* single_;
  const uint32_t* membership_;
};

// Convenience wrappers over SeptetLookup for one-off lookups.
int lockingSeptetFor(Language language, char32_t code_point);
int singleShiftSeptetFor(Language language, char32_t code_point);
int septetCost(Language locking, Language single, char32_t code_point);

// Appends septets packed LSB-first to `out`, the first one at absolute bit `bit_offset` of `out`.
// Requires bit_offset >= out->size() * 8; the bits in between are zero fill bits (after a UDH).
void packSeptets(std::span<const uint8_t> septets, size_t bit_offset, std::vector<uint8_t>* out);

// Unpacks `count` septets starting at absolute bit `bit_offset` of `packed` into `out`. Returns
// false (leaving `out` with what could be read) if the input has fewer bits than requested.
bool unpackSeptets(std::span<const uint8_t> packed, size_t bit_offset, size_t count,
                   std::vector<uint8_t>* out);

// Number of septets a UDH of `udh_octets` (UDHL included) occupies incl. fill bits: ceil(8n/7).
constexpr size_t udhSeptets(size_t udh_octets) { return (udh_octets * 8 + 6) / 7; }

// Fill bits between a UDH of `udh_octets` octets and the first septet (0-6).
constexpr size_t udhFillBits(size_t udh_octets) { return (7 - (udh_octets * 8) % 7) % 7; }

}  // namespace liaison::gateway::sms
