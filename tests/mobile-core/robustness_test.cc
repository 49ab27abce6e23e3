// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The store under the failures a phone meets: the app killed (fork + SIGKILL) in the middle
// of a write and in the middle of applying a sync page, a damaged or truncated database file,
// and storage running full. Each time the file reopens intact: committed writes are all
// there, nothing half-written is visible, the outbox still numbers its operations without a
// gap, and SQLite's own integrity check passes. (The same member edited on two devices is in
// sync_client_test.cc, against the real gateway.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "liaison/sync/batch_codec.h"
#include "store_fixture.h"

namespace liaison::mobile {
namespace {

using namespace liaison::mobile::testing;

// SQLite's PRAGMA integrity_check on the raw file ("ok" when sound).
std::string integrity(const std::string& path) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_exec(
        db, "PRAGMA integrity_check",
        [](void* o, int, char** v, char**) {
          *static_cast<std::string*>(o) += v[0] ? v[0] : "";
          return 0;
        },
        &out, nullptr);
  }
  sqlite3_close(db);
  return out;
}

// Reads decimal counts the child writes to a pipe, one per line.
class Pipe {
 public:
  Pipe() { EXPECT_EQ(::pipe(fd_), 0); }
  ~Pipe() {
    closeRead();
    closeWrite();
  }
  void closeRead() {
    if (fd_[0] >= 0) ::close(fd_[0]);
    fd_[0] = -1;
  }
  void closeWrite() {
    if (fd_[1] >= 0) ::close(fd_[1]);
    fd_[1] = -1;
  }
  void put(long n) {
    const std::string s = std::to_string(n) + "\n";
    (void)!::write(fd_[1], s.data(), s.size());
  }
  // The next number, or -1 at end of file.
  long next() {
    std::string line;
    char c;
    while (::read(fd_[0], &c, 1) == 1) {
      if (c == '\n') return std::stol(line);
      line.push_back(c);
    }
    return -1;
  }

 private:
  int fd_[2] = {-1, -1};
};

class RobustnessTest : public StoreTest {
 protected:
  // Every member and submission opens, the outbox holds seqs lo..hi with no gap, and the
  // store's counts agree. Returns the number of finalised records.
  int64_t checkIntact(Store& s) {
    auto members = s.listMembers();
    EXPECT_TRUE(members.ok()) << members.status().ToString();
    auto subs = s.listSubmissions("");
    EXPECT_TRUE(subs.ok()) << subs.status().ToString();
    int64_t finalised = members.ok() ? members->members_size() : 0;
    if (subs.ok()) {
      for (const auto& v : subs->submissions()) {
        if (v.sync().state() != views::SYNC_STATE_LOCAL) ++finalised;
      }
    }
    auto pending = s.pendingCount();
    EXPECT_EQ(pending.ok() ? *pending : -1, finalised);
    auto req = s.nextSyncRequest(500);
    EXPECT_TRUE(req.ok()) << req.status().ToString();
    if (req.ok()) {
      for (int i = 0; i < req->push().operations_size(); ++i) {
        EXPECT_EQ(req->push().operations(i).device_seq(), static_cast<uint64_t>(i + 1));
      }
      // The request is what the gateway will accept.
      EXPECT_TRUE(sync::encodeSyncRequest(*req).ok());
    }
    return finalised;
  }
};

TEST_F(RobustnessTest, KilledDuringWritesReopensWithEveryCommittedWrite) {
  std::mt19937 rng(7);
  int64_t before = 0;
  for (int round = 0; round < 3; ++round) {
    {
      auto s = openReady();  // the parent made the store; the child only adds to it
      ASSERT_NE(s, nullptr);
    }
    Pipe pipe;
    const long kill_after = 20 + static_cast<long>(rng() % 60);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      pipe.closeRead();
      auto s = Store::open(path(), testKey(1));
      if (!s.ok()) ::_exit(2);
      for (long i = 0;; ++i) {  // registrations and finalised forms, until killed
        bool ok;
        if (i % 3 == 0) {
          ok = (*s)->registerMember(
                       sampleRegistration("+4915" + std::to_string(100000000 + i + round * 100000)))
                   .ok();
        } else {
          auto d = (*s)->saveDraft(sampleSubmission());
          ok = d.ok() && (*s)->finalise(*d).ok();
        }
        if (!ok) ::_exit(3);
        pipe.put(i + 1);  // committed
      }
    }
    pipe.closeWrite();
    long committed = 0;
    for (long n; (n = pipe.next()) >= 0;) {
      committed = n;
      if (n >= kill_after) {
        ::kill(pid, SIGKILL);
        break;
      }
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped by itself: " << status;
    // The child may have committed more between the report we read and the kill landing (a
    // loaded machine): read what it reported before it died.
    for (long n; (n = pipe.next()) >= 0;) committed = n;
    EXPECT_EQ(integrity(path()), "ok");
    auto s = open();
    ASSERT_NE(s, nullptr);
    const int64_t finalised = checkIntact(*s);
    // Every write the child saw committed is there, and at most the one in flight more.
    EXPECT_GE(finalised - before, committed);
    EXPECT_LE(finalised - before, committed + 1);
    before = finalised;
  }
}

