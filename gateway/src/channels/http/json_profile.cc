// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The generic JSON profile and the JSON webhook parsers. Untrusted JSON is depth-checked
// before nlohmann parses it (no exceptions: parse errors come back as a discarded value), and
// every field is reached through a pre-split RFC 6901 pointer without throwing accessors.
#include "channels/http/json_profile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace liaison::gateway::http {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxTemplateDepth = 16;
constexpr std::size_t kMaxIdBytes = 128;

// An RFC 6901 pointer split into unescaped tokens.
using Pointer = std::vector<std::string>;

// false for a malformed pointer (not empty and not starting with '/', or a bad ~ escape).
bool splitPointer(std::string_view text, Pointer* out) {
  out->clear();
  if (text.empty()) return true;
  if (text.front() != '/') return false;
  std::size_t pos = 1;
  for (;;) {
    const std::size_t slash = text.find('/', pos);
    const std::string_view raw =
        text.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token.push_back(raw[i]);
        continue;
      }
      if (i + 1 >= raw.size()) return false;
      if (raw[i + 1] == '0') {
        token.push_back('~');
      } else if (raw[i + 1] == '1') {
        token.push_back('/');
      } else {
        return false;
      }
      ++i;
    }
    out->push_back(std::move(token));
    if (slash == std::string_view::npos) return true;
    pos = slash + 1;
  }
}

Pointer pointerOrThrow(std::string_view text, const char* field) {
  Pointer p;
  if (!splitPointer(text, &p)) {
    throw std::invalid_argument(std::string(field) + ": not a JSON pointer");
  }
  return p;
}

// The value at `pointer`, or nullptr.
const Json* resolve(const Json& root, const Pointer& pointer) {
  const Json* at = &root;
  for (const std::string& token : pointer) {
    if (at->is_object()) {
      const auto it = at->find(token);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0')) {
        return nullptr;
      }
      std::size_t index = 0;
      const auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (ec != std::errc() || p != token.data() + token.size() || index >= at->size()) {
        return nullptr;
      }
      at = &(*at)[index];
    } else {
      return nullptr;
    }
  }
  return at;
}

// A string, or an integer as decimal; nullopt otherwise.
std::optional<std::string> scalarText(const Json* v) {
  if (!v) return std::nullopt;
  if (v->is_string()) return v->get_ref<const std::string&>();
  if (v->is_number_unsigned()) return std::to_string(v->get<std::uint64_t>());
  if (v->is_number_integer()) return std::to_string(v->get<std::int64_t>());
  return std::nullopt;
}

// Parses untrusted JSON: nullopt-like discarded value on any error or excessive depth.
Json parseUntrusted(std::string_view body, std::size_t max_depth) {
  if (jsonDepth(body) > max_depth) return Json(Json::value_t::discarded);
  return Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
}

// ---- Placeholders ----

struct Values {
  std::string_view to, to_e164, from, text, ref, dlr_url, validity_s, encoding;
};

std::optional<std::string_view> lookup(const Values& v, std::string_view name) {
  if (name == "to") return v.to;
  if (name == "to_e164") return v.to_e164;
  if (name == "from") return v.from;
  if (name == "text") return v.text;
  if (name == "ref") return v.ref;
  if (name == "dlr_url") return v.dlr_url;
  if (name == "validity_s") return v.validity_s;
  if (name == "encoding") return v.encoding;
  return std::nullopt;
}

// Replaces every {{name}} in `in`; false (with the unknown name) for an unknown placeholder.
bool substitute(std::string_view in, const Values& values, bool url_encode, std::string* out,
                std::string* unknown) {
  out->clear();
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = in.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = in.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    const std::string_view name = in.substr(open + 2, close - open - 2);
    const auto value = lookup(values, name);
    if (!value) {
      if (unknown) *unknown = std::string(name);
      return false;
    }
    out->append(in.substr(pos, open - pos));
    out->append(url_encode ? urlEncode(*value) : std::string(*value));
    pos = close + 2;
  }
  out->append(in.substr(pos));
  return true;
}

