// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CSV import and export against a real SQLite file.
#include "outreach/contact_import.h"

#include <gtest/gtest.h>

#include <fstream>

#include "outreach/contact_export.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::outreach {
namespace {

using liaison::testing::TempDir;
using store::ContactStatus;

class ImportTest : public ::testing::Test {
 protected:
  ImportOptions options() {
    ImportOptions o;
    o.tenant_id = "t1";
    o.now = 1700000000;
    return o;
  }
  ImportResult import(std::string_view csv, ImportOptions o, std::size_t chunk = 7) {
    ContactImporter importer(contacts_, std::move(o));
    for (std::size_t pos = 0; pos < csv.size(); pos += chunk) {
      if (importer.feed(csv.substr(pos, chunk))) break;
    }
    return importer.finish();
  }
  std::int64_t total() {
    store::SegmentCount n;
    EXPECT_FALSE(contacts_.count("t1", nullptr, &n));
    return n.total;
  }

  TempDir dir_;
  std::unique_ptr<store::SqliteStore> db_ = store::SqliteStore::open(dir_.file("g.db"));
  store::SqliteContactStore contacts_{db_->database()};
};

TEST_F(ImportTest, ImportsValidRowsAndReportsEveryRejectWithoutThePhone) {
  const std::string csv =
      "Phone,Name,Language,Country,City,Groups,custom.skills,consent_given_at,"
      "consent_wording_version\n"
      "+49 151 12345678,Ayse,TR,de,Berlin,nurses; berlin,nurse;driver,2024-05-01,v3\n"
      "0151 2345 6789,Mehmet,tr,DE,Köln,,,,\n"     // national, read in DE
      "+4915112,Short,tr,DE,,,,,\n"                // too short
      "+49 151 12345678,Dup,tr,DE,,,,,\n"          // duplicate of line 2
      "+31 6 12345678,Eva,nl,XX,,,,,\n"            // bad country
      "+31 6 12345678,Eva,nl,NL,,,,2024-05-01,\n"  // consent without wording
      "+33 6 12 34 56 78,Luc,fr\n"                 // too few fields
      "+90 532 123 45 67,Ali,tr,TR,,,,,\n";
  std::vector<RowRejection> streamed;
  auto o = options();
  o.on_reject = [&](const RowRejection& r) { streamed.push_back(r); };
  const ImportResult r = import(csv, o);
  ASSERT_TRUE(r.ok()) << r.error.message() << " " << r.detail;
  EXPECT_EQ(r.stats.rows, 8u);
  EXPECT_EQ(r.stats.inserted, 3u);
  EXPECT_EQ(r.stats.rejected, 5u);
  ASSERT_EQ(r.rejections.size(), 5u);
  EXPECT_EQ(streamed.size(), 5u);
  EXPECT_EQ(r.rejections[0].line, 4u);
  EXPECT_EQ(r.rejections[0].reason, RejectReason::InvalidPhone);
  EXPECT_EQ(r.rejections[1].reason, RejectReason::DuplicateInFile);
  EXPECT_EQ(r.rejections[1].duplicate_of_line, 2u);
  EXPECT_EQ(r.rejections[2].reason, RejectReason::InvalidCountry);
  EXPECT_EQ(r.rejections[2].column, "country");
  EXPECT_EQ(r.rejections[3].reason, RejectReason::IncompleteConsent);
  EXPECT_EQ(r.rejections[4].reason, RejectReason::FieldCountMismatch);
  EXPECT_EQ(r.rejections[4].line, 8u);
  for (const RowRejection& rej : r.rejections) {
    const std::string text = describeRejection(rej);
    EXPECT_EQ(text.find("151"), std::string::npos) << text;
    EXPECT_EQ(text.find("Eva"), std::string::npos) << text;
  }
  store::Contact c;
  ASSERT_FALSE(contacts_.find("t1", "+4915112345678", &c));
  EXPECT_EQ(c.language, "tr");
  EXPECT_EQ(c.country, "DE");
  EXPECT_EQ(c.time_zone, "Europe/Berlin");
  EXPECT_EQ(c.groups, (std::vector<std::string>{"berlin", "nurses"}));
  ASSERT_EQ(c.consents.size(), 1u);
  EXPECT_EQ(c.consents[0].given_at, 1714521600);
  ASSERT_FALSE(contacts_.find("t1", "+4915123456789", &c));
  EXPECT_EQ(c.city, "Köln");
  ASSERT_FALSE(contacts_.find("t1", "+905321234567", &c));
  EXPECT_EQ(c.time_zone, "Europe/Istanbul");
}

TEST_F(ImportTest, DefaultCountryReadsNationalNumbersAndTimeZonesDerive) {
  auto o = options();
  o.default_country = "US";
  const ImportResult r = import(
      "phone,region,time_zone\n"
      "(201) 555-0123,CA,\n"  // US number, no country: zone from the number
      "+4915112345678,,Asia/Tokyo\n"
      "+4915112345679,,Mars/Olympus\n",
      o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.stats.inserted, 2u);
  ASSERT_EQ(r.rejections.size(), 1u);
  EXPECT_EQ(r.rejections[0].reason, RejectReason::UnknownTimeZone);
  store::Contact c;
  ASSERT_FALSE(contacts_.find("t1", "+12015550123", &c));
  EXPECT_EQ(c.time_zone, "America/New_York");
  ASSERT_FALSE(contacts_.find("t1", "+4915112345678", &c));
  EXPECT_EQ(c.time_zone, "Asia/Tokyo");
  EXPECT_TRUE(c.time_zone_overridden);
}

TEST_F(ImportTest, BadHeaderImportsNothing) {
  for (const char* csv : {"name,language\nx,tr\n", "phone,legal_status\n+4915112345678,x\n",
                          "phone,phone\n1,2\n", "phone,custom.\n1,2\n", ""}) {
    const ImportResult r = import(csv, options());
    EXPECT_EQ(r.error, ImportErrc::BadHeader) << csv;
    EXPECT_FALSE(r.detail.empty());
  }
  EXPECT_EQ(total(), 0);
}

TEST_F(ImportTest, CancellationAndFailuresLeaveTheStoreAsBefore) {
  ASSERT_TRUE(import("phone\n+4915112345678\n", options()).ok());
  std::string csv = "phone,name\n";
  for (int i = 0; i < 250; ++i) csv += "+49151200" + std::to_string(10000 + i) + ",x\n";
  auto o = options();
  o.progress_every = 100;
  std::vector<std::uint64_t> seen;
  o.on_progress = [&](const ImportStats& s) {
    seen.push_back(s.rows);
    return s.rows < 200;
  };
  const ImportResult r = import(csv, o, 4096);
  EXPECT_EQ(r.error, ImportErrc::Cancelled);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{100, 200}));
  EXPECT_EQ(total(), 1);

  ContactImporter importer(contacts_, options());
  ASSERT_FALSE(importer.feed(csv.substr(0, 2000)));
  EXPECT_EQ(importer.abort(ImportErrc::ReadFailed).error, ImportErrc::ReadFailed);
  EXPECT_EQ(total(), 1);

  auto strict = options();
  strict.max_rejected_rows = 2;
  EXPECT_EQ(import("phone\nx\ny\nz\n+4915112345679\n", strict).error,
            ImportErrc::TooManyRejections);
  EXPECT_EQ(total(), 1);
  EXPECT_EQ(importContactsFromFile(contacts_, dir_.file("missing.csv"), options()).error,
            ImportErrc::ReadFailed);
}

