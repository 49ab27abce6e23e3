// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// RecordCipher over libsodium: subkeys by keyed BLAKE2b, XChaCha20-Poly1305-IETF for records.
#include "crypto.h"

#include <sodium.h>

#include <utility>

namespace liaison::mobile {

namespace {

constexpr uint8_t kSealFormat = 0x01;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kIndexBytes = 16;

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);

// subkey = BLAKE2b-256(key = store key, message = label || 0x00 || salt). BLAKE2b keyed is a
// PRF, so subkeys for different labels (and different stores) are independent.
void deriveKey(std::span<const uint8_t> key, std::span<const uint8_t> salt, std::string_view label,
               std::array<uint8_t, 32>* out) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.data(), key.size(), out->size());
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(label.data()), label.size());
  const uint8_t zero = 0;
  crypto_generichash_update(&st, &zero, 1);
  crypto_generichash_update(&st, salt.data(), salt.size());
  crypto_generichash_final(&st, out->data(), out->size());
  sodium_memzero(&st, sizeof st);
}

const uint8_t* bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

}  // namespace

sync::Status cryptoInit() {
  if (sodium_init() < 0) return sync::Status::Internal("cannot initialise the crypto library");
  return sync::Status::OK();
}

void randomBytes(std::span<uint8_t> out) { randombytes_buf(out.data(), out.size()); }

std::string sha256(std::string_view data) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<uint8_t*>(out.data()), bytes(data), data.size());
  return out;
}

sync::Result<RecordCipher> RecordCipher::create(std::span<const uint8_t> key,
                                                std::span<const uint8_t> salt) {
  if (key.size() != kStoreKeyBytes) {
    return sync::Status::InvalidArgument("the store key must be 32 bytes");
  }
  if (salt.size() != kStoreSaltBytes) return sync::Status::Corruption("the key salt is damaged");
  if (auto st = cryptoInit(); !st.ok()) return st;
  RecordCipher c;
  deriveKey(key, salt, "liaison.mobile.v1 seal", &c.seal_key_);
  deriveKey(key, salt, "liaison.mobile.v1 index", &c.index_key_);
  deriveKey(key, salt, "liaison.mobile.v1 check", &c.check_key_);
  return sync::Result<RecordCipher>(std::move(c));
}

RecordCipher::RecordCipher(RecordCipher&& other) noexcept
    : seal_key_(other.seal_key_), index_key_(other.index_key_), check_key_(other.check_key_) {
  sodium_memzero(other.seal_key_.data(), other.seal_key_.size());
  sodium_memzero(other.index_key_.data(), other.index_key_.size());
  sodium_memzero(other.check_key_.data(), other.check_key_.size());
}

RecordCipher::~RecordCipher() {
  sodium_memzero(seal_key_.data(), seal_key_.size());
  sodium_memzero(index_key_.data(), index_key_.size());
  sodium_memzero(check_key_.data(), check_key_.size());
}

std::string RecordCipher::seal(std::string_view plaintext, std::string_view row) const {
  // Pad first (sodium_pad appends 0x80 then zeros up to the block), so the stored length
  // reveals only which 64-byte bucket the record falls in.
  std::string padded(plaintext.size() + kPadBlock, '\0');
  std::copy(plaintext.begin(), plaintext.end(), padded.begin());
  std::size_t padded_len = 0;
  sodium_pad(&padded_len, reinterpret_cast<uint8_t*>(padded.data()), plaintext.size(), kPadBlock,
             padded.size());
  padded.resize(padded_len);

  std::string out(1 + kNonceBytes + padded_len + kTagBytes, '\0');
  auto* o = reinterpret_cast<uint8_t*>(out.data());
  o[0] = kSealFormat;
  randombytes_buf(o + 1, kNonceBytes);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(o + 1 + kNonceBytes, &clen, bytes(padded),
                                             padded.size(), bytes(row), row.size(), nullptr, o + 1,
                                             seal_key_.data());
  sodium_memzero(padded.data(), padded.size());
  out.resize(1 + kNonceBytes + clen);
  return out;
}

sync::Result<std::string> RecordCipher::open(std::string_view sealed, std::string_view row) const {
  if (sealed.size() < 1 + kNonceBytes + kTagBytes + kPadBlock ||
      static_cast<uint8_t>(sealed[0]) != kSealFormat) {
    return sync::Status::Corruption("a stored record is damaged");
  }
  const auto* in = bytes(sealed);
  std::string plain(sealed.size() - 1 - kNonceBytes - kTagBytes, '\0');
  unsigned long long plen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<uint8_t*>(plain.data()), &plen, nullptr, in + 1 + kNonceBytes,
          sealed.size() - 1 - kNonceBytes, bytes(row), row.size(), in + 1, seal_key_.data()) != 0) {
    return sync::Status::Corruption("a stored record failed authentication");
  }
  std::size_t unpadded = 0;
  if (sodium_unpad(&unpadded, reinterpret_cast<const uint8_t*>(plain.data()), plen, kPadBlock) !=
      0) {
    return sync::Status::Corruption("a stored record has bad padding");
  }
  plain.resize(unpadded);
  return plain;
}

std::string RecordCipher::blindIndex(std::string_view value) const {
  std::string out(kIndexBytes, '\0');
  crypto_generichash(reinterpret_cast<uint8_t*>(out.data()), out.size(), bytes(value), value.size(),
                     index_key_.data(), index_key_.size());
  return out;
}

std::string RecordCipher::keyCheck() const {
  static constexpr std::string_view kMessage = "liaison store key check v1";
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<uint8_t*>(out.data()), out.size(), bytes(kMessage),
                     kMessage.size(), check_key_.data(), check_key_.size());
  return out;
}

std::string toHex(std::string_view b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (unsigned char c : b) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool fromHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out->clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

}  // namespace liaison::mobile
