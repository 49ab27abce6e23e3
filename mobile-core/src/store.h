// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The mobile core's single entry point to its data (STYLE R14): one SQLite file in WAL mode
// with one writer connection, migrated from mobile-core/sql/*.sql through PRAGMA
// user_version, and encrypted at rest record by record (docs/adr/0007). Every local write is
// committed in the same transaction as its sync outbox entry, which carries the next
// device_seq and an HLC timestamp (docs/sync-protocol.md section 1).
//
//   app (C API, any thread) --> Store (mutex: one call at a time) --> Database (1 connection)
//                                  |                                      |
//                                  +-- RecordCipher (seal/open rows) -----+
//
// Errors are sync::Status; messages never carry personal data. Thread-safe: every public
// method takes the store's mutex, so calls from several threads are serialised.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto.h"
#include "database.h"
#include "liaison/sync/hlc.h"
#include "liaison/sync/merge.h"
#include "liaison/sync/status.h"
#include "liaison/sync/uuid.h"
#include "protos.h"

namespace liaison::mobile {

struct StoreOptions {
  // Wall-clock time in ms since the Unix epoch (timestamps for display, HLC physical part).
  // Default: the system clock. Tests inject their own.
  std::function<uint64_t()> wall_clock_ms;
  // Random bytes for UUIDv7 ids. Default: the OS CSPRNG. Nonces always use the CSPRNG.
  std::function<void(std::span<uint8_t>)> random;
};

// A record the gateway rejected (kept on the device and shown to staff). Ids and codes only.
struct SyncRejection {
  uint64_t device_seq = 0;
  std::string record_id;  // the member, submission or entity id (a UUID or entity id)
  wire::ErrorCode code = wire::ERROR_CODE_UNSPECIFIED;
  std::string detail;  // the gateway's PII-free reason
};

// What applying one SyncResponse did (counts and ids only: no personal data).
struct SyncApplyReport {
  uint64_t acked_through = 0;  // Ack.applied_through_seq
  uint64_t resend_from = 0;    // non-zero after ERROR_CODE_SEQUENCE_GAP
  int records_synced = 0;      // pending -> synced
  int records_rejected = 0;    // -> rejected (kept, shown to staff)
  int forms_stored = 0;
  int forms_invalid = 0;  // published forms that failed validateForm, not stored
  int inbox_items_stored = 0;
  int records_skipped = 0;                // seq <= the scope's cursor: already applied
  int entity_ops_stored = 0;              // relayed shared-entity operations
  int other_records_stored = 0;           // rosters, poll definitions, tombstones (kept, not shown)
  std::vector<SyncRejection> rejections;  // newly rejected by this response
  bool more = false;                      // another page waits
};

// The credential the sync client keeps (sync_client.h).
struct SyncCredential {
  std::string secret_key;           // Ed25519 secret key, 64 bytes
  std::vector<std::string> scopes;  // granted at enrolment, sorted
};

// One field write of a shared entity: the field's name and its value's bytes (empty clears).
using EntityField = std::pair<std::string, std::string>;

// The most SyncRequest.pending_operations says (docs/sync-protocol.md section 2): a larger
// outbox reports this, read as "at least", and the gateway stores nothing larger.
inline constexpr uint32_t kMaxReportedPending = 1'000'000;

class Store {
 public:
  // Opens or creates the store at `path` with the app's 32-byte key and migrates it. A new
  // store adopts the key. Errors: InvalidArgument (key not 32 bytes), IoError (cannot open
  // or write), Corruption (not a database, or damaged), Unsupported (schema newer than this
  // build), PermissionDenied (the key does not open this store: nothing is written then).
  static sync::Result<std::unique_ptr<Store>> open(const std::string& path,
                                                   std::span<const uint8_t> key,
                                                   StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schemaVersion();
  static int latestSchemaVersion();
  // The SQL text of migration `version` (1-based); empty when there is none.
  static std::string_view migrationForTest(int version);

  // ---- Enrolment ----
  // Sets the device id issued at enrolment (1-64 bytes of [A-Za-z0-9._:-]). Setting the same
  // id again is a no-op; another id is Conflict (a store belongs to one device for life).
  sync::Status enrol(const std::string& device_id);
  // NotFound before enrolment.
  sync::Result<std::string> deviceId();

  // ---- Forms (arrive by sync; putForm is what applying a page calls) ----
  // Stores a published form after validateForm (InvalidArgument otherwise). The same id and
  // version again replaces the stored definition (the server is authoritative).
  sync::Status putForm(const pb::Form& form);
  // version 0 means the newest version on the device. NotFound when absent.
  sync::Result<pb::Form> form(const std::string& form_id, int32_t version);
  sync::Result<views::FormList> listForms();

  // ---- Members ----
  // Registers a member with the consent captured on the spot, as one immutable record synced
  // as a Registration. The app fills contact.phone_e164 (E.164, required), display_name,
  // language, location, custom fields and groups, and consent.wording_version, consent.language
  // and consent.recorded_by (the staff member; all three required). The core sets contact.id
  // (a new UUIDv7, returned), contact.status (active), contact.created_at/updated_at,
  // consent.given_at (now) and consent.channel (field registration), replacing any value.
  // Errors: InvalidArgument, Unavailable (not enrolled), Conflict (a member with this number
  // is already registered on this device).
  sync::Result<std::string> registerMember(pb::Registration registration);
  sync::Result<views::MemberView> member(const std::string& id);
  // Finds a member by E.164 number through the blind index. NotFound when absent.
  sync::Result<views::MemberView> memberByPhone(const std::string& phone_e164);
  // Newest first.
  sync::Result<views::MemberList> listMembers();

  // ---- Submissions ----
  // Saves a draft (local only, never synced). An empty id makes a new draft (its UUIDv7 is
  // returned); an existing draft's id replaces its values. The form (form_id, form_version)
  // must be on the device (NotFound) and the values must fit it (checkSubmission Draft). A
  // set corrects_id must name a finalised submission of the same form id (a correction).
  // Errors: InvalidArgument, NotFound, Conflict (the id is a finalised submission).
  sync::Result<std::string> saveDraft(pb::Submission draft);
  // Deletes a draft. NotFound; Conflict for a finalised submission (they are never deleted).
  sync::Status discardDraft(const std::string& id);
  // Validates a draft fully against its form and makes it finalised and immutable, committed
  // together with its outbox entry. Errors: NotFound, Conflict (already finalised),
  // InvalidArgument (fails its form's rules: the draft is kept unchanged), Unavailable (not
  // enrolled).
  sync::Result<views::SubmissionView> finalise(const std::string& id);
  sync::Result<views::SubmissionView> submission(const std::string& id);
  // Every submission (drafts and finalised), newest first; `form_id` empty for all forms.
  sync::Result<views::SubmissionList> listSubmissions(const std::string& form_id);

  // ---- Inbox ----
  // Stores a published item (id required) under item.scope; a repeat keeps its read state.
  sync::Status putInboxItem(const pb::InboxItem& item);
  // Newest first.
  sync::Result<views::InboxList> listInbox();
  // Marks an item read (the first time counts). NotFound when absent.
  sync::Status markInboxRead(const std::string& id);

  // ---- Sync, store side (the transport is not here) ----
  // Starts following a published scope from its beginning (no-op if already followed).
  sync::Status followScope(const std::string& scope);
  // The next request: the oldest `max_operations` (1..500) unacknowledged operations, every
  // followed scope's cursor, the device's clocks, and pending_operations: the outbox entries
  // left after those pushed (at most kMaxReportedPending). Unavailable before enrolment.
  sync::Result<wire::SyncRequest> nextSyncRequest(std::size_t max_operations);
  // Applies a response: verifies the page, then in ONE transaction stores rejections, marks
  // acknowledged records synced, drops their outbox entries, applies published records, moves
  // the cursors and observes the server clock. Nothing is applied on any error:
  // Corruption (page seal, an ack of an operation never made, or a gap this device cannot
  // fill), Unsupported (a record kind this build cannot store, or UNSUPPORTED_VERSION),
  // PermissionDenied/Unavailable/InvalidArgument for the other response codes.
  sync::Result<SyncApplyReport> applySyncResponse(const wire::SyncResponse& response);
  // The sync client's enrolment, in one transaction: the device id (as enrol()), the sealed
  // secret key and the granted scopes, each of which is followed. Conflict when the store
  // belongs to another device id; InvalidArgument for a key not 64 bytes or a bad scope.
  sync::Status saveEnrolment(const std::string& device_id, const SyncCredential& credential);
  // NotFound when the store was not enrolled through the sync client.
  sync::Result<SyncCredential> credential();
  // Stops following a scope and forgets its cursor (what SCOPE_FORBIDDEN asks for). Records
  // already received stay. Following it again starts from its beginning.
  sync::Status unfollowScope(const std::string& scope);
  // Every followed scope, sorted.
  sync::Result<std::vector<std::string>> followedScopes();
  // Sync state of a member or submission. NotFound when neither has the id.
  sync::Result<views::SyncStatus> recordStatus(const std::string& id);
  // Operations not yet acknowledged.
  sync::Result<int64_t> pendingCount();

  // ---- Shared entities (docs/sync-protocol.md 6.2: per-field last writer wins) ----
  // Writes fields of a shared entity (type and id 1-64 of [A-Za-z0-9._:-], 1-128 fields with
  // unique names, values up to 64 KiB) as one EntityUpdate, each field's base being the
  // version this device holds, queued for sync in the same transaction. Unavailable before
  // enrolment, InvalidArgument for a malformed write.
  sync::Status updateEntity(const std::string& type, const std::string& id,
                            const std::vector<EntityField>& fields);
  // The entity's state on this device: the merge of every operation it has seen for it (its
  // own and those relayed by the gateway). NotFound when none.
  sync::Result<sync::EntityState> entity(const std::string& type, const std::string& id);

 private:
  struct Operation {
    uint64_t device_seq;
    wire::Operation op;
  };

  Store(std::unique_ptr<Database> db, RecordCipher cipher, StoreOptions options);
  static sync::Status migrate(Database& db, int from);
  sync::Status loadDevice();

  // Helpers called with mu_ held; writers take the open Transaction.
  uint64_t nowMs() const { return options_.wall_clock_ms(); }
  pb::Timestamp timestampNow() const;
  sync::Result<Operation> nextOperation(Transaction& txn);
  sync::Status appendOutbox(Transaction& txn, int record_kind, const std::string& record_id,
                            const wire::Operation& op);
  sync::Status putFormLocked(const pb::Form& form);
  sync::Status putInboxItemLocked(pb::InboxItem item, const std::string& scope);
  sync::Result<pb::Form> formLocked(const std::string& form_id, int32_t version);
  sync::Result<views::SubmissionView> submissionLocked(const std::string& id);
  sync::Result<views::MemberView> memberWhere(std::string_view sql, std::string_view key);
  sync::Status putEntityOpLocked(const wire::Operation& op);
  sync::Result<sync::EntityState> entityLocked(const std::string& type, const std::string& id);

  template <typename Message>
  sync::Result<Message> openRecord(std::string_view sealed, const std::string& row);

  std::mutex mu_;
  std::unique_ptr<Database> db_;
  RecordCipher cipher_;
  StoreOptions options_;
  sync::HybridLogicalClock clock_;
  sync::UuidV7Generator uuids_;
  std::optional<std::string> device_id_;
};

// The migrations compiled into this build, oldest first (generated from sql/*.sql).
struct Migration {
  const char* name;
  const char* sql;
};
extern const Migration kMigrations[];
extern const int kMigrationCount;

// Row names sealed blobs are bound to (associated data): a blob moved to another row, table
// or column fails to open.
std::string rowName(std::string_view table, std::string_view key);

// SyncStatus from the (device_seq, sync_state, rejection_code, rejection_detail) columns of
// the current row of `s`, starting at column `first`.
views::SyncStatus syncStatusFromRow(const Statement& s, int first);

}  // namespace liaison::mobile

// ---- template definitions ----
namespace liaison::mobile {

template <typename Message>
sync::Result<Message> Store::openRecord(std::string_view sealed, const std::string& row) {
  auto plain = cipher_.open(sealed, row);
  if (!plain.ok()) return plain.status();
  Message m;
  if (!m.ParseFromString(*plain)) return sync::Status::Corruption("a stored record is damaged");
  return m;
}

}  // namespace liaison::mobile
