// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the sync batch decoder (STYLE R8): no crash, leak or UB on any bytes;
// anything accepted re-encodes to bytes that decode to the same request; and the merge, run on
// what was accepted, produces one result per op and a plan consistent with its sequencing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "liaison/sync/batch_codec.h"
#include "liaison/sync/merge.h"

namespace {

namespace sync = liaison::sync;

#define check(cond)                                                       \
  do {                                                                    \
    if (!(cond)) {                                                        \
      std::fprintf(stderr, "sync_batch_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                       \
    }                                                                     \
  } while (0)

sync::BatchLimits fuzzLimits() {
  sync::BatchLimits l;
  l.max_request_bytes = 64u << 10;
  l.max_operations = 64;
  l.max_operation_bytes = 8u << 10;
  l.max_field_value_bytes = 1u << 10;
  l.max_fields_per_update = 16;
  l.max_cursors = 8;
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const sync::BatchLimits limits = fuzzLimits();
  sync::Result<sync::v1::SyncRequest> got =
      sync::decodeSyncRequest(std::span<const uint8_t>(data, size), limits);
  if (!got.ok()) {
    check(!got.status().message().empty());
    check(sync::errorCodeForDecode(got.status()) != sync::v1::ERROR_CODE_OK);
    return 0;
  }
  const sync::v1::SyncRequest& req = got.value();
  check(static_cast<std::size_t>(req.push().operations_size()) <= limits.max_operations);

  // Accepted requests survive a round trip through the encoder.
  sync::Result<std::string> again = sync::encodeSyncRequest(req, limits);
  check(again.ok());
  sync::Result<sync::v1::SyncRequest> back = sync::decodeSyncRequest(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(again->data()), again->size()),
      limits);
  check(back.ok());
  check(back->SerializeAsString() == *again);

  // The merge on what passed: one result per op, nothing applied past a gap.
  sync::StagedState staged;
  staged.device_hwm = size % 3;  // vary the high-water mark a little
  const sync::Plan plan = sync::computePlan(staged, req.push());
  check(plan.results.size() == static_cast<std::size_t>(req.push().operations_size()));
  if (plan.resend_from != 0) check(!plan.changesState());
  for (std::size_t i : plan.relay) {
    check(i < plan.results.size());
    check(plan.results[i].outcome == sync::OpOutcome::Applied);
  }
  // Applying the same batch again on top of the plan's result is all replays.
  if (plan.new_hwm) {
    sync::StagedState next;
    next.device_hwm = plan.new_hwm;
    for (const sync::EntityWrite& w : plan.entity_writes) next.entities[w.key] = w.state;
    const sync::Plan replay = sync::computePlan(next, req.push());
    check(!replay.changesState());
  }
  return 0;
}
