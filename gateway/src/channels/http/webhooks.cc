// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// WebhookEndpoint: checks, authentication, parsing (kannel_profile / json_profile), the
// recent-id filter and the sinks. Handlers run on HTTP connection strands, possibly at once:
// the only shared mutable state is the recent-id set (under `mu`) and atomic counters.
#include "channels/http/webhooks.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <atomic>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include "channels/http/kannel_profile.h"
#include "util/log.h"

namespace liaison::gateway::http {

namespace {

constexpr std::size_t kMinSecretBytes = 16;

std::string toHex(const unsigned char* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0f]);
  }
  return out;
}

std::string jsonError(std::string_view code, std::string_view message) {
  // Codes and messages are static ASCII without quotes or backslashes.
  std::string body = "{\"error\":{\"code\":\"";
  body += code;
  body += "\",\"message\":\"";
  body += message;
  body += "\"}}";
  return body;
}

api::HttpResponse errorResponse(int status, std::string_view code, std::string_view message) {
  api::HttpResponse r;
  r.status = status;
  r.body = jsonError(code, message);
  return r;
}

std::string_view queryOf(const api::HttpRequest& request) {
  const std::string_view target = request.target;
  const std::size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

enum class Kind : uint8_t { Inbound, Delivery };

std::string_view kindName(Kind kind) { return kind == Kind::Inbound ? "inbound" : "delivery"; }

}  // namespace

std::string webhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body) {
  std::string payload;
  payload.reserve(timestamp.size() + 1 + body.size());
  payload.append(timestamp);
  payload.push_back('.');
  payload.append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &len)) {
    return {};
  }
  return toHex(mac, len);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char da[SHA256_DIGEST_LENGTH];
  unsigned char db[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
  return CRYPTO_memcmp(da, db, SHA256_DIGEST_LENGTH) == 0;
}

struct WebhookEndpoint::Impl {
  Impl(WebhookConfig cfg, InboundSink in, DeliverySink out, InboundSinkAsync in_async = {})
      : config(std::move(cfg)),
        inbound_sink(std::move(in)),
        inbound_async(std::move(in_async)),
        delivery_sink(std::move(out)) {
    if (!inbound_sink && !inbound_async) throw std::invalid_argument("webhook: sinks required");
    if (config.channel.empty()) throw std::invalid_argument("webhook.channel: required");
    if (config.auth.secret.size() < kMinSecretBytes) {
      throw std::invalid_argument("webhook.auth.secret: at least 16 bytes");
    }
    if (config.format == WebhookFormat::Kannel && config.auth.mode == WebhookAuthMode::HmacSha256) {
      throw std::invalid_argument("webhook.auth.mode: Kannel cannot sign; use a token");
    }
    if (config.auth.mode == WebhookAuthMode::Token && config.auth.token_header.empty() &&
        config.auth.token_param.empty()) {
      throw std::invalid_argument("webhook.auth: token_header or token_param required");
    }
    if (config.auth.mode == WebhookAuthMode::HmacSha256 &&
        (config.auth.signature_header.empty() || config.auth.timestamp_header.empty())) {
      throw std::invalid_argument("webhook.auth: signature and timestamp headers required");
    }
    if (config.format == WebhookFormat::Json) {
      validateFormat(config.json_inbound);
      validateFormat(config.json_delivery);
    }
    if (!delivery_sink) throw std::invalid_argument("webhook: sinks required");
  }
  Impl(WebhookConfig cfg, InboundSinkAsync in, DeliverySink out)
      : Impl(std::move(cfg), InboundSink(), std::move(out), std::move(in)) {}

