// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SMS user data decoding. All offsets are validated against the span sizes before use; the only
// allocations are the output strings/vectors, bounded by kMaxDecodeInputOctets.

#include "sms/decoder.h"

#include <algorithm>
#include <array>

#include "sms/utf8.h"

namespace liaison::gateway::sms {
namespace {

void appendUtf16(std::span<const uint8_t> bytes, std::string* out, size_t* substitutions) {
  const size_t units = bytes.size() / 2;
  out->reserve(out->size() + units * 3);
  for (size_t i = 0; i < units; ++i) {
    const char32_t unit = static_cast<char32_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < units) {
      const char32_t next = static_cast<char32_t>(bytes[2 * i + 2] << 8 | bytes[2 * i + 3]);
      if (next >= 0xDC00 && next <= 0xDFFF) {
        appendUtf8(0x10000 + ((unit - 0xD800) << 10) + (next - 0xDC00), out);
        ++i;
        continue;
      }
    }
    if (unit >= 0xD800 && unit <= 0xDFFF) {
      appendUtf8(kReplacementChar, out);
      ++*substitutions;
      continue;
    }
    appendUtf8(unit, out);
  }
  if (bytes.size() % 2 != 0) {
    appendUtf8(kReplacementChar, out);
    ++*substitutions;
  }
}

void appendLatin1(std::span<const uint8_t> bytes, std::string* out) {
  out->reserve(out->size() + bytes.size() * 2);
  for (const uint8_t byte : bytes) appendUtf8(byte, out);
}

}  // namespace

DataCoding dataCodingFromSmpp(uint8_t data_coding) {
  switch (data_coding) {
    case 0x00: return DataCoding::Gsm7Unpacked;
    case 0x01: return DataCoding::Latin1;  // IA5/ASCII: a subset of Latin-1.
    case 0x03: return DataCoding::Latin1;
    case 0x08: return DataCoding::Ucs2;
    default: break;
  }
  if (data_coding < 0x10) return DataCoding::Binary;  // 0x02/0x04 binary, 0x05.. other charsets.
  // TS 23.038 general data coding groups 00xx/01xx and message class group 1111: bits 3..2.
  const uint8_t group = data_coding >> 4;
  if (group <= 0x7 || group == 0xF) {
    const uint8_t alphabet = group == 0xF ? (data_coding >> 2) & 0x1 : (data_coding >> 2) & 0x3;
    if (group <= 0x7 && (data_coding & 0x20) != 0) return DataCoding::Binary;  // Compressed.
    if (alphabet == 0) return DataCoding::Gsm7Unpacked;
    if (alphabet == 2) return DataCoding::Ucs2;
    return DataCoding::Binary;
  }
  return DataCoding::Binary;
}

DecodeError parseUdh(std::span<const uint8_t> user_data, UdhInfo* out, std::string* message) {
  *out = UdhInfo{};
  if (user_data.empty()) {
    *message = "UDHI set but the user data is empty";
    return DecodeError::TruncatedUdh;
  }
  const size_t udhl = user_data[0];
  if (1 + udhl > user_data.size()) {
    *message = "UDHL " + std::to_string(udhl) + " exceeds the " +
               std::to_string(user_data.size() - 1) + " octets that follow it";
    return DecodeError::TruncatedUdh;
  }
  const size_t end = 1 + udhl;
  size_t pos = 1;
  while (pos < end) {
    if (end - pos < 2) {
      *message = "truncated IE header at UDH offset " + std::to_string(pos);
      return DecodeError::MalformedUdh;
    }
    const uint8_t iei = user_data[pos];
    const size_t length = user_data[pos + 1];
    if (length > end - pos - 2) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      *message = std::string("IE 0x") + kHex[iei >> 4] + kHex[iei & 0xF] + " length " +
                 std::to_string(length) + " runs past the end of the UDH";
      return DecodeError::MalformedUdh;
    }
    const std::span<const uint8_t> data = user_data.subspan(pos + 2, length);
    if (iei == 0x00 && length == 3) {
      // TS 23.040 9.2.3.24.1: an IE with total 0 or sequence outside 1..total is ignored.
      out->concat.reset();
      if (data[1] != 0 && data[2] != 0 && data[2] <= data[1]) {
        out->concat = ConcatInfo{data[0], data[1], data[2], false};
      }
    } else if (iei == 0x08 && length == 4) {
      out->concat.reset();
      if (data[2] != 0 && data[3] != 0 && data[3] <= data[2]) {
        out->concat =
            ConcatInfo{static_cast<uint16_t>(data[0] << 8 | data[1]), data[2], data[3], true};
      }
    } else if (iei == 0x24 && length == 1) {
      Language language = Language::Default;
      if (!languageFromCode(data[0], &language)) out->unknown_language = true;
      out->single_shift = language;
    } else if (iei == 0x25 && length == 1) {
      Language language = Language::Default;
      if (!languageFromCode(data[0], &language) || lockingShiftTable(language) == nullptr) {
        out->unknown_language = true;
        language = Language::Default;
      }
      out->locking_shift = language;
    }
    pos += 2 + length;
  }
  out->length = end;
  return DecodeError::None;
}

