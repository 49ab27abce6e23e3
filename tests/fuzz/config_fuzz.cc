// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the daemon's TOML configuration (config/config.h), which an operator
// writes by hand (STYLE R8). No crash, leak or UB on any bytes; a refused file always names at
// least one problem, each with a message; no problem text repeats a secret's value.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.h"

namespace {

#define check(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::fprintf(stderr, "config_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                   \
    }                                                                 \
  } while (0)

// Every *_env secret resolves to this value, so a leak into a message is detectable.
constexpr std::string_view kSecret = "fuzz-secret-7f3a9c1e5b2d4f6a8c0e2b4d6f8a0c2e";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace config = liaison::gateway::config;
  config::LoadOptions options;
  options.env = [](const std::string&) { return std::optional<std::string>(kSecret); };
  options.base_dir = "/nonexistent-liaison-fuzz";  // *_file secrets resolve nowhere
  options.check_files = false;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const config::LoadResult r = config::parseConfig(text, options, "fuzz.toml");
  if (r.ok()) {
    check(!r.config.tenants.empty());
    return 0;
  }
  // The value reaches the loader only through the environment; if the file itself contains the
  // same text (the fuzzer copies constants it sees compared), a message quoting the file is
  // not a leak.
  const bool in_file = text.find(kSecret) != std::string_view::npos;
  for (const config::ConfigIssue& issue : r.issues) {
    check(!issue.message.empty());
    if (!in_file && issue.text().find(kSecret) != std::string::npos) {
      std::fprintf(stderr, "config_fuzz: a secret in: %s\n", issue.text().c_str());
      std::abort();
    }
  }
  const std::string all = config::formatIssues(r.issues, "fuzz.toml");
  check(in_file || all.find(kSecret) == std::string::npos);
  return 0;
}
