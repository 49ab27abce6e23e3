// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A fresh directory per test, removed afterwards (STYLE R17). Lives under
// $LIAISON_TEST_TMPDIR when set (the build tree), else the system temp directory.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

namespace liaison::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("LIAISON_TEST_TMPDIR");
    std::filesystem::path root = base ? base : std::filesystem::temp_directory_path();
    std::random_device rd;
    for (;;) {
      path_ = root / ("liaison-test-" + std::to_string(rd()));
      if (std::filesystem::create_directories(path_)) break;
    }
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace liaison::testing
