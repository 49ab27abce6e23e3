// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Plans a notice to N generated contacts (default 1,000,000) with the campaign planner
// (outreach/campaign_planner.h), as the daemon does: the audience (a saved segment's reachable
// contacts, so opted-out ones are left out) is read in id-ordered pages, each recipient gets
// the text of their language (analysed once per language), a send time in their own sending
// window with the send spread over two hours, and an outbox row; rows are committed in batches.
// Reports wall seconds, rows/s and peak RSS (getrusage ru_maxrss), then times a re-run (every
// row already present), a dispatcher claim and an expiry sweep over the full ledger. Contacts,
// the segment and the campaign are created first and are not part of the timing.
// Not a pass/fail test (bench/README.md). Target: <= 10 s and <= 300 MB for 1,000,000.
//
//   liaison_bench_notice_plan [--rows N] [--batch ROWS] [--dir DIR] [--keep]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "liaison/v1/campaigns.pb.h"
#include "liaison/v1/segments.pb.h"
#include "outreach/campaign_planner.h"
#include "outreach/segment_filter.h"
#include "store/segment_store.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"
#include "store/sqlite_store.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace outreach = liaison::gateway::outreach;
namespace store = liaison::gateway::store;

constexpr std::int64_t kNow = 1'718'000'000;  // 2024-06-10T06:13:20Z

long peakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// User and system CPU seconds of the process so far: on a shared machine they vary far less
// than wall time.
std::pair<double, double> cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return {s(u.ru_utime), s(u.ru_stime)};
}

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void fail(const char* what, const std::error_code& ec) {
  std::fprintf(stderr, "%s failed: %s\n", what, ec.message().c_str());
  std::exit(1);
}

const char* const kLanguages[] = {"tr", "de", "ar", "en", "ku"};
const char* const kZones[] = {"Europe/Berlin",   "Europe/Amsterdam", "America/New_York",
                              "Asia/Kolkata",    "Australia/Sydney", "Africa/Casablanca",
                              "America/Toronto", "Europe/Istanbul"};

// Generates `rows` contacts in one batch transaction; 2% are opted out.
void generateContacts(store::ContactStore& contacts, long rows) {
  std::unique_ptr<store::ContactWriteBatch> batch;
  if (auto ec = contacts.beginBatch("bench", kNow - 86400, &batch)) fail("beginBatch", ec);
  store::Contact c;
  c.tenant_id = "bench";
  store::ContactUpdate update;
  std::uint64_t x = 88172645463325252ull;
  char phone[32];
  for (long i = 0; i < rows; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::snprintf(phone, sizeof phone, "+49151%08ld", i);
    c.phone_e164 = phone;
    c.language = kLanguages[x % std::size(kLanguages)];
    c.time_zone = kZones[(x >> 8) % std::size(kZones)];
    c.country = "DE";
    c.status = (x >> 16) % 50 == 0 ? store::ContactStatus::OptedOut : store::ContactStatus::Active;
    store::UpsertOutcome outcome{};
    if (auto ec = batch->upsert(c, update, static_cast<std::uint64_t>(i + 1), &outcome, nullptr)) {
      fail("upsert", ec);
    }
  }
  if (auto ec = batch->commit()) fail("commit", ec);
}

void addText(liaison::v1::LocalizedText* text, const char* language, const char* body) {
  auto* tr = text->add_translations();
  tr->set_language(language);
  tr->set_text(body);
}

