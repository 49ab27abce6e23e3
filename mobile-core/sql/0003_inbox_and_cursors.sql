-- Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
-- Migration 3: the inbox of notices and polls published to the device's scopes, and the
-- device's position in each scope it follows. Never edit a shipped migration.

CREATE TABLE inbox_items (
  id           TEXT PRIMARY KEY,
  scope        TEXT NOT NULL,
  sealed       BLOB NOT NULL,  -- liaison.v1.InboxItem
  published_ms INTEGER NOT NULL,
  expires_ms   INTEGER,        -- NULL: does not expire
  read_ms      INTEGER         -- NULL while unread
);
CREATE INDEX inbox_by_published ON inbox_items(published_ms DESC);

-- One row per followed scope: the last sequence number fully applied (section 7).
CREATE TABLE sync_cursors (
  scope TEXT PRIMARY KEY,
  seq   INTEGER NOT NULL DEFAULT 0 CHECK (seq >= 0)
) WITHOUT ROWID;
