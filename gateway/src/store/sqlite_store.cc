// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteStore: opening, pragmas and migrations.
#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string_view>

namespace liaison::gateway::store {

namespace {

// Migration N (1-based) brings user_version from N-1 to N. Never edit a shipped entry;
// append a new one. tests/gateway/store pins each shipped text and upgrades old databases.
//
// Portable SQL: every statement here has a direct PostgreSQL spelling (INTEGER PRIMARY KEY ->
// BIGINT GENERATED ALWAYS AS IDENTITY, REAL -> DOUBLE PRECISION, BLOB -> BYTEA); times are
// INTEGER Unix seconds, not dialect-specific date types.
constexpr std::array<std::string_view, 8> kMigrations = {
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
)sql",
    // 2: contacts, their groups, custom fields and consents; saved segments.
    R"sql(
CREATE TABLE contacts (
  id                   INTEGER PRIMARY KEY,
  tenant_id            TEXT    NOT NULL,
  phone_e164           TEXT    NOT NULL,
  display_name         TEXT,
  language             TEXT,
  country              TEXT,
  region               TEXT,
  city                 TEXT,
  time_zone            TEXT,
  time_zone_overridden INTEGER NOT NULL DEFAULT 0,
  status               INTEGER NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  UNIQUE (tenant_id, phone_e164)
);
-- Segment counts: equality on country and language seeks these; status last so counts of
-- reachable (active) contacts are answered from the index alone.
CREATE INDEX contacts_by_country ON contacts(tenant_id, country, language, status);
CREATE INDEX contacts_by_language ON contacts(tenant_id, language, status);
CREATE INDEX contacts_by_status ON contacts(tenant_id, status);

CREATE TABLE contact_groups (
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  name       TEXT    NOT NULL,
  PRIMARY KEY (contact_id, name)
);
CREATE INDEX contact_groups_by_name ON contact_groups(name, contact_id);

-- One row per value: a multi-valued field (skills) has several rows with the same key.
CREATE TABLE contact_fields (
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  key        TEXT    NOT NULL,
  value_text TEXT    NOT NULL,
  value_num  REAL,
  PRIMARY KEY (contact_id, key, value_text)
);
CREATE INDEX contact_fields_by_text ON contact_fields(key, value_text, contact_id);
CREATE INDEX contact_fields_by_num ON contact_fields(key, value_num, contact_id)
  WHERE value_num IS NOT NULL;

CREATE TABLE consents (
  id              INTEGER PRIMARY KEY,
  contact_id      INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  given_at        INTEGER NOT NULL,
  channel         INTEGER NOT NULL,
  wording_version TEXT    NOT NULL,
  language        TEXT,
  recorded_by     TEXT,
  withdrawn_at    INTEGER,
  UNIQUE (contact_id, given_at, channel, wording_version)
);

CREATE TABLE segments (
  id         INTEGER PRIMARY KEY,
  tenant_id  TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  filter     BLOB    NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, name)
);
)sql",
    // 3: the outbox ledger (outbox_store.h) and the provider id of each submitted segment.
    R"sql(
CREATE TABLE outbox (
  id            INTEGER PRIMARY KEY,
  tenant_id     TEXT    NOT NULL,
  campaign_id   TEXT    NOT NULL,
  contact_id    INTEGER NOT NULL,
  step          TEXT    NOT NULL,
  to_e164       TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  language      TEXT,
  encoding      INTEGER NOT NULL CHECK (encoding BETWEEN 1 AND 3),
  segments      INTEGER NOT NULL CHECK (segments BETWEEN 1 AND 255),
  priority      INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 3),
  resend_policy INTEGER NOT NULL CHECK (resend_policy BETWEEN 1 AND 2),
  time_zone     TEXT,
  state         INTEGER NOT NULL DEFAULT 1 CHECK (state BETWEEN 1 AND 7),
  attempts      INTEGER NOT NULL DEFAULT 0,
  channel       TEXT,
  not_before    INTEGER NOT NULL,
  expires_at    INTEGER,
  failure_code  TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (campaign_id, contact_id, step)
);
-- CHECKs use BETWEEN, not IN (...): SQLite evaluates an IN list through a temporary index
-- opened and freed for every inserted row, which made bulk enqueues 25x slower.
-- No foreign key to contacts: the ledger is a record of what was sent and outlives contact
-- changes; dispatch joins contacts to check opt-out and fails rows whose contact is gone.
-- Partial indexes hold only the rows the dispatcher looks for, so they stay small as the
-- ledger grows: the queued backlog in claim order, its deadlines, and the rows in flight.
CREATE INDEX outbox_queued ON outbox(priority, not_before, id) WHERE state = 1;
CREATE INDEX outbox_queued_expiry ON outbox(expires_at) WHERE state = 1 AND expires_at IS NOT NULL;
CREATE INDEX outbox_in_flight ON outbox(resend_policy) WHERE state = 2;

