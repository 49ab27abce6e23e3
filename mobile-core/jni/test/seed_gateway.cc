// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Test helper for the Java session test: publishes one form to scope "forms" and one notice to
// scope "notices:DE" of a tenant, straight into a gateway's SQLite store (its sync_published
// table), because the gateway has no REST route that publishes them yet. The records are
// liaison.sync.v1.PublishedRecord payloads, as SyncService::publish stores them (scope and seq
// are the row's key) and the scope's last seq in sync_scopes. Usage: liaison_jni_test_seed <gateway
// liaison.db> <tenant>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "liaison/sync/v1/sync.pb.h"

namespace {

namespace pb = ::liaison::v1;
namespace wire = ::liaison::sync::v1;

// The form the Java test fills: a required text and a number 1-20.
pb::Form visitForm() {
  pb::Form f;
  f.set_id("visit");
  f.set_version(1);
  f.mutable_title()->add_translations()->set_text("Visit");
  pb::FormField* name = f.add_fields();
  name->set_id("name");
  name->set_type(pb::FIELD_TYPE_TEXT);
  name->set_required(true);
  name->mutable_label()->add_translations()->set_text("Name");
  name->set_max_chars(40);
  pb::FormField* size = f.add_fields();
  size->set_id("size");
  size->set_type(pb::FIELD_TYPE_NUMBER);
  size->set_required(true);
  size->mutable_label()->add_translations()->set_text("Household size");
  size->set_min(1);
  size->set_max(20);
  return f;
}

bool publish(sqlite3* db, const std::string& tenant, const std::string& scope,
             const wire::PublishedRecord& record, long long now_ms) {
  sqlite3_stmt* s = nullptr;
  const char* sql =
      "INSERT INTO sync_published (tenant_id, scope, seq, record, published_ms) VALUES (?1, ?2, "
      "(SELECT coalesce(max(seq), 0) + 1 FROM sync_published WHERE tenant_id = ?1 AND "
      "scope = ?2), ?3, ?4)";
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) return false;
  const std::string bytes = record.SerializeAsString();
  sqlite3_bind_text(s, 1, tenant.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, scope.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob(s, 3, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(s, 4, now_ms);
  bool ok = sqlite3_step(s) == SQLITE_DONE;
  sqlite3_finalize(s);
  // The scope's last seq, which the gateway pages by.
  const char* bump =
      "INSERT INTO sync_scopes (tenant_id, scope, last_seq) VALUES (?1, ?2, (SELECT max(seq) "
      "FROM sync_published WHERE tenant_id = ?1 AND scope = ?2)) ON CONFLICT(tenant_id, scope) "
      "DO UPDATE SET last_seq = excluded.last_seq";
  if (!ok || sqlite3_prepare_v2(db, bump, -1, &s, nullptr) != SQLITE_OK) return false;
  sqlite3_bind_text(s, 1, tenant.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, scope.c_str(), -1, SQLITE_TRANSIENT);
  ok = sqlite3_step(s) == SQLITE_DONE;
  sqlite3_finalize(s);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <gateway liaison.db> <tenant>\n", argv[0]);
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "cannot open the gateway store: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    return 1;
  }
  sqlite3_busy_timeout(db, 10'000);
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  wire::PublishedRecord form;
  *form.mutable_form() = visitForm();
  wire::PublishedRecord notice;
  notice.mutable_inbox_item()->set_id("notice-1");
  notice.mutable_inbox_item()->mutable_published_at()->set_seconds(now / 1000);
  const bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK &&
                  publish(db, argv[2], "forms", form, now) &&
                  publish(db, argv[2], "notices:DE", notice, now) &&
                  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  if (!ok) std::fprintf(stderr, "cannot publish: %s\n", sqlite3_errmsg(db));
  sqlite3_close(db);
  return ok ? 0 : 1;
}
