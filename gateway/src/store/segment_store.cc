// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteSegmentStore: the segments table.
#include "store/segment_store.h"

namespace liaison::gateway::store {

namespace {

constexpr std::string_view kColumns = "id, tenant_id, name, filter, created_at, updated_at";

void readSegment(const Statement& s, SavedSegment* out) {
  out->id = s.int64(0);
  out->tenant_id = s.text(1);
  out->name = s.text(2);
  out->filter = s.blob(3);
  out->created_at = s.int64(4);
  out->updated_at = s.int64(5);
}

}  // namespace

std::error_code SqliteSegmentStore::create(std::string_view tenant, std::string_view name,
                                           std::string_view filter, std::int64_t now,
                                           std::int64_t* id) {
  if (tenant.empty() || name.empty()) return StoreErrc::InvalidArgument;
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO segments (tenant_id, name, filter, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, name);
  s->bindBlob(3, filter);
  s->bind(4, now);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::Other;
  *id = s->int64(0);
  return {};
}

std::error_code SqliteSegmentStore::update(std::string_view tenant, std::int64_t id,
                                           std::string_view name, std::string_view filter,
                                           std::int64_t now) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE segments SET name = ?3, filter = ?4, updated_at = ?5 "
      "WHERE tenant_id = ?1 AND id = ?2",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, id);
  s->bind(3, name);
  s->bindBlob(4, filter);
  s->bind(5, now);
  if ((ec = s->run())) return ec;
  return db_.changes() == 0 ? make_error_code(StoreErrc::NotFound) : std::error_code();
}

std::error_code SqliteSegmentStore::get(std::string_view tenant, std::int64_t id,
                                        SavedSegment* out) {
  std::error_code ec;
  auto s = db_.cached(std::string("SELECT ").append(kColumns).append(
                          " FROM segments WHERE tenant_id = ?1 AND id = ?2"),
                      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, id);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  readSegment(*s, out);
  return {};
}

std::error_code SqliteSegmentStore::list(std::string_view tenant, std::vector<SavedSegment>* out) {
  std::error_code ec;
  auto s = db_.cached(std::string("SELECT ").append(kColumns).append(
                          " FROM segments WHERE tenant_id = ?1 ORDER BY name"),
                      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  out->clear();
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    out->emplace_back();
    readSegment(*s, &out->back());
  }
  return ec;
}

std::error_code SqliteSegmentStore::remove(std::string_view tenant, std::int64_t id) {
  std::error_code ec;
  auto s = db_.cached("DELETE FROM segments WHERE tenant_id = ?1 AND id = ?2", &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, id);
  if ((ec = s->run())) return ec;
  return db_.changes() == 0 ? make_error_code(StoreErrc::NotFound) : std::error_code();
}

}  // namespace liaison::gateway::store
