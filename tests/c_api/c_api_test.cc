// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The C API through the shipped liaison_mobile_core shared library (STYLE R3), seen only
// through liaison.h: records go in and come out as protobuf bytes, built and read here with
// the small wire helper, so these tests also pin the field numbers apps rely on.
#include "liaison/liaison.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "temp_dir.h"
#include "wire.h"

namespace {

using liaison::capi_test::all;
using liaison::capi_test::crc32c;
using liaison::capi_test::get;
using liaison::capi_test::Msg;
using liaison::capi_test::num;
using liaison::testing::TempDir;

struct StoreCloser {
  void operator()(liaison_store* s) const { liaison_store_close(s); }
};
using StorePtr = std::unique_ptr<liaison_store, StoreCloser>;

// A buffer released when it goes out of scope.
struct Buffer {
  liaison_buffer b{};
  ~Buffer() { liaison_buffer_free(&b); }
  std::string str() const { return std::string(reinterpret_cast<const char*>(b.data), b.size); }
};

std::array<uint8_t, LIAISON_KEY_SIZE> key(uint8_t seed) {
  std::array<uint8_t, LIAISON_KEY_SIZE> k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed * 31 + i);
  return k;
}

StorePtr openStore(const std::string& path, uint8_t seed = 1, liaison_error* err = nullptr) {
  const auto k = key(seed);
  return StorePtr(liaison_store_open(path.c_str(), k.data(), k.size(), err));
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

constexpr const char* kPhone = "+33612345678";
constexpr const char* kName = "Mariama Diallo-Konate";
constexpr const char* kAnswer = "needs a lawyer for the residence permit appeal";

// liaison.v1.Registration{contact{phone_e164=3, display_name=4, language=5},
//                         consent{wording_version=3, language=4, recorded_by=5}}
Msg registration(const char* phone, const char* name = kName) {
  Msg contact;
  contact.str(3, phone).str(4, name).str(5, "fr");
  Msg consent;
  consent.str(3, "consent-v4").str(4, "fr").str(5, "staff-2");
  return Msg().msg(1, contact).msg(2, consent);
}

// liaison.v1.Form "visit" v1: name (text, required, <= 30), adults (number 1..10, required),
// need (single choice housing/legal, required), detail (text, required, shown if need=legal).
Msg visitForm() {
  auto text = [](const char* s) { return Msg().msg(1, Msg().str(2, s)); };  // LocalizedText
  Msg name;
  name.str(1, "name").varint(2, 1).msg(3, text("Name")).varint(4, 1).varint(8, 30);
  Msg adults;
  adults.str(1, "adults").varint(2, 2).msg(3, text("Adults")).varint(4, 1).dbl(6, 1).dbl(7, 10);
  Msg need;
  need.str(1, "need").varint(2, 3).msg(3, text("Need")).varint(4, 1);
  need.msg(5, Msg().str(1, "housing")).msg(5, Msg().str(1, "legal"));
  Msg detail;
  detail.str(1, "detail").varint(2, 1).msg(3, text("Detail")).varint(4, 1);
  detail.msg(9, Msg().str(1, "need").str(2, "legal"));
  return Msg()
      .str(1, "visit")
      .varint(2, 1)
      .msg(3, text("Visit"))
      .msg(4, name)
      .msg(4, adults)
      .msg(4, need)
      .msg(4, detail);
}

// liaison.v1.Submission{form_id=2, form_version=3, values=4{field_id=1, text=2|number=3|choice=4}}
Msg visit(double adults, const char* need, const char* detail) {
  Msg m;
  m.str(2, "visit").varint(3, 1);
  m.msg(4, Msg().str(1, "name").str(2, kName));
  m.msg(4, Msg().str(1, "adults").dbl(3, adults));
  m.msg(4, Msg().str(1, "need").str(4, need));
  if (detail) m.msg(4, Msg().str(1, "detail").str(2, detail));
  return m;
}

// A sealed liaison.sync.v1.SyncResponse page: status OK, ack, records, cursors.
class Page {
 public:
  explicit Page(uint64_t acked_through) { ack_.varint(1, acked_through); }
  Page& reject(uint64_t seq, int code, const char* detail) {
    ack_.msg(2, Msg().varint(1, seq).varint(2, code).str(3, detail));
    return *this;
  }
  Page& record(const char* scope, uint64_t seq, int field, const Msg& body) {
    records_.push_back(Msg().str(1, scope).varint(2, seq).msg(field, body).bytes());
    return *this;
  }
  Page& cursor(const char* scope, uint64_t seq) {
    cursors_.push_back(Msg().str(1, scope).varint(2, seq).bytes());
    return *this;
  }
  Msg build() const {
    Msg m;
    m.varint(1, 1).varint(2, 1).msg(4, ack_);
    uint32_t crc = 0;
    for (const std::string& r : records_) {
      m.str(6, r);
      crc = crc32c(r, crc);
    }
    for (const std::string& c : cursors_) m.str(7, c);
    if (!records_.empty()) m.varint(13, records_.size()).fixed32(14, crc);
    return m;
  }

 private:
  Msg ack_;
  std::vector<std::string> records_;
  std::vector<std::string> cursors_;
};

class CApi : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = openStore(path(), 1, &err_);
    ASSERT_NE(store_, nullptr) << err_.message;
  }
  // Enrols and delivers the visit form by sync.
  void ready() {
    ASSERT_TRUE(liaison_store_enrol(store_.get(), "dev-c", &err_)) << err_.message;
    const Msg page = Page(0).record("forms", 1, 3, visitForm()).cursor("forms", 1).build();
    ASSERT_TRUE(liaison_sync_apply_response(store_.get(), page.data(), page.size(), nullptr, &err_))
        << err_.message;
  }
  std::string finalisedVisit() {
    const Msg draft = visit(2, "legal", kAnswer);
    char id[LIAISON_ID_SIZE];
    EXPECT_TRUE(liaison_submission_save_draft(store_.get(), draft.data(), draft.size(), id, &err_))
        << err_.message;
    EXPECT_TRUE(liaison_submission_finalise(store_.get(), id, nullptr, &err_)) << err_.message;
    return id;
  }
  std::string path() const { return dir_.file("c.db"); }

  TempDir dir_;
  liaison_error err_{};
  StorePtr store_;
};