TEST_F(RobustnessTest, KilledDuringASyncApplyLeavesAllOrNothing) {
  std::mt19937 rng(11);
  constexpr int kItems = 3000;
  wire::SyncResponse page;
  page.set_status(wire::ERROR_CODE_OK);
  for (int i = 0; i < kItems; ++i) {
    wire::PublishedRecord* r = page.add_records();
    r->set_scope("notices:DE");
    r->set_seq(static_cast<uint64_t>(i + 1));
    r->mutable_inbox_item()->set_id("n-" + std::to_string(i));
    r->mutable_inbox_item()->mutable_published_at()->set_seconds(1'767'225'600 + i);
  }
  wire::Cursor* c = page.add_cursors();
  c->set_scope("notices:DE");
  c->set_seq(kItems);
  sync::sealPage(&page);
  {
    auto s = openReady();
    ASSERT_TRUE(s->followScope("notices:DE").ok());
  }
  int applied_whole = 0;
  int applied_none = 0;
  for (int round = 0; round < 6; ++round) {
    Pipe pipe;
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      pipe.closeRead();
      auto s = Store::open(path(), testKey(1));
      if (!s.ok()) ::_exit(2);
      pipe.put(1);  // about to apply
      auto rep = (*s)->applySyncResponse(page);
      ::_exit(rep.ok() ? 0 : 3);
    }
    pipe.closeWrite();
    ASSERT_EQ(pipe.next(), 1);
    // Somewhere in the apply (or before or after it: every outcome must be whole).
    ::usleep(static_cast<useconds_t>(rng() % 150'000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_EQ(integrity(path()), "ok");
    auto s = open();
    ASSERT_NE(s, nullptr);
    const int items = s->listInbox()->entries_size();
    const uint64_t cursor = s->nextSyncRequest(1)->cursors(0).seq();
    if (items == 0) {
      EXPECT_EQ(cursor, 0u);
      ++applied_none;
    } else {
      EXPECT_EQ(items, kItems);
      EXPECT_EQ(cursor, static_cast<uint64_t>(kItems));
      ++applied_whole;
      // Start the next round from nothing again.
      s.reset();
      std::filesystem::remove(path());
      std::filesystem::remove(path() + "-wal");
      std::filesystem::remove(path() + "-shm");
      auto fresh = openReady();
      ASSERT_TRUE(fresh->followScope("notices:DE").ok());
    }
  }
  std::printf("sync apply killed: %d rounds found nothing applied, %d the page whole\n",
              applied_none, applied_whole);
}

TEST_F(RobustnessTest, ACorruptFileIsReportedAsCorrupt) {
  {
    auto s = openReady();
    ASSERT_TRUE(s->registerMember(sampleRegistration()).ok());
  }
  // Overwrite the header (the first 100 bytes) with noise.
  {
    std::fstream f(path(), std::ios::in | std::ios::out | std::ios::binary);
    const std::string noise(100, '\x5a');
    f.write(noise.data(), static_cast<std::streamsize>(noise.size()));
  }
  auto s = Store::open(path(), testKey(1), options());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsCorruption()) << s.status().ToString();
  EXPECT_FALSE(s.status().message().empty());
  std::printf("corrupt header: %s\n", s.status().ToString().c_str());
}

TEST_F(RobustnessTest, ADamagedRecordIsReportedAsCorrupt) {
  std::string id;
  {
    auto s = openReady();
    id = s->registerMember(sampleRegistration()).value();
  }
  // Flip bytes inside the member's sealed record, through SQLite so the file stays a
  // well-formed database: the record's authentication catches it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE members SET sealed = substr(sealed, 1, 40) || x'00ff00ff' || "
                         "substr(sealed, 45)",
                         nullptr, nullptr, nullptr),
            SQLITE_CONSTRAINT)
      << "registrations are immutable: the trigger refuses even this";
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TRIGGER members_are_immutable; UPDATE members SET sealed = "
                         "substr(sealed, 1, 40) || x'00ff00ff' || substr(sealed, 45)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = open();
  ASSERT_NE(s, nullptr);
  auto m = s->member(id);
  EXPECT_TRUE(m.status().IsCorruption()) << m.status().ToString();
}

