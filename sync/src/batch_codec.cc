// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Sync envelope codec. The wire walk below reads tags and lengths only, so a hostile request
// costs O(bytes) time and O(1) memory before any limit is enforced; protobuf parses only what
// passed it. Error messages name the rule broken, never the offending value.
#include "liaison/sync/batch_codec.h"

#include <google/protobuf/io/coded_stream.h>

#include <array>
#include <set>
#include <string_view>

#include "liaison/sync/crc32c.h"
#include "liaison/sync/uuid.h"

namespace liaison::sync {
namespace {

constexpr std::array<uint32_t, 1> kSupported = {1};
constexpr std::size_t kSha256Bytes = 32;

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

// Reads protobuf wire format without allocating. Every method fails (returns false) rather
// than read past the end.
class WireReader {
 public:
  explicit WireReader(std::span<const uint8_t> bytes)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool done() const { return p_ == end_; }

  bool varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      const uint8_t b = *p_++;
      if (shift == 63 && b > 1) return false;  // more than 64 bits
      v |= uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80u) == 0) {
        *out = v;
        return true;
      }
    }
    return false;
  }

  bool tag(uint32_t* field, uint32_t* wire_type) {
    uint64_t t = 0;
    if (!varint(&t) || t > UINT32_MAX) return false;
    *field = static_cast<uint32_t>(t >> 3);
    *wire_type = static_cast<uint32_t>(t & 7u);
    return *field != 0;
  }

  bool lengthDelimited(std::span<const uint8_t>* out) {
    uint64_t n = 0;
    if (!varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    *out = std::span<const uint8_t>(p_, static_cast<std::size_t>(n));
    p_ += n;
    return true;
  }

  // Skips a value of a wire type proto3 uses; groups (3, 4) and 6, 7 are refused.
  bool skip(uint32_t wire_type) {
    uint64_t ignored = 0;
    std::span<const uint8_t> span;
    switch (wire_type) {
      case kVarint: return varint(&ignored);
      case kFixed64: return advance(8);
      case kLen: return lengthDelimited(&span);
      case kFixed32: return advance(4);
      default: return false;
    }
  }

  bool fixed32(uint32_t* out) {
    if (end_ - p_ < 4) return false;
    *out = uint32_t{p_[0]} | uint32_t{p_[1]} << 8 | uint32_t{p_[2]} << 16 | uint32_t{p_[3]} << 24;
    p_ += 4;
    return true;
  }

 private:
  bool advance(std::ptrdiff_t n) {
    if (end_ - p_ < n) return false;
    p_ += n;
    return true;
  }

  const uint8_t* p_;
  const uint8_t* end_;
};

struct Prescan {
  uint32_t protocol_version = 0;
  bool has_push = false;
  std::span<const uint8_t> push;
};

// SyncRequest field numbers the walk knows.
constexpr uint32_t kReqVersion = 1, kReqPush = 3, kReqCursors = 4;
// Batch field numbers.
constexpr uint32_t kBatchOps = 1, kBatchCrc = 2;

Status malformed() { return Status::InvalidArgument("batch: malformed wire format"); }

Status prescanRequest(std::span<const uint8_t> bytes, const BatchLimits& limits, Prescan* out) {
  WireReader r(bytes);
  std::size_t cursors = 0;
  while (!r.done()) {
    uint32_t field = 0, wt = 0;
    if (!r.tag(&field, &wt)) return malformed();
    if (field == kReqVersion) {
      uint64_t v = 0;
      if (wt != kVarint || !r.varint(&v)) return malformed();
      out->protocol_version = v > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(v);
    } else if (field == kReqPush) {
      if (wt != kLen || out->has_push) return malformed();  // at most one Batch
      if (!r.lengthDelimited(&out->push)) return malformed();
      out->has_push = true;
    } else if (field == kReqCursors) {
      std::span<const uint8_t> cursor;
      if (wt != kLen || !r.lengthDelimited(&cursor)) return malformed();
      if (++cursors > limits.max_cursors)
        return Status::ResourceExhausted("batch: too many cursors");
      if (cursor.size() > limits.max_scope_bytes + 32) {
        return Status::ResourceExhausted("batch: cursor too large");
      }
    } else if (!r.skip(wt)) {
      return malformed();
    }
  }
  return Status::OK();
}

