// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Field devices: enrolment and signed requests (docs/sync-protocol.md section 14), with
// libsodium. An officer creates a one-time enrolment code for a team and its scopes; the code
// is shown once and only its hash is stored. The device generates an Ed25519 key pair and
// exchanges the code and its public key (plus a signature proving it holds the secret key)
// for a device id. Every sync request then carries four headers,
//
//   Liaison-Device: <device id>     Liaison-Timestamp: <Unix ms>
//   Liaison-Nonce: <32 hex digits>  Liaison-Signature: <base64 Ed25519 signature>
//
// over a canonical string (method, target, timestamp, nonce, device id, content encoding and
// the SHA-256 of the body as sent). A timestamp outside +-max_clock_skew_ms is refused (the
// device re-anchors on the server time in the refusal and signs again); a nonce seen inside
// the window is a replay. A revoked device is refused at its next request. Secrets and hashes
// are compared in constant time; nothing here logs or returns a code, key or id in an error.
//
// Thread-safety: the pure functions are thread-safe. DeviceAuth takes the daemon's store mutex
// for each store access (the store is single-writer) and may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "api/http_server.h"
#include "sync/sqlite_sync_store.h"

namespace liaison::gateway::sync {

inline constexpr std::string_view kHeaderDevice = "Liaison-Device";
inline constexpr std::string_view kHeaderTimestamp = "Liaison-Timestamp";
inline constexpr std::string_view kHeaderNonce = "Liaison-Nonce";
inline constexpr std::string_view kHeaderSignature = "Liaison-Signature";
// Set on a 401 so a device can tell a stale clock (re-anchor and retry) from a bad key.
inline constexpr std::string_view kHeaderAuthError = "Liaison-Auth-Error";

inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSecretKeyBytes = 64;
inline constexpr std::size_t kSeedBytes = 32;
inline constexpr std::size_t kSignatureBytes = 64;
inline constexpr std::size_t kNonceBytes = 16;

// Failures a caller can branch on. Values never change once shipped.
enum class DeviceAuthErrc {
  MissingHeaders = 1,    // a request without the signing headers
  MalformedHeaders = 2,  // present but not in the documented form
  StaleTimestamp = 3,    // outside the allowed clock skew
  UnknownDevice = 4,     // no device with this id
  BadSignature = 5,      // the signature does not verify (wrong key, or body changed)
  Replayed = 6,          // the nonce was used before inside the window
  Revoked = 7,           // the device was revoked
  CodeInvalid = 8,       // no such enrolment code
  CodeExpired = 9,
  CodeUsed = 10,      // already redeemed (codes are one-time)
  InvalidKey = 11,    // public key not 32 bytes, or the proof of possession fails
  InvalidGrant = 12,  // tenant, team or scopes malformed, or an unusable lifetime
};

const std::error_category& deviceAuthCategory();
std::error_code make_error_code(DeviceAuthErrc e);
// A short stable token for the Liaison-Auth-Error header and logs ("stale-timestamp").
const char* deviceAuthErrorToken(std::error_code ec);

}  // namespace liaison::gateway::sync

template <>
struct std::is_error_code_enum<liaison::gateway::sync::DeviceAuthErrc> : std::true_type {};

namespace liaison::gateway::sync {

// ---- Pure parts: parsing, canonical string, signing (also what a device does) ----

struct AuthHeaders {
  std::string device_id;
  std::int64_t timestamp_ms = 0;
  std::string nonce;      // kNonceBytes raw bytes
  std::string signature;  // kSignatureBytes raw bytes
};

// Parses the four header values. MissingHeaders when all are empty, MalformedHeaders when any
// is absent or malformed: device id 1-64 of [A-Za-z0-9._:-]; timestamp 1-15 decimal digits;
// nonce exactly 32 hex digits; signature standard base64 (with padding) of 64 bytes.
std::error_code parseAuthHeaders(std::string_view device, std::string_view timestamp,
                                 std::string_view nonce, std::string_view signature,
                                 AuthHeaders* out);
std::error_code parseAuthHeaders(const api::HttpRequest& request, AuthHeaders* out);

// The signed text, lines joined by '\n' (no trailing newline):
//   liaison-sync-request-v1, METHOD, target, timestamp, nonce (hex), device id,
//   content encoding (lower case; empty for none), hex SHA-256 of the body as sent.
std::string canonicalRequest(std::string_view method, std::string_view target,
                             std::string_view content_encoding, std::int64_t timestamp_ms,
                             std::string_view nonce, std::string_view device_id,
                             std::string_view body);

struct DeviceKey {
  std::string public_key;  // kPublicKeyBytes
  std::string secret_key;  // kSecretKeyBytes
};
// A fresh key pair from the OS CSPRNG.
DeviceKey generateDeviceKey();
// The key pair of a 32-byte seed (deterministic: tests and replays).
DeviceKey deviceKeyFromSeed(std::span<const std::uint8_t, kSeedBytes> seed);

// What a device adds to a request: the four headers, signed with `key`. `nonce` is
// kNonceBytes raw bytes (random on a real device).
std::vector<std::pair<std::string, std::string>> signRequest(
    const DeviceKey& key, std::string_view device_id, std::string_view method,
    std::string_view target, std::string_view content_encoding, std::string_view body,
    std::int64_t now_ms, std::string_view nonce);

// True when `signature` is `public_key`'s Ed25519 signature of `message`.
bool verifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature);

