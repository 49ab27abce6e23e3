// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The CSV import: header mapping, row validation, and one store batch per import.
#include "outreach/contact_import.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>

#include "outreach/normalize.h"
#include "outreach/time_zones.h"
#include "sms/phone_number.h"

namespace liaison::gateway::outreach {

namespace {

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxPlace = 128;
constexpr std::size_t kMaxGroupName = 64;
constexpr std::size_t kMaxValue = 256;
constexpr std::size_t kMaxValues = 32;
constexpr std::size_t kMaxShortText = 64;

class ImportCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "liaison.import"; }
  std::string message(int ev) const override {
    switch (static_cast<ImportErrc>(ev)) {
      case ImportErrc::BadHeader: return "the header row is not usable";
      case ImportErrc::Cancelled: return "import cancelled";
      case ImportErrc::ReadFailed: return "the input could not be read";
      case ImportErrc::TooManyRejections: return "too many rejected rows";
    }
    return "import failed";
  }
};

enum class Col {
  Phone,
  Name,
  Language,
  Country,
  Region,
  City,
  TimeZone,
  TimeZoneOverridden,
  Status,
  Groups,
  ConsentGivenAt,
  ConsentChannel,
  ConsentWording,
  ConsentLanguage,
  ConsentRecordedBy,
  ConsentWithdrawnAt,
  Custom,
};

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<Col> columnFor(const std::string& name) {
  static const std::pair<const char*, Col> kNames[] = {
      {"phone", Col::Phone},
      {"phone_e164", Col::Phone},
      {"name", Col::Name},
      {"display_name", Col::Name},
      {"language", Col::Language},
      {"country", Col::Country},
      {"location.country", Col::Country},
      {"region", Col::Region},
      {"location.region", Col::Region},
      {"city", Col::City},
      {"location.city", Col::City},
      {"time_zone", Col::TimeZone},
      {"time_zone_overridden", Col::TimeZoneOverridden},
      {"status", Col::Status},
      {"groups", Col::Groups},
      {"consent_given_at", Col::ConsentGivenAt},
      {"consent_channel", Col::ConsentChannel},
      {"consent_wording_version", Col::ConsentWording},
      {"consent_language", Col::ConsentLanguage},
      {"consent_recorded_by", Col::ConsentRecordedBy},
      {"consent_withdrawn_at", Col::ConsentWithdrawnAt},
  };
  for (const auto& [n, c] : kNames) {
    if (name == n) return c;
  }
  if (name.rfind("custom.", 0) == 0) return Col::Custom;
  return std::nullopt;
}

struct Column {
  Col kind;
  std::string header;      // as written (trimmed), for reports
  std::string custom_key;  // canonical, for Col::Custom
};

std::optional<bool> parseBool(std::string_view v) {
  const std::string l = lowerAscii(v);
  if (l == "1" || l == "true" || l == "yes" || l == "y") return true;
  if (l == "0" || l == "false" || l == "no" || l == "n") return false;
  return std::nullopt;
}

std::optional<store::ContactStatus> parseStatus(std::string_view v) {
  const std::string l = lowerAscii(v);
  if (l == "active") return store::ContactStatus::Active;
  if (l == "opted_out" || l == "opted-out" || l == "optedout")
    return store::ContactStatus::OptedOut;
  if (l == "invalid") return store::ContactStatus::Invalid;
  return std::nullopt;
}

std::optional<store::ConsentChannel> parseChannel(std::string_view v) {
  std::string l = lowerAscii(v);
  if (l.rfind("consent_channel_", 0) == 0) l.erase(0, 16);
  if (l == "sms_keyword") return store::ConsentChannel::SmsKeyword;
  if (l == "field_registration") return store::ConsentChannel::FieldRegistration;
  if (l == "consulate_desk") return store::ConsentChannel::ConsulateDesk;
  if (l == "web_form") return store::ConsentChannel::WebForm;
  if (l == "import") return store::ConsentChannel::Import;
  return std::nullopt;
}

