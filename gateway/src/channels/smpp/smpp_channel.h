// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// One SMSC account as a channel: whole SMS messages in, per-message outcomes out. The channel
// encodes and splits each message (sms::encodeText), keeps two bounded segment queues
// (priority before bulk), lets every bind of the account pull from them under one shared token
// bucket, folds per-segment submit outcomes into one outcome per message, feeds delivery
// receipts from any bind into one ReceiptTracker and mobile-originated parts into one
// MoReassembler, and stops gracefully, handing back what it never started to send.
//
//   send(msg) --encode--> [priority queue][bulk queue]  (bounded, in segments)
//                               ^ nextSubmit()  (any bind: window + shared TokenBucket permit)
//     SmppClient #0..n  --submit_sm-->  SMSC
//         |  onSubmitResult(segment) --> fold per message --> onSubmitted / onSubmitFailed /
//         |                                                   onOutcomeUnknown
//         |  onDeliver(receipt) --> ReceiptTracker --> onDeliveryState
//         |  onDeliver(MO part) --> MoReassembler  --> onInbound   (then deliver_sm_resp Ok)
//   channel strand: housekeeping timer (tracker/reassembler expiry), stop sequencing
//
// Events are queued in the order they arise (under the channel's state lock) and handed to the
// listener by whichever thread raised them, one at a time, so the listener sees one ordered,
// never concurrent stream. Asio stays in the .cc.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "channels/smpp/command_status.h"
#include "channels/smpp/delivery_receipt.h"
#include "channels/smpp/mo_reassembler.h"
#include "channels/smpp/receipt_tracker.h"
#include "channels/smpp/smpp_client.h"
#include "sms/encoding.h"

namespace boost::asio {
class io_context;
}

