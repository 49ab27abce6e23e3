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
 * - Records cross the boundary as serialised protobuf (pointer + length), lite runtime:
 *   `liaison.v1` messages in (Form, Registration, Submission, InboxItem; proto/liaison/v1) and
 *   `liaison.mobile.v1` views out (mobile-core/proto). Bytes the library returns come in a
 *   `liaison_buffer` that the caller releases with liaison_buffer_free.
 * - Ids the core makes (members, submissions) are UUIDv7 text, written into a caller's
 *   `char[LIAISON_ID_SIZE]`.
 * - The store is encrypted at rest with the app's 32-byte key (docs/adr/0007); the library
 *   copies the key and never writes it anywhere. Records, numbers and names are never part of
 *   an error message.
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
  LIAISON_ERROR_WRONG_KEY = 11,  /**< the key does not open this store (domain STORAGE) */
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

/** Bytes owned by the library (a serialised protobuf). Release with liaison_buffer_free. */
typedef struct liaison_buffer {
  uint8_t* data;
  size_t size;
} liaison_buffer;

/** Frees `buffer->data` and zeroes the struct. NULL and an empty buffer are allowed. */
LIAISON_EXPORT void liaison_buffer_free(liaison_buffer* buffer);

/** Bytes in a store key. */
#define LIAISON_KEY_SIZE 32
/** Bytes a caller provides for an id: 36 characters and the NUL. */
#define LIAISON_ID_SIZE 37

/** The on-device store: one SQLite database file (plus its WAL), encrypted record by record. */
typedef struct liaison_store liaison_store;

/**
 * Opens (creating if needed) the store at `path` with the app's `key` (LIAISON_KEY_SIZE random
 * bytes; on Android keep it wrapped by a Keystore key) and migrates it. A new store adopts the
 * key. Returns NULL and fills `out_error` on failure: LIAISON_ERROR_INVALID_ARGUMENT (NULL path,
 * NULL key or a key of another size), LIAISON_ERROR_WRONG_KEY (the key does not open this
 * store; the file is left untouched), LIAISON_ERROR_IO (e.g. the directory does not exist),
 * LIAISON_ERROR_CORRUPT (not a store, or damaged), LIAISON_ERROR_UNSUPPORTED (written by a newer
 * version). Thread-safe. Release with liaison_store_close.
 */
LIAISON_EXPORT liaison_store* liaison_store_open(const char* path, const uint8_t* key,
                                                 size_t key_size, liaison_error* out_error);

/**
 * Closes the store and frees the handle. NULL is allowed and ignored. No other call on this
 * store may be running or follow (the one call that is not thread-safe on a store).
 */
LIAISON_EXPORT void liaison_store_close(liaison_store* store);

/** The schema version of an open store (number of migrations applied); -1 for NULL. */
LIAISON_EXPORT int32_t liaison_store_schema_version(const liaison_store* store);

/*
 * Every function below takes an open store as its first argument and is thread-safe: calls
 * on one store from several threads are serialised.
 */

/**
 * Records the device id issued at enrolment (1-64 characters of [A-Za-z0-9._:-]; never
 * personal data). Needed before anything that syncs is written. The same id again is a no-op;
 * another id is LIAISON_ERROR_CONFLICT (a store belongs to one device for life).
 */
LIAISON_EXPORT bool liaison_store_enrol(liaison_store* store, const char* device_id,
                                        liaison_error* out_error);

/** Operations written but not yet acknowledged by the gateway; -1 on failure. */
LIAISON_EXPORT int64_t liaison_store_pending_count(liaison_store* store, liaison_error* out_error);

/**
 * Registers a member, with the consent captured on the spot, from a serialised
 * liaison.v1.Registration. The app fills contact.phone_e164 (E.164, required),
 * consent.wording_version, consent.language and consent.recorded_by (required), and optional
 * contact details; the core sets the id, status, timestamps and consent channel. The record is
 * immutable and queued for sync in the same transaction. Writes the new id to `out_id`.
 * Errors: INVALID_ARGUMENT, CONFLICT (this number is already registered on the device),
 * UNAVAILABLE (not enrolled).
 */
