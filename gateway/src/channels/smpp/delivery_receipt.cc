// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Delivery receipt text parser, TLV merge and message id normalisation. The parser is a single
// bounded left-to-right scan over at most kMaxReceiptText bytes; it never indexes past the input
// and never throws.
#include "channels/smpp/delivery_receipt.h"

#include <charconv>
#include <utility>

namespace liaison::gateway::smpp {
namespace {

constexpr size_t kMaxMessageIdChars = kMaxMessageId - 1;  // 64

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char toLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (toLower(a[i]) != toLower(b[i])) return false;
  }
  return true;
}

bool allOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

std::optional<uint32_t> parseCount(std::string_view s) {
  if (s.empty() || s.size() > 9 || !allOf(s, isDigit)) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint32_t>(c - '0');
  return v;
}

uint32_t digits(std::string_view s, size_t pos, size_t n) {
  uint32_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + static_cast<uint32_t>(s[i] - '0');
  return v;
}

std::optional<DlrTimestamp> parseTimestamp(std::string_view s) {
  if (!allOf(s, isDigit)) return std::nullopt;
  DlrTimestamp t;
  size_t p = 0;
  if (s.size() == 14) {
    t.year = static_cast<uint16_t>(digits(s, 0, 4));
    p = 4;
  } else if (s.size() == 10 || s.size() == 12) {
    t.year = static_cast<uint16_t>(2000 + digits(s, 0, 2));
    p = 2;
  } else {
    return std::nullopt;
  }
  const uint32_t month = digits(s, p, 2);
  const uint32_t day = digits(s, p + 2, 2);
  const uint32_t hour = digits(s, p + 4, 2);
  const uint32_t minute = digits(s, p + 6, 2);
  const uint32_t second = s.size() - p > 8 ? digits(s, p + 8, 2) : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  t.month = static_cast<uint8_t>(month);
  t.day = static_cast<uint8_t>(day);
  t.hour = static_cast<uint8_t>(hour);
  t.minute = static_cast<uint8_t>(minute);
  t.second = static_cast<uint8_t>(second);
  return t;
}

enum class Key : uint8_t { None, Id, Sub, Dlvrd, SubmitDate, DoneDate, Stat, Err, Text, Other };

Key classifyKey(std::string_view k) {
  if (equalsIgnoreCase(k, "id")) return Key::Id;
  if (equalsIgnoreCase(k, "sub")) return Key::Sub;
  if (equalsIgnoreCase(k, "dlvrd")) return Key::Dlvrd;
  if (equalsIgnoreCase(k, "stat")) return Key::Stat;
  if (equalsIgnoreCase(k, "err")) return Key::Err;
  if (equalsIgnoreCase(k, "text")) return Key::Text;
  if (equalsIgnoreCase(k, "submit_date") || equalsIgnoreCase(k, "submitdate")) {
    return Key::SubmitDate;
  }
  if (equalsIgnoreCase(k, "done_date") || equalsIgnoreCase(k, "donedate")) return Key::DoneDate;
  return Key::Other;
}

std::optional<DeliveryReceipt> mergeTlvs(std::optional<DeliveryReceipt> parsed,
                                         const OptionalParams& t) {
  DeliveryReceipt r = parsed.value_or(DeliveryReceipt{});
  if (t.receipted_message_id && !t.receipted_message_id->empty()) {
    r.message_id = *t.receipted_message_id;
    r.id_from_tlv = true;
  }
  if (t.message_state) {
    const MessageState s = messageStateFromTlv(*t.message_state);
    // A TLV value we cannot map does not override a readable stat text.
    if (s != MessageState::Unrecognised || r.state == MessageState::Unrecognised) {
      r.state = s;
      r.state_from_tlv = true;
    }
  }
  if (t.network_error_code) r.network_error_code = t.network_error_code;
  if (r.message_id.empty()) return std::nullopt;
  return r;
}

std::string_view trimId(std::string_view id) {
  while (!id.empty() && isSpace(id.front())) id.remove_prefix(1);
  id = id.substr(0, kMaxMessageIdChars);
  while (!id.empty() && isSpace(id.back())) id.remove_suffix(1);
  return id;
}

std::string_view stripLeadingZeros(std::string_view s) {
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s;
}

std::string toString(uint64_t v, int base) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, base);
  return std::string(buf, res.ptr);
}

}  // namespace

bool isFinal(MessageState state) {
  switch (state) {
    case MessageState::Delivered:
    case MessageState::Expired:
    case MessageState::Deleted:
    case MessageState::Undeliverable:
    case MessageState::Unknown:
    case MessageState::Rejected:
    case MessageState::Skipped: return true;
    case MessageState::Scheduled:
    case MessageState::Enroute:
    case MessageState::Accepted:
    case MessageState::Unrecognised: return false;
  }
  return false;
}

std::string_view messageStateName(MessageState state) {
  switch (state) {
    case MessageState::Scheduled: return "SCHEDULED";
    case MessageState::Enroute: return "ENROUTE";
    case MessageState::Delivered: return "DELIVERED";
    case MessageState::Expired: return "EXPIRED";
    case MessageState::Deleted: return "DELETED";
    case MessageState::Undeliverable: return "UNDELIVERABLE";
    case MessageState::Accepted: return "ACCEPTED";
    case MessageState::Unknown: return "UNKNOWN";
    case MessageState::Rejected: return "REJECTED";
    case MessageState::Skipped: return "SKIPPED";
    case MessageState::Unrecognised: return "UNRECOGNISED";
  }
  return "UNRECOGNISED";
}

MessageState messageStateFromTlv(uint8_t value) {
  return value <= 9 ? static_cast<MessageState>(value) : MessageState::Unrecognised;
}