// A saved segment matching every generated contact (all live in DE), and a Scheduled notice
// to it in four languages with English as the fallback (Kurdish speakers get English).
std::string createCampaign(store::SegmentStore& segments, store::CampaignStore& campaigns) {
  liaison::v1::Filter filter;
  filter.mutable_condition()->set_field("country");
  filter.mutable_condition()->set_op(liaison::v1::FieldCondition::OPERATOR_EQUALS);
  filter.mutable_condition()->add_values("DE");
  std::int64_t segment_id = 0;
  std::string detail;
  if (auto ec = outreach::saveSegment(segments, store::SqlDialect::Sqlite, "bench", "everyone",
                                      filter, kNow, &segment_id, &detail)) {
    fail("saveSegment", ec);
  }
  store::CampaignRecord r;
  r.id = "notice-2024-07";
  r.tenant_id = "bench";
  r.name = "Passport appointments";
  r.kind = store::CampaignKind::Notice;
  r.state = store::CampaignState::Scheduled;
  liaison::v1::Campaign& c = r.definition;
  c.set_segment_id(std::to_string(segment_id));
  c.set_fallback_language("en");
  auto* body = c.mutable_notice()->mutable_body();
  addText(body, "tr",
          "Konsolosluk duyurusu: pasaport randevulari 1 Temmuz'dan itibaren "
          "cevrimici alinabilir. Bilgi: konsolosluk.example/randevu");
  addText(body, "de",
          "Hinweis des Konsulats: Passtermine sind ab 1. Juli online "
          "buchbar. Infos: konsulat.example/termin");
  addText(body, "ar",
          "إعلان القنصلية: يمكن حجز مواعيد جوازات السفر عبر الإنترنت "
          "اعتبارا من 1 يوليو. المعلومات: consulate.example");
  addText(body, "en",
          "Consulate notice: passport appointments can be booked online from "
          "1 July. Info: consulate.example/book");
  auto* schedule = c.mutable_schedule();
  schedule->mutable_start_at()->set_seconds(kNow);
  schedule->mutable_window()->mutable_start()->set_hour(9);
  schedule->mutable_window()->mutable_end()->set_hour(20);
  schedule->mutable_spread()->set_seconds(2 * 3600);
  schedule->mutable_validity()->set_seconds(24 * 3600);
  if (auto ec = campaigns.create(r, kNow)) fail("create campaign", ec);
  return r.id;
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 1000000;
  std::size_t batch_rows = store::SqliteOutboxStore::kDefaultBatchRows;
  bool keep = false;
  std::string dir = std::filesystem::temp_directory_path() / "liaison-notice-bench";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--keep") == 0) keep = true;
    if (i + 1 >= argc) continue;
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--batch") == 0) batch_rows = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = store::SqliteStore::open(dir + "/bench.db");
  store::SqliteContactStore contacts(db->database());
  store::SqliteSegmentStore segments(db->database());
  store::SqliteCampaignStore campaigns(db->database());
  store::SqliteOutboxStore outbox(db->database(), batch_rows);
  store::SqliteResponseStore responses(db->database());

  auto t0 = Clock::now();
  generateContacts(contacts, rows);
  std::printf("generate: contacts=%ld seconds=%.2f peak_rss_kib=%ld\n", rows, seconds(t0),
              peakRssKiB());
  const std::string campaign_id = createCampaign(segments, campaigns);
  const long rss_before = peakRssKiB();

  // ---- the measured part: the campaign planner plans and enqueues the notice ----
  outreach::PlannerOptions options;
  options.page_rows = static_cast<int>(batch_rows);
  outreach::CampaignPlanner planner(campaigns, segments, outbox, responses, options);
  auto plan_all = [&] {
    outreach::PlanResult result;
    std::vector<std::string> problems;
    if (auto ec = planner.plan("bench", campaign_id, kNow, nullptr, &result, &problems)) {
      for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
      fail("plan", ec);
    }
    return result;
  };
  const auto cpu0 = cpuSeconds();
  const auto start = Clock::now();
  const outreach::PlanResult totals = plan_all();
  const double t = seconds(start);
  const auto cpu1 = cpuSeconds();
  std::printf(
      "plan: audience=%jd inserted=%jd present=%jd unknown_zones=%jd batch=%zu "
      "seconds=%.2f rows_per_s=%.0f peak_rss_kib=%ld (before plan %ld)\n",
      static_cast<std::intmax_t>(totals.audience), static_cast<std::intmax_t>(totals.inserted),
      static_cast<std::intmax_t>(totals.already_present),
      static_cast<std::intmax_t>(totals.zone_fallbacks), batch_rows, t,
      static_cast<double>(totals.inserted) / t, peakRssKiB(), rss_before);
  std::printf("plan_cpu: user_seconds=%.2f sys_seconds=%.2f\n", cpu1.first - cpu0.first,
              cpu1.second - cpu0.second);
  std::printf("db_bytes=%ju\n",
              static_cast<std::uintmax_t>(std::filesystem::file_size(dir + "/bench.db")));
  {
    // A re-run of the same step (the planner restarted): every row is already present.
    const auto r0 = Clock::now();
    const outreach::PlanResult again = plan_all();
    std::printf("re-run: inserted=%jd present=%jd seconds=%.2f peak_rss_kib=%ld\n",
                static_cast<std::intmax_t>(again.inserted),
                static_cast<std::intmax_t>(again.already_present), seconds(r0), peakRssKiB());
  }

  // ---- the ledger at size: a dispatcher claim and an expiry sweep ----
  for (int run = 0; run < 3; ++run) {
    std::vector<store::OutboxMessage> claimed;
    store::ClaimCounts cc;
    const auto c0 = Clock::now();
    if (auto cec = outbox.claimDue(kNow + 3 * 3600, 500, "smpp:bench", &claimed, &cc)) {
      fail("claimDue", cec);
    }
    std::printf("claimDue(500): claimed=%jd ms=%.2f\n", static_cast<std::intmax_t>(cc.claimed),
                seconds(c0) * 1000);
  }
  {
    std::int64_t expired = 0;
    const auto e0 = Clock::now();
    if (auto xec = outbox.expireOverdue(kNow, &expired)) fail("expireOverdue", xec);
    std::printf("expireOverdue(nothing due): expired=%jd ms=%.2f\n",
                static_cast<std::intmax_t>(expired), seconds(e0) * 1000);
  }
  std::printf("final peak_rss_kib=%ld\n", peakRssKiB());
  db.reset();
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
