// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The C API: argument checks, then a call into the C++ core, then error mapping. No logic.
#include <cstring>
#include <memory>

#include "c_api_internal.h"
#include "liaison/liaison.h"
#include "store.h"

struct liaison_store {
  std::unique_ptr<liaison::mobile::Store> impl;
};

namespace liaison::mobile {

namespace {

liaison_error_code codeOf(sync::Status::Code code) {
  using C = sync::Status::Code;
  switch (code) {
    case C::Ok: return LIAISON_OK;
    case C::NotFound: return LIAISON_ERROR_NOT_FOUND;
    case C::InvalidArgument: return LIAISON_ERROR_INVALID_ARGUMENT;
    case C::Corruption: return LIAISON_ERROR_CORRUPT;
    case C::IoError: return LIAISON_ERROR_IO;
    case C::Conflict: return LIAISON_ERROR_CONFLICT;
    case C::Unavailable: return LIAISON_ERROR_UNAVAILABLE;
    case C::PermissionDenied: return LIAISON_ERROR_PERMISSION_DENIED;
    case C::ResourceExhausted: return LIAISON_ERROR_RESOURCE_EXHAUSTED;
    case C::Unsupported: return LIAISON_ERROR_UNSUPPORTED;
    case C::Internal: return LIAISON_ERROR_INTERNAL;
  }
  return LIAISON_ERROR_INTERNAL;
}

liaison_error_domain domainOf(sync::Status::Code code) {
  using C = sync::Status::Code;
  switch (code) {
    case C::Corruption:
    case C::IoError:
    case C::ResourceExhausted: return LIAISON_DOMAIN_STORAGE;
    default: return LIAISON_DOMAIN_LIAISON;
  }
}

}  // namespace

void setError(liaison_error* out, liaison_error_domain domain, liaison_error_code code,
              const char* message) {
  if (!out) return;
  out->domain = domain;
  out->code = code;
  std::strncpy(out->message, message ? message : "", sizeof out->message - 1);
  out->message[sizeof out->message - 1] = '\0';
}

void setError(liaison_error* out, const sync::Status& status) {
  setError(out, domainOf(status.code()), codeOf(status.code()), status.message().c_str());
}

}  // namespace liaison::mobile

using liaison::mobile::setError;
using liaison::mobile::tryC;

extern "C" {

const char* liaison_version(void) { return LIAISON_VERSION; }

const char* liaison_error_code_name(int32_t code) {
  switch (code) {
    case LIAISON_OK: return "LIAISON_OK";
    case LIAISON_ERROR_INVALID_ARGUMENT: return "LIAISON_ERROR_INVALID_ARGUMENT";
    case LIAISON_ERROR_NOT_FOUND: return "LIAISON_ERROR_NOT_FOUND";
    case LIAISON_ERROR_IO: return "LIAISON_ERROR_IO";
    case LIAISON_ERROR_CORRUPT: return "LIAISON_ERROR_CORRUPT";
    case LIAISON_ERROR_CONFLICT: return "LIAISON_ERROR_CONFLICT";
    case LIAISON_ERROR_UNAVAILABLE: return "LIAISON_ERROR_UNAVAILABLE";
    case LIAISON_ERROR_PERMISSION_DENIED: return "LIAISON_ERROR_PERMISSION_DENIED";
    case LIAISON_ERROR_RESOURCE_EXHAUSTED: return "LIAISON_ERROR_RESOURCE_EXHAUSTED";
    case LIAISON_ERROR_UNSUPPORTED: return "LIAISON_ERROR_UNSUPPORTED";
    case LIAISON_ERROR_INTERNAL: return "LIAISON_ERROR_INTERNAL";
    default: return "LIAISON_ERROR_UNKNOWN";
  }
}

liaison_store* liaison_store_open(const char* path, liaison_error* out_error) {
  return tryC<liaison_store*>(out_error, nullptr, [&]() -> liaison_store* {
    if (path == nullptr || *path == '\0') {
      setError(out_error, LIAISON_DOMAIN_LIAISON, LIAISON_ERROR_INVALID_ARGUMENT,
               "path is NULL or empty");
      return nullptr;
    }
    auto opened = liaison::mobile::Store::open(path);
    if (!opened.ok()) {
      setError(out_error, opened.status());
      return nullptr;
    }
    return new liaison_store{std::move(opened).value()};
  });
}

void liaison_store_close(liaison_store* store) {
  tryC<int>(nullptr, 0, [&] {
    delete store;
    return 0;
  });
}

int32_t liaison_store_schema_version(const liaison_store* store) {
  return tryC<int32_t>(nullptr, -1, [&] { return store ? store->impl->schemaVersion() : -1; });
}

}  // extern "C"