TEST_F(ImportTest, ReimportNeverReactivatesAnOptOut) {
  ASSERT_TRUE(import("phone,status\n+4915112345678,active\n", options()).ok());
  ASSERT_FALSE(contacts_.setStatus("t1", "+4915112345678", ContactStatus::OptedOut, 5));
  const ImportResult r = import("phone,status\n+4915112345678,active\n", options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.stats.updated, 1u);
  store::Contact c;
  ASSERT_FALSE(contacts_.find("t1", "+4915112345678", &c));
  EXPECT_EQ(c.status, ContactStatus::OptedOut);
}

TEST_F(ImportTest, ExportRoundTripsThroughImport) {
  const std::string csv =
      "phone,name,language,country,region,city,groups,custom.skills,custom.generation,"
      "consent_given_at,consent_channel,consent_wording_version,consent_language\n"
      "+4915112345678,\"Doe, Jane\",tr,DE,Bayern,München,a;b,nurse;=cmd,2,"
      "2024-05-01T10:00:00Z,web_form,v3,tr\n"
      "+31612345678,-Eva,nl,NL,,,,,,,,,\n"
      "+12015550123,Bob,en,CA,BC,,x,,,,,,\n";
  ASSERT_TRUE(import(csv, options()).ok());
  ExportOptions eo;
  eo.tenant_id = "t1";
  std::string first;
  ASSERT_TRUE(exportContacts(contacts_, eo, [&](std::string_view s) {
                first.append(s);
                return true;
              }).ok());
  EXPECT_NE(first.find("'-Eva"), std::string::npos);              // formula guard
  EXPECT_NE(first.find("America/Vancouver"), std::string::npos);  // region override

  // Into a second store, then out again: identical files.
  auto db2 = store::SqliteStore::open(dir_.file("g2.db"));
  store::SqliteContactStore other(db2->database());
  ContactImporter importer(other, options());
  ASSERT_FALSE(importer.feed(first));
  const ImportResult r = importer.finish();
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.stats.inserted, 3u);
  EXPECT_EQ(r.stats.rejected, 0u);
  std::string second;
  ASSERT_TRUE(exportContacts(other, eo, [&](std::string_view s) {
                second.append(s);
                return true;
              }).ok());
  EXPECT_EQ(first, second);

  // To a file, then imported from it.
  ASSERT_TRUE(exportContactsToFile(contacts_, eo, dir_.file("out.csv")).ok());
  auto db3 = store::SqliteStore::open(dir_.file("g3.db"));
  store::SqliteContactStore third(db3->database());
  const ImportResult again = importContactsFromFile(third, dir_.file("out.csv"), options());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.stats.inserted, 3u);
}

