// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// liaison.v1.Filter -> a parameterised SQL WHERE fragment over `contacts c`, evaluated in the
// database. Values are only ever bound as parameters, never spliced into SQL; field names map
// through a fixed table, so an unknown field is an error rather than SQL. Bounded in depth,
// node count and values. Pure and thread-safe.
//
// Fields (as in liaison.v1.Contact):
//   language, location.country (alias country), location.region, location.city, time_zone,
//   status (active | opted_out | invalid), groups, custom.<key>, consent (an open consent
//   exists), consent.wording_version.
// Operators: EQUALS, NOT_EQUALS, IN, NOT_IN and EXISTS on every field; HAS on the multi-valued
// ones (groups, custom.*; EQUALS means HAS there); LESS and GREATER on custom.* numbers.
// NOT_EQUALS and NOT_IN include contacts with no value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "liaison/v1/segments.pb.h"
#include "store/contact_store.h"
#include "store/segment_store.h"

namespace liaison::gateway::outreach {

enum class FilterErrc {
  Empty = 1,  // a Filter or condition with nothing set
  TooDeep = 2,
  TooLarge = 3,  // too many nodes or values
  UnknownField = 4,
  UnsupportedOperator = 5,  // the operator does not apply to the field (or is UNSPECIFIED)
  WrongValueCount = 6,
  InvalidValue = 7,  // not a language tag, country code, status or number as required
  ValueTooLong = 8,
};

const std::error_category& filterCategory();
std::error_code make_error_code(FilterErrc e);

}  // namespace liaison::gateway::outreach

template <>
struct std::is_error_code_enum<liaison::gateway::outreach::FilterErrc> : std::true_type {};

namespace liaison::gateway::outreach {

struct FilterLimits {
  int max_depth = 16;
  int max_nodes = 256;
  std::size_t max_values = 2000;  // over the whole filter
  std::size_t max_value_bytes = 256;
};

// Compiles `filter`. On failure returns the error and, in *detail, where it is and why, e.g.
// "filter.all[1].condition: unknown field 'custom.'" (field names and paths only, never
// values). Placeholders are numbered from ContactStore::kFirstFilterParam.
std::error_code compileFilter(const liaison::v1::Filter& filter, store::SqlDialect dialect,
                              store::SqlWhere* out, std::string* detail,
                              const FilterLimits& limits = {});

// The live count of a segment: compiles `filter` (null: everyone) and counts in the store.
std::error_code countSegment(store::ContactStore& contacts, std::string_view tenant,
                             const liaison::v1::Filter* filter, store::SegmentCount* out,
                             std::string* detail);

// Saves a named segment after checking that its filter compiles for `dialect`; *detail
// explains a filter error. StoreErrc::Constraint when the name is taken.
std::error_code saveSegment(store::SegmentStore& segments, store::SqlDialect dialect,
                            std::string_view tenant, std::string_view name,
                            const liaison::v1::Filter& filter, std::int64_t now, std::int64_t* id,
                            std::string* detail);

// The live count of a saved segment.
std::error_code countSavedSegment(store::SegmentStore& segments, store::ContactStore& contacts,
                                  std::string_view tenant, std::int64_t id,
                                  store::SegmentCount* out, std::string* detail);

}  // namespace liaison::gateway::outreach
