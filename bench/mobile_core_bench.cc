// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The mobile core through its shipped shared library and C API, as an app drives it: saves and
// finalises N submissions (default 10,000) of a 12-field form, one transaction each (every
// finalise commits the record and its outbox entry with synchronous=FULL), registers members,
// then times a cold open of the resulting store in a fresh process. Prints per-phase totals,
// per-record means, file sizes and peak RSS. Not a pass/fail test (bench/README.md).
//
//   liaison_bench_mobile_core [--submissions N] [--members N] [--dir DIR]
//   liaison_bench_mobile_core --cold-open PATH     (the child process the main run starts)
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "liaison/liaison.h"
#include "liaison/sync/batch_codec.h"
#include "liaison/sync/v1/sync.pb.h"
#include "liaison/v1/forms.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace pb = liaison::v1;
namespace wire = liaison::sync::v1;

std::array<uint8_t, LIAISON_KEY_SIZE> benchKey() {
  std::array<uint8_t, LIAISON_KEY_SIZE> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(i * 11 + 3);
  return k;
}

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time (user + system) of this process so far, in seconds: separates the work from the
// time spent waiting for fsync, which dominates wall time on a shared disk.
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

[[noreturn]] void die(const char* what, const liaison_error& e) {
  std::fprintf(stderr, "%s: %s (%s)\n", what, e.message, liaison_error_code_name(e.code));
  std::exit(1);
}

pb::Form benchForm() {
  pb::Form f;
  f.set_id("survey");
  f.set_version(1);
  auto add = [&](std::string id, pb::FieldType t, bool required) {
    pb::FormField* x = f.add_fields();
    x->set_id(std::move(id));
    x->set_type(t);
    x->set_required(required);
    x->mutable_label()->add_translations()->set_text("label");
    return x;
  };
  for (int i = 0; i < 6; ++i) add("text" + std::to_string(i), pb::FIELD_TYPE_TEXT, true);
  pb::FormField* n = add("count", pb::FIELD_TYPE_NUMBER, true);
  n->set_min(0);
  n->set_max(100);
  pb::FormField* c = add("choice", pb::FIELD_TYPE_SINGLE_CHOICE, true);
  for (const char* id : {"a", "b", "c", "d"}) c->add_choices()->set_id(id);
  pb::FormField* m = add("multi", pb::FIELD_TYPE_MULTIPLE_CHOICE, false);
  for (const char* id : {"x", "y", "z"}) m->add_choices()->set_id(id);
  add("date", pb::FIELD_TYPE_DATE, true);
  add("phone", pb::FIELD_TYPE_PHONE_NUMBER, false);
  add("place", pb::FIELD_TYPE_COARSE_LOCATION, false);
  return f;
}

std::string benchSubmission(long i) {
  pb::Submission s;
  s.set_form_id("survey");
  s.set_form_version(1);
  auto v = [&](const std::string& id) {
    pb::FieldValue* x = s.add_values();
    x->set_field_id(id);
    return x;
  };
  for (int t = 0; t < 6; ++t)
    v("text" + std::to_string(t))->set_text("answer text " + std::to_string(i));
  v("count")->set_number(static_cast<double>(i % 100));
  v("choice")->set_choice_id("b");
  v("multi")->mutable_choice_ids()->add_values("y");
  v("date")->set_date("2026-03-14");
  v("phone")->set_phone_e164("+49151" + std::to_string(10000000 + i));
  v("place")->mutable_location()->set_country("DE");
  return s.SerializeAsString();
}

