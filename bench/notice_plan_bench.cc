// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Plans a notice to N generated contacts (default 1,000,000): the audience (reachable contacts,
// so opted-out ones are left out) is read in id-ordered pages, each recipient gets the text of
// their language (analysed and encoded once per language), a send time in their own sending
// window with the send spread over two hours, and an outbox row; rows are committed in batches.
// Reports wall seconds, rows/s and peak RSS (getrusage ru_maxrss), then times a re-run (every
// row already present), a dispatcher claim and an expiry sweep over the full ledger. Contacts
// are generated through the contact store's batch API first and are not part of the timing.
// Not a pass/fail test (bench/README.md). Target: <= 10 s and <= 300 MB for 1,000,000.
//
//   liaison_bench_notice_plan [--rows N] [--batch ROWS] [--dir DIR] [--keep]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "outreach/send_window.h"
#include "sms/encoding.h"
#include "sms/segmenter.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
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

struct LanguageText {
  std::string body;
  store::OutboxEncoding encoding = store::OutboxEncoding::Gsm7;
  int segments = 1;
};

LanguageText prepareText(const std::string& body) {
  LanguageText t;
  t.body = body;
  const liaison::gateway::sms::AnalyzeResult a = liaison::gateway::sms::analyzeText(body);
  if (!a.ok()) {
    std::fprintf(stderr, "analyzeText: %s\n", a.message.c_str());
    std::exit(1);
  }
  // Encoded once per language, as the dispatcher will need the segments; here it checks that
  // the analysis and the encoder agree.
  const liaison::gateway::sms::EncodeResult e = liaison::gateway::sms::encodeText(body);
  if (!e.ok() || e.segments.size() != a.info.segments) {
    std::fprintf(stderr, "encodeText disagrees with analyzeText\n");
    std::exit(1);
  }
  const auto& choice = a.info.choice;
  t.encoding = choice.encoding == liaison::gateway::sms::Encoding::Ucs2
                   ? store::OutboxEncoding::Ucs2
               : choice.nationalIeOctets() > 0 ? store::OutboxEncoding::Gsm7National
                                               : store::OutboxEncoding::Gsm7;
  t.segments = static_cast<int>(a.info.segments);
  return t;
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
  store::SqliteOutboxStore outbox(db->database(), batch_rows);

  auto t0 = Clock::now();
  generateContacts(contacts, rows);
  std::printf("generate: contacts=%ld seconds=%.2f peak_rss_kib=%ld\n", rows, seconds(t0),
              peakRssKiB());
  const long rss_before = peakRssKiB();

  // ---- the measured part: plan and enqueue the notice ----
  const auto start = Clock::now();
  std::map<std::string, LanguageText> texts;
  texts["tr"] = prepareText(
      "Konsolosluk duyurusu: pasaport randevulari 1 Temmuz'dan itibaren "
      "cevrimici alinabilir. Bilgi: konsolosluk.example/randevu");
  texts["de"] = prepareText(
      "Hinweis des Konsulats: Passtermine sind ab 1. Juli online "
      "buchbar. Infos: konsulat.example/termin");
  texts["ar"] = prepareText(
      "إعلان القنصلية: يمكن حجز مواعيد جوازات السفر عبر الإنترنت "
      "اعتبارا من 1 يوليو. المعلومات: consulate.example");
  texts["en"] = prepareText(
      "Consulate notice: passport appointments can be booked online from "
      "1 July. Info: consulate.example/book");
  const LanguageText& fallback = texts["en"];

  outreach::SchedulePlan plan;
  plan.start_at = kNow;
  if (auto ec = outreach::makeWindow(9, 0, 20, 0, &plan.window)) fail("window", ec);
  plan.spread_seconds = 2 * 3600;
  plan.validity_seconds = 24 * 3600;
  std::map<std::string, std::unique_ptr<outreach::ZoneRules>, std::less<>> zones;

  store::SqlWhere reachable{"c.status = 1", {}};
  store::SegmentCount count;
  if (auto ec = contacts.count("bench", &reachable, &count)) fail("count", ec);
  const std::int64_t total = count.reachable;

  // The audience in id-ordered pages (keyset pagination): no statement stays open across the
  // enqueue transactions, and memory holds one page.
  std::error_code ec;
  auto page_query = db->database().prepare(
      "SELECT c.id, c.phone_e164, c.language, c.time_zone FROM contacts c "
      "WHERE c.tenant_id = ?1 AND c.status = 1 AND c.id > ?2 ORDER BY c.id LIMIT ?3",
      &ec);
  if (ec) fail("prepare", ec);
  std::vector<store::NewOutboxMessage> page(batch_rows);
  std::int64_t unknown_zones = 0;
  auto plan_all = [&] {
    store::EnqueueCounts totals;
    std::int64_t index = 0;
    std::int64_t last_id = 0;
    for (;;) {
      page_query->reset();
      page_query->bind(1, std::string_view("bench"));
      page_query->bind(2, last_id);
      page_query->bind(3, static_cast<std::int64_t>(batch_rows));
      std::size_t n = 0;
      bool row = false;
      while (!(ec = page_query->step(&row)) && row) {
        store::NewOutboxMessage& m = page[n++];
        last_id = page_query->int64(0);
        const std::string_view language = page_query->text(2);
        const std::string_view zone_id = page_query->text(3);
        auto it = texts.find(std::string(language));
        const LanguageText& text = it != texts.end() ? it->second : fallback;
        auto z = zones.find(zone_id);
        if (z == zones.end()) {
          std::error_code zec;
          z = zones.emplace(std::string(zone_id), outreach::ZoneRules::load(zone_id, &zec)).first;
        }
        const outreach::ZoneRules* rules = z->second.get();
        if (rules == nullptr) {
          rules = &outreach::ZoneRules::utc();  // the caller's fallback for an unknown zone
          ++unknown_zones;
        }
        outreach::SendTimes times;
        if (auto pec = outreach::planSend(plan, *rules, index++, total, &times)) fail("plan", pec);
        m.tenant_id = "bench";
        m.campaign_id = "notice-2024-07";
        m.contact_id = last_id;
        m.step = "notice";
        m.to_e164 = page_query->text(1);
        m.body = text.body;
        m.language = it != texts.end() ? language : std::string_view("en");
        m.encoding = text.encoding;
        m.segments = text.segments;
        m.priority = store::OutboxPriority::Bulk;
        m.resend_policy = store::ResendPolicy::AtLeastOnce;
        m.time_zone = zone_id;
        m.not_before = times.not_before;
        m.expires_at = times.expires_at;
      }
      if (ec) fail("audience", ec);
      if (n == 0) break;
      store::EnqueueCounts counts;
      if (auto eec = outbox.enqueueBatch(std::span(page.data(), n), kNow, &counts)) {
        fail("enqueueBatch", eec);
      }
      totals.inserted += counts.inserted;
      totals.already_present += counts.already_present;
      if (n < batch_rows) break;
    }
    return totals;
  };
  const store::EnqueueCounts totals = plan_all();
  const double t = seconds(start);
  std::printf(
      "plan: audience=%jd inserted=%jd present=%jd unknown_zones=%jd batch=%zu "
      "seconds=%.2f rows_per_s=%.0f peak_rss_kib=%ld (before plan %ld)\n",
      static_cast<std::intmax_t>(total), static_cast<std::intmax_t>(totals.inserted),
      static_cast<std::intmax_t>(totals.already_present), static_cast<std::intmax_t>(unknown_zones),
      batch_rows, t, static_cast<double>(totals.inserted) / t, peakRssKiB(), rss_before);
  std::printf("db_bytes=%ju\n",
              static_cast<std::uintmax_t>(std::filesystem::file_size(dir + "/bench.db")));
  {
    // A re-run of the same step (the planner restarted): every row is already present.
    const auto r0 = Clock::now();
    const store::EnqueueCounts again = plan_all();
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
