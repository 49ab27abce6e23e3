// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// ContactStore over one SQLite connection (normally SqliteStore::database(), the writer).
// Not thread-safe: use it from the thread that owns the connection. For counts and exports
// that must not wait for the writer, give a second instance its own read-only Database.
#pragma once

#include "store/contact_store.h"

namespace liaison::gateway::store {

class SqliteContactStore final : public ContactStore {
 public:
  explicit SqliteContactStore(Database& db) : db_(db) {}

  SqlDialect dialect() const override { return SqlDialect::Sqlite; }
  std::error_code beginBatch(std::string_view tenant, std::int64_t now,
                             std::unique_ptr<ContactWriteBatch>* out) override;
  std::error_code upsert(const Contact& contact, const ContactUpdate& update, std::int64_t now,
                         UpsertOutcome* outcome) override;
  std::error_code find(std::string_view tenant, std::string_view phone_e164, Contact* out) override;
  std::error_code findBasic(std::string_view tenant, std::string_view phone_e164,
                            Contact* out) override;
  std::error_code findBasicById(std::string_view tenant, std::int64_t id, Contact* out) override;
  std::error_code setStatus(std::string_view tenant, std::string_view phone_e164,
                            ContactStatus status, std::int64_t now) override;
  std::error_code count(std::string_view tenant, const SqlWhere* where, SegmentCount* out) override;
  std::error_code forEach(std::string_view tenant, const SqlWhere* where,
                          const std::function<bool(const Contact&)>& fn) override;
  std::error_code customFieldKeys(std::string_view tenant, std::vector<std::string>* out) override;

 private:
  Database& db_;
};

}  // namespace liaison::gateway::store
