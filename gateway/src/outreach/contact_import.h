// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CSV -> validated contacts, upserted on (tenant, phone) in ONE store transaction: either the
// whole import commits at the end, or (header error, store failure, I/O failure, cancellation,
// too many rejections) nothing of it is visible. Streaming and sans-I/O: feed bytes in chunks;
// memory stays bounded by the CSV limits, whatever the row count. Every rejected row is
// reported with its line number, the column and a fixed reason that never repeats the value
// (phone numbers and names are personal data).
//
// Columns (header names, any case; unknown columns are refused so a typo is not silently lost):
//   phone (required; also phone_e164), name, language, country, region, city, time_zone,
//   time_zone_overridden, status (active|opted_out|invalid), groups (';'-separated),
//   consent_given_at, consent_channel, consent_wording_version, consent_language,
//   consent_recorded_by, consent_withdrawn_at, custom.<key> (';'-separated values).
// A column present in the file replaces that part of an existing contact; absent columns are
// left alone. An opted-out contact stays opted out whatever the file says (promise 3).
// National numbers are read in the row's country, else ImportOptions::default_country.
// The time zone is the row's time_zone (an override), else derived from country and region,
// else from the number's region.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "outreach/csv.h"
#include "store/contact_store.h"

namespace liaison::gateway::outreach {

enum class ImportErrc {
  BadHeader = 1,          // missing phone column, unknown or repeated column, malformed header
  Cancelled = 2,          // the progress callback said stop
  ReadFailed = 3,         // the input could not be read
  TooManyRejections = 4,  // more rejected rows than ImportOptions::max_rejected_rows
};
const std::error_category& importCategory();
std::error_code make_error_code(ImportErrc e);

}  // namespace liaison::gateway::outreach

template <>
struct std::is_error_code_enum<liaison::gateway::outreach::ImportErrc> : std::true_type {};

namespace liaison::gateway::outreach {

enum class RejectReason {
  MalformedRow,        // CSV syntax; detail says which
  FieldCountMismatch,  // the row does not have as many fields as the header
  MissingPhone,
  InvalidPhone,     // detail: libphonenumber's fixed reason
  FixedLineNumber,  // cannot receive SMS
  InvalidCountry,
  InvalidLanguage,
  UnknownTimeZone,
  InvalidText,  // not UTF-8, or control characters
  ValueTooLong,
  TooManyValues,  // groups or a custom field with too many values
  InvalidStatus,
  InvalidBoolean,
  InvalidTime,  // consent times: ISO 8601 date or date-time
  InvalidConsentChannel,
  IncompleteConsent,  // consent columns without given_at or wording_version
  DuplicateInFile,    // same number as an earlier row (duplicate_of_line)
};
const char* rejectReasonText(RejectReason reason);

struct RowRejection {
  std::uint64_t line = 0;
  RejectReason reason = RejectReason::MalformedRow;
  std::string column;       // header name as written in the file ("" for row-level reasons)
  const char* detail = "";  // a fixed text (CSV or phone reason), never input
  std::uint64_t duplicate_of_line = 0;
};
// "line 12, column phone: invalid phone number (number is too short)"
std::string describeRejection(const RowRejection& r);

struct ImportStats {
  std::uint64_t rows = 0;  // data rows read (blank lines excluded)
  std::uint64_t inserted = 0;
  std::uint64_t updated = 0;
  std::uint64_t rejected = 0;
  std::uint64_t bytes = 0;
};

struct ImportOptions {
  std::string tenant_id;
  std::string default_country;  // ISO alpha-2 for national numbers in rows without a country
  CsvOptions csv;
  std::int64_t now = 0;  // Unix seconds for created/updated_at; 0 means the current time
  std::uint64_t progress_every = 10000;
  // Called every progress_every rows and once at the end; return false to cancel.
  std::function<bool(const ImportStats&)> on_progress;
  // Called for every rejected row, as it happens.
  std::function<void(const RowRejection&)> on_reject;
  std::size_t max_kept_rejections = 1000;  // ImportResult keeps the first this many
  std::uint64_t max_rejected_rows = 0;     // abort past this many; 0 = no limit
  bool reject_fixed_line = true;
  std::vector<std::string> allowed_custom_keys;  // empty: any custom.<key>
};

struct ImportResult {
  std::error_code error;  // set: nothing was imported
  std::string detail;     // for BadHeader: which column and why (column names only)
  ImportStats stats;
  std::vector<RowRejection> rejections;  // the first max_kept_rejections
  bool ok() const { return !error; }
};

// One import. Not thread-safe; holds the store's write transaction from the first data row
// until finish() or destruction (which rolls back).
class ContactImporter {
 public:
  ContactImporter(store::ContactStore& store, ImportOptions options);
  ~ContactImporter();
  ContactImporter(const ContactImporter&) = delete;
  ContactImporter& operator=(const ContactImporter&) = delete;

  // Feeds the next chunk. Returns an error once the import has failed; then call finish().
  std::error_code feed(std::string_view bytes);
  // Ends the input, commits unless it failed, and reports.
  ImportResult finish();
  // Abandons the import (rolls back) with `reason`, e.g. ImportErrc::ReadFailed.
  ImportResult abort(std::error_code reason);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads `path` in 64 KiB chunks through a ContactImporter. A read error rolls back.
ImportResult importContactsFromFile(store::ContactStore& store, const std::string& path,
                                    ImportOptions options);

// ISO 8601 "2024-05-01", "2024-05-01T10:00:00Z", "2024-05-01 10:00+02:00" -> Unix seconds.
bool parseIsoTime(std::string_view text, std::int64_t* out);
// Unix seconds -> "2024-05-01T10:00:00Z".
std::string formatIsoTime(std::int64_t unix_seconds);

}  // namespace liaison::gateway::outreach