// Proof of possession at enrolment: the device signs "liaison-enrol-v1\n<code>\n<hex key>".
std::string enrolmentProofMessage(std::string_view normalised_code, std::string_view public_key);
std::string signEnrolment(const DeviceKey& key, std::string_view code);

// Enrolment codes are 20 Crockford base32 symbols shown as XXXXX-XXXXX-XXXXX-XXXXX (100
// bits). Normalising upper-cases, drops '-' and spaces and reads O as 0 and I, L as 1; empty
// when the result is not 20 valid symbols.
std::string normaliseEnrolmentCode(std::string_view code);

std::string sha256(std::string_view data);  // 32 raw bytes
std::string toHex(std::string_view bytes);  // lower case
std::string base64Encode(std::string_view bytes);
// False on anything but canonical standard base64 (with padding).
bool base64Decode(std::string_view text, std::string* out);

// ---- Enrolment and verification against the store ----

struct EnrolmentGrant {
  std::string tenant_id;  // 1-64 of [A-Za-z0-9._:-]
  std::string team;       // 1-64 of [A-Za-z0-9._:-]; "team:<team>" is always one of the scopes
  std::vector<std::string> scopes;  // sync scopes the device may read (cursor scopes)
  std::string created_by;           // the officer; 1-128 bytes, never a member's data
  std::int64_t ttl_ms = 0;          // 0: the default lifetime
};

struct Enrolment {
  std::string device_id;
  std::string tenant_id;
  std::string team;
  std::vector<std::string> scopes;  // sorted, with the team scope
};

struct DeviceAuthOptions {
  std::int64_t max_clock_skew_ms = 5 * 60 * 1000;  // request timestamp window, either way
  std::int64_t default_code_ttl_ms = 72LL * 3600 * 1000;
  std::int64_t max_code_ttl_ms = 30LL * 24 * 3600 * 1000;
  // Fills codes and device ids; the OS CSPRNG by default. Tests inject a seeded one so a
  // failing seed replays exactly. Called with the store mutex held.
  std::function<void(std::span<std::uint8_t>)> random;
};

// The scope a device's accepted shared-entity operations are relayed in: "team:<team>".
std::string teamScope(std::string_view team);

class DeviceAuth {
 public:
  // `db` is the writer connection; every store access holds `store_mutex`.
  DeviceAuth(store::Database& db, std::mutex& store_mutex, DeviceAuthOptions options = {});

  // Creates a one-time code for `grant` and returns it in *code (shown once; only its hash is
  // kept). InvalidGrant for a malformed grant or a ttl beyond max_code_ttl_ms.
  std::error_code createEnrolmentCode(const EnrolmentGrant& grant, std::int64_t now_ms,
                                      std::string* code);

  // Redeems `code` for a device bound to `public_key` (32 raw bytes); `proof` is
  // signEnrolment() by that key. CodeInvalid, CodeExpired, CodeUsed, InvalidKey; the code is
  // used up only when the device is created (one transaction).
  std::error_code enrol(std::string_view code, std::string_view public_key, std::string_view proof,
                        std::int64_t now_ms, Enrolment* out);

  // Revokes a device; its next request gets DEVICE_REVOKED. Revoking twice is fine.
  // store::StoreErrc::NotFound for no such device.
  std::error_code revoke(std::string_view device_id, std::int64_t now_ms);

  // ---- Officers' view, scoped to one tenant: another tenant's device is NotFound ----
  // The device as stored. store::StoreErrc::NotFound for no such device in `tenant`.
  std::error_code findDevice(std::string_view tenant, std::string_view device_id,
                             DeviceRecord* out);
  // Up to `limit` devices of `tenant` (and `team`, unless empty) after the key
  // (after_enrolled_ms, after_id), in enrolment order (SqliteSyncStore::listDevices).
  std::error_code listDevices(std::string_view tenant, std::string_view team,
                              std::int64_t after_enrolled_ms, std::string_view after_id, int limit,
                              std::vector<DeviceRecord>* out);
  // Revokes `device_id` of `tenant` and returns it as stored afterwards; *changed is false
  // when it was revoked already (its first revocation time stays). NotFound as findDevice.
  std::error_code revoke(std::string_view tenant, std::string_view device_id, std::int64_t now_ms,
                         DeviceRecord* out, bool* changed);

  // Checks a signed request: headers, timestamp window, device known, signature over the
  // canonical string, not revoked (in that order, so a revocation is only told to the device
  // itself). Does not record the nonce: the caller does, with SqliteSyncStore::insertNonce in
  // the transaction that acts on the request, so a rolled-back request can be retried.
  std::error_code authenticate(const api::HttpRequest& request, std::int64_t now_ms,
                               AuthHeaders* headers, DeviceRecord* device);

  const DeviceAuthOptions& options() const { return options_; }

 private:
  void fillRandom(std::span<std::uint8_t> out);

  store::Database& db_;
  std::mutex& mu_;
  DeviceAuthOptions options_;
};

}  // namespace liaison::gateway::sync
