// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// JSON <-> liaison.v1 messages the API accepts (campaign definitions, segment filters), and the
// single-message body (directMessageFromJson). The messages are LITE_RUNTIME (no reflection,
// no JsonStringToMessage), so the mapping is written out here, following the proto3 JSON
// mapping with the proto field names:
//
//   - fields by their proto names ("fallback_language", "segment_id"); unknown fields are an
//     error (a typo must not silently drop a setting); null means "not set";
//   - enums by their value names ("RESEND_POLICY_NEVER", "OPERATOR_IN"); the integer value and,
//     for brevity, the name without the type prefix ("NEVER", "IN") are accepted on input;
//   - Timestamp as an RFC 3339 UTC string ("2026-05-01T09:00:00Z"), Duration as seconds with
//     an "s" suffix ("3600s"), as for google.protobuf.Timestamp / Duration;
//   - repeated fields as arrays, oneofs as whichever member is present (two is an error).
//
// Errors name the JSON path and the reason, e.g. "poll.questions[2].number.min: not a number"
// or "schedule: unknown field", and never repeat a value. Output uses the same names
// and writes fields that are set (proto3 defaults are left out). Pure and thread-safe.
// Implemented in rest_api.cc.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "liaison/v1/campaigns.pb.h"
#include "liaison/v1/segments.pb.h"
#include "outreach/message_intake.h"
#include "outreach/results.h"

namespace liaison::gateway::api {

// Reads a campaign definition. Ignores the read-only members a GET returns ("id", "state",
// "created_at", "updated_at", "kind", "tenant_id") so a fetched campaign can be sent back as
// it is; they are never copied into *out. False with *error set on failure.
bool campaignFromJson(const nlohmann::json& in, liaison::v1::Campaign* out, std::string* error);
// The definition's fields (not id, tenant_id, state, created_at: the API writes those itself).
nlohmann::json campaignToJson(const liaison::v1::Campaign& campaign);

bool filterFromJson(const nlohmann::json& in, liaison::v1::Filter* out, std::string* error);
nlohmann::json filterToJson(const liaison::v1::Filter& filter);

// A campaign's delivery funnel and poll-session counts, as its results and its live events
// show them (one shape for both).
nlohmann::json deliveryStatsJson(const outreach::DeliveryStats& delivery);
nlohmann::json sessionStatsJson(const outreach::SessionStats& sessions);

// The body of POST /v1/messages (docs/api.md): the recipient (contact_id, or "to" read with
// `region` when national), the text analysed as the SMS layer will send it (at most
// `max_segments`), "resend" and "valid_for_s" (expires_at = now + it, default one day). Leaves
// tenant_id and key to the caller. False with *error on failure.
bool directMessageFromJson(const nlohmann::json& in, std::string_view region, int max_segments,
                           std::int64_t now, outreach::DirectMessage* out, std::string* error);

}  // namespace liaison::gateway::api
