// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The metrics registry: exact Prometheus text (HELP/TYPE, escaping, histogram buckets, sorted
// output), bounded cardinality, the personal-data guard on label values, registration rules,
// exact totals under concurrent updates, and the output read back by a third-party parser
// (npm parse-prometheus-text-format, tests/interop/parse_prometheus.js) run with node. The
// interop test fails, rather than skips, when node or the package is missing.
#include "util/metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "liaison/sync/assert.h"
#include "temp_dir.h"

#ifndef LIAISON_INTEROP_DIR
#error "LIAISON_INTEROP_DIR must name tests/interop (set by tests/CMakeLists.txt)"
#endif

namespace liaison::gateway::metrics {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Counts LIAISON_BUG reports without printing them (the default handler writes to stderr).
class QuietBugs {
 public:
  QuietBugs() {
    sync::setBugHandler([](const char*, const char*, int) {});
  }
  ~QuietBugs() { sync::setBugHandler(nullptr); }
};

TEST(MetricsTest, EmptyRegistryRendersNothing) {
  Registry r;
  EXPECT_EQ(r.renderPrometheus(), "");
}

TEST(MetricsTest, CounterGaugeAndHistogramRenderExactly) {
  Registry r;
  auto& sent = r.counter("liaison_test_sent_total", "Messages sent.", {"channel", "status"});
  sent.labels({"smpp-b", "submitted"}).inc(3);
  sent.labels({"smpp-a", "submitted"}).inc();
  sent.labels({"smpp-a", "failed"}).inc(2);
  auto& depth = r.gauge("liaison_test_depth", "Queue depth.");
  depth.get().set(42);
  depth.get().add(-0.5);
  auto& latency =
      r.histogram("liaison_test_latency_seconds", "Latency.", std::vector<double>{0.125, 1, 2.5});
  latency.get().observe(0.0625);
  latency.get().observe(0.125);  // on a bound: counts in that bucket (le is <=)
  latency.get().observe(2);
  latency.get().observe(100);
  latency.get().observe(std::nan(""));  // ignored

  EXPECT_EQ(r.renderPrometheus(),
            "# HELP liaison_test_depth Queue depth.\n"
            "# TYPE liaison_test_depth gauge\n"
            "liaison_test_depth 41.5\n"
            "# HELP liaison_test_latency_seconds Latency.\n"
            "# TYPE liaison_test_latency_seconds histogram\n"
            "liaison_test_latency_seconds_bucket{le=\"0.125\"} 2\n"
            "liaison_test_latency_seconds_bucket{le=\"1\"} 2\n"
            "liaison_test_latency_seconds_bucket{le=\"2.5\"} 3\n"
            "liaison_test_latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "liaison_test_latency_seconds_sum 102.1875\n"
            "liaison_test_latency_seconds_count 4\n"
            "# HELP liaison_test_sent_total Messages sent.\n"
            "# TYPE liaison_test_sent_total counter\n"
            "liaison_test_sent_total{channel=\"smpp-a\",status=\"failed\"} 2\n"
            "liaison_test_sent_total{channel=\"smpp-a\",status=\"submitted\"} 1\n"
            "liaison_test_sent_total{channel=\"smpp-b\",status=\"submitted\"} 3\n");
}

TEST(MetricsTest, LabelledHistogramPutsLeLast) {
  Registry r;
  auto& lag = r.histogram("lag_seconds", "Lag.", std::vector<double>{1, 10}, {"channel"});
  lag.labels({"b"}).observe(5);
  lag.labels({"a"}).observe(0.5);
  lag.labels({"a"}).observe(20);
  EXPECT_EQ(r.renderPrometheus(),
            "# HELP lag_seconds Lag.\n"
            "# TYPE lag_seconds histogram\n"
            "lag_seconds_bucket{channel=\"a\",le=\"1\"} 1\n"
            "lag_seconds_bucket{channel=\"a\",le=\"10\"} 1\n"
            "lag_seconds_bucket{channel=\"a\",le=\"+Inf\"} 2\n"
            "lag_seconds_sum{channel=\"a\"} 20.5\n"
            "lag_seconds_count{channel=\"a\"} 2\n"
            "lag_seconds_bucket{channel=\"b\",le=\"1\"} 0\n"
            "lag_seconds_bucket{channel=\"b\",le=\"10\"} 1\n"
            "lag_seconds_bucket{channel=\"b\",le=\"+Inf\"} 1\n"
            "lag_seconds_sum{channel=\"b\"} 5\n"
            "lag_seconds_count{channel=\"b\"} 1\n");
  const Histogram::Snapshot snap = lag.labels({"a"}).snapshot();
  EXPECT_EQ(snap.cumulative, (std::vector<uint64_t>{1, 1, 2}));
  EXPECT_EQ(snap.count, 2u);
  EXPECT_DOUBLE_EQ(snap.sum, 20.5);
}

TEST(MetricsTest, EscapesHelpAndLabelValues) {
  Registry r;
  auto& c = r.counter("esc_total", "Back\\slash and\nnewline \"quotes\" stay.", {"v"});
  c.labels({"a\"b\\c\nd"}).inc();
  EXPECT_EQ(r.renderPrometheus(),
            "# HELP esc_total Back\\\\slash and\\nnewline \"quotes\" stay.\n"
            "# TYPE esc_total counter\n"
            "esc_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
  EXPECT_EQ(escapeHelp("a\\b\nc\""), "a\\\\b\\nc\"");
  EXPECT_EQ(escapeLabelValue("a\\b\nc\""), "a\\\\b\\nc\\\"");
}

TEST(MetricsTest, FormatsValuesAsTheFormatExpects) {
  EXPECT_EQ(formatValue(0), "0");
  EXPECT_EQ(formatValue(1), "1");
  EXPECT_EQ(formatValue(0.25), "0.25");
  EXPECT_EQ(formatValue(-3.5), "-3.5");
  EXPECT_EQ(formatValue(1e21), "1e+21");
  EXPECT_EQ(formatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(formatValue(std::nan("")), "NaN");
  EXPECT_EQ(formatValue(0.1 + 0.2), "0.30000000000000004");  // round-trips exactly
}

TEST(MetricsTest, OutputIsSortedAndStable) {
  Registry r;
  // Registered and updated out of order.
  r.counter("zz_total", "Z.", {"k"}).labels({"b"}).inc();
  r.counter("zz_total", "Z.", {"k"}).labels({"a"}).inc();
  r.gauge("aa", "A.").get().set(1);
  r.counter("mm_total", "M.", {"x", "y"}).labels({"1", "b"}).inc();
  r.counter("mm_total", "M.", {"x", "y"}).labels({"1", "a"}).inc();
  r.counter("mm_total", "M.", {"x", "y"}).labels({"0", "z"}).inc();
  const std::string first = r.renderPrometheus();
  EXPECT_EQ(
      first,
      "# HELP aa A.\n# TYPE aa gauge\naa 1\n"
      "# HELP mm_total M.\n# TYPE mm_total counter\n"
      "mm_total{x=\"0\",y=\"z\"} 1\nmm_total{x=\"1\",y=\"a\"} 1\nmm_total{x=\"1\",y=\"b\"} 1\n"
      "# HELP zz_total Z.\n# TYPE zz_total counter\n"
      "zz_total{k=\"a\"} 1\nzz_total{k=\"b\"} 1\n");
  EXPECT_EQ(r.renderPrometheus(), first);
}

TEST(MetricsTest, LabelledFamilyWithoutSeriesRendersHeaderOnly) {
  Registry r;
  r.counter("idle_total", "Nothing yet.", {"channel"});
  EXPECT_EQ(r.renderPrometheus(), "# HELP idle_total Nothing yet.\n# TYPE idle_total counter\n");
}

TEST(MetricsTest, ReRegistrationReturnsTheSameFamily) {
  Registry r;
  auto& a = r.counter("x_total", "X.", {"channel"});
  auto& b = r.counter("x_total", "Another help text is ignored.", {"channel"});
  EXPECT_EQ(&a, &b);
  a.labels({"c"}).inc();
  EXPECT_EQ(b.labels({"c"}).value(), 1u);
  auto& h1 = r.histogram("h", "H.", std::vector<double>{1, 2});
  auto& h2 = r.histogram("h", "H.", std::vector<double>{1, 2});
  EXPECT_EQ(&h1, &h2);
}

TEST(MetricsTest, RegistrationMistakesThrow) {
  Registry r;
  r.counter("x_total", "X.", {"channel"});
  EXPECT_THROW(r.gauge("x_total", "X."), std::invalid_argument);                // other type
  EXPECT_THROW(r.counter("x_total", "X.", {"tenant"}), std::invalid_argument);  // other labels
  EXPECT_THROW(r.counter("x_total", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("1bad", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("bad-name", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {"a-b"}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "H.", std::vector<double>{1, 2}, {"le"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "H.", std::vector<double>{}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "H.", std::vector<double>{2, 1}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "H.", std::vector<double>{1, 1}), std::invalid_argument);
  EXPECT_THROW(
      r.histogram("h", "H.", std::vector<double>{1, std::numeric_limits<double>::infinity()}),
      std::invalid_argument);
  r.histogram("h2", "H.", std::vector<double>{1, 2});
  EXPECT_THROW(r.histogram("h2", "H.", std::vector<double>{1, 3}), std::invalid_argument);
  EXPECT_THROW(r.callback("cb", "C.", MetricType::Histogram, [] { return 1.0; }),
               std::invalid_argument);
  EXPECT_THROW(r.callback("x_total", "C.", MetricType::Counter, [] { return 1.0; }),
               std::invalid_argument);
  EXPECT_NO_THROW(r.counter("ns:ok_total", "Colons are allowed in names."));
}

TEST(MetricsTest, CardinalityIsBounded) {
  Registry r(RegistryOptions{.max_series_per_family = 3});
  auto& f = r.counter("c_total", "C.", {"channel", "status"});
  f.labels({"a", "ok"}).inc();
  f.labels({"b", "ok"}).inc();
  f.labels({"c", "ok"}).inc();
  Counter& overflow = f.labels({"d", "ok"});
  overflow.inc(5);
  EXPECT_EQ(&f.labels({"e", "failed"}), &overflow);           // every later combination shares it
  EXPECT_EQ(&f.labels({"a", "ok"}), &f.labels({"a", "ok"}));  // existing series still found
  EXPECT_EQ(f.overflowed(), 2u);
  EXPECT_EQ(f.seriesCount(), 4u);
  EXPECT_NE(r.renderPrometheus().find("c_total{channel=\"_overflow\",status=\"_overflow\"} 5\n"),
            std::string::npos);
}

TEST(MetricsTest, PhoneNumbersNeverBecomeLabelValues) {
  QuietBugs quiet;
  Registry r;
  auto& f = r.counter("c_total", "C.", {"channel"});
  const uint64_t bugs = sync::bugCount();
  f.labels({"+4915112345678"}).inc();
  f.labels({"0151 1234567"}).inc();  // 7 digits in a row
  f.labels({std::string(kMaxLabelValueBytes + 1, 'x')}).inc();
  f.labels({"\xff\xfe"}).inc();     // not UTF-8
  f.labels({"smpp-123456"}).inc();  // 6 digits: fine
  EXPECT_EQ(sync::bugCount() - bugs, 4u);
  const std::string text = r.renderPrometheus();
  EXPECT_EQ(text.find("4915112345678"), std::string::npos);
  EXPECT_EQ(text.find("1234567"), std::string::npos);
  EXPECT_NE(text.find("c_total{channel=\"_redacted\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("c_total{channel=\"smpp-123456\"} 1\n"), std::string::npos);
}

TEST(MetricsTest, WrongLabelCountIsABugAndUsesTheOverflowSeries) {
  QuietBugs quiet;
  Registry r;
  auto& f = r.counter("c_total", "C.", {"channel", "status"});
  const uint64_t bugs = sync::bugCount();
  f.labels({"only-one"}).inc();
  EXPECT_EQ(sync::bugCount() - bugs, 1u);
  EXPECT_NE(r.renderPrometheus().find("c_total{channel=\"_overflow\",status=\"_overflow\"} 1\n"),
            std::string::npos);
}

TEST(MetricsTest, CallbackMetricsAreReadAtRenderTime) {
  Registry r;
  std::atomic<int> value{1};
  r.callback("cb_gauge", "Computed.", MetricType::Gauge, [&] { return value.load() * 1.5; });
  EXPECT_EQ(r.renderPrometheus(),
            "# HELP cb_gauge Computed.\n# TYPE cb_gauge gauge\ncb_gauge 1.5\n");
  value = 2;
  EXPECT_EQ(r.renderPrometheus(), "# HELP cb_gauge Computed.\n# TYPE cb_gauge gauge\ncb_gauge 3\n");
  EXPECT_NO_THROW(r.callback("cb_gauge", "Again.", MetricType::Gauge, [] { return 0.0; }));
}

TEST(MetricsTest, ConcurrentUpdatesAddUpExactly) {
  Registry r;
  auto& counter = r.counter("c_total", "C.", {"channel"});
  auto& gauge = r.gauge("g", "G.");
  auto& hist = r.histogram("h", "H.", std::vector<double>{1, 2, 3});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50'000;
  std::atomic<bool> done{false};
  // A scraper renders all the time, as /metrics would.
  std::thread scraper([&] {
    while (!done.load()) {
      const std::string text = r.renderPrometheus();
      ASSERT_NE(text.find("# TYPE h histogram"), std::string::npos);
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      Counter& shared = counter.labels({"shared"});
      Gauge& g = gauge.get();
      Histogram& h = hist.get();
      for (int i = 0; i < kPerThread; ++i) {
        shared.inc();
        // Looked up per event as well: the lookup is thread-safe too.
        counter.labels({t % 2 ? "odd" : "even"}).inc(2);
        g.inc();
        g.dec();
        g.add(0.5);
        h.observe(static_cast<double>(i % 4));  // 0, 1, 2, 3: integers, so the sum is exact
      }
    });
  }
  for (auto& w : workers) w.join();
  done = true;
  scraper.join();

  EXPECT_EQ(counter.labels({"shared"}).value(), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(counter.labels({"odd"}).value(), uint64_t{2} * (kThreads / 2) * kPerThread);
  EXPECT_EQ(counter.labels({"even"}).value(), uint64_t{2} * (kThreads / 2) * kPerThread);
  EXPECT_DOUBLE_EQ(gauge.get().value(), 0.5 * kThreads * kPerThread);
  const Histogram::Snapshot s = hist.get().snapshot();
  const uint64_t total = uint64_t{kThreads} * kPerThread;
  EXPECT_EQ(s.count, total);
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{total / 2, total * 3 / 4, total, total}));
  EXPECT_DOUBLE_EQ(s.sum, (0 + 1 + 2 + 3) * static_cast<double>(total) / 4);
}

TEST(MetricsTest, GatewayMetricsAreRegisteredOnceWithTheirNames) {
  Registry r;
  GatewayMetrics m = registerGatewayMetrics(r);
  GatewayMetrics again = registerGatewayMetrics(r);  // idempotent
  EXPECT_EQ(&m.send_outcomes, &again.send_outcomes);
  m.send_outcomes.labels({"orange-fr", kStatusDelivered}).inc();
  m.smpp_in_flight.labels({"orange-fr", "0"}).set(7);
  m.submit_latency.labels({"orange-fr"}).observe(0.02);
  m.receipt_lag.labels({"orange-fr"}).observe(12);
  m.inbound_messages.labels({"orange-fr", "stop"}).inc();
  m.opt_outs.labels({"paris"}).inc();
  m.outbox_queue_depth.labels({"orange-fr"}).set(1000);
  m.reconnects.labels({"orange-fr", "1"}).inc();
  m.smpp_bound.labels({"orange-fr", "0"}).set(1);
  const std::string text = r.renderPrometheus();
  for (std::string_view name :
       {kOutboxQueueDepth, kSmppInFlight, kSmppBound, kSubmitLatency, kSendOutcomes, kReconnects,
        kReceiptLag, kInboundMessages, kOptOuts, kBugs}) {
    EXPECT_NE(text.find("# TYPE " + std::string(name) + " "), std::string::npos) << name;
  }
  EXPECT_NE(text.find("liaison_send_outcomes_total{channel=\"orange-fr\",status=\"delivered\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("liaison_smpp_in_flight_segments{channel=\"orange-fr\",bind=\"0\"} 7\n"),
            std::string::npos)
      << "labels render in declaration order";
}

// ---- Third-party parser

std::string nodeExecutable() {
  if (const char* env = std::getenv("LIAISON_NODE"); env && *env) return env;
#ifdef LIAISON_NODE
  if (std::string found = LIAISON_NODE; found.find("NOTFOUND") == std::string::npos) return found;
#endif
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / "node";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

// Runs tests/interop/parse_prometheus.js on `text`; the parsed JSON, or null (with a failure).
nlohmann::json parseWithNode(const std::string& text) {
  const std::string node = nodeExecutable();
  EXPECT_FALSE(node.empty()) << "node not found: run scripts/setup (installs nodejs and npm)";
  if (node.empty()) return nullptr;
  const fs::path package =
      fs::path(LIAISON_INTEROP_DIR) / "node_modules/parse-prometheus-text-format/package.json";
  EXPECT_TRUE(fs::exists(package))
      << package << " is missing: run scripts/setup (npm ci --prefix tests/interop)";
  if (!fs::exists(package)) return nullptr;
  liaison::testing::TempDir dir;
  const std::string file = dir.file("metrics.txt");
  std::ofstream(file, std::ios::binary) << text;
  liaison::testing::ChildProcess child;
  const std::string error =
      child.start({node, (fs::path(LIAISON_INTEROP_DIR) / "parse_prometheus.js").string(), file});
  EXPECT_TRUE(error.empty()) << error;
  if (!error.empty()) return nullptr;
  const auto line = child.readLine(60s);
  const auto exit_code = child.closeAndWait(60s);
  EXPECT_EQ(exit_code, std::optional<int>(0)) << "the parser rejected the text:\n" << text;
  EXPECT_TRUE(line.has_value()) << "no output from parse_prometheus.js";
  if (!line) return nullptr;
  return nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
}

TEST(MetricsInteropTest, ThirdPartyParserReadsTheExposition) {
  Registry r;
  GatewayMetrics m = registerGatewayMetrics(r);
  m.send_outcomes.labels({"orange-fr", kStatusSubmitted}).inc(10);
  m.send_outcomes.labels({"orange-fr", kStatusFailed}).inc(2);
  m.submit_latency.labels({"orange-fr"}).observe(0.003);
  m.submit_latency.labels({"kannel"}).observe(0.2);
  m.receipt_lag.labels({"orange-fr"}).observe(42);
  m.smpp_in_flight.labels({"orange-fr", "0"}).set(3);
  auto& tricky =
      r.counter("liaison_test_escapes_total", "Help with \\ backslash\nand newline.", {"value"});
  tricky.labels({"quote\" backslash\\ newline\n end"}).inc(7);
  auto& plain = r.histogram("liaison_test_plain_seconds", "Plain.", std::vector<double>{0.5, 1});
  plain.get().observe(0.25);
  plain.get().observe(0.75);
  plain.get().observe(5);
  r.gauge("liaison_test_gauge", "G.").get().set(-2.5);

  const std::string text = r.renderPrometheus();
  const nlohmann::json parsed = parseWithNode(text);
  ASSERT_TRUE(parsed.is_object()) << "unparseable output from parse_prometheus.js";
  EXPECT_EQ(parsed["strict_errors"], nlohmann::json::array()) << text;

  // The families, in the order rendered, with their types.
  std::map<std::string, nlohmann::json> families;
  std::vector<std::string> names;
  for (const auto& f : parsed["families"]) {
    names.push_back(f["name"]);
    families[f["name"]] = f;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(names.size(), 13u);
  EXPECT_EQ(families[std::string(kSendOutcomes)]["type"], "COUNTER");
  EXPECT_EQ(families[std::string(kSmppInFlight)]["type"], "GAUGE");
  EXPECT_EQ(families[std::string(kSubmitLatency)]["type"], "HISTOGRAM");
  EXPECT_EQ(families[std::string(kBugs)]["type"], "COUNTER");

  // Escaped text comes back as it went in.
  const auto& escapes = families["liaison_test_escapes_total"];
  EXPECT_EQ(escapes["help"], "Help with \\ backslash\nand newline.");
  ASSERT_EQ(escapes["metrics"].size(), 1u);
  EXPECT_EQ(escapes["metrics"][0]["labels"]["value"], "quote\" backslash\\ newline\n end");
  EXPECT_EQ(escapes["metrics"][0]["value"], "7");

  // Labelled counters keep every series.
  const auto& outcomes = families[std::string(kSendOutcomes)]["metrics"];
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0]["labels"]["status"], "failed");
  EXPECT_EQ(outcomes[0]["value"], "2");
  EXPECT_EQ(outcomes[1]["labels"]["status"], "submitted");
  EXPECT_EQ(outcomes[1]["value"], "10");

  // An unlabelled histogram: buckets, sum and count.
  const auto& plain_parsed = families["liaison_test_plain_seconds"]["metrics"];
  ASSERT_EQ(plain_parsed.size(), 1u);
  EXPECT_EQ(plain_parsed[0]["buckets"]["0.5"], "1");
  EXPECT_EQ(plain_parsed[0]["buckets"]["1"], "2");
  EXPECT_EQ(plain_parsed[0]["buckets"]["+Inf"], "3");
  EXPECT_EQ(plain_parsed[0]["count"], "3");
  EXPECT_EQ(plain_parsed[0]["sum"], "6");

  EXPECT_EQ(families["liaison_test_gauge"]["metrics"][0]["value"], "-2.5");
}

}  // namespace
}  // namespace liaison::gateway::metrics
