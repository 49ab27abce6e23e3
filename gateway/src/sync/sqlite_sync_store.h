// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The gateway's sync tables (migrations 6 and 8 in store/sqlite_store.cc) over one SQLite
// connection: enrolment codes and devices, request nonces, the per-device operation ledger and
// high-water mark, submissions, shared-entity fields and tombstones, review flags, the
// server-published log per (tenant, scope), device-side contact ids, and the gateway's hybrid
// logical clock. It stores and loads; deciding is the merge's job (liaison/sync/merge.h) and the
// protocol's (sync_service.h). Every statement is portable SQL from a fixed set of texts.
//
// Tenancy: every row of synced data carries the device's tenant, so two tenants never see or
// collide with each other's entities, submissions or scopes.
//
// Errors are std::error_code (store::StoreErrc) and never carry ids, values or keys.
// Thread-safety: none. The store is single-writer: callers hold the daemon's store mutex for
// every call, and a Transaction around calls that must commit together.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "liaison/sync/hlc.h"
#include "liaison/sync/merge.h"
#include "liaison/sync/v1/sync.pb.h"
#include "store/database.h"

namespace liaison::gateway::sync {

namespace engine = ::liaison::sync;
namespace wire = ::liaison::sync::v1;

// The largest outbox depth (SyncRequest.pending_operations) stored; a larger report is
// stored as this, which reads "at least" (docs/sync-protocol.md section 2).
inline constexpr std::uint32_t kMaxOutboxDepth = 1'000'000;

// A one-time enrolment code as stored: only the hash of the code is kept.
struct EnrolmentCodeRecord {
  std::int64_t id = 0;  // assigned by the store
  std::string tenant_id;
  std::string team;
  std::vector<std::string> scopes;  // sorted, unique; include "team:<team>"
  std::string created_by;           // the officer (an API token or user id, never a member)
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0;
  std::optional<std::int64_t> used_ms;
  std::string device_id;  // the device that redeemed it; empty while unused
};

struct DeviceRecord {
  std::string device_id;
  std::string tenant_id;
  std::string team;
  std::vector<std::string> scopes;  // sorted, unique
  std::string public_key;           // raw Ed25519 public key, 32 bytes
  std::int64_t enrolled_ms = 0;
  std::optional<std::int64_t> revoked_ms;
  std::optional<std::int64_t> last_seen_ms;
  // SyncRequest.pending_operations as last reported (bounded by kMaxOutboxDepth) and when it
  // was (Unix ms); both empty until the device sends it (older apps never do).
  std::optional<std::uint32_t> outbox_depth;
  std::optional<std::int64_t> outbox_depth_ms;
  engine::HlcTimestamp last_clock;  // SyncRequest.device_clock of its last exchange
  std::uint64_t hwm = 0;            // every device_seq <= hwm is durably consumed
};

// A consumed operation in the ledger (sync_ops).
struct OpRecord {
  std::uint64_t device_seq = 0;
  engine::OpOutcome outcome = engine::OpOutcome::Applied;  // Applied..Rejected, never Replay
  wire::ErrorCode code = wire::ERROR_CODE_OK;              // Rejected only
  std::string detail;                                      // Rejected only, PII-free
};

enum class SubmissionKind : int { Form = 1, Registration = 2, PollResponse = 3 };

struct StoredReviewFlag {
  engine::ReviewFlag flag;  // op_index is not stored (0)
  std::int64_t created_ms = 0;
};

// Joins scopes for storage ("a\nb"); scopes never contain a newline (batch_codec's charset).
std::string joinScopes(const std::vector<std::string>& scopes);
std::vector<std::string> splitScopes(std::string_view joined);

class SqliteSyncStore {
 public:
  explicit SqliteSyncStore(store::Database& db) : db_(db) {}

  store::Database& database() { return db_; }

  // ---- Enrolment codes and devices ----
  // Constraint when the hash exists already (a 100-bit code collided: retry with a new one).
  std::error_code insertEnrolmentCode(std::string_view code_hash, const EnrolmentCodeRecord& code);
  // NotFound when no code has this hash. *stored_hash is the hash as stored, so the caller can
  // compare it in constant time.
  std::error_code findEnrolmentCode(std::string_view code_hash, EnrolmentCodeRecord* out,
                                    std::string* stored_hash);
  // Marks the code used by `device_id` unless it was used already (*marked false then).
  std::error_code markEnrolmentCodeUsed(std::int64_t id, std::string_view device_id,
                                        std::int64_t now_ms, bool* marked);

