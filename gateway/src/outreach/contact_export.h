// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Streaming CSV export of all contacts or one segment, in the columns contact_import.h reads,
// so export -> import round-trips. One contact is in memory at a time; output goes to a sink
// in chunks of about 64 KiB. Cells a spreadsheet would run as formulas (starting with = + - @)
// get a leading apostrophe, which the import strips again; the phone column is E.164 as is.
// The exported file holds personal data: only authorised roles may ask for it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "liaison/v1/segments.pb.h"
#include "store/contact_store.h"

namespace liaison::gateway::outreach {

enum class ExportErrc {
  WriteFailed = 1,  // the sink refused or the file could not be written
  Cancelled = 2,
};
const std::error_category& exportCategory();
std::error_code make_error_code(ExportErrc e);

}  // namespace liaison::gateway::outreach

template <>
struct std::is_error_code_enum<liaison::gateway::outreach::ExportErrc> : std::true_type {};

namespace liaison::gateway::outreach {

struct ExportOptions {
  std::string tenant_id;
  const liaison::v1::Filter* filter = nullptr;  // null: every contact of the tenant
  char delimiter = ',';
  std::uint64_t progress_every = 10000;
  std::function<bool(std::uint64_t rows)> on_progress;  // false cancels
};

struct ExportResult {
  std::error_code error;
  std::string detail;  // filter errors: where and why (no values)
  std::uint64_t rows = 0;
  bool ok() const { return !error; }
};

// Writes the header and one line per contact to `sink`; the sink returns false to stop.
ExportResult exportContacts(store::ContactStore& store, const ExportOptions& options,
                            const std::function<bool(std::string_view chunk)>& sink);

// Writes to `path` through a temporary file renamed into place on success, so a failed export
// never leaves a partial file under the final name.
ExportResult exportContactsToFile(store::ContactStore& store, const ExportOptions& options,
                                  const std::string& path);

}  // namespace liaison::gateway::outreach
