// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Builders for sync operations in tests: short, readable, and valid by default, so a table row
// states only what the case is about.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "liaison/sync/batch_codec.h"
#include "liaison/sync/merge.h"
#include "liaison/sync/v1/sync.pb.h"

namespace liaison::sync::testing {

inline const std::string kEntityType = "contact";

struct Base {
  uint64_t wall = 0;
  uint32_t logical = 0;
  std::string device;
};

inline void setVersion(v1::Version* v, const Base& b) {
  v->mutable_hlc()->set_wall_ms(b.wall);
  v->mutable_hlc()->set_logical(b.logical);
  v->set_device_id(b.device);
}

inline v1::Operation envelope(const std::string& device, uint64_t seq, uint64_t wall,
                              uint32_t logical = 0) {
  v1::Operation op;
  op.set_device_id(device);
  op.set_device_seq(seq);
  op.mutable_hlc()->set_wall_ms(wall);
  op.mutable_hlc()->set_logical(logical);
  op.mutable_claimed_at()->set_seconds(static_cast<int64_t>(wall / 1000));
  return op;
}

struct Write {
  Write(std::string f, std::string v, std::optional<Base> b = std::nullopt)
      : field(std::move(f)), value(std::move(v)), base(std::move(b)) {}
  std::string field;
  std::string value;
  std::optional<Base> base;
};

inline v1::Operation update(const std::string& device, uint64_t seq, uint64_t wall,
                            const std::string& entity, std::vector<Write> writes,
                            uint32_t logical = 0) {
  v1::Operation op = envelope(device, seq, wall, logical);
  v1::EntityUpdate* u = op.mutable_entity_update();
  u->set_entity_type(kEntityType);
  u->set_entity_id(entity);
  for (const Write& w : writes) {
    v1::FieldWrite* f = u->add_fields();
    f->set_field(w.field);
    f->set_value(w.value);
    if (w.base) setVersion(f->mutable_base(), *w.base);
  }
  return op;
}

inline v1::Operation remove(const std::string& device, uint64_t seq, uint64_t wall,
                            const std::string& entity, std::optional<Base> base = std::nullopt) {
  v1::Operation op = envelope(device, seq, wall);
  v1::EntityDelete* d = op.mutable_entity_delete();
  d->set_entity_type(kEntityType);
  d->set_entity_id(entity);
  if (base) setVersion(d->mutable_base(), *base);
  return op;
}

// A UUIDv7 text whose last byte is `n`, so tables can name distinct ids tersely.
inline std::string uuid7(unsigned n) {
  static const char kHex[] = "0123456789abcdef";
  std::string s = "01890a5d-ac96-774b-bcce-b302099a80";
  s.push_back(kHex[(n >> 4) & 0xF]);
  s.push_back(kHex[n & 0xF]);
  return s;
}

// A valid offline poll answer with the given submission id; `hash_seed` makes the hash.
inline v1::Operation submission(const std::string& device, uint64_t seq, uint64_t wall,
                                const std::string& id, char hash_seed = 'a') {
  v1::Operation op = envelope(device, seq, wall);
  v1::SubmissionOp* s = op.mutable_submission();
  s->set_submission_id(id);
  s->set_content_hash(std::string(32, hash_seed));
  liaison::v1::PollResponse* r = s->mutable_poll_response();
  r->set_campaign_id("campaign-1");
  r->set_question_id("q1");
  r->set_choice_id("B");
  r->set_source(liaison::v1::PollResponse::SOURCE_FIELD_DEVICE);
  return op;
}

inline std::vector<const v1::Operation*> pointers(const std::vector<v1::Operation>& ops) {
  std::vector<const v1::Operation*> out;
  for (const v1::Operation& op : ops) out.push_back(&op);
  return out;
}

inline v1::SyncRequest request(const std::string& device, std::vector<v1::Operation> ops) {
  v1::SyncRequest req;
  req.set_protocol_version(kProtocolVersion);
  req.set_device_id(device);
  for (v1::Operation& op : ops) *req.mutable_push()->add_operations() = std::move(op);
  return req;
}

}  // namespace liaison::sync::testing
