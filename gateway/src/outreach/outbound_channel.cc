// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The two adapters behind OutboundChannel (see the header). Each is its channel's listener and
// owns the channel, declared last so it is destroyed first: the channel's destructor detaches
// its listener (waiting out a callback in progress) while the adapter is still whole.
#include "outreach/outbound_channel.h"

#include <atomic>
#include <cstdio>
#include <utility>

#include "store/outbox_store.h"

namespace liaison::gateway::outreach {

std::string smppFailureCode(std::uint32_t command_status) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "smpp_%08x", static_cast<unsigned>(command_status));
  return buf;
}

std::string httpFailureCode(std::string_view channel_code) {
  if (store::isValidFailureCode(channel_code)) return std::string(channel_code);
  return "http_failed";
}

namespace {

OutboundSendStatus fromSmpp(smpp::SendStatus s) {
  switch (s) {
    case smpp::SendStatus::Queued: return OutboundSendStatus::Queued;
    case smpp::SendStatus::QueueFull: return OutboundSendStatus::QueueFull;
    case smpp::SendStatus::InvalidMessage: return OutboundSendStatus::InvalidMessage;
    case smpp::SendStatus::DuplicateRef: return OutboundSendStatus::DuplicateRef;
    case smpp::SendStatus::Stopped: return OutboundSendStatus::Stopped;
  }
  return OutboundSendStatus::InvalidMessage;
}

OutboundSendStatus fromHttp(http::SendStatus s) {
  switch (s) {
    case http::SendStatus::Queued: return OutboundSendStatus::Queued;
    case http::SendStatus::QueueFull: return OutboundSendStatus::QueueFull;
    case http::SendStatus::InvalidMessage: return OutboundSendStatus::InvalidMessage;
    case http::SendStatus::DuplicateRef: return OutboundSendStatus::DuplicateRef;
    case http::SendStatus::Stopped: return OutboundSendStatus::Stopped;
  }
  return OutboundSendStatus::InvalidMessage;
}

std::size_t freeOf(std::size_t bound, std::size_t used) { return bound > used ? bound - used : 0; }

// ---- SMPP --------------------------------------------------------------------------------

class SmppOutbound final : public OutboundChannel, smpp::SmppChannelListener {
 public:
  SmppOutbound(boost::asio::io_context& ioc, smpp::SmppChannelConfig config,
               OutboundListener& listener)
      : listener_(listener),
        max_bulk_(config.max_queued_segments),
        max_priority_(config.max_queued_priority_segments),
        channel_(std::make_unique<smpp::SmppChannel>(ioc, std::move(config), asListener())) {}

  void start() override { channel_->start(); }

  OutboundSendStatus send(OutboundSms in) override {
    smpp::OutboundMessage m;
    m.ref = in.ref;
    m.destination = std::move(in.destination);
    m.text = std::move(in.text);
    m.priority = in.high_priority ? smpp::Priority::High : smpp::Priority::Bulk;
    m.request_receipt = in.request_receipt;
    m.validity = in.validity;
    return fromSmpp(channel_->send(std::move(m)).status);
  }

  void stop() override { channel_->stop(); }

  OutboundRoom room() const override {
    const smpp::SmppChannelStats cs = channel_->stats();
    OutboundRoom r;
    r.stopping = cs.stopping || cs.stopped;
    r.free_bulk = freeOf(max_bulk_, cs.queued_segments - cs.queued_priority_segments);
    r.free_priority = freeOf(max_priority_, cs.queued_priority_segments);
    return r;
  }

  std::size_t cost(int segments) const override {
    return static_cast<std::size_t>(std::max(1, segments));
  }
  std::size_t capacity(bool high) const override { return high ? max_priority_ : max_bulk_; }

  bool ready() const override {
    for (const auto& b : channel_->stats().binds) {
      if (b.bound) return true;
    }
    return false;
  }

  const smpp::SmppChannel* smppChannel() const override { return channel_.get(); }

 private:
  // The private base, named where it is accessible (make_unique is not).
  smpp::SmppChannelListener& asListener() { return *this; }

  // smpp::SmppChannelListener
  void onSubmitted(uint64_t ref, std::span<const std::string> ids) override {
    listener_.onSubmitted(ref, ids);
  }
  void onSubmitFailed(uint64_t ref, uint32_t status, smpp::StatusClass, bool retryable) override {
    OutboundFailure f;
    f.retryable = retryable;
    f.partial_possible = true;  // segments before the rejected one may have been accepted
    f.code = smppFailureCode(status);
    listener_.onSubmitFailed(ref, f);
  }
  void onOutcomeUnknown(uint64_t ref) override { listener_.onOutcomeUnknown(ref); }
  void onDeliveryState(uint64_t ref, smpp::MessageState state, bool is_final) override {
    listener_.onDeliveryState(ref, state, is_final);
  }
  void onInbound(const smpp::CompletedMo& message) override { listener_.onInbound(message); }
  void onLinkState(std::size_t bind, smpp::LinkEvent event, std::string_view detail) override {
    listener_.onLinkState(bind, event, detail);
  }
  void onStopped(std::vector<smpp::OutboundMessage> unsent) override {
    std::vector<std::uint64_t> refs;
    refs.reserve(unsent.size());
    for (const auto& m : unsent) refs.push_back(m.ref);
    listener_.onStopped(std::move(refs));
  }

