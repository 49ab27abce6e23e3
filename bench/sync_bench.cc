// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Sync over loopback HTTP (issue 6): the real api::HttpServer and SyncService on a real store
// (synchronous=FULL), libcurl as the device's transport (one kept-alive connection), the sync
// engine as the device. Measures:
//   1. upload: N form submissions (default 10,000) in 500-op batches, zstd bodies;
//   2. gateway apply rate: ops/s of handleSync called in-process on 500-op batches (entity
//      updates and submissions), i.e. auth + decode + merge + one durable commit per batch;
//   3. initial download: M roster contacts (default 100,000) to a fresh device, 1000 per
//      page, zstd responses; each page verified (seal) and parsed as a device would;
//   4. bytes per record on the wire vs the same records as JSON (proto3 JSON field names),
//      raw and zstd-compressed per page.
// Not a pass/fail test (bench/README.md). Targets: download <= 10 s; wire <= 35% of JSON.
//
//   liaison_bench_sync [--submissions N] [--contacts M] [--zstd-level L] [--dir DIR] [--keep]
//
// --zstd-level sets the gateway's response compression level (and the JSON comparison's).
#include <curl/curl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "api/http_server.h"
#include "liaison/sync/batch_codec.h"
#include "liaison/sync/uuid.h"
#include "store/sqlite_store.h"
#include "sync/device_auth.h"
#include "sync/sync_service.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace gs = liaison::gateway::sync;
namespace wire = liaison::sync::v1;
namespace pb = liaison::v1;

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

long peakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One kept-alive libcurl connection to 127.0.0.1.
class Client {
 public:
  explicit Client(std::uint16_t port) : port_(port), curl_(curl_easy_init()) {}
  ~Client() { curl_easy_cleanup(curl_); }

  struct Result {
    long status = 0;
    std::string body;
    bool zstd = false;
  };
  Result post(const std::string& path, const std::string& body,
              const std::vector<std::pair<std::string, std::string>>& headers) {
    Result r;
    std::string raw_headers;
    curl_slist* list = curl_slist_append(nullptr, "Expect:");
    for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
    const std::string url = "http://127.0.0.1:" + std::to_string(port_) + path;
    auto sink = +[](char* data, size_t size, size_t n, void* user) -> size_t {
      static_cast<std::string*>(user)->append(data, size * n);
      return size * n;
    };
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, sink);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &raw_headers);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(curl_) == CURLE_OK) {
      curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &r.status);
    }
    curl_slist_free_all(list);
    for (char& c : raw_headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.zstd = raw_headers.find("content-encoding: zstd") != std::string::npos;
    return r;
  }

 private:
  std::uint16_t port_;
  CURL* curl_;
};

struct Device {
  gs::DeviceKey key;
  std::string id;
  std::uint64_t seq = 0;
  std::mt19937_64 rng{42};

  std::vector<std::pair<std::string, std::string>> headers(const std::string& body, bool zstd) {
    std::string nonce(gs::kNonceBytes, '\0');
    for (char& c : nonce) c = static_cast<char>(rng());
    auto h =
        gs::signRequest(key, id, "POST", "/v1/sync", zstd ? "zstd" : "", body, wallMs(), nonce);
    h.emplace_back("Content-Type", "application/x-protobuf");
    h.emplace_back("Accept-Encoding", "zstd");
    if (zstd) h.emplace_back("Content-Encoding", "zstd");
    return h;
  }
};

bool enrol(Client& client, gs::SyncService& service, Device* d, std::vector<std::string> scopes) {
  gs::EnrolmentGrant g;
  g.tenant_id = "t1";
  g.team = "bench";
  g.scopes = std::move(scopes);
  g.created_by = "bench";
  std::string code;
  if (service.auth().createEnrolmentCode(g, wallMs(), &code)) return false;
  d->key = gs::generateDeviceKey();
  nlohmann::json j;
  j["code"] = code;
  j["public_key"] = gs::base64Encode(d->key.public_key);
  j["proof"] = gs::base64Encode(gs::signEnrolment(d->key, code));
  auto r = client.post("/v1/sync/enrol", j.dump(), {{"Content-Type", "application/json"}});
  if (r.status != 201) return false;
  d->id = nlohmann::json::parse(r.body)["device_id"];
  return true;
}

std::optional<wire::SyncResponse> parseResponse(const Client::Result& r) {
  std::string bytes = r.body;
  if (r.zstd) {
    auto d = gs::decodeContent("zstd", r.body, 256u << 20);
    if (!d.ok()) return std::nullopt;
    bytes = std::move(d).value();
  }
  wire::SyncResponse out;
  if (!out.ParseFromString(bytes)) return std::nullopt;
  return out;
}