  std::int64_t now() const {
    if (config.clock) return config.clock();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // A static reason when the request is not authentic, else empty.
  std::string_view authenticate(const api::HttpRequest& request) const {
    const WebhookAuthConfig& a = config.auth;
    if (a.mode == WebhookAuthMode::Token) {
      std::string token;
      if (!a.token_header.empty()) token = std::string(request.header(a.token_header));
      if (token.empty() && !a.token_param.empty()) {
        std::vector<FormField> fields;
        if (parseForm(queryOf(request), config.limits, &fields)) return "bad_query";
        if (const FormField* f = findField(fields, a.token_param)) token = f->value;
      }
      if (token.empty()) return "missing_token";
      return constantTimeEquals(token, a.secret) ? std::string_view() : "bad_token";
    }
    const std::string_view ts = request.header(a.timestamp_header);
    if (ts.empty() || ts.size() > 12 ||
        ts.find_first_not_of("0123456789") != std::string_view::npos) {
      return "missing_timestamp";
    }
    const std::int64_t skew = std::stoll(std::string(ts)) - now();
    if (skew > a.max_skew.count() || -skew > a.max_skew.count()) return "stale_timestamp";
    std::string_view sig = request.header(a.signature_header);
    if (sig.size() > 7 && equalsIgnoreCase(sig.substr(0, 7), "sha256=")) sig.remove_prefix(7);
    if (sig.empty()) return "missing_signature";
    std::string provided(sig);
    for (char& c : provided) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    const std::string expected = webhookSignature(a.secret, ts, request.body);
    return constantTimeEquals(provided, expected) ? std::string_view() : "bad_signature";
  }

  // Common checks before parsing; an error response or nullopt.
  std::optional<api::HttpResponse> precheck(const api::HttpRequest& request, Kind kind) {
    ++requests;
    const bool json = config.format == WebhookFormat::Json;
    const bool allowed = request.method == "POST" || (!json && request.method == "GET");
    if (!allowed) {
      ++bad_requests;
      api::HttpResponse r = errorResponse(405, "method_not_allowed", "method not allowed");
      r.headers.emplace_back("Allow", json ? "POST" : "GET, POST");
      return r;
    }
    if (request.body.size() > config.max_body_bytes) {
      ++bad_requests;
      return errorResponse(413, "body_too_large", "request body exceeds the limit");
    }
    if (request.target.size() > config.max_target_bytes) {
      ++bad_requests;
      return errorResponse(414, "uri_too_long", "request target exceeds the limit");
    }
    if (const std::string_view why = authenticate(request); !why.empty()) {
      ++auth_failures;
      log::warn("webhook.auth_failed",
                {{"channel", config.channel}, {"kind", kindName(kind)}, {"reason", why}});
      return errorResponse(401, "unauthorized", "authentication failed");
    }
    return std::nullopt;
  }

  api::HttpResponse refuse(const ParseError& e, Kind kind) {
    ++bad_requests;
    log::warn("webhook.rejected",
              {{"channel", config.channel}, {"kind", kindName(kind)}, {"code", e.code}});
    return errorResponse(e.http_status, e.code, e.message);
  }

  api::HttpResponse sinkFailed(Kind kind, std::string_view why) {
    ++sink_failures;
    log::error("webhook.sink_failed",
               {{"channel", config.channel}, {"kind", kindName(kind)}, {"error", why}});
    api::HttpResponse r = errorResponse(503, "unavailable", "not stored; deliver again later");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }

  api::HttpResponse accepted(std::size_t count, std::size_t duplicate_count) {
    api::HttpResponse r;
    r.status = 200;
    if (config.format == WebhookFormat::Kannel) {
      // Kannel would send a non-empty get-url answer back as an SMS unless max-messages = 0.
      r.content_type = "text/plain";
      return r;
    }
    r.body = "{\"accepted\":" + std::to_string(count) +
             ",\"duplicates\":" + std::to_string(duplicate_count) + "}";
    return r;
  }

  // Recent-id filter.
  bool seen(const std::string& key) {
    if (config.recent_ids == 0 || key.empty()) return false;
    std::lock_guard lock(mu);
    return recent.count(key) != 0;
  }
  void remember(const std::vector<std::string>& keys) {
    if (config.recent_ids == 0) return;
    std::lock_guard lock(mu);
    for (const std::string& key : keys) {
      if (key.empty() || !recent.insert(key).second) continue;
      order.push_back(key);
      while (order.size() > config.recent_ids) {
        recent.erase(order.front());
        order.pop_front();
      }
    }
  }

  static std::string inboundKey(const std::string& provider_id) {
    return provider_id.empty() ? std::string() : "i:" + provider_id;
  }
  static std::string deliveryKey(const ParsedDelivery& d) {
    std::string key = "d:";
    key += d.provider_id.empty() ? "r" + std::to_string(*d.ref) : "p" + d.provider_id;
    key += ':';
    key += std::to_string(static_cast<int>(d.state));
    return key;
  }

  api::HttpResponse inbound(const api::HttpRequest& request) {
    if (auto r = precheck(request, Kind::Inbound)) return *r;
    std::vector<ParsedInbound> parsed;
    if (config.format == WebhookFormat::Kannel) {
      KannelMoRequest mo;
      mo.query = queryOf(request);
      mo.is_post = request.method == "POST";
      mo.body = request.body;
      mo.content_type = request.header("Content-Type");
      mo.kannel_from = request.header("X-Kannel-From");
      mo.kannel_coding = request.header("X-Kannel-Coding");
      parsed.emplace_back();
      if (ParseError e = parseKannelMo(mo, config.limits, &parsed.back())) {
        return refuse(e, Kind::Inbound);
      }
    } else if (ParseError e =
                   parseJsonInbound(request.body, config.json_inbound, config.limits, &parsed)) {
      return refuse(e, Kind::Inbound);
    }
    const std::int64_t t = now();
    std::vector<InboundSms> batch;
    std::vector<std::string> keys;
    std::size_t dups = 0;
    for (ParsedInbound& p : parsed) {
      std::string key = inboundKey(p.provider_id);
      if (seen(key)) {
        ++dups;
        continue;
      }
      InboundSms m;
      m.tenant_id = config.tenant_id;
      m.channel = config.channel;
      m.provider_id = std::move(p.provider_id);
      m.from = std::move(p.from);
      m.text = std::move(p.text);
      m.received_at = p.received_at.value_or(t);
      batch.push_back(std::move(m));
      keys.push_back(std::move(key));
    }
    duplicates += dups;
    if (!batch.empty() && inbound_async) {
      return deferInbound(std::move(batch), std::move(keys), dups);
    }
    if (!batch.empty()) {
      std::error_code ec;
      try {
        ec = inbound_sink(batch);
      } catch (const std::exception&) {
        return sinkFailed(Kind::Inbound, "exception");
      }
      if (ec) return sinkFailed(Kind::Inbound, ec.message());
      remember(keys);
      inbound_count += batch.size();
    }
    return accepted(batch.size(), dups);
  }

  api::HttpResponse deferInbound(std::vector<InboundSms> batch, std::vector<std::string> keys,
                                 std::size_t dups) {
    return api::deferResponse([this, batch = std::move(batch), keys = std::move(keys),
                               dups](api::ResponseCallback done) mutable {
      const std::size_t n = batch.size();
      auto finish = [this, keys = std::move(keys), n, dups, done](std::error_code ec) {
        if (ec) return done(sinkFailed(Kind::Inbound, ec.message()));
        remember(keys);
        inbound_count += n;
        done(accepted(n, dups));
      };
      try {
        inbound_async(std::move(batch), std::move(finish));
      } catch (const std::exception&) {
        done(sinkFailed(Kind::Inbound, "exception"));
      }
    });
  }

  api::HttpResponse delivery(const api::HttpRequest& request) {
    if (auto r = precheck(request, Kind::Delivery)) return *r;
    std::vector<ParsedDelivery> parsed;
    if (config.format == WebhookFormat::Kannel) {
      parsed.emplace_back();
      if (ParseError e = parseKannelDlr(queryOf(request), config.limits, &parsed.back())) {
        return refuse(e, Kind::Delivery);
      }
    } else {
      std::size_t unmapped = 0;
      if (ParseError e = parseJsonDelivery(request.body, config.json_delivery, config.limits,
                                           &parsed, &unmapped)) {
        return refuse(e, Kind::Delivery);
      }
      unmapped_states += unmapped;
    }
    const std::int64_t t = now();
    std::vector<DeliveryReport> batch;
    std::vector<std::string> keys;
    std::size_t dups = 0;
    for (ParsedDelivery& p : parsed) {
      std::string key = deliveryKey(p);
      if (seen(key)) {
        ++dups;
        continue;
      }
      DeliveryReport d;
      d.tenant_id = config.tenant_id;
      d.channel = config.channel;
      d.ref = p.ref;
      // A report with only our ref (Kannel): the dispatcher recorded the ref as the id of a
      // message the provider gave none for, so the ref is the id to match.
      d.provider_id =
          p.provider_id.empty() && p.ref ? std::to_string(*p.ref) : std::move(p.provider_id);
      d.state = p.state;
      d.is_final = p.is_final;
      d.reported_at = p.reported_at.value_or(t);
      batch.push_back(std::move(d));
      keys.push_back(std::move(key));
    }
    duplicates += dups;
    if (!batch.empty()) {
      std::error_code ec;
      try {
        ec = delivery_sink(batch);
      } catch (const std::exception&) {
        return sinkFailed(Kind::Delivery, "exception");
      }
      if (ec) return sinkFailed(Kind::Delivery, ec.message());
      remember(keys);
      delivery_count += batch.size();
    }
    return accepted(batch.size(), dups);
  }

  const WebhookConfig config;
  const InboundSink inbound_sink;  // or
  const InboundSinkAsync inbound_async;
  const DeliverySink delivery_sink;

  std::mutex mu;
  std::unordered_set<std::string> recent;  // guarded by mu
  std::deque<std::string> order;           // guarded by mu; oldest first

  std::atomic<uint64_t> requests{0}, inbound_count{0}, delivery_count{0}, duplicates{0},
      unmapped_states{0}, auth_failures{0}, bad_requests{0}, sink_failures{0};
};

WebhookEndpoint::WebhookEndpoint(WebhookConfig config, InboundSink inbound, DeliverySink delivery)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(inbound), std::move(delivery))) {}

WebhookEndpoint::WebhookEndpoint(WebhookConfig config, InboundSinkAsync inbound,
                                 DeliverySink delivery)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(inbound), std::move(delivery))) {}

WebhookEndpoint::~WebhookEndpoint() = default;

api::HttpResponse WebhookEndpoint::handleInbound(const api::HttpRequest& request) {
  return impl_->inbound(request);
}

api::HttpResponse WebhookEndpoint::handleDeliveryReport(const api::HttpRequest& request) {
  return impl_->delivery(request);
}

WebhookStats WebhookEndpoint::stats() const {
  WebhookStats s;
  s.requests = impl_->requests;
  s.inbound = impl_->inbound_count;
  s.deliveries = impl_->delivery_count;
  s.duplicates = impl_->duplicates;
  s.unmapped_states = impl_->unmapped_states;
  s.auth_failures = impl_->auth_failures;
  s.bad_requests = impl_->bad_requests;
  s.sink_failures = impl_->sink_failures;
  return s;
}

}  // namespace liaison::gateway::http