-- One row per submitted segment rather than a delimited column: a delivery receipt names one
-- segment's provider id, and finding its message needs an index on each id. Ids are unique
-- per SMSC account only and get recycled, hence (channel, provider_id) and no UNIQUE.
CREATE TABLE outbox_parts (
  outbox_id   INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  channel     TEXT    NOT NULL,
  provider_id TEXT    NOT NULL,
  PRIMARY KEY (outbox_id, seq)
);
CREATE INDEX outbox_parts_by_provider ON outbox_parts(channel, provider_id);
)sql",
    // 4: campaigns, the per-campaign pseudonyms, poll sessions and answers, inbound messages.
    R"sql(
CREATE TABLE campaigns (
  id          TEXT    PRIMARY KEY,
  tenant_id   TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  kind        INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 2),
  state       INTEGER NOT NULL CHECK (state BETWEEN 1 AND 6),
  definition  BLOB    NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (tenant_id, name)
);
CREATE INDEX campaigns_by_state ON campaigns(tenant_id, state);

-- The only link between a respondent and a contact (and so a phone number). Sessions and
-- answers name the pseudonym; deleting a campaign's rows here leaves its results anonymous.
CREATE TABLE campaign_recipients (
  campaign_id TEXT    NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  contact_id  INTEGER NOT NULL,
  pseudonym   TEXT    NOT NULL,
  PRIMARY KEY (campaign_id, contact_id),
  UNIQUE (campaign_id, pseudonym)
);
CREATE INDEX campaign_recipients_by_contact ON campaign_recipients(contact_id, campaign_id);

-- One per respondent and poll. country and language are copied from the contact when the
-- session opens, so breakdowns need no link back to the contact.
CREATE TABLE poll_sessions (
  campaign_id      TEXT    NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  pseudonym        TEXT    NOT NULL,
  language         TEXT    NOT NULL,
  country          TEXT,
  current_question TEXT,
  reasks           INTEGER NOT NULL DEFAULT 0,
  state            INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),
  started_at       INTEGER NOT NULL,
  last_activity    INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, pseudonym)
);
CREATE INDEX poll_sessions_by_state ON poll_sessions(campaign_id, state);

-- One per question answered; a later accepted reply to the same question replaces it.
-- source: 1 SMS, 2 field device (sync).
CREATE TABLE answers (
  campaign_id TEXT    NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  pseudonym   TEXT    NOT NULL,
  question_id TEXT    NOT NULL,
  kind        INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),
  choice_id   TEXT,
  value_num   REAL,
  value_text  TEXT,
  truncated   INTEGER NOT NULL DEFAULT 0,
  source      INTEGER NOT NULL DEFAULT 1 CHECK (source BETWEEN 1 AND 2),
  answered_at INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, question_id, pseudonym)
);

