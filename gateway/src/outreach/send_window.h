// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// When a message may go out: the recipient's daily sending window in their own time zone
// (quiet hours), an even spread of a large send over a span, and the validity deadline after
// which an unsent message expires. Pure functions: every instant is passed in (Unix seconds,
// UTC), so tests drive them with any clock. Offsets and daylight-saving rules come from ICU's
// time zone data, read through ZoneRules; ICU stays out of this header.
//
// Window semantics: a window [start, end) is a set of local wall-clock times of day. An instant
// is inside when its local time of day (under the offset in force at that instant) is inside.
// So on a spring-forward day a window that starts at 02:30, a local time that never happens,
// opens at the transition itself (local time jumps from before 02:30 to 03:00, which is inside);
// on a fall-back day a wall-clock time that happens twice is inside both times.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace liaison::v1 {
class SendingWindow;
class Schedule;
}  // namespace liaison::v1

namespace liaison::gateway::outreach {

// Scheduling failures a caller can branch on. Messages never carry the input values.
enum class ScheduleErrc {
  UnknownTimeZone = 1,  // not an IANA zone id ICU knows; the caller decides (UTC fallback, ...)
  InvalidWindow = 2,    // hour/minute out of range
  InvalidArgument = 3,  // negative spread or index out of range
  NoWindowFound = 4,    // no open instant within the search horizon (a bug: cannot happen)
};

const std::error_category& scheduleCategory();
std::error_code make_error_code(ScheduleErrc e);

}  // namespace liaison::gateway::outreach

template <>
struct std::is_error_code_enum<liaison::gateway::outreach::ScheduleErrc> : std::true_type {};

namespace liaison::gateway::outreach {

inline constexpr int kMinutesPerDay = 24 * 60;

// A daily window of local wall-clock minutes: [start_minute, end_minute). end < start is an
// overnight window (22:00-06:00); end == start means always open (also the unset proto).
struct DailyWindow {
  int start_minute = 0;  // 0..1439
  int end_minute = 0;    // 0..1439
  bool alwaysOpen() const { return start_minute == end_minute; }
  bool overnight() const { return end_minute < start_minute; }
  bool operator==(const DailyWindow&) const = default;
};

// Builds a DailyWindow from hours and minutes; InvalidWindow when out of range.
std::error_code makeWindow(int start_hour, int start_minute, int end_hour, int end_minute,
                           DailyWindow* out);
// From liaison.v1.SendingWindow; an unset window (both 00:00) is always open.
std::error_code windowFromProto(const liaison::v1::SendingWindow& proto, DailyWindow* out);

// One IANA zone's offsets and transitions. Loading costs tens of microseconds, so a planner
// loads each zone once and reuses it (cache by id). Immutable after load; the const methods are
// safe to call from several threads (ICU's BasicTimeZone const API is).
class ZoneRules {
 public:
  // UnknownTimeZone for ids ICU does not know as system zones (custom "GMT+5" ids included).
  static std::unique_ptr<ZoneRules> load(std::string_view iana_id, std::error_code* ec);
  // The fallback every caller may use when a contact's zone is unknown.
  static const ZoneRules& utc();

  ~ZoneRules();
  ZoneRules(const ZoneRules&) = delete;
  ZoneRules& operator=(const ZoneRules&) = delete;

  const std::string& id() const { return id_; }
  // Total offset from UTC (standard + daylight saving) in force at `t`, in seconds.
  std::int32_t offsetAt(std::int64_t t) const;
  // The first instant after `t` at which the offset may change, if the zone has one.
  std::optional<std::int64_t> nextTransitionAfter(std::int64_t t) const;

 private:
  struct Impl;
  ZoneRules(std::string id, std::unique_ptr<Impl> impl);
  std::string id_;
  std::unique_ptr<Impl> impl_;
};

// True when the local time of day at `t` in `zone` lies inside `window`.
bool isOpen(std::int64_t t, const ZoneRules& zone, const DailyWindow& window);

// The earliest instant >= `t` inside `window` in `zone`. Handles DST gaps and overlaps as the
// header comment says. NoWindowFound only if no answer exists within a few days (a bug).
std::error_code nextOpen(std::int64_t t, const ZoneRules& zone, const DailyWindow& window,
                         std::int64_t* out);

// The end of the open stretch that contains `t` (the first instant after `t` that is outside
// the window); nullopt when the window is always open. `t` must be inside the window.
std::optional<std::int64_t> closesAfter(std::int64_t t, const ZoneRules& zone,
                                        const DailyWindow& window);

// Offset in seconds of recipient `index` (0-based) of `total` when a send is spread evenly over
// `spread_seconds`: floor(index * spread / total), exact without overflow for total < 2^31.
// Recipient 0 goes at once; the last goes just before the span ends. 0 when spread <= 0.
std::int64_t spreadOffset(std::int64_t index, std::int64_t total, std::int64_t spread_seconds);

// The validity deadline of a message that becomes sendable at `due`: due + validity, or nullopt
// (never expires) when validity <= 0. Saturates instead of overflowing.
std::optional<std::int64_t> expiresAt(std::int64_t due, std::int64_t validity_seconds);
// True once `now` has reached the deadline (a message is sendable strictly before it).
inline bool isExpired(std::int64_t now, std::optional<std::int64_t> expires_at) {
  return expires_at.has_value() && now >= *expires_at;
}

// A campaign's schedule, resolved to seconds.
struct SchedulePlan {
  std::int64_t start_at = 0;          // not before this instant
  DailyWindow window;                 // recipient local time
  std::int64_t spread_seconds = 0;    // spread the sends evenly over this span
  std::int64_t validity_seconds = 0;  // <= 0: no deadline
};

// From liaison.v1.Schedule. `now` is used when start_at is unset or in the past. Fractions of a
// second are dropped.
std::error_code planFromProto(const liaison::v1::Schedule& proto, std::int64_t now,
                              SchedulePlan* out);

struct SendTimes {
  std::int64_t not_before = 0;
  std::optional<std::int64_t> expires_at;
};

// When recipient `index` of `total` in `zone` may be sent and when the message expires:
// not_before = nextOpen(start_at + spreadOffset(index, total, spread)); the validity counts from
// not_before, so a message that waits overnight for its window is not already stale at 09:00.
std::error_code planSend(const SchedulePlan& plan, const ZoneRules& zone, std::int64_t index,
                         std::int64_t total, SendTimes* out);

}  // namespace liaison::gateway::outreach
