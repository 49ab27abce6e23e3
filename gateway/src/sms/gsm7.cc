// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Reverse (Unicode -> septet) index over all GSM 7-bit tables, built once on first use, plus the
// septet packing helpers. The index is a page directory keyed by the high byte of a BMP code point
// so a lookup costs two array reads and never allocates.

#include "sms/gsm7.h"

#include "liaison/sync/assert.h"

#include <algorithm>
#include <cstring>

namespace liaison::gateway::sms {
namespace {

// Distinct 256-code-point pages used by all tables together (Latin-1, Latin Extended-A, Greek,
// Arabic, five Indic blocks, currency, math) is 11; keep headroom.
constexpr size_t kMaxPages = 16;
constexpr uint8_t kNoSeptet = 0xFF;
constexpr int kLockingKind = 0;
constexpr int kSingleKind = 1;

struct ReverseIndex {
  std::array<int8_t, 256> page_slot;
  uint8_t septet[2][kLanguageCount][kMaxPages][256];
  uint32_t membership[kMaxPages][256];
};

void addTable(ReverseIndex* index, int kind, size_t language,
              const std::array<char16_t, 128>* table, size_t* pages_used) {
  if (table == nullptr) return;
  for (size_t septet = 0; septet < table->size(); ++septet) {
    const char16_t ch = (*table)[septet];
    if (ch == kUndefinedChar || septet == kEscapeSeptet) continue;
    const size_t page = ch >> 8;
    if (index->page_slot[page] < 0) {
      LIAISON_RELEASE_ASSERT(*pages_used < kMaxPages, "GSM 7 reverse table overflow");
      index->page_slot[page] = static_cast<int8_t>((*pages_used)++);
    }
    const auto slot = static_cast<size_t>(index->page_slot[page]);
    uint8_t& entry = index->septet[kind][language][slot][ch & 0xFF];
    if (entry == kNoSeptet) entry = static_cast<uint8_t>(septet);
    const auto lang = static_cast<Language>(language);
    index->membership[slot][ch & 0xFF] |=
        kind == kLockingKind ? lockingBit(lang) : singleShiftBit(lang);
  }
}

void buildReverseIndex(ReverseIndex* index) {
  index->page_slot.fill(-1);
  std::memset(index->septet, kNoSeptet, sizeof(index->septet));
  std::memset(index->membership, 0, sizeof(index->membership));
  size_t pages_used = 0;
  for (size_t lang = 0; lang < kLanguageCount; ++lang) {
    const auto language = static_cast<Language>(lang);
    addTable(index, kLockingKind, lang, lockingShiftTable(language), &pages_used);
    addTable(index, kSingleKind, lang, singleShiftTable(language), &pages_used);
  }
}

const ReverseIndex& reverseIndex() {
  static ReverseIndex index;
  static const bool built = (buildReverseIndex(&index), true);
  (void)built;
  return index;
}

const uint8_t* tableBase(const ReverseIndex& index, int kind, Language language) {
  const auto lang = static_cast<size_t>(language);
  return lang < kLanguageCount ? &index.septet[kind][lang][0][0] : nullptr;
}

constexpr std::array<std::string_view, kLanguageCount> kLanguageNames = {
    "Default", "Turkish",   "Spanish", "Portuguese", "Bengali", "Gujarati", "Hindi",
    "Kannada", "Malayalam", "Oriya",   "Punjabi",    "Tamil",   "Telugu",   "Urdu"};

}  // namespace

std::string_view languageName(Language language) {
  const auto index = static_cast<size_t>(language);
  return index < kLanguageCount ? kLanguageNames[index] : std::string_view("Unknown");
}

bool languageFromCode(uint8_t code, Language* out) {
  if (code >= kLanguageCount) return false;
  *out = static_cast<Language>(code);
  return true;
}

SeptetLookup::SeptetLookup(Language locking, Language single) {
  const ReverseIndex& index = reverseIndex();
  page_slot_ = index.page_slot.data();
  locking_ = tableBase(index, kLockingKind, locking);
  single_ = tableBase(index, kSingleKind, single);
  membership_ = &index.membership[0][0];
}

int lockingSeptetFor(Language language, char32_t code_point) {
  return SeptetLookup(language, Language::Default).lockingSeptet(code_point);
}

int singleShiftSeptetFor(Language language, char32_t code_point) {
  return SeptetLookup(Language::Default, language).singleSeptet(code_point);
}

int septetCost(Language locking, Language single, char32_t code_point) {
  return SeptetLookup(locking, single).cost(code_point);
}

void packSeptets(std::span<const uint8_t> septets, size_t bit_offset, std::vector<uint8_t>* out) {
  // The contract (bit_offset >= 8 * size) means every octet written here is new: accumulate bits
  // LSB-first in a register and store whole octets.
  const size_t first_byte = bit_offset / 8;
  const size_t end_bits = bit_offset + septets.size() * 7;
  const size_t old_size = out->size();
  out->resize(std::max(old_size, (end_bits + 7) / 8), 0);
  uint8_t* dest = out->data() + first_byte;
  uint32_t accumulator = 0;
  unsigned bits = static_cast<unsigned>(bit_offset % 8);
  for (const uint8_t septet : septets) {
    accumulator |= static_cast<uint32_t>(septet & 0x7F) << bits;
    bits += 7;
    if (bits >= 8) {
      *dest++ = static_cast<uint8_t>(accumulator);
      accumulator >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) *dest = static_cast<uint8_t>(accumulator);
}

bool unpackSeptets(std::span<const uint8_t> packed, size_t bit_offset, size_t count,
                   std::vector<uint8_t>* out) {
  const size_t available_bits = packed.size() * 8;
  if (bit_offset > available_bits) return count == 0;
  const size_t max_count = (available_bits - bit_offset) / 7;
  const bool complete = count <= max_count;
  count = std::min(count, max_count);
  out->reserve(out->size() + count);
  for (size_t i = 0; i < count; ++i) {
    const size_t bit = bit_offset + i * 7;
    const size_t byte = bit >> 3;
    const unsigned shift = bit & 7;
    unsigned value = packed[byte] >> shift;
    if (shift > 1) value |= static_cast<unsigned>(packed[byte + 1]) << (8 - shift);
    out->push_back(static_cast<uint8_t>(value & 0x7F));
  }
  return complete;
}

}  // namespace liaison::gateway::sms