// Applies `substitute` to every string (values, not keys) of `node`, in place.
bool substituteJson(Json* node, const Values& values, std::string* unknown) {
  if (node->is_string()) {
    std::string replaced;
    if (!substitute(node->get_ref<const std::string&>(), values, false, &replaced, unknown)) {
      return false;
    }
    *node = std::move(replaced);
    return true;
  }
  if (node->is_object() || node->is_array()) {
    for (auto& child : *node) {
      if (!substituteJson(&child, values, unknown)) return false;
    }
  }
  return true;
}

bool hasLineBreak(std::string_view s) {
  return s.find('\r') != std::string_view::npos || s.find('\n') != std::string_view::npos ||
         s.find('\0') != std::string_view::npos;
}

bool isHttpUrl(std::string_view url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

bool isHeaderName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// The values a sample message produces, to validate placeholders at construction.
const Values kSampleValues{"1", "+1", "x", "x", "1", "x", "0", "gsm7"};

class JsonProfile final : public Profile {
 public:
  explicit JsonProfile(JsonProfileConfig config) : config_(std::move(config)) {
    if (!isHttpUrl(config_.url) || hasLineBreak(config_.url)) {
      throw std::invalid_argument("json.url: must be an http:// or https:// URL");
    }
    std::string scratch, unknown;
    if (!substitute(config_.url, kSampleValues, true, &scratch, &unknown)) {
      throw std::invalid_argument("json.url: unknown placeholder {{" + unknown + "}}");
    }
    if (config_.method != "POST" && config_.method != "PUT" && config_.method != "GET") {
      throw std::invalid_argument("json.method: must be POST, PUT or GET");
    }
    for (const auto& [name, value] : config_.headers) {
      if (!isHeaderName(name)) throw std::invalid_argument("json.headers: invalid header name");
      if (hasLineBreak(value)) throw std::invalid_argument("json.headers: line break in a value");
      if (value.find("{{text}}") != std::string::npos) {
        throw std::invalid_argument("json.headers: {{text}} is not allowed in a header");
      }
      if (!substitute(value, kSampleValues, false, &scratch, &unknown)) {
        throw std::invalid_argument("json.headers: unknown placeholder {{" + unknown + "}}");
      }
    }
    if (hasLineBreak(config_.from) || hasLineBreak(config_.dlr_url)) {
      throw std::invalid_argument("json.from/dlr_url: line break");
    }
    if (!config_.body_template.empty()) {
      if (config_.method == "GET") {
        throw std::invalid_argument("json.body_template: a GET request has no body");
      }
      if (jsonDepth(config_.body_template) > kMaxTemplateDepth) {
        throw std::invalid_argument("json.body_template: nested too deeply");
      }
      template_ = Json::parse(config_.body_template, nullptr, false);
      if (template_.is_discarded()) {
        throw std::invalid_argument("json.body_template: not a JSON document");
      }
      Json probe = template_;
      if (!substituteJson(&probe, kSampleValues, &unknown)) {
        throw std::invalid_argument("json.body_template: unknown placeholder {{" + unknown + "}}");
      }
    }
    pointerOrThrow(config_.message_id_pointer, "json.message_id_pointer");
    pointerOrThrow(config_.status_pointer, "json.status_pointer");
    if (!config_.status_pointer.empty() && config_.accepted_values.empty()) {
      throw std::invalid_argument("json.accepted_values: required with status_pointer");
    }
  }

  bool buildRequest(const MessageFields& m, ProviderRequest* out,
                    std::string_view* reason) const override {
    const std::string to(m.destination);
    const std::string to_e164 = "+" + to;
    const std::string ref = std::to_string(m.ref);
    const std::string validity = std::to_string(m.validity.count());
    const Values values{to,  to_e164,         config_.from, m.text,
                        ref, config_.dlr_url, validity,     m.gsm7 ? "gsm7" : "ucs2"};
    out->method = config_.method;
    out->headers.clear();
    out->body.clear();
    if (!substitute(config_.url, values, true, &out->url, nullptr)) {
      *reason = "url placeholder";
      return false;
    }
    for (const auto& [name, value] : config_.headers) {
      std::string replaced;
      if (!substitute(value, values, false, &replaced, nullptr) || hasLineBreak(replaced)) {
        *reason = "header value";
        return false;
      }
      out->headers.emplace_back(name, std::move(replaced));
    }
    if (!template_.is_null()) {
      Json body = template_;
      if (!substituteJson(&body, values, nullptr)) {
        *reason = "body placeholder";
        return false;
      }
      // The text is valid UTF-8 (the channel checks); replace instead of throwing regardless.
      out->body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
      const bool has_type = std::any_of(out->headers.begin(), out->headers.end(), [](auto& h) {
        return equalsIgnoreCase(h.first, "Content-Type");
      });
      if (!has_type) out->headers.emplace_back("Content-Type", "application/json");
    }
    return true;
  }

  ParsedResponse parseResponse(long status, std::string_view body, bool truncated) const override {
    return parseJsonSendResponse(config_, status, body, truncated);
  }

  std::string_view name() const override { return "json"; }

 private:
  JsonProfileConfig config_;
  Json template_;  // null when there is no body
};

// The records a callback carries: an array at `where`, or the one object there.
ParseError records(const Json& doc, const Pointer& where, const WebhookLimits& limits,
                   std::vector<const Json*>* out) {
  out->clear();
  const Json* at = resolve(doc, where);
  if (!at) return {"bad_shape", "no records where the format says", 400};
  if (at->is_array()) {
    if (at->size() > limits.max_messages) {
      return {"too_many_messages", "too many records in one request", 413};
    }
    for (const Json& r : *at) {
      if (!r.is_object()) return {"bad_shape", "a record is not an object", 400};
      out->push_back(&r);
    }
  } else if (at->is_object()) {
    out->push_back(at);
  } else {
    return {"bad_shape", "records are neither an array nor an object", 400};
  }
  return {};
}

ParseError optionalTimestamp(const Json& record, const Pointer& where,
                             std::optional<std::int64_t>* out) {
  out->reset();
  if (where.empty()) return {};
  const Json* v = resolve(record, where);
  if (!v || v->is_null()) return {};
  if (const auto text = scalarText(v)) *out = parseTimestamp(*text);
  if (!*out) return {"invalid_timestamp", "timestamp is not a time stamp", 400};
  return {};
}

}  // namespace

