// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The gateway's sync endpoint (docs/sync-protocol.md): `POST /v1/sync` pushes a device's
// operations and pulls what is new in its scopes in one round trip; `POST /v1/sync/enrol`
// exchanges a one-time code for a device id. Handlers take api::HttpRequest and return
// api::HttpResponse, so the router mounts them and tests call them without sockets.
//
// One exchange, in order (each step refuses the whole request before the next runs):
//
//   signature headers, timestamp window, device, signature, revoked?     (device_auth.h)
//   body: size cap; Content-Encoding zstd decoded with the decoded size checked BEFORE any
//         allocation; decodeSyncRequest (limits, checksum, semantics)   (batch_codec.h)
//   version accepted?  device id == signer?  cursor scopes granted?
//   --- store mutex held, ONE transaction (BEGIN IMMEDIATE ... COMMIT, synchronous=FULL) ---
//   device still not revoked; nonce not seen; stage -> computePlan (pure) -> field records
//   reach the outreach data (contacts and consents, poll answers) -> apply the plan, ledger,
//   high-water mark, review flags, relay accepted entity ops to the team scope; pull page;
//   last seen, the reported outbox depth (bounded, officers' view only); gateway clock
//   --- commit; only then the response (ack + sealed page) is built and returned ---
//
// Thread-safety: the handlers may run on any HTTP server thread at once. The store is
// single-writer: every store access, in this class and in DeviceAuth, holds `store_mutex`
// (the daemon's), and the mutex is never held across decoding, compression or signature
// checks. The store must outlive the service.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "api/http_server.h"
#include "liaison/sync/batch_codec.h"
#include "liaison/sync/hlc.h"
#include "liaison/sync/status.h"
#include "store/sqlite_store.h"
#include "sync/device_auth.h"
#include "sync/sqlite_sync_store.h"

namespace liaison::gateway::sync {

inline constexpr std::string_view kSyncPath = "/v1/sync";
inline constexpr std::string_view kEnrolPath = "/v1/sync/enrol";
inline constexpr std::string_view kProtobufContentType = "application/x-protobuf";

// Points where a test can make an exchange "crash": BeforeCommit rolls the transaction back,
// AfterCommit commits and then loses the response. Either way the handler answers 500 with
// no body, as a dead process would answer nothing.
enum class FaultPoint { BeforeCommit, AfterCommit };

struct SyncServiceOptions {
  engine::BatchLimits limits;                // decoded request caps (protocol section 8)
  std::size_t max_body_bytes = 4u << 20;     // the body as received, compressed or not
  std::uint32_t default_page_records = 200;  // max_records 0
  std::uint32_t max_page_records = 1000;
  std::uint64_t skew_flag_ms = engine::HybridLogicalClock::kDefaultSkewFlagMs;
  // Versions this gateway accepts, highest first; empty: every version the codec speaks. Tests
  // narrow it to play an older or newer gateway.
  std::vector<std::uint32_t> protocol_versions;
  int response_zstd_level = 3;
  std::size_t min_compressed_response = 512;  // smaller responses go uncompressed
  std::int64_t retry_after_ms = 30'000;       // SERVER_BUSY
  std::function<std::int64_t()> now_ms;       // Unix ms; the system clock when empty
  std::function<bool(FaultPoint)> fault_for_test;
};

// Decodes a request body by its Content-Encoding: "" or "identity" as is, "zstd" through
// zstd. The zstd frame must declare its decoded size, which is checked against
// `max_decoded` before anything is allocated (ResourceExhausted); a frame that decodes to
// more or less than it declared, or trailing bytes, is Corruption; any other encoding is
// InvalidArgument. Pure and thread-safe; never echoes input.
engine::Result<std::string> decodeContent(std::string_view content_encoding, std::string_view body,
                                          std::size_t max_decoded);
// One zstd frame with its decoded size declared (what decodeContent accepts).
std::string zstdCompress(std::string_view data, int level = 3);

// The HTTP status an exchange answers with for each protocol status (the body is always a
// SyncResponse when the Content-Type is application/x-protobuf).
int httpStatusFor(wire::ErrorCode code);

class SyncService {
 public:
  SyncService(store::SqliteStore& store, std::mutex& store_mutex, SyncServiceOptions options = {},
              DeviceAuthOptions auth_options = {});
  SyncService(const SyncService&) = delete;
  SyncService& operator=(const SyncService&) = delete;

  // POST /v1/sync. The clock is options.now_ms; the overload takes it explicitly.
  api::HttpResponse handleSync(const api::HttpRequest& request);
  api::HttpResponse handleSync(const api::HttpRequest& request, std::int64_t now_ms);

  // POST /v1/sync/enrol, JSON: {"code", "public_key" (base64, 32 bytes), "proof" (base64
  // signEnrolment)} -> 201 {"device_id", "tenant_id", "team", "scopes", "protocol_versions",
  // "server_time_ms"}; 400 invalid_request / invalid_key; 401 enrolment_code_invalid,
  // enrolment_code_expired, enrolment_code_used.
  api::HttpResponse handleEnrol(const api::HttpRequest& request);
  api::HttpResponse handleEnrol(const api::HttpRequest& request, std::int64_t now_ms);

  // Officers' side (create codes, revoke devices); locks the store mutex itself.
  DeviceAuth& auth() { return auth_; }

  // Publishes server-authoritative records (forms, notices, poll definitions, rosters) to
  // (tenant, scope) in one transaction; each gets the scope's next seq. Their scope and seq
  // fields are ignored. *last_seq is the scope's last seq afterwards. InvalidArgument for a
  // malformed scope or a record without content.
  std::error_code publish(std::string_view tenant, std::string_view scope,
                          std::span<const wire::PublishedRecord> records, std::int64_t now_ms,
                          std::uint64_t* last_seq);

  const SyncServiceOptions& options() const { return options_; }

 private:
  struct Exchange;
  std::int64_t now() const;
  bool acceptsVersion(std::uint32_t version) const;
  api::HttpResponse refuse(wire::ErrorCode code, int http_status, std::int64_t now_ms,
                           std::string_view auth_error = {}) const;
  api::HttpResponse versionRefusal(std::int64_t now_ms) const;
  api::HttpResponse respond(const wire::SyncResponse& response, int http_status,
                            const api::HttpRequest& request) const;
  std::error_code exchange(const DeviceRecord& signer, const AuthHeaders& headers,
                           const wire::SyncRequest& request, std::int64_t now_ms, Exchange* out);
  std::error_code pushLocked(SqliteSyncStore& store, const DeviceRecord& device,
                             const wire::SyncRequest& request, std::int64_t now_ms, Exchange* out);
  std::error_code projectLocked(const DeviceRecord& device,
                                std::span<const wire::Operation* const> ops, engine::Plan* plan,
                                std::int64_t now_ms);
  std::error_code pullLocked(SqliteSyncStore& store, const DeviceRecord& device,
                             const wire::SyncRequest& request, wire::SyncResponse* response);

  store::SqliteStore& store_;
  std::mutex& mu_;
  SyncServiceOptions options_;
  DeviceAuth auth_;
  // The gateway's HLC; guarded by mu_. Its wall clock reads wall_now_ms_, which the exchange
  // sets (under mu_) to the request's `now`, so tests control it.
  std::int64_t wall_now_ms_ = 0;
  engine::HybridLogicalClock clock_;
};

}  // namespace liaison::gateway::sync