  // Constraint when the device id exists.
  std::error_code insertDevice(const DeviceRecord& device);
  // NotFound when there is no such device.
  std::error_code findDevice(std::string_view device_id, DeviceRecord* out);
  // Up to `limit` devices of `tenant` (of `team` only, unless empty) ordered by
  // (enrolled_ms, device_id), strictly after (after_enrolled_ms, after_id): start with
  // (INT64_MIN, ""). Keyset paging, so a page costs the same wherever it starts.
  std::error_code listDevices(std::string_view tenant, std::string_view team,
                              std::int64_t after_enrolled_ms, std::string_view after_id, int limit,
                              std::vector<DeviceRecord>* out);
  // Sets revoked_ms unless already revoked (*changed false then). NotFound for no such device.
  std::error_code revokeDevice(std::string_view device_id, std::int64_t now_ms, bool* changed);
  // Stamps last_seen and the device's last clock reading.
  std::error_code touchDevice(std::string_view device_id, std::int64_t now_ms,
                              const engine::HlcTimestamp& device_clock);
  // Stores the outbox depth the device reported at `now_ms` (schema migration 8); the caller
  // bounds it. NotFound when there is no such device.
  std::error_code setOutboxDepth(std::string_view device_id, std::uint32_t depth,
                                 std::int64_t now_ms);
  std::error_code setDeviceHwm(std::string_view device_id, std::uint64_t hwm);

  // Records a request nonce; *fresh is false when this device used it before (a replay).
  std::error_code insertNonce(std::string_view device_id, std::string_view nonce,
                              std::int64_t now_ms, bool* fresh);
  // Forgets nonces seen before `before_ms` (their requests are outside the timestamp window).
  std::error_code purgeNonces(std::int64_t before_ms);

  // ---- Merge: stage, then apply a Plan ----
  // Loads the entities and submissions `keys` names into *out (leaves device_hwm alone).
  std::error_code stage(std::string_view tenant, const engine::StageKeys& keys,
                        engine::StagedState* out);
  // Replaces an entity's whole state (fields and tombstone) with `write.state`.
  std::error_code putEntity(std::string_view tenant, const engine::EntityWrite& write);
  // Constraint when (tenant, submission id) exists.
  std::error_code insertSubmission(std::string_view tenant, std::string_view submission_id,
                                   std::string_view content_hash, SubmissionKind kind,
                                   std::string_view record, std::string_view device_id,
                                   std::uint64_t device_seq, std::int64_t now_ms);
  // Adds one consumed op to the ledger. Constraint when (device, seq) is there already: the
  // ledger is what makes "exactly once" checkable.
  std::error_code recordOp(std::string_view device_id, const OpRecord& op, std::int64_t now_ms);
  // Ledger rows of `device_id` with from <= seq <= to, in seq order; rejected ones only when
  // `rejected_only`.
  std::error_code ops(std::string_view device_id, std::uint64_t from, std::uint64_t to,
                      bool rejected_only, std::vector<OpRecord>* out);
  // Inserts unless an identical flag (reason, key, field, winner, loser) exists.
  std::error_code insertReviewFlag(std::string_view tenant, const engine::ReviewFlag& flag,
                                   std::int64_t now_ms);

  // ---- The server-published log ----
  // Appends `records` (their scope and seq are ignored: the log assigns seqs after the last)
  // to (tenant, scope); *last_seq is the scope's last seq afterwards. Call inside a
  // Transaction to append many at once.
  std::error_code append(std::string_view tenant, std::string_view scope,
                         std::span<const wire::PublishedRecord> records, std::int64_t now_ms,
                         std::uint64_t* last_seq);
  // 0 for a scope never published to.
  std::error_code lastSeq(std::string_view tenant, std::string_view scope, std::uint64_t* out);
  // Appends up to `limit` records of (tenant, scope) with seq > after to *out, in seq order,
  // with scope and seq filled in. *read says how many were added.
  std::error_code readScope(std::string_view tenant, std::string_view scope, std::uint64_t after,
                            std::size_t limit,
                            google::protobuf::RepeatedPtrField<wire::PublishedRecord>* out,
                            std::size_t* read);

  // ---- Contact ids as devices know them ----
  // Links a device-side contact id (UUIDv7 text) to a store contact; re-linking the same id to
  // the same contact is a no-op, to another contact replaces the link (the latest wins).
  std::error_code linkContact(std::string_view tenant, std::string_view contact_uuid,
                              std::int64_t contact_id);
  // NotFound when the id is unknown.
  std::error_code contactForUuid(std::string_view tenant, std::string_view contact_uuid,
                                 std::int64_t* contact_id);

  // ---- The gateway's clock ----
  // {0, 0} before the first save.
  std::error_code loadServerClock(engine::HlcTimestamp* out);
  std::error_code saveServerClock(const engine::HlcTimestamp& clock);

  // ---- Read-back for review tools and tests ----
  // Every entity of the tenant with fields or a tombstone.
  std::error_code loadEntities(std::string_view tenant,
                               std::map<engine::EntityKey, engine::EntityState>* out);
  std::error_code reviewFlags(std::string_view tenant, std::vector<StoredReviewFlag>* out);
  // (submission id -> content hash) of every submission of the tenant.
  std::error_code submissions(std::string_view tenant, std::map<std::string, std::string>* out);
  // NotFound when absent. *record is the SubmissionOp as the device sent it.
  std::error_code findSubmission(std::string_view tenant, std::string_view submission_id,
                                 std::string* content_hash, SubmissionKind* kind,
                                 std::string* record);

 private:
  std::error_code loadEntity(std::string_view tenant, const engine::EntityKey& key,
                             engine::EntityState* out, bool* found);

  store::Database& db_;
};

}  // namespace liaison::gateway::sync
