// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The C API: argument checks, then a call into the C++ core, then error mapping. No logic.
// The sync client's failures worth retrying are reported in domain NETWORK.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "c_api_internal.h"
#include "liaison/liaison.h"
#include "liaison/sync/batch_codec.h"
#include "store.h"
#include "sync_client.h"

struct liaison_store {
  std::unique_ptr<liaison::mobile::Store> impl;
};

struct liaison_sync_client {
  std::unique_ptr<liaison::mobile::SyncClient> impl;
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

namespace {

using liaison::mobile::setError;
using liaison::mobile::Store;
using liaison::mobile::tryC;

bool invalid(liaison_error* out, const char* message) {
  setError(out, LIAISON_DOMAIN_LIAISON, LIAISON_ERROR_INVALID_ARGUMENT, message);
  return false;
}

// The store behind a handle, or null after filling `out` (a NULL handle is a caller's bug).
Store* storeOf(liaison_store* store, liaison_error* out) {
  if (store == nullptr || !store->impl) {
    invalid(out, "store is NULL");
    return nullptr;
  }
  return store->impl.get();
}

bool fail(liaison_error* out, const liaison::sync::Status& status) {
  setError(out, status);
  return false;
}

// Parses protobuf input. Empty input is an empty message, which the core then validates.
template <typename Message>
bool parseInput(const uint8_t* data, size_t size, Message* msg, liaison_error* out) {
  if (data == nullptr && size != 0) return invalid(out, "input is NULL");
  if (size > static_cast<size_t>(INT32_MAX) || !msg->ParseFromArray(data, static_cast<int>(size))) {
    return invalid(out, "input is not a valid serialised message");
  }
  return true;
}

// Copies a serialised message into a malloc'd liaison_buffer.
template <typename Message>
bool toBuffer(const Message& msg, liaison_buffer* buf, liaison_error* out) {
  std::string bytes;
  if (!msg.SerializeToString(&bytes)) {
    setError(out, LIAISON_DOMAIN_LIAISON, LIAISON_ERROR_INTERNAL, "cannot encode a result");
    return false;
  }
  auto* data = static_cast<uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
  if (data == nullptr) {
    setError(out, LIAISON_DOMAIN_LIAISON, LIAISON_ERROR_RESOURCE_EXHAUSTED, "out of memory");
    return false;
  }
  std::memcpy(data, bytes.data(), bytes.size());
  buf->data = data;
  buf->size = bytes.size();
  return true;
}

// Runs `get` (returning a Result<Message>) and hands its value out in `buf`.
template <typename Get>
bool getInto(liaison_buffer* buf, liaison_error* out, Get&& get) {
  if (buf == nullptr) return invalid(out, "out buffer is NULL");
  auto result = get();
  if (!result.ok()) return fail(out, result.status());
  return toBuffer(*result, buf, out);
}

void copyId(const std::string& id, char* out_id) {
  std::strncpy(out_id, id.c_str(), LIAISON_ID_SIZE - 1);
  out_id[LIAISON_ID_SIZE - 1] = '\0';
}

}  // namespace

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
    case LIAISON_ERROR_WRONG_KEY: return "LIAISON_ERROR_WRONG_KEY";
    default: return "LIAISON_ERROR_UNKNOWN";
  }
}

void liaison_buffer_free(liaison_buffer* buffer) {
  tryC<int>(nullptr, 0, [&] {
    if (buffer != nullptr) {
      std::free(buffer->data);
      buffer->data = nullptr;
      buffer->size = 0;
    }
    return 0;
  });
}

