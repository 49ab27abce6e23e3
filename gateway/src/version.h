// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Build identity of the gateway: version and the library versions it was built against.
#pragma once

#include <string>

namespace liaison::gateway {

// "0.1.0".
const char* versionString();
// One line per component, e.g. "sqlite 3.40.1", for `liaison --version`.
std::string buildInfo();

}  // namespace liaison::gateway
