// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// An SMSC simulator: the far side of an SMPP link for the demo, the tests and the benchmarks.
// It accepts binds, answers submit_sm with message ids, sends delivery receipts and
// mobile-originated messages, and has knobs for the faults real SMSCs show: throttling a share
// of submits, answering with chosen error codes, swallowing responses, delaying them, dropping
// the connection, refusing binds and ignoring enquire_link. Deterministic for a given seed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_map>

#include "channels/smpp/pdu.h"

namespace boost::asio {
class io_context;
}

namespace liaison::gateway::smpp {

struct SmscSimulatorConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 0;      // 0: any free port, read back with port()
  std::string system_id;  // empty: accept any credentials
  std::string password;
  uint64_t seed = 1;
  std::string tls_cert_file;  // PEM certificate chain: serve SMPP over TLS when set
  std::string tls_key_file;   // PEM private key

  // Faults, applied per submit_sm in this order (shares are probabilities in [0, 1]).
  double swallow_share = 0;      // no response at all
  double throttle_share = 0;     // ESME_RTHROTTLED
  double error_share = 0;        // error_status
  uint32_t error_status = 0x08;  // ESME_RSYSERR
  std::chrono::milliseconds response_delay{0};
  std::chrono::milliseconds drop_every{0};  // close each connection this long after its bind
  uint32_t drop_after_submits = 0;          // close a connection after N submits (0: never)
  bool refuse_binds = false;
  uint32_t refuse_status = 0x0D;  // ESME_RBINDFAIL
  bool answer_enquire_link = true;

  // Receipts for submits with registered_delivery set.
  bool receipts = true;
  std::chrono::milliseconds receipt_delay{0};
  bool receipt_ids_decimal = false;  // receipts name the id in decimal, responses in hex
  std::string receipt_stat = "DELIVRD";
  bool receipt_before_response = false;  // write the receipt ahead of the submit_sm_resp

  bool record_submits = true;  // keep a count per distinct short_message (for duplicate checks)

  // Sees every accepted submit_sm, after its response was queued (a simulated handset, the
  // demo's population). Runs on the simulator's strand: it must not block and must not call
  // sendMobileOriginated synchronously (post it elsewhere). The PDU's views are valid only
  // during the call.
  std::function<void(const SubmitSm&)> on_accepted_submit;
};

struct SmscSimulatorStats {
  uint64_t connections = 0;
  uint64_t binds = 0;
  uint64_t bind_refusals = 0;
  uint64_t submits = 0;  // submit_sm received
  uint64_t accepted = 0;
  uint64_t throttled = 0;
  uint64_t errors = 0;
  uint64_t swallowed = 0;
  uint64_t receipts_sent = 0;
  uint64_t receipts_acked = 0;
  uint64_t receipts_undeliverable = 0;  // transmitter-only account: nowhere to send
  uint64_t mo_sent = 0;
  uint64_t mo_acked = 0;
  uint64_t enquire_links = 0;
  uint64_t unbinds = 0;
  uint64_t drops = 0;
  uint64_t generic_nacks = 0;  // received from the client
};

class SmscSimulator {
 public:
  SmscSimulator(boost::asio::io_context& ioc, SmscSimulatorConfig config);
  ~SmscSimulator();
  SmscSimulator(const SmscSimulator&) = delete;
  SmscSimulator& operator=(const SmscSimulator&) = delete;

  std::error_code start();
  uint16_t port() const;
  // Closes the listener and every connection. Thread-safe.
  void stop();

  // Changes knobs at run time (applied on the simulator's strand). Thread-safe.
  void configure(std::function<void(SmscSimulatorConfig&)> change);

  // Sends a mobile-originated deliver_sm to a bound receiver or transceiver (round robin).
  // `short_message` is already encoded (UDH included when esm_class has UDHI). SAR fields are
  // sent as TLVs when sar_total > 0. Returns false when nobody is bound to receive.
  struct MobileOriginated {
    std::string source_addr;       // sender's number, digits
    std::string destination_addr;  // our short code / long number
    uint8_t data_coding = 0;
    uint8_t esm_class = 0;
    std::string short_message;
    uint16_t sar_ref = 0;
    uint8_t sar_total = 0;
    uint8_t sar_seq = 0;
  };
  bool sendMobileOriginated(const MobileOriginated& mo);

  // Writes raw bytes to every bound connection (e.g. a PDU with an unknown command id).
  void sendRawToAll(std::string bytes);

  SmscSimulatorStats stats() const;
  // How many times each distinct short_message was received (record_submits).
  std::unordered_map<std::string, uint32_t> submitCounts() const;

  struct Impl;  // public only so the implementation's helpers can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace liaison::gateway::smpp
