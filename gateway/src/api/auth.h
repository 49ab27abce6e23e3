// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// API tokens and the authenticator every REST route goes through (DESIGN.md promise 6).
//
// A token is issued once and shown once, in the printable form
//
//   lia_<id>_<secret>      id: 16 lower-case hex digits (8 random bytes; public, names the row)
//                          secret: 43 base64url characters (32 random bytes from the OS CSPRNG)
//
// The store keeps only SHA-256 of the whole printable token (api_tokens.secret_hash), the
// role, the tenant and the times; "lia_<id>" is kept as the prefix shown in listings. A plain
// SHA-256 is enough (no slow KDF): the secret has 256 bits of entropy, so there is nothing to
// guess. Checking a presented token looks the row up by id (primary key), then compares the
// hashes in constant time (CRYPTO_memcmp), so no timing reveals how much of a secret matched.
//
// Roles (numbers are stored, api_tokens.role): admin 1, officer 2, analyst 3, auditor 4. What
// each role may call is declared per route in the route table (rest_api.h has the policy).
// One token = one tenant: every lookup a request makes is scoped by the token's tenant.
//
// Rate limit: one token bucket per token (AuthOptions), refilled continuously; an empty
// bucket answers RateLimited with the whole seconds until the next request is allowed, which
// the router sends as 429 with Retry-After. Buckets live in memory (per process).
//
// Errors are std::error_code (AuthErrc, store::StoreErrc) and never carry a token, a secret
// or a tenant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "store/database.h"
#include "store/outbox_store.h"  // store::Transition

namespace liaison::gateway::api {

enum class Role : int { Admin = 1, Officer = 2, Analyst = 3, Auditor = 4 };

inline constexpr Role kAllRoles[] = {Role::Admin, Role::Officer, Role::Analyst, Role::Auditor};

// "admin", "officer", "analyst", "auditor".
const char* roleName(Role role);
// The inverse of roleName (lower case only); nullopt for anything else.
std::optional<Role> parseRole(std::string_view name);

// A set of roles, as a route table entry lists them.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= bit(r);
  }
  static constexpr RoleSet all() {
    return {Role::Admin, Role::Officer, Role::Analyst, Role::Auditor};
  }

  constexpr bool contains(Role r) const { return (bits_ & bit(r)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  // The roles in the set, in kAllRoles order.
  std::vector<Role> list() const;
  constexpr bool operator==(const RoleSet&) const = default;

 private:
  static constexpr unsigned bit(Role r) { return 1u << static_cast<unsigned>(r); }
  unsigned bits_ = 0;
};

// Why a request was not authenticated. Values never change once shipped.
enum class AuthErrc {
  MissingToken = 1,    // no Authorization header
  MalformedToken = 2,  // not "Bearer lia_<id>_<secret>"
  InvalidToken = 3,    // no such token, or the secret does not match
  Expired = 4,
  Revoked = 5,
  RateLimited = 6,  // the token's bucket is empty (retry later)
};

const std::error_category& authCategory();
std::error_code make_error_code(AuthErrc e);

}  // namespace liaison::gateway::api

template <>
struct std::is_error_code_enum<liaison::gateway::api::AuthErrc> : std::true_type {};

namespace liaison::gateway::api {

// One api_tokens row.
struct TokenRecord {
  std::string id;  // 16 lower-case hex digits
  std::string tenant_id;
  std::string name;  // what the admin called it ("ci", "officer laptop")
  Role role = Role::Analyst;
  std::string secret_hash;      // 32 raw bytes: SHA-256 of the printable token
  std::string prefix;           // "lia_<id>", safe to show
  std::int64_t created_at = 0;  // Unix seconds, like every time below
  std::optional<std::int64_t> expires_at;
  std::optional<std::int64_t> revoked_at;
  std::optional<std::int64_t> last_used_at;
};

// Where tokens are kept. SQLite implements it (SqliteTokenStore); a PostgreSQL backend later.
// Implementations are bound to one connection: callers serialise access (the store mutex).
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // Constraint when the id or the hash exists; InvalidArgument for an empty id or tenant.
  virtual std::error_code insert(const TokenRecord& token) = 0;
  // The token `id` of any tenant (authentication does not know the tenant yet). NotFound.
  virtual std::error_code get(std::string_view id, TokenRecord* out) = 0;
  // A tenant's tokens ordered by (created_at, id), at most `limit`, strictly after the key
  // (after_created_at, after_id); pass an empty after_id to start from the beginning.
  virtual std::error_code list(std::string_view tenant, std::int64_t after_created_at,
                               std::string_view after_id, int limit,
                               std::vector<TokenRecord>* out) = 0;
  // Sets revoked_at once. NotFound when `id` is not a token of `tenant` (another tenant's id
  // is NotFound too); *result Ignored when it was already revoked.
  virtual std::error_code revoke(std::string_view tenant, std::string_view id, std::int64_t now,
                                 store::Transition* result) = 0;
  // Records a use (last_used_at). NotFound when there is no such token.
  virtual std::error_code touch(std::string_view id, std::int64_t now) = 0;
};

