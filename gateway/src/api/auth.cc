// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// API tokens: issuing, storing (hashed), parsing, checking and metering.
#include "api/auth.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "outreach/normalize.h"
#include "util/log.h"

namespace liaison::gateway::api {

namespace {

class AuthCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "liaison.auth"; }
  std::string message(int ev) const override {
    switch (static_cast<AuthErrc>(ev)) {
      case AuthErrc::MissingToken: return "no bearer token";
      case AuthErrc::MalformedToken: return "malformed bearer token";
      case AuthErrc::InvalidToken: return "invalid token";
      case AuthErrc::Expired: return "token expired";
      case AuthErrc::Revoked: return "token revoked";
      case AuthErrc::RateLimited: return "rate limit exceeded";
    }
    return "authentication failed";
  }
};

constexpr std::size_t kMaxTokenName = 100;

bool isLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool isBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

constexpr std::string_view kTokenColumns =
    "id, tenant_id, name, role, secret_hash, prefix, created_at, expires_at, revoked_at, "
    "last_used_at";

void readToken(const store::Statement& s, TokenRecord* t) {
  t->id = s.text(0);
  t->tenant_id = s.text(1);
  t->name = s.text(2);
  t->role = static_cast<Role>(s.int64(3));
  t->secret_hash = s.blob(4);
  t->prefix = s.text(5);
  t->created_at = s.int64(6);
  t->expires_at = s.isNull(7) ? std::nullopt : std::optional(s.int64(7));
  t->revoked_at = s.isNull(8) ? std::nullopt : std::optional(s.int64(8));
  t->last_used_at = s.isNull(9) ? std::nullopt : std::optional(s.int64(9));
}

}  // namespace

const char* roleName(Role role) {
  switch (role) {
    case Role::Admin: return "admin";
    case Role::Officer: return "officer";
    case Role::Analyst: return "analyst";
    case Role::Auditor: return "auditor";
  }
  return "unknown";
}

std::optional<Role> parseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (name == roleName(r)) return r;
  }
  return std::nullopt;
}

std::vector<Role> RoleSet::list() const {
  std::vector<Role> out;
  for (Role r : kAllRoles) {
    if (contains(r)) out.push_back(r);
  }
  return out;
}

const std::error_category& authCategory() {
  static const AuthCategory category;
  return category;
}

std::error_code make_error_code(AuthErrc e) { return {static_cast<int>(e), authCategory()}; }

// ---- SqliteTokenStore

std::error_code SqliteTokenStore::insert(const TokenRecord& t) {
  if (t.id.empty() || t.tenant_id.empty()) return store::StoreErrc::InvalidArgument;
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO api_tokens (id, tenant_id, name, role, secret_hash, prefix, created_at, "
      "expires_at, revoked_at, last_used_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      &ec);
  if (ec) return ec;
  s->bind(1, t.id);
  s->bind(2, t.tenant_id);
  s->bind(3, t.name);
  s->bind(4, static_cast<std::int64_t>(t.role));
  s->bindBlob(5, t.secret_hash);
  s->bind(6, t.prefix);
  s->bind(7, t.created_at);
  auto bindTime = [&](int i, const std::optional<std::int64_t>& v) {
    if (v) {
      s->bind(i, *v);
    } else {
      s->bindNull(i);
    }
  };
  bindTime(8, t.expires_at);
  bindTime(9, t.revoked_at);
  bindTime(10, t.last_used_at);
  return s->run();
}

std::error_code SqliteTokenStore::get(std::string_view id, TokenRecord* out) {
  std::error_code ec;
  auto s = db_.cached(
      std::string("SELECT ").append(kTokenColumns).append(" FROM api_tokens WHERE id = ?1"), &ec);
  if (ec) return ec;
  s->bind(1, id);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return store::StoreErrc::NotFound;
  readToken(*s, out);
  return {};
}

std::error_code SqliteTokenStore::list(std::string_view tenant, std::int64_t after_created_at,
                                       std::string_view after_id, int limit,
                                       std::vector<TokenRecord>* out) {
  out->clear();
  if (limit < 1) return store::StoreErrc::InvalidArgument;
  std::error_code ec;
  auto s = db_.cached(std::string("SELECT ")
                          .append(kTokenColumns)
                          .append(" FROM api_tokens WHERE tenant_id = ?1 AND (?3 = '' OR "
                                  "created_at > ?2 OR (created_at = ?2 AND id > ?3)) "
                                  "ORDER BY created_at, id LIMIT ?4"),
                      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, after_created_at);
  s->bind(3, after_id);
  s->bind(4, static_cast<std::int64_t>(limit));
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    readToken(*s, &out->emplace_back());
  }
  return ec;
}