// Walks the Batch: counts and sizes operations and checks their CRC-32C on the raw bytes.
Status prescanBatch(std::span<const uint8_t> batch, const BatchLimits& limits) {
  WireReader r(batch);
  std::size_t ops = 0;
  uint32_t crc = 0, declared = 0;
  bool has_crc = false;
  while (!r.done()) {
    uint32_t field = 0, wt = 0;
    if (!r.tag(&field, &wt)) return malformed();
    if (field == kBatchOps) {
      std::span<const uint8_t> op;
      if (wt != kLen || !r.lengthDelimited(&op)) return malformed();
      if (++ops > limits.max_operations) {
        return Status::ResourceExhausted("batch: too many operations");
      }
      if (op.size() > limits.max_operation_bytes) {
        return Status::ResourceExhausted("batch: operation too large");
      }
      crc = crc32cExtend(crc, op);
    } else if (field == kBatchCrc) {
      if (wt != kFixed32 || has_crc || !r.fixed32(&declared)) return malformed();
      has_crc = true;
    } else if (!r.skip(wt)) {
      return malformed();
    }
  }
  // proto3 omits a zero crc32c, so an absent field reads as 0 like any other reader would.
  if (crc != declared) return Status::Corruption("batch: checksum mismatch");
  return Status::OK();
}

bool isIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':';
}

// Device ids, entity types and ids, field names: 1..max bytes of [A-Za-z0-9._:-].
bool validId(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (!isIdChar(c)) return false;
  }
  return true;
}

// Scopes additionally allow '/' and '=' (e.g. "notices:DE", "team:berlin-drive-3").
bool validScope(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (!isIdChar(c) && c != '/' && c != '=') return false;
  }
  return true;
}

bool hlcSet(bool present, const v1::Hlc& h) { return present && h.wall_ms() > 0; }

Status validateVersion(const v1::Version& v, const BatchLimits& limits, std::string_view what) {
  if (!hlcSet(v.has_hlc(), v.hlc()) || !validId(v.device_id(), limits.max_id_bytes)) {
    return Status::InvalidArgument(std::string("batch: invalid ") + std::string(what));
  }
  return Status::OK();
}

Status validateOperation(const v1::Operation& op, const BatchLimits& limits) {
  if (!hlcSet(op.has_hlc(), op.hlc()))
    return Status::InvalidArgument("batch: operation without hlc");
  switch (op.payload_case()) {
    case v1::Operation::kSubmission: {
      const v1::SubmissionOp& s = op.submission();
      if (s.record_case() == v1::SubmissionOp::RECORD_NOT_SET) {
        return Status::InvalidArgument("batch: submission without record");
      }
      if (!isValidUuidV7(s.submission_id())) {
        return Status::InvalidArgument("batch: submission id is not a UUIDv7");
      }
      if (s.content_hash().size() != kSha256Bytes) {
        return Status::InvalidArgument("batch: content hash is not 32 bytes");
      }
      return Status::OK();
    }
    case v1::Operation::kEntityUpdate: {
      const v1::EntityUpdate& u = op.entity_update();
      if (!validId(u.entity_type(), limits.max_id_bytes) ||
          !validId(u.entity_id(), limits.max_id_bytes)) {
        return Status::InvalidArgument("batch: invalid entity key");
      }
      if (u.fields().empty()) return Status::InvalidArgument("batch: update without fields");
      if (static_cast<std::size_t>(u.fields_size()) > limits.max_fields_per_update) {
        return Status::ResourceExhausted("batch: too many fields in one update");
      }
      std::set<std::string_view> names;
      for (const v1::FieldWrite& f : u.fields()) {
        if (!validId(f.field(), limits.max_id_bytes)) {
          return Status::InvalidArgument("batch: invalid field name");
        }
        if (!names.insert(f.field()).second) {
          return Status::InvalidArgument("batch: field written twice in one update");
        }
        if (f.value().size() > limits.max_field_value_bytes) {
          return Status::ResourceExhausted("batch: field value too large");
        }
        if (f.has_base()) {
          Status st = validateVersion(f.base(), limits, "field base version");
          if (!st.ok()) return st;
        }
      }
      return Status::OK();
    }
    case v1::Operation::kEntityDelete: {
      const v1::EntityDelete& d = op.entity_delete();
      if (!validId(d.entity_type(), limits.max_id_bytes) ||
          !validId(d.entity_id(), limits.max_id_bytes)) {
        return Status::InvalidArgument("batch: invalid entity key");
      }
      if (d.has_base()) return validateVersion(d.base(), limits, "delete base version");
      return Status::OK();
    }
    case v1::Operation::PAYLOAD_NOT_SET: break;
  }
  return Status::InvalidArgument("batch: operation without payload");
}