size_t appendGsm7Text(std::span<const uint8_t> septets, Language locking, Language single,
                      std::string* out) {
  const std::array<char16_t, 128>* main_table = lockingShiftTable(locking);
  if (main_table == nullptr) main_table = lockingShiftTable(Language::Default);
  const std::array<char16_t, 128>* shift_table = singleShiftTable(single);
  if (shift_table == nullptr) shift_table = singleShiftTable(Language::Default);

  size_t substitutions = 0;
  out->reserve(out->size() + septets.size());
  for (size_t i = 0; i < septets.size(); ++i) {
    const uint8_t septet = septets[i];
    char32_t ch = kUndefinedChar;
    if (septet > 0x7F) {
      ch = kReplacementChar;
      ++substitutions;
    } else if (septet == kEscapeSeptet) {
      if (i + 1 >= septets.size()) {
        ch = kReplacementChar;  // Dangling escape.
        ++substitutions;
      } else {
        const uint8_t extended = septets[++i];
        if (extended > 0x7F) {
          ch = kReplacementChar;
          ++substitutions;
        } else if (extended == kEscapeSeptet) {
          ch = U' ';  // Reserved for a further extension table: display a space.
          ++substitutions;
        } else {
          ch = (*shift_table)[extended];
          if (ch == kUndefinedChar) {
            // Unknown escape: TS 23.038 6.2.1.1 says show the main table character.
            ch = (*main_table)[extended];
            ++substitutions;
            if (ch == kUndefinedChar) ch = kReplacementChar;
          }
        }
      }
    } else {
      ch = (*main_table)[septet];
      if (ch == kUndefinedChar) {
        ch = kReplacementChar;
        ++substitutions;
      }
    }
    appendUtf8(ch, out);
  }
  return substitutions;
}