int coldOpen(const char* path) {
  const auto key = benchKey();
  liaison_error err{};
  const auto t0 = Clock::now();
  liaison_store* store = liaison_store_open(path, key.data(), key.size(), &err);
  if (store == nullptr) die("open", err);
  const double open_s = secondsSince(t0);
  const auto t1 = Clock::now();
  const int64_t pending = liaison_store_pending_count(store, &err);
  liaison_buffer members{};
  if (!liaison_member_list(store, &members, &err)) die("member list", err);
  const double first_read_s = secondsSince(t1);
  liaison_buffer_free(&members);
  liaison_store_close(store);
  std::printf(
      "cold open (fresh process): %.2f ms; then pending count + member list: %.2f ms "
      "(%lld pending)\n",
      open_s * 1e3, first_read_s * 1e3, static_cast<long long>(pending));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  long submissions = 10000;
  long members = 1000;
  std::string dir = "/tmp/liaison-mobile-bench";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--cold-open" && i + 1 < argc) return coldOpen(argv[i + 1]);
    if (a == "--submissions" && i + 1 < argc)
      submissions = std::atol(argv[++i]);
    else if (a == "--members" && i + 1 < argc)
      members = std::atol(argv[++i]);
    else if (a == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--submissions N] [--members N] [--dir DIR]\n", argv[0]);
      return 2;
    }
  }
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/bench.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);

  const auto key = benchKey();
  liaison_error err{};
  liaison_store* store = liaison_store_open(path.c_str(), key.data(), key.size(), &err);
  if (store == nullptr) die("open", err);
  if (!liaison_store_enrol(store, "bench-device", &err)) die("enrol", err);

  // The form arrives by sync, as in the field.
  wire::SyncResponse page;
  page.set_protocol_version(1);
  page.set_status(wire::ERROR_CODE_OK);
  wire::PublishedRecord* rec = page.add_records();
  rec->set_scope("forms");
  rec->set_seq(1);
  *rec->mutable_form() = benchForm();
  liaison::sync::sealPage(&page);
  const std::string page_bytes = page.SerializeAsString();
  if (!liaison_sync_apply_response(store, reinterpret_cast<const uint8_t*>(page_bytes.data()),
                                   page_bytes.size(), nullptr, &err)) {
    die("apply form", err);
  }

  std::vector<std::string> inputs;
  inputs.reserve(submissions);
  for (long i = 0; i < submissions; ++i) inputs.push_back(benchSubmission(i));
  std::vector<std::array<char, LIAISON_ID_SIZE>> ids(submissions);

  auto t0 = Clock::now();
  double c0 = cpuSeconds();
  for (long i = 0; i < submissions; ++i) {
    if (!liaison_submission_save_draft(store, reinterpret_cast<const uint8_t*>(inputs[i].data()),
                                       inputs[i].size(), ids[i].data(), &err)) {
      die("save draft", err);
    }
  }
  const double draft_s = secondsSince(t0);
  const double draft_cpu = cpuSeconds() - c0;
  t0 = Clock::now();
  c0 = cpuSeconds();
  for (long i = 0; i < submissions; ++i) {
    if (!liaison_submission_finalise(store, ids[i].data(), nullptr, &err)) die("finalise", err);
  }
  const double final_s = secondsSince(t0);
  const double final_cpu = cpuSeconds() - c0;

  t0 = Clock::now();
  for (long i = 0; i < members; ++i) {
    pb::Registration r;
    r.mutable_contact()->set_phone_e164("+90532" + std::to_string(1000000 + i));
    r.mutable_contact()->set_display_name("Member " + std::to_string(i));
    r.mutable_consent()->set_wording_version("v1");
    r.mutable_consent()->set_language("tr");
    r.mutable_consent()->set_recorded_by("staff-1");
    const std::string bytes = r.SerializeAsString();
    char id[LIAISON_ID_SIZE];
    if (!liaison_member_register(store, reinterpret_cast<const uint8_t*>(bytes.data()),
                                 bytes.size(), id, &err)) {
      die("register", err);
    }
  }
  const double member_s = secondsSince(t0);

  t0 = Clock::now();
  liaison_buffer list{};
  if (!liaison_submission_list(store, "survey", &list, &err)) die("list", err);
  const double list_s = secondsSince(t0);
  const std::size_t list_bytes = list.size;
  liaison_buffer_free(&list);
  // Lookups by phone number through the blind index, spread over the registered members.
  const long finds = members < 200 ? members : 200;
  t0 = Clock::now();
  for (long i = 0; i < finds; ++i) {
    liaison_buffer found{};
    const std::string phone = "+90532" + std::to_string(1000000 + i * (members / finds));
    if (!liaison_member_find_by_phone(store, phone.c_str(), &found, &err)) die("find", err);
    liaison_buffer_free(&found);
  }
  const double find_s = finds > 0 ? secondsSince(t0) / finds : 0;
  liaison_store_close(store);

  std::printf("submissions: %ld (12 fields), members: %ld\n", submissions, members);
  std::printf("save draft:  %.2f s total, %.1f us each, CPU %.1f us each\n", draft_s,
              draft_s * 1e6 / submissions, draft_cpu * 1e6 / submissions);
  std::printf(
      "finalise:    %.2f s total, %.1f us each, CPU %.1f us each (validate, seal, "
      "record + outbox, one durable commit each)\n",
      final_s, final_s * 1e6 / submissions, final_cpu * 1e6 / submissions);
  std::printf("register:    %.2f s total, %.1f us each\n", member_s, member_s * 1e6 / members);
  std::printf("list all submissions (decrypt + parse): %.1f ms, %zu bytes\n", list_s * 1e3,
              list_bytes);
  std::printf("find member by phone (blind index): %.1f us each (mean of %ld)\n", find_s * 1e6,
              finds);
  std::printf("store file: %.1f MiB; peak RSS %ld KiB\n",
              static_cast<double>(std::filesystem::file_size(path)) / (1 << 20), peakRssKiB());
  std::fflush(stdout);

  // Cold open in a fresh process: nothing of the core initialised yet.
  const std::string cmd = std::string("'") + argv[0] + "' --cold-open '" + path + "'";
  return std::system(cmd.c_str()) == 0 ? 0 : 1;
}
