// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A small metrics registry: counters, gauges and histograms in labelled families, rendered in
// the Prometheus text exposition format 0.0.4 for the gateway's /metrics route. Also the
// gateway's metric names, label names and buckets, as constants every subsystem uses.
//
//   Registry --counter/gauge/histogram(name, help, labels)--> Family<M>   (registration: locks)
//   Family<M> --labels({"smpp-orange", "0"})--> M&                         (lookup: locks once)
//   M::inc/set/observe                                                     (hot path: atomics)
//   Registry::renderPrometheus()                                           (scrape: locks)
//
// Hot paths look a series up once and keep the reference (references stay valid for the
// registry's lifetime); updating it is a relaxed atomic operation, never a lock. Cardinality is
// bounded: each family holds at most RegistryOptions::max_series_per_family series, and later
// label combinations share one overflow series whose every label value is kOverflowLabelValue.
// Label values are ids, names and fixed words, NEVER personal data: a value with a run of 7 or
// more digits (it could be a phone number) or longer than kMaxLabelValueBytes is replaced by
// kRedactedLabelValue and reported with LIAISON_BUG.
//
// Thread-safety: everything here is safe to call from any thread. Registration mistakes (bad
// names, the same name registered with another type, labels or buckets) are programming errors
// found at start-up and throw std::invalid_argument.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace liaison::gateway::metrics {

// ---- The gateway's metrics (issue 5's /metrics list). Label values: see the label names.

// Messages waiting in the outbox to be handed to a channel. Gauge {channel}.
inline constexpr std::string_view kOutboxQueueDepth = "liaison_outbox_queue_depth";
// Segments submitted on a bind and awaiting the SMSC's response. Gauge {channel, bind}.
inline constexpr std::string_view kSmppInFlight = "liaison_smpp_in_flight_segments";
// 1 while a bind is bound, else 0 (/readyz reads the same state). Gauge {channel, bind}.
inline constexpr std::string_view kSmppBound = "liaison_smpp_bound";
// submit_sm (or HTTP send) to its response, in seconds. Histogram {channel}.
inline constexpr std::string_view kSubmitLatency = "liaison_submit_latency_seconds";
// Final and intermediate outcomes of outbound messages. Counter {channel, status}.
inline constexpr std::string_view kSendOutcomes = "liaison_send_outcomes_total";
// Connections (re)established after a link loss or refused bind. Counter {channel, bind}.
inline constexpr std::string_view kReconnects = "liaison_channel_reconnects_total";
// Submission accepted to delivery receipt received, in seconds. Histogram {channel}.
inline constexpr std::string_view kReceiptLag = "liaison_receipt_lag_seconds";
// Inbound messages by what the pipeline did with them; the inbound rate is
// rate(liaison_inbound_messages_total[1m]). Counter {channel, route}.
inline constexpr std::string_view kInboundMessages = "liaison_inbound_messages_total";
// Contacts that opted out (STOP). Counter {tenant}.
inline constexpr std::string_view kOptOuts = "liaison_opt_outs_total";
// LIAISON_BUG checks that failed in this process (liaison::sync::bugCount()). Counter.
inline constexpr std::string_view kBugs = "liaison_bugs_total";

// Label names.
inline constexpr std::string_view kLabelChannel = "channel";  // a configured channel name
inline constexpr std::string_view kLabelBind = "bind";        // bind index in its account, "0"..
inline constexpr std::string_view kLabelStatus = "status";    // one of kStatus* below
inline constexpr std::string_view kLabelRoute = "route";      // InboundResult::outcome word
inline constexpr std::string_view kLabelTenant = "tenant";    // a configured tenant id

// Values of kLabelStatus.
inline constexpr std::string_view kStatusSubmitted = "submitted";  // accepted by the provider
inline constexpr std::string_view kStatusFailed = "failed";        // rejected (retryable or not)
inline constexpr std::string_view kStatusUnknown = "unknown";      // outcome lost
inline constexpr std::string_view kStatusDelivered = "delivered";  // receipt: delivered
inline constexpr std::string_view kStatusUndelivered = "undelivered";  // receipt: not delivered
inline constexpr std::string_view kStatusExpired = "expired";  // validity passed, never sent

// Bucket upper bounds (seconds).
inline constexpr double kSubmitLatencyBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                   0.25,  0.5,    1,     2.5,  5,     10,   30};
inline constexpr double kReceiptLagBuckets[] = {1,   2,    5,    10,   30,    60,    120,   300,
                                                600, 1800, 3600, 7200, 21600, 86400, 259200};

// Substitute label values (see the file comment).
inline constexpr std::string_view kOverflowLabelValue = "_overflow";
inline constexpr std::string_view kRedactedLabelValue = "_redacted";
inline constexpr std::size_t kMaxLabelValueBytes = 128;

// ---- Series. Updates are lock-free relaxed atomics; reads are snapshots.

class Counter {
 public:
  void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void inc() noexcept { add(1); }
  void dec() noexcept { add(-1); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: finite, strictly increasing upper bounds (checked by the registry); +Inf is
  // implicit.
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);
  // Counts `v` in the first bucket whose bound is >= v (Prometheus `le`); NaN is ignored.
  void observe(double v) noexcept;

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    uint64_t count = 0;
    double sum = 0;
  };
  // Consistent per bucket; count is derived from the buckets, so it always equals +Inf.
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_->size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

