// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Sending windows over ICU time zones. The search walks the zone's constant-offset stretches
// (between two transitions): inside one stretch local time is UTC plus a constant, so the next
// window opening is plain arithmetic; if it falls beyond the stretch, the search resumes at the
// transition. This is what makes DST gaps and overlaps come out right without special cases.
#include "outreach/send_window.h"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/tztrans.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <limits>

#include "liaison/v1/campaigns.pb.h"

namespace liaison::gateway::outreach {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::size_t kMaxZoneIdLength = 64;
// Stretches examined before giving up. A stretch of a day or more always contains an opening;
// real zones change offset at most a few times a year, so 16 is far beyond any real need.
constexpr int kMaxStretches = 16;
constexpr std::int64_t kMaxInstant = std::numeric_limits<std::int64_t>::max() / 2000;

class ScheduleCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "liaison.schedule"; }
  std::string message(int ev) const override {
    switch (static_cast<ScheduleErrc>(ev)) {
      case ScheduleErrc::UnknownTimeZone: return "unknown time zone";
      case ScheduleErrc::InvalidWindow: return "invalid sending window";
      case ScheduleErrc::InvalidArgument: return "invalid schedule argument";
      case ScheduleErrc::NoWindowFound: return "no open sending window found";
    }
    return "unknown schedule error";
  }
};

std::int64_t floorMod(std::int64_t a, std::int64_t m) {
  const std::int64_t r = a % m;
  return r < 0 ? r + m : r;
}

bool insideSecondOfDay(std::int64_t sod, const DailyWindow& w) {
  if (w.alwaysOpen()) return true;
  const std::int64_t ws = std::int64_t{w.start_minute} * 60;
  const std::int64_t we = std::int64_t{w.end_minute} * 60;
  return w.overnight() ? (sod >= ws || sod < we) : (sod >= ws && sod < we);
}

// Seconds from local second-of-day `sod` (outside the window) to the next window start.
std::int64_t secondsToOpen(std::int64_t sod, const DailyWindow& w) {
  const std::int64_t ws = std::int64_t{w.start_minute} * 60;
  return sod < ws ? ws - sod : kSecondsPerDay - sod + ws;
}

// Seconds from local second-of-day `sod` (inside the window) to the window's end.
std::int64_t secondsToClose(std::int64_t sod, const DailyWindow& w) {
  const std::int64_t we = std::int64_t{w.end_minute} * 60;
  return sod < we ? we - sod : kSecondsPerDay - sod + we;
}

std::int64_t secondOfDay(std::int64_t t, const ZoneRules& zone) {
  return floorMod(t + zone.offsetAt(t), kSecondsPerDay);
}

}  // namespace

const std::error_category& scheduleCategory() {
  static const ScheduleCategory category;
  return category;
}

std::error_code make_error_code(ScheduleErrc e) {
  return {static_cast<int>(e), scheduleCategory()};
}

std::error_code makeWindow(int start_hour, int start_minute, int end_hour, int end_minute,
                           DailyWindow* out) {
  auto valid = [](int h, int m) { return h >= 0 && h <= 23 && m >= 0 && m <= 59; };
  if (!valid(start_hour, start_minute) || !valid(end_hour, end_minute)) {
    return ScheduleErrc::InvalidWindow;
  }
  out->start_minute = start_hour * 60 + start_minute;
  out->end_minute = end_hour * 60 + end_minute;
  return {};
}

std::error_code windowFromProto(const liaison::v1::SendingWindow& proto, DailyWindow* out) {
  return makeWindow(proto.start().hour(), proto.start().minute(), proto.end().hour(),
                    proto.end().minute(), out);
}

// ---- ZoneRules ----

struct ZoneRules::Impl {
  std::unique_ptr<icu::TimeZone> zone;
  const icu::BasicTimeZone* basic = nullptr;  // zone, when it exposes transitions
};

ZoneRules::ZoneRules(std::string id, std::unique_ptr<Impl> impl)
    : id_(std::move(id)), impl_(std::move(impl)) {}

ZoneRules::~ZoneRules() = default;

