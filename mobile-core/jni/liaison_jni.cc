// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// JNI glue for org.liaison.mobile.Liaison: every native method converts its arguments, calls
// the one C function of liaison.h it is named after, and converts the result back. No logic
// lives here: a failure becomes one exception type, org.liaison.mobile.LiaisonException
// (domain, code and the C API's message), thrown on return. Handles are the C API's opaque
// pointers carried in a Java long; the Java side owns their lifetime (close/free once).
//
// Thread-safety: that of the C function called (liaison.h states it per function).
#include <jni.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "liaison/liaison.h"

namespace {

constexpr const char* kExceptionClass = "org/liaison/mobile/LiaisonException";

void throwError(JNIEnv* env, const liaison_error& e) {
  jclass cls = env->FindClass(kExceptionClass);
  if (cls == nullptr) return;  // NoClassDefFoundError is pending
  jmethodID ctor = env->GetMethodID(cls, "<init>", "(IILjava/lang/String;)V");
  if (ctor == nullptr) return;
  jstring msg = env->NewStringUTF(e.message);
  if (msg == nullptr) return;
  auto* ex = static_cast<jthrowable>(env->NewObject(cls, ctor, e.domain, e.code, msg));
  if (ex != nullptr) env->Throw(ex);
}

void throwInvalid(JNIEnv* env, const char* message) {
  liaison_error e{};
  e.domain = LIAISON_DOMAIN_LIAISON;
  e.code = LIAISON_ERROR_INVALID_ARGUMENT;
  std::snprintf(e.message, sizeof e.message, "%s", message);
  throwError(env, e);
}

// A Java string as UTF-8 for the duration of a call (null stays null).
class Utf8 {
 public:
  Utf8(JNIEnv* env, jstring s) : env_(env), s_(s) {
    if (s != nullptr) chars_ = env->GetStringUTFChars(s, nullptr);
  }
  ~Utf8() {
    if (chars_ != nullptr) env_->ReleaseStringUTFChars(s_, chars_);
  }
  Utf8(const Utf8&) = delete;
  Utf8& operator=(const Utf8&) = delete;
  const char* get() const { return chars_; }

 private:
  JNIEnv* env_;
  jstring s_;
  const char* chars_ = nullptr;
};

std::vector<uint8_t> bytesOf(JNIEnv* env, jbyteArray a) {
  std::vector<uint8_t> out;
  if (a == nullptr) return out;
  out.resize(static_cast<size_t>(env->GetArrayLength(a)));
  env->GetByteArrayRegion(a, 0, static_cast<jsize>(out.size()),
                          reinterpret_cast<jbyte*>(out.data()));
  return out;
}

// Hands a library buffer to Java as a byte[] and frees it.
jbyteArray toJava(JNIEnv* env, liaison_buffer* b) {
  jbyteArray out = env->NewByteArray(static_cast<jsize>(b->size));
  if (out != nullptr && b->size > 0) {
    env->SetByteArrayRegion(out, 0, static_cast<jsize>(b->size),
                            reinterpret_cast<const jbyte*>(b->data));
  }
  liaison_buffer_free(b);
  return out;
}

liaison_store* store(jlong h) { return reinterpret_cast<liaison_store*>(h); }
liaison_sync_client* client(jlong h) { return reinterpret_cast<liaison_sync_client*>(h); }

}  // namespace

