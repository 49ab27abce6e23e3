// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The one place where C++ failures become liaison_error values (STYLE R4). Every C entry
// point wraps its body in tryC(), so no exception crosses the C boundary.
#pragma once

#include <exception>
#include <new>
#include <utility>

#include "liaison/liaison.h"
#include "liaison/sync/status.h"

namespace liaison::mobile {

// Fills `out` (when not null) from a non-OK status.
void setError(liaison_error* out, const sync::Status& status);
// Fills `out` for an error detected at the boundary itself.
void setError(liaison_error* out, liaison_error_domain domain, liaison_error_code code,
              const char* message);

// Runs `body`; any escaping exception becomes LIAISON_ERROR_INTERNAL (or RESOURCE_EXHAUSTED
// for bad_alloc) in `out` and `fallback` is returned.
template <typename R, typename F>
R tryC(liaison_error* out, R fallback, F&& body) noexcept {
  try {
    return std::forward<F>(body)();
  } catch (const std::bad_alloc&) {
    setError(out, LIAISON_DOMAIN_LIAISON, LIAISON_ERROR_RESOURCE_EXHAUSTED, "out of memory");
  } catch (...) {
    setError(out, LIAISON_DOMAIN_LIAISON, LIAISON_ERROR_INTERNAL, "internal error");
  }
  return fallback;
}

}  // namespace liaison::mobile
