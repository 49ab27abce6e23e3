-- Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
-- Migration 2: forms, members, submissions, the device's sync identity and the sync outbox.
-- Never edit a shipped migration; add the next file.
--
-- Columns named `sealed` hold a record's protobuf encoding encrypted and authenticated with
-- XChaCha20-Poly1305 and bound to its row (docs/adr/0007). Every other column is metadata in
-- clear so SQLite can index it: it never holds a phone number, a name, an answer or a place.
-- sync_state values are liaison.mobile.v1.SyncState: 1 local (draft), 2 pending, 3 synced,
-- 4 rejected (kept and shown to staff, never dropped).

-- Form definitions as published by the gateway, every version kept: a submission names the
-- exact version it was filled against.
CREATE TABLE forms (
  form_id     TEXT NOT NULL,
  version     INTEGER NOT NULL CHECK (version > 0),
  sealed      BLOB NOT NULL,
  received_ms INTEGER NOT NULL,
  PRIMARY KEY (form_id, version)
) WITHOUT ROWID;

-- Members registered on this device (with consent). Immutable once written, like every
-- submission: a registration is one.
CREATE TABLE members (
  id               TEXT PRIMARY KEY,
  phone_index      BLOB NOT NULL UNIQUE,  -- keyed BLAKE2b of the E.164 number
  sealed           BLOB NOT NULL,         -- liaison.v1.Registration
  content_hash     BLOB NOT NULL,         -- SHA-256 of the record as sent
  created_ms       INTEGER NOT NULL,
  device_seq       INTEGER NOT NULL UNIQUE,
  sync_state       INTEGER NOT NULL CHECK (sync_state IN (2, 3, 4)),
  rejection_code   INTEGER,
  rejection_detail TEXT
);

CREATE TRIGGER members_are_immutable
BEFORE UPDATE OF id, phone_index, sealed, content_hash, created_ms, device_seq ON members
BEGIN
  SELECT RAISE(ABORT, 'registrations are immutable');
END;

CREATE TRIGGER members_are_kept BEFORE DELETE ON members
BEGIN
  SELECT RAISE(ABORT, 'registrations are never deleted');
END;

-- Filled forms: drafts (state 1, local only, editable) and finalised ones (state 2, immutable,
-- synced). A correction is a new submission whose corrects_id names the one it replaces.
CREATE TABLE submissions (
  id               TEXT PRIMARY KEY,
  form_id          TEXT NOT NULL,
  form_version     INTEGER NOT NULL,
  state            INTEGER NOT NULL CHECK (state IN (1, 2)),
  corrects_id      TEXT REFERENCES submissions(id),
  sealed           BLOB NOT NULL,  -- liaison.v1.Submission
  content_hash     BLOB,           -- finalised only
  created_ms       INTEGER NOT NULL,
  updated_ms       INTEGER NOT NULL,
  device_seq       INTEGER UNIQUE, -- finalised only
  sync_state       INTEGER NOT NULL CHECK (sync_state IN (1, 2, 3, 4)),
  rejection_code   INTEGER,
  rejection_detail TEXT,
  CHECK ((state = 1) = (device_seq IS NULL)),
  CHECK ((state = 1) = (sync_state = 1)),
  CHECK ((state = 1) = (content_hash IS NULL)),
  FOREIGN KEY (form_id, form_version) REFERENCES forms(form_id, version)
);
CREATE INDEX submissions_by_form ON submissions(form_id, form_version);
CREATE INDEX submissions_by_correction ON submissions(corrects_id) WHERE corrects_id IS NOT NULL;

CREATE TRIGGER submissions_finalised_are_immutable
BEFORE UPDATE OF id, form_id, form_version, state, corrects_id, sealed, content_hash, created_ms,
                 updated_ms, device_seq ON submissions
WHEN OLD.state = 2
BEGIN
  SELECT RAISE(ABORT, 'finalised submissions are immutable');
END;

CREATE TRIGGER submissions_finalised_are_kept BEFORE DELETE ON submissions
WHEN OLD.state = 2
BEGIN
  SELECT RAISE(ABORT, 'finalised submissions are never deleted');
END;

-- The device's sync identity (docs/sync-protocol.md section 1): its id from enrolment, the
-- last device_seq handed out (never reused, even after the outbox entry is dropped) and the
-- last HLC issued, so a restart never goes backwards. Exactly one row.
CREATE TABLE device (
  singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
  device_id       TEXT,  -- NULL until enrolment
  last_device_seq INTEGER NOT NULL DEFAULT 0,
  hlc_wall_ms     INTEGER NOT NULL DEFAULT 0,
  hlc_logical     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO device(singleton) VALUES (1);

-- Operations not yet acknowledged by the gateway, oldest first. Each is written in the same
-- transaction as the record it carries and dropped once the gateway acknowledges it.
CREATE TABLE outbox (
  device_seq  INTEGER PRIMARY KEY CHECK (device_seq > 0),
  record_kind INTEGER NOT NULL CHECK (record_kind IN (1, 2)),  -- 1 member, 2 submission
  record_id   TEXT NOT NULL,
  sealed      BLOB NOT NULL  -- liaison.sync.v1.Operation
);