TEST_F(RobustnessTest, ATruncatedFileIsDetected) {
  {
    auto s = openReady();
    for (int i = 0; i < 400; ++i) {
      ASSERT_TRUE(
          s->registerMember(sampleRegistration("+4916" + std::to_string(10000000 + i))).ok());
    }
  }
  ASSERT_FALSE(std::filesystem::exists(path() + "-wal") &&
               std::filesystem::file_size(path() + "-wal") > 0)
      << "closing checkpoints the WAL into the file";
  const auto size = std::filesystem::file_size(path());
  std::filesystem::resize_file(path(), size / 2);
  // Either opening or the first read of the lost half says the file is damaged.
  auto s = Store::open(path(), testKey(1), options());
  sync::Status st = s.status();
  if (s.ok()) st = (*s)->listMembers().status();
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  std::printf("truncated file: %s\n", st.ToString().c_str());
}

// Storage full, two ways: a small tmpfs (when this runs as root and may mount one; the test
// says which was used) and a file size limit (RLIMIT_FSIZE, with SIGXFSZ ignored so the write
// fails instead of killing the process). The writes run in a child so the limit stays there.
class StorageFullTest : public RobustnessTest, public ::testing::WithParamInterface<bool> {};

TEST_P(StorageFullTest, RefusedClearlyAndCorruptsNothing) {
  std::string dir = dir_.path().string();
  bool tmpfs = false;
  const std::string mnt = dir_.file("small-tmpfs");
  std::filesystem::create_directories(mnt);
  if (GetParam()) {
    if (::geteuid() != 0 || ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") != 0) {
      std::printf("storage full: cannot mount a tmpfs here; the RLIMIT_FSIZE case covers it\n");
      RecordProperty("storage_full_mechanism", "none: tmpfs mount refused");
      GTEST_SKIP() << "cannot mount a tmpfs (not root, or no CAP_SYS_ADMIN)";
    }
    tmpfs = true;
    dir = mnt;
  }
  struct Unmount {
    const std::string& at;
    bool mounted;
    ~Unmount() {
      if (mounted) ::umount(at.c_str());
    }
  } unmount{mnt, tmpfs};
  const std::string file = dir + "/full.db";
  {
    auto s = Store::open(file, testKey(1), options());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->enrol("dev-a").ok());
    ASSERT_TRUE((*s)->putForm(sampleForm()).ok());
  }
  Pipe pipe;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    pipe.closeRead();
    if (!tmpfs) {
      ::signal(SIGXFSZ, SIG_IGN);
      const rlimit lim{1u << 20, 1u << 20};  // 1 MiB per file
      if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(2);
    }
    auto s = Store::open(file, testKey(1));
    if (!s.ok()) ::_exit(3);
    for (long i = 0; i < 100000; ++i) {
      auto d = (*s)->saveDraft(sampleSubmission());
      sync::Status st = d.ok() ? (*s)->finalise(*d).status() : d.status();
      if (!st.ok()) {
        pipe.put(-100 - static_cast<long>(st.code()));  // the refusal's code
        std::fprintf(stderr, "refused after %ld writes: %s\n", i, st.ToString().c_str());
        ::_exit(0);
      }
      pipe.put(i + 1);
    }
    ::_exit(4);
  }
  pipe.closeWrite();
  long committed = 0;
  long refusal = 0;
  for (long n; refusal == 0 && (n = pipe.next()) != -1;) {
    if (n < -1) {
      refusal = -n - 100;
    } else {
      committed = n;
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  ASSERT_EQ(WEXITSTATUS(status), 0) << "the writes never ran out of space";
  EXPECT_EQ(refusal, static_cast<long>(sync::Status::Code::ResourceExhausted));
  EXPECT_GT(committed, 0);
  std::printf("storage full via %s: refused after %ld finalised submissions\n",
              tmpfs ? "a 1 MiB tmpfs" : "RLIMIT_FSIZE 1 MiB", committed);
  RecordProperty("storage_full_mechanism", tmpfs ? "tmpfs" : "RLIMIT_FSIZE");
  // Without the limit: the store opens, every committed write is there, nothing half-done.
  EXPECT_EQ(integrity(file), "ok");
  {
    auto s = Store::open(file, testKey(1), options());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const int64_t finalised = checkIntact(**s);
    EXPECT_GE(finalised, committed);
    EXPECT_LE(finalised, committed + 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Mechanism, StorageFullTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) {
                           return std::string(i.param ? "SmallTmpfs" : "FileSizeLimit");
                         });

}  // namespace
}  // namespace liaison::mobile
