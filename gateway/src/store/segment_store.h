// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Saved segments: a name and a serialised liaison.v1.Filter per tenant. The store keeps the
// bytes; outreach/segment_filter.h validates a filter (by compiling it) before saving and
// evaluates it for live counts. One interface, SQLite today.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "store/database.h"

namespace liaison::gateway::store {

struct SavedSegment {
  std::int64_t id = 0;
  std::string tenant_id;
  std::string name;
  std::string filter;  // serialised liaison.v1.Filter
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

class SegmentStore {
 public:
  virtual ~SegmentStore() = default;
  // StoreErrc::Constraint when the tenant already has a segment with this name.
  virtual std::error_code create(std::string_view tenant, std::string_view name,
                                 std::string_view filter, std::int64_t now, std::int64_t* id) = 0;
  // StoreErrc::NotFound when there is no such segment for the tenant.
  virtual std::error_code update(std::string_view tenant, std::int64_t id, std::string_view name,
                                 std::string_view filter, std::int64_t now) = 0;
  virtual std::error_code get(std::string_view tenant, std::int64_t id, SavedSegment* out) = 0;
  virtual std::error_code list(std::string_view tenant, std::vector<SavedSegment>* out) = 0;
  virtual std::error_code remove(std::string_view tenant, std::int64_t id) = 0;
};

// Not thread-safe: use it from the thread that owns `db`.
class SqliteSegmentStore final : public SegmentStore {
 public:
  explicit SqliteSegmentStore(Database& db) : db_(db) {}
  std::error_code create(std::string_view tenant, std::string_view name, std::string_view filter,
                         std::int64_t now, std::int64_t* id) override;
  std::error_code update(std::string_view tenant, std::int64_t id, std::string_view name,
                         std::string_view filter, std::int64_t now) override;
  std::error_code get(std::string_view tenant, std::int64_t id, SavedSegment* out) override;
  std::error_code list(std::string_view tenant, std::vector<SavedSegment>* out) override;
  std::error_code remove(std::string_view tenant, std::int64_t id) override;

 private:
  Database& db_;
};

}  // namespace liaison::gateway::store
