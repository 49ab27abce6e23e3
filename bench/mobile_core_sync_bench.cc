// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Peak memory of the phone during a large sync (issue 7): a device with N finalised
// submissions (default 20,000) in its outbox syncs against a real gateway (SyncService on the
// HTTP server, 127.0.0.1) that has N notices waiting for it, through the C API's sync client
// (libcurl, zstd, signed requests): N records up and N records down. Three processes, so each
// figure is one process's own:
//
//   gateway (fork 1): store, sync endpoint, enrolment code and the N notices; serves until killed
//   filler  (fork 2): enrols, pulls the form, finalises N submissions; exits
//   device  (main):   opens the filled store in a process that has done nothing else, syncs
//                     until caught up, prints the sync's wall time and its peak RSS
//
// Memory stays bounded because the outbox goes up in chunks (--chunk, default 200 ops) and the
// records come down in pages (--page, default 200); run with a small N to see the peak does
// not grow with it. Not a pass/fail test.
//
//   liaison_bench_mobile_core_sync [--records N] [--chunk N] [--page N] [--dir DIR]
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/http_server.h"
#include "liaison/liaison.h"
#include "liaison/v1/forms.pb.h"
#include "store/sqlite_store.h"
#include "sync/sync_service.h"
#include "sync_client.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace pb = liaison::v1;
namespace wire = liaison::sync::v1;
namespace gsync = liaison::gateway::sync;
namespace api = liaison::gateway::api;

std::array<uint8_t, LIAISON_KEY_SIZE> benchKey() {
  std::array<uint8_t, LIAISON_KEY_SIZE> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(i * 5 + 9);
  return k;
}

long peakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

long rssKiB() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

pb::Form benchForm() {
  pb::Form f;
  f.set_id("survey");
  f.set_version(1);
  f.mutable_title()->add_translations()->set_text("Survey");
  for (int i = 0; i < 6; ++i) {
    pb::FormField* x = f.add_fields();
    x->set_id("text" + std::to_string(i));
    x->set_type(pb::FIELD_TYPE_TEXT);
    x->set_required(true);
    x->mutable_label()->add_translations()->set_text("label");
  }
  return f;
}

std::string benchSubmission(long i) {
  pb::Submission s;
  s.set_form_id("survey");
  s.set_form_version(1);
  for (int t = 0; t < 6; ++t) {
    pb::FieldValue* v = s.add_values();
    v->set_field_id("text" + std::to_string(t));
    v->set_text("answer text " + std::to_string(i) + " of a field survey, a sentence long");
  }
  return s.SerializeAsString();
}

