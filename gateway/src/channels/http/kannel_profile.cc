// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The Kannel profile, and the codecs every profile shares (profile.h): URL and form encoding,
// Retry-After, text decoding, time stamps and the generic response interpretation.
#include "channels/http/kannel_profile.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "sms/utf8.h"

namespace liaison::gateway::http {

// ---- Shared codecs ------------------------------------------------------------------------

std::string_view verdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::Accepted: return "accepted";
    case Verdict::Rejected: return "rejected";
    case Verdict::Retryable: return "retryable";
    case Verdict::Throttled: return "throttled";
    case Verdict::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

constexpr std::int64_t kMinYear = 2000;
constexpr std::int64_t kMaxYear = 2200;

bool isUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Parses exactly `s` as a non-negative decimal; false on anything else or overflow.
template <typename T>
bool parseDecimal(std::string_view s, T* out) {
  if (!allDigits(s)) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned daysInMonth(std::int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

// Fixed-width decimal field at `pos`; false when short or not digits.
bool fixedDigits(std::string_view s, std::size_t pos, std::size_t width, unsigned* out) {
  if (pos + width > s.size()) return false;
  return parseDecimal(s.substr(pos, width), out);
}

std::optional<std::int64_t> unixFromFields(std::int64_t year, unsigned month, unsigned day,
                                           unsigned hour, unsigned minute, unsigned second,
                                           std::int64_t min_year = kMinYear) {
  if (year < min_year || year > kMaxYear || month < 1 || month > 12 || day < 1 ||
      day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
         std::min(second, 59u);
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 IMF-fixdate).
std::optional<std::int64_t> parseImfFixdate(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  unsigned day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!fixedDigits(s, 5, 2, &day) || !fixedDigits(s, 12, 4, &year) ||
      !fixedDigits(s, 17, 2, &hour) || !fixedDigits(s, 20, 2, &minute) ||
      !fixedDigits(s, 23, 2, &second)) {
    return std::nullopt;
  }
  const auto it = std::find(kMonths.begin(), kMonths.end(), s.substr(8, 3));
  if (it == kMonths.end()) return std::nullopt;
  const auto month = static_cast<unsigned>(it - kMonths.begin() + 1);
  // Any past date means "now" to Retry-After, so accept every year since the epoch.
  return unixFromFields(year, month, day, hour, minute, second, 1970);
}

// "2026-12-01T10:00:00Z", "2026-12-01 10:00:00.123+02:00", "...z", "...-05:30".
std::optional<std::int64_t> parseRfc3339(std::string_view s) {
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
      !fixedDigits(s, 0, 4, &year) || !fixedDigits(s, 5, 2, &month) ||
      !fixedDigits(s, 8, 2, &day) || !fixedDigits(s, 11, 2, &hour) ||
      !fixedDigits(s, 14, 2, &minute) || !fixedDigits(s, 17, 2, &second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  std::int64_t offset = 0;
  const std::string_view zone = s.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    unsigned oh = 0, om = 0;
    if (!fixedDigits(zone, 1, 2, &oh) || !fixedDigits(zone, 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (zone[0] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  const auto t = unixFromFields(year, month, day, hour, minute, second);
  if (!t) return std::nullopt;
  return *t - offset;
}

}  // namespace

std::string urlEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size() * 3);
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (isUnreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

bool urlDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hexValue(in[i + 1]);
      const int lo = hexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

ParseError parseForm(std::string_view in, const WebhookLimits& limits,
                     std::vector<FormField>* out) {
  out->clear();
  while (!in.empty()) {
    const std::size_t amp = in.find('&');
    const std::string_view piece = in.substr(0, amp);
    in = amp == std::string_view::npos ? std::string_view() : in.substr(amp + 1);
    if (piece.empty()) continue;
    if (out->size() >= limits.max_fields) {
      return {"too_many_fields", "too many form fields", 400};
    }
    const std::size_t eq = piece.find('=');
    const std::string_view raw_name = piece.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    // A decoded value is never longer than its encoding: check before decoding.
    if (raw_name.size() > 256) return {"field_too_large", "form field name too long", 413};
    FormField field;
    if (!urlDecode(raw_name, true, &field.name) || !urlDecode(raw_value, true, &field.value)) {
      return {"bad_encoding", "malformed percent-encoding", 400};
    }
    if (field.value.size() > limits.max_value_bytes) {
      return {"field_too_large", "form field value too long", 413};
    }
    out->push_back(std::move(field));
  }
  return {};
}

const FormField* findField(const std::vector<FormField>& fields, std::string_view name) {
  for (const FormField& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value, std::int64_t now_unix) {
  value = trim(value);
  if (allDigits(value)) {
    if (value.size() > 10) return std::chrono::seconds(std::numeric_limits<std::int32_t>::max());
    std::int64_t s = 0;
    if (!parseDecimal(value, &s)) return std::nullopt;
    return std::chrono::seconds(s);
  }
  const auto when = parseImfFixdate(value);
  if (!when) return std::nullopt;
  return std::chrono::seconds(std::max<std::int64_t>(0, *when - now_unix));
}

bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || !sms::isScalarValue(cp)) return false;
    i += len;
  }
  return true;
}

bool utf16beToUtf8(std::string_view in, std::string* out) {
  out->clear();
  if (in.size() % 2 != 0) return false;
  out->reserve(in.size() * 3 / 2);
  for (std::size_t i = 0; i < in.size(); i += 2) {
    char32_t unit =
        (static_cast<unsigned char>(in[i]) << 8) | static_cast<unsigned char>(in[i + 1]);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 3 >= in.size()) return false;
      const char32_t low =
          (static_cast<unsigned char>(in[i + 2]) << 8) | static_cast<unsigned char>(in[i + 3]);
      if (low < 0xDC00 || low > 0xDFFF) return false;
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
      i += 2;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return false;
    }
    sms::appendUtf8(unit, out);
  }
  return true;
}

std::string latin1ToUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size() * 2);
  for (char c : in) sms::appendUtf8(static_cast<unsigned char>(c), &out);
  return out;
}

