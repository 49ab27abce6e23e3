// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Store: the inbox of notices and polls published to the device's scopes, with read state.
#include <utility>

#include "store.h"

namespace liaison::mobile {

namespace {

using sync::Status;

int64_t toMs(const pb::Timestamp& t) { return t.seconds() * 1000 + t.nanos() / 1000000; }

pb::Timestamp fromMs(int64_t ms) {
  pb::Timestamp t;
  t.set_seconds(ms / 1000);
  t.set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  return t;
}

}  // namespace

sync::Status Store::putInboxItemLocked(pb::InboxItem item, const std::string& scope) {
  if (item.id().empty()) return Status::InvalidArgument("inbox item: id missing");
  item.set_scope(scope);  // the scope it was published to is the authoritative one
  std::string bytes;
  if (!item.SerializeToString(&bytes)) return Status::Internal("cannot encode an inbox item");
  auto s = db_->cached(
      "INSERT INTO inbox_items(id, scope, sealed, published_ms, expires_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET scope = excluded.scope, "
      "sealed = excluded.sealed, published_ms = excluded.published_ms, "
      "expires_ms = excluded.expires_ms");
  if (!s.ok()) return s.status();
  (*s)->bind(1, item.id()).bind(2, scope);
  (*s)->bindBlob(3, cipher_.seal(bytes, rowName("inbox_items", item.id())));
  (*s)->bind(4, toMs(item.published_at()));
  if (item.has_expires_at()) {
    (*s)->bind(5, toMs(item.expires_at()));
  } else {
    (*s)->bindNull(5);
  }
  return (*s)->run();
}

sync::Status Store::putInboxItem(const pb::InboxItem& item) {
  std::lock_guard lock(mu_);
  Transaction txn(*db_);
  if (auto st = txn.begin(); !st.ok()) return st;
  if (auto st = putInboxItemLocked(item, item.scope()); !st.ok()) return st;
  return txn.commit();
}

sync::Result<views::InboxList> Store::listInbox() {
  std::lock_guard lock(mu_);
  auto s = db_->cached(
      "SELECT id, sealed, read_ms FROM inbox_items ORDER BY published_ms DESC, id DESC");
  if (!s.ok()) return s.status();
  views::InboxList out;
  for (;;) {
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto item = openRecord<pb::InboxItem>((*s)->blob(1),
                                          rowName("inbox_items", std::string((*s)->text(0))));
    if (!item.ok()) return item.status();
    views::InboxEntry* e = out.add_entries();
    *e->mutable_item() = std::move(item).value();
    if (!(*s)->isNull(2)) *e->mutable_read_at() = fromMs((*s)->int64(2));
  }
  return out;
}

sync::Status Store::markInboxRead(const std::string& id) {
  std::lock_guard lock(mu_);
  auto s = db_->cached("UPDATE inbox_items SET read_ms = coalesce(read_ms, ?2) WHERE id = ?1");
  if (!s.ok()) return s.status();
  if (auto st = (*s)->bind(1, id).bind(2, static_cast<int64_t>(nowMs())).run(); !st.ok()) {
    return st;
  }
  if (db_->changes() == 0) return Status::NotFound("no such inbox item");
  return Status::OK();
}

}  // namespace liaison::mobile