std::size_t jsonDepth(std::string_view text) {
  std::size_t depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max_depth;
}

std::unique_ptr<Profile> makeJsonProfile(JsonProfileConfig config) {
  return std::make_unique<JsonProfile>(std::move(config));
}

ParsedResponse parseJsonSendResponse(const JsonProfileConfig& config, long status,
                                     std::string_view body, bool truncated) {
  if (status >= 200 && status < 300) {
    if (!config.accepted_statuses.empty() &&
        std::find(config.accepted_statuses.begin(), config.accepted_statuses.end(),
                  static_cast<int>(status)) == config.accepted_statuses.end()) {
      return {Verdict::Unknown, {}, "http_2xx_unlisted", {}};
    }
    if (truncated) return {Verdict::Unknown, {}, "response_too_large", {}};
    Pointer id_pointer, status_pointer;
    if (!splitPointer(config.message_id_pointer, &id_pointer) ||
        !splitPointer(config.status_pointer, &status_pointer)) {
      return {Verdict::Unknown, {}, "bad_config", {}};
    }
    const bool want_ids = !config.message_id_pointer.empty();
    const bool want_status = !config.status_pointer.empty();
    if (!want_ids && !want_status) return {Verdict::Accepted, {}, "http_2xx", {}};
    const Json doc = parseUntrusted(body, 32);
    if (doc.is_discarded()) {
      if (want_status || config.require_message_id) {
        return {Verdict::Unknown, {}, "bad_json", {}};
      }
      return {Verdict::Accepted, {}, "http_2xx", {}};
    }
    if (want_status) {
      const auto value = scalarText(resolve(doc, status_pointer));
      if (!value) return {Verdict::Unknown, {}, "no_status", {}};
      const bool ok = std::find(config.accepted_values.begin(), config.accepted_values.end(),
                                *value) != config.accepted_values.end();
      if (!ok) return {Verdict::Rejected, {}, "provider_rejected", {}};
    }
    ParsedResponse r{Verdict::Accepted, {}, "http_2xx", {}};
    if (want_ids) {
      const Json* at = resolve(doc, id_pointer);
      auto take = [&r](const Json* v) {
        if (auto id = scalarText(v); id && isPlainToken(*id, kMaxIdBytes)) {
          r.message_ids.push_back(std::move(*id));
        }
      };
      if (at && at->is_array()) {
        for (std::size_t i = 0; i < at->size() && i < 255; ++i) take(&(*at)[i]);
      } else {
        take(at);
      }
      if (r.message_ids.empty() && config.require_message_id) {
        return {Verdict::Unknown, {}, "no_message_id", {}};
      }
    }
    return r;
  }
  if (std::find(config.retryable_statuses.begin(), config.retryable_statuses.end(),
                static_cast<int>(status)) != config.retryable_statuses.end()) {
    return {Verdict::Retryable, {}, "http_retryable", {}};
  }
  if (status >= 400 && status < 500) return {Verdict::Rejected, {}, "http_4xx", {}};
  if (status >= 300 && status < 400) return {Verdict::Rejected, {}, "http_3xx", {}};
  if (status >= 500) return {Verdict::Unknown, {}, "http_5xx", {}};
  return {Verdict::Unknown, {}, "http_unexpected", {}};
}

