/* Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
 *
 * A test written in C against the shipped shared library: proves liaison.h is valid C and
 * the exported functions behave as its conventions say. Usage: liaison_c_api_c_test TMPDIR
 */
#include <stdio.h>
#include <string.h>

#include "liaison/liaison.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

int main(int argc, char** argv) {
  char path[1024];
  liaison_error err;
  liaison_store* store;
  if (argc < 2) {
    fprintf(stderr, "usage: %s TMPDIR\n", argv[0]);
    return 2;
  }

  CHECK(strlen(liaison_version()) > 0);
  CHECK(strcmp(liaison_error_code_name(LIAISON_ERROR_IO), "LIAISON_ERROR_IO") == 0);

  /* Bad argument: NULL path fills the error and returns NULL. */
  memset(&err, 0, sizeof err);
  CHECK(liaison_store_open(NULL, &err) == NULL);
  CHECK(err.code == LIAISON_ERROR_INVALID_ARGUMENT);
  CHECK(err.domain == LIAISON_DOMAIN_LIAISON);
  CHECK(strlen(err.message) > 0);

  /* A NULL out_error is allowed. */
  CHECK(liaison_store_open(NULL, NULL) == NULL);

  /* A directory that does not exist: a storage error. */
  snprintf(path, sizeof path, "%s/does/not/exist/c.db", argv[1]);
  memset(&err, 0, sizeof err);
  CHECK(liaison_store_open(path, &err) == NULL);
  CHECK(err.domain == LIAISON_DOMAIN_STORAGE);
  CHECK(err.code == LIAISON_ERROR_IO);

  /* Success leaves out_error untouched. */
  snprintf(path, sizeof path, "%s/c_api_c_test.db", argv[1]);
  remove(path);
  memset(&err, 0x5a, sizeof err);
  store = liaison_store_open(path, &err);
  CHECK(store != NULL);
  CHECK(err.code == 0x5a5a5a5a);
  CHECK(liaison_store_schema_version(store) >= 1);
  liaison_store_close(store);
  liaison_store_close(NULL);

  if (failures == 0) printf("c_api C test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