// Splits a ';' list, trimming and dropping empties; false when a value is bad.
std::optional<RejectReason> splitList(std::string_view cell, std::size_t max_len,
                                      std::vector<std::string>* out) {
  out->clear();
  std::size_t start = 0;
  while (start <= cell.size()) {
    std::size_t end = cell.find(';', start);
    if (end == std::string_view::npos) end = cell.size();
    const std::string_view v = trim(cell.substr(start, end - start));
    if (!v.empty()) {
      if (v.size() > max_len) return RejectReason::ValueTooLong;
      if (!isCleanUtf8(v)) return RejectReason::InvalidText;
      out->emplace_back(v);
    }
    start = end + 1;
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  if (out->size() > kMaxValues) return RejectReason::TooManyValues;
  return std::nullopt;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool parseIsoTime(std::string_view s, std::int64_t* out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, &mo) ||
      s[7] != '-' || !digits(s, 8, 2, &d)) {
    return false;
  }
  if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap)) return false;
  std::size_t p = 10;
  std::int64_t offset = 0;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return false;
    if (!digits(s, p + 1, 2, &h) || p + 3 >= s.size() || s[p + 3] != ':' ||
        !digits(s, p + 4, 2, &mi)) {
      return false;
    }
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, &sec)) return false;
      p += 3;
    }
    if (h > 23 || mi > 59 || sec > 60) return false;
    if (p < s.size()) {
      if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) {
        p += 1;
      } else if (s[p] == '+' || s[p] == '-') {
        int oh = 0, om = 0;
        if (!digits(s, p + 1, 2, &oh) || p + 6 != s.size() || s[p + 3] != ':' ||
            !digits(s, p + 4, 2, &om) || oh > 14 || om > 59) {
          return false;
        }
        offset = (s[p] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        p = s.size();
      } else {
        return false;
      }
    }
  }
  *out = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + sec - offset;
  return true;
}