wire::Operation formOp(Device& d, liaison::sync::UuidV7Generator& ids, std::mt19937_64& rng) {
  wire::Operation op;
  op.set_device_id(d.id);
  op.set_device_seq(++d.seq);
  op.mutable_hlc()->set_wall_ms(static_cast<std::uint64_t>(wallMs()));
  op.mutable_hlc()->set_logical(static_cast<std::uint32_t>(d.seq));
  op.mutable_claimed_at()->set_seconds(wallMs() / 1000);
  wire::SubmissionOp* s = op.mutable_submission();
  const std::string id = ids.next().toString();
  s->set_submission_id(id);
  pb::Submission* r = s->mutable_submission();
  r->set_id(id);
  r->set_form_id("household-survey");
  r->set_form_version(3);
  r->set_state(pb::SUBMISSION_STATE_FINALISED);
  r->set_device_id(d.id);
  r->mutable_created_at()->set_seconds(wallMs() / 1000);
  const char* choices[] = {"rent", "own", "shared", "other"};
  auto add = [r](const char* f) {
    pb::FieldValue* v = r->add_values();
    v->set_field_id(f);
    return v;
  };
  add("household_size")->set_number(static_cast<double>(1 + rng() % 8));
  add("housing")->set_choice_id(choices[rng() % 4]);
  add("arrived")->set_date("2019-0" + std::to_string(1 + rng() % 9) + "-1" +
                           std::to_string(rng() % 10));
  add("phone")->set_phone_e164("+4915" + std::to_string(100000000 + rng() % 899999999));
  add("notes")->set_text("needs help with school enrolment for " + std::to_string(rng() % 4) +
                         " children");
  add("city")->mutable_location()->set_city("Berlin");
  s->set_content_hash(gs::sha256(r->SerializeAsString()));
  return op;
}