-- Every inbound SMS, for de-duplication and the record of where it went (route: 1 stop,
-- 2 start, 3 help, 4 poll answer, 5 inbox, 6 duplicate). The body is kept only for the inbox
-- (unsolicited messages an officer reads); routed messages keep a hash of it.
CREATE TABLE inbound (
  id           INTEGER PRIMARY KEY,
  tenant_id    TEXT    NOT NULL,
  channel      TEXT    NOT NULL,
  provider_id  TEXT,
  from_e164    TEXT    NOT NULL,
  content_hash INTEGER NOT NULL,
  route        INTEGER NOT NULL CHECK (route BETWEEN 1 AND 6),
  campaign_id  TEXT,
  body         TEXT,
  received_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX inbound_by_provider ON inbound(channel, provider_id)
  WHERE provider_id IS NOT NULL;
CREATE INDEX inbound_by_content ON inbound(from_e164, content_hash, received_at);
CREATE INDEX inbound_inbox ON inbound(tenant_id, received_at) WHERE route = 5;

-- A paused campaign's queued rows are held: still queued (they resume where they were), but
-- out of the claim index, so a paused backlog costs the dispatcher nothing.
ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
DROP INDEX outbox_queued;
CREATE INDEX outbox_queued ON outbox(priority, not_before, id) WHERE state = 1 AND held = 0;
)sql",
    // 5: API tokens. Only a SHA-256 of the secret is kept; the prefix lets an operator tell
    // tokens apart in listings without the secret.
    R"sql(
CREATE TABLE api_tokens (
  id           TEXT    PRIMARY KEY,
  tenant_id    TEXT    NOT NULL,
  name         TEXT    NOT NULL,
  role         INTEGER NOT NULL CHECK (role BETWEEN 1 AND 4),
  secret_hash  BLOB    NOT NULL UNIQUE,
  prefix       TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  revoked_at   INTEGER,
  last_used_at INTEGER
);
CREATE INDEX api_tokens_by_tenant ON api_tokens(tenant_id, created_at);
)sql",
    // 6: field sync (docs/sync-protocol.md, gateway/src/sync/sqlite_sync_store.h): enrolment
    // codes and devices, the per-device operation ledger, submissions, shared-entity fields
    // and tombstones, review flags, and the server-published log per scope. Times here are
    // Unix milliseconds (the protocol's unit), hence the _ms suffixes.
    R"sql(
CREATE TABLE sync_enrolment_codes (
  id          INTEGER PRIMARY KEY,
  code_hash   BLOB    NOT NULL UNIQUE,
  tenant_id   TEXT    NOT NULL,
  team        TEXT    NOT NULL,
  scopes      TEXT    NOT NULL,
  created_by  TEXT    NOT NULL,
  created_ms  INTEGER NOT NULL,
  expires_ms  INTEGER NOT NULL,
  used_ms     INTEGER,
  device_id   TEXT
);

-- hwm: every device_seq <= hwm of this device is durably consumed (sync_ops holds each).
CREATE TABLE sync_devices (
  device_id     TEXT    PRIMARY KEY,
  tenant_id     TEXT    NOT NULL,
  team          TEXT    NOT NULL,
  scopes        TEXT    NOT NULL,
  public_key    BLOB    NOT NULL,
  enrolled_ms   INTEGER NOT NULL,
  revoked_ms    INTEGER,
  last_seen_ms  INTEGER,
  last_hlc_wall INTEGER NOT NULL DEFAULT 0,
  last_hlc_lc   INTEGER NOT NULL DEFAULT 0,
  hwm           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sync_devices_by_team ON sync_devices(tenant_id, team);

-- Request nonces inside the timestamp window: a replayed request is refused.
CREATE TABLE sync_nonces (
  device_id TEXT    NOT NULL,
  nonce     BLOB    NOT NULL,
  seen_ms   INTEGER NOT NULL,
  PRIMARY KEY (device_id, nonce)
);
CREATE INDEX sync_nonces_by_time ON sync_nonces(seen_ms);

-- One row per consumed operation. outcome: 1 applied, 2 superseded, 3 duplicate, 4 rejected
-- (code and detail set, re-reported when a replayed range includes it).
CREATE TABLE sync_ops (
  device_id   TEXT    NOT NULL,
  device_seq  INTEGER NOT NULL,
  outcome     INTEGER NOT NULL CHECK (outcome BETWEEN 1 AND 4),
  code        INTEGER,
  detail      TEXT,
  received_ms INTEGER NOT NULL,
  PRIMARY KEY (device_id, device_seq)
);

-- kind: 1 form submission, 2 registration, 3 poll response. record: the SubmissionOp as sent.
CREATE TABLE sync_submissions (
  tenant_id     TEXT    NOT NULL,
  submission_id TEXT    NOT NULL,
  content_hash  BLOB    NOT NULL,
  kind          INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 3),
  record        BLOB    NOT NULL,
  device_id     TEXT    NOT NULL,
  device_seq    INTEGER NOT NULL,
  received_ms   INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, submission_id)
);