std::error_code SqliteTokenStore::revoke(std::string_view tenant, std::string_view id,
                                         std::int64_t now, store::Transition* result) {
  *result = store::Transition::Ignored;
  std::error_code ec;
  {
    auto s = db_.cached(
        "UPDATE api_tokens SET revoked_at = ?3 "
        "WHERE tenant_id = ?1 AND id = ?2 AND revoked_at IS NULL",
        &ec);
    if (ec) return ec;
    s->bind(1, tenant);
    s->bind(2, id);
    s->bind(3, now);
    if ((ec = s->run())) return ec;
  }
  if (db_.changes() > 0) {
    *result = store::Transition::Applied;
    return {};
  }
  auto s = db_.cached("SELECT 1 FROM api_tokens WHERE tenant_id = ?1 AND id = ?2", &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, id);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  return row ? std::error_code() : make_error_code(store::StoreErrc::NotFound);
}

std::error_code SqliteTokenStore::touch(std::string_view id, std::int64_t now) {
  std::error_code ec;
  auto s = db_.cached("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1", &ec);
  if (ec) return ec;
  s->bind(1, id);
  s->bind(2, now);
  if ((ec = s->run())) return ec;
  return db_.changes() == 0 ? make_error_code(store::StoreErrc::NotFound) : std::error_code();
}

// ---- Primitives

