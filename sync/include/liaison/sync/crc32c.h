// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum sync batches and pull
// pages carry (docs/sync-protocol.md "Integrity"). Portable slicing-by-8 software
// implementation: no CPU feature detection, identical results on phones and servers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace liaison::sync {

// Extends `crc` (the CRC-32C of some prefix, 0 for none) over `data`. Pure and thread-safe.
// crc32cExtend(crc32c(a), b) == crc32c(a + b).
uint32_t crc32cExtend(uint32_t crc, std::span<const uint8_t> data);
uint32_t crc32cExtend(uint32_t crc, std::string_view data);

// CRC-32C of `data`; crc32c("123456789") == 0xE3069283.
inline uint32_t crc32c(std::span<const uint8_t> data) { return crc32cExtend(0, data); }
inline uint32_t crc32c(std::string_view data) { return crc32cExtend(0, data); }

}  // namespace liaison::sync