// ---- open, keys ----

TEST(CApiStore, OpenCreatesAndMigrates) {
  TempDir dir;
  liaison_error err{};
  StorePtr store = openStore(dir.file("m.db"), 1, &err);
  ASSERT_NE(store, nullptr) << err.message;
  EXPECT_GE(liaison_store_schema_version(store.get()), 3);
  EXPECT_EQ(liaison_store_schema_version(nullptr), -1);
}

TEST(CApiStore, ReopenKeepsSchemaVersion) {
  TempDir dir;
  int32_t first;
  {
    StorePtr s = openStore(dir.file("m.db"));
    ASSERT_NE(s, nullptr);
    first = liaison_store_schema_version(s.get());
  }
  StorePtr s = openStore(dir.file("m.db"));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(liaison_store_schema_version(s.get()), first);
}

TEST(CApiStore, CorruptFileIsReportedAsCorrupt) {
  TempDir dir;
  std::ofstream(dir.file("bad.db"), std::ios::binary) << std::string(4096, '\x7f');
  liaison_error err{};
  StorePtr s = openStore(dir.file("bad.db"), 1, &err);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(err.domain, LIAISON_DOMAIN_STORAGE);
  EXPECT_EQ(err.code, LIAISON_ERROR_CORRUPT) << liaison_error_code_name(err.code);
}

