-- Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
-- Migration 4: what the core's own sync client keeps, shared entities, and published records
-- of kinds the screens do not show yet. Never edit a shipped migration; add the next file.

-- The device's credential from enrolment (docs/sync-protocol.md section 14). One row once
-- enrolled through the client. `sealed` is the Ed25519 secret key (64 bytes), sealed like
-- every record (docs/adr/0007); the granted scopes are sync scope names, never personal data.
CREATE TABLE sync_credential (
  singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
  sealed         BLOB NOT NULL,
  granted_scopes TEXT NOT NULL  -- '\n'-separated, sorted
);

-- Shared-entity operations (EntityUpdate, EntityDelete) this device made or received relayed
-- (section 7), kept for good: an entity's state here is computePlan (sync/merge.h) over the
-- set of its operations, the same function of the same set as on the gateway, so every
-- replica converges. Ids and types are identifiers, never personal data; the op is sealed.
CREATE TABLE entity_ops (
  device_id   TEXT NOT NULL,
  device_seq  INTEGER NOT NULL CHECK (device_seq > 0),
  entity_type TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  sealed      BLOB NOT NULL,  -- liaison.sync.v1.Operation
  PRIMARY KEY (device_id, device_seq)
) WITHOUT ROWID;
CREATE INDEX entity_ops_by_entity ON entity_ops(entity_type, entity_id);

-- Published records kept but not interpreted yet (roster entries, poll definitions,
-- tombstones), so a page that holds them applies whole and its cursor moves.
CREATE TABLE published_records (
  scope  TEXT NOT NULL,
  seq    INTEGER NOT NULL CHECK (seq > 0),
  kind   INTEGER NOT NULL,  -- the liaison.sync.v1.PublishedRecord field number of the record
  sealed BLOB NOT NULL,     -- liaison.sync.v1.PublishedRecord
  PRIMARY KEY (scope, seq)
) WITHOUT ROWID;

-- The outbox also carries shared-entity operations (record_kind 3, record_id the entity id).
-- SQLite cannot change a CHECK in place: rebuild the table; sealed blobs are bound to
-- "outbox/<device_seq>", which does not change.
CREATE TABLE outbox_v4 (
  device_seq  INTEGER PRIMARY KEY CHECK (device_seq > 0),
  record_kind INTEGER NOT NULL CHECK (record_kind IN (1, 2, 3)),  -- member, submission, entity
  record_id   TEXT NOT NULL,
  sealed      BLOB NOT NULL  -- liaison.sync.v1.Operation
);
INSERT INTO outbox_v4(device_seq, record_kind, record_id, sealed)
  SELECT device_seq, record_kind, record_id, sealed FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v4 RENAME TO outbox;
