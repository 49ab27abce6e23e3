// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Delivery reports from HTTP aggregators (the delivery webhook's records, webhooks.h) applied
// to the ledger. A report finds its row by (channel, provider id): the ids the Dispatcher
// recorded at submit, or for a provider that gave none (Kannel) the row id, which the report
// carries back as our ref. Final states only; a repeated or stale report changes nothing.
//
// The race. A provider may report faster than the Dispatcher commits the submit (it flushes
// outcomes once per tick): the row is then still `sending`, its ids not yet recorded. Such a
// report is refused with std::errc::resource_unavailable_try_again, so the webhook answers 503
// and the provider delivers it again later (Kannel: smsbox's http-request-retry), rather than
// being acknowledged and lost. A report whose row cannot be found at all (another system's
// message, a wiped store) is acknowledged and ignored.
//
// Call with the store mutex held. Errors carry no id, number or text.
#pragma once

#include <cstdint>
#include <span>
#include <system_error>

#include "channels/http/webhooks.h"
#include "store/outbox_store.h"

namespace liaison::gateway::outreach {

struct DeliveryReportCounts {
  std::uint64_t applied = 0;    // the row moved (delivered, failed, expired, unknown)
  std::uint64_t ignored = 0;    // not final, no such row, or the row was already final
  std::uint64_t delivered = 0;  // of applied
  std::uint64_t failed = 0;     // of applied: undeliverable, rejected, deleted, skipped
  std::uint64_t expired = 0;    // of applied
};

// Applies `reports` in order, each row on its own (a store error stops there and is returned;
// what was applied stays, and applying it again is a no-op). `counts` may be null.
std::error_code applyDeliveryReports(store::OutboxStore& outbox,
                                     std::span<const http::DeliveryReport> reports,
                                     std::int64_t now, DeliveryReportCounts* counts = nullptr);

}  // namespace liaison::gateway::outreach