  OutboundListener& listener_;
  const std::size_t max_bulk_;
  const std::size_t max_priority_;
  std::unique_ptr<smpp::SmppChannel> channel_;  // last: destroyed first
};

// ---- HTTP --------------------------------------------------------------------------------

class HttpOutbound final : public OutboundChannel, http::HttpChannelListener {
 public:
  HttpOutbound(boost::asio::io_context& ioc, http::HttpChannelConfig config,
               OutboundListener& listener)
      : listener_(listener),
        max_bulk_(config.max_queued),
        max_priority_(config.max_queued_priority),
        channel_(std::make_unique<http::HttpChannel>(ioc, std::move(config), asListener())) {}

  void start() override {
    started_ = true;
    channel_->start();
  }

  OutboundSendStatus send(OutboundSms in) override {
    http::OutboundMessage m;
    m.ref = in.ref;
    m.destination = std::move(in.destination);
    m.text = std::move(in.text);
    m.priority = in.high_priority ? http::Priority::High : http::Priority::Bulk;
    m.request_receipt = in.request_receipt;
    m.validity = in.validity;
    return fromHttp(channel_->send(std::move(m)).status);
  }

  void stop() override { channel_->stop(); }

  OutboundRoom room() const override {
    const http::HttpChannelStats cs = channel_->stats();
    OutboundRoom r;
    r.stopping = cs.stopping || cs.stopped;
    r.free_bulk = freeOf(max_bulk_, cs.queued - cs.queued_priority);
    r.free_priority = freeOf(max_priority_, cs.queued_priority);
    return r;
  }

  std::size_t cost(int) const override { return 1; }  // the provider splits the text
  std::size_t capacity(bool high) const override { return high ? max_priority_ : max_bulk_; }

  bool ready() const override {
    if (!started_) return false;
    const http::HttpChannelStats cs = channel_->stats();
    return !cs.stopping && !cs.stopped;
  }

  const http::HttpChannel* httpChannel() const override { return channel_.get(); }

 private:
  http::HttpChannelListener& asListener() { return *this; }

  // http::HttpChannelListener
  void onSubmitted(uint64_t ref, std::span<const std::string> ids) override {
    if (!ids.empty()) return listener_.onSubmitted(ref, ids);
    // No id from the provider (Kannel): the ref stands in, and reports that echo the ref are
    // matched by it.
    const std::string self = std::to_string(ref);
    listener_.onSubmitted(ref, std::span(&self, 1));
  }
  void onSubmitFailed(uint64_t ref, const http::SendFailure& failure) override {
    OutboundFailure f;
    f.retryable = failure.retryable;
    f.throttled = failure.kind == http::FailureKind::Throttled;
    f.retry_after = failure.retry_after;
    f.partial_possible = false;  // one request is the whole message
    f.code = httpFailureCode(failure.code);
    listener_.onSubmitFailed(ref, f);
  }
  void onOutcomeUnknown(uint64_t ref, std::string_view) override {
    listener_.onOutcomeUnknown(ref);  // the channel logged the reason
  }
  void onStopped(std::vector<http::OutboundMessage> unsent) override {
    std::vector<std::uint64_t> refs;
    refs.reserve(unsent.size());
    for (const auto& m : unsent) refs.push_back(m.ref);
    listener_.onStopped(std::move(refs));
  }

  OutboundListener& listener_;
  const std::size_t max_bulk_;
  const std::size_t max_priority_;
  std::atomic<bool> started_{false};
  std::unique_ptr<http::HttpChannel> channel_;  // last: destroyed first
};

}  // namespace

std::unique_ptr<OutboundChannel> makeSmppOutbound(boost::asio::io_context& ioc,
                                                  smpp::SmppChannelConfig config,
                                                  OutboundListener& listener) {
  return std::make_unique<SmppOutbound>(ioc, std::move(config), listener);
}

std::unique_ptr<OutboundChannel> makeHttpOutbound(boost::asio::io_context& ioc,
                                                  http::HttpChannelConfig config,
                                                  OutboundListener& listener) {
  return std::make_unique<HttpOutbound>(ioc, std::move(config), listener);
}

}  // namespace liaison::gateway::outreach
