/* Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
 *
 * liaison.h: the C API of Liaison's mobile core, the only header Android and iOS apps see.
 *
 * Conventions (they hold for every function below):
 * - Objects are opaque handles (`liaison_store*`) created by `liaison_<object>_open/new`
 *   and released by exactly one call to `liaison_<object>_close/free`. Functions are named
 *   `liaison_<object>_<verb>`.
 * - Strings passed in are NUL-terminated UTF-8 and are copied if kept; buffers are passed as
 *   pointer + length. Strings returned as `const char*` are owned by the library and live as
 *   long as the documented owner.
 * - A function that can fail returns `bool` (true = success) or a handle (NULL = failure) and
 *   takes `liaison_error* out_error` as its last parameter. On failure, if `out_error` is not
 *   NULL it is filled in; on success it is left untouched. Errors are plain values: branch on
 *   `domain` and `code`, never on `message` (which is English, for logs, and free of personal
 *   data). There is no thread-local "last error".
 * - No function throws or aborts on bad input; every entry point is noexcept.
 * - Thread-safety is stated per function. Unless stated otherwise, a handle may be used from
 *   any thread but by one thread at a time.
 */
#ifndef LIAISON_LIAISON_H_
#define LIAISON_LIAISON_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define LIAISON_EXPORT __attribute__((visibility("default")))
#else
#define LIAISON_EXPORT
#endif

/** Where an error came from. */
typedef enum liaison_error_domain {
  LIAISON_DOMAIN_NONE = 0,    /**< no error */
  LIAISON_DOMAIN_LIAISON = 1, /**< the core's own checks */
  LIAISON_DOMAIN_STORAGE = 2, /**< the on-device database */
  LIAISON_DOMAIN_NETWORK = 3, /**< sync transport */
} liaison_error_domain;

/** What went wrong. Stable: bindings map these to their own types. */
typedef enum liaison_error_code {
  LIAISON_OK = 0,
  LIAISON_ERROR_INVALID_ARGUMENT = 1, /**< a parameter is NULL, empty or out of range */
  LIAISON_ERROR_NOT_FOUND = 2,
  LIAISON_ERROR_IO = 3,      /**< the file system refused (permissions, disk full) */
  LIAISON_ERROR_CORRUPT = 4, /**< the database or a message is damaged */
  LIAISON_ERROR_CONFLICT = 5,
  LIAISON_ERROR_UNAVAILABLE = 6, /**< try again later */
  LIAISON_ERROR_PERMISSION_DENIED = 7,
  LIAISON_ERROR_RESOURCE_EXHAUSTED = 8,
  LIAISON_ERROR_UNSUPPORTED = 9, /**< e.g. a database from a newer app version */
  LIAISON_ERROR_INTERNAL = 10,   /**< a bug in the core: please report it */
} liaison_error_code;

/** An error as a plain value; needs no freeing. */
typedef struct liaison_error {
  int32_t domain;    /**< a liaison_error_domain */
  int32_t code;      /**< a liaison_error_code */
  char message[256]; /**< NUL-terminated English text for logs; never personal data */
} liaison_error;

/** The core's version, e.g. "0.1.0". Static storage. Thread-safe. */
LIAISON_EXPORT const char* liaison_version(void);

/** Name of an error code, e.g. "LIAISON_ERROR_IO". Static storage. Thread-safe. */
LIAISON_EXPORT const char* liaison_error_code_name(int32_t code);

/** The on-device store: one SQLite database file (plus its WAL). */
typedef struct liaison_store liaison_store;

/**
 * Opens (creating if needed) the store at `path` and migrates it to the current schema.
 * Returns NULL and fills `out_error` on failure (e.g. LIAISON_ERROR_IO when the directory
 * does not exist, LIAISON_ERROR_UNSUPPORTED for a database from a newer version).
 * Thread-safe. Release with liaison_store_close.
 */
LIAISON_EXPORT liaison_store* liaison_store_open(const char* path, liaison_error* out_error);

/** Closes the store and frees the handle. NULL is allowed and ignored. */
LIAISON_EXPORT void liaison_store_close(liaison_store* store);

/** The schema version of an open store (number of migrations applied). */
LIAISON_EXPORT int32_t liaison_store_schema_version(const liaison_store* store);

#ifdef __cplusplus
}
#endif

#endif /* LIAISON_LIAISON_H_ */
