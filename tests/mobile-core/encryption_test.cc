// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Encryption at rest (docs/adr/0007): no phone number, name, place or answer is readable in
// the database, WAL or shared-memory files, and a wrong key fails clearly without touching
// the file.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "store_fixture.h"

namespace liaison::mobile {
namespace {

using namespace liaison::mobile::testing;

const std::vector<std::string> kSecrets = {
    kPhone,  kPhone + 1,  // with and without the '+'
    kPhone2, kPhone2 + 1, kName, kCity, kAnswer,
};

// Writes one of everything that holds personal data.
void writeEverything(Store& s) {
  ASSERT_TRUE(s.registerMember(sampleRegistration()).ok());
  auto draft = s.saveDraft(sampleSubmission());
  ASSERT_TRUE(draft.ok()) << draft.status().ToString();
  ASSERT_TRUE(s.finalise(*draft).ok());
  ASSERT_TRUE(s.saveDraft(sampleSubmission()).ok());  // a draft too
  pb::InboxItem item;
  item.set_id("notice-1");
  item.mutable_title()->add_translations()->set_text(kAnswer);
  ASSERT_TRUE(s.putInboxItem(item).ok());
}

TEST_F(StoreTest, TheScannerFindsPlainTextInAnUnencryptedDatabase) {
  // Proves the scan below can fail: the same values in a plain SQLite WAL database are found.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path("plain.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(v TEXT)", nullptr, nullptr, nullptr);
  for (const std::string& v : kSecrets) {
    const std::string sql = "INSERT INTO t VALUES ('" + v + "')";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  }
  EXPECT_EQ(findInStoreFiles(path("plain.db"), kSecrets).size(), kSecrets.size());
  sqlite3_close(db);
}

TEST_F(StoreTest, NoPersonalDataInTheDatabaseOrWalWhileOpen) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  writeEverything(*s);
  // The writes sit in the WAL (no checkpoint yet): scan it while the store is open.
  ASSERT_GT(readFile(path() + "-wal").size(), 0u);
  EXPECT_EQ(findInStoreFiles(path(), kSecrets), std::vector<std::string>{});
  // And everything reads back.
  auto found = s->memberByPhone(kPhone);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->registration().contact().display_name(), kName);
}

TEST_F(StoreTest, NoPersonalDataInTheDatabaseAfterCheckpointAndClose) {
  {
    auto s = openReady();
    ASSERT_NE(s, nullptr);
    writeEverything(*s);
  }
  ASSERT_GT(readFile(path()).size(), 0u);
  EXPECT_EQ(findInStoreFiles(path(), kSecrets), std::vector<std::string>{});
}

TEST_F(StoreTest, WrongKeyFailsClearlyAndWritesNothing) {
  {
    auto s = openReady();
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->registerMember(sampleRegistration()).ok());
  }
  const std::string before = readFile(path());
  auto wrong = Store::open(path(), testKey(2), options());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), sync::Status::Code::PermissionDenied)
      << wrong.status().ToString();
  EXPECT_EQ(readFile(path()), before);
  // The right key still opens it, with the data intact.
  auto right = open(1);
  ASSERT_NE(right, nullptr);
  EXPECT_TRUE(right->memberByPhone(kPhone).ok());
}

TEST_F(StoreTest, KeysOfTheWrongSizeAreRefused) {
  std::array<uint8_t, 16> short_key{};
  EXPECT_TRUE(Store::open(path(), short_key, options()).status().IsInvalidArgument());
  EXPECT_FALSE(std::filesystem::exists(path()));  // refused before touching the file
}

TEST_F(StoreTest, ARemovedKeyCheckIsNotSilentlyReplaced) {
  {
    auto s = openReady();
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->registerMember(sampleRegistration()).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DELETE FROM meta WHERE key IN ('key_check', 'key_salt')", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_TRUE(Store::open(path(), testKey(2), options()).status().IsCorruption());
}

TEST_F(StoreTest, ARecordMovedToAnotherRowIsDetected) {
  auto s = openReady();
  ASSERT_NE(s, nullptr);
  auto a = s->registerMember(sampleRegistration(kPhone));
  auto b = s->registerMember(sampleRegistration(kPhone2));
  ASSERT_TRUE(a.ok() && b.ok());
  s.reset();
  // Someone with the file but not the key swaps two members' sealed records.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "DROP TRIGGER members_are_immutable", nullptr, nullptr, nullptr);
  const std::string sql = "UPDATE members SET sealed = (SELECT sealed FROM members WHERE id = '" +
                          *b + "') WHERE id = '" + *a + "'";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  s = open(1);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->member(*a).status().IsCorruption());
  EXPECT_TRUE(s->member(*b).ok());
}

}  // namespace
}  // namespace liaison::mobile
