// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Minimal structured logging: one logfmt line per event on stderr,
//   ts=2026-11-27T22:00:00.123Z level=info event=http.listening port=8080
// Callers pass only PII-free values (ids, counts, codes); phone numbers are hashed by the
// caller before they get here, and message bodies and tokens are never logged.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

namespace liaison::gateway::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };

using Field = std::pair<std::string_view, std::string_view>;

void setLevel(Level level);
// Thread-safe; lines are written whole.
void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::Info, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::Warn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::Error, event, fields);
}

}  // namespace liaison::gateway::log