-- Shared entities: each field's winning write, and the winning delete. base_*: NULL when unset.
CREATE TABLE sync_entity_fields (
  tenant_id    TEXT    NOT NULL,
  entity_type  TEXT    NOT NULL,
  entity_id    TEXT    NOT NULL,
  field        TEXT    NOT NULL,
  value        BLOB    NOT NULL,
  hlc_wall     INTEGER NOT NULL,
  hlc_lc       INTEGER NOT NULL,
  device_id    TEXT    NOT NULL,
  base_wall    INTEGER,
  base_lc      INTEGER,
  base_device  TEXT,
  PRIMARY KEY (tenant_id, entity_type, entity_id, field)
);
CREATE TABLE sync_tombstones (
  tenant_id    TEXT    NOT NULL,
  entity_type  TEXT    NOT NULL,
  entity_id    TEXT    NOT NULL,
  hlc_wall     INTEGER NOT NULL,
  hlc_lc       INTEGER NOT NULL,
  device_id    TEXT    NOT NULL,
  base_wall    INTEGER,
  base_lc      INTEGER,
  base_device  TEXT,
  PRIMARY KEY (tenant_id, entity_type, entity_id)
);

-- Concurrent edits and skewed clocks for a person to review. reason: 1 concurrent edit,
-- 2 edit lost to delete, 3 edit after delete, 4 clock skew. losing_value is personal data.
CREATE TABLE sync_review_flags (
  id             INTEGER PRIMARY KEY,
  tenant_id      TEXT    NOT NULL,
  reason         INTEGER NOT NULL CHECK (reason BETWEEN 1 AND 4),
  entity_type    TEXT    NOT NULL,
  entity_id      TEXT    NOT NULL,
  field          TEXT    NOT NULL,
  winner_wall    INTEGER NOT NULL,
  winner_lc      INTEGER NOT NULL,
  winner_device  TEXT    NOT NULL,
  loser_wall     INTEGER NOT NULL,
  loser_lc       INTEGER NOT NULL,
  loser_device   TEXT    NOT NULL,
  losing_value   BLOB,
  created_ms     INTEGER NOT NULL,
  resolved_ms    INTEGER,
  UNIQUE (tenant_id, reason, entity_type, entity_id, field, winner_wall, winner_lc,
          winner_device, loser_wall, loser_lc, loser_device)
);
CREATE INDEX sync_review_flags_open ON sync_review_flags(tenant_id, created_ms)
  WHERE resolved_ms IS NULL;

-- The server-published log: per (tenant, scope) a gap-free sequence. record: a serialised
-- PublishedRecord holding only its record oneof (scope and seq are the key).
CREATE TABLE sync_scopes (
  tenant_id TEXT    NOT NULL,
  scope     TEXT    NOT NULL,
  last_seq  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, scope)
);
CREATE TABLE sync_published (
  tenant_id    TEXT    NOT NULL,
  scope        TEXT    NOT NULL,
  seq          INTEGER NOT NULL,
  record       BLOB    NOT NULL,
  published_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, scope, seq)
);

