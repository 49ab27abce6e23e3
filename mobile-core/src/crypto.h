// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Encryption at rest (docs/adr/0007): every record is stored as a sealed blob, encrypted and
// authenticated with XChaCha20-Poly1305 (libsodium) under a key derived from the app's 32-byte
// store key, with the row it belongs to as associated data, so a blob copied into another row
// fails to open. Phone numbers are found through a keyed BLAKE2b "blind index", never stored.
// A key check value lets the store tell a wrong key apart from damage.
//
// Sealed layout: 0x01 (format) | 24-byte random nonce | ciphertext of the padded plaintext
// (ISO/IEC 7816-4 padding to a multiple of kPadBlock, hiding exact lengths) | 16-byte tag.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "liaison/sync/status.h"

namespace liaison::mobile {

inline constexpr std::size_t kStoreKeyBytes = 32;
inline constexpr std::size_t kStoreSaltBytes = 16;
inline constexpr std::size_t kPadBlock = 64;

// Makes libsodium ready; idempotent and thread-safe. Internal on failure (no usable RNG).
sync::Status cryptoInit();

// Fills `out` from the operating system's CSPRNG. cryptoInit() must have succeeded.
void randomBytes(std::span<uint8_t> out);

// SHA-256 of `data` (32 bytes): the content hash of a finalised record (sync protocol 3).
std::string sha256(std::string_view data);

// The keys of one store, derived from the app's key and the store's random salt. Immutable
// after construction, so it may be shared across threads. Key bytes are wiped on destruction.
class RecordCipher {
 public:
  // `key` must be kStoreKeyBytes long and `salt` kStoreSaltBytes (InvalidArgument otherwise).
  static sync::Result<RecordCipher> create(std::span<const uint8_t> key,
                                           std::span<const uint8_t> salt);
  ~RecordCipher();
  RecordCipher(const RecordCipher&) = delete;
  RecordCipher& operator=(const RecordCipher&) = delete;
  RecordCipher(RecordCipher&& other) noexcept;
  RecordCipher& operator=(RecordCipher&&) = delete;

  // Encrypts `plaintext` bound to `row` (e.g. "members/<id>"). Never fails for inputs that
  // fit in memory.
  std::string seal(std::string_view plaintext, std::string_view row) const;
  // Opens a sealed blob for `row`. Corruption when the blob is malformed, was made for another
  // row or under another key, or was altered.
  sync::Result<std::string> open(std::string_view sealed, std::string_view row) const;

  // Keyed BLAKE2b-128 of `value` under the index key: equal inputs give equal outputs within
  // one store, and without the key nothing about the input can be learnt or guessed.
  std::string blindIndex(std::string_view value) const;

  // A 32-byte value that only this key produces for this salt; stored in clear so that a
  // wrong key is reported as such instead of as damage.
  std::string keyCheck() const;

 private:
  RecordCipher() = default;
  std::array<uint8_t, 32> seal_key_{};
  std::array<uint8_t, 32> index_key_{};
  std::array<uint8_t, 32> check_key_{};
};

// Lowercase hexadecimal and back (for meta values). fromHex returns false on bad input.
std::string toHex(std::string_view bytes);
bool fromHex(std::string_view hex, std::string* out);

}  // namespace liaison::mobile