bool validFieldValue(const liaison::v1::FieldValue& v) {
  return !v.field_id().empty() && v.value_case() != liaison::v1::FieldValue::VALUE_NOT_SET;
}

}  // namespace

std::span<const uint32_t> supportedProtocolVersions() { return kSupported; }

Status validateSyncRequest(const v1::SyncRequest& request, const BatchLimits& limits) {
  if (!validId(request.device_id(), limits.max_id_bytes)) {
    return Status::InvalidArgument("batch: invalid device id");
  }
  if (static_cast<std::size_t>(request.cursors_size()) > limits.max_cursors) {
    return Status::ResourceExhausted("batch: too many cursors");
  }
  std::set<std::string_view> scopes;
  for (const v1::Cursor& c : request.cursors()) {
    if (!validScope(c.scope(), limits.max_scope_bytes)) {
      return Status::InvalidArgument("batch: invalid cursor scope");
    }
    if (!scopes.insert(c.scope()).second) {
      return Status::InvalidArgument("batch: cursor scope repeated");
    }
  }
  const auto& ops = request.push().operations();
  if (static_cast<std::size_t>(ops.size()) > limits.max_operations) {
    return Status::ResourceExhausted("batch: too many operations");
  }
  uint64_t expected = 0;
  for (const v1::Operation& op : ops) {
    if (op.device_id() != request.device_id()) {
      return Status::InvalidArgument("batch: operation from another device");
    }
    if (op.device_seq() == 0) return Status::InvalidArgument("batch: device_seq must start at 1");
    if (expected != 0 && op.device_seq() != expected) {
      return Status::InvalidArgument("batch: device_seq not contiguous and increasing");
    }
    expected = op.device_seq() + 1;
    if (expected == 0) return Status::InvalidArgument("batch: device_seq overflow");
    Status st = validateOperation(op, limits);
    if (!st.ok()) return st;
  }
  return Status::OK();
}

Result<v1::SyncRequest> decodeSyncRequest(std::span<const uint8_t> bytes,
                                          const BatchLimits& limits) {
  if (bytes.size() > limits.max_request_bytes) {
    return Status::ResourceExhausted("batch: request too large");
  }
  Prescan pre;
  Status st = prescanRequest(bytes, limits, &pre);
  if (!st.ok()) return st;
  bool supported = false;
  for (uint32_t v : kSupported) supported = supported || v == pre.protocol_version;
  if (!supported) return Status::Unsupported("batch: protocol version not supported");
  if (pre.has_push) {
    st = prescanBatch(pre.push, limits);
    if (!st.ok()) return st;
  }
  v1::SyncRequest request;
  google::protobuf::io::CodedInputStream in(bytes.data(), static_cast<int>(bytes.size()));
  in.SetRecursionLimit(limits.max_nesting);
  if (!request.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage()) return malformed();
  st = validateSyncRequest(request, limits);
  if (!st.ok()) return st;
  return request;
}

uint32_t batchChecksum(const v1::Batch& batch) {
  uint32_t crc = 0;
  std::string buf;
  for (const v1::Operation& op : batch.operations()) {
    buf.clear();
    op.SerializeToString(&buf);
    crc = crc32cExtend(crc, buf);
  }
  return crc;
}

Result<std::string> encodeSyncRequest(v1::SyncRequest request, const BatchLimits& limits) {
  if (request.protocol_version() == 0) request.set_protocol_version(kProtocolVersion);
  Status st = validateSyncRequest(request, limits);
  if (!st.ok()) return st;
  if (request.has_push()) {
    for (const v1::Operation& op : request.push().operations()) {
      if (op.ByteSizeLong() > limits.max_operation_bytes) {
        return Status::ResourceExhausted("batch: operation too large");
      }
    }
    request.mutable_push()->set_crc32c(batchChecksum(request.push()));
  }
  std::string out;
  if (!request.SerializeToString(&out)) return Status::Internal("batch: serialisation failed");
  if (out.size() > limits.max_request_bytes) {
    return Status::ResourceExhausted("batch: request too large");
  }
  return out;
}