-- Contact ids as devices know them (UUIDv7 text: a registration's id, a roster entry's id)
-- -> the store's contact. Several device ids may name one contact (registered twice).
CREATE TABLE sync_contact_ids (
  tenant_id    TEXT    NOT NULL,
  contact_uuid TEXT    NOT NULL,
  contact_id   INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, contact_uuid)
);
CREATE INDEX sync_contact_ids_by_contact ON sync_contact_ids(contact_id);

-- The gateway's hybrid logical clock, so a restart never issues an older server_clock.
CREATE TABLE sync_server_clock (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  hlc_wall INTEGER NOT NULL,
  hlc_lc   INTEGER NOT NULL
);
)sql",
    // 7: whether an inbound message got a reply, so an identical later text is not taken for
    // a redelivery (ADR 0008: "1" answers two questions in a row).
    R"sql(
ALTER TABLE inbound ADD COLUMN replied INTEGER NOT NULL DEFAULT 0;
)sql",
    // 8: each field device's outbox depth as it last reported it (SyncRequest
    // .pending_operations) and when, in Unix ms; NULL until a device that sends it syncs.
    R"sql(
ALTER TABLE sync_devices ADD COLUMN outbox_depth INTEGER;
ALTER TABLE sync_devices ADD COLUMN outbox_depth_ms INTEGER;
)sql",
};

// A size above the entries listed would add empty migrations that still bump user_version.
static_assert(std::ranges::none_of(kMigrations, [](std::string_view m) { return m.empty(); }),
              "kMigrations has an empty entry: its size must match the migrations listed");

void exec(Database& db, std::string_view sql, std::string_view what) {
  char* err = nullptr;
  if (sqlite3_exec(db.handle(), std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = std::string(what) + ": " + (err ? err : sqlite3_errmsg(db.handle()));
    sqlite3_free(err);
    throw std::runtime_error(msg);
  }
}

}  // namespace

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  auto db = std::make_unique<Database>(raw);
  if (rc != SQLITE_OK) {
    throw std::runtime_error("cannot open store '" + path +
                             "': " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)) +
                             " (check that the directory exists and is writable)");
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(db), path));
  sqlite3_busy_timeout(raw, 5000);
  exec(*store->db_, "PRAGMA journal_mode=WAL", "enabling WAL on '" + path + "'");
  // FULL: a commit survives power loss; the API acknowledges only after it (promise 1).
  // See the header for where this is needed.
  exec(*store->db_, "PRAGMA synchronous=FULL", "setting synchronous");
  exec(*store->db_, "PRAGMA foreign_keys=ON", "enabling foreign keys");
  store->migrate();
  return store;
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::latestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

std::string_view SqliteStore::migrationForTest(int version) {
  if (version < 1 || version > latestSchemaVersion()) return {};
  return kMigrations[static_cast<size_t>(version - 1)];
}

int SqliteStore::schemaVersion() const {
  sqlite3_stmt* stmt = nullptr;
  int version = -1;
  if (sqlite3_prepare_v2(db_->handle(), "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    version = sqlite3_column_int(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return version;
}

void SqliteStore::migrate() {
  const int current = schemaVersion();
  if (current > latestSchemaVersion()) {
    throw std::runtime_error("store schema version " + std::to_string(current) +
                             " is newer than this build knows (" +
                             std::to_string(latestSchemaVersion()) +
                             "); upgrade liaison or use a copy of the older database");
  }
  for (int v = current; v < latestSchemaVersion(); ++v) {
    exec(*db_, "BEGIN IMMEDIATE", "starting migration");
    try {
      exec(*db_, kMigrations[static_cast<size_t>(v)], "migration " + std::to_string(v + 1));
      exec(*db_, "PRAGMA user_version=" + std::to_string(v + 1), "recording schema version");
      exec(*db_, "COMMIT", "committing migration");
    } catch (...) {
      sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
}

bool SqliteStore::writable() const {
  // The writer itself may be inside a transaction (an import): it holds the lock, so it can
  // write; starting a nested transaction here would fail and report a false "not ready".
  if (db_->inTransaction()) return true;
  if (sqlite3_exec(db_->handle(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return false;
  }
  sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  return true;
}

}  // namespace liaison::gateway::store