liaison_store* liaison_store_open(const char* path, const uint8_t* key, size_t key_size,
                                  liaison_error* out_error) {
  return tryC<liaison_store*>(out_error, nullptr, [&]() -> liaison_store* {
    if (path == nullptr || *path == '\0') {
      invalid(out_error, "path is NULL or empty");
      return nullptr;
    }
    if (key == nullptr || key_size != LIAISON_KEY_SIZE) {
      invalid(out_error, "key must be LIAISON_KEY_SIZE bytes");
      return nullptr;
    }
    auto opened = Store::open(path, std::span(key, key_size));
    if (!opened.ok()) {
      if (opened.status().code() == liaison::sync::Status::Code::PermissionDenied) {
        // Store::open reports a wrong key, and only that, as PermissionDenied.
        setError(out_error, LIAISON_DOMAIN_STORAGE, LIAISON_ERROR_WRONG_KEY,
                 opened.status().message().c_str());
      } else {
        setError(out_error, opened.status());
      }
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
  return tryC<int32_t>(nullptr, -1,
                       [&] { return store && store->impl ? store->impl->schemaVersion() : -1; });
}

bool liaison_store_enrol(liaison_store* store, const char* device_id, liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (device_id == nullptr) return invalid(out_error, "device_id is NULL");
    auto st = s->enrol(device_id);
    return st.ok() || fail(out_error, st);
  });
}

int64_t liaison_store_pending_count(liaison_store* store, liaison_error* out_error) {
  return tryC<int64_t>(out_error, -1, [&]() -> int64_t {
    Store* s = storeOf(store, out_error);
    if (!s) return -1;
    auto n = s->pendingCount();
    if (!n.ok()) {
      fail(out_error, n.status());
      return -1;
    }
    return *n;
  });
}

bool liaison_member_register(liaison_store* store, const uint8_t* registration, size_t size,
                             char out_id[LIAISON_ID_SIZE], liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (out_id == nullptr) return invalid(out_error, "out_id is NULL");
    liaison::v1::Registration r;
    if (!parseInput(registration, size, &r, out_error)) return false;
    auto id = s->registerMember(std::move(r));
    if (!id.ok()) return fail(out_error, id.status());
    copyId(*id, out_id);
    return true;
  });
}

bool liaison_member_get(liaison_store* store, const char* id, liaison_buffer* out,
                        liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (id == nullptr) return invalid(out_error, "id is NULL");
    return getInto(out, out_error, [&] { return s->member(id); });
  });
}

bool liaison_member_find_by_phone(liaison_store* store, const char* phone_e164, liaison_buffer* out,
                                  liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (phone_e164 == nullptr) return invalid(out_error, "phone_e164 is NULL");
    return getInto(out, out_error, [&] { return s->memberByPhone(phone_e164); });
  });
}

bool liaison_member_list(liaison_store* store, liaison_buffer* out, liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    return getInto(out, out_error, [&] { return s->listMembers(); });
  });
}

bool liaison_form_list(liaison_store* store, liaison_buffer* out, liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    return getInto(out, out_error, [&] { return s->listForms(); });
  });
}

bool liaison_form_get(liaison_store* store, const char* form_id, int32_t version,
                      liaison_buffer* out, liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (form_id == nullptr) return invalid(out_error, "form_id is NULL");
    if (version < 0) return invalid(out_error, "version is negative");
    return getInto(out, out_error, [&] { return s->form(form_id, version); });
  });
}

bool liaison_submission_save_draft(liaison_store* store, const uint8_t* submission, size_t size,
                                   char out_id[LIAISON_ID_SIZE], liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (out_id == nullptr) return invalid(out_error, "out_id is NULL");
    liaison::v1::Submission sub;
    if (!parseInput(submission, size, &sub, out_error)) return false;
    auto id = s->saveDraft(std::move(sub));
    if (!id.ok()) return fail(out_error, id.status());
    copyId(*id, out_id);
    return true;
  });
}

bool liaison_submission_finalise(liaison_store* store, const char* id, liaison_buffer* out,
                                 liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (id == nullptr) return invalid(out_error, "id is NULL");
    auto view = s->finalise(id);
    if (!view.ok()) return fail(out_error, view.status());
    return out == nullptr || toBuffer(*view, out, out_error);
  });
}

bool liaison_submission_discard_draft(liaison_store* store, const char* id,
                                      liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (id == nullptr) return invalid(out_error, "id is NULL");
    auto st = s->discardDraft(id);
    return st.ok() || fail(out_error, st);
  });
}

bool liaison_submission_get(liaison_store* store, const char* id, liaison_buffer* out,
                            liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (id == nullptr) return invalid(out_error, "id is NULL");
    return getInto(out, out_error, [&] { return s->submission(id); });
  });
}

bool liaison_submission_list(liaison_store* store, const char* form_id, liaison_buffer* out,
                             liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    return getInto(out, out_error,
                   [&] { return s->listSubmissions(form_id ? std::string(form_id) : ""); });
  });
}

bool liaison_inbox_list(liaison_store* store, liaison_buffer* out, liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    return getInto(out, out_error, [&] { return s->listInbox(); });
  });
}