std::string formatIsoTime(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

const std::error_category& importCategory() {
  static const ImportCategory category;
  return category;
}

std::error_code make_error_code(ImportErrc e) { return {static_cast<int>(e), importCategory()}; }

const char* rejectReasonText(RejectReason reason) {
  switch (reason) {
    case RejectReason::MalformedRow: return "malformed CSV row";
    case RejectReason::FieldCountMismatch:
      return "row has a different number of fields than the header";
    case RejectReason::MissingPhone: return "phone number is missing";
    case RejectReason::InvalidPhone: return "invalid phone number";
    case RejectReason::FixedLineNumber: return "fixed-line number cannot receive SMS";
    case RejectReason::InvalidCountry: return "not an ISO 3166 alpha-2 country code";
    case RejectReason::InvalidLanguage: return "not a BCP 47 language tag";
    case RejectReason::UnknownTimeZone: return "unknown IANA time zone";
    case RejectReason::InvalidText: return "text is not valid UTF-8 or has control characters";
    case RejectReason::ValueTooLong: return "value is too long";
    case RejectReason::TooManyValues: return "too many values";
    case RejectReason::InvalidStatus: return "status must be active, opted_out or invalid";
    case RejectReason::InvalidBoolean: return "expected true or false";
    case RejectReason::InvalidTime: return "expected an ISO 8601 date or date-time";
    case RejectReason::InvalidConsentChannel: return "unknown consent channel";
    case RejectReason::IncompleteConsent:
      return "consent needs consent_given_at and consent_wording_version";
    case RejectReason::DuplicateInFile: return "same phone number as an earlier row";
  }
  return "rejected";
}

std::string describeRejection(const RowRejection& r) {
  std::string s = "line " + std::to_string(r.line);
  if (!r.column.empty()) s += ", column " + r.column;
  s += ": ";
  s += rejectReasonText(r.reason);
  if (r.detail != nullptr && *r.detail != '\0') s += std::string(" (") + r.detail + ")";
  if (r.reason == RejectReason::DuplicateInFile && r.duplicate_of_line != 0) {
    s += " (line " + std::to_string(r.duplicate_of_line) + ")";
  }
  return s;
}

struct ContactImporter::Impl {
  store::ContactStore& store;
  ImportOptions options;
  CsvParser parser;
  std::vector<Column> columns;
  bool have_header = false;
  bool finished = false;
  std::error_code error;
  std::string detail;
  ImportStats stats;
  std::vector<RowRejection> rejections;
  std::unique_ptr<store::ContactWriteBatch> batch;
  store::ContactUpdate base_update;
  bool has_tz_column = false, has_tz_flag_column = false, has_country_column = false;
  std::uint64_t next_progress = 0;
  // Reused per row.
  store::Contact contact;
  std::vector<std::string> list;

  Impl(store::ContactStore& s, ImportOptions o)
      : store(s), options(std::move(o)), parser(options.csv) {
    if (options.now == 0) options.now = static_cast<std::int64_t>(std::time(nullptr));
    next_progress = options.progress_every;
  }

  void fail(std::error_code ec, std::string why = {}) {
    if (!error) {
      error = ec;
      detail = std::move(why);
    }
    batch.reset();  // rolls back
  }

  void reject(std::uint64_t line, RejectReason reason, std::string column = {},
              const char* why = "", std::uint64_t dup = 0) {
    ++stats.rejected;
    RowRejection r{line, reason, std::move(column), why, dup};
    if (options.on_reject) options.on_reject(r);
    if (rejections.size() < options.max_kept_rejections) rejections.push_back(std::move(r));
    if (options.max_rejected_rows != 0 && stats.rejected > options.max_rejected_rows) {
      fail(ImportErrc::TooManyRejections);
    }
  }

  void header(const CsvRecord& rec) {
    have_header = true;
    if (rec.error != CsvError::None) {
      return fail(ImportErrc::BadHeader, std::string("header row: ") + csvErrorReason(rec.error));
    }
    bool has_phone = false;
    base_update = store::ContactUpdate{};
    base_update.display_name = base_update.language = base_update.country = false;
    base_update.region = base_update.city = base_update.groups = false;
    base_update.consents = true;
    for (const std::string& raw : rec.fields) {
      const std::string name = lowerAscii(trim(raw));
      const std::string shown = name.size() <= 80 ? name : name.substr(0, 80) + "...";
      auto kind = columnFor(name);
      if (!kind) return fail(ImportErrc::BadHeader, "unknown column '" + shown + "'");
      Column col{*kind, shown, {}};
      if (*kind == Col::Custom) {
        auto key = canonicalCustomKey(std::string_view(name).substr(7));
        if (!key) return fail(ImportErrc::BadHeader, "bad custom field name '" + shown + "'");
        const auto& allowed = options.allowed_custom_keys;
        if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), *key) == allowed.end()) {
          return fail(ImportErrc::BadHeader, "custom field not allowed '" + shown + "'");
        }
        col.custom_key = *key;
        base_update.field_keys.push_back(*key);
      }
      for (const Column& c : columns) {
        if (c.kind == col.kind && c.custom_key == col.custom_key) {
          return fail(ImportErrc::BadHeader, "repeated column '" + shown + "'");
        }
      }
      switch (*kind) {
        case Col::Phone: has_phone = true; break;
        case Col::Name: base_update.display_name = true; break;
        case Col::Language: base_update.language = true; break;
        case Col::Country:
          base_update.country = true;
          has_country_column = true;
          break;
        case Col::Region: base_update.region = true; break;
        case Col::City: base_update.city = true; break;
        case Col::Groups: base_update.groups = true; break;
        case Col::TimeZone: has_tz_column = true; break;
        case Col::TimeZoneOverridden: has_tz_flag_column = true; break;
        default: break;
      }
      columns.push_back(std::move(col));
    }
    if (!has_phone) return fail(ImportErrc::BadHeader, "no phone column");
    std::unique_ptr<store::ContactWriteBatch> b;
    if (auto ec = store.beginBatch(options.tenant_id, options.now, &b)) return fail(ec);
    batch = std::move(b);
  }

  void row(const CsvRecord& rec) {
    if (rec.error == CsvError::None) {
      bool blank = true;
      for (const std::string& f : rec.fields) blank = blank && trim(f).empty();
      if (blank) return;
    }
    ++stats.rows;
    if (rec.error != CsvError::None) {
      return reject(rec.line, RejectReason::MalformedRow, {}, csvErrorReason(rec.error));
    }
    if (rec.fields.size() != columns.size()) {
      return reject(rec.line, RejectReason::FieldCountMismatch);
    }
    store::Contact& c = contact;
    c = store::Contact{};
    c.tenant_id = options.tenant_id;
    store::ContactUpdate update = base_update;
    std::string_view phone_cell, explicit_tz;
    std::optional<bool> tz_flag;
    const Column* phone_col = nullptr;
    store::Consent consent;
    bool has_consent = false, has_given = false;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const Column& col = columns[i];
      const std::string_view v = unguardCsvField(trim(rec.fields[i]));
      if (col.kind != Col::Phone && !isCleanUtf8(v)) {
        return reject(rec.line, RejectReason::InvalidText, col.header);
      }
      switch (col.kind) {
        case Col::Phone:
          phone_cell = v;
          phone_col = &col;
          break;
        case Col::Name:
          if (v.size() > kMaxName) return reject(rec.line, RejectReason::ValueTooLong, col.header);
          c.display_name = v;
          break;
        case Col::Language:
          if (!v.empty()) {
            auto l = canonicalLanguage(v);
            if (!l) return reject(rec.line, RejectReason::InvalidLanguage, col.header);
            c.language = *l;
          }
          break;
        case Col::Country:
          if (!v.empty()) {
            auto k = canonicalCountry(v);
            if (!k) return reject(rec.line, RejectReason::InvalidCountry, col.header);
            c.country = *k;
          }
          break;
        case Col::Region:
        case Col::City:
          if (v.size() > kMaxPlace) return reject(rec.line, RejectReason::ValueTooLong, col.header);
          (col.kind == Col::Region ? c.region : c.city) = v;
          break;
        case Col::TimeZone:
          if (!v.empty() && !isKnownTimeZone(v)) {
            return reject(rec.line, RejectReason::UnknownTimeZone, col.header);
          }
          explicit_tz = v;
          break;
        case Col::TimeZoneOverridden:
          if (!v.empty()) {
            tz_flag = parseBool(v);
            if (!tz_flag) return reject(rec.line, RejectReason::InvalidBoolean, col.header);
          }
          break;
        case Col::Status:
          if (!v.empty()) {
            auto s = parseStatus(v);
            if (!s) return reject(rec.line, RejectReason::InvalidStatus, col.header);
            c.status = *s;
            update.status = true;
          }
          break;
        case Col::Groups:
          if (auto why = splitList(v, kMaxGroupName, &list)) {
            return reject(rec.line, *why, col.header);
          }
          c.groups = list;
          break;
        case Col::Custom:
          if (auto why = splitList(v, kMaxValue, &list)) return reject(rec.line, *why, col.header);
          for (std::string& value : list) {
            c.fields.push_back(store::FieldValue{col.custom_key, std::move(value)});
          }
          break;
        case Col::ConsentGivenAt:
        case Col::ConsentWithdrawnAt:
          if (!v.empty()) {
            std::int64_t t = 0;
            if (!parseIsoTime(v, &t))
              return reject(rec.line, RejectReason::InvalidTime, col.header);
            has_consent = true;
            if (col.kind == Col::ConsentGivenAt) {
              consent.given_at = t;
              has_given = true;
            } else {
              consent.withdrawn_at = t;
            }
          }
          break;
        case Col::ConsentChannel:
          if (!v.empty()) {
            auto ch = parseChannel(v);
            if (!ch) return reject(rec.line, RejectReason::InvalidConsentChannel, col.header);
            consent.channel = *ch;
            has_consent = true;
          }
          break;
        case Col::ConsentWording:
        case Col::ConsentLanguage:
        case Col::ConsentRecordedBy:
          if (v.size() > kMaxShortText)
            return reject(rec.line, RejectReason::ValueTooLong, col.header);
          if (!v.empty()) {
            has_consent = true;
            if (col.kind == Col::ConsentWording) {
              consent.wording_version = v;
            } else if (col.kind == Col::ConsentRecordedBy) {
              consent.recorded_by = v;
            } else {
              auto l = canonicalLanguage(v);
              if (!l) return reject(rec.line, RejectReason::InvalidLanguage, col.header);
              consent.language = *l;
            }
          }
          break;
      }
    }
    std::sort(c.fields.begin(), c.fields.end(), [](const auto& a, const auto& b) {
      return a.key != b.key ? a.key < b.key : a.value < b.value;
    });
    if (has_consent) {
      if (!has_given || consent.wording_version.empty()) {
        return reject(rec.line, RejectReason::IncompleteConsent);
      }
      c.consents.push_back(std::move(consent));
    }

    // The number: national numbers read in the row's country, else the import's default.
    if (phone_cell.empty()) return reject(rec.line, RejectReason::MissingPhone, phone_col->header);
    const std::string_view region = !c.country.empty() ? std::string_view(c.country)
                                                       : std::string_view(options.default_country);
    const sms::ParsedPhone phone = sms::parsePhoneNumber(phone_cell, region);
    if (!phone.ok()) {
      return reject(rec.line, RejectReason::InvalidPhone, phone_col->header,
                    sms::phoneErrorReason(phone.error));
    }
    if (options.reject_fixed_line && phone.kind == sms::NumberKind::FixedLine) {
      return reject(rec.line, RejectReason::FixedLineNumber, phone_col->header);
    }
    c.phone_e164 = phone.e164;

    // Time zone: an explicit zone is an override; otherwise derive from where they live,
    // else from the number. A derived zone only replaces a stored one when the file says
    // where the person lives (a country column), and never replaces a hand-set one.
    const bool use_explicit = !explicit_tz.empty() && tz_flag.value_or(true);
    if (use_explicit) {
      c.time_zone = explicit_tz;
      c.time_zone_overridden = true;
      update.time_zone = store::ContactUpdate::TimeZone::Set;
    } else {
      c.time_zone =
          !c.country.empty() ? defaultTimeZone(c.country, c.region) : defaultTimeZone(phone.region);
      c.time_zone_overridden = false;
      if (tz_flag.has_value() && !*tz_flag) {
        update.time_zone = store::ContactUpdate::TimeZone::Set;  // back to derived
      } else if (has_country_column && !c.country.empty()) {
        update.time_zone = store::ContactUpdate::TimeZone::IfDerived;
      } else {
        update.time_zone = store::ContactUpdate::TimeZone::Keep;
      }
    }

    store::UpsertOutcome outcome{};
    std::uint64_t first_line = 0;
    if (auto ec = batch->upsert(c, update, rec.line, &outcome, &first_line)) return fail(ec);
    switch (outcome) {
      case store::UpsertOutcome::Inserted: ++stats.inserted; break;
      case store::UpsertOutcome::Updated: ++stats.updated; break;
      case store::UpsertOutcome::DuplicateInBatch:
        reject(rec.line, RejectReason::DuplicateInFile, phone_col->header, "", first_line);
        break;
    }
  }

  void record(const CsvRecord& rec) {
    if (!have_header) {
      header(rec);
    } else {
      row(rec);
    }
    if (error) return;
    if (options.on_progress && options.progress_every != 0 && stats.rows >= next_progress) {
      next_progress += options.progress_every;
      stats.bytes = parser.bytesConsumed();
      if (!options.on_progress(stats)) fail(ImportErrc::Cancelled);
    }
  }

  void pump(std::string_view bytes, bool at_eof) {
    CsvRecord rec;
    while (!error) {
      const CsvStatus st = parser.next(&bytes, at_eof, &rec);
      if (st != CsvStatus::Record) break;
      record(rec);
    }
  }

  ImportResult result() {
    stats.bytes = parser.bytesConsumed();
    ImportResult r;
    r.error = error;
    r.detail = std::move(detail);
    r.stats = stats;
    r.rejections = std::move(rejections);
    if (error) {  // nothing was kept
      r.stats.inserted = r.stats.updated = 0;
    }
    return r;
  }
};

