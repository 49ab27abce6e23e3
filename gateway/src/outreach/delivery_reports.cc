// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// applyDeliveryReports: see the header.
#include "outreach/delivery_reports.h"

#include <limits>

#include "store/database.h"

namespace liaison::gateway::outreach {

namespace {

bool isNotFound(const std::error_code& ec) { return ec == store::StoreErrc::NotFound; }

}  // namespace

std::error_code applyDeliveryReports(store::OutboxStore& outbox,
                                     std::span<const http::DeliveryReport> reports,
                                     std::int64_t now, DeliveryReportCounts* counts) {
  DeliveryReportCounts local;
  DeliveryReportCounts& c = counts ? *counts : local;
  for (const http::DeliveryReport& r : reports) {
    if (!r.is_final || r.provider_id.empty()) {
      ++c.ignored;
      continue;
    }
    std::int64_t id = 0;
    if (std::error_code ec = outbox.findByProviderId(r.channel, r.provider_id, &id)) {
      if (!isNotFound(ec)) return ec;
      // Not recorded yet? A row we sent with this ref, still in sending: too early.
      if (r.ref && *r.ref <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        store::OutboxMessage row;
        const std::error_code get_ec = outbox.get(static_cast<std::int64_t>(*r.ref), &row);
        if (get_ec && !isNotFound(get_ec)) return get_ec;
        if (!get_ec && row.channel == r.channel && row.state == store::OutboxState::Sending) {
          return std::make_error_code(std::errc::resource_unavailable_try_again);
        }
      }
      ++c.ignored;
      continue;
    }
    store::Transition t = store::Transition::Ignored;
    std::error_code ec;
    std::uint64_t* kind = nullptr;
    switch (r.state) {
      case smpp::MessageState::Delivered:
        ec = outbox.markDelivered(id, now, &t);
        kind = &c.delivered;
        break;
      case smpp::MessageState::Expired:
        ec = outbox.markExpired(id, now, &t);
        kind = &c.expired;
        break;
      case smpp::MessageState::Undeliverable:
      case smpp::MessageState::Rejected:
      case smpp::MessageState::Deleted:
      case smpp::MessageState::Skipped:
        ec = outbox.markFailed(id,
                               r.state == smpp::MessageState::Undeliverable ? "undeliverable"
                               : r.state == smpp::MessageState::Rejected    ? "rejected"
                               : r.state == smpp::MessageState::Deleted     ? "deleted"
                                                                            : "skipped",
                               now, &t);
        kind = &c.failed;
        break;
      default:  // a final state nobody can read: the outcome is unknown
        ec = outbox.markUnknown(id, now, &t);
        break;
    }
    if (ec) return ec;
    if (t == store::Transition::Applied) {
      ++c.applied;
      if (kind) ++*kind;
    } else {
      ++c.ignored;
    }
  }
  return {};
}

}  // namespace liaison::gateway::outreach
