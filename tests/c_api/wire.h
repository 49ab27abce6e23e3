// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Just enough protobuf wire format for the C API tests, which see only liaison.h (STYLE R3) and
// so build and read the bytes the API exchanges by hand: a writer, a reader of one message's
// fields, and CRC-32C for the pull-page seal. Field numbers come from proto/liaison and
// mobile-core/proto; a test that gets one wrong fails.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace liaison::capi_test {

class Msg {
 public:
  Msg& varint(int field, uint64_t v) {
    key(field, 0);
    raw(v);
    return *this;
  }
  Msg& str(int field, std::string_view s) {
    key(field, 2);
    raw(s.size());
    bytes_.append(s);
    return *this;
  }
  Msg& msg(int field, const Msg& m) { return str(field, m.bytes()); }
  Msg& fixed32(int field, uint32_t v) {
    key(field, 5);
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  Msg& dbl(int field, double d) {
    uint64_t v;
    std::memcpy(&v, &d, sizeof v);
    key(field, 1);
    for (int i = 0; i < 8; ++i) bytes_.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  const std::string& bytes() const { return bytes_; }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(bytes_.data()); }
  size_t size() const { return bytes_.size(); }

 private:
  void key(int field, int wire_type) { raw((static_cast<uint64_t>(field) << 3) | wire_type); }
  void raw(uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<char>(v));
  }
  std::string bytes_;
};

struct Field {
  int number = 0;
  uint64_t varint = 0;  // wire types 0, 1 and 5
  std::string bytes;    // wire type 2
};

// The top-level fields of one message, in order. Empty on malformed input.
inline std::vector<Field> fields(std::string_view m) {
  std::vector<Field> out;
  size_t i = 0;
  auto readVarint = [&](uint64_t* v) {
    *v = 0;
    for (int shift = 0; i < m.size() && shift < 64; shift += 7) {
      const auto b = static_cast<uint8_t>(m[i++]);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  while (i < m.size()) {
    uint64_t k = 0;
    if (!readVarint(&k)) return {};
    Field f;
    f.number = static_cast<int>(k >> 3);
    switch (k & 7) {
      case 0:
        if (!readVarint(&f.varint)) return {};
        break;
      case 1:
      case 5: {
        const size_t n = (k & 7) == 1 ? 8 : 4;
        if (i + n > m.size()) return {};
        for (size_t b = 0; b < n; ++b) {
          f.varint |= static_cast<uint64_t>(static_cast<uint8_t>(m[i + b])) << (8 * b);
        }
        i += n;
        break;
      }
      case 2: {
        uint64_t len = 0;
        if (!readVarint(&len) || len > m.size() - i) return {};
        f.bytes = std::string(m.substr(i, len));
        i += len;
        break;
      }
      default: return {};
    }
    out.push_back(std::move(f));
  }
  return out;
}

// Every value of field `number` (length-delimited ones).
inline std::vector<std::string> all(std::string_view m, int number) {
  std::vector<std::string> out;
  for (const Field& f : fields(m)) {
    if (f.number == number) out.push_back(f.bytes);
  }
  return out;
}

// The first length-delimited value of `number`, following a path of nested fields.
inline std::string get(std::string_view m, std::initializer_list<int> path) {
  std::string cur(m);
  for (int n : path) {
    std::string next;
    for (const Field& f : fields(cur)) {
      if (f.number == n) {
        next = f.bytes;
        break;
      }
    }
    cur = next;
  }
  return cur;
}

// The first numeric value of `number` in `m` (0 when absent).
inline uint64_t num(std::string_view m, int number) {
  for (const Field& f : fields(m)) {
    if (f.number == number) return f.varint;
  }
  return 0;
}

// CRC-32C (Castagnoli), bitwise: slow and obviously right.
inline uint32_t crc32c(std::string_view data, uint32_t crc = 0) {
  crc = ~crc;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

}  // namespace liaison::capi_test