LIAISON_EXPORT bool liaison_member_register(liaison_store* store, const uint8_t* registration,
                                            size_t size, char out_id[LIAISON_ID_SIZE],
                                            liaison_error* out_error);

/** A member as a serialised liaison.mobile.v1.MemberView. NOT_FOUND when absent. */
LIAISON_EXPORT bool liaison_member_get(liaison_store* store, const char* id, liaison_buffer* out,
                                       liaison_error* out_error);

/** Finds a member by E.164 number (e.g. "+4915112345678"). NOT_FOUND when absent. */
LIAISON_EXPORT bool liaison_member_find_by_phone(liaison_store* store, const char* phone_e164,
                                                 liaison_buffer* out, liaison_error* out_error);

/** Every member, newest first, as a serialised liaison.mobile.v1.MemberList. */
LIAISON_EXPORT bool liaison_member_list(liaison_store* store, liaison_buffer* out,
                                        liaison_error* out_error);

/** The newest version of every form on the device, as a liaison.mobile.v1.FormList. */
LIAISON_EXPORT bool liaison_form_list(liaison_store* store, liaison_buffer* out,
                                      liaison_error* out_error);

/**
 * A form as a serialised liaison.v1.Form; `version` 0 means the newest on the device.
 * NOT_FOUND when absent.
 */
LIAISON_EXPORT bool liaison_form_get(liaison_store* store, const char* form_id, int32_t version,
                                     liaison_buffer* out, liaison_error* out_error);

/**
 * Saves a draft from a serialised liaison.v1.Submission (local only; drafts never sync). An
 * empty id makes a new draft; a draft's id replaces its values. The form must be on the device
 * (NOT_FOUND) and each value must name one of its fields with the right type
 * (INVALID_ARGUMENT). A correction sets corrects_id to a finalised submission of the same
 * form. CONFLICT when the id is a finalised submission. Writes the draft's id to `out_id`.
 */
LIAISON_EXPORT bool liaison_submission_save_draft(liaison_store* store, const uint8_t* submission,
                                                  size_t size, char out_id[LIAISON_ID_SIZE],
                                                  liaison_error* out_error);

/**
 * Checks a draft against every rule of its form (required fields, constraints, show-if) and
 * finalises it: immutable from then on and queued for sync in the same transaction. On
 * INVALID_ARGUMENT the message names the rule and field id and the draft is unchanged.
 * Other errors: NOT_FOUND, CONFLICT (already finalised), UNAVAILABLE (not enrolled).
 * Fills `out` (may be NULL) with the finalised liaison.mobile.v1.SubmissionView.
 */
LIAISON_EXPORT bool liaison_submission_finalise(liaison_store* store, const char* id,
                                                liaison_buffer* out, liaison_error* out_error);

/** Deletes a draft. NOT_FOUND; CONFLICT for a finalised submission (never deleted). */
LIAISON_EXPORT bool liaison_submission_discard_draft(liaison_store* store, const char* id,
                                                     liaison_error* out_error);

/** A submission as a serialised liaison.mobile.v1.SubmissionView. NOT_FOUND when absent. */
LIAISON_EXPORT bool liaison_submission_get(liaison_store* store, const char* id,
                                           liaison_buffer* out, liaison_error* out_error);

/**
 * Submissions (drafts and finalised), newest first, as a liaison.mobile.v1.SubmissionList;
 * `form_id` NULL or "" for every form.
 */
LIAISON_EXPORT bool liaison_submission_list(liaison_store* store, const char* form_id,
                                            liaison_buffer* out, liaison_error* out_error);

/** The inbox, newest first, as a serialised liaison.mobile.v1.InboxList. */
LIAISON_EXPORT bool liaison_inbox_list(liaison_store* store, liaison_buffer* out,
                                       liaison_error* out_error);