std::vector<StatusMapping> defaultStatusMappings() {
  using S = smpp::MessageState;
  return {{"delivered", S::Delivered},
          {"undelivered", S::Undeliverable},
          {"undeliverable", S::Undeliverable},
          {"failed", S::Undeliverable},
          {"expired", S::Expired},
          {"rejected", S::Rejected},
          {"deleted", S::Deleted},
          {"unknown", S::Unknown},
          {"accepted", S::Accepted},
          {"sent", S::Enroute},
          {"submitted", S::Enroute},
          {"buffered", S::Enroute},
          {"queued", S::Enroute},
          {"enroute", S::Enroute},
          {"pending", S::Enroute}};
}

void validateFormat(const JsonInboundFormat& f) {
  pointerOrThrow(f.messages_pointer, "inbound.messages_pointer");
  pointerOrThrow(f.id_pointer, "inbound.id_pointer");
  if (f.from_pointer.empty() || f.text_pointer.empty()) {
    throw std::invalid_argument("inbound.from_pointer/text_pointer: required");
  }
  pointerOrThrow(f.from_pointer, "inbound.from_pointer");
  pointerOrThrow(f.text_pointer, "inbound.text_pointer");
  pointerOrThrow(f.timestamp_pointer, "inbound.timestamp_pointer");
}

void validateFormat(const JsonDeliveryFormat& f) {
  pointerOrThrow(f.messages_pointer, "delivery.messages_pointer");
  pointerOrThrow(f.id_pointer, "delivery.id_pointer");
  pointerOrThrow(f.ref_pointer, "delivery.ref_pointer");
  if (f.status_pointer.empty()) throw std::invalid_argument("delivery.status_pointer: required");
  pointerOrThrow(f.status_pointer, "delivery.status_pointer");
  pointerOrThrow(f.timestamp_pointer, "delivery.timestamp_pointer");
  if (f.id_pointer.empty() && f.ref_pointer.empty()) {
    throw std::invalid_argument("delivery.id_pointer/ref_pointer: one is required");
  }
  if (f.statuses.empty()) throw std::invalid_argument("delivery.statuses: empty");
}