Status validateRecord(const v1::Operation& op) {
  using liaison::v1::PollResponse;
  if (op.payload_case() != v1::Operation::kSubmission) return Status::OK();
  const v1::SubmissionOp& s = op.submission();
  switch (s.record_case()) {
    case v1::SubmissionOp::kSubmission: {
      const liaison::v1::Submission& r = s.submission();
      if (r.id() != s.submission_id()) {
        return Status::InvalidArgument("record: submission id differs from envelope");
      }
      if (r.state() != liaison::v1::SUBMISSION_STATE_FINALISED) {
        return Status::InvalidArgument("record: only finalised submissions sync");
      }
      if (r.form_id().empty() || r.form_version() <= 0) {
        return Status::InvalidArgument("record: form id or version missing");
      }
      for (const liaison::v1::FieldValue& v : r.values()) {
        if (!validFieldValue(v)) return Status::InvalidArgument("record: field value unset");
      }
      if (!r.corrects_id().empty() && !isValidUuidV7(r.corrects_id())) {
        return Status::InvalidArgument("record: corrects_id is not a UUIDv7");
      }
      return Status::OK();
    }
    case v1::SubmissionOp::kRegistration: {
      const liaison::v1::Registration& r = s.registration();
      if (!r.has_contact() || r.contact().id() != s.submission_id()) {
        return Status::InvalidArgument("record: registration contact id differs from envelope");
      }
      if (r.contact().status() == liaison::v1::CONTACT_STATUS_UNSPECIFIED) {
        return Status::InvalidArgument("record: contact status unspecified");
      }
      if (!r.has_consent() || r.consent().channel() == liaison::v1::CONSENT_CHANNEL_UNSPECIFIED) {
        return Status::InvalidArgument("record: consent channel unspecified");
      }
      return Status::OK();
    }
    case v1::SubmissionOp::kPollResponse: {
      const PollResponse& r = s.poll_response();
      if (r.campaign_id().empty() || r.question_id().empty()) {
        return Status::InvalidArgument("record: poll response without campaign or question");
      }
      if (r.answer_case() == PollResponse::ANSWER_NOT_SET) {
        return Status::InvalidArgument("record: poll response without answer");
      }
      if (r.source() == PollResponse::SOURCE_UNSPECIFIED) {
        return Status::InvalidArgument("record: poll response source unspecified");
      }
      return Status::OK();
    }
    case v1::SubmissionOp::RECORD_NOT_SET: break;
  }
  return Status::InvalidArgument("record: submission without record");
}

uint32_t pageChecksum(const v1::SyncResponse& response) {
  uint32_t crc = 0;
  std::string buf;
  for (const v1::PublishedRecord& r : response.records()) {
    buf.clear();
    r.SerializeToString(&buf);
    crc = crc32cExtend(crc, buf);
  }
  return crc;
}

void sealPage(v1::SyncResponse* response) {
  response->set_record_count(static_cast<uint32_t>(response->records_size()));
  response->set_records_crc32c(pageChecksum(*response));
}

Status verifyPage(const v1::SyncResponse& response) {
  if (response.record_count() != static_cast<uint32_t>(response.records_size())) {
    return Status::Corruption("page: record count mismatch");
  }
  if (response.records_crc32c() != pageChecksum(response)) {
    return Status::Corruption("page: checksum mismatch");
  }
  return Status::OK();
}

v1::ErrorCode errorCodeForDecode(const Status& status) {
  switch (status.code()) {
    case Status::Code::Ok: return v1::ERROR_CODE_OK;
    case Status::Code::Unsupported: return v1::ERROR_CODE_UNSUPPORTED_VERSION;
    case Status::Code::NotFound:
    case Status::Code::InvalidArgument:
    case Status::Code::Corruption:
    case Status::Code::IoError:
    case Status::Code::Conflict:
    case Status::Code::Unavailable:
    case Status::Code::PermissionDenied:
    case Status::Code::ResourceExhausted:
    case Status::Code::Internal: break;
  }
  return v1::ERROR_CODE_BATCH_INVALID;
}

}  // namespace liaison::sync