ContactImporter::ContactImporter(store::ContactStore& store, ImportOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

ContactImporter::~ContactImporter() = default;

std::error_code ContactImporter::feed(std::string_view bytes) {
  if (!impl_->finished && !impl_->error) impl_->pump(bytes, false);
  return impl_->error;
}

ImportResult ContactImporter::finish() {
  Impl& m = *impl_;
  if (!m.finished) {
    m.finished = true;
    if (!m.error) m.pump({}, true);
    if (!m.error && !m.have_header) m.fail(ImportErrc::BadHeader, "no header row");
    if (!m.error && m.options.on_progress) {
      m.stats.bytes = m.parser.bytesConsumed();
      if (!m.options.on_progress(m.stats)) m.fail(ImportErrc::Cancelled);
    }
    if (!m.error) {
      if (auto ec = m.batch->commit()) m.fail(ec);
      m.batch.reset();
    }
  }
  return m.result();
}

ImportResult ContactImporter::abort(std::error_code reason) {
  impl_->finished = true;
  impl_->fail(reason);
  return impl_->result();
}

ImportResult importContactsFromFile(store::ContactStore& store, const std::string& path,
                                    ImportOptions options) {
  ContactImporter importer(store, std::move(options));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return importer.abort(ImportErrc::ReadFailed);
  std::string buf(64 * 1024, '\0');
  for (;;) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (n > 0 && importer.feed(std::string_view(buf.data(), n))) break;
    if (n < buf.size()) {
      if (std::ferror(f)) {
        std::fclose(f);
        return importer.abort(ImportErrc::ReadFailed);
      }
      break;
    }
  }
  std::fclose(f);
  return importer.finish();
}

}  // namespace liaison::gateway::outreach
