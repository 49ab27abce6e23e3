// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Group commit: work items from many threads handed to one thread in groups, so that one
// durable commit (one fsync) covers every item that arrived while the previous one ran.
//
//   any thread: submit(item) --> pending (at most max_pending; beyond: refused at once)
//   the group thread: wait for work, take what is pending (at most max_batch), commit(group),
//                     repeat
//
// No timer and no linger: under light load a group is one item and costs one commit, as
// without grouping; under load, groups grow to what arrives during one commit. The commit
// function owns the items' completions (each item carries its own callback).
//
// The destructor lets the thread commit everything accepted, then joins it; submit() after
// the destructor started is refused. Thread-safe.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace liaison::gateway::util {

struct GroupCommitStats {
  std::uint64_t commits = 0;  // groups handed to the commit function
  std::uint64_t items = 0;    // items in them
  std::uint64_t refused = 0;  // submit() returned false
  std::size_t largest_group = 0;
  std::size_t pending = 0;
};

template <class Item>
class GroupCommitter {
 public:
  using Commit = std::function<void(std::vector<Item>& group)>;

  GroupCommitter(Commit commit, std::size_t max_batch, std::size_t max_pending)
      : commit_(std::move(commit)),
        max_batch_(std::max<std::size_t>(max_batch, 1)),
        max_pending_(max_pending),
        thread_([this] { run(); }) {}

  ~GroupCommitter() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `item` for the next group. False (the item untouched) when max_pending items are
  // waiting or the committer is stopping: the caller answers "busy, retry".
  bool submit(Item& item) {
    {
      std::lock_guard lock(mu_);
      if (stopping_ || pending_.size() >= max_pending_) {
        ++stats_.refused;
        return false;
      }
      pending_.push_back(std::move(item));
      stats_.pending = pending_.size();
    }
    wake_.notify_one();
    return true;
  }

  GroupCommitStats stats() const {
    std::lock_guard lock(mu_);
    return stats_;
  }

 private:
  void run() {
    std::vector<Item> group;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
        if (pending_.empty()) return;  // stopping, and everything accepted is committed
        const std::size_t n = std::min(pending_.size(), max_batch_);
        for (std::size_t i = 0; i < n; ++i) {
          group.push_back(std::move(pending_.front()));
          pending_.pop_front();
        }
        stats_.pending = pending_.size();
        ++stats_.commits;
        stats_.items += n;
        stats_.largest_group = std::max(stats_.largest_group, n);
      }
      commit_(group);
      group.clear();
    }
  }

  const Commit commit_;
  const std::size_t max_batch_;
  const std::size_t max_pending_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable wake_;
  std::deque<Item> pending_;
  GroupCommitStats stats_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace liaison::gateway::util
