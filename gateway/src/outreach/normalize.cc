// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Canonical forms of languages, countries, keys and text.
#include "outreach/normalize.h"

#include <vector>

#include "outreach/time_zones.h"
#include "sms/utf8.h"

namespace liaison::gateway::outreach {

namespace {

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::string> canonicalLanguage(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxLanguageTag) return std::nullopt;
  std::string out;
  std::size_t index = 0;
  std::size_t start = 0;
  while (start <= tag.size()) {
    std::size_t end = tag.find_first_of("-_", start);
    if (end == std::string_view::npos) end = tag.size();
    const std::string_view sub = tag.substr(start, end - start);
    if (sub.empty() || sub.size() > 8) return std::nullopt;
    for (char c : sub) {
      if (!isAlpha(c) && !(index > 0 && isDigit(c))) return std::nullopt;
    }
    if (index == 0) {
      if (sub.size() < 2 || sub.size() > 3) return std::nullopt;
      for (char c : sub) out += lower(c);
    } else {
      out += '-';
      const bool all_alpha = [&] {
        for (char c : sub) {
          if (!isAlpha(c)) return false;
        }
        return true;
      }();
      if (sub.size() == 2 && all_alpha) {  // region
        for (char c : sub) out += upper(c);
      } else if (sub.size() == 4 && all_alpha) {  // script
        out += upper(sub[0]);
        for (char c : sub.substr(1)) out += lower(c);
      } else {
        for (char c : sub) out += lower(c);
      }
    }
    ++index;
    start = end + 1;
  }
  return out;
}

std::optional<std::string> canonicalCountry(std::string_view code) {
  if (code.size() != 2) return std::nullopt;
  std::string out{upper(code[0]), upper(code[1])};
  if (!isKnownCountry(out)) return std::nullopt;
  return out;
}

std::optional<std::string> canonicalCustomKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxCustomKey || !isAlpha(key[0])) return std::nullopt;
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    const char l = lower(c);
    if (!((l >= 'a' && l <= 'z') || isDigit(l) || l == '_')) return std::nullopt;
    out += l;
  }
  return out;
}

bool isCleanUtf8(std::string_view text) {
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  bool ascii = true;
  for (unsigned char c : text) ascii = ascii && c < 0x80;
  if (ascii) return true;
  std::vector<char32_t> cps;
  return sms::decodeUtf8(text, &cps, nullptr);
}

}  // namespace liaison::gateway::outreach