TEST(CApiStore, NewerSchemaIsUnsupported) {
  TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("future.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version=1000", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  liaison_error err{};
  StorePtr s = openStore(dir.file("future.db"), 1, &err);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(err.code, LIAISON_ERROR_UNSUPPORTED);
}

TEST(CApiKey, WrongKeyFailsWithItsOwnCode) {
  TempDir dir;
  ASSERT_NE(openStore(dir.file("k.db"), 1), nullptr);
  liaison_error err{};
  StorePtr s = openStore(dir.file("k.db"), 2, &err);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(err.domain, LIAISON_DOMAIN_STORAGE);
  EXPECT_EQ(err.code, LIAISON_ERROR_WRONG_KEY);
  EXPECT_STREQ(liaison_error_code_name(err.code), "LIAISON_ERROR_WRONG_KEY");
  EXPECT_NE(openStore(dir.file("k.db"), 1), nullptr);
}

TEST(CApiKey, KeyMustBe32Bytes) {
  TempDir dir;
  const auto k = key(1);
  liaison_error err{};
  EXPECT_EQ(liaison_store_open(dir.file("k.db").c_str(), k.data(), 16, &err), nullptr);
  EXPECT_EQ(err.code, LIAISON_ERROR_INVALID_ARGUMENT);
  err = {};
  EXPECT_EQ(liaison_store_open(dir.file("k.db").c_str(), nullptr, 32, &err), nullptr);
  EXPECT_EQ(err.code, LIAISON_ERROR_INVALID_ARGUMENT);
}

// ---- encryption at rest, through the shipped library ----

TEST_F(CApi, NoPersonalDataInTheDatabaseOrWal) {
  ready();
  const Msg reg = registration(kPhone);
  char id[LIAISON_ID_SIZE];
  ASSERT_TRUE(liaison_member_register(store_.get(), reg.data(), reg.size(), id, &err_))
      << err_.message;
  finalisedVisit();
  const std::vector<std::string> secrets = {kPhone, kPhone + 1, kName, kAnswer};
  auto scan = [&] {
    std::vector<std::string> found;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string bytes = readFile(path() + suffix);
      for (const std::string& s : secrets) {
        if (bytes.find(s) != std::string::npos) found.push_back(s + " in " + suffix);
      }
    }
    return found;
  };
  ASSERT_GT(readFile(path() + "-wal").size(), 0u);
  EXPECT_EQ(scan(), std::vector<std::string>{});  // open: data in the WAL
  store_.reset();
  EXPECT_EQ(scan(), std::vector<std::string>{});  // closed: checkpointed into the database
  // Control: the scan does find these values when they are stored in the clear.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.file("plain.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t(v)", nullptr, nullptr, nullptr);
  const std::string sql = std::string("INSERT INTO t VALUES ('") + kAnswer + "')";
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_NE(readFile(dir_.file("plain.db")).find(kAnswer), std::string::npos);
}

// ---- members ----

