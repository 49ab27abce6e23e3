// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Device enrolment and request signatures with libsodium (Ed25519, SHA-256, the OS CSPRNG).
// Parsing is strict and never echoes its input: a header value may be anything an attacker
// sends. Hash and signature checks use libsodium's constant-time primitives.
#include "sync/device_auth.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace liaison::gateway::sync {

namespace {

class DeviceAuthCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "liaison.device_auth"; }
  std::string message(int ev) const override {
    switch (static_cast<DeviceAuthErrc>(ev)) {
      case DeviceAuthErrc::MissingHeaders: return "request is not signed";
      case DeviceAuthErrc::MalformedHeaders: return "signing headers are malformed";
      case DeviceAuthErrc::StaleTimestamp: return "request timestamp outside the allowed skew";
      case DeviceAuthErrc::UnknownDevice: return "unknown device";
      case DeviceAuthErrc::BadSignature: return "signature does not verify";
      case DeviceAuthErrc::Replayed: return "request nonce used before";
      case DeviceAuthErrc::Revoked: return "device revoked";
      case DeviceAuthErrc::CodeInvalid: return "enrolment code invalid";
      case DeviceAuthErrc::CodeExpired: return "enrolment code expired";
      case DeviceAuthErrc::CodeUsed: return "enrolment code already used";
      case DeviceAuthErrc::InvalidKey: return "device key invalid";
      case DeviceAuthErrc::InvalidGrant: return "enrolment grant invalid";
    }
    return "unknown device auth error";
  }
};

void ensureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kCodeSymbols = 20;  // 100 bits
constexpr std::size_t kMaxIdBytes = 64;
constexpr std::size_t kMaxScopeBytes = 128;
constexpr std::size_t kMaxScopes = 64;  // BatchLimits::max_cursors
constexpr std::size_t kMaxCreatedBy = 128;
constexpr std::size_t kMaxTimestampDigits = 15;

bool isIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':';
}

bool validId(std::string_view s) {
  return !s.empty() && s.size() <= kMaxIdBytes && std::all_of(s.begin(), s.end(), isIdChar);
}

bool validScope(std::string_view s) {
  return !s.empty() && s.size() <= kMaxScopeBytes && std::all_of(s.begin(), s.end(), [](char c) {
    return isIdChar(c) || c == '/' || c == '=';
  });
}

const std::uint8_t* bytes(std::string_view s) {
  return reinterpret_cast<const std::uint8_t*>(s.data());
}

// 5 bits per symbol from `random` (which has at least symbols * 5 / 8 + 1 bytes).
std::string base32Symbols(std::span<const std::uint8_t> random, std::size_t symbols) {
  std::string out;
  out.reserve(symbols);
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t i = 0;
  while (out.size() < symbols) {
    if (bits < 5) {
      acc = (acc << 8) | random[i++];
      bits += 8;
    }
    out.push_back(kCrockford[(acc >> (bits - 5)) & 31u]);
    bits -= 5;
  }
  return out;
}

std::string codeHash(std::string_view normalised) {
  return sha256(std::string("liaison-enrolment-code-v1\n") + std::string(normalised));
}

std::error_code missingOrMalformed(bool any_present) {
  return any_present ? DeviceAuthErrc::MalformedHeaders : DeviceAuthErrc::MissingHeaders;
}

}  // namespace

const std::error_category& deviceAuthCategory() {
  static const DeviceAuthCategory category;
  return category;
}

std::error_code make_error_code(DeviceAuthErrc e) {
  return {static_cast<int>(e), deviceAuthCategory()};
}

const char* deviceAuthErrorToken(std::error_code ec) {
  if (ec.category() != deviceAuthCategory()) return "internal";
  switch (static_cast<DeviceAuthErrc>(ec.value())) {
    case DeviceAuthErrc::MissingHeaders: return "missing-signature";
    case DeviceAuthErrc::MalformedHeaders: return "malformed-signature";
    case DeviceAuthErrc::StaleTimestamp: return "stale-timestamp";
    case DeviceAuthErrc::UnknownDevice: return "unknown-device";
    case DeviceAuthErrc::BadSignature: return "bad-signature";
    case DeviceAuthErrc::Replayed: return "replayed";
    case DeviceAuthErrc::Revoked: return "device-revoked";
    case DeviceAuthErrc::CodeInvalid: return "enrolment-code-invalid";
    case DeviceAuthErrc::CodeExpired: return "enrolment-code-expired";
    case DeviceAuthErrc::CodeUsed: return "enrolment-code-used";
    case DeviceAuthErrc::InvalidKey: return "invalid-key";
    case DeviceAuthErrc::InvalidGrant: return "invalid-grant";
  }
  return "internal";
}

