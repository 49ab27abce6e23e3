/* Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
 *
 * A test written in C against the shipped shared library: proves liaison.h is valid C and
 * the exported functions behave as its conventions say, through one whole path an app takes:
 * open with a key (and a wrong key), enrol, register a member from hand-built protobuf bytes,
 * find the member by phone number, read its sync state. Usage: liaison_c_api_c_test TMPDIR
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

/* Appends a length-delimited protobuf field (`len` < 128) to buf at *n. */
static void put_bytes(uint8_t* buf, size_t* n, int field, const void* data, size_t len) {
  buf[(*n)++] = (uint8_t)((field << 3) | 2);
  buf[(*n)++] = (uint8_t)len;
  memcpy(buf + *n, data, len);
  *n += len;
}

static void put_string(uint8_t* buf, size_t* n, int field, const char* s) {
  put_bytes(buf, n, field, s, strlen(s));
}

/* Searches `hay` for `needle` (both byte ranges). */
static int contains(const uint8_t* hay, size_t hay_len, const char* needle) {
  size_t i, len = strlen(needle);
  for (i = 0; len <= hay_len && i <= hay_len - len; ++i) {
    if (memcmp(hay + i, needle, len) == 0) return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  char path[1024];
  char id[LIAISON_ID_SIZE];
  uint8_t key[LIAISON_KEY_SIZE];
  uint8_t other_key[LIAISON_KEY_SIZE];
  uint8_t contact[128], consent[128], reg[300];
  size_t contact_n = 0, consent_n = 0, reg_n = 0;
  liaison_error err;
  liaison_store* store;
  liaison_buffer buf = {NULL, 0};
  liaison_sync_status status;
  size_t i;
  if (argc < 2) {
    fprintf(stderr, "usage: %s TMPDIR\n", argv[0]);
    return 2;
  }
  for (i = 0; i < LIAISON_KEY_SIZE; ++i) {
    key[i] = (uint8_t)(i * 3 + 1);
    other_key[i] = (uint8_t)(i * 5 + 2);
  }

  CHECK(strlen(liaison_version()) > 0);
  CHECK(strcmp(liaison_error_code_name(LIAISON_ERROR_IO), "LIAISON_ERROR_IO") == 0);

  /* Bad arguments: NULL path or key fill the error and return NULL. */
  memset(&err, 0, sizeof err);
  CHECK(liaison_store_open(NULL, key, sizeof key, &err) == NULL);
  CHECK(err.code == LIAISON_ERROR_INVALID_ARGUMENT);
  CHECK(err.domain == LIAISON_DOMAIN_LIAISON);
  CHECK(strlen(err.message) > 0);
  CHECK(liaison_store_open(NULL, key, sizeof key, NULL) == NULL); /* NULL out_error is allowed */
  snprintf(path, sizeof path, "%s/c_api_c_test.db", argv[1]);
  memset(&err, 0, sizeof err);
  CHECK(liaison_store_open(path, NULL, 0, &err) == NULL);
  CHECK(err.code == LIAISON_ERROR_INVALID_ARGUMENT);

  /* A directory that does not exist: a storage error. */
  snprintf(path, sizeof path, "%s/does/not/exist/c.db", argv[1]);
  memset(&err, 0, sizeof err);
  CHECK(liaison_store_open(path, key, sizeof key, &err) == NULL);
  CHECK(err.domain == LIAISON_DOMAIN_STORAGE);
  CHECK(err.code == LIAISON_ERROR_IO);

  /* Success leaves out_error untouched. */
  snprintf(path, sizeof path, "%s/c_api_c_test.db", argv[1]);
  remove(path);
  memset(&err, 0x5a, sizeof err);
  store = liaison_store_open(path, key, sizeof key, &err);
  CHECK(store != NULL);
  if (store == NULL) return 1;
  CHECK(err.code == 0x5a5a5a5a);
  CHECK(liaison_store_schema_version(store) >= 3);
  CHECK(liaison_store_enrol(store, "dev-c-test", &err));

  /* Registration{contact{phone_e164=3, display_name=4, language=5},
   *              consent{wording_version=3, language=4, recorded_by=5}} */
  put_string(contact, &contact_n, 3, "+905551112233");
  put_string(contact, &contact_n, 4, "Zeynep Kaya");
  put_string(contact, &contact_n, 5, "tr");
  put_string(consent, &consent_n, 3, "consent-v1");
  put_string(consent, &consent_n, 4, "tr");
  put_string(consent, &consent_n, 5, "staff-9");
  put_bytes(reg, &reg_n, 1, contact, contact_n);
  put_bytes(reg, &reg_n, 2, consent, consent_n);
  CHECK(liaison_member_register(store, reg, reg_n, id, &err));
  CHECK(strlen(id) == 36);
  CHECK(liaison_store_pending_count(store, &err) == 1);

  /* The same number again: a conflict, with no number in the message. */
  memset(&err, 0, sizeof err);
  CHECK(!liaison_member_register(store, reg, reg_n, id, &err));
  CHECK(err.code == LIAISON_ERROR_CONFLICT);
  CHECK(strstr(err.message, "5551112233") == NULL);

  /* Found by number; the view carries the name. */
  CHECK(liaison_member_find_by_phone(store, "+905551112233", &buf, &err));
  CHECK(buf.data != NULL && contains(buf.data, buf.size, "Zeynep Kaya"));
  liaison_buffer_free(&buf);
  CHECK(buf.data == NULL && buf.size == 0);

  /* Pending until the gateway acknowledges it. */
  memset(&status, 0, sizeof status);
  CHECK(liaison_record_sync_status(store, id, &status, &err));
  CHECK(status.state == 2);
  CHECK(status.device_seq == 1);
  CHECK(status.rejection_detail[0] == '\0');

  /* Bytes that are not a Registration. */
  memset(&err, 0, sizeof err);
  CHECK(!liaison_member_register(store, (const uint8_t*)"\xff\xff", 2, id, &err));
  CHECK(err.code == LIAISON_ERROR_INVALID_ARGUMENT);
  liaison_store_close(store);
  liaison_store_close(NULL);

  /* Another key: refused with its own code, in the storage domain. */
  memset(&err, 0, sizeof err);
  CHECK(liaison_store_open(path, other_key, sizeof other_key, &err) == NULL);
  CHECK(err.domain == LIAISON_DOMAIN_STORAGE);
  CHECK(err.code == LIAISON_ERROR_WRONG_KEY);

  if (failures == 0) printf("c_api C test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
