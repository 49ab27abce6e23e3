// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A configured HTTP aggregator ([[channels.http]], config.h) as the HttpChannel the Dispatcher
// sends through: the profile (Kannel sendsms, or the generic JSON API with its body template
// and credential header), rate, window, timeouts, CA file, and the delivery-report URL the
// aggregator is given (Kannel's dlr-url, the JSON profile's {{dlr_url}}):
//     <server.public_url>/webhooks/<name>/delivery[?token=<webhook secret>]
// the route the daemon mounts for the channel's WebhookEndpoint; the token is added when the
// channel's webhooks are token-authenticated (a Kannel channel always is: Kannel cannot sign).
//
// The mapping belongs next to config::smppChannelConfig(); it lives here until config.{h,cc}
// takes it over. Errors name the configuration key and never contain a secret.
#pragma once

#include <string>
#include <string_view>

#include "channels/http/http_channel.h"
#include "config/config.h"

namespace liaison::gateway::outreach {

// Throws std::invalid_argument naming the key for what the channel cannot use: a Kannel
// webhook secret with characters Kannel would mangle in its dlr-url (only letters, digits and
// "-._~" are kept as they are), or what the profile itself refuses.
http::HttpChannelConfig httpChannelConfig(const config::HttpAggregatorConfig& channel,
                                          std::string_view public_url);

// "<public_url>/webhooks/<name>/delivery", plus "?token=<secret>" with token authentication;
// empty without a public_url. Contains the secret: never log it.
std::string deliveryWebhookUrl(const config::HttpAggregatorConfig& channel,
                               std::string_view public_url);

}  // namespace liaison::gateway::outreach