DecodedMessage decodeUserData(const DecodeInput& input) {
  DecodedMessage result;
  const std::span<const uint8_t> data = input.user_data;
  if (data.size() > kMaxDecodeInputOctets) {
    result.error = DecodeError::InputTooLong;
    result.message = "user data of " + std::to_string(data.size()) + " octets exceeds the limit";
    return result;
  }
  if (input.udhi) {
    const DecodeError error = parseUdh(data, &result.udh, &result.message);
    if (error != DecodeError::None) {
      result.error = error;
      return result;
    }
  }
  const size_t udh_octets = result.udh.length;
  const std::span<const uint8_t> payload = data.subspan(udh_octets);

  switch (input.coding) {
    case DataCoding::Gsm7Unpacked:
      result.substitutions =
          appendGsm7Text(payload, result.udh.locking_shift, result.udh.single_shift, &result.text);
      break;
    case DataCoding::Gsm7Packed: {
      const size_t header_septets = udhSeptets(udh_octets);
      const size_t start_bit = header_septets * 7;
      const size_t available_bits = data.size() * 8;
      size_t count = 0;
      if (input.user_data_length.has_value()) {
        const size_t udl = *input.user_data_length;
        if (udl < header_septets || udl > available_bits / 7) {
          result.error = DecodeError::LengthMismatch;
          result.message = "TP-UDL " + std::to_string(udl) + " septets does not fit " +
                           std::to_string(data.size()) + " octets with a " +
                           std::to_string(udh_octets) + "-octet UDH";
          return result;
        }
        count = udl - header_septets;
      } else if (available_bits > start_bit) {
        count = (available_bits - start_bit) / 7;
      }
      std::vector<uint8_t> septets;
      unpackSeptets(data, start_bit, count, &septets);
      // Inferred count: if the septets end exactly on the last octet boundary, the sender had 7
      // spare bits and the last septet is padding when it is '@' (zero bits) or CR.
      if (!input.user_data_length.has_value() && !septets.empty() &&
          (available_bits - start_bit) % 7 == 0 &&
          (septets.back() == 0x00 || septets.back() == 0x0D)) {
        septets.pop_back();
      }
      result.substitutions =
          appendGsm7Text(septets, result.udh.locking_shift, result.udh.single_shift, &result.text);
      break;
    }
    case DataCoding::Ucs2: appendUtf16(payload, &result.text, &result.substitutions); break;
    case DataCoding::Latin1: appendLatin1(payload, &result.text); break;
    case DataCoding::Binary: result.binary.assign(payload.begin(), payload.end()); break;
  }
  return result;
}

ReassembledText reassemble(std::span<const DecodedMessage> parts) {
  ReassembledText result;
  if (parts.empty()) {
    result.error = DecodeError::NotConcatenated;
    result.message = "no parts given";
    return result;
  }
  for (const DecodedMessage& part : parts) {
    if (!part.ok()) {
      result.error = DecodeError::PartFailed;
      result.message = "a part failed to decode: " + part.message;
      return result;
    }
  }
  if (parts.size() == 1 && !parts[0].udh.concat.has_value()) {
    result.text = parts[0].text;
    return result;
  }
  std::vector<const DecodedMessage*> ordered(parts.size(), nullptr);
  const std::optional<ConcatInfo>& first = parts[0].udh.concat;
  for (const DecodedMessage& part : parts) {
    const std::optional<ConcatInfo>& concat = part.udh.concat;
    if (!concat.has_value()) {
      result.error = DecodeError::NotConcatenated;
      result.message = "a part has no valid concatenation IE";
      return result;
    }
    if (concat->reference != first->reference || concat->ref16 != first->ref16 ||
        concat->total != first->total || concat->total != parts.size()) {
      result.error = DecodeError::ConcatMismatch;
      result.message = "parts disagree on reference/total or the part count is wrong";
      return result;
    }
    const DecodedMessage*& slot = ordered[concat->sequence - 1];
    if (slot != nullptr) {
      result.error = DecodeError::DuplicatePart;
      result.message = "sequence number " + std::to_string(concat->sequence) + " repeated";
      return result;
    }
    slot = &part;
  }
  for (const DecodedMessage* part : ordered) result.text += part->text;
  return result;
}

std::string_view decodeErrorName(DecodeError error) {
  switch (error) {
    case DecodeError::None: return "None";
    case DecodeError::InputTooLong: return "InputTooLong";
    case DecodeError::TruncatedUdh: return "TruncatedUdh";
    case DecodeError::MalformedUdh: return "MalformedUdh";
    case DecodeError::LengthMismatch: return "LengthMismatch";
    case DecodeError::NotConcatenated: return "NotConcatenated";
    case DecodeError::ConcatMismatch: return "ConcatMismatch";
    case DecodeError::DuplicatePart: return "DuplicatePart";
    case DecodeError::PartFailed: return "PartFailed";
  }
  return "Unknown";
}

}  // namespace liaison::gateway::sms