std::optional<std::int64_t> parseTimestamp(std::string_view value) {
  value = trim(value);
  std::optional<std::int64_t> t;
  if (allDigits(value)) {
    std::int64_t v = 0;
    if (value.size() > 13 || !parseDecimal(value, &v)) return std::nullopt;
    t = value.size() == 13 ? v / 1000 : v;
  } else {
    t = parseRfc3339(value);
  }
  if (!t || *t < daysFromCivil(kMinYear, 1, 1) * 86400 ||
      *t >= daysFromCivil(kMaxYear + 1, 1, 1) * 86400) {
    return std::nullopt;
  }
  return t;
}

bool isPlainToken(std::string_view value, std::size_t max_bytes) {
  if (value.empty() || value.size() > max_bytes) return false;
  return std::all_of(value.begin(), value.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

ParsedResponse interpretResponse(const Profile& profile, long status, std::string_view body,
                                 bool truncated, std::string_view retry_after,
                                 std::int64_t now_unix, const RetryAfterPolicy& policy) {
  ParsedResponse r;
  if (status == 429 || status == 503) {
    r.verdict = Verdict::Throttled;
    r.code = status == 429 ? "http_429" : "http_503";
    r.retry_after = parseRetryAfter(retry_after, now_unix).value_or(policy.default_delay);
  } else {
    r = profile.parseResponse(status, body, truncated);
  }
  r.retry_after = std::clamp(r.retry_after, std::chrono::seconds(0), policy.max_delay);
  if (r.verdict != Verdict::Accepted) r.message_ids.clear();
  return r;
}

// ---- Kannel -------------------------------------------------------------------------------

namespace {

bool isHttpUrl(std::string_view url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

bool hasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// "text/plain; charset="UTF-16BE"" -> UTF-16BE
std::string_view charsetOf(std::string_view content_type) {
  std::size_t pos = 0;
  while (pos < content_type.size()) {
    const std::size_t semi = content_type.find(';', pos);
    std::string_view param = trim(content_type.substr(
        pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
    if (param.size() > 8 && equalsIgnoreCase(param.substr(0, 8), "charset=")) {
      std::string_view v = trim(param.substr(8));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return {};
}

class KannelProfile final : public Profile {
 public:
  explicit KannelProfile(KannelProfileConfig config) : config_(std::move(config)) {}

  bool buildRequest(const MessageFields& m, ProviderRequest* out,
                    std::string_view* reason) const override {
    if (m.destination.empty()) {
      *reason = "no destination";
      return false;
    }
    const std::string to = "+" + std::string(m.destination);
    const std::string coding = m.gsm7 ? "0" : "2";
    std::string validity;
    if (m.validity.count() > 0) validity = std::to_string((m.validity.count() + 59) / 60);
    std::string dlr_url;
    const bool receipt = m.request_receipt && !config_.dlr_url.empty();
    if (receipt) {
      dlr_url = config_.dlr_url;
      dlr_url += config_.dlr_url.find('?') == std::string::npos ? '?' : '&';
      dlr_url += "ref=" + std::to_string(m.ref) + "&type=%d&ts=%T";
    }
    out->headers.clear();
    out->body.clear();
    if (config_.use_post) {
      out->method = "POST";
      out->url = config_.sendsms_url;
      auto& h = out->headers;
      h.emplace_back("Content-Type", "text/plain; charset=UTF-8");
      h.emplace_back("X-Kannel-Username", config_.username);
      h.emplace_back("X-Kannel-Password", config_.password);
      h.emplace_back("X-Kannel-To", to);
      if (!config_.from.empty()) h.emplace_back("X-Kannel-From", config_.from);
      h.emplace_back("X-Kannel-Coding", coding);
      if (!config_.smsc.empty()) h.emplace_back("X-Kannel-SMSC", config_.smsc);
      if (!validity.empty()) h.emplace_back("X-Kannel-Validity", validity);
      if (receipt) {
        h.emplace_back("X-Kannel-DLR-Mask", std::to_string(config_.dlr_mask));
        h.emplace_back("X-Kannel-DLR-URL", dlr_url);
      }
      out->body = std::string(m.text);
      return true;
    }
    out->method = "GET";
    std::string q;
    auto add = [&q](std::string_view name, std::string_view value) {
      if (!q.empty()) q += '&';
      q += name;
      q += '=';
      q += urlEncode(value);
    };
    add("username", config_.username);
    add("password", config_.password);
    add("to", to);
    if (!config_.from.empty()) add("from", config_.from);
    add("text", m.text);
    add("charset", "UTF-8");
    add("coding", coding);
    if (!config_.smsc.empty()) add("smsc", config_.smsc);
    if (!validity.empty()) add("validity", validity);
    if (receipt) {
      add("dlr-mask", std::to_string(config_.dlr_mask));
      add("dlr-url", dlr_url);
    }
    out->url = config_.sendsms_url;
    out->url += config_.sendsms_url.find('?') == std::string::npos ? '?' : '&';
    out->url += q;
    return true;
  }

  ParsedResponse parseResponse(long status, std::string_view body, bool truncated) const override {
    if (truncated && status >= 200 && status < 300) {
      return {Verdict::Unknown, {}, "response_too_large", {}};
    }
    return parseKannelSendResponse(status, body);
  }

  std::string_view name() const override { return "kannel"; }

 private:
  KannelProfileConfig config_;
};

}  // namespace

std::unique_ptr<Profile> makeKannelProfile(KannelProfileConfig config) {
  if (config.sendsms_url.empty() || !isHttpUrl(config.sendsms_url) ||
      hasControl(config.sendsms_url)) {
    throw std::invalid_argument("kannel.sendsms_url: must be an http:// or https:// URL");
  }
  if (config.username.empty() || hasControl(config.username)) {
    throw std::invalid_argument("kannel.username: required");
  }
  if (hasControl(config.password)) throw std::invalid_argument("kannel.password: invalid");
  if (hasControl(config.from) || hasControl(config.smsc)) {
    throw std::invalid_argument("kannel.from/smsc: control characters");
  }
  if (!config.dlr_url.empty()) {
    if (!isHttpUrl(config.dlr_url) || hasControl(config.dlr_url)) {
      throw std::invalid_argument("kannel.dlr_url: must be an http:// or https:// URL");
    }
    if (config.dlr_url.find('%') != std::string::npos) {
      throw std::invalid_argument("kannel.dlr_url: must not contain '%'");
    }
    if (config.dlr_mask < 1 || config.dlr_mask > 31) {
      throw std::invalid_argument("kannel.dlr_mask: must be 1..31");
    }
  }
  return std::make_unique<KannelProfile>(std::move(config));
}

ParsedResponse parseKannelSendResponse(long status, std::string_view body) {
  const std::string_view text = trim(body);
  if (status >= 200 && status < 300) {
    if (text.rfind("0:", 0) == 0) return {Verdict::Accepted, {}, "kannel_accepted", {}};
    if (text.rfind("3:", 0) == 0) return {Verdict::Accepted, {}, "kannel_queued", {}};
    if (text == "Sent.") return {Verdict::Accepted, {}, "kannel_sent", {}};
    return {Verdict::Unknown, {}, "kannel_unparseable", {}};
  }
  if (status == 500 && text.rfind("Sending failed", 0) == 0) {
    // smsbox could not hand the message to bearerbox: nothing was queued.
    return {Verdict::Retryable, {}, "kannel_sending_failed", {}};
  }
  if (status >= 400 && status < 500) return {Verdict::Rejected, {}, "http_4xx", {}};
  if (status >= 300 && status < 400) return {Verdict::Rejected, {}, "http_3xx", {}};
  if (status >= 500) return {Verdict::Unknown, {}, "http_5xx", {}};
  return {Verdict::Unknown, {}, "http_unexpected", {}};
}

smpp::MessageState kannelDlrState(int type) {
  switch (type) {
    case 1: return smpp::MessageState::Delivered;
    case 2: return smpp::MessageState::Undeliverable;
    case 4: return smpp::MessageState::Enroute;
    case 8: return smpp::MessageState::Accepted;
    case 16: return smpp::MessageState::Rejected;
    default: return smpp::MessageState::Unrecognised;
  }
}

ParseError parseKannelMo(const KannelMoRequest& request, const WebhookLimits& limits,
                         ParsedInbound* out) {
  std::vector<FormField> fields;
  if (ParseError e = parseForm(request.query, limits, &fields)) return e;
  *out = ParsedInbound{};
  if (const FormField* id = findField(fields, "id")) {
    if (!id->value.empty()) {
      if (!isPlainToken(id->value, limits.max_id_bytes)) {
        return {"invalid_id", "id is not a plain token", 400};
      }
      out->provider_id = id->value;
    }
  }
  std::string_view from;
  if (const FormField* f = findField(fields, "from")) {
    from = f->value;
  } else {
    from = trim(request.kannel_from);
  }
  if (from.empty()) return {"missing_from", "from is required", 400};
  if (!isPlainToken(from, limits.max_id_bytes)) {
    return {"invalid_from", "from is not a plain token", 400};
  }
  out->from = std::string(from);

  std::string_view raw;
  std::string_view charset;
  std::string_view coding;
  if (request.is_post) {
    raw = request.body;
    charset = charsetOf(request.content_type);
    coding = trim(request.kannel_coding);
  } else {
    const FormField* text = findField(fields, "text");
    if (!text) return {"missing_text", "text is required", 400};
    raw = text->value;
  }
  if (const FormField* f = findField(fields, "charset")) charset = f->value;
  if (const FormField* f = findField(fields, "coding")) coding = f->value;
  if (raw.size() > limits.max_text_bytes * 2) {
    return {"text_too_long", "text exceeds the limit", 413};
  }
  const bool utf16 = equalsIgnoreCase(charset, "UTF-16BE") || equalsIgnoreCase(charset, "UTF-16") ||
                     equalsIgnoreCase(charset, "UCS-2") || equalsIgnoreCase(charset, "UCS2") ||
                     (charset.empty() && coding == "2");
  if (utf16) {
    if (!utf16beToUtf8(raw, &out->text)) return {"invalid_text", "text is not valid UTF-16", 400};
  } else if (equalsIgnoreCase(charset, "ISO-8859-1") || equalsIgnoreCase(charset, "latin1")) {
    out->text = latin1ToUtf8(raw);
  } else {
    if (!isValidUtf8(raw)) return {"invalid_text", "text is not valid UTF-8", 400};
    out->text = std::string(raw);
  }
  if (out->text.size() > limits.max_text_bytes) {
    return {"text_too_long", "text exceeds the limit", 413};
  }
  if (const FormField* ts = findField(fields, "ts"); ts && !ts->value.empty()) {
    out->received_at = parseTimestamp(ts->value);
    if (!out->received_at) return {"invalid_timestamp", "ts is not a time stamp", 400};
  }
  return {};
}

ParseError parseKannelDlr(std::string_view query, const WebhookLimits& limits,
                          ParsedDelivery* out) {
  std::vector<FormField> fields;
  if (ParseError e = parseForm(query, limits, &fields)) return e;
  *out = ParsedDelivery{};
  const FormField* ref = findField(fields, "ref");
  if (!ref) return {"missing_ref", "ref is required", 400};
  uint64_t ref_value = 0;
  if (ref->value.size() > 20 || !parseDecimal(std::string_view(ref->value), &ref_value)) {
    return {"invalid_ref", "ref is not a decimal number", 400};
  }
  out->ref = ref_value;
  const FormField* type = findField(fields, "type");
  if (!type) return {"missing_type", "type is required", 400};
  int type_value = 0;
  if (type->value.size() > 3 || !parseDecimal(std::string_view(type->value), &type_value)) {
    return {"invalid_type", "type is not a Kannel DLR type", 400};
  }
  out->state = kannelDlrState(type_value);
  if (out->state == smpp::MessageState::Unrecognised) {
    return {"invalid_type", "type is not a Kannel DLR type", 400};
  }
  out->is_final = smpp::isFinal(out->state);
  if (const FormField* ts = findField(fields, "ts"); ts && !ts->value.empty()) {
    out->reported_at = parseTimestamp(ts->value);
    if (!out->reported_at) return {"invalid_timestamp", "ts is not a time stamp", 400};
  }
  return {};
}

}  // namespace liaison::gateway::http