/** Marks an inbox item read (the first time counts). NOT_FOUND when absent. */
LIAISON_EXPORT bool liaison_inbox_mark_read(liaison_store* store, const char* id,
                                            liaison_error* out_error);

/** Where a member or submission stands with the gateway (liaison.mobile.v1.SyncState). */
typedef struct liaison_sync_status {
  int32_t state;              /**< 1 local (draft), 2 pending, 3 synced, 4 rejected */
  uint64_t device_seq;        /**< the operation carrying the record; 0 for drafts */
  int32_t rejection_code;     /**< liaison.sync.v1.ErrorCode when rejected, else 0 */
  char rejection_detail[256]; /**< PII-free reason from the gateway when rejected, else "" */
} liaison_sync_status;

/** The sync state of a member or submission by id. NOT_FOUND when neither has it. */
LIAISON_EXPORT bool liaison_record_sync_status(liaison_store* store, const char* id,
                                               liaison_sync_status* out, liaison_error* out_error);

/**
 * Sync without a transport of the core's own (for an app's own HTTP stack, e.g. iOS background
 * transfers; the core's libcurl client uses the same two calls). Follow the scopes the device
 * reads, build a request, POST it, and apply the response bytes.
 */

/** Follows a published scope (1-128 bytes) from its beginning; following it again is a no-op. */
LIAISON_EXPORT bool liaison_sync_follow_scope(liaison_store* store, const char* scope,
                                              liaison_error* out_error);

/**
 * The next serialised liaison.sync.v1.SyncRequest: the oldest `max_operations` (1-500)
 * unacknowledged operations and every followed scope's cursor, checked as the gateway will
 * check it. UNAVAILABLE before enrolment.
 */
LIAISON_EXPORT bool liaison_sync_build_request(liaison_store* store, uint32_t max_operations,
                                               liaison_buffer* out, liaison_error* out_error);

/**
 * Applies a serialised liaison.sync.v1.SyncResponse in one transaction: acknowledged records
 * become synced or rejected (rejected ones are kept, with the reason), forms and inbox items
 * are stored, cursors move. All or nothing: on CORRUPT (bad page seal or content),
 * UNSUPPORTED, PERMISSION_DENIED, UNAVAILABLE or INVALID_ARGUMENT nothing changed. Sets
 * `*out_more` (may be NULL) when the gateway has another page.
 */
LIAISON_EXPORT bool liaison_sync_apply_response(liaison_store* store, const uint8_t* response,
                                                size_t size, bool* out_more,
                                                liaison_error* out_error);

/*
 * The core's own sync client: HTTPS over libcurl to the gateway (docs/sync-protocol.md).
 * Certificates and host names are always verified; plain http is refused except to a loopback
 * address. A run pushes the outbox oldest first in chunks (memory stays bounded however long
 * the device was offline) and pulls every followed scope page by page until caught up. Every
 * exchange is all or nothing on both sides, so a connection cut at any point loses and doubles
 * nothing: the next run carries on. The client may also run itself on a timer, retrying
 * failures with exponential backoff and jitter.
 *
 * The store must stay open while a client uses it: free the client first. Every function
 * below is thread-safe; runs are serialised (one at a time, app or worker).
 */

/** A sync client bound to one store. */
typedef struct liaison_sync_client liaison_sync_client;

/** Bytes a caller provides for a device id: 64 characters and the NUL. */
#define LIAISON_DEVICE_ID_SIZE 65

/**
 * Creates a client for the gateway at `gateway_url` (e.g. "https://liaison.example.org"; a
 * path prefix is kept). `ca_file` (may be NULL) names a PEM bundle of trusted CAs instead of
 * the system's. INVALID_ARGUMENT for a URL that is not https (or http to a loopback address),
 * or that carries a query. Release with liaison_sync_client_free.
 */
LIAISON_EXPORT liaison_sync_client* liaison_sync_client_new(liaison_store* store,
                                                            const char* gateway_url,
                                                            const char* ca_file,
                                                            liaison_error* out_error);

