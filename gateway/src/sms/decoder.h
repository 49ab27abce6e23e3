// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Decoder for received SMS user data: parses the User Data Header (concatenation 8/16-bit,
// national language single/locking shift IEs) and turns the payload into UTF-8 for the GSM 7-bit
// (packed or unpacked), UCS-2/UTF-16, Latin-1 and 8-bit binary data codings. Built for hostile
// input: every read is bounds-checked, malformed characters become U+FFFD, malformed structure
// is reported as an error; it never throws.

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sms/gsm7.h"

namespace liaison::gateway::sms {

enum class DataCoding : uint8_t {
  Gsm7Unpacked,  // One septet per octet (SMPP data_coding 0 as most SMSCs carry it).
  Gsm7Packed,    // Packed septets with fill bits after the UDH (on-air TP-UD).
  Ucs2,          // UTF-16BE; surrogate pairs are accepted.
  Latin1,        // ISO-8859-1 (SMPP data_coding 0x03).
  Binary,        // 8-bit data; the payload is returned in `binary`, `text` stays empty.
};

// Maps an SMPP data_coding value to a DataCoding: 0x00-0x0F per SMPP 3.4 (0x01 IA5 and 0x03 as
// Latin1, 0x08 UCS-2, other charsets as Binary), higher values by the TS 23.038 DCS groups.
// GSM 7 is reported as Gsm7Unpacked; unknown or compressed codings as Binary.
DataCoding dataCodingFromSmpp(uint8_t data_coding);

enum class DecodeError : uint8_t {
  None,
  InputTooLong,     // More than kMaxDecodeInputOctets octets.
  TruncatedUdh,     // UDHI set but there is no UDHL, or UDHL points past the user data.
  MalformedUdh,     // An IE's length runs past the end of the UDH.
  LengthMismatch,   // Given TP-UDL inconsistent with the user data or the UDH.
  NotConcatenated,  // reassemble(): a part lacks a valid concatenation IE.
  ConcatMismatch,   // reassemble(): parts disagree on reference/total, or wrong part count.
  DuplicatePart,    // reassemble(): the same sequence number twice.
  PartFailed,       // reassemble(): one of the parts carries a decode error.
};

inline constexpr size_t kMaxDecodeInputOctets = 65536;

struct ConcatInfo {
  uint16_t reference = 0;
  uint8_t total = 0;     // 1..255
  uint8_t sequence = 0;  // 1..total
  bool ref16 = false;    // True for IE 0x08 (16-bit reference).
  friend bool operator==(const ConcatInfo&, const ConcatInfo&) = default;
};

struct UdhInfo {
  size_t length = 0;                 // UDH octets incl. UDHL; 0 when there is no UDH.
  std::optional<ConcatInfo> concat;  // Absent if no IE, or the IE had invalid total/sequence.
  Language locking_shift = Language::Default;
  Language single_shift = Language::Default;
  bool unknown_language = false;  // A 0x24/0x25 IE named a table we lack; default used instead.
};

struct DecodeInput {
  DataCoding coding = DataCoding::Gsm7Unpacked;
  bool udhi = false;                   // TP-UDHI / esm_class 0x40: user data starts with a UDH.
  std::span<const uint8_t> user_data;  // UDH (if udhi) followed by the payload.
  // Gsm7Packed only: TP-UDL in septets incl. the UDH's septets. Without it the septet count is
  // inferred from the octet count and a trailing '@' or CR that ends exactly on the last octet
  // boundary is taken as padding (TS 23.038 6.1.2.3.1).
  std::optional<size_t> user_data_length;
};

struct DecodedMessage {
  DecodeError error = DecodeError::None;
  std::string message;          // Human-readable reason when error != None.
  std::string text;             // Valid UTF-8 (empty for Binary).
  std::vector<uint8_t> binary;  // Payload octets for DataCoding::Binary.
  UdhInfo udh;
  // Malformed or undefined units that were replaced by U+FFFD, or (unknown GSM escape) shown as
  // the main table character as TS 23.038 requires.
  size_t substitutions = 0;
  bool ok() const { return error == DecodeError::None; }
};

// Decodes one message/segment. On error `text` is empty and `message` says why.
DecodedMessage decodeUserData(const DecodeInput& input);

// Parses the UDH at the start of `user_data` (UDHL first). Returns None and fills `out`, or the
// structural error; IEs other than 0x00, 0x08, 0x24 and 0x25 are skipped, the last duplicate wins.
DecodeError parseUdh(std::span<const uint8_t> user_data, UdhInfo* out, std::string* message);

// Converts septets (one per octet) to UTF-8 with the given tables, appending to `out`; returns the
// number of substitutions (octets > 0x7F, undefined entries, dangling or unknown escapes).
size_t appendGsm7Text(std::span<const uint8_t> septets, Language locking, Language single,
                      std::string* out);

struct ReassembledText {
  DecodeError error = DecodeError::None;
  std::string message;
  std::string text;
  bool ok() const { return error == DecodeError::None; }
};

// Joins the decoded parts of one concatenated message (any order) into its text. A single part
// without a concatenation IE is returned as is. All parts must share reference and total.
ReassembledText reassemble(std::span<const DecodedMessage> parts);

std::string_view decodeErrorName(DecodeError error);

}  // namespace liaison::gateway::sms