std::unique_ptr<ZoneRules> ZoneRules::load(std::string_view iana_id, std::error_code* ec) {
  *ec = {};
  if (iana_id.empty() || iana_id.size() > kMaxZoneIdLength) {
    *ec = ScheduleErrc::UnknownTimeZone;
    return nullptr;
  }
  const icu::UnicodeString uid = icu::UnicodeString::fromUTF8(
      icu::StringPiece(iana_id.data(), static_cast<int32_t>(iana_id.size())));
  // createTimeZone() silently answers "Etc/Unknown" (UTC) for ids it does not know, so check
  // first: a typo must not quietly become UTC. Custom ids ("GMT+05:00") are not system zones.
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString canonical;
  UBool is_system = false;
  icu::TimeZone::getCanonicalID(uid, canonical, is_system, status);
  if (U_FAILURE(status) || !is_system) {
    *ec = ScheduleErrc::UnknownTimeZone;
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  impl->zone.reset(icu::TimeZone::createTimeZone(uid));
  if (!impl->zone || *impl->zone == icu::TimeZone::getUnknown()) {
    *ec = ScheduleErrc::UnknownTimeZone;
    return nullptr;
  }
  impl->basic = dynamic_cast<const icu::BasicTimeZone*>(impl->zone.get());
  return std::unique_ptr<ZoneRules>(new ZoneRules(std::string(iana_id), std::move(impl)));
}

const ZoneRules& ZoneRules::utc() {
  static const ZoneRules* const kUtc = [] {
    std::error_code ec;
    return load("Etc/UTC", &ec).release();  // ICU always has it; leaked on purpose
  }();
  return *kUtc;
}

std::int32_t ZoneRules::offsetAt(std::int64_t t) const {
  if (t > kMaxInstant) t = kMaxInstant;
  if (t < -kMaxInstant) t = -kMaxInstant;
  int32_t raw = 0;
  int32_t dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  impl_->zone->getOffset(static_cast<UDate>(t) * 1000.0, false, raw, dst, status);
  if (U_FAILURE(status)) return 0;
  return (raw + dst) / 1000;
}

std::optional<std::int64_t> ZoneRules::nextTransitionAfter(std::int64_t t) const {
  if (impl_->basic == nullptr || t > kMaxInstant) return std::nullopt;
  icu::TimeZoneTransition tr;
  if (!impl_->basic->getNextTransition(static_cast<UDate>(t) * 1000.0, false, tr)) {
    return std::nullopt;
  }
  // Transitions fall on whole seconds; round up so the result is strictly after `t`.
  const double ms = tr.getTime();
  auto s = static_cast<std::int64_t>(ms / 1000.0);
  if (static_cast<double>(s) * 1000.0 < ms) ++s;
  if (s <= t) s = t + 1;
  return s;
}

// ---- windows ----

bool isOpen(std::int64_t t, const ZoneRules& zone, const DailyWindow& window) {
  return window.alwaysOpen() || insideSecondOfDay(secondOfDay(t, zone), window);
}

std::error_code nextOpen(std::int64_t t, const ZoneRules& zone, const DailyWindow& window,
                         std::int64_t* out) {
  if (window.alwaysOpen()) {
    *out = t;
    return {};
  }
  std::int64_t u = t;
  for (int i = 0; i < kMaxStretches; ++i) {
    // [u, stretch_end) has one offset.
    const std::int64_t sod = secondOfDay(u, zone);
    if (insideSecondOfDay(sod, window)) {
      *out = u;
      return {};
    }
    const std::int64_t candidate = u + secondsToOpen(sod, window);
    const std::optional<std::int64_t> stretch_end = zone.nextTransitionAfter(u);
    if (!stretch_end || candidate < *stretch_end) {
      *out = candidate;
      return {};
    }
    u = *stretch_end;  // the offset changes before the opening: look again from there
  }
  return ScheduleErrc::NoWindowFound;
}

std::optional<std::int64_t> closesAfter(std::int64_t t, const ZoneRules& zone,
                                        const DailyWindow& window) {
  if (window.alwaysOpen()) return std::nullopt;
  std::int64_t u = t;
  for (int i = 0; i < kMaxStretches; ++i) {
    const std::int64_t sod = secondOfDay(u, zone);
    if (!insideSecondOfDay(sod, window)) return u;
    const std::int64_t candidate = u + secondsToClose(sod, window);
    const std::optional<std::int64_t> stretch_end = zone.nextTransitionAfter(u);
    if (!stretch_end || candidate < *stretch_end) return candidate;
    u = *stretch_end;
  }
  return u;
}

std::int64_t spreadOffset(std::int64_t index, std::int64_t total, std::int64_t spread_seconds) {
  if (spread_seconds <= 0 || total <= 1 || index <= 0) return 0;
  if (index >= total) index = total - 1;
  // index * spread / total without overflow: spread = q * total + r, so the product splits
  // into index * q (fits: <= spread) and index * r / total (r < total < 2^31, index < total).
  const std::int64_t q = spread_seconds / total;
  const std::int64_t r = spread_seconds % total;
  return index * q + (index * r) / total;
}

std::optional<std::int64_t> expiresAt(std::int64_t due, std::int64_t validity_seconds) {
  if (validity_seconds <= 0) return std::nullopt;
  if (due > std::numeric_limits<std::int64_t>::max() - validity_seconds) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return due + validity_seconds;
}

std::error_code planFromProto(const liaison::v1::Schedule& proto, std::int64_t now,
                              SchedulePlan* out) {
  SchedulePlan plan;
  if (auto ec = windowFromProto(proto.window(), &plan.window)) return ec;
  if (proto.spread().seconds() < 0 || proto.validity().seconds() < 0) {
    return ScheduleErrc::InvalidArgument;
  }
  plan.start_at = std::max(now, proto.start_at().seconds());
  plan.spread_seconds = proto.spread().seconds();
  plan.validity_seconds = proto.validity().seconds();
  *out = plan;
  return {};
}

std::error_code planSend(const SchedulePlan& plan, const ZoneRules& zone, std::int64_t index,
                         std::int64_t total, SendTimes* out) {
  if (index < 0 || total <= 0 || index >= total || plan.spread_seconds < 0) {
    return ScheduleErrc::InvalidArgument;
  }
  const std::int64_t due = plan.start_at + spreadOffset(index, total, plan.spread_seconds);
  SendTimes times;
  if (auto ec = nextOpen(due, zone, plan.window, &times.not_before)) return ec;
  times.expires_at = expiresAt(times.not_before, plan.validity_seconds);
  *out = times;
  return {};
}

}  // namespace liaison::gateway::outreach