TEST_F(CApi, MembersAreRegisteredFoundByPhoneAndListed) {
  ready();
  const Msg reg = registration(kPhone);
  char id[LIAISON_ID_SIZE];
  ASSERT_TRUE(liaison_member_register(store_.get(), reg.data(), reg.size(), id, &err_))
      << err_.message;
  EXPECT_EQ(std::strlen(id), 36u);

  Buffer found;
  ASSERT_TRUE(liaison_member_find_by_phone(store_.get(), kPhone, &found.b, &err_)) << err_.message;
  // MemberView{registration=1{contact=1{id=1, phone=3, name=4}, consent=2}, sync=2}
  EXPECT_EQ(get(found.str(), {1, 1, 1}), id);
  EXPECT_EQ(get(found.str(), {1, 1, 3}), kPhone);
  EXPECT_EQ(get(found.str(), {1, 1, 4}), kName);
  EXPECT_EQ(get(found.str(), {1, 2, 3}), "consent-v4");
  EXPECT_EQ(num(get(found.str(), {1, 2}), 2), 2u);  // channel: field registration
  EXPECT_EQ(num(get(found.str(), {2}), 1), 2u);     // sync state: pending

  Buffer byId;
  ASSERT_TRUE(liaison_member_get(store_.get(), id, &byId.b, &err_));
  EXPECT_EQ(byId.str(), found.str());

  err_ = {};
  EXPECT_FALSE(liaison_member_register(store_.get(), reg.data(), reg.size(), id, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_CONFLICT);
  EXPECT_EQ(std::string(err_.message).find("33612345678"), std::string::npos);

  const Msg reg2 = registration("+221771234567", "Awa Ndiaye");
  ASSERT_TRUE(liaison_member_register(store_.get(), reg2.data(), reg2.size(), id, &err_));
  Buffer list;
  ASSERT_TRUE(liaison_member_list(store_.get(), &list.b, &err_));
  EXPECT_EQ(all(list.str(), 1).size(), 2u);
  EXPECT_EQ(liaison_store_pending_count(store_.get(), &err_), 2);

  Buffer none;
  err_ = {};
  EXPECT_FALSE(liaison_member_find_by_phone(store_.get(), "+33699999999", &none.b, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_NOT_FOUND);
  EXPECT_EQ(none.b.data, nullptr);
}

TEST_F(CApi, RegistrationBeforeEnrolmentIsUnavailable) {
  const Msg reg = registration(kPhone);
  char id[LIAISON_ID_SIZE];
  EXPECT_FALSE(liaison_member_register(store_.get(), reg.data(), reg.size(), id, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_UNAVAILABLE);
}

// ---- forms and submissions ----

TEST_F(CApi, FormsArriveBySyncAndFinaliseEnforcesThem) {
  ready();
  Buffer forms;
  ASSERT_TRUE(liaison_form_list(store_.get(), &forms.b, &err_));
  ASSERT_EQ(all(forms.str(), 1).size(), 1u);
  EXPECT_EQ(get(forms.str(), {1, 1}), "visit");
  Buffer form;
  ASSERT_TRUE(liaison_form_get(store_.get(), "visit", 0, &form.b, &err_));
  EXPECT_EQ(form.str(), visitForm().bytes());

  // "legal" shows "detail", which is required: the draft saves, but does not finalise.
  const Msg incomplete = visit(2, "legal", nullptr);
  char id[LIAISON_ID_SIZE];
  ASSERT_TRUE(
      liaison_submission_save_draft(store_.get(), incomplete.data(), incomplete.size(), id, &err_))
      << err_.message;
  err_ = {};
  EXPECT_FALSE(liaison_submission_finalise(store_.get(), id, nullptr, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err_.message).find("detail"), std::string::npos) << err_.message;

  // Complete it (same id) and finalise.
  Msg complete;
  complete.str(1, id).str(2, "visit").varint(3, 1);
  complete.msg(4, Msg().str(1, "name").str(2, kName));
  complete.msg(4, Msg().str(1, "adults").dbl(3, 2));
  complete.msg(4, Msg().str(1, "need").str(4, "legal"));
  complete.msg(4, Msg().str(1, "detail").str(2, kAnswer));
  char same[LIAISON_ID_SIZE];
  ASSERT_TRUE(
      liaison_submission_save_draft(store_.get(), complete.data(), complete.size(), same, &err_));
  EXPECT_STREQ(same, id);
  Buffer view;
  ASSERT_TRUE(liaison_submission_finalise(store_.get(), id, &view.b, &err_)) << err_.message;
  // SubmissionView{submission=1{state=5}, sync=2{state=1}, content_hash=3}
  EXPECT_EQ(num(get(view.str(), {1}), 5), 2u);
  EXPECT_EQ(num(get(view.str(), {2}), 1), 2u);
  EXPECT_EQ(get(view.str(), {3}).size(), 32u);

  // Immutable: no second finalise, no edit, no discard.
  err_ = {};
  EXPECT_FALSE(liaison_submission_finalise(store_.get(), id, nullptr, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_CONFLICT);
  err_ = {};
  EXPECT_FALSE(
      liaison_submission_save_draft(store_.get(), complete.data(), complete.size(), same, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_CONFLICT);
  err_ = {};
  EXPECT_FALSE(liaison_submission_discard_draft(store_.get(), id, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_CONFLICT);

  Buffer list;
  ASSERT_TRUE(liaison_submission_list(store_.get(), "visit", &list.b, &err_));
  EXPECT_EQ(all(list.str(), 1).size(), 1u);
  Buffer got;
  ASSERT_TRUE(liaison_submission_get(store_.get(), id, &got.b, &err_));
  EXPECT_EQ(get(got.str(), {3}), get(view.str(), {3}));
}

TEST_F(CApi, DraftsForUnknownFormsOrWithBadBytesAreRefused) {
  ready();
  char id[LIAISON_ID_SIZE];
  Msg other = Msg().str(2, "nope").varint(3, 1);
  EXPECT_FALSE(liaison_submission_save_draft(store_.get(), other.data(), other.size(), id, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_NOT_FOUND);
  const uint8_t garbage[] = {0xff, 0xff, 0xff};
  err_ = {};
  EXPECT_FALSE(liaison_submission_save_draft(store_.get(), garbage, sizeof garbage, id, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_INVALID_ARGUMENT);
}

// ---- sync ----

TEST_F(CApi, RequestCarriesTheOutboxAndRejectionsAreKept) {
  ready();
  const Msg reg = registration(kPhone);
  char member[LIAISON_ID_SIZE];
  ASSERT_TRUE(liaison_member_register(store_.get(), reg.data(), reg.size(), member, &err_));
  const std::string sub = finalisedVisit();

  Buffer req;
  ASSERT_TRUE(liaison_sync_build_request(store_.get(), 100, &req.b, &err_)) << err_.message;
  // SyncRequest{protocol_version=1, device_id=2, push=3{operations=1}, cursors=4}
  EXPECT_EQ(num(req.str(), 1), 1u);
  EXPECT_EQ(get(req.str(), {2}), "dev-c");
  const auto ops = all(get(req.str(), {3}), 1);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(num(ops[0], 2), 1u);  // device_seq
  EXPECT_EQ(num(ops[1], 2), 2u);
  EXPECT_EQ(get(get(req.str(), {4}), {1}), "forms");
  EXPECT_EQ(num(get(req.str(), {4}), 2), 1u);

  const Msg page = Page(2).reject(2, 8, "record: form id or version missing").build();
  bool more = true;
  ASSERT_TRUE(liaison_sync_apply_response(store_.get(), page.data(), page.size(), &more, &err_))
      << err_.message;
  EXPECT_FALSE(more);
  EXPECT_EQ(liaison_store_pending_count(store_.get(), &err_), 0);

  liaison_sync_status st{};
  ASSERT_TRUE(liaison_record_sync_status(store_.get(), member, &st, &err_));
  EXPECT_EQ(st.state, 3);  // synced
  EXPECT_EQ(st.device_seq, 1u);
  ASSERT_TRUE(liaison_record_sync_status(store_.get(), sub.c_str(), &st, &err_));
  EXPECT_EQ(st.state, 4);  // rejected, kept, with its reason
  EXPECT_EQ(st.rejection_code, 8);
  EXPECT_STREQ(st.rejection_detail, "record: form id or version missing");
  Buffer still;
  EXPECT_TRUE(liaison_submission_get(store_.get(), sub.c_str(), &still.b, &err_));
}

TEST_F(CApi, ADamagedResponseAppliesNothing) {
  ready();
  finalisedVisit();
  Msg page = Page(1).record("forms", 2, 3, visitForm()).cursor("forms", 2).build();
  std::string cut = page.bytes().substr(0, page.size() - 3);
  err_ = {};
  EXPECT_FALSE(liaison_sync_apply_response(
      store_.get(), reinterpret_cast<const uint8_t*>(cut.data()), cut.size(), nullptr, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_CORRUPT);
  EXPECT_EQ(liaison_store_pending_count(store_.get(), &err_), 1);
  // A wrong seal (a record lost in transit): corrupt too, nothing applied.
  Msg tampered;
  tampered.varint(1, 1).varint(2, 1).msg(4, Msg().varint(1, 1));
  tampered.str(6, Msg().str(1, "forms").varint(2, 2).msg(3, visitForm()).bytes());
  tampered.varint(13, 2).fixed32(14, 0);
  err_ = {};
  EXPECT_FALSE(
      liaison_sync_apply_response(store_.get(), tampered.data(), tampered.size(), nullptr, &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_CORRUPT);
  EXPECT_EQ(liaison_store_pending_count(store_.get(), &err_), 1);
}

TEST_F(CApi, InboxItemsArriveAndKeepReadState) {
  ready();
  ASSERT_TRUE(liaison_sync_follow_scope(store_.get(), "notices:FR", &err_));
  // InboxItem{id=1, published_at=6{seconds=1}}
  const Msg page = Page(0)
                       .record("notices:FR", 1, 4, Msg().str(1, "n1").msg(6, Msg().varint(1, 10)))
                       .record("notices:FR", 2, 4, Msg().str(1, "n2").msg(6, Msg().varint(1, 20)))
                       .cursor("notices:FR", 2)
                       .build();
  ASSERT_TRUE(liaison_sync_apply_response(store_.get(), page.data(), page.size(), nullptr, &err_))
      << err_.message;
  ASSERT_TRUE(liaison_inbox_mark_read(store_.get(), "n1", &err_));
  err_ = {};
  EXPECT_FALSE(liaison_inbox_mark_read(store_.get(), "n9", &err_));
  EXPECT_EQ(err_.code, LIAISON_ERROR_NOT_FOUND);
  Buffer inbox;
  ASSERT_TRUE(liaison_inbox_list(store_.get(), &inbox.b, &err_));
  const auto entries = all(inbox.str(), 1);  // InboxList{entries=1{item=1, read_at=2}}
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(get(entries[0], {1, 1}), "n2");  // newest first
  EXPECT_TRUE(get(entries[0], {2}).empty());
  EXPECT_EQ(get(entries[1], {1, 1}), "n1");
  EXPECT_FALSE(get(entries[1], {2}).empty());
  EXPECT_EQ(get(entries[1], {1, 2}), "notices:FR");
}

// ---- the conventions ----

TEST(CApiErrors, EveryCodeHasAName) {
  for (int32_t code = LIAISON_OK; code <= LIAISON_ERROR_WRONG_KEY; ++code) {
    EXPECT_STRNE(liaison_error_code_name(code), "LIAISON_ERROR_UNKNOWN") << code;
  }
  EXPECT_STREQ(liaison_error_code_name(12345), "LIAISON_ERROR_UNKNOWN");
}

TEST(CApiErrors, NullArgumentsAreInvalidNeverACrash) {
  liaison_buffer b{};
  char id[LIAISON_ID_SIZE];
  liaison_sync_status st{};
  const uint8_t byte = 0;
  auto expectInvalid = [](bool ok, const liaison_error& e, const char* what) {
    EXPECT_FALSE(ok) << what;
    EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT) << what;
    EXPECT_EQ(e.domain, LIAISON_DOMAIN_LIAISON) << what;
  };
  liaison_error e{};
  expectInvalid(liaison_store_enrol(nullptr, "d", &e), e, "enrol");
  e = {};
  expectInvalid(liaison_member_register(nullptr, &byte, 0, id, &e), e, "register");
  e = {};
  expectInvalid(liaison_member_get(nullptr, "x", &b, &e), e, "member_get");
  e = {};
  expectInvalid(liaison_member_find_by_phone(nullptr, "x", &b, &e), e, "find");
  e = {};
  expectInvalid(liaison_member_list(nullptr, &b, &e), e, "member_list");
  e = {};
  expectInvalid(liaison_form_list(nullptr, &b, &e), e, "form_list");
  e = {};
  expectInvalid(liaison_form_get(nullptr, "f", 0, &b, &e), e, "form_get");
  e = {};
  expectInvalid(liaison_submission_save_draft(nullptr, &byte, 0, id, &e), e, "save_draft");
  e = {};
  expectInvalid(liaison_submission_finalise(nullptr, "x", nullptr, &e), e, "finalise");
  e = {};
  expectInvalid(liaison_submission_discard_draft(nullptr, "x", &e), e, "discard");
  e = {};
  expectInvalid(liaison_submission_get(nullptr, "x", &b, &e), e, "submission_get");
  e = {};
  expectInvalid(liaison_submission_list(nullptr, nullptr, &b, &e), e, "submission_list");
  e = {};
  expectInvalid(liaison_inbox_list(nullptr, &b, &e), e, "inbox_list");
  e = {};
  expectInvalid(liaison_inbox_mark_read(nullptr, "x", &e), e, "mark_read");
  e = {};
  expectInvalid(liaison_record_sync_status(nullptr, "x", &st, &e), e, "status");
  e = {};
  expectInvalid(liaison_sync_follow_scope(nullptr, "s", &e), e, "follow");
  e = {};
  expectInvalid(liaison_sync_build_request(nullptr, 1, &b, &e), e, "build");
  e = {};
  expectInvalid(liaison_sync_apply_response(nullptr, &byte, 0, nullptr, &e), e, "apply");
  EXPECT_EQ(liaison_store_pending_count(nullptr, nullptr), -1);

  // With a store: NULL strings and outputs.
  TempDir dir;
  StorePtr s = openStore(dir.file("n.db"));
  ASSERT_NE(s, nullptr);
  e = {};
  expectInvalid(liaison_member_get(s.get(), nullptr, &b, &e), e, "NULL id");
  e = {};
  expectInvalid(liaison_member_list(s.get(), nullptr, &e), e, "NULL out");
  e = {};
  expectInvalid(liaison_member_register(s.get(), nullptr, 5, id, &e), e, "NULL bytes");
  e = {};
  expectInvalid(liaison_store_enrol(s.get(), nullptr, &e), e, "NULL device id");
  e = {};
  expectInvalid(liaison_store_enrol(s.get(), "has space", &e), e, "bad device id");
  EXPECT_EQ(b.data, nullptr);
}

TEST(CApiBuffers, FreeingIsSafeAndIdempotent) {
  liaison_buffer_free(nullptr);
  liaison_buffer empty{};
  liaison_buffer_free(&empty);
  TempDir dir;
  StorePtr s = openStore(dir.file("b.db"));
  ASSERT_NE(s, nullptr);
  liaison_buffer b{};
  liaison_error e{};
  ASSERT_TRUE(liaison_member_list(s.get(), &b, &e));
  EXPECT_NE(b.data, nullptr);  // an empty list still gets a buffer to free
  EXPECT_EQ(b.size, 0u);
  liaison_buffer_free(&b);
  EXPECT_EQ(b.data, nullptr);
  liaison_buffer_free(&b);
}

TEST(CApiErrors, SuccessLeavesTheErrorUntouched) {
  TempDir dir;
  liaison_error e;
  std::memset(&e, 0x5a, sizeof e);
  StorePtr s = openStore(dir.file("u.db"), 1, &e);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(liaison_store_enrol(s.get(), "dev-u", &e));
  EXPECT_EQ(e.code, 0x5a5a5a5a);
}

// ---- the sync client (its exchanges with a real gateway: tests/mobile-core/sync_client_test) ----

struct ClientFreer {
  void operator()(liaison_sync_client* c) const { liaison_sync_client_free(c); }
};
using ClientPtr = std::unique_ptr<liaison_sync_client, ClientFreer>;

TEST(CApiSyncClient, OnlyHttpsLeavesThePhone) {
  TempDir dir;
  StorePtr s = openStore(dir.file("sc.db"));
  ASSERT_NE(s, nullptr);
  liaison_error e{};
  EXPECT_EQ(liaison_sync_client_new(s.get(), "http://gateway.example.org", nullptr, &e), nullptr);
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(e.message).find("https"), std::string::npos);
  ClientPtr c(liaison_sync_client_new(s.get(), "https://gateway.example.org", nullptr, &e));
  EXPECT_NE(c, nullptr) << e.message;
  ClientPtr local(liaison_sync_client_new(s.get(), "http://127.0.0.1:1", nullptr, &e));
  EXPECT_NE(local, nullptr) << e.message;
}

TEST(CApiSyncClient, NotEnrolledAndNoNetworkAreToldApart) {
  TempDir dir;
  StorePtr s = openStore(dir.file("sn.db"));
  liaison_error e{};
  ClientPtr c(liaison_sync_client_new(s.get(), "http://127.0.0.1:1", nullptr, &e));
  ASSERT_NE(c, nullptr) << e.message;
  Buffer report;
  EXPECT_FALSE(liaison_sync_run(c.get(), &report.b, &e));
  EXPECT_EQ(e.code, LIAISON_ERROR_PERMISSION_DENIED);
  EXPECT_NE(std::string(e.message).find("enrol"), std::string::npos);
  EXPECT_NE(report.b.data, nullptr);  // an empty report, still a buffer to free
  e = {};
  char id[LIAISON_DEVICE_ID_SIZE] = "untouched";
  EXPECT_FALSE(liaison_sync_enrol(c.get(), "AAAAA-AAAAA-AAAAA-AAAAA", id, &e));
  EXPECT_EQ(e.domain, LIAISON_DOMAIN_NETWORK);
  EXPECT_EQ(e.code, LIAISON_ERROR_UNAVAILABLE);
  EXPECT_STREQ(id, "untouched");
  e = {};
  EXPECT_FALSE(liaison_sync_enrol(c.get(), "not a code", id, &e));
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  // The worker runs, fails (not enrolled), and says so; stop and free are safe.
  ASSERT_TRUE(liaison_sync_start(c.get(), 3600, &e)) << e.message;
  liaison_sync_trigger(c.get());
  liaison_sync_stop(c.get());
  liaison_sync_stop(c.get());
  e = {};
  const bool last = liaison_sync_last_result(c.get(), nullptr, &e);
  if (!last) {
    EXPECT_EQ(e.code, LIAISON_ERROR_PERMISSION_DENIED);  // unless it had not run yet
  }
}

TEST(CApiSyncClient, NullArgumentsAreInvalid) {
  liaison_error e{};
  liaison_buffer b{};
  EXPECT_EQ(liaison_sync_client_new(nullptr, "https://x.example", nullptr, &e), nullptr);
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  e = {};
  EXPECT_FALSE(liaison_sync_enrol(nullptr, "c", nullptr, &e));
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  e = {};
  EXPECT_FALSE(liaison_sync_run(nullptr, &b, &e));
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  e = {};
  EXPECT_FALSE(liaison_sync_start(nullptr, 0, &e));
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  e = {};
  EXPECT_FALSE(liaison_sync_set_progress(nullptr, nullptr, nullptr, &e));
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  e = {};
  EXPECT_FALSE(liaison_sync_last_result(nullptr, &b, &e));
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  liaison_sync_stop(nullptr);
  liaison_sync_trigger(nullptr);
  liaison_sync_client_free(nullptr);
  TempDir dir;
  StorePtr s = openStore(dir.file("nu.db"));
  e = {};
  EXPECT_EQ(liaison_sync_client_new(s.get(), nullptr, nullptr, &e), nullptr);
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  ClientPtr c(liaison_sync_client_new(s.get(), "https://x.example", nullptr, &e));
  e = {};
  EXPECT_FALSE(liaison_sync_enrol(c.get(), nullptr, nullptr, &e));
  EXPECT_EQ(e.code, LIAISON_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(b.data, nullptr);
}

}  // namespace
