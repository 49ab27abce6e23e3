// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Shared pieces of the mobile-core tests: a store in a fresh directory with an injected clock
// and deterministic ids, sample forms and records, and a raw-file scanner for the
// encryption-at-rest checks.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "store.h"
#include "temp_dir.h"

namespace liaison::mobile::testing {

inline std::array<uint8_t, 32> testKey(uint8_t seed) {
  std::array<uint8_t, 32> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed + i * 7);
  return k;
}

// Members, answers and places the tests write and then look for in the raw files.
inline constexpr const char* kPhone = "+4915112345678";
inline constexpr const char* kPhone2 = "+905321234567";
inline constexpr const char* kName = "Ayse Yilmaz-Demirtas";
inline constexpr const char* kCity = "Ludwigsburg";
inline constexpr const char* kAnswer = "works nights at the bakery on Lindenstrasse";

inline pb::Form sampleForm(int32_t version = 1) {
  pb::Form f;
  f.set_id("household");
  f.set_version(version);
  f.mutable_title()->add_translations()->set_text("Household");
  auto add = [&](const char* id, pb::FieldType type, bool required) {
    pb::FormField* x = f.add_fields();
    x->set_id(id);
    x->set_type(type);
    x->set_required(required);
    x->mutable_label()->add_translations()->set_text(id);
    return x;
  };
  add("name", pb::FIELD_TYPE_TEXT, true)->set_max_chars(40);
  pb::FormField* size = add("size", pb::FIELD_TYPE_NUMBER, true);
  size->set_min(1);
  size->set_max(20);
  pb::FormField* work = add("work", pb::FIELD_TYPE_SINGLE_CHOICE, true);
  work->add_choices()->set_id("employed");
  work->add_choices()->set_id("seeking");
  pb::FormField* employer = add("employer", pb::FIELD_TYPE_TEXT, true);
  employer->mutable_show_if()->set_field_id("work");
  employer->mutable_show_if()->add_equals_any("employed");
  pb::FormField* langs = add("languages", pb::FIELD_TYPE_MULTIPLE_CHOICE, false);
  langs->add_choices()->set_id("de");
  langs->add_choices()->set_id("tr");
  langs->add_choices()->set_id("ku");
  add("arrived", pb::FIELD_TYPE_DATE, false);
  add("phone", pb::FIELD_TYPE_PHONE_NUMBER, false);
  add("place", pb::FIELD_TYPE_COARSE_LOCATION, false);
  return f;
}

// A submission of sampleForm() that passes every rule.
inline pb::Submission sampleSubmission(int32_t version = 1) {
  pb::Submission s;
  s.set_form_id("household");
  s.set_form_version(version);
  auto v = [&](const char* field) {
    pb::FieldValue* x = s.add_values();
    x->set_field_id(field);
    return x;
  };
  v("name")->set_text(kName);
  v("size")->set_number(4);
  v("work")->set_choice_id("employed");
  v("employer")->set_text(kAnswer);
  v("languages")->mutable_choice_ids()->add_values("tr");
  v("arrived")->set_date("2019-02-28");
  v("phone")->set_phone_e164(kPhone2);
  pb::CoarseLocation* loc = v("place")->mutable_location();
  loc->set_country("DE");
  loc->set_city(kCity);
  return s;
}

inline pb::Registration sampleRegistration(const std::string& phone = kPhone) {
  pb::Registration r;
  r.mutable_contact()->set_phone_e164(phone);
  r.mutable_contact()->set_display_name(kName);
  r.mutable_contact()->set_language("tr");
  r.mutable_contact()->mutable_location()->set_country("DE");
  r.mutable_contact()->mutable_location()->set_city(kCity);
  r.mutable_consent()->set_wording_version("consent-2026-03");
  r.mutable_consent()->set_language("tr");
  r.mutable_consent()->set_recorded_by("staff-17");
  return r;
}

// The raw bytes of a file ("" when it does not exist).
inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Which of `needles` occur in the database file or its -wal / -shm / -journal companions.
inline std::vector<std::string> findInStoreFiles(const std::string& db_path,
                                                 const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string bytes = readFile(db_path + suffix);
    for (const std::string& n : needles) {
      if (bytes.find(n) != std::string::npos) found.push_back(n + " in " + suffix);
    }
  }
  return found;
}

class StoreTest : public ::testing::Test {
 protected:
  StoreOptions options() {
    StoreOptions o;
    o.wall_clock_ms = [this] { return now_ms_; };
    o.random = [this](std::span<uint8_t> out) {
      for (uint8_t& b : out) b = static_cast<uint8_t>(rng_());
    };
    return o;
  }

  std::unique_ptr<Store> open(uint8_t key_seed = 1, const std::string& name = "m.db") {
    const auto key = testKey(key_seed);
    auto s = Store::open(dir_.file(name), key, options());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // An enrolled store that has sampleForm() version 1.
  std::unique_ptr<Store> openReady() {
    auto s = open();
    if (!s) return nullptr;
    EXPECT_TRUE(s->enrol("dev-a").ok());
    EXPECT_TRUE(s->putForm(sampleForm()).ok());
    return s;
  }

  std::string path(const std::string& name = "m.db") const { return dir_.file(name); }

  liaison::testing::TempDir dir_;
  uint64_t now_ms_ = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  std::mt19937 rng_{42};
};

}  // namespace liaison::mobile::testing