enum class MetricType { Counter, Gauge, Histogram };
std::string_view metricTypeName(MetricType type);  // "counter", "gauge", "histogram"

// ---- Families: one metric name, fixed label names, one series per label-value tuple.

class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& labelNames() const { return label_names_; }
  // Lookups that got the overflow series because the family was full.
  uint64_t overflowed() const { return overflowed_.load(std::memory_order_relaxed); }
  // Series currently held (the overflow series included once created).
  std::size_t seriesCount() const;

  // Appends this family's HELP, TYPE and sample lines. Called by the registry.
  virtual void render(std::string& out) const = 0;

 protected:
  FamilyBase(std::string name, std::string help, MetricType type,
             std::vector<std::string> label_names, std::size_t max_series);
  // The values as stored: each checked and, if need be, replaced (see the file comment).
  std::vector<std::string> sanitisedKey(std::span<const std::string_view> values) const;
  // Every label value kOverflowLabelValue.
  std::vector<std::string> overflowKey() const;
  virtual std::size_t seriesCountLocked() const = 0;  // mu_ held
  void renderHeader(std::string& out) const;
  void appendLabels(std::string& out, const std::vector<std::string>& values,
                    std::string_view extra_name = {}, std::string_view extra_value = {}) const;

  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
  std::size_t max_series_;
  std::atomic<uint64_t> overflowed_{0};
  mutable std::mutex mu_;
};

template <typename M>
class Family final : public FamilyBase {
 public:
  // The series for these label values (as many as labelNames(), in that order). Takes the
  // family's lock: keep the reference instead of looking it up per event. A wrong count is a
  // bug (LIAISON_BUG) and yields the overflow series.
  M& labels(std::initializer_list<std::string_view> values) {
    return labels(std::span<const std::string_view>(values.begin(), values.size()));
  }
  M& labels(std::span<const std::string_view> values);
  // The series of a family without labels.
  M& get() { return labels({}); }

  void render(std::string& out) const override;
  // A histogram family's bucket bounds; empty for counters and gauges.
  std::span<const double> bounds() const {
    return bounds_ ? std::span<const double>(*bounds_) : std::span<const double>();
  }

  // Registry use only.
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
         std::size_t max_series, std::shared_ptr<const std::vector<double>> bounds);

 private:
  std::size_t seriesCountLocked() const override;

  std::shared_ptr<const std::vector<double>> bounds_;  // histograms only
  std::map<std::vector<std::string>, std::unique_ptr<M>> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

struct RegistryOptions {
  std::size_t max_series_per_family = 1000;
};

class Registry {
 public:
  explicit Registry(RegistryOptions options = {});
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registers (or returns the already registered) family. Names match
  // [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* without a "__" prefix, and
  // histograms may not use the label "le". Re-registering a name with the same type, labels
  // and buckets returns the first family (its help text stays); anything else throws
  // std::invalid_argument. Unlabelled families render a zero sample at once; labelled ones
  // render only their HELP and TYPE until a series exists.
  CounterFamily& counter(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string_view name, std::string_view help,
                     std::vector<std::string> label_names = {});
  HistogramFamily& histogram(std::string_view name, std::string_view help,
                             std::span<const double> bounds,
                             std::vector<std::string> label_names = {});
  // An unlabelled counter or gauge whose value `read` computes at each render (e.g. a count
  // kept elsewhere). `read` runs under the registry's lock: quick, and never calling back into
  // the registry. type must be Counter or Gauge.
  void callback(std::string_view name, std::string_view help, MetricType type,
                std::function<double()> read);

  // The text exposition format 0.0.4 (Content-Type: text/plain; version=0.0.4): families
  // sorted by name, series sorted by label values, histogram buckets in bound order. Byte-
  // identical for identical state.
  std::string renderPrometheus() const;

 private:
  FamilyBase* find(std::string_view name, MetricType type,
                   const std::vector<std::string>& label_names, const std::vector<double>* bounds);

  RegistryOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<FamilyBase>, std::less<>> families_;
};

// The Content-Type to serve renderPrometheus() with.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// The gateway's families, registered once with their names, help texts, labels and buckets.
struct GatewayMetrics {
  GaugeFamily& outbox_queue_depth;  // {channel}
  GaugeFamily& smpp_in_flight;      // {channel, bind}
  GaugeFamily& smpp_bound;          // {channel, bind}
  HistogramFamily& submit_latency;  // {channel}
  CounterFamily& send_outcomes;     // {channel, status}
  CounterFamily& reconnects;        // {channel, bind}
  HistogramFamily& receipt_lag;     // {channel}
  CounterFamily& inbound_messages;  // {channel, route}
  CounterFamily& opt_outs;          // {tenant}
};
// Registers every family above plus kBugs (a callback on liaison::sync::bugCount()).
// Idempotent per registry.
GatewayMetrics registerGatewayMetrics(Registry& registry);

// Text helpers, exposed for tests: a double as the format writes it ("+Inf", "-Inf", "NaN",
// else the shortest round-trip decimal), and the two escapings of the format.
std::string formatValue(double v);
std::string escapeHelp(std::string_view text);        // '\' and newline
std::string escapeLabelValue(std::string_view text);  // '\', '"' and newline

}  // namespace liaison::gateway::metrics