pb::Contact rosterContact(std::size_t i, liaison::sync::UuidV7Generator& ids,
                          std::mt19937_64& rng) {
  static const char* first[] = {"Ayşe",  "Mehmet", "Fatma", "Ali",   "Olena", "Andrii",
                                "Maria", "Ion",    "Amina", "Yusuf", "Elena", "Piotr"};
  static const char* last[] = {"Yılmaz", "Kaya",   "Demir",   "Shevchenko", "Popescu",
                               "Nowak",  "Haddad", "Ionescu", "Kowalski",   "Çelik"};
  static const char* langs[] = {"tr", "uk", "ro", "pl", "ar", "de"};
  static const char* cities[] = {"Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Leipzig"};
  static const char* jobs[] = {"nurse", "engineer", "driver", "student", "cook", "teacher"};
  pb::Contact c;
  c.set_id(ids.next().toString());
  c.set_tenant_id("t1");
  c.set_phone_e164("+49151" + std::to_string(10000000 + i));
  c.set_display_name(std::string(first[rng() % 12]) + " " + last[rng() % 10]);
  c.set_language(langs[rng() % 6]);
  c.mutable_location()->set_country("DE");
  c.mutable_location()->set_city(cities[rng() % 6]);
  c.set_time_zone("Europe/Berlin");
  c.add_groups("drive-" + std::to_string(rng() % 20));
  pb::CustomField* f = c.add_custom_fields();
  f->set_key("profession");
  f->set_text(jobs[rng() % 6]);
  c.set_status(pb::CONTACT_STATUS_ACTIVE);
  c.mutable_created_at()->set_seconds(1'700'000'000 + static_cast<std::int64_t>(i));
  return c;
}

// The same contact in proto3's JSON mapping (lowerCamelCase names), as a REST API would send.
nlohmann::json contactJson(const pb::Contact& c) {
  nlohmann::json j;
  j["id"] = c.id();
  j["tenantId"] = c.tenant_id();
  j["phoneE164"] = c.phone_e164();
  j["displayName"] = c.display_name();
  j["language"] = c.language();
  j["location"] = {{"country", c.location().country()}, {"city", c.location().city()}};
  j["timeZone"] = c.time_zone();
  j["groups"] = std::vector<std::string>(c.groups().begin(), c.groups().end());
  j["customFields"] = nlohmann::json::array(
      {{{"key", c.custom_fields(0).key()}, {"text", c.custom_fields(0).text()}}});
  j["status"] = "CONTACT_STATUS_ACTIVE";
  j["createdAt"] = "2023-11-14T22:13:20Z";
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t submissions = 10'000, contacts = 100'000;
  int zstd_level = 3;
  std::string dir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--submissions" && i + 1 < argc) {
      submissions = std::stoul(argv[++i]);
    } else if (a == "--contacts" && i + 1 < argc) {
      contacts = std::stoul(argv[++i]);
    } else if (a == "--zstd-level" && i + 1 < argc) {
      zstd_level = std::stoi(argv[++i]);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--keep") {
      keep = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--submissions N] [--contacts M] [--zstd-level L] [--dir DIR] "
                   "[--keep]\n",
                   argv[0]);
      return 2;
    }
  }
  if (dir.empty()) {
    dir = (std::filesystem::temp_directory_path() /
           ("liaison-sync-bench-" + std::to_string(::getpid())))
              .string();
  }
  std::filesystem::create_directories(dir);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  auto store = liaison::gateway::store::SqliteStore::open(dir + "/gateway.db");
  std::mutex store_mutex;
  gs::SyncServiceOptions service_options;
  service_options.response_zstd_level = zstd_level;
  gs::SyncService service(*store, store_mutex, service_options);
  boost::asio::io_context ioc;
  liaison::gateway::api::HttpServerOptions options;
  options.body_limit = 5u << 20;
  liaison::gateway::api::HttpServer server(
      ioc, options, [&service](const liaison::gateway::api::HttpRequest& req) {
        if (req.path() == gs::kSyncPath) return service.handleSync(req);
        if (req.path() == gs::kEnrolPath) return service.handleEnrol(req);
        return liaison::gateway::api::HttpResponse{404, "text/plain", {}, ""};
      });
  if (server.start()) {
    std::fprintf(stderr, "cannot listen\n");
    return 1;
  }
  std::thread io[2];
  for (auto& t : io) t = std::thread([&ioc] { ioc.run(); });
  Client client(server.port());
  std::mt19937_64 rng(7);
  liaison::sync::UuidV7Generator ids([] { return static_cast<std::uint64_t>(wallMs()); },
                                     [&rng](std::span<std::uint8_t> out) {
                                       for (auto& b : out) b = static_cast<std::uint8_t>(rng());
                                     });
  int failures = 0;

  // 1. Upload N submissions.
  {
    Device d;
    if (!enrol(client, service, &d, {})) return 1;
    std::size_t wire_bytes = 0, raw_bytes = 0;
    const auto t0 = Clock::now();
    for (std::size_t done = 0; done < submissions;) {
      wire::SyncRequest req;
      req.set_protocol_version(1);
      req.set_device_id(d.id);
      const std::size_t n = std::min<std::size_t>(500, submissions - done);
      for (std::size_t i = 0; i < n; ++i)
        *req.mutable_push()->add_operations() = formOp(d, ids, rng);
      auto bytes = liaison::sync::encodeSyncRequest(req);
      const std::string body = gs::zstdCompress(bytes.value());
      raw_bytes += bytes->size();
      wire_bytes += body.size();
      auto r = client.post("/v1/sync", body, d.headers(body, true));
      auto resp = parseResponse(r);
      if (r.status != 200 || !resp || resp->ack().applied_through_seq() != d.seq) {
        std::fprintf(stderr, "upload failed: HTTP %ld\n", r.status);
        ++failures;
        break;
      }
      done += n;
    }
    const double s = seconds(t0);
    std::printf(
        "upload: %zu submissions in %.2f s (%.0f records/s), %zu exchanges; %.0f B/record "
        "protobuf, %.0f B/record zstd on the wire\n",
        submissions, s, submissions / s, (submissions + 499) / 500,
        static_cast<double>(raw_bytes) / submissions,
        static_cast<double>(wire_bytes) / submissions);
  }

  // 2. Gateway apply rate, in-process (no HTTP), 500-op batches.
  {
    Device d;
    if (!enrol(client, service, &d, {})) return 1;
    auto run = [&](bool entities, std::size_t batches) {
      double total = 0;
      for (std::size_t b = 0; b < batches; ++b) {
        wire::SyncRequest req;
        req.set_protocol_version(1);
        req.set_device_id(d.id);
        for (int i = 0; i < 500; ++i) {
          if (!entities) {
            *req.mutable_push()->add_operations() = formOp(d, ids, rng);
            continue;
          }
          wire::Operation* op = req.mutable_push()->add_operations();
          op->set_device_id(d.id);
          op->set_device_seq(++d.seq);
          op->mutable_hlc()->set_wall_ms(static_cast<std::uint64_t>(wallMs()));
          op->mutable_hlc()->set_logical(static_cast<std::uint32_t>(d.seq));
          wire::EntityUpdate* u = op->mutable_entity_update();
          u->set_entity_type("member");
          u->set_entity_id(std::string("m").append(std::to_string(rng() % 5000)));
          for (const char* f : {"language", "status", "household"}) {
            wire::FieldWrite* w = u->add_fields();
            w->set_field(f);
            w->set_value(std::string("v").append(std::to_string(rng() % 1000)));
          }
        }
        liaison::gateway::api::HttpRequest http;
        http.method = "POST";
        http.target = "/v1/sync";
        http.body = liaison::sync::encodeSyncRequest(req).value();
        for (auto& h : d.headers(http.body, false)) http.headers.push_back(std::move(h));
        const auto t0 = Clock::now();
        auto res = service.handleSync(http);
        total += seconds(t0);
        if (res.status != 200) ++failures;
      }
      return batches * 500 / total;
    };
    const double subs = run(false, 10);
    const double ents = run(true, 10);
    std::printf(
        "gateway apply (in-process, 500-op batches, one durable commit each): %.0f "
        "submissions/s, %.0f entity updates/s (3 fields, relayed)\n",
        subs, ents);
  }

  // 3. Initial download of M contacts to a fresh device.
  std::size_t wire_bytes = 0, proto_bytes = 0, json_bytes = 0, json_zstd_bytes = 0;
  // The roster comes from its own seeded source, so step 4 can rebuild the same records.
  auto rosterSource = [] {
    auto r = std::make_shared<std::mt19937_64>(11);
    auto g = std::make_shared<liaison::sync::UuidV7Generator>(
        [] { return std::uint64_t{1'700'000'000'000}; },
        [r](std::span<std::uint8_t> out) {
          for (auto& b : out) b = static_cast<std::uint8_t>((*r)());
        });
    return std::make_pair(r, g);
  };
  {
    auto [roster_rng, roster_ids] = rosterSource();
    const auto t0 = Clock::now();
    std::vector<wire::PublishedRecord> page;
    for (std::size_t i = 0; i < contacts;) {
      page.clear();
      for (std::size_t k = 0; k < 10'000 && i < contacts; ++k, ++i) {
        *page.emplace_back().mutable_roster_entry() = rosterContact(i, *roster_ids, *roster_rng);
      }
      std::uint64_t last = 0;
      if (service.publish("t1", "roster:berlin", page, wallMs(), &last)) return 1;
    }
    std::printf("publish: %zu roster contacts in %.2f s (setup, not part of the download)\n",
                contacts, seconds(t0));
  }
  {
    Device d;
    if (!enrol(client, service, &d, {"roster:berlin"})) return 1;
    std::uint64_t cursor = 0;
    std::size_t received = 0, pages = 0;
    const auto t0 = Clock::now();
    for (bool more = true; more;) {
      wire::SyncRequest req;
      req.set_protocol_version(1);
      req.set_device_id(d.id);
      wire::Cursor* c = req.add_cursors();
      c->set_scope("roster:berlin");
      c->set_seq(cursor);
      req.set_max_records(1000);
      const std::string body = liaison::sync::encodeSyncRequest(req).value();
      auto r = client.post("/v1/sync", body, d.headers(body, false));
      auto resp = parseResponse(r);
      if (r.status != 200 || !resp || !liaison::sync::verifyPage(*resp).ok()) {
        std::fprintf(stderr, "download failed: HTTP %ld\n", r.status);
        ++failures;
        break;
      }
      wire_bytes += r.body.size();
      proto_bytes += resp->ByteSizeLong();
      received += static_cast<std::size_t>(resp->records_size());
      for (const auto& cur : resp->cursors()) cursor = cur.seq();
      more = resp->more();
      ++pages;
    }
    const double s = seconds(t0);
    std::printf(
        "download: %zu contacts in %.2f s (%.0f records/s), %zu pages of 1000, zstd "
        "responses; peak RSS %ld MiB\n",
        received, s, received / s, pages, peakRssKiB() / 1024);
    if (received != contacts) ++failures;
  }
  // 4. The same records as JSON, per 1000-record page.
  {
    auto [again, ids2] = rosterSource();
    for (std::size_t i = 0; i < contacts;) {
      nlohmann::json arr = nlohmann::json::array();
      for (std::size_t k = 0; k < 1000 && i < contacts; ++k, ++i) {
        arr.push_back(contactJson(rosterContact(i, *ids2, *again)));
      }
      const std::string text = arr.dump();
      json_bytes += text.size();
      json_zstd_bytes += gs::zstdCompress(text, zstd_level).size();
    }
    const double n = static_cast<double>(contacts);
    std::printf(
        "bytes/record: sync wire (protobuf + zstd) %.1f, protobuf page %.1f, JSON %.1f, "
        "JSON + zstd %.1f; wire = %.0f%% of JSON, %.0f%% of JSON + zstd\n",
        wire_bytes / n, proto_bytes / n, json_bytes / n, json_zstd_bytes / n,
        100.0 * wire_bytes / json_bytes, 100.0 * wire_bytes / json_zstd_bytes);
  }

  server.stop();
  for (auto& t : io) t.join();
  store.reset();
  if (!keep) std::filesystem::remove_all(dir);
  curl_global_cleanup();
  return failures == 0 ? 0 : 1;
}
