// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Imports N generated contacts (default 1,000,000) from a CSV file into a fresh SQLite store,
// then times a segment count over them. Reports rows/s, peak RSS (getrusage ru_maxrss) and the
// count latency. Not a pass/fail test (bench/README.md).
//
//   liaison_bench_contact_import [--rows N] [--dir DIR]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "liaison/v1/segments.pb.h"
#include "outreach/contact_import.h"
#include "outreach/segment_filter.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_store.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace outreach = liaison::gateway::outreach;
namespace store = liaison::gateway::store;

long peakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// Deterministic rows: German mobile numbers, a mix of countries, languages, groups and skills.
void writeCsv(const std::string& path, long rows) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::perror("csv");
    std::exit(1);
  }
  static const char* kCountries[] = {"DE", "NL", "FR", "BE", "AT", "SE", "GB", "US", "CA", "TR"};
  static const char* kLanguages[] = {"tr", "de", "ku", "en", "fr", "nl", "ar", "tr"};
  static const char* kSkills[] = {"nurse", "driver", "engineer", "teacher", "cook", "doctor"};
  std::fputs(
      "phone,name,language,country,city,groups,custom.skills,custom.generation,"
      "consent_given_at,consent_wording_version\n",
      f);
  std::uint64_t x = 88172645463325252ull;
  for (long i = 0; i < rows; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::fprintf(f, "+49151%08ld,Person %ld,%s,%s,City %d,g%d;all,%s;%s,%d,2024-05-01,v3\n", i, i,
                 kLanguages[x % 8], kCountries[(x >> 8) % 10], static_cast<int>((x >> 16) % 500),
                 static_cast<int>((x >> 24) % 20), kSkills[(x >> 32) % 6], kSkills[(x >> 40) % 6],
                 static_cast<int>((x >> 48) % 3) + 1);
  }
  std::fclose(f);
}

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 1000000;
  std::string dir = std::filesystem::temp_directory_path() / "liaison-import-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string csv = dir + "/contacts.csv";
  writeCsv(csv, rows);
  std::printf("rows=%ld csv_bytes=%ju rss_before_kib=%ld\n", rows,
              static_cast<std::uintmax_t>(std::filesystem::file_size(csv)), peakRssKiB());

  auto db = store::SqliteStore::open(dir + "/bench.db");
  store::SqliteContactStore contacts(db->database());
  outreach::ImportOptions options;
  options.tenant_id = "bench";
  options.progress_every = 100000;
  const auto start = Clock::now();
  options.on_progress = [&](const outreach::ImportStats& s) {
    std::fprintf(stderr, "  %ju rows, %.1f s, rss %ld KiB\n", static_cast<std::uintmax_t>(s.rows),
                 seconds(start), peakRssKiB());
    return true;
  };
  const outreach::ImportResult r = outreach::importContactsFromFile(contacts, csv, options);
  const double t = seconds(start);
  if (!r.ok()) {
    std::fprintf(stderr, "import failed: %s %s\n", r.error.message().c_str(), r.detail.c_str());
    return 1;
  }
  std::printf("import: inserted=%ju rejected=%ju seconds=%.2f rows_per_s=%.0f peak_rss_kib=%ld\n",
              static_cast<std::uintmax_t>(r.stats.inserted),
              static_cast<std::uintmax_t>(r.stats.rejected), t, static_cast<double>(rows) / t,
              peakRssKiB());

  using Op = liaison::v1::FieldCondition;
  auto cond = [](liaison::v1::Filter* f, const char* field, Op::Operator op,
                 std::initializer_list<const char*> values) {
    auto* c = f->mutable_condition();
    c->set_field(field);
    c->set_op(op);
    for (const char* v : values) c->add_values(v);
  };
  liaison::v1::Filter de_nl_tr;
  cond(de_nl_tr.mutable_all()->add_filters(), "location.country", Op::OPERATOR_IN, {"DE", "NL"});
  cond(de_nl_tr.mutable_all()->add_filters(), "language", Op::OPERATOR_EQUALS, {"tr"});
  liaison::v1::Filter nurses;
  cond(&nurses, "custom.skills", Op::OPERATOR_HAS, {"nurse"});
  liaison::v1::Filter de_nurses;
  cond(de_nurses.mutable_all()->add_filters(), "location.country", Op::OPERATOR_EQUALS, {"DE"});
  cond(de_nurses.mutable_all()->add_filters(), "custom.skills", Op::OPERATOR_HAS, {"nurse"});
  // Counts as the store is right after the import (no planner statistics), then after ANALYZE.
  for (const char* stats : {"none", "analyze"}) {
    if (std::strcmp(stats, "analyze") == 0) db->database().exec("ANALYZE");
    for (const auto& [name, filter] :
         {std::pair{"country IN (DE,NL) AND language = tr", &de_nl_tr},
          std::pair{"custom.skills HAS nurse", &nurses},
          std::pair{"country = DE AND skills HAS nurse", &de_nurses}}) {
      for (int run = 0; run < 3; ++run) {
        store::SegmentCount n;
        std::string detail;
        const auto c0 = Clock::now();
        if (auto ec = outreach::countSegment(contacts, "bench", filter, &n, &detail)) {
          std::fprintf(stderr, "count failed: %s %s\n", ec.message().c_str(), detail.c_str());
          return 1;
        }
        std::printf("count[%s] stats=%s run=%d total=%jd reachable=%jd ms=%.1f\n", name, stats, run,
                    static_cast<std::intmax_t>(n.total), static_cast<std::intmax_t>(n.reachable),
                    seconds(c0) * 1000);
      }
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