// Fork 1: the gateway. Writes "<port> <code>\n" to `out`, serves, and publishes the N notices
// when a byte arrives on `go` (after the filler has pulled the form), answering on `out`.
[[noreturn]] void runGateway(const std::string& dir, long records, int out, int go) {
  auto store = liaison::gateway::store::SqliteStore::open(dir + "/gateway.db");
  std::mutex mu;
  gsync::SyncService service(*store, mu);
  std::uint64_t last = 0;
  wire::PublishedRecord form;
  *form.mutable_form() = benchForm();
  if (service.publish("t1", "forms", std::span(&form, 1), nowMs(), &last)) std::exit(3);
  gsync::EnrolmentGrant grant;
  grant.tenant_id = "t1";
  grant.team = "bench";
  grant.scopes = {"forms", "notices:DE"};
  grant.created_by = "bench";
  std::string code;
  if (service.auth().createEnrolmentCode(grant, nowMs(), &code)) std::exit(3);
  boost::asio::io_context ioc;
  api::HttpServerOptions o;
  o.body_limit = 5u << 20;
  api::HttpServer server(ioc, o, [&](const api::HttpRequest& req) {
    if (req.path() == gsync::kSyncPath) return service.handleSync(req);
    if (req.path() == gsync::kEnrolPath) return service.handleEnrol(req);
    return api::HttpResponse{404, "application/json", {}, "{}"};
  });
  if (server.start()) std::exit(4);
  std::thread t1([&] { ioc.run(); });
  std::thread t2([&] { ioc.run(); });
  const std::string line = std::to_string(server.port()) + " " + code + "\n";
  if (::write(out, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::exit(5);
  char c;
  if (::read(go, &c, 1) != 1) std::exit(0);
  std::vector<wire::PublishedRecord> notices;
  for (long i = 0; i < records; i += 1000) {
    const long n = std::min<long>(1000, records - i);
    notices.assign(static_cast<std::size_t>(n), wire::PublishedRecord());
    for (long j = 0; j < n; ++j) {
      pb::InboxItem* item = notices[static_cast<std::size_t>(j)].mutable_inbox_item();
      item->set_id("notice-" + std::to_string(i + j));
      item->mutable_published_at()->set_seconds(nowMs() / 1000);
      item->mutable_title()->add_translations()->set_text("Consular hours change next week");
    }
    if (service.publish("t1", "notices:DE", notices, nowMs(), &last)) std::exit(3);
  }
  if (::write(out, "p\n", 2) != 2) std::exit(5);
  t1.join();  // until killed
  t2.join();
  std::exit(0);
}

std::string readLine(int fd) {
  std::string line;
  for (char c; ::read(fd, &c, 1) == 1 && c != '\n';) line.push_back(c);
  return line;
}

[[noreturn]] void fail(const char* what, const liaison::sync::Status& st) {
  std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  using liaison::mobile::Store;
  using liaison::mobile::SyncClient;
  long records = 20000;
  uint32_t chunk = 200;
  uint32_t page = 200;
  std::string dir = std::filesystem::exists("/dev/shm") ? "/dev/shm/liaison-mobile-sync-bench"
                                                        : "/tmp/liaison-mobile-sync-bench";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--records" && i + 1 < argc) {
      records = std::atol(argv[++i]);
    } else if (a == "--chunk" && i + 1 < argc) {
      chunk = static_cast<uint32_t>(std::atol(argv[++i]));
    } else if (a == "--page" && i + 1 < argc) {
      page = static_cast<uint32_t>(std::atol(argv[++i]));
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--records N] [--chunk N] [--page N] [--dir DIR]\n", argv[0]);
      return 2;
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string store_path = dir + "/phone.db";
  const auto key = benchKey();

  int up[2], down[2];
  if (::pipe(up) != 0 || ::pipe(down) != 0) return 1;
  const pid_t gateway = ::fork();
  if (gateway == 0) {
    ::close(up[0]);
    ::close(down[1]);
    runGateway(dir, records, up[1], down[0]);
  }
  ::close(up[1]);
  ::close(down[0]);
  const std::string line = readLine(up[0]);
  const auto space = line.find(' ');
  if (space == std::string::npos) {
    std::fprintf(stderr, "the gateway did not start\n");
    return 1;
  }
  liaison::mobile::SyncClientOptions options;
  options.base_url = "http://127.0.0.1:" + line.substr(0, space);
  options.push_chunk = chunk;
  options.page_records = page;
  const std::string code = line.substr(space + 1);

  // Fork 2: enrol, pull the form, finalise N submissions.
  const auto fill_t0 = Clock::now();
  const pid_t filler = ::fork();
  if (filler == 0) {
    auto store = Store::open(store_path, key);
    if (!store.ok()) fail("open", store.status());
    auto client = SyncClient::create(**store, options);
    if (!client.ok()) fail("client", client.status());
    if (auto e = (*client)->enrol(code); !e.ok()) fail("enrol", e.status());
    if (auto st = (*client)->run(nullptr); !st.ok()) fail("first sync", st);
    for (long i = 0; i < records; ++i) {
      pb::Submission s;
      s.ParseFromString(benchSubmission(i));
      auto id = (*store)->saveDraft(std::move(s));
      if (!id.ok()) fail("draft", id.status());
      if (auto f = (*store)->finalise(*id); !f.ok()) fail("finalise", f.status());
    }
    std::exit(0);
  }
  int status = 0;
  ::waitpid(filler, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "filling the store failed (%d)\n", status);
    ::kill(gateway, SIGKILL);
    return 1;
  }
  const double fill_s = std::chrono::duration<double>(Clock::now() - fill_t0).count();
  if (::write(down[1], "g", 1) != 1 || readLine(up[0]) != "p") {
    std::fprintf(stderr, "the gateway did not publish\n");
    ::kill(gateway, SIGKILL);
    return 1;
  }

  // The measured run, in a process that has done nothing else.
  const long rss_start = rssKiB();
  auto store = Store::open(store_path, key);
  if (!store.ok()) fail("open", store.status());
  const int64_t pending_before = (*store)->pendingCount().value();
  auto client = SyncClient::create(**store, options);
  if (!client.ok()) fail("client", client.status());
  const long rss_open = rssKiB();
  long rss_max_seen = 0;
  (*client)->setProgress([&](const liaison::mobile::SyncProgress&) {
    rss_max_seen = std::max(rss_max_seen, rssKiB());
  });
  liaison::mobile::SyncReport report;
  const auto t0 = Clock::now();
  const liaison::sync::Status st = (*client)->run(&report);
  const double sync_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const long peak = peakRssKiB();
  ::kill(gateway, SIGKILL);
  ::waitpid(gateway, nullptr, 0);
  if (!st.ok()) fail("sync", st);
  std::printf("records: %ld finalised submissions up (%lld pending), %ld notices down\n", records,
              static_cast<long long>(pending_before), records);
  std::printf("chunk %u ops/request, page %u records/response\n", chunk, page);
  std::printf("filling the store (enrol, form, %ld finalises, separate process): %.1f s\n", records,
              fill_s);
  std::printf("sync: %.2f s, %d exchanges, sent %llu, received %llu, rejected %zu, pending %lld\n",
              sync_s, report.exchanges, static_cast<unsigned long long>(report.sent),
              static_cast<unsigned long long>(report.received), report.rejected.size(),
              static_cast<long long>(report.pending));
  std::printf(
      "device RSS: %ld KiB at start, %ld KiB after open, max seen between exchanges "
      "%ld KiB, peak (ru_maxrss) %ld KiB\n",
      rss_start, rss_open, rss_max_seen, peak);
  std::filesystem::remove_all(dir);
  return 0;
}
