// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Sans-I/O codec for the sync envelope (STYLE R8): bytes in, a validated SyncRequest or a
// Status out, with every bound checked on the raw wire bytes before protobuf allocates
// anything that depends on them. Also the encoder that seals the batch checksum, the
// per-record checks the merge uses, and the pull-page seal. docs/sync-protocol.md "Limits",
// "Integrity" and "Errors" are normative; messages never echo input (no personal data).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "liaison/sync/status.h"
#include "liaison/sync/v1/sync.pb.h"

namespace liaison::sync {

inline constexpr uint32_t kProtocolVersion = 1;
// Versions this build speaks, highest first; SyncResponse.supported_versions.
std::span<const uint32_t> supportedProtocolVersions();

struct BatchLimits {
  std::size_t max_request_bytes = 4u << 20;      // whole serialised SyncRequest
  std::size_t max_operations = 500;              // per batch
  std::size_t max_operation_bytes = 256u << 10;  // one serialised Operation
  std::size_t max_id_bytes = 64;                 // device, entity and field ids, entity types
  std::size_t max_scope_bytes = 128;
  std::size_t max_fields_per_update = 128;
  std::size_t max_field_value_bytes = 64u << 10;
  std::size_t max_cursors = 64;
  int max_nesting = 32;  // protobuf recursion limit; the schema itself nests at most 8 deep
};

// Validates and decodes one SyncRequest. Order: byte cap; a wire-level walk of the envelope
// (protocol version, operation count and sizes, cursor count, wire types) with no allocation;
// version check (Unsupported, so a newer client gets UNSUPPORTED_VERSION, not BATCH_INVALID);
// CRC-32C over the raw operation bytes (Corruption); protobuf parse under a recursion limit;
// envelope semantics (InvalidArgument). ResourceExhausted for a limit. Thread-safe.
Result<v1::SyncRequest> decodeSyncRequest(std::span<const uint8_t> bytes,
                                          const BatchLimits& limits = {});

// Envelope semantics of an already parsed request: device id, operations all from it with
// device_seq strictly increasing by one, HLC set, payload and record oneofs set, ids and
// sizes bounded, field names unique per update, cursors unique. Does not check the checksum.
Status validateSyncRequest(const v1::SyncRequest& request, const BatchLimits& limits = {});

// CRC-32C over the concatenated serialised operations, in order (Batch.crc32c).
uint32_t batchChecksum(const v1::Batch& batch);

// Seals `request` (sets push.crc32c), checks it as the gateway will, and serialises it. A
// device fails here, locally, rather than send a batch the gateway must refuse.
Result<std::string> encodeSyncRequest(v1::SyncRequest request, const BatchLimits& limits = {});

// Record-level checks of one operation (enums not UNSPECIFIED, answer and value oneofs set,
// submission id equal to the record's own id). A failure rejects that op alone with
// ERROR_CODE_RECORD_INVALID; the rest of the batch still applies. Returns InvalidArgument.
Status validateRecord(const v1::Operation& op);

// Pull pages: CRC-32C over the concatenated serialised records. sealPage sets record_count and
// records_crc32c; verifyPage is what a device checks before applying anything (Corruption).
uint32_t pageChecksum(const v1::SyncResponse& response);
void sealPage(v1::SyncResponse* response);
Status verifyPage(const v1::SyncResponse& response);

// The wire code for a decode failure: Unsupported -> UNSUPPORTED_VERSION, anything else ->
// BATCH_INVALID.
v1::ErrorCode errorCodeForDecode(const Status& status);

}  // namespace liaison::sync
