// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for what the sync endpoint parses before it knows who is asking (STYLE R8):
// the four signing headers, enrolment codes, base64, and the request body's content decoding
// (zstd with the decoded-size cap) feeding the batch decoder. No crash, leak or UB on any
// bytes; whatever is accepted is in its documented shape: a parsed header set re-encodes to
// the same header texts, a normalised code is 20 base32 symbols, decoded bodies respect the cap.
//
// Input: four header values separated by '\n', then '\n', then an encoding selector byte and
// the body.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "liaison/sync/batch_codec.h"
#include "sync/device_auth.h"
#include "sync/sync_service.h"

namespace {

namespace gs = liaison::gateway::sync;

#define check(cond)                                                      \
  do {                                                                   \
    if (!(cond)) {                                                       \
      std::fprintf(stderr, "sync_auth_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                      \
    }                                                                    \
  } while (0)

constexpr std::size_t kCap = 64u << 10;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  while (parts.size() < 4) {
    const std::size_t nl = in.find('\n');
    if (nl == std::string_view::npos) break;
    parts.push_back(in.substr(0, nl));
    in.remove_prefix(nl + 1);
  }
  while (parts.size() < 4) parts.emplace_back();

  gs::AuthHeaders h;
  if (!gs::parseAuthHeaders(parts[0], parts[1], parts[2], parts[3], &h)) {
    check(h.device_id == parts[0]);
    check(std::to_string(h.timestamp_ms).size() <= parts[1].size());
    check(h.nonce.size() == gs::kNonceBytes && gs::toHex(h.nonce) == parts[2]);
    check(h.signature.size() == gs::kSignatureBytes && gs::base64Encode(h.signature) == parts[3]);
    // Verifying a random signature against a random key must simply fail or pass, never crash.
    (void)gs::verifySignature(h.signature.substr(0, 32), parts[0], h.signature);
  }

  const std::string code = gs::normaliseEnrolmentCode(parts[0]);
  check(code.empty() || code.size() == 20);

  std::string raw;
  if (gs::base64Decode(parts[3], &raw)) check(gs::base64Encode(raw) == parts[3]);

  // The body: selector byte, then bytes.
  if (!in.empty()) {
    const char* encodings[] = {"", "zstd", "ZSTD", "identity", "gzip"};
    const std::string_view encoding = encodings[static_cast<unsigned char>(in[0]) % 5];
    in.remove_prefix(1);
    auto decoded = gs::decodeContent(encoding, in, kCap);
    if (decoded.ok()) {
      check(decoded->size() <= kCap);
      liaison::sync::BatchLimits limits;
      limits.max_request_bytes = kCap;
      (void)liaison::sync::decodeSyncRequest(
          std::span(reinterpret_cast<const uint8_t*>(decoded->data()), decoded->size()), limits);
    } else {
      check(!decoded.status().message().empty());
    }
  }
  return 0;
}