TEST_F(ImportTest, ExportOfASegment) {
  ASSERT_TRUE(import("phone,language\n+4915112345678,tr\n+31612345678,nl\n", options()).ok());
  liaison::v1::Filter f;
  f.mutable_condition()->set_field("language");
  f.mutable_condition()->set_op(liaison::v1::FieldCondition::OPERATOR_EQUALS);
  f.mutable_condition()->add_values("nl");
  ExportOptions eo;
  eo.tenant_id = "t1";
  eo.filter = &f;
  std::string out;
  const ExportResult r = exportContacts(contacts_, eo, [&](std::string_view s) {
    out.append(s);
    return true;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.rows, 1u);
  EXPECT_NE(out.find("+31612345678"), std::string::npos);
  EXPECT_EQ(out.find("+4915112345678"), std::string::npos);
}

TEST(IsoTime, ParsesAndFormats) {
  std::int64_t t = 0;
  ASSERT_TRUE(parseIsoTime("2024-05-01", &t));
  EXPECT_EQ(t, 1714521600);
  ASSERT_TRUE(parseIsoTime("2024-05-01T12:30:00+02:00", &t));
  EXPECT_EQ(t, 1714521600 + 10 * 3600 + 1800);
  EXPECT_EQ(formatIsoTime(t), "2024-05-01T10:30:00Z");
  for (const char* bad : {"2024-02-30", "2023-02-29", "24-05-01", "2024-05-01T25:00",
                          "2024-05-01Tx", "2024-05-01T10:00Zjunk", "1969-12-31"}) {
    EXPECT_FALSE(parseIsoTime(bad, &t)) << bad;
  }
}

}  // namespace
}  // namespace liaison::gateway::outreach
