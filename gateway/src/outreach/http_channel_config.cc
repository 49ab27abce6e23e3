// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// config::HttpAggregatorConfig -> http::HttpChannelConfig; see the header.
#include "outreach/http_channel_config.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <utility>
#include <vector>

#include "channels/http/profile.h"

namespace liaison::gateway::outreach {

namespace {

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

// The configuration's single-brace placeholders ({to} is E.164 with '+') as the JSON
// profile's. The configuration admits no other '{' (config.cc checks every one).
std::string profileTemplate(std::string_view tmpl) {
  static constexpr std::pair<std::string_view, std::string_view> kMap[] = {{"{to}", "{{to_e164}}"},
                                                                           {"{from}", "{{from}}"},
                                                                           {"{text}", "{{text}}"},
                                                                           {"{ref}", "{{ref}}"}};
  std::string out;
  std::size_t i = 0;
  while (i < tmpl.size()) {
    bool replaced = false;
    if (tmpl[i] == '{') {
      for (const auto& [from, to] : kMap) {
        if (tmpl.substr(i, from.size()) == from) {
          out += to;
          i += from.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(tmpl[i++]);
  }
  return out;
}

bool isUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string deliveryWebhookUrl(const config::HttpAggregatorConfig& h, std::string_view public_url) {
  if (public_url.empty()) return {};
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  std::string url(public_url);
  url += "/webhooks/" + http::urlEncode(h.name) + "/delivery";
  if (h.webhook_auth == config::WebhookAuth::Token) {
    url += "?token=" + http::urlEncode(h.webhook_secret.reveal());
  }
  return url;
}

http::HttpChannelConfig httpChannelConfig(const config::HttpAggregatorConfig& h,
                                          std::string_view public_url) {
  http::HttpChannelConfig c;
  c.name = "http:" + h.name;
  c.max_in_flight = h.max_in_flight;
  c.requests_per_second = h.messages_per_second;
  c.connect_timeout = h.connect_timeout;
  c.request_timeout = h.request_timeout;
  c.ca_file = h.tls_ca_file;
  const std::string dlr_url = deliveryWebhookUrl(h, public_url);
  if (h.profile == config::HttpProfile::Kannel) {
    // Kannel expands %-escapes in its dlr-url, so the token must need none.
    for (char ch : h.webhook_secret.reveal()) {
      if (!isUnreserved(ch)) {
        throw std::invalid_argument(
            "webhook_secret: a Kannel channel's secret goes into its dlr-url and may use only "
            "letters, "
            "digits and - . _ ~ (generate one with: openssl rand -hex 24)");
      }
    }
    http::KannelProfileConfig k;
    k.sendsms_url = h.url;
    k.username = h.username;
    k.password = h.password.reveal();
    k.from = h.source_addr;
    k.dlr_url = dlr_url;
    c.profile = std::move(k);
    return c;
  }
  const config::JsonProfileConfig& j = h.json;
  http::JsonProfileConfig p;
  p.url = h.url;
  p.method = j.method;
  for (const auto& [name, value] : j.headers) p.headers.emplace_back(name, value);
  switch (j.auth) {
    case config::HttpAuth::None: break;
    case config::HttpAuth::Basic:
      p.headers.emplace_back("Authorization",
                             "Basic " + base64(h.username + ":" + h.password.reveal()));
      break;
    case config::HttpAuth::Bearer:
      p.headers.emplace_back("Authorization", "Bearer " + h.password.reveal());
      break;
    case config::HttpAuth::Header:
      p.headers.emplace_back(j.auth_header, h.password.reveal());
      break;
  }
  nlohmann::json body = nlohmann::json::object();
  for (const auto& [field, tmpl] : j.body) body[field] = profileTemplate(tmpl);
  p.body_template = body.dump();
  p.from = h.source_addr;
  p.dlr_url = dlr_url;
  p.message_id_pointer = j.message_id_pointer;
  p.accepted_statuses = j.accepted_status;
  c.profile = std::move(p);
  return c;
}

}  // namespace liaison::gateway::outreach
