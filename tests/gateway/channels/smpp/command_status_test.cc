// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Spot checks of the SMPP 3.4 command_status classification table.
#include "channels/smpp/command_status.h"

#include <gtest/gtest.h>

namespace liaison::gateway::smpp {
namespace {

TEST(SmppCommandStatus, SuccessAndThrottle) {
  EXPECT_EQ(classifyCommandStatus(0x00), StatusClass::Success);
  EXPECT_EQ(commandStatusName(0x00), "ESME_ROK");
  EXPECT_EQ(classifyCommandStatus(0x58), StatusClass::Throttle);
  EXPECT_EQ(commandStatusName(0x58), "ESME_RTHROTTLED");
  EXPECT_EQ(classifyCommandStatus(0x14), StatusClass::Throttle);
  EXPECT_EQ(commandStatusName(0x14), "ESME_RMSGQFUL");
}

TEST(SmppCommandStatus, Transient) {
  for (uint32_t code : {0x08u, 0x45u, 0x0Du, 0x04u, 0x64u, 0xFEu, 0xFFu}) {
    EXPECT_EQ(classifyCommandStatus(code), StatusClass::Transient) << std::hex << code;
  }
  EXPECT_EQ(commandStatusName(0x08), "ESME_RSYSERR");
}

TEST(SmppCommandStatus, Permanent) {
  for (uint32_t code : {0x01u, 0x02u, 0x03u, 0x0Au, 0x0Bu, 0x0Eu, 0x0Fu, 0x43u, 0x48u, 0x51u, 0x61u,
                        0x62u, 0x65u, 0x66u, 0xC0u, 0xC4u}) {
    EXPECT_EQ(classifyCommandStatus(code), StatusClass::Permanent) << std::hex << code;
  }
  EXPECT_EQ(commandStatusName(0x0B), "ESME_RINVDSTADR");
  EXPECT_EQ(commandStatusName(0xC2), "ESME_RINVPARLEN");
  EXPECT_EQ(commandStatusInfo(CommandStatus::InvalidCommandId).name, "ESME_RINVCMDID");
}

TEST(SmppCommandStatus, UnknownAndVendorCodesDefaultToTransient) {
  EXPECT_EQ(classifyCommandStatus(0x400), StatusClass::Transient);
  EXPECT_EQ(commandStatusName(0x4FF), "ESME_VENDOR_SPECIFIC");
  EXPECT_EQ(classifyCommandStatus(0x09), StatusClass::Transient);  // reserved gap
  EXPECT_EQ(commandStatusName(0x09), "ESME_UNRECOGNISED");
  EXPECT_EQ(commandStatusName(0xFFFFFFFF), "ESME_UNRECOGNISED");
  EXPECT_EQ(commandStatusInfo(0x500).code, 0x500u);
}

TEST(SmppCommandStatus, ClassNames) {
  EXPECT_EQ(statusClassName(StatusClass::Throttle), "Throttle");
  EXPECT_EQ(statusClassName(StatusClass::Permanent), "Permanent");
}

}  // namespace
}  // namespace liaison::gateway::smpp
