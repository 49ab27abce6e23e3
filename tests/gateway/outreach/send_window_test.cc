// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Sending windows across zones and daylight-saving changes, spreading and expiry. Every
// instant is passed in (the clock is the test's). Expected values were worked out by hand from
// the tzdata rules and cross-checked against Python's zoneinfo with a minute-by-minute search.
#include "outreach/send_window.h"

#include <gtest/gtest.h>

#include <ctime>
#include <limits>
#include <map>
#include <ostream>
#include <random>
#include <string>

#include "liaison/v1/campaigns.pb.h"

namespace liaison::gateway::outreach {
namespace {

// "2024-03-31T01:00:00Z" -> Unix seconds.
std::int64_t utc(const char* iso) {
  std::tm tm{};
  EXPECT_NE(strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm), nullptr) << iso;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string iso(std::int64_t t) {
  const auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

DailyWindow window(int sh, int sm, int eh, int em) {
  DailyWindow w;
  EXPECT_FALSE(makeWindow(sh, sm, eh, em, &w));
  return w;
}

const ZoneRules& zone(const std::string& id) {
  static std::map<std::string, std::unique_ptr<ZoneRules>> cache;
  auto& slot = cache[id];
  if (!slot) {
    std::error_code ec;
    slot = ZoneRules::load(id, &ec);
    EXPECT_FALSE(ec) << id;
  }
  return *slot;
}

struct WindowCase {
  const char* name;
  const char* zone;
  int start_h, start_m, end_h, end_m;
  const char* at;        // the instant asked about (UTC)
  const char* expected;  // earliest open instant >= at (UTC)
};

void PrintTo(const WindowCase& c, std::ostream* os) {
  *os << c.name << " " << c.zone << " " << c.at << " -> " << c.expected;
}

class NextOpenTest : public ::testing::TestWithParam<WindowCase> {};

TEST_P(NextOpenTest, EarliestOpenInstant) {
  const WindowCase& c = GetParam();
  const DailyWindow w = window(c.start_h, c.start_m, c.end_h, c.end_m);
  std::int64_t got = 0;
  ASSERT_FALSE(nextOpen(utc(c.at), zone(c.zone), w, &got));
  EXPECT_EQ(iso(got), c.expected);
  EXPECT_TRUE(isOpen(got, zone(c.zone), w));
  // Nothing earlier is open: a second before the answer is closed unless the answer is `at`.
  if (got > utc(c.at)) {
    EXPECT_FALSE(isOpen(got - 1, zone(c.zone), w));
  }
  // Asking again at the answer is a fixed point.
  std::int64_t again = 0;
  ASSERT_FALSE(nextOpen(got, zone(c.zone), w, &again));
  EXPECT_EQ(again, got);
}

// clang-format off
const WindowCase kWindowCases[] = {
  // Europe/Berlin: CET +01, CEST +02; spring forward 2024-03-31 02:00->03:00 (01:00Z),
  // fall back 2024-10-27 03:00->02:00 (01:00Z).
  {"berlin_before_open", "Europe/Berlin", 9, 0, 20, 0, "2024-06-10T05:00:00Z", "2024-06-10T07:00:00Z"},
  {"berlin_inside", "Europe/Berlin", 9, 0, 20, 0, "2024-06-10T10:00:00Z", "2024-06-10T10:00:00Z"},
  {"berlin_after_close", "Europe/Berlin", 9, 0, 20, 0, "2024-06-10T18:30:00Z", "2024-06-11T07:00:00Z"},
  {"berlin_end_is_exclusive", "Europe/Berlin", 9, 0, 20, 0, "2024-06-10T18:00:00Z", "2024-06-11T07:00:00Z"},
  {"berlin_start_in_spring_gap", "Europe/Berlin", 2, 30, 20, 0, "2024-03-30T23:00:00Z", "2024-03-31T01:00:00Z"},
  {"berlin_spring_forward_day", "Europe/Berlin", 9, 0, 20, 0, "2024-03-31T00:00:00Z", "2024-03-31T07:00:00Z"},
  {"berlin_fall_back_day", "Europe/Berlin", 9, 0, 20, 0, "2024-10-26T22:30:00Z", "2024-10-27T08:00:00Z"},
  {"berlin_overlap_first_pass", "Europe/Berlin", 2, 30, 2, 45, "2024-10-27T00:00:00Z", "2024-10-27T00:30:00Z"},
  {"berlin_overlap_second_pass", "Europe/Berlin", 2, 30, 2, 45, "2024-10-27T00:50:00Z", "2024-10-27T01:30:00Z"},
  {"berlin_overnight_waits", "Europe/Berlin", 22, 0, 6, 0, "2024-06-10T12:00:00Z", "2024-06-10T20:00:00Z"},
  {"berlin_overnight_inside", "Europe/Berlin", 22, 0, 6, 0, "2024-06-10T02:00:00Z", "2024-06-10T02:00:00Z"},
  {"berlin_always_open", "Europe/Berlin", 7, 0, 7, 0, "2024-06-10T23:59:00Z", "2024-06-10T23:59:00Z"},
  // America/New_York: EST -05, EDT -04; 2024-03-10 02:00->03:00 (07:00Z), 2024-11-03 02:00->01:00 (06:00Z).
  {"new_york_winter", "America/New_York", 9, 0, 20, 0, "2024-01-15T12:00:00Z", "2024-01-15T14:00:00Z"},
  {"new_york_start_in_spring_gap", "America/New_York", 2, 30, 20, 0, "2024-03-10T06:00:00Z", "2024-03-10T07:00:00Z"},
  {"new_york_across_spring_forward", "America/New_York", 9, 0, 20, 0, "2024-03-10T01:30:00Z", "2024-03-10T13:00:00Z"},
  {"new_york_fall_back_day", "America/New_York", 9, 0, 20, 0, "2024-11-03T04:00:00Z", "2024-11-03T14:00:00Z"},
  {"new_york_evening_across_fall_back", "America/New_York", 9, 0, 20, 0, "2024-11-03T01:30:00Z", "2024-11-03T14:00:00Z"},
  // Asia/Kolkata: +05:30, no DST.
  {"kolkata_half_hour_offset", "Asia/Kolkata", 9, 0, 20, 0, "2024-06-10T00:00:00Z", "2024-06-10T03:30:00Z"},
  {"kolkata_after_close", "Asia/Kolkata", 9, 0, 20, 0, "2024-06-10T14:45:00Z", "2024-06-11T03:30:00Z"},
  // Australia/Lord_Howe: +10:30 standard, +11 summer (a 30-minute shift); 2024-10-06
  // 02:00->02:30 (2024-10-05T15:30Z), 2024-04-07 02:00->01:30 (2024-04-06T15:00Z).
  {"lord_howe_start_in_30min_gap", "Australia/Lord_Howe", 2, 15, 20, 0, "2024-10-05T14:00:00Z", "2024-10-05T15:30:00Z"},
  {"lord_howe_fall_back_day", "Australia/Lord_Howe", 9, 0, 20, 0, "2024-04-06T13:00:00Z", "2024-04-06T22:30:00Z"},
  {"lord_howe_overlap_first_pass", "Australia/Lord_Howe", 1, 40, 1, 50, "2024-04-06T14:30:00Z", "2024-04-06T14:40:00Z"},
  {"lord_howe_overlap_second_pass", "Australia/Lord_Howe", 1, 40, 1, 50, "2024-04-06T14:55:00Z", "2024-04-06T15:10:00Z"},
  // Pacific/Chatham: +12:45 standard, +13:45 summer; 2024-09-29 02:45->03:45
  // (2024-09-28T14:00Z), 2024-04-07 03:45->02:45 (2024-04-06T14:00Z).
  {"chatham_start_in_spring_gap", "Pacific/Chatham", 3, 0, 20, 0, "2024-09-28T12:00:00Z", "2024-09-28T14:00:00Z"},
  {"chatham_fall_back_day", "Pacific/Chatham", 9, 0, 20, 0, "2024-04-06T12:00:00Z", "2024-04-06T20:15:00Z"},
  {"chatham_after_close", "Pacific/Chatham", 9, 0, 20, 0, "2024-06-10T08:00:00Z", "2024-06-10T20:15:00Z"},
  // Africa/Casablanca: +01, with +00 during Ramadan (2024-03-10 03:00->02:00 until
  // 2024-04-14 02:00->03:00): a "negative DST" zone whose offset drops in spring.
  {"casablanca_ramadan", "Africa/Casablanca", 9, 0, 20, 0, "2024-03-20T06:00:00Z", "2024-03-20T09:00:00Z"},
  {"casablanca_normal", "Africa/Casablanca", 9, 0, 20, 0, "2024-06-10T06:00:00Z", "2024-06-10T08:00:00Z"},
  {"casablanca_into_ramadan", "Africa/Casablanca", 9, 0, 20, 0, "2024-03-09T23:30:00Z", "2024-03-10T09:00:00Z"},
  {"casablanca_out_of_ramadan", "Africa/Casablanca", 9, 0, 20, 0, "2024-04-13T23:30:00Z", "2024-04-14T08:00:00Z"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Zones, NextOpenTest, ::testing::ValuesIn(kWindowCases),
                         [](const ::testing::TestParamInfo<WindowCase>& param) {
                           return std::string(param.param.name);
                         });

TEST(SendWindow, OffsetsComeFromIcu) {
  EXPECT_EQ(zone("Asia/Kolkata").offsetAt(utc("2024-06-10T00:00:00Z")), 5 * 3600 + 1800);
  EXPECT_EQ(zone("Pacific/Chatham").offsetAt(utc("2024-06-10T00:00:00Z")), 12 * 3600 + 2700);
  EXPECT_EQ(zone("Pacific/Chatham").offsetAt(utc("2024-01-10T00:00:00Z")), 13 * 3600 + 2700);
  EXPECT_EQ(zone("Australia/Lord_Howe").offsetAt(utc("2024-01-10T00:00:00Z")), 11 * 3600);
  EXPECT_EQ(zone("Australia/Lord_Howe").offsetAt(utc("2024-06-10T00:00:00Z")), 10 * 3600 + 1800);
  EXPECT_EQ(zone("Europe/Berlin").offsetAt(utc("2024-03-31T00:59:59Z")), 3600);
  EXPECT_EQ(zone("Europe/Berlin").offsetAt(utc("2024-03-31T01:00:00Z")), 7200);
  const auto next = zone("Europe/Berlin").nextTransitionAfter(utc("2024-03-01T00:00:00Z"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(iso(*next), "2024-03-31T01:00:00Z");
  EXPECT_EQ(ZoneRules::utc().offsetAt(utc("2024-06-10T00:00:00Z")), 0);
}

TEST(SendWindow, UnknownZoneIsAClearErrorAndUtcIsTheFallback) {
  for (const char* bad : {"Europe/Atlantis", "", "GMT+05:00", "europe/berlin/extra",
                          "Not a zone at all but a very long string that exceeds the limit"}) {
    std::error_code ec;
    EXPECT_EQ(ZoneRules::load(bad, &ec), nullptr) << bad;
    EXPECT_EQ(ec, ScheduleErrc::UnknownTimeZone) << bad;
    EXPECT_EQ(ec.message(), "unknown time zone");  // never the id itself
  }
  std::int64_t got = 0;
  ASSERT_FALSE(nextOpen(utc("2024-06-10T05:00:00Z"), ZoneRules::utc(), window(9, 0, 20, 0), &got));
  EXPECT_EQ(iso(got), "2024-06-10T09:00:00Z");
  std::error_code ec;
  EXPECT_NE(ZoneRules::load("UTC", &ec), nullptr);
  EXPECT_NE(ZoneRules::load("Asia/Calcutta", &ec), nullptr);  // a backward-compatible alias
}

TEST(SendWindow, WindowValidation) {
  DailyWindow w;
  EXPECT_EQ(makeWindow(24, 0, 20, 0, &w), ScheduleErrc::InvalidWindow);
  EXPECT_EQ(makeWindow(9, 60, 20, 0, &w), ScheduleErrc::InvalidWindow);
  EXPECT_EQ(makeWindow(9, 0, -1, 0, &w), ScheduleErrc::InvalidWindow);
  liaison::v1::SendingWindow unset;
  ASSERT_FALSE(windowFromProto(unset, &w));
  EXPECT_TRUE(w.alwaysOpen());
  liaison::v1::SendingWindow p;
  p.mutable_start()->set_hour(21);
  p.mutable_start()->set_minute(30);
  p.mutable_end()->set_hour(7);
  ASSERT_FALSE(windowFromProto(p, &w));
  EXPECT_EQ(w, (DailyWindow{21 * 60 + 30, 7 * 60}));
  EXPECT_TRUE(w.overnight());
}

TEST(SendWindow, ClosesAfterFindsTheEndOfTheOpenStretch) {
  const DailyWindow w = window(9, 0, 20, 0);
  auto end = closesAfter(utc("2024-06-10T10:00:00Z"), zone("Europe/Berlin"), w);
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(iso(*end), "2024-06-10T18:00:00Z");
  // Across fall-back: on 2024-11-03 New York's clock goes 01:59 EDT -> 01:00 EST, so a
  // 01:00-02:15 window entered at 01:30 EDT stays open through the change and closes at
  // 02:15 EST = 07:15Z.
  end = closesAfter(utc("2024-11-03T05:30:00Z"), zone("America/New_York"), window(1, 0, 2, 15));
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(iso(*end), "2024-11-03T07:15:00Z");
  EXPECT_FALSE(closesAfter(0, zone("Europe/Berlin"), window(0, 0, 0, 0)).has_value());
}

// Property check against a brute-force oracle over the same offsets: for random instants
// through a year of DST changes, the answer is open and every minute before it is closed.
TEST(SendWindow, AgreesWithMinuteByMinuteSearch) {
  std::mt19937_64 rng(42);
  const char* zones[] = {"Europe/Berlin",       "America/New_York", "Asia/Kolkata",
                         "Australia/Lord_Howe", "Pacific/Chatham",  "Africa/Casablanca"};
  const DailyWindow windows[] = {window(9, 0, 20, 0), window(2, 30, 3, 15), window(22, 0, 6, 0),
                                 window(1, 45, 2, 10)};
  const std::int64_t year_start = utc("2024-01-01T00:00:00Z");
  for (int i = 0; i < 300; ++i) {
    const ZoneRules& z = zone(zones[rng() % std::size(zones)]);
    const DailyWindow& w = windows[rng() % std::size(windows)];
    const std::int64_t t = year_start + static_cast<std::int64_t>(rng() % (366 * 86400)) / 60 * 60;
    std::int64_t got = 0;
    ASSERT_FALSE(nextOpen(t, z, w, &got));
    std::int64_t u = t;
    while (!isOpen(u, z, w)) u += 60;  // all offsets here are whole minutes
    ASSERT_EQ(got, u) << z.id() << " from " << iso(t);
  }
}

TEST(SendWindow, SpreadIsEvenAndExact) {
  EXPECT_EQ(spreadOffset(0, 1000, 3600), 0);
  EXPECT_EQ(spreadOffset(500, 1000, 3600), 1800);
  EXPECT_EQ(spreadOffset(999, 1000, 3600), 3596);
  EXPECT_EQ(spreadOffset(5, 0, 3600), 0);
  EXPECT_EQ(spreadOffset(5, 10, 0), 0);
  EXPECT_EQ(spreadOffset(5, 10, -60), 0);
  EXPECT_EQ(spreadOffset(50, 10, 100), 90);  // clamped to the last recipient
  // Large sends: no overflow, monotone, inside the span.
  const std::int64_t n = 2'000'000'000;
  const std::int64_t spread = 30LL * 86400;
  EXPECT_EQ(spreadOffset(n / 2, n, spread), spread / 2);
  EXPECT_LT(spreadOffset(n - 1, n, spread), spread);
  std::int64_t prev = -1;
  int per_second[10] = {};
  for (std::int64_t i = 0; i < 1000; ++i) {
    const std::int64_t o = spreadOffset(i, 1000, 10);
    EXPECT_GE(o, prev);
    prev = o;
    ++per_second[o];
  }
  for (int count : per_second) EXPECT_EQ(count, 100);
}

TEST(SendWindow, ExpiryCountsFromWhenTheMessageBecomesSendable) {
  EXPECT_EQ(expiresAt(100, 0), std::nullopt);
  EXPECT_EQ(expiresAt(100, -5), std::nullopt);
  EXPECT_EQ(expiresAt(100, 50), std::optional<std::int64_t>(150));
  EXPECT_EQ(expiresAt(std::numeric_limits<std::int64_t>::max() - 1, 50),
            std::optional<std::int64_t>(std::numeric_limits<std::int64_t>::max()));
  EXPECT_FALSE(isExpired(149, 150));
  EXPECT_TRUE(isExpired(150, 150));
  EXPECT_FALSE(isExpired(1'000'000, std::nullopt));

  // A poll planned at 23:00 Berlin with a 9-hour validity waits for 09:00 and is valid until
  // 18:00, not stale at 08:00.
  SchedulePlan plan;
  plan.start_at = utc("2024-06-10T21:00:00Z");
  plan.window = window(9, 0, 20, 0);
  plan.validity_seconds = 9 * 3600;
  SendTimes times;
  ASSERT_FALSE(planSend(plan, zone("Europe/Berlin"), 0, 1, &times));
  EXPECT_EQ(iso(times.not_before), "2024-06-11T07:00:00Z");
  ASSERT_TRUE(times.expires_at.has_value());
  EXPECT_EQ(iso(*times.expires_at), "2024-06-11T16:00:00Z");
  EXPECT_EQ(planSend(plan, zone("Europe/Berlin"), 1, 1, &times), ScheduleErrc::InvalidArgument);
}

TEST(SendWindow, PlanFromProtoSpreadsAcrossZones) {
  liaison::v1::Schedule proto;
  proto.mutable_start_at()->set_seconds(utc("2024-06-10T06:00:00Z"));
  proto.mutable_window()->mutable_start()->set_hour(9);
  proto.mutable_window()->mutable_end()->set_hour(20);
  proto.mutable_spread()->set_seconds(4 * 3600);
  proto.mutable_validity()->set_seconds(3600);
  SchedulePlan plan;
  ASSERT_FALSE(planFromProto(proto, utc("2024-06-10T05:00:00Z"), &plan));
  EXPECT_EQ(plan.start_at, utc("2024-06-10T06:00:00Z"));
  // A start in the past is taken as now.
  SchedulePlan late;
  ASSERT_FALSE(planFromProto(proto, utc("2024-06-10T07:00:00Z"), &late));
  EXPECT_EQ(late.start_at, utc("2024-06-10T07:00:00Z"));

  SendTimes t;
  // Recipient 0 in Kolkata (11:30 local): at once. Recipient 2 of 4 in Berlin: 08:00Z (10:00).
  ASSERT_FALSE(planSend(plan, zone("Asia/Kolkata"), 0, 4, &t));
  EXPECT_EQ(iso(t.not_before), "2024-06-10T06:00:00Z");
  ASSERT_FALSE(planSend(plan, zone("Europe/Berlin"), 2, 4, &t));
  EXPECT_EQ(iso(t.not_before), "2024-06-10T08:00:00Z");
  // Recipient 1 in New York (03:00 local): waits for 09:00 EDT = 13:00Z, expires an hour later.
  ASSERT_FALSE(planSend(plan, zone("America/New_York"), 1, 4, &t));
  EXPECT_EQ(iso(t.not_before), "2024-06-10T13:00:00Z");
  EXPECT_EQ(iso(*t.expires_at), "2024-06-10T14:00:00Z");

  proto.mutable_spread()->set_seconds(-1);
  EXPECT_EQ(planFromProto(proto, 0, &plan), ScheduleErrc::InvalidArgument);
  proto.mutable_spread()->set_seconds(0);
  proto.mutable_window()->mutable_end()->set_hour(25);
  EXPECT_EQ(planFromProto(proto, 0, &plan), ScheduleErrc::InvalidWindow);
}

}  // namespace
}  // namespace liaison::gateway::outreach