bool liaison_inbox_mark_read(liaison_store* store, const char* id, liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (id == nullptr) return invalid(out_error, "id is NULL");
    auto st = s->markInboxRead(id);
    return st.ok() || fail(out_error, st);
  });
}

bool liaison_record_sync_status(liaison_store* store, const char* id, liaison_sync_status* out,
                                liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (id == nullptr || out == nullptr) return invalid(out_error, "id or out is NULL");
    auto st = s->recordStatus(id);
    if (!st.ok()) return fail(out_error, st.status());
    out->state = st->state();
    out->device_seq = st->device_seq();
    out->rejection_code = st->rejection_code();
    std::strncpy(out->rejection_detail, st->rejection_detail().c_str(),
                 sizeof out->rejection_detail - 1);
    out->rejection_detail[sizeof out->rejection_detail - 1] = '\0';
    return true;
  });
}

bool liaison_sync_follow_scope(liaison_store* store, const char* scope, liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (scope == nullptr) return invalid(out_error, "scope is NULL");
    auto st = s->followScope(scope);
    return st.ok() || fail(out_error, st);
  });
}

bool liaison_sync_build_request(liaison_store* store, uint32_t max_operations, liaison_buffer* out,
                                liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (out == nullptr) return invalid(out_error, "out buffer is NULL");
    auto req = s->nextSyncRequest(max_operations);
    if (!req.ok()) return fail(out_error, req.status());
    auto bytes = liaison::sync::encodeSyncRequest(std::move(req).value());
    if (!bytes.ok()) {
      // Our own outbox failed the gateway's checks: a bug in the core, not the app's input.
      setError(out_error, LIAISON_DOMAIN_LIAISON, LIAISON_ERROR_INTERNAL,
               bytes.status().message().c_str());
      return false;
    }
    auto* data = static_cast<uint8_t*>(std::malloc(bytes->empty() ? 1 : bytes->size()));
    if (data == nullptr) {
      setError(out_error, LIAISON_DOMAIN_LIAISON, LIAISON_ERROR_RESOURCE_EXHAUSTED,
               "out of memory");
      return false;
    }
    std::memcpy(data, bytes->data(), bytes->size());
    out->data = data;
    out->size = bytes->size();
    return true;
  });
}

bool liaison_sync_apply_response(liaison_store* store, const uint8_t* response, size_t size,
                                 bool* out_more, liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    Store* s = storeOf(store, out_error);
    if (!s) return false;
    if (response == nullptr && size != 0) return invalid(out_error, "response is NULL");
    liaison::sync::v1::SyncResponse r;
    if (size > static_cast<size_t>(INT32_MAX) ||
        !r.ParseFromArray(response, static_cast<int>(size))) {
      // Damaged in transit (section 7): nothing applied; the next pull gets the same page.
      setError(out_error, LIAISON_DOMAIN_NETWORK, LIAISON_ERROR_CORRUPT,
               "the response is not a valid SyncResponse");
      return false;
    }
    auto report = s->applySyncResponse(r);
    if (!report.ok()) return fail(out_error, report.status());
    if (out_more) *out_more = report->more;
    return true;
  });
}

// ---- The sync client ----

}  // extern "C"

namespace {

using liaison::mobile::SyncClient;
using liaison::mobile::SyncReport;

SyncClient* clientOf(liaison_sync_client* client, liaison_error* out) {
  if (client == nullptr || !client->impl) {
    invalid(out, "sync client is NULL");
    return nullptr;
  }
  return client->impl.get();
}

// Sync failures worth retrying come from the network; the rest keep their usual domain.
bool syncFail(liaison_error* out, const liaison::sync::Status& status) {
  if (status.code() == liaison::sync::Status::Code::Unavailable) {
    setError(out, LIAISON_DOMAIN_NETWORK, LIAISON_ERROR_UNAVAILABLE, status.message().c_str());
    return false;
  }
  return fail(out, status);
}

liaison::mobile::views::SyncReport reportView(const SyncReport& r) {
  liaison::mobile::views::SyncReport v;
  v.set_sent(r.sent);
  v.set_received(r.received);
  v.set_exchanges(r.exchanges);
  v.set_pending(r.pending);
  for (const auto& j : r.rejected) {
    auto* x = v.add_rejected();
    x->set_record_id(j.record_id);
    x->set_device_seq(j.device_seq);
    x->set_code(j.code);
    x->set_detail(j.detail);
  }
  return v;
}

}  // namespace

