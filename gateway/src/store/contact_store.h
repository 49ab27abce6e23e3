// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Contacts as the store keeps them, and the backend-neutral interface to them. SQLite
// implements it today (sqlite_contact_store.h); a PostgreSQL backend implements the same
// interface later. Segment filters reach the store already compiled to a parameterised WHERE
// fragment in the backend's dialect (outreach/segment_filter.h), so the store knows nothing
// about the filter language and no value is ever spliced into SQL.
//
// Errors are std::error_code (StoreErrc); they never carry phone numbers, names or values.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "store/database.h"

namespace liaison::gateway::store {

// Numbers match liaison.v1.ContactStatus and are stored as such.
enum class ContactStatus : int { Active = 1, OptedOut = 2, Invalid = 3 };
// Numbers match liaison.v1.ConsentChannel.
enum class ConsentChannel : int {
  SmsKeyword = 1,
  FieldRegistration = 2,
  ConsulateDesk = 3,
  WebForm = 4,
  Import = 5,
};

struct Consent {
  std::int64_t given_at = 0;  // Unix seconds
  ConsentChannel channel = ConsentChannel::Import;
  std::string wording_version;
  std::string language;     // BCP 47 of the wording shown; may be empty
  std::string recorded_by;  // staff or device id; may be empty
  std::optional<std::int64_t> withdrawn_at;
  bool operator==(const Consent&) const = default;
};

// One value of a custom field. Multi-valued fields (skills) repeat the key.
struct FieldValue {
  std::string key;    // lower-case [a-z0-9_]
  std::string value;  // text; also stored as a number when it parses as one
  bool operator==(const FieldValue&) const = default;
};

// Everything the outreach engine keeps about a person, and nothing more: no legal status.
struct Contact {
  std::int64_t id = 0;  // assigned by the store
  std::string tenant_id;
  std::string phone_e164;
  std::string display_name;
  std::string language;  // BCP 47, canonical case ("tr", "pt-BR")
  std::string country;   // ISO 3166-1 alpha-2 of residence
  std::string region;    // coarse location: region or city, never coordinates
  std::string city;
  std::string time_zone;  // IANA
  bool time_zone_overridden = false;
  ContactStatus status = ContactStatus::Active;
  std::vector<std::string> groups;  // sorted, unique
  std::vector<FieldValue> fields;   // sorted by key, then value
  std::vector<Consent> consents;    // by given_at
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// What an upsert changes on a contact that already exists (an insert writes everything).
// The CSV import sets a flag for each column present in the file, so a file with only phone and
// groups leaves names, languages and consents alone.
struct ContactUpdate {
  enum class TimeZone {
    Keep,       // leave the stored zone
    IfDerived,  // replace it unless it was set by hand (time_zone_overridden)
    Set,        // replace zone and overridden flag
  };
  bool display_name = true;
  bool language = true;
  bool country = true;
  bool region = true;
  bool city = true;
  TimeZone time_zone = TimeZone::IfDerived;
  // Status is written, except that an opted-out contact stays opted out (promise 3): only a
  // START from the person (setStatus) re-activates.
  bool status = false;
  bool groups = true;                   // replace the set of groups
  bool all_fields = false;              // replace every custom field
  std::vector<std::string> field_keys;  // else: replace the values of these keys only
  bool consents = true;                 // add the contact's consent records (never deletes)
};

enum class UpsertOutcome { Inserted, Updated, DuplicateInBatch };

struct SegmentCount {
  std::int64_t total = 0;      // contacts matching the filter
  std::int64_t reachable = 0;  // of those, status active (not opted out, not invalid)
};

// Placeholder spelling of a backend: SQLite "?N", PostgreSQL "$N".
enum class SqlDialect { Sqlite, Postgres };

// A WHERE fragment over `contacts c`, with numbered placeholders starting at
// ContactStore::kFirstFilterParam, and the values to bind to them in order.
struct SqlWhere {
  std::string sql;
  std::vector<SqlValue> params;
};

// Writes inside one transaction: nothing is visible to others until commit(), and destroying
// the batch without commit() rolls everything back. Not thread-safe.
class ContactWriteBatch {
 public:
  virtual ~ContactWriteBatch() = default;
  // Inserts or updates `contact` (tenant taken from the batch). `source_line` identifies the
  // input row: a second row for the same number in one batch is not written and reports
  // DuplicateInBatch with the first row's line in *first_line.
  virtual std::error_code upsert(const Contact& contact, const ContactUpdate& update,
                                 std::uint64_t source_line, UpsertOutcome* outcome,
                                 std::uint64_t* first_line) = 0;
  virtual std::error_code commit() = 0;
};

class ContactStore {
 public:
  // The tenant is always parameter 1; filter fragments number theirs from here.
  static constexpr int kFirstFilterParam = 2;

  virtual ~ContactStore() = default;
  virtual SqlDialect dialect() const = 0;

  // Starts a write transaction for `tenant`. `now` (Unix seconds) stamps created/updated_at.
  virtual std::error_code beginBatch(std::string_view tenant, std::int64_t now,
                                     std::unique_ptr<ContactWriteBatch>* out) = 0;
  // One upsert in its own transaction.
  virtual std::error_code upsert(const Contact& contact, const ContactUpdate& update,
                                 std::int64_t now, UpsertOutcome* outcome) = 0;
  // StoreErrc::NotFound when there is no such contact.
  virtual std::error_code find(std::string_view tenant, std::string_view phone_e164,
                               Contact* out) = 0;
  // Like find() but fills only the contact's own columns (no groups, fields or consents): one
  // indexed lookup, for hot paths such as routing an inbound SMS.
  virtual std::error_code findBasic(std::string_view tenant, std::string_view phone_e164,
                                    Contact* out) = 0;
  // findBasic by the contact's id, within `tenant` (another tenant's id is NotFound).
  virtual std::error_code findBasicById(std::string_view tenant, std::int64_t id,
                                        Contact* out) = 0;
  // STOP (OptedOut: also marks open consents withdrawn at `now`), START (Active), or Invalid.
  virtual std::error_code setStatus(std::string_view tenant, std::string_view phone_e164,
                                    ContactStatus status, std::int64_t now) = 0;
  // Counts contacts of `tenant` matching `where` (null: all contacts).
  virtual std::error_code count(std::string_view tenant, const SqlWhere* where,
                                SegmentCount* out) = 0;
  // Calls `fn` for each matching contact in id order, fully loaded, one at a time (memory stays
  // flat); `fn` returns false to stop early. Do not write through this store from `fn`.
  virtual std::error_code forEach(std::string_view tenant, const SqlWhere* where,
                                  const std::function<bool(const Contact&)>& fn) = 0;
  // The custom field keys in use by `tenant`, sorted.
  virtual std::error_code customFieldKeys(std::string_view tenant,
                                          std::vector<std::string>* out) = 0;
};

}  // namespace liaison::gateway::store