/** Stops the worker (waiting for a run in progress) and frees the client. NULL is ignored. */
LIAISON_EXPORT void liaison_sync_client_free(liaison_sync_client* client);

/**
 * Enrols the device with a one-time code from an officer (XXXXX-XXXXX-XXXXX-XXXXX; case,
 * dashes and spaces do not matter). The device makes an Ed25519 key pair, keeps the secret key
 * sealed in the store, and follows every scope of its grant. Writes the device id to
 * `out_device_id` (may be NULL). Errors: INVALID_ARGUMENT (not a code),
 * PERMISSION_DENIED (unknown, expired or used code: the message says which), CONFLICT (the
 * store is enrolled as another device), UNAVAILABLE (domain NETWORK: try again later).
 */
LIAISON_EXPORT bool liaison_sync_enrol(liaison_sync_client* client, const char* code,
                                       char out_device_id[LIAISON_DEVICE_ID_SIZE],
                                       liaison_error* out_error);

/** Where a run stands; passed to the progress callback. Counts only. */
typedef struct liaison_sync_progress {
  int32_t phase;     /**< 1 pushing the outbox, 2 pulling published records */
  uint64_t sent;     /**< operations acknowledged so far in this run */
  int64_t pending;   /**< operations still in the outbox */
  uint64_t received; /**< published records applied so far in this run */
  int32_t exchanges; /**< round trips so far */
} liaison_sync_progress;

/**
 * Called on the thread doing the run after each exchange that got an answer. It must return
 * quickly and must not call back into the same client.
 */
typedef void (*liaison_sync_progress_fn)(const liaison_sync_progress* progress, void* user);

/** Sets (or with NULL clears) the progress callback; waits for a run in progress. */
LIAISON_EXPORT bool liaison_sync_set_progress(liaison_sync_client* client,
                                              liaison_sync_progress_fn fn, void* user,
                                              liaison_error* out_error);

/**
 * Runs one sync session now, on the calling thread, until caught up. Fills `out_report` (may
 * be NULL) with a serialised liaison.mobile.v1.SyncReport (sent, received, rejected records
 * with the gateway's reasons), also when the run fails part-way: what was done stays done.
 * Errors: UNAVAILABLE in domain NETWORK (no network, gateway busy or down, a damaged answer:
 * retry later, nothing is lost), PERMISSION_DENIED (not enrolled, device revoked, signature
 * refused: enrol again; records are kept), UNSUPPORTED (the gateway needs a newer app), and
 * the store's own errors.
 */
LIAISON_EXPORT bool liaison_sync_run(liaison_sync_client* client, liaison_buffer* out_report,
                                     liaison_error* out_error);

/**
 * Starts the background worker: a run now, then every `interval_seconds` (0: 15 minutes); a
 * failed run worth retrying is retried after 5 s, 10 s, 20 s ... up to 30 minutes, each with
 * random jitter; after a failure retrying cannot fix (revoked, app update needed) it waits for
 * liaison_sync_trigger. Starting a running worker only updates the interval.
 */
LIAISON_EXPORT bool liaison_sync_start(liaison_sync_client* client, uint32_t interval_seconds,
                                       liaison_error* out_error);

/** Stops the worker, cutting a transfer in progress short. NULL and a stopped client are ok. */
LIAISON_EXPORT void liaison_sync_stop(liaison_sync_client* client);

/** Asks the worker to run now (after a save, or when the network returns). NULL is ignored. */
LIAISON_EXPORT void liaison_sync_trigger(liaison_sync_client* client);

/**
 * The worker's last run: its report in `out_report` (may be NULL; empty before the first
 * run) and true when it succeeded (or none ran yet); false with its error in `out_error`.
 */
LIAISON_EXPORT bool liaison_sync_last_result(liaison_sync_client* client,
                                             liaison_buffer* out_report, liaison_error* out_error);

#ifdef __cplusplus
}
#endif

#endif /* LIAISON_LIAISON_H_ */
