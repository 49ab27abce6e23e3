// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A self-signed certificate for 127.0.0.1, made with the openssl command at test time
// (scripts/setup installs it): <name>.pem and <name>.key in `dir`.
#pragma once

#include <cstdlib>
#include <string>

#include "temp_dir.h"

namespace liaison::testing {

inline bool makeCertificate(const TempDir& dir, const std::string& name) {
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
      " -addext subjectAltName=IP:127.0.0.1 -keyout " +
      dir.file(name + ".key") + " -out " + dir.file(name + ".pem") + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace liaison::testing
