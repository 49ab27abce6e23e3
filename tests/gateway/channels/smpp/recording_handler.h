// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The part every SmppClient test handler shares: a log of link events and bounded waits on
// the handler's own state. Derived handlers add their counters and guard them with mu_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channels/smpp/smpp_client.h"

namespace liaison::gateway::smpp {

template <class Derived>
class RecordingHandler : public SmppClientHandler {
 public:
  void onLinkEvent(LinkEvent event, std::string_view detail) override {
    std::lock_guard lock(mu_);
    events_.emplace_back(event, std::string(detail));
    cv_.notify_all();
  }

  // Waits until pred(derived) holds, under mu_; false on timeout. Derived callbacks must
  // notify cv_ after changing what predicates read.
  template <class Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(static_cast<Derived&>(*this)); });
  }

  // Call with mu_ held, or after the client stopped.
  int count(LinkEvent e) const {
    int n = 0;
    for (const auto& [ev, d] : events_) n += ev == e;
    return n;
  }
  std::string lastDetail(LinkEvent e) const {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->first == e) return it->second;
    }
    return {};
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<LinkEvent, std::string>> events_;
};

}  // namespace liaison::gateway::smpp
