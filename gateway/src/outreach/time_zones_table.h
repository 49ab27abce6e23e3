// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The generated tzdata tables behind time_zones.h (internal; see scripts/gen-time-zones). Each
// table is sorted by its first column(s) so lookups are binary searches.
#pragma once

#include <cstddef>

namespace liaison::gateway::outreach::tz_table {

struct CountryZone {
  const char* country;  // ISO 3166-1 alpha-2, every code in iso3166.tab
  const char* zone;     // most populous IANA zone; "" for uninhabited territories
};
struct RegionZone {
  const char* country;
  const char* region;  // lower-case code or English name
  const char* zone;
};

extern const CountryZone kCountryZones[];
extern const std::size_t kCountryZoneCount;
extern const RegionZone kRegionZones[];
extern const std::size_t kRegionZoneCount;
extern const char* const kZoneNames[];  // every zone in zone.tab and zone1970.tab, plus UTC
extern const std::size_t kZoneNameCount;

}  // namespace liaison::gateway::outreach::tz_table