class SqliteTokenStore final : public TokenStore {
 public:
  explicit SqliteTokenStore(store::Database& db) : db_(db) {}
  std::error_code insert(const TokenRecord& token) override;
  std::error_code get(std::string_view id, TokenRecord* out) override;
  std::error_code list(std::string_view tenant, std::int64_t after_created_at,
                       std::string_view after_id, int limit,
                       std::vector<TokenRecord>* out) override;
  std::error_code revoke(std::string_view tenant, std::string_view id, std::int64_t now,
                         store::Transition* result) override;
  std::error_code touch(std::string_view id, std::int64_t now) override;

 private:
  store::Database& db_;
};

// ---- Primitives (pure, thread-safe).

// SHA-256 of `data`: 32 raw bytes.
std::string sha256(std::string_view data);
// Equality that takes the same time whatever the contents (lengths are not secret).
bool constantTimeEqual(std::string_view a, std::string_view b);
// RFC 4648 section 5, without padding.
std::string base64UrlEncode(std::span<const std::uint8_t> bytes);

// Fills its argument with random bytes. osRandom (OpenSSL RAND_bytes) is the default; tests
// inject a deterministic one. osRandom aborts the process if the CSPRNG fails (no recovery).
using RandomFill = std::function<void(std::span<std::uint8_t>)>;
void osRandom(std::span<std::uint8_t> out);

inline constexpr std::size_t kTokenIdChars = 16;
inline constexpr std::size_t kTokenSecretChars = 43;
// "lia_" + id + "_" + secret.
inline constexpr std::size_t kTokenChars = 4 + kTokenIdChars + 1 + kTokenSecretChars;

// An operator-chosen bootstrap admin token ([api] bootstrap_admin_token, any printable text of
// these lengths) is stored like any token, under this id derived from its value, so it
// authenticates without having the printable form below.
inline constexpr std::size_t kMinBootstrapTokenChars = 32;
inline constexpr std::size_t kMaxBootstrapTokenChars = 256;
std::string bootstrapTokenId(std::string_view value);

// True when `token` has the printable form; *id (optional) is set to its id part.
bool parseToken(std::string_view token, std::string_view* id);
// The credentials of an Authorization header value: "Bearer <token>" (scheme in any case, one
// or more spaces). nullopt when the scheme is not Bearer or nothing follows it.
std::optional<std::string_view> bearerCredentials(std::string_view authorization);

struct NewToken {
  std::string tenant_id;
  std::string name;
  Role role = Role::Analyst;
  std::optional<std::int64_t> expires_at;  // Unix seconds
};

struct IssuedToken {
  TokenRecord record;
  std::string token;  // the printable token: shown once, never stored
};

// Makes a token and stores it. InvalidArgument (StoreErrc) for an empty tenant or a name that
// is empty, over 100 bytes or not clean UTF-8; store errors as they come. Not thread-safe
// with respect to `store` (the store mutex).
std::error_code issueToken(TokenStore& store, const NewToken& spec, std::int64_t now,
                           IssuedToken* out, const RandomFill& random = osRandom);

// ---- Authentication.

struct AuthOptions {
  double requests_per_second = 20;  // bucket refill per token
  double burst = 40;                // bucket size
  // last_used_at is written at most this often per token, so authentication is not a write
  // (an fsync) per request.
  std::int64_t touch_interval_s = 60;
  std::size_t max_buckets = 10'000;  // idle (full) buckets are dropped past this
  // A token's row, once read, is reused for this long, so a busy client does not take the
  // store mutex on every request (where it would queue behind commits). A revocation through
  // the API takes effect at once (forget()); one made by another process (the CLI) within this
  // time. 0: read the store on every request.
  std::int64_t record_cache_ms = 2'000;
};

// Who is calling.
struct Principal {
  std::string token_id;
  std::string tenant_id;
  Role role = Role::Analyst;
};

struct AuthResult {
  std::error_code error;           // AuthErrc, or a store error (the store could not be read)
  Principal principal;             // set when ok()
  std::int64_t retry_after_s = 0;  // RateLimited: seconds until a request is allowed (>= 1)
  bool ok() const { return !error; }
};

// Checks Authorization headers against a TokenStore and meters each token. Thread-safe: the
// store is only touched under `store_mu` (held for one lookup, or one touch, at a time).
class Authenticator {
 public:
  // `tokens` and `store_mu` must outlive the authenticator.
  Authenticator(TokenStore& tokens, std::mutex& store_mu, AuthOptions options = {});

  // `authorization` is the header's value (empty when absent); `now_ms` Unix milliseconds.
  AuthResult authenticate(std::string_view authorization, std::int64_t now_ms);
  // Drops what is kept in memory for a token (its bucket), e.g. after a revocation.
  void forget(std::string_view token_id);

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t refilled_ms = 0;
    std::int64_t touched_s = 0;  // last last_used_at write
  };
  struct CachedRecord {
    TokenRecord record;
    std::int64_t read_ms = 0;
  };
  // The token's row: from the cache while fresh, else from the store (under store_mu).
  std::error_code lookup(const std::string& id, std::int64_t now_ms, TokenRecord* out);

  TokenStore& tokens_;
  std::mutex& store_mu_;
  AuthOptions options_;
  std::mutex mu_;                                    // guards buckets_
  std::unordered_map<std::string, Bucket> buckets_;  // by token id
  std::unordered_map<std::string, CachedRecord> records_;  // by token id; guarded by mu_
};

}  // namespace liaison::gateway::api
