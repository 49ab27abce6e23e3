// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Canonical forms shared by the CSV import and segment filters, so a filter value and an
// imported value compare equal in SQL: BCP 47 language tags, ISO country codes, custom field
// keys and trimmed text. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace liaison::gateway::outreach {

inline constexpr std::size_t kMaxLanguageTag = 35;
inline constexpr std::size_t kMaxCustomKey = 64;

// "TR" -> "tr", "pt_br" -> "pt-BR", "zh-hant-tw" -> "zh-Hant-TW". Syntax only (2-3 letter
// primary subtag, 1-8 alphanumeric subtags); nullopt when malformed.
std::optional<std::string> canonicalLanguage(std::string_view tag);

// "de" -> "DE" when it is a known ISO 3166-1 alpha-2 code; nullopt otherwise.
std::optional<std::string> canonicalCountry(std::string_view code);

// Custom field keys: 1-64 of [a-z0-9_], starting with a letter; upper case is folded.
std::optional<std::string> canonicalCustomKey(std::string_view key);

// Strips ASCII spaces and tabs at both ends.
std::string_view trim(std::string_view text);

// True when `text` is well-formed UTF-8 without control characters other than tab.
bool isCleanUtf8(std::string_view text);

}  // namespace liaison::gateway::outreach