MessageState messageStateFromStat(std::string_view stat) {
  struct Entry {
    std::string_view text;
    MessageState state;
  };
  static constexpr Entry kEntries[] = {
      {"DELIVRD", MessageState::Delivered},     {"DELIVERED", MessageState::Delivered},
      {"EXPIRED", MessageState::Expired},       {"DELETED", MessageState::Deleted},
      {"UNDELIV", MessageState::Undeliverable}, {"UNDELIVERABLE", MessageState::Undeliverable},
      {"FAILED", MessageState::Undeliverable},  {"ACCEPTD", MessageState::Accepted},
      {"ACCEPTED", MessageState::Accepted},     {"UNKNOWN", MessageState::Unknown},
      {"REJECTD", MessageState::Rejected},      {"REJECTED", MessageState::Rejected},
      {"ENROUTE", MessageState::Enroute},       {"SCHEDULED", MessageState::Scheduled},
      {"SKIPPED", MessageState::Skipped},
  };
  for (const Entry& e : kEntries) {
    if (equalsIgnoreCase(stat, e.text)) return e.state;
  }
  return MessageState::Unrecognised;
}

std::optional<DeliveryReceipt> parseDeliveryReceiptText(std::string_view text) {
  text = text.substr(0, kMaxReceiptText);
  DeliveryReceipt r;
  bool have_id = false;
  bool have_stat = false;
  const size_t n = text.size();
  size_t i = 0;
  auto skipToken = [&] {
    while (i < n && !isSpace(text[i])) ++i;
  };
  while (i < n) {
    while (i < n && isSpace(text[i])) ++i;
    if (i == n) break;
    const size_t key_start = i;
    while (i < n && (isAlpha(text[i]) || text[i] == '_')) ++i;
    std::string_view key = text.substr(key_start, i - key_start);
    Key kind = key.empty() ? Key::None : classifyKey(key);
    if (kind == Key::Other && (equalsIgnoreCase(key, "submit") || equalsIgnoreCase(key, "done"))) {
      // "submit date" / "done date" with one or more spaces.
      size_t j = i;
      while (j < n && isSpace(text[j])) ++j;
      if (j + 4 <= n && equalsIgnoreCase(text.substr(j, 4), "date")) {
        kind = equalsIgnoreCase(key, "submit") ? Key::SubmitDate : Key::DoneDate;
        i = j + 4;
      }
    }
    size_t j = i;
    while (j < n && isSpace(text[j])) ++j;
    if (kind == Key::None || j == n || text[j] != ':') {
      skipToken();  // not a "key:" pair; ignore the token
      continue;
    }
    i = j + 1;
    if (kind == Key::Text) break;  // the rest is message content
    // Value: next non-space run. If we had to skip spaces to reach it and it looks like the
    // next "key:", the value is empty and the token is left for the next iteration.
    j = i;
    while (j < n && isSpace(text[j])) ++j;
    const size_t value_start = j;
    while (j < n && !isSpace(text[j])) ++j;
    std::string_view value = text.substr(value_start, j - value_start);
    if (value_start != i && value.find(':') != std::string_view::npos) {
      value = {};
      i = value_start;
    } else {
      i = j;
    }
    switch (kind) {
      case Key::Id:
        if (!value.empty()) {
          r.message_id = value;
          have_id = true;
        }
        break;
      case Key::Sub: r.submitted = parseCount(value); break;
      case Key::Dlvrd: r.delivered = parseCount(value); break;
      case Key::SubmitDate: r.submit_date = parseTimestamp(value); break;
      case Key::DoneDate: r.done_date = parseTimestamp(value); break;
      case Key::Stat:
        if (!value.empty()) {
          r.stat = value;
          r.state = messageStateFromStat(value);
          have_stat = true;
        }
        break;
      case Key::Err: r.err = value; break;
      default: break;
    }
  }
  if (!have_id && !have_stat) return std::nullopt;
  return r;
}

std::optional<DeliveryReceipt> extractDeliveryReceipt(const DeliverSm& pdu) {
  std::string_view text = pdu.short_message;
  if (text.empty() && pdu.tlvs.message_payload) text = *pdu.tlvs.message_payload;
  return mergeTlvs(parseDeliveryReceiptText(text), pdu.tlvs);
}

std::optional<DeliveryReceipt> extractDeliveryReceipt(const DataSm& pdu) {
  std::string_view text;
  if (pdu.tlvs.message_payload) text = *pdu.tlvs.message_payload;
  return mergeTlvs(parseDeliveryReceiptText(text), pdu.tlvs);
}

std::string normalizeMessageId(std::string_view id) {
  id = trimId(id);
  if (allOf(id, isHexDigit)) id = stripLeadingZeros(id);
  std::string out(id);
  for (char& c : out) c = toLower(c);
  return out;
}

MessageIdCandidates messageIdCandidates(std::string_view id) {
  MessageIdCandidates result;
  auto add = [&](std::string key) {
    for (size_t i = 0; i < result.count; ++i) {
      if (result.keys[i] == key) return;
    }
    result.keys[result.count++] = std::move(key);
  };
  add(normalizeMessageId(id));
  const std::string_view trimmed = trimId(id);
  if (allOf(trimmed, isDigit)) {
    uint64_t value = 0;
    auto res = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value, 10);
    if (res.ec == std::errc() && res.ptr == trimmed.data() + trimmed.size()) {
      add(toString(value, 16));
    }
  }
  if (allOf(trimmed, isHexDigit)) {
    const std::string_view hex = stripLeadingZeros(trimmed);
    uint64_t value = 0;
    auto res = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    if (res.ec == std::errc() && res.ptr == hex.data() + hex.size()) {
      add(toString(value, 10));
    }
  }
  return result;
}

}  // namespace liaison::gateway::smpp