std::string sha256(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64UrlEncode(std::span<const std::uint8_t> bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v =
        (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

void osRandom(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    // No secure randomness means no safe token: there is no way to go on.
    log::error("auth.csprng_failed");
    std::abort();
  }
}

std::string bootstrapTokenId(std::string_view value) {
  const std::string digest = sha256(std::string("liaison-bootstrap:") + std::string(value));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (std::size_t i = 0; i < kTokenIdChars / 2; ++i) {
    const auto b = static_cast<unsigned char>(digest[i]);
    id += kHex[b >> 4];
    id += kHex[b & 0xF];
  }
  return id;
}

bool parseToken(std::string_view token, std::string_view* id) {
  if (token.size() != kTokenChars || token.substr(0, 4) != "lia_") return false;
  const std::string_view id_part = token.substr(4, kTokenIdChars);
  if (!std::all_of(id_part.begin(), id_part.end(), isLowerHex)) return false;
  if (token[4 + kTokenIdChars] != '_') return false;
  const std::string_view secret = token.substr(4 + kTokenIdChars + 1);
  if (!std::all_of(secret.begin(), secret.end(), isBase64Url)) return false;
  if (id != nullptr) *id = id_part;
  return true;
}

std::optional<std::string_view> bearerCredentials(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != kScheme[i]) return std::nullopt;
  }
  std::string_view rest = authorization.substr(kScheme.size());
  if (rest.front() != ' ') return std::nullopt;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

std::error_code issueToken(TokenStore& store, const NewToken& spec, std::int64_t now,
                           IssuedToken* out, const RandomFill& random) {
  if (spec.tenant_id.empty() || spec.name.empty() || spec.name.size() > kMaxTokenName ||
      !outreach::isCleanUtf8(spec.name)) {
    return store::StoreErrc::InvalidArgument;
  }
  const RandomFill& fill = random ? random : RandomFill(osRandom);
  std::array<std::uint8_t, kTokenIdChars / 2> id_bytes{};
  std::array<std::uint8_t, 32> secret_bytes{};
  fill(id_bytes);
  fill(secret_bytes);
  IssuedToken issued;
  TokenRecord& r = issued.record;
  r.id = hex(id_bytes);
  r.tenant_id = spec.tenant_id;
  r.name = spec.name;
  r.role = spec.role;
  r.prefix = "lia_" + r.id;
  r.created_at = now;
  r.expires_at = spec.expires_at;
  issued.token = r.prefix + "_" + base64UrlEncode(secret_bytes);
  r.secret_hash = sha256(issued.token);
  if (auto ec = store.insert(r)) return ec;
  *out = std::move(issued);
  return {};
}

// ---- Authenticator

Authenticator::Authenticator(TokenStore& tokens, std::mutex& store_mu, AuthOptions options)
    : tokens_(tokens), store_mu_(store_mu), options_(options) {
  options_.requests_per_second = std::max(options_.requests_per_second, 1e-6);
  options_.burst = std::max(options_.burst, 1.0);
}

AuthResult Authenticator::authenticate(std::string_view authorization, std::int64_t now_ms) {
  AuthResult result;
  if (authorization.empty()) {
    result.error = AuthErrc::MissingToken;
    return result;
  }
  const auto credentials = bearerCredentials(authorization);
  std::string_view id;
  std::string bootstrap_id;
  if (credentials && !parseToken(*credentials, &id)) {
    // Not our printable form: perhaps the operator-chosen bootstrap token
    // ([api] bootstrap_admin_token), stored under an id derived from it.
    if (credentials->size() >= kMinBootstrapTokenChars &&
        credentials->size() <= kMaxBootstrapTokenChars) {
      bootstrap_id = bootstrapTokenId(*credentials);
      id = bootstrap_id;
    }
  }
  if (!credentials || id.empty()) {
    result.error = AuthErrc::MalformedToken;
    return result;
  }
  const std::string presented_hash = sha256(*credentials);
  TokenRecord record;
  const std::error_code ec = lookup(std::string(id), now_ms, &record);
  if (ec == store::StoreErrc::NotFound) {
    result.error = AuthErrc::InvalidToken;
    return result;
  }
  if (ec) {
    result.error = ec;
    return result;
  }
  if (!constantTimeEqual(presented_hash, record.secret_hash)) {
    result.error = AuthErrc::InvalidToken;
    return result;
  }
  const std::int64_t now_s = now_ms / 1000;
  if (record.revoked_at) {
    result.error = AuthErrc::Revoked;
    return result;
  }
  if (record.expires_at && *record.expires_at <= now_s) {
    result.error = AuthErrc::Expired;
    return result;
  }

  bool touch = false;
  {
    std::lock_guard lock(mu_);
    if (buckets_.size() >= options_.max_buckets && !buckets_.contains(record.id)) {
      // Drop buckets that have refilled completely: forgetting them changes nothing.
      std::erase_if(buckets_, [&](const auto& entry) {
        const Bucket& b = entry.second;
        const double refill =
            static_cast<double>(now_ms - b.refilled_ms) * options_.requests_per_second / 1000.0;
        return b.tokens + refill >= options_.burst;
      });
    }
    auto [it, inserted] = buckets_.try_emplace(record.id);
    Bucket& b = it->second;
    if (inserted) {
      b.tokens = options_.burst;
      b.refilled_ms = now_ms;
    } else if (now_ms > b.refilled_ms) {
      b.tokens = std::min(options_.burst, b.tokens + static_cast<double>(now_ms - b.refilled_ms) *
                                                         options_.requests_per_second / 1000.0);
      b.refilled_ms = now_ms;
    }
    if (b.tokens < 1.0) {
      result.error = AuthErrc::RateLimited;
      const double wait_s = (1.0 - b.tokens) / options_.requests_per_second;
      result.retry_after_s =
          std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_s)));
      return result;
    }
    b.tokens -= 1.0;
    if (inserted || now_s - b.touched_s >= options_.touch_interval_s) {
      b.touched_s = now_s;
      touch = true;
    }
  }
  if (touch) {
    std::lock_guard lock(store_mu_);
    if (auto tec = tokens_.touch(record.id, now_s); tec && tec != store::StoreErrc::NotFound) {
      // Only bookkeeping: the request goes on.
      log::warn("auth.touch_failed", {{"token", record.prefix}, {"reason", tec.message()}});
    }
  }
  result.principal.token_id = std::move(record.id);
  result.principal.tenant_id = std::move(record.tenant_id);
  result.principal.role = record.role;
  return result;
}

std::error_code Authenticator::lookup(const std::string& id, std::int64_t now_ms,
                                      TokenRecord* out) {
  if (options_.record_cache_ms > 0) {
    std::lock_guard lock(mu_);
    auto it = records_.find(id);
    if (it != records_.end() && now_ms >= it->second.read_ms &&
        now_ms - it->second.read_ms < options_.record_cache_ms) {
      *out = it->second.record;
      return {};
    }
  }
  std::error_code ec;
  {
    std::lock_guard lock(store_mu_);
    ec = tokens_.get(id, out);
  }
  if (ec || options_.record_cache_ms <= 0) return ec;  // unknown ids are never cached
  std::lock_guard lock(mu_);
  if (records_.size() >= options_.max_buckets) {
    std::erase_if(records_, [&](const auto& entry) {
      return now_ms - entry.second.read_ms >= options_.record_cache_ms;
    });
    if (records_.size() >= options_.max_buckets) records_.clear();
  }
  records_[id] = CachedRecord{*out, now_ms};
  return {};
}

void Authenticator::forget(std::string_view token_id) {
  std::lock_guard lock(mu_);
  buckets_.erase(std::string(token_id));
  records_.erase(std::string(token_id));
}

}  // namespace liaison::gateway::api
