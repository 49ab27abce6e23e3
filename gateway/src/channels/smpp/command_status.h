// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SMPP 3.4 command_status codes (spec section 5.1.3) and the single table that classifies each
// one for retry policy (Success / Transient / Throttle / Permanent) and names it for metrics and
// logs. Everything here is allocation-free and never throws.
#pragma once

#include <cstdint>
#include <string_view>

namespace liaison::gateway::smpp {

// Raw command_status values. The wire field is a uint32_t; codes not listed here (e.g. the
// vendor-specific range 0x400-0x4FF) are still representable by static_cast.
enum class CommandStatus : uint32_t {
  Ok = 0x00,                          // ESME_ROK
  InvalidMessageLength = 0x01,        // ESME_RINVMSGLEN
  InvalidCommandLength = 0x02,        // ESME_RINVCMDLEN
  InvalidCommandId = 0x03,            // ESME_RINVCMDID
  InvalidBindStatus = 0x04,           // ESME_RINVBNDSTS
  AlreadyBound = 0x05,                // ESME_RALYBND
  InvalidPriorityFlag = 0x06,         // ESME_RINVPRTFLG
  InvalidRegisteredDelivery = 0x07,   // ESME_RINVREGDLVFLG
  SystemError = 0x08,                 // ESME_RSYSERR
  InvalidSourceAddress = 0x0A,        // ESME_RINVSRCADR
  InvalidDestAddress = 0x0B,          // ESME_RINVDSTADR
  InvalidMessageId = 0x0C,            // ESME_RINVMSGID
  BindFailed = 0x0D,                  // ESME_RBINDFAIL
  InvalidPassword = 0x0E,             // ESME_RINVPASWD
  InvalidSystemId = 0x0F,             // ESME_RINVSYSID
  CancelFailed = 0x11,                // ESME_RCANCELFAIL
  ReplaceFailed = 0x13,               // ESME_RREPLACEFAIL
  MessageQueueFull = 0x14,            // ESME_RMSGQFUL
  InvalidServiceType = 0x15,          // ESME_RINVSERTYP
  InvalidNumberOfDests = 0x33,        // ESME_RINVNUMDESTS
  InvalidDistListName = 0x34,         // ESME_RINVDLNAME
  InvalidDestFlag = 0x40,             // ESME_RINVDESTFLAG
  InvalidSubmitReplace = 0x42,        // ESME_RINVSUBREP
  InvalidEsmClass = 0x43,             // ESME_RINVESMCLASS
  CannotSubmitToDistList = 0x44,      // ESME_RCNTSUBDL
  SubmitFailed = 0x45,                // ESME_RSUBMITFAIL
  InvalidSourceTon = 0x48,            // ESME_RINVSRCTON
  InvalidSourceNpi = 0x49,            // ESME_RINVSRCNPI
  InvalidDestTon = 0x50,              // ESME_RINVDSTTON
  InvalidDestNpi = 0x51,              // ESME_RINVDSTNPI
  InvalidSystemType = 0x53,           // ESME_RINVSYSTYP
  InvalidReplaceFlag = 0x54,          // ESME_RINVREPFLAG
  InvalidNumberOfMessages = 0x55,     // ESME_RINVNUMMSGS
  Throttled = 0x58,                   // ESME_RTHROTTLED
  InvalidScheduleTime = 0x61,         // ESME_RINVSCHED
  InvalidExpiryTime = 0x62,           // ESME_RINVEXPIRY
  InvalidDefaultMessageId = 0x63,     // ESME_RINVDFTMSGID
  ReceiverTemporaryError = 0x64,      // ESME_RX_T_APPN
  ReceiverPermanentError = 0x65,      // ESME_RX_P_APPN
  ReceiverRejectError = 0x66,         // ESME_RX_R_APPN
  QueryFailed = 0x67,                 // ESME_RQUERYFAIL
  InvalidOptionalParamStream = 0xC0,  // ESME_RINVOPTPARSTREAM
  OptionalParamNotAllowed = 0xC1,     // ESME_ROPTPARNOTALLWD
  InvalidParamLength = 0xC2,          // ESME_RINVPARLEN
  MissingOptionalParam = 0xC3,        // ESME_RMISSINGOPTPARAM
  InvalidOptionalParamValue = 0xC4,   // ESME_RINVOPTPARAMVAL
  DeliveryFailure = 0xFE,             // ESME_RDELIVERYFAILURE
  UnknownError = 0xFF,                // ESME_RUNKNOWNERR
};

// What the sender should do with the message (or request) that received this status.
enum class StatusClass : uint8_t {
  Success,    // done
  Transient,  // retry later with backoff (bounded attempts)
  Throttle,   // SMSC asks us to slow down: retry the same message after reducing the send rate
  Permanent,  // do not retry this message unchanged
};

struct CommandStatusInfo {
  uint32_t code;
  StatusClass status_class;
  std::string_view name;  // static storage, e.g. "ESME_RTHROTTLED"
};

// Looks up `code` in the SMPP 3.4 table. Never fails: codes outside the table get
// status_class Transient and the name "ESME_VENDOR_SPECIFIC" (0x400-0x4FF) or
// "ESME_UNRECOGNISED" (anything else), so metric label cardinality stays bounded.
CommandStatusInfo commandStatusInfo(uint32_t code);

inline StatusClass classifyCommandStatus(uint32_t code) {
  return commandStatusInfo(code).status_class;
}
inline std::string_view commandStatusName(uint32_t code) { return commandStatusInfo(code).name; }
inline CommandStatusInfo commandStatusInfo(CommandStatus code) {
  return commandStatusInfo(static_cast<uint32_t>(code));
}

// "Success", "Transient", "Throttle", "Permanent".
std::string_view statusClassName(StatusClass c);

}  // namespace liaison::gateway::smpp