namespace liaison::gateway::smpp {

// Priority messages (opt-out confirmations, replies to an MO) are handed to the binds before
// any bulk segment; a bulk message already started is interleaved, never restarted.
enum class Priority : uint8_t { Bulk, High };

// One segment the caller encoded itself (e.g. binary or a provider-specific coding).
struct EncodedSegment {
  std::string short_message;  // UDH (when udhi) followed by the payload; <= 254 octets
  uint8_t data_coding = 0;
  bool udhi = false;  // short_message starts with a UDH (esm_class 0x40)
};

// A whole SMS as the outbox dispatcher hands it over. Owns its data.
struct OutboundMessage {
  uint64_t ref = 0;                      // the caller's id, echoed in every outcome; any value
  std::string destination;               // E.164 digits, an optional leading '+' is dropped
  std::string text;                      // UTF-8; encoded by the channel when `segments` is empty
  std::vector<EncodedSegment> segments;  // pre-encoded alternative to `text` (1..255)
  Priority priority = Priority::Bulk;
  bool request_receipt = true;
  std::chrono::seconds validity{0};  // relative validity period; 0: the SMSC's default
};

struct SmppChannelConfig {
  // The account's binds: e.g. one transceiver, a transmitter + a receiver, or several
  // transceivers. At least one must be able to transmit.
  std::vector<SmppClientConfig> binds;
  double segments_per_second = 0;  // shared by every bind; <= 0: unlimited
  double burst = 0;                // tokens taken at once; 0: max(1, rate / 20)
  std::string source_addr;         // our sender id or number
  uint8_t source_ton = 5;          // 5: alphanumeric; use 1/1 for an international number
  uint8_t source_npi = 0;
  ReceiptTrackerConfig receipts;
  // Messages awaiting receipts, at most. Beyond it a newly submitted message is not tracked and
  // reported {Unknown, final} at once (an SMSC that never sends receipts must not grow memory
  // for receipt_timeout).
  std::size_t max_tracked_messages = 1'000'000;
  MoReassemblerConfig reassembly;
  // Queue bounds, counted in segments. Separate so a full bulk queue never blocks a
  // confirmation.
  std::size_t max_queued_segments = 10'000;
  std::size_t max_queued_priority_segments = 1'000;
  // Text encoding (see sms::EncodeOptions). Empty: default GSM alphabet or UCS-2 only (no
  // national language shift tables, which some SMSCs and handsets mishandle).
  std::vector<sms::Language> national_languages;
  sms::ConcatRefSize concat_ref_size = sms::ConcatRefSize::Bits8;
  std::size_t max_segments_per_message = sms::kMaxSegmentsLimit;
  uint8_t gsm7_data_coding = 0x00;  // SMSC default alphabet; 0x08 is always used for UCS-2
  // Tracker and reassembler expiry runs this often on the channel's strand.
  std::chrono::milliseconds housekeeping_interval{1'000};
  // stop(): how long a message already partly handed to the binds may take to finish before
  // the binds are told to unbind (the binds then wait response_timeout for in-flight replies).
  std::chrono::milliseconds stop_drain_timeout{5'000};
};

enum class SendStatus : uint8_t {
  Queued,
  QueueFull,       // back off and retry; nothing was kept
  InvalidMessage,  // never retry unchanged: see SendResult::encode_error / reason
  DuplicateRef,    // a message with this ref is still queued or being submitted
  Stopped,         // stop() was called; use another channel or wait for a new one
};
std::string_view sendStatusName(SendStatus status);  // static, PII-free

struct SendResult {
  SendStatus status = SendStatus::Queued;
  std::size_t segments = 0;                                // when Queued
  sms::EncodeError encode_error = sms::EncodeError::None;  // when the text did not encode
  std::string_view reason;                                 // static, PII-free; empty when Queued
  bool ok() const { return status == SendStatus::Queued; }
  bool retryable() const {
    return status == SendStatus::QueueFull || status == SendStatus::Stopped;
  }
};

// The owner's side. Calls come from the io_context's threads (the binds' strands and the
// channel's strand), one at a time and in the order the events arose: never concurrently.
// A callback may call SmppChannel::send()/stop()/stats() (they never call back synchronously)
// but must not block for long: binds wait for it. Per ref, exactly one of onSubmitted /
// onSubmitFailed / onOutcomeUnknown / (in onStopped) handed back is reported; onDeliveryState
// only follows onSubmitted, and only when a receipt was requested.
class SmppChannelListener {
 public:
  virtual ~SmppChannelListener() = default;
  // Every segment was accepted; ids in segment order (as the SMSC sent them). Views valid only
  // during the call.
  virtual void onSubmitted(uint64_t ref, std::span<const std::string> message_ids) = 0;
  // A segment was rejected: the message's unsent segments are dropped. retryable: the status
  // is transient (or a throttled segment was still pending at stop); a permanent status means
  // never resend unchanged. Segments already accepted may still reach the handset.
  virtual void onSubmitFailed(uint64_t ref, uint32_t status, StatusClass status_class,
                              bool retryable) = 0;
  // A segment's outcome is unknown (response timeout, link lost while in flight), or stop()
  // cut a message short after part of it was submitted. The message may or may not arrive,
  // wholly or in part; the channel never resends, the owner's resend policy decides.
  virtual void onOutcomeUnknown(uint64_t ref) = 0;
  // The whole message's derived receipt state (see ReceiptTracker). is_final: no more
  // updates for this ref; a receipt timeout reports {Unknown, final}.
  virtual void onDeliveryState(uint64_t ref, MessageState state, bool is_final) = 0;
  // A reassembled mobile-originated message, or a partial one (expired or evicted; see
  // CompletedMo::completion). The deliver_sm that completed it is answered Ok only after this
  // returns, so store it durably before returning.
  virtual void onInbound(const CompletedMo& message) = 0;
  // A bind's link changed (detail: PII-free, e.g. "closed by SMSC" or a status name).
  virtual void onLinkState(std::size_t bind_index, LinkEvent event, std::string_view detail) = 0;
  // stop() finished: every bind reported Stopped. `unsent` holds every message that was
  // still queued and never started, as given to send(). Called exactly once; no call follows.
  virtual void onStopped(std::vector<OutboundMessage> unsent) = 0;
};

struct SmppBindStats {
  BindMode mode = BindMode::Transceiver;
  bool bound = false;
  LinkEvent last_event = LinkEvent::Disconnected;  // Disconnected until the first event
  SmppClientStats client;
};

struct SmppChannelStats {
  // Counters.
  uint64_t messages_queued = 0;    // send() returned Queued
  uint64_t queue_full = 0;         // send() returned QueueFull
  uint64_t invalid_messages = 0;   // send() returned InvalidMessage or DuplicateRef
  uint64_t submitted = 0;          // onSubmitted
  uint64_t submit_failed = 0;      // onSubmitFailed
  uint64_t outcome_unknown = 0;    // onOutcomeUnknown
  uint64_t segments_dropped = 0;   // unsent segments of failed / unknown messages
  uint64_t receipts = 0;           // receipts parsed and given to the tracker
  uint64_t receipts_unparsed = 0;  // receipt PDUs with no usable id: acknowledged, ignored
  uint64_t delivery_updates = 0;   // onDeliveryState
  uint64_t tracking_refused = 0;   // max_tracked_messages reached: reported Unknown at once
  uint64_t inbound = 0;            // onInbound
  uint64_t mo_invalid = 0;         // MO parts the reassembler refused
  uint64_t handed_back = 0;        // messages returned by onStopped
  // Gauges.
  std::size_t queued_messages = 0;  // not yet fully handed to a bind
  std::size_t queued_segments = 0;  // bulk + priority
  std::size_t queued_priority_segments = 0;
  std::size_t in_flight_segments = 0;   // handed to a bind, outcome pending
  std::size_t submitting_messages = 0;  // queued or in flight, outcome not yet reported
  std::size_t tracked_messages = 0;     // awaiting receipts
  bool stopping = false;
  bool stopped = false;
  std::vector<SmppBindStats> binds;
  ReceiptTrackerStats tracker;
  MoReassemblerStats reassembler;
};

class SmppChannel {
 public:
  // Throws std::invalid_argument for an unusable config (no bind, none can transmit). The
  // listener must stay valid until onStopped() or until this object is destroyed, whichever
  // comes first. Nothing happens until start().
  SmppChannel(boost::asio::io_context& ioc, SmppChannelConfig config,
              SmppChannelListener& listener);
  // Detaches the listener (waiting for a callback in progress on another thread) and stops the
  // binds. Messages still queued are dropped without onStopped: call stop() and wait for
  // onStopped() first to get them back.
  ~SmppChannel();
  SmppChannel(const SmppChannel&) = delete;
  SmppChannel& operator=(const SmppChannel&) = delete;

  // Starts every bind. Once only; thread-safe.
  void start();
  // Encodes, checks the bounds and queues the message; O(segments), never blocks on I/O.
  // Thread-safe, callable from listener callbacks. Messages may be queued before start().
  SendResult send(OutboundMessage message);
  // Graceful stop: no new message is started; a message partly handed out may finish (bounded
  // by stop_drain_timeout); then every bind unbinds and onStopped() hands back the rest.
  // Final (no restart). Thread-safe, idempotent.
  void stop();
  // A snapshot; thread-safe.
  SmppChannelStats stats() const;

  struct Impl;  // public only so the implementation's helpers can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace liaison::gateway::smpp
