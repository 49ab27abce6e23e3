// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Sans-I/O SMPP 3.4 framing, decoding and encoding. The session feeds whatever bytes it has
// read to decode(), drops `consumed` bytes, and repeats; encode() appends one PDU to a caller
// buffer. No heap allocation, no exceptions, no logging; error reasons are static PII-free text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "channels/smpp/command_status.h"
#include "channels/smpp/pdu.h"

namespace liaison::gateway::smpp {

inline constexpr uint32_t kDefaultMaxCommandLength = 64 * 1024;

struct CodecOptions {
  // Largest accepted/produced command_length. Values below 16 are treated as 16.
  uint32_t max_command_length = kDefaultMaxCommandLength;
};

enum class DecodeStatus : uint8_t {
  Complete,  // `pdu` is valid; drop `consumed` bytes
  NeedMore,  // read more; `needed` is the total byte count required (if known)
  Error,     // see `error`; drop `consumed` bytes unless error.fatal
};

struct DecodeError {
  CommandStatus status = CommandStatus::Ok;  // status for generic_nack or the matching *_resp
  const char* reason = "";                   // static, PII-free
  const char* field = "";                    // offending field name, "" if none (static)
  // command_id/sequence_number are meaningful only when header_valid (16 header bytes seen).
  bool header_valid = false;
  // Framing is lost (command_length invalid): answer generic_nack if header_valid, then close.
  bool fatal = false;
  uint32_t command_id = 0;
  uint32_t sequence_number = 0;
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::NeedMore;
  size_t consumed = 0;  // Complete: PDU size. Error: command_length, or 0 if fatal.
  size_t needed = 0;    // NeedMore: total bytes needed from data[0] to make progress
  Pdu pdu;
  DecodeError error;
};

// Decodes at most one PDU from the front of [data, data+len). Never reads past len and never
// throws. Framing errors (command_length < 16 or > cap) are fatal and reported as soon as the
// 4 length bytes are present. Any other error consumes exactly command_length bytes so the link
// can stay up: unknown command_id -> generic_nack(ESME_RINVCMDID); a bad field in a known request
// -> answer its *_resp with error.status (never nack a response: isResponse(error.command_id)).
// `pdu` is meaningful only when Complete; its strings point into `data` (see pdu.h).
DecodeResult decode(const uint8_t* data, size_t len, const CodecOptions& options = {});

enum class EncodeError : uint8_t {
  None,
  FieldTooLong,    // a C-octet string exceeds its spec maximum or contains a NUL
  MessageTooLong,  // short_message > 254 octets
  TlvTooLong,      // a TLV value > 65535 octets
  PduTooLong,      // total > options.max_command_length
};
const char* encodeErrorName(EncodeError e);

// Exact number of bytes encode() would append, or 0 if the PDU is not encodable.
size_t encodedSize(const Pdu& pdu, const CodecOptions& options = {});

// Appends one PDU (command_length computed) to `out`. On error `out` is left unchanged. For a
// *_resp with non-zero command_status and an empty body, only the 16-byte header is written.
// Known TLVs are written in a fixed order, then `tlvs.unknown` in order.
EncodeError encode(const Pdu& pdu, std::string& out, const CodecOptions& options = {});
EncodeError encode(const Pdu& pdu, std::vector<uint8_t>& out, const CodecOptions& options = {});

// Convenience constructors for PDUs the session sends frequently.
inline Pdu makePdu(PduBody body, uint32_t sequence_number, uint32_t command_status = 0) {
  return Pdu{command_status, sequence_number, std::move(body)};
}
inline Pdu makeGenericNack(uint32_t sequence_number, CommandStatus status) {
  return makePdu(GenericNack{}, sequence_number, static_cast<uint32_t>(status));
}

}  // namespace liaison::gateway::smpp