extern "C" {

liaison_sync_client* liaison_sync_client_new(liaison_store* store, const char* gateway_url,
                                             const char* ca_file, liaison_error* out_error) {
  return tryC<liaison_sync_client*>(out_error, nullptr, [&]() -> liaison_sync_client* {
    Store* s = storeOf(store, out_error);
    if (!s) return nullptr;
    if (gateway_url == nullptr) {
      invalid(out_error, "gateway_url is NULL");
      return nullptr;
    }
    liaison::mobile::SyncClientOptions o;
    o.base_url = gateway_url;
    if (ca_file != nullptr) o.ca_file = ca_file;
    auto c = SyncClient::create(*s, std::move(o));
    if (!c.ok()) {
      fail(out_error, c.status());
      return nullptr;
    }
    return new liaison_sync_client{std::move(c).value()};
  });
}

void liaison_sync_client_free(liaison_sync_client* client) {
  tryC<int>(nullptr, 0, [&] {
    delete client;  // ~SyncClient stops the worker
    return 0;
  });
}

bool liaison_sync_enrol(liaison_sync_client* client, const char* code,
                        char out_device_id[LIAISON_DEVICE_ID_SIZE], liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    SyncClient* c = clientOf(client, out_error);
    if (!c) return false;
    if (code == nullptr) return invalid(out_error, "code is NULL");
    auto e = c->enrol(code);
    if (!e.ok()) return syncFail(out_error, e.status());
    if (out_device_id != nullptr) {
      std::strncpy(out_device_id, e->device_id.c_str(), LIAISON_DEVICE_ID_SIZE - 1);
      out_device_id[LIAISON_DEVICE_ID_SIZE - 1] = '\0';
    }
    return true;
  });
}

bool liaison_sync_set_progress(liaison_sync_client* client, liaison_sync_progress_fn fn, void* user,
                               liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    SyncClient* c = clientOf(client, out_error);
    if (!c) return false;
    if (fn == nullptr) {
      c->setProgress(nullptr);
      return true;
    }
    c->setProgress([fn, user](const liaison::mobile::SyncProgress& p) {
      liaison_sync_progress cp;
      cp.phase = static_cast<int32_t>(p.phase);
      cp.sent = p.sent;
      cp.pending = p.pending;
      cp.received = p.received;
      cp.exchanges = p.exchanges;
      fn(&cp, user);
    });
    return true;
  });
}

bool liaison_sync_run(liaison_sync_client* client, liaison_buffer* out_report,
                      liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    SyncClient* c = clientOf(client, out_error);
    if (!c) return false;
    SyncReport report;
    const auto st = c->run(&report);
    if (out_report != nullptr && !toBuffer(reportView(report), out_report, out_error)) {
      return false;
    }
    return st.ok() || syncFail(out_error, st);
  });
}

bool liaison_sync_start(liaison_sync_client* client, uint32_t interval_seconds,
                        liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    SyncClient* c = clientOf(client, out_error);
    if (!c) return false;
    c->setInterval(interval_seconds == 0 ? 15ull * 60 * 1000
                                         : static_cast<uint64_t>(interval_seconds) * 1000);
    c->start();
    return true;
  });
}

void liaison_sync_stop(liaison_sync_client* client) {
  tryC<int>(nullptr, 0, [&] {
    if (client != nullptr && client->impl) client->impl->stop();
    return 0;
  });
}

void liaison_sync_trigger(liaison_sync_client* client) {
  tryC<int>(nullptr, 0, [&] {
    if (client != nullptr && client->impl) client->impl->trigger();
    return 0;
  });
}

bool liaison_sync_last_result(liaison_sync_client* client, liaison_buffer* out_report,
                              liaison_error* out_error) {
  return tryC<bool>(out_error, false, [&] {
    SyncClient* c = clientOf(client, out_error);
    if (!c) return false;
    const SyncClient::WorkerState state = c->workerState();
    if (out_report != nullptr && !toBuffer(reportView(state.last_report), out_report, out_error)) {
      return false;
    }
    return state.last_status.ok() || syncFail(out_error, state.last_status);
  });
}

}  // extern "C"
