// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The command_status classification table. Policy notes:
//  - Throttle: only ESME_RTHROTTLED and ESME_RMSGQFUL (the SMSC is overloaded, not the message).
//  - Transient: failures of the SMSC or the session rather than of the message content
//    (RSYSERR, RSUBMITFAIL, RBINDFAIL, RINVBNDSTS, RALYBND, RX_T_APPN, RDELIVERYFAILURE,
//    RUNKNOWNERR). A retry policy must still cap attempts.
//  - Permanent: the request itself is malformed or refused (addresses, flags, credentials...).
//  - Unknown / vendor-specific codes (0x400-0x4FF and anything unlisted) are Transient: losing a
//    government notice on an unrecognised code is worse than a bounded retry, and operators use
//    the vendor range mostly for temporary conditions (routing, credit, congestion).
#include "channels/smpp/command_status.h"

#include <algorithm>
#include <array>

namespace liaison::gateway::smpp {
namespace {

using S = StatusClass;

// Sorted by code (checked by a static_assert below) for binary search.
constexpr std::array kTable = {
    CommandStatusInfo{0x00, S::Success, "ESME_ROK"},
    CommandStatusInfo{0x01, S::Permanent, "ESME_RINVMSGLEN"},
    CommandStatusInfo{0x02, S::Permanent, "ESME_RINVCMDLEN"},
    CommandStatusInfo{0x03, S::Permanent, "ESME_RINVCMDID"},
    CommandStatusInfo{0x04, S::Transient, "ESME_RINVBNDSTS"},
    CommandStatusInfo{0x05, S::Transient, "ESME_RALYBND"},
    CommandStatusInfo{0x06, S::Permanent, "ESME_RINVPRTFLG"},
    CommandStatusInfo{0x07, S::Permanent, "ESME_RINVREGDLVFLG"},
    CommandStatusInfo{0x08, S::Transient, "ESME_RSYSERR"},
    CommandStatusInfo{0x0A, S::Permanent, "ESME_RINVSRCADR"},
    CommandStatusInfo{0x0B, S::Permanent, "ESME_RINVDSTADR"},
    CommandStatusInfo{0x0C, S::Permanent, "ESME_RINVMSGID"},
    CommandStatusInfo{0x0D, S::Transient, "ESME_RBINDFAIL"},
    CommandStatusInfo{0x0E, S::Permanent, "ESME_RINVPASWD"},
    CommandStatusInfo{0x0F, S::Permanent, "ESME_RINVSYSID"},
    CommandStatusInfo{0x11, S::Permanent, "ESME_RCANCELFAIL"},
    CommandStatusInfo{0x13, S::Permanent, "ESME_RREPLACEFAIL"},
    CommandStatusInfo{0x14, S::Throttle, "ESME_RMSGQFUL"},
    CommandStatusInfo{0x15, S::Permanent, "ESME_RINVSERTYP"},
    CommandStatusInfo{0x33, S::Permanent, "ESME_RINVNUMDESTS"},
    CommandStatusInfo{0x34, S::Permanent, "ESME_RINVDLNAME"},
    CommandStatusInfo{0x40, S::Permanent, "ESME_RINVDESTFLAG"},
    CommandStatusInfo{0x42, S::Permanent, "ESME_RINVSUBREP"},
    CommandStatusInfo{0x43, S::Permanent, "ESME_RINVESMCLASS"},
    CommandStatusInfo{0x44, S::Permanent, "ESME_RCNTSUBDL"},
    CommandStatusInfo{0x45, S::Transient, "ESME_RSUBMITFAIL"},
    CommandStatusInfo{0x48, S::Permanent, "ESME_RINVSRCTON"},
    CommandStatusInfo{0x49, S::Permanent, "ESME_RINVSRCNPI"},
    CommandStatusInfo{0x50, S::Permanent, "ESME_RINVDSTTON"},
    CommandStatusInfo{0x51, S::Permanent, "ESME_RINVDSTNPI"},
    CommandStatusInfo{0x53, S::Permanent, "ESME_RINVSYSTYP"},
    CommandStatusInfo{0x54, S::Permanent, "ESME_RINVREPFLAG"},
    CommandStatusInfo{0x55, S::Permanent, "ESME_RINVNUMMSGS"},
    CommandStatusInfo{0x58, S::Throttle, "ESME_RTHROTTLED"},
    CommandStatusInfo{0x61, S::Permanent, "ESME_RINVSCHED"},
    CommandStatusInfo{0x62, S::Permanent, "ESME_RINVEXPIRY"},
    CommandStatusInfo{0x63, S::Permanent, "ESME_RINVDFTMSGID"},
    CommandStatusInfo{0x64, S::Transient, "ESME_RX_T_APPN"},
    CommandStatusInfo{0x65, S::Permanent, "ESME_RX_P_APPN"},
    CommandStatusInfo{0x66, S::Permanent, "ESME_RX_R_APPN"},
    CommandStatusInfo{0x67, S::Permanent, "ESME_RQUERYFAIL"},
    CommandStatusInfo{0xC0, S::Permanent, "ESME_RINVOPTPARSTREAM"},
    CommandStatusInfo{0xC1, S::Permanent, "ESME_ROPTPARNOTALLWD"},
    CommandStatusInfo{0xC2, S::Permanent, "ESME_RINVPARLEN"},
    CommandStatusInfo{0xC3, S::Permanent, "ESME_RMISSINGOPTPARAM"},
    CommandStatusInfo{0xC4, S::Permanent, "ESME_RINVOPTPARAMVAL"},
    CommandStatusInfo{0xFE, S::Transient, "ESME_RDELIVERYFAILURE"},
    CommandStatusInfo{0xFF, S::Transient, "ESME_RUNKNOWNERR"},
};

static_assert(std::is_sorted(kTable.begin(), kTable.end(),
                             [](const auto& a, const auto& b) { return a.code < b.code; }));

constexpr uint32_t kVendorFirst = 0x400;
constexpr uint32_t kVendorLast = 0x4FF;

}  // namespace

CommandStatusInfo commandStatusInfo(uint32_t code) {
  const auto* it =
      std::lower_bound(kTable.begin(), kTable.end(), code,
                       [](const CommandStatusInfo& e, uint32_t c) { return e.code < c; });
  if (it != kTable.end() && it->code == code) return *it;
  if (code >= kVendorFirst && code <= kVendorLast) {
    return {code, S::Transient, "ESME_VENDOR_SPECIFIC"};
  }
  return {code, S::Transient, "ESME_UNRECOGNISED"};
}

std::string_view statusClassName(StatusClass c) {
  switch (c) {
    case S::Success: return "Success";
    case S::Transient: return "Transient";
    case S::Throttle: return "Throttle";
    case S::Permanent: return "Permanent";
  }
  return "Unknown";
}

}  // namespace liaison::gateway::smpp