ParseError parseJsonInbound(std::string_view body, const JsonInboundFormat& format,
                            const WebhookLimits& limits, std::vector<ParsedInbound>* out) {
  out->clear();
  Pointer where, id_p, from_p, text_p, ts_p;
  if (!splitPointer(format.messages_pointer, &where) || !splitPointer(format.id_pointer, &id_p) ||
      !splitPointer(format.from_pointer, &from_p) || !splitPointer(format.text_pointer, &text_p) ||
      !splitPointer(format.timestamp_pointer, &ts_p)) {
    return {"bad_config", "webhook format is invalid", 500};
  }
  if (jsonDepth(body) > limits.max_json_depth) {
    return {"too_deep", "JSON nested too deeply", 400};
  }
  const Json doc = parseUntrusted(body, limits.max_json_depth);
  if (doc.is_discarded()) return {"bad_json", "body is not JSON", 400};
  std::vector<const Json*> recs;
  if (ParseError e = records(doc, where, limits, &recs)) return e;
  for (const Json* rec : recs) {
    ParsedInbound m;
    if (!id_p.empty()) {
      const Json* id = resolve(*rec, id_p);
      if (id && !id->is_null()) {
        const auto text = scalarText(id);
        if (!text || !isPlainToken(*text, limits.max_id_bytes)) {
          return {"invalid_id", "id is not a plain token", 400};
        }
        m.provider_id = *text;
      }
    }
    const auto from = scalarText(resolve(*rec, from_p));
    if (!from) return {"missing_from", "from is required", 400};
    if (!isPlainToken(*from, limits.max_id_bytes)) {
      return {"invalid_from", "from is not a plain token", 400};
    }
    m.from = *from;
    const Json* text = resolve(*rec, text_p);
    if (!text || !text->is_string()) return {"missing_text", "text is required", 400};
    if (text->get_ref<const std::string&>().size() > limits.max_text_bytes) {
      return {"text_too_long", "text exceeds the limit", 413};
    }
    m.text = text->get<std::string>();
    if (ParseError e = optionalTimestamp(*rec, ts_p, &m.received_at)) return e;
    out->push_back(std::move(m));
  }
  return {};
}

ParseError parseJsonDelivery(std::string_view body, const JsonDeliveryFormat& format,
                             const WebhookLimits& limits, std::vector<ParsedDelivery>* out,
                             std::size_t* unmapped) {
  out->clear();
  *unmapped = 0;
  Pointer where, id_p, ref_p, status_p, ts_p;
  if (!splitPointer(format.messages_pointer, &where) || !splitPointer(format.id_pointer, &id_p) ||
      !splitPointer(format.ref_pointer, &ref_p) ||
      !splitPointer(format.status_pointer, &status_p) ||
      !splitPointer(format.timestamp_pointer, &ts_p) || status_p.empty()) {
    return {"bad_config", "webhook format is invalid", 500};
  }
  if (jsonDepth(body) > limits.max_json_depth) {
    return {"too_deep", "JSON nested too deeply", 400};
  }
  const Json doc = parseUntrusted(body, limits.max_json_depth);
  if (doc.is_discarded()) return {"bad_json", "body is not JSON", 400};
  std::vector<const Json*> recs;
  if (ParseError e = records(doc, where, limits, &recs)) return e;
  for (const Json* rec : recs) {
    ParsedDelivery d;
    if (!id_p.empty()) {
      const Json* id = resolve(*rec, id_p);
      if (id && !id->is_null()) {
        const auto text = scalarText(id);
        if (!text || !isPlainToken(*text, limits.max_id_bytes)) {
          return {"invalid_id", "id is not a plain token", 400};
        }
        d.provider_id = *text;
      }
    }
    if (!ref_p.empty()) {
      const Json* ref = resolve(*rec, ref_p);
      if (ref && !ref->is_null()) {
        const auto text = scalarText(ref);
        std::uint64_t value = 0;
        if (!text || text->empty() || text->size() > 20 ||
            std::from_chars(text->data(), text->data() + text->size(), value).ptr !=
                text->data() + text->size() ||
            (*text)[0] == '-' || (*text)[0] == '+') {
          return {"invalid_ref", "reference is not a decimal number", 400};
        }
        d.ref = value;
      }
    }
    if (d.provider_id.empty() && !d.ref)
      return {"missing_id", "an id or a reference is required", 400};
    const auto status = scalarText(resolve(*rec, status_p));
    if (!status) return {"missing_status", "status is required", 400};
    const auto mapping =
        std::find_if(format.statuses.begin(), format.statuses.end(),
                     [&](const StatusMapping& s) { return equalsIgnoreCase(s.value, *status); });
    if (ParseError e = optionalTimestamp(*rec, ts_p, &d.reported_at)) return e;
    if (mapping == format.statuses.end()) {
      ++*unmapped;
      continue;
    }
    d.state = mapping->state;
    d.is_final = smpp::isFinal(d.state);
    out->push_back(std::move(d));
  }
  return {};
}

}  // namespace liaison::gateway::http
