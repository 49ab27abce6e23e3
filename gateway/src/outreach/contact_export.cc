// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CSV export over ContactStore::forEach.
#include "outreach/contact_export.h"

#include <unistd.h>

#include <cstdio>
#include <vector>

#include "outreach/contact_import.h"
#include "outreach/csv.h"
#include "outreach/segment_filter.h"

namespace liaison::gateway::outreach {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

class ExportCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "liaison.export"; }
  std::string message(int ev) const override {
    switch (static_cast<ExportErrc>(ev)) {
      case ExportErrc::WriteFailed: return "the export could not be written";
      case ExportErrc::Cancelled: return "export cancelled";
    }
    return "export failed";
  }
};

const char* statusName(store::ContactStatus s) {
  switch (s) {
    case store::ContactStatus::Active: return "active";
    case store::ContactStatus::OptedOut: return "opted_out";
    case store::ContactStatus::Invalid: return "invalid";
  }
  return "";
}

const char* channelName(store::ConsentChannel c) {
  switch (c) {
    case store::ConsentChannel::SmsKeyword: return "sms_keyword";
    case store::ConsentChannel::FieldRegistration: return "field_registration";
    case store::ConsentChannel::ConsulateDesk: return "consulate_desk";
    case store::ConsentChannel::WebForm: return "web_form";
    case store::ConsentChannel::Import: return "import";
  }
  return "";
}

}  // namespace

const std::error_category& exportCategory() {
  static const ExportCategory category;
  return category;
}

std::error_code make_error_code(ExportErrc e) { return {static_cast<int>(e), exportCategory()}; }

ExportResult exportContacts(store::ContactStore& store, const ExportOptions& options,
                            const std::function<bool(std::string_view chunk)>& sink) {
  ExportResult result;
  store::SqlWhere where;
  if (options.filter != nullptr) {
    if ((result.error = compileFilter(*options.filter, store.dialect(), &where, &result.detail))) {
      return result;
    }
  }
  std::vector<std::string> keys;
  if ((result.error = store.customFieldKeys(options.tenant_id, &keys))) return result;

  std::string buf;
  buf.reserve(kChunk + 4096);
  CsvLineWriter w(options.delimiter, &buf);
  for (const char* h : {"phone", "name", "language", "country", "region", "city", "time_zone",
                        "time_zone_overridden", "status", "groups", "consent_given_at",
                        "consent_channel", "consent_wording_version", "consent_language",
                        "consent_recorded_by", "consent_withdrawn_at"}) {
    w.raw(h);
  }
  for (const std::string& k : keys) w.raw("custom." + k);
  w.end();

  std::string joined;
  std::uint64_t next_progress = options.progress_every;
  std::error_code stop;
  auto ec = store.forEach(
      options.tenant_id, options.filter ? &where : nullptr, [&](const store::Contact& c) {
        w.raw(c.phone_e164);
        w.text(c.display_name);
        w.raw(c.language);
        w.raw(c.country);
        w.text(c.region);
        w.text(c.city);
        w.raw(c.time_zone);
        w.raw(c.time_zone_overridden ? "true" : "false");
        w.raw(statusName(c.status));
        joined.clear();
        for (const std::string& g : c.groups) {
          if (!joined.empty()) joined += ';';
          joined += g;
        }
        w.text(joined);
        // The most recent consent; older ones stay in the store as evidence.
        const store::Consent* k = c.consents.empty() ? nullptr : &c.consents.back();
        w.raw(k ? formatIsoTime(k->given_at) : "");
        w.raw(k ? channelName(k->channel) : "");
        w.text(k ? std::string_view(k->wording_version) : "");
        w.raw(k ? std::string_view(k->language) : "");
        w.text(k ? std::string_view(k->recorded_by) : "");
        w.raw(k && k->withdrawn_at ? formatIsoTime(*k->withdrawn_at) : "");
        std::size_t f = 0;
        for (const std::string& key : keys) {
          joined.clear();
          while (f < c.fields.size() && c.fields[f].key < key) ++f;
          for (; f < c.fields.size() && c.fields[f].key == key; ++f) {
            if (!joined.empty()) joined += ';';
            joined += c.fields[f].value;
          }
          w.text(joined);
        }
        w.end();
        ++result.rows;
        if (buf.size() >= kChunk) {
          if (!sink(buf)) {
            stop = ExportErrc::WriteFailed;
            return false;
          }
          buf.clear();
        }
        if (options.on_progress && options.progress_every != 0 && result.rows >= next_progress) {
          next_progress += options.progress_every;
          if (!options.on_progress(result.rows)) {
            stop = ExportErrc::Cancelled;
            return false;
          }
        }
        return true;
      });
  if (ec) {
    result.error = ec;
  } else if (stop) {
    result.error = stop;
  } else if (!buf.empty() && !sink(buf)) {
    result.error = ExportErrc::WriteFailed;
  }
  return result;
}

ExportResult exportContactsToFile(store::ContactStore& store, const ExportOptions& options,
                                  const std::string& path) {
  const std::string tmp = path + ".partial";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    ExportResult r;
    r.error = ExportErrc::WriteFailed;
    return r;
  }
  ExportResult r = exportContacts(store, options, [f](std::string_view chunk) {
    return std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size();
  });
  const bool closed = std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  std::fclose(f);
  if (!r.error && !closed) r.error = ExportErrc::WriteFailed;
  if (!r.error && std::rename(tmp.c_str(), path.c_str()) != 0) r.error = ExportErrc::WriteFailed;
  if (r.error) std::remove(tmp.c_str());
  return r;
}

}  // namespace liaison::gateway::outreach
