// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Country of residence -> default IANA time zone, from a table generated from tzdata at
// development time (time_zones_table.cc), with region overrides for the large multi-zone
// countries where a region name or code settles it (US states, Canadian provinces, ...).
// Pure lookups over constant tables: thread-safe, no allocation, no runtime file access.
#pragma once

#include <string_view>

namespace liaison::gateway::outreach {

// True if `country` is an ISO 3166-1 alpha-2 code (upper case) known to tzdata.
bool isKnownCountry(std::string_view country);

// The default zone for an upper-case ISO alpha-2 `country`, refined by `region` (a code such
// as "BC" or an English name such as "british columbia", any case) when that is listed.
// Returns an empty view for unknown or uninhabited countries.
std::string_view defaultTimeZone(std::string_view country, std::string_view region = {});

// True if `zone` names a zone in tzdata's zone tables ("Europe/Berlin", "UTC").
bool isKnownTimeZone(std::string_view zone);

}  // namespace liaison::gateway::outreach