extern "C" {

JNIEXPORT jstring JNICALL Java_org_liaison_mobile_Liaison_version(JNIEnv* env, jclass) {
  return env->NewStringUTF(liaison_version());
}

JNIEXPORT jlong JNICALL Java_org_liaison_mobile_Liaison_storeOpen(JNIEnv* env, jclass, jstring path,
                                                                  jbyteArray key) {
  Utf8 p(env, path);
  const std::vector<uint8_t> k = bytesOf(env, key);
  liaison_error e{};
  liaison_store* s = liaison_store_open(p.get(), k.data(), k.size(), &e);
  if (s == nullptr) throwError(env, e);
  return reinterpret_cast<jlong>(s);
}

JNIEXPORT void JNICALL Java_org_liaison_mobile_Liaison_storeClose(JNIEnv*, jclass, jlong h) {
  liaison_store_close(store(h));
}

JNIEXPORT jlong JNICALL Java_org_liaison_mobile_Liaison_pendingCount(JNIEnv* env, jclass, jlong h) {
  liaison_error e{};
  const int64_t n = liaison_store_pending_count(store(h), &e);
  if (n < 0) throwError(env, e);
  return n;
}

JNIEXPORT jstring JNICALL Java_org_liaison_mobile_Liaison_memberRegister(JNIEnv* env, jclass,
                                                                         jlong h, jbyteArray reg) {
  const std::vector<uint8_t> r = bytesOf(env, reg);
  char id[LIAISON_ID_SIZE];
  liaison_error e{};
  if (!liaison_member_register(store(h), r.data(), r.size(), id, &e)) {
    throwError(env, e);
    return nullptr;
  }
  return env->NewStringUTF(id);
}

JNIEXPORT jbyteArray JNICALL Java_org_liaison_mobile_Liaison_memberList(JNIEnv* env, jclass,
                                                                        jlong h) {
  liaison_buffer b{};
  liaison_error e{};
  if (!liaison_member_list(store(h), &b, &e)) {
    throwError(env, e);
    return nullptr;
  }
  return toJava(env, &b);
}

JNIEXPORT jbyteArray JNICALL Java_org_liaison_mobile_Liaison_formList(JNIEnv* env, jclass,
                                                                      jlong h) {
  liaison_buffer b{};
  liaison_error e{};
  if (!liaison_form_list(store(h), &b, &e)) {
    throwError(env, e);
    return nullptr;
  }
  return toJava(env, &b);
}

JNIEXPORT jstring JNICALL Java_org_liaison_mobile_Liaison_submissionSaveDraft(JNIEnv* env, jclass,
                                                                              jlong h,
                                                                              jbyteArray sub) {
  const std::vector<uint8_t> s = bytesOf(env, sub);
  char id[LIAISON_ID_SIZE];
  liaison_error e{};
  if (!liaison_submission_save_draft(store(h), s.data(), s.size(), id, &e)) {
    throwError(env, e);
    return nullptr;
  }
  return env->NewStringUTF(id);
}

JNIEXPORT jbyteArray JNICALL Java_org_liaison_mobile_Liaison_submissionFinalise(JNIEnv* env, jclass,
                                                                                jlong h,
                                                                                jstring id) {
  Utf8 i(env, id);
  liaison_buffer b{};
  liaison_error e{};
  if (!liaison_submission_finalise(store(h), i.get(), &b, &e)) {
    throwError(env, e);
    return nullptr;
  }
  return toJava(env, &b);
}

JNIEXPORT jint JNICALL Java_org_liaison_mobile_Liaison_recordSyncState(JNIEnv* env, jclass, jlong h,
                                                                       jstring id) {
  Utf8 i(env, id);
  liaison_sync_status st{};
  liaison_error e{};
  if (!liaison_record_sync_status(store(h), i.get(), &st, &e)) {
    throwError(env, e);
    return 0;
  }
  return st.state;
}

JNIEXPORT jbyteArray JNICALL Java_org_liaison_mobile_Liaison_inboxList(JNIEnv* env, jclass,
                                                                       jlong h) {
  liaison_buffer b{};
  liaison_error e{};
  if (!liaison_inbox_list(store(h), &b, &e)) {
    throwError(env, e);
    return nullptr;
  }
  return toJava(env, &b);
}

JNIEXPORT jlong JNICALL Java_org_liaison_mobile_Liaison_syncClientNew(JNIEnv* env, jclass, jlong h,
                                                                      jstring url,
                                                                      jstring ca_file) {
  Utf8 u(env, url);
  Utf8 ca(env, ca_file);
  liaison_error e{};
  liaison_sync_client* c = liaison_sync_client_new(store(h), u.get(), ca.get(), &e);
  if (c == nullptr) throwError(env, e);
  return reinterpret_cast<jlong>(c);
}

JNIEXPORT void JNICALL Java_org_liaison_mobile_Liaison_syncClientFree(JNIEnv*, jclass, jlong h) {
  liaison_sync_client_free(client(h));
}

JNIEXPORT jstring JNICALL Java_org_liaison_mobile_Liaison_syncEnrol(JNIEnv* env, jclass, jlong h,
                                                                    jstring code) {
  Utf8 c(env, code);
  char id[LIAISON_DEVICE_ID_SIZE];
  liaison_error e{};
  if (!liaison_sync_enrol(client(h), c.get(), id, &e)) {
    throwError(env, e);
    return nullptr;
  }
  return env->NewStringUTF(id);
}

JNIEXPORT jbyteArray JNICALL Java_org_liaison_mobile_Liaison_syncRun(JNIEnv* env, jclass, jlong h) {
  liaison_buffer b{};
  liaison_error e{};
  const bool ok = liaison_sync_run(client(h), &b, &e);
  if (!ok) {
    liaison_buffer_free(&b);
    throwError(env, e);
    return nullptr;
  }
  return toJava(env, &b);
}

JNIEXPORT void JNICALL Java_org_liaison_mobile_Liaison_syncStart(JNIEnv* env, jclass, jlong h,
                                                                 jint interval_seconds) {
  if (interval_seconds < 0) {
    throwInvalid(env, "interval_seconds must not be negative");
    return;
  }
  liaison_error e{};
  if (!liaison_sync_start(client(h), static_cast<uint32_t>(interval_seconds), &e)) {
    throwError(env, e);
  }
}

JNIEXPORT void JNICALL Java_org_liaison_mobile_Liaison_syncStop(JNIEnv*, jclass, jlong h) {
  liaison_sync_stop(client(h));
}

JNIEXPORT void JNICALL Java_org_liaison_mobile_Liaison_syncTrigger(JNIEnv*, jclass, jlong h) {
  liaison_sync_trigger(client(h));
}

}  // extern "C"