// ---- Encoding helpers ----

std::string sha256(std::string_view data) {
  ensureSodium();
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<std::uint8_t*>(out.data()), bytes(data), data.size());
  return out;
}

std::string toHex(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15u]);
  }
  return out;
}

std::string base64Encode(std::string_view raw) {
  ensureSodium();
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes(raw), raw.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool base64Decode(std::string_view text, std::string* out) {
  ensureSodium();
  if (text.size() % 4 != 0) return false;
  std::string buf(text.size() / 4 * 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<std::uint8_t*>(buf.data()), buf.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return false;
  }
  buf.resize(len);
  if (base64Encode(buf) != text) return false;  // canonical form only
  *out = std::move(buf);
  return true;
}

// ---- Headers and canonical string ----

std::error_code parseAuthHeaders(std::string_view device, std::string_view timestamp,
                                 std::string_view nonce, std::string_view signature,
                                 AuthHeaders* out) {
  const bool any = !device.empty() || !timestamp.empty() || !nonce.empty() || !signature.empty();
  if (device.empty() || timestamp.empty() || nonce.empty() || signature.empty()) {
    return missingOrMalformed(any);
  }
  if (!validId(device)) return DeviceAuthErrc::MalformedHeaders;
  if (timestamp.size() > kMaxTimestampDigits ||
      !std::all_of(timestamp.begin(), timestamp.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return DeviceAuthErrc::MalformedHeaders;
  }
  std::int64_t ts = 0;
  const auto [p, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || p != timestamp.data() + timestamp.size()) {
    return DeviceAuthErrc::MalformedHeaders;
  }
  if (nonce.size() != kNonceBytes * 2) return DeviceAuthErrc::MalformedHeaders;
  std::string raw_nonce;
  raw_nonce.reserve(kNonceBytes);
  for (std::size_t i = 0; i < nonce.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = nibble(nonce[i]), lo = nibble(nonce[i + 1]);
    if (hi < 0 || lo < 0) return DeviceAuthErrc::MalformedHeaders;
    raw_nonce.push_back(static_cast<char>(hi << 4 | lo));
  }
  std::string raw_sig;
  if (signature.size() != 88 || !base64Decode(signature, &raw_sig) ||
      raw_sig.size() != kSignatureBytes) {
    return DeviceAuthErrc::MalformedHeaders;
  }
  out->device_id = device;
  out->timestamp_ms = ts;
  out->nonce = std::move(raw_nonce);
  out->signature = std::move(raw_sig);
  return {};
}

std::error_code parseAuthHeaders(const api::HttpRequest& request, AuthHeaders* out) {
  return parseAuthHeaders(request.header(kHeaderDevice), request.header(kHeaderTimestamp),
                          request.header(kHeaderNonce), request.header(kHeaderSignature), out);
}

std::string canonicalRequest(std::string_view method, std::string_view target,
                             std::string_view content_encoding, std::int64_t timestamp_ms,
                             std::string_view nonce, std::string_view device_id,
                             std::string_view body) {
  std::string encoding(content_encoding);
  std::transform(encoding.begin(), encoding.end(), encoding.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string out = "liaison-sync-request-v1\n";
  out += method;
  out += '\n';
  out += target;
  out += '\n';
  out += std::to_string(timestamp_ms);
  out += '\n';
  out += toHex(nonce);
  out += '\n';
  out += device_id;
  out += '\n';
  out += encoding;
  out += '\n';
  out += toHex(sha256(body));
  return out;
}

DeviceKey generateDeviceKey() {
  ensureSodium();
  DeviceKey k;
  k.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  k.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<std::uint8_t*>(k.public_key.data()),
                      reinterpret_cast<std::uint8_t*>(k.secret_key.data()));
  return k;
}

DeviceKey deviceKeyFromSeed(std::span<const std::uint8_t, kSeedBytes> seed) {
  ensureSodium();
  DeviceKey k;
  k.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  k.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<std::uint8_t*>(k.public_key.data()),
                           reinterpret_cast<std::uint8_t*>(k.secret_key.data()), seed.data());
  return k;
}

namespace {

std::string signDetached(const DeviceKey& key, std::string_view message) {
  ensureSodium();
  std::string sig(crypto_sign_BYTES, '\0');
  if (key.secret_key.size() != crypto_sign_SECRETKEYBYTES) return {};
  crypto_sign_detached(reinterpret_cast<std::uint8_t*>(sig.data()), nullptr, bytes(message),
                       message.size(), bytes(key.secret_key));
  return sig;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> signRequest(
    const DeviceKey& key, std::string_view device_id, std::string_view method,
    std::string_view target, std::string_view content_encoding, std::string_view body,
    std::int64_t now_ms, std::string_view nonce) {
  const std::string message =
      canonicalRequest(method, target, content_encoding, now_ms, nonce, device_id, body);
  return {{std::string(kHeaderDevice), std::string(device_id)},
          {std::string(kHeaderTimestamp), std::to_string(now_ms)},
          {std::string(kHeaderNonce), toHex(nonce)},
          {std::string(kHeaderSignature), base64Encode(signDetached(key, message))}};
}

bool verifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature) {
  ensureSodium();
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(bytes(signature), bytes(message), message.size(),
                                     bytes(public_key)) == 0;
}

std::string enrolmentProofMessage(std::string_view normalised_code, std::string_view public_key) {
  return "liaison-enrol-v1\n" + std::string(normalised_code) + "\n" + toHex(public_key);
}

std::string signEnrolment(const DeviceKey& key, std::string_view code) {
  return signDetached(key, enrolmentProofMessage(normaliseEnrolmentCode(code), key.public_key));
}

std::string normaliseEnrolmentCode(std::string_view code) {
  if (code.size() > 64) return {};
  std::string out;
  for (char raw : code) {
    if (raw == '-' || raw == ' ') continue;
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kCrockford.find(c) == std::string_view::npos) return {};
    out.push_back(c);
  }
  return out.size() == kCodeSymbols ? out : std::string();
}

std::string teamScope(std::string_view team) { return "team:" + std::string(team); }

// ---- DeviceAuth ----

DeviceAuth::DeviceAuth(store::Database& db, std::mutex& store_mutex, DeviceAuthOptions options)
    : db_(db), mu_(store_mutex), options_(std::move(options)) {
  ensureSodium();
}

void DeviceAuth::fillRandom(std::span<std::uint8_t> out) {
  if (options_.random) {
    options_.random(out);
  } else {
    randombytes_buf(out.data(), out.size());
  }
}

std::error_code DeviceAuth::createEnrolmentCode(const EnrolmentGrant& grant, std::int64_t now_ms,
                                                std::string* code) {
  if (!validId(grant.tenant_id) || !validId(grant.team) || grant.created_by.empty() ||
      grant.created_by.size() > kMaxCreatedBy) {
    return DeviceAuthErrc::InvalidGrant;
  }
  const std::int64_t ttl = grant.ttl_ms == 0 ? options_.default_code_ttl_ms : grant.ttl_ms;
  if (ttl <= 0 || ttl > options_.max_code_ttl_ms) return DeviceAuthErrc::InvalidGrant;
  std::vector<std::string> scopes = grant.scopes;
  scopes.push_back(teamScope(grant.team));
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  if (scopes.size() > kMaxScopes || !std::all_of(scopes.begin(), scopes.end(), validScope)) {
    return DeviceAuthErrc::InvalidGrant;
  }
  EnrolmentCodeRecord rec;
  rec.tenant_id = grant.tenant_id;
  rec.team = grant.team;
  rec.scopes = std::move(scopes);
  rec.created_by = grant.created_by;
  rec.created_ms = now_ms;
  rec.expires_ms = now_ms + ttl;
  for (int attempt = 0;; ++attempt) {
    std::string symbols;
    std::error_code ec;
    {
      std::lock_guard lock(mu_);  // also serialises an injected random source
      std::array<std::uint8_t, 13> random{};
      fillRandom(random);
      symbols = base32Symbols(random, kCodeSymbols);
      SqliteSyncStore store(db_);
      ec = store.insertEnrolmentCode(codeHash(symbols), rec);
    }
    if (ec == store::StoreErrc::Constraint && attempt < 3) continue;  // 2^-100: a broken RNG
    if (ec) return ec;
    *code = symbols.substr(0, 5) + "-" + symbols.substr(5, 5) + "-" + symbols.substr(10, 5) + "-" +
            symbols.substr(15, 5);
    return {};
  }
}

std::error_code DeviceAuth::enrol(std::string_view code, std::string_view public_key,
                                  std::string_view proof, std::int64_t now_ms, Enrolment* out) {
  const std::string normalised = normaliseEnrolmentCode(code);
  if (normalised.empty()) return DeviceAuthErrc::CodeInvalid;
  if (public_key.size() != kPublicKeyBytes ||
      !verifySignature(public_key, enrolmentProofMessage(normalised, public_key), proof)) {
    return DeviceAuthErrc::InvalidKey;
  }
  const std::string hash = codeHash(normalised);
  std::lock_guard lock(mu_);
  SqliteSyncStore store(db_);
  store::Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  EnrolmentCodeRecord rec;
  std::string stored_hash;
  if (auto ec = store.findEnrolmentCode(hash, &rec, &stored_hash)) {
    return ec == store::StoreErrc::NotFound ? make_error_code(DeviceAuthErrc::CodeInvalid) : ec;
  }
  if (stored_hash.size() != hash.size() ||
      sodium_memcmp(stored_hash.data(), hash.data(), hash.size()) != 0) {
    return DeviceAuthErrc::CodeInvalid;
  }
  if (rec.used_ms.has_value()) return DeviceAuthErrc::CodeUsed;
  if (now_ms >= rec.expires_ms) return DeviceAuthErrc::CodeExpired;

  DeviceRecord device;
  device.tenant_id = rec.tenant_id;
  device.team = rec.team;
  device.scopes = rec.scopes;
  device.public_key = public_key;
  device.enrolled_ms = now_ms;
  for (int attempt = 0;; ++attempt) {
    std::array<std::uint8_t, 13> random{};
    fillRandom(random);
    std::string symbols = base32Symbols(random, kCodeSymbols);
    std::transform(symbols.begin(), symbols.end(), symbols.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    device.device_id = "dev-" + symbols;
    const std::error_code ec = store.insertDevice(device);
    if (ec == store::StoreErrc::Constraint && attempt < 3) continue;
    if (ec) return ec;
    break;
  }
  bool marked = false;
  if (auto ec = store.markEnrolmentCodeUsed(rec.id, device.device_id, now_ms, &marked)) return ec;
  if (!marked) return DeviceAuthErrc::CodeUsed;
  if (auto ec = txn.commit()) return ec;
  out->device_id = device.device_id;
  out->tenant_id = device.tenant_id;
  out->team = device.team;
  out->scopes = device.scopes;
  return {};
}

std::error_code DeviceAuth::revoke(std::string_view device_id, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  SqliteSyncStore store(db_);
  bool changed = false;
  return store.revokeDevice(device_id, now_ms, &changed);
}

std::error_code DeviceAuth::findDevice(std::string_view tenant, std::string_view device_id,
                                       DeviceRecord* out) {
  if (!validId(device_id)) return store::StoreErrc::NotFound;
  std::lock_guard lock(mu_);
  SqliteSyncStore store(db_);
  if (auto ec = store.findDevice(device_id, out)) return ec;
  return out->tenant_id == tenant ? std::error_code() : make_error_code(store::StoreErrc::NotFound);
}

std::error_code DeviceAuth::listDevices(std::string_view tenant, std::string_view team,
                                        std::int64_t after_enrolled_ms, std::string_view after_id,
                                        int limit, std::vector<DeviceRecord>* out) {
  std::lock_guard lock(mu_);
  SqliteSyncStore store(db_);
  return store.listDevices(tenant, team, after_enrolled_ms, after_id, limit, out);
}

std::error_code DeviceAuth::revoke(std::string_view tenant, std::string_view device_id,
                                   std::int64_t now_ms, DeviceRecord* out, bool* changed) {
  *changed = false;
  if (!validId(device_id)) return store::StoreErrc::NotFound;
  std::lock_guard lock(mu_);  // the tenant check and the revocation are one step
  SqliteSyncStore store(db_);
  if (auto ec = store.findDevice(device_id, out)) return ec;
  if (out->tenant_id != tenant) return store::StoreErrc::NotFound;
  if (auto ec = store.revokeDevice(device_id, now_ms, changed)) return ec;
  return store.findDevice(device_id, out);
}

std::error_code DeviceAuth::authenticate(const api::HttpRequest& request, std::int64_t now_ms,
                                         AuthHeaders* headers, DeviceRecord* device) {
  if (auto ec = parseAuthHeaders(request, headers)) return ec;
  const std::int64_t skew = headers->timestamp_ms > now_ms ? headers->timestamp_ms - now_ms
                                                           : now_ms - headers->timestamp_ms;
  if (skew > options_.max_clock_skew_ms) return DeviceAuthErrc::StaleTimestamp;
  {
    std::lock_guard lock(mu_);
    SqliteSyncStore store(db_);
    if (auto ec = store.findDevice(headers->device_id, device)) {
      return ec == store::StoreErrc::NotFound ? make_error_code(DeviceAuthErrc::UnknownDevice) : ec;
    }
  }
  // Outside the lock: verification is the expensive part and needs no store.
  const std::string message =
      canonicalRequest(request.method, request.target, request.header("Content-Encoding"),
                       headers->timestamp_ms, headers->nonce, headers->device_id, request.body);
  if (!verifySignature(device->public_key, message, headers->signature)) {
    return DeviceAuthErrc::BadSignature;
  }
  if (device->revoked_ms.has_value()) return DeviceAuthErrc::Revoked;
  return {};
}

}  // namespace liaison::gateway::sync
