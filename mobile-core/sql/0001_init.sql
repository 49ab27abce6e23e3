-- Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
-- Migration 1: the store's identity. Later migrations add forms, submissions, members,
-- the inbox and the sync outbox. Never edit a shipped migration; add the next file.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
