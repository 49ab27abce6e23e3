// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Lookups over the generated time zone tables.
#include "outreach/time_zones.h"

#include <algorithm>
#include <string>

#include "outreach/time_zones_table.h"

namespace liaison::gateway::outreach {

namespace {

constexpr std::size_t kMaxRegionKey = 64;

const tz_table::CountryZone* findCountry(std::string_view country) {
  const auto* begin = tz_table::kCountryZones;
  const auto* end = begin + tz_table::kCountryZoneCount;
  const auto* it = std::lower_bound(begin, end, country,
                                    [](const tz_table::CountryZone& e, std::string_view key) {
                                      return std::string_view(e.country) < key;
                                    });
  return (it != end && std::string_view(it->country) == country) ? it : nullptr;
}

}  // namespace

bool isKnownCountry(std::string_view country) {
  return country.size() == 2 && findCountry(country) != nullptr;
}

std::string_view defaultTimeZone(std::string_view country, std::string_view region) {
  const tz_table::CountryZone* c = country.size() == 2 ? findCountry(country) : nullptr;
  if (c == nullptr) return {};
  if (!region.empty() && region.size() <= kMaxRegionKey) {
    std::string key(region);
    std::transform(key.begin(), key.end(), key.begin(), [](char ch) {
      return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    });
    const auto* begin = tz_table::kRegionZones;
    const auto* end = begin + tz_table::kRegionZoneCount;
    const auto cmp = [](const tz_table::RegionZone& e,
                        const std::pair<std::string_view, std::string_view>& k) {
      const std::string_view ec(e.country);
      return ec < k.first || (ec == k.first && std::string_view(e.region) < k.second);
    };
    const std::pair<std::string_view, std::string_view> k{country, key};
    const auto* it = std::lower_bound(begin, end, k, cmp);
    if (it != end && std::string_view(it->country) == country &&
        std::string_view(it->region) == key) {
      return it->zone;
    }
  }
  return c->zone;
}

bool isKnownTimeZone(std::string_view zone) {
  const auto* begin = tz_table::kZoneNames;
  const auto* end = begin + tz_table::kZoneNameCount;
  const auto* it = std::lower_bound(begin, end, zone,
                                    [](const char* e, std::string_view key) { return e < key; });
  return it != end && std::string_view(*it) == zone;
}

}  // namespace liaison::gateway::outreach
