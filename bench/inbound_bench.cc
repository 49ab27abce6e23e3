// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Inbound poll answers per second through the whole pipeline with durable commits: sender
// normalisation, de-duplication lookups, keyword check, the sender's open session, the poll
// engine, the answer stored under the pseudonym, the session updated, the next question queued
// in the outbox, the inbound record; one transaction (one fsync, synchronous=FULL) per batch.
// Each run uses a fresh store of --contacts contacts with a running five-question poll, each
// contact at its first question; every message is an answer ("1".."3" or a number).
// Batch size is what the caller groups per commit: 1 is one fsync per answer (an SMPP bind
// acknowledging each deliver_sm on its own); larger batches are what an HTTP webhook batch or a
// group-committing receiver gives. Target (issue 4): >= 10,000 answers/s.
//
//   liaison_bench_inbound [--contacts N] [--batches 1,10,100,500] [--dir DIR]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "outreach/inbound_processor.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"
#include "store/sqlite_store.h"

namespace {

namespace outreach = liaison::gateway::outreach;
namespace store = liaison::gateway::store;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kT0 = 1'750'000'000;
constexpr char kTenant[] = "bench";
constexpr char kPoll[] = "0190a1b2-0000-7000-8000-00000000beef";

[[noreturn]] void fail(const char* what, const std::error_code& ec) {
  std::fprintf(stderr, "%s failed: %s\n", what, ec.message().c_str());
  std::exit(1);
}

void addText(liaison::v1::LocalizedText* t, const char* text) {
  auto* tr = t->add_translations();
  tr->set_language("en");
  tr->set_text(text);
}

liaison::v1::Campaign poll() {
  liaison::v1::Campaign c;
  c.set_fallback_language("en");
  auto* p = c.mutable_poll();
  addText(p->mutable_closing(), "Thank you!");
  p->mutable_session_expiry()->set_seconds(7 * 86400);
  for (int i = 1; i <= 5; ++i) {
    auto* q = p->add_questions();
    q->set_id(std::string("q").append(std::to_string(i)));
    if (i == 3) {
      addText(q->mutable_prompt(), "How many years have you lived abroad?");
      q->mutable_number()->set_min(0);
      q->mutable_number()->set_max(80);
      continue;
    }
    addText(q->mutable_prompt(), "Question? 1=Yes 2=No 3=Not sure");
    auto* sc = q->mutable_single_choice();
    for (const char* id : {"yes", "no", "unsure"}) sc->add_choices()->set_id(id);
  }
  return c;
}

double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long peakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void run(const std::string& dir, int contacts, int batch) {
  const std::string path = dir + "/inbound-" + std::to_string(batch) + ".db";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  auto db = store::SqliteStore::open(path);
  store::SqliteContactStore contact_store(db->database());
  store::SqliteCampaignStore campaigns(db->database());
  store::SqliteResponseStore responses(db->database());
  store::SqliteOutboxStore outbox(db->database());

  // Setup, not timed: contacts, the running poll, a session per contact.
  std::vector<std::string> phones;
  {
    std::unique_ptr<store::ContactWriteBatch> w;
    if (auto ec = contact_store.beginBatch(kTenant, kT0, &w)) fail("beginBatch", ec);
    store::Contact c;
    c.tenant_id = kTenant;
    c.language = "en";
    c.country = "DE";
    char phone[32];
    for (int i = 0; i < contacts; ++i) {
      std::snprintf(phone, sizeof phone, "+49151%08d", i);
      c.phone_e164 = phone;
      phones.emplace_back(phone);
      store::UpsertOutcome outcome{};
      if (auto ec = w->upsert(c, store::ContactUpdate{}, static_cast<std::uint64_t>(i + 1),
                              &outcome, nullptr)) {
        fail("upsert", ec);
      }
    }
    if (auto ec = w->commit()) fail("commit", ec);
  }
  store::CampaignRecord rec;
  rec.id = kPoll;
  rec.tenant_id = kTenant;
  rec.name = "bench poll";
  rec.kind = store::CampaignKind::Poll;
  rec.state = store::CampaignState::Running;
  rec.definition = poll();
  if (auto ec = campaigns.create(rec, kT0)) fail("create campaign", ec);
  {
    store::Transaction txn(db->database());
    if (auto ec = txn.begin()) fail("begin", ec);
    for (int i = 0; i < contacts; ++i) {
      store::PollSessionRecord s;
      s.campaign_id = kPoll;
      if (auto ec = campaigns.pseudonymFor(kPoll, i + 1, &s.pseudonym)) fail("pseudonym", ec);
      s.language = "en";
      s.country = "DE";
      s.current_question = "q1";
      s.started_at = kT0;
      s.last_activity = kT0;
      bool created = false;
      if (auto ec = responses.openSession(s, &created)) fail("openSession", ec);
    }
    if (auto ec = txn.commit()) fail("commit", ec);
  }

  // Every contact answers all five questions; messages interleave contacts like real traffic.
  outreach::InboundProcessor processor(db->database(), contact_store, campaigns, responses, outbox,
                                       outreach::InboundConfig{});
  std::vector<outreach::InboundMessage> messages;
  messages.reserve(static_cast<std::size_t>(contacts) * 5);
  const char* answers[] = {"1", "2", "12", "3", "yes"};
  for (int q = 0; q < 5; ++q) {
    for (int i = 0; i < contacts; ++i) {
      outreach::InboundMessage m;
      m.tenant_id = kTenant;
      m.channel = "smpp:bench";
      m.from = phones[static_cast<std::size_t>(i)].substr(1);  // bare digits, as SMPP gives
      m.text = q == 4 ? "1" : answers[q];
      m.received_at = kT0 + 60 + q * 600 + i / 1000;
      messages.push_back(std::move(m));
    }
  }
  std::vector<outreach::InboundResult> results;
  const auto start = Clock::now();
  const double cpu_start = cpuSeconds();
  for (std::size_t i = 0; i < messages.size(); i += static_cast<std::size_t>(batch)) {
    const std::size_t n = std::min(messages.size() - i, static_cast<std::size_t>(batch));
    if (auto ec = processor.process(std::span(messages).subspan(i, n), &results)) {
      fail("process", ec);
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpuSeconds() - cpu_start;
  const outreach::InboundStats& st = processor.stats();
  if (st.answers != static_cast<std::int64_t>(messages.size())) {
    std::fprintf(stderr, "expected %zu answers, got %lld (duplicates %lld, inbox %lld)\n",
                 messages.size(), static_cast<long long>(st.answers),
                 static_cast<long long>(st.duplicates), static_cast<long long>(st.inbox));
    std::exit(1);
  }
  std::printf(
      "batch=%d answers=%zu seconds=%.2f answers_per_s=%.0f cpu_us_per_answer=%.1f commits=%zu "
      "peak_rss_kib=%ld\n",
      batch, messages.size(), secs, static_cast<double>(messages.size()) / secs,
      cpu * 1e6 / static_cast<double>(messages.size()),
      (messages.size() + static_cast<std::size_t>(batch) - 1) / static_cast<std::size_t>(batch),
      peakRssKiB());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int contacts = 20000;
  std::vector<int> batches = {1, 10, 100, 500};
  std::string dir = std::filesystem::temp_directory_path() / "liaison-inbound-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--contacts") == 0) {
      contacts = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--batches") == 0) {
      batches.clear();
      std::stringstream in(argv[i + 1]);
      std::string item;
      while (std::getline(in, item, ',')) batches.push_back(std::atoi(item.c_str()));
    } else if (std::strcmp(argv[i], "--dir") == 0) {
      dir = argv[i + 1];
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (contacts < 1 || batches.empty()) {
    std::fprintf(stderr, "usage: liaison_bench_inbound [--contacts N] [--batches 1,10,100]\n");
    return 2;
  }
  std::filesystem::create_directories(dir);
  std::printf("inbound: contacts=%d questions=5 dir=%s (synchronous=FULL)\n", contacts,
              dir.c_str());
  for (int b : batches) {
    if (b < 1) {
      std::fprintf(stderr, "batch sizes must be >= 1\n");
      return 2;
    }
    run(dir, contacts, b);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
