// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Normalises what people text back so that "Oui", " OUI!", "oui." and "óui" compare equal,
// and "٣" (Arabic-Indic), "३" (Devanagari) and "3" are the same number. Both the replies and
// the words they are matched against (choices, synonyms, keywords) go through it.
#pragma once

#include <string>
#include <string_view>

namespace liaison::gateway::outreach {

// NFKD, drop combining marks, Unicode case folding, decimal digits of every script to ASCII,
// punctuation and symbols to spaces, runs of spaces collapsed, trimmed. Invalid UTF-8 becomes
// U+FFFD first. Input over kMaxNormalizedInput bytes is cut there. Thread-safe.
std::string normalizeAnswer(std::string_view utf8);

inline constexpr std::size_t kMaxNormalizedInput = 4096;

}  // namespace liaison::gateway::outreach

namespace liaison::gateway::outreach {

// Lighter form for numbers: decimal digits of every script to ASCII and white space removed;
// '.', ',', '+' and '-' kept, letters kept. "١٢٫٥ kg" -> "12.5kg" (U+066B is a decimal point).
std::string normalizeDigits(std::string_view utf8);

}  // namespace liaison::gateway::outreach
