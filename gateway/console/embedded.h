// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The console's files as compiled into the binary: a table generated at build time by
// embed_assets.cmake from the list in CMakeLists.txt. Immutable static data, thread-safe.
#pragma once

#include <cstddef>
#include <span>

namespace liaison::gateway::console {

struct EmbeddedFile {
  const char* name;           // "app.css": a file name, no directory
  const unsigned char* data;  // `size` bytes (plus a NUL not counted)
  std::size_t size;
  const char* etag;  // "\"<20 hex digits of its SHA-256>\"", a strong ETag
};

// Every embedded file, in the order of the CMake list.
std::span<const EmbeddedFile> embeddedFiles();

}  // namespace liaison::gateway::console
