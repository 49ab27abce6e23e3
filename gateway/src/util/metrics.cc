// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The metrics registry and its Prometheus text rendering (format 0.0.4).
#include "util/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "liaison/sync/assert.h"
#include "sms/utf8.h"

namespace liaison::gateway::metrics {

namespace {

bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool validMetricName(std::string_view name) {
  if (name.empty() || !(isNameStart(name[0]) || name[0] == ':')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return isNameStart(c) || isDigit(c) || c == ':'; });
}

bool validLabelName(std::string_view name) {
  if (name.empty() || !isNameStart(name[0]) || name.starts_with("__")) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return isNameStart(c) || isDigit(c); });
}

// A run of 7 or more ASCII digits: the shortest national numbers are around 7 digits.
bool looksLikePhoneNumber(std::string_view value) {
  int run = 0;
  for (char c : value) {
    run = isDigit(c) ? run + 1 : 0;
    if (run >= 7) return true;
  }
  return false;
}

void checkRegistration(std::string_view name, const std::vector<std::string>& label_names) {
  if (!validMetricName(name)) {
    throw std::invalid_argument("metrics: invalid metric name '" + std::string(name) + "'");
  }
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    if (!validLabelName(label_names[i])) {
      throw std::invalid_argument("metrics: " + std::string(name) + ": invalid label name '" +
                                  label_names[i] + "'");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (label_names[j] == label_names[i]) {
        throw std::invalid_argument("metrics: " + std::string(name) + ": label '" + label_names[i] +
                                    "' appears twice");
      }
    }
  }
}

void appendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// A family whose one sample is computed at render time.
class CallbackFamily final : public FamilyBase {
 public:
  CallbackFamily(std::string name, std::string help, MetricType type, std::function<double()> read)
      : FamilyBase(std::move(name), std::move(help), type, {}, 1), read_(std::move(read)) {}
  std::size_t seriesCountLocked() const override { return 1; }
  void render(std::string& out) const override {
    renderHeader(out);
    out += name_;
    out += ' ';
    out += formatValue(read_());
    out += '\n';
  }

 private:
  std::function<double()> read_;
};

}  // namespace

std::string_view metricTypeName(MetricType type) {
  switch (type) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
  }
  return "untyped";
}

std::string formatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  return std::string(buf, end);
}

std::string escapeHelp(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escapeLabelValue(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// ---- Histogram

Histogram::Histogram(std::shared_ptr<const std::vector<double>> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_->size() + 1)) {}

void Histogram::observe(double v) noexcept {
  if (std::isnan(v)) return;
  const auto& b = *bounds_;
  const auto index = static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), v) - b.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  const std::size_t n = bounds_->size() + 1;
  s.cumulative.resize(n);
  uint64_t running = 0;
  for (std::size_t i = 0; i < n; ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

// ---- FamilyBase

FamilyBase::FamilyBase(std::string name, std::string help, MetricType type,
                       std::vector<std::string> label_names, std::size_t max_series)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      max_series_(std::max<std::size_t>(max_series, 1)) {}

std::size_t FamilyBase::seriesCount() const {
  std::lock_guard lock(mu_);
  return seriesCountLocked();
}

std::vector<std::string> FamilyBase::sanitisedKey(std::span<const std::string_view> values) const {
  std::vector<std::string> key;
  key.reserve(values.size());
  for (std::string_view v : values) {
    std::vector<char32_t> scratch;
    std::size_t bad = 0;
    if (v.size() > kMaxLabelValueBytes) {
      LIAISON_BUG(false, "metrics: label value too long");
      key.emplace_back(kRedactedLabelValue);
    } else if (looksLikePhoneNumber(v)) {
      LIAISON_BUG(false, "metrics: label value looks like a phone number");
      key.emplace_back(kRedactedLabelValue);
    } else if (!sms::decodeUtf8(v, &scratch, &bad)) {
      LIAISON_BUG(false, "metrics: label value is not UTF-8");
      key.emplace_back(kRedactedLabelValue);
    } else {
      key.emplace_back(v);
    }
  }
  return key;
}

std::vector<std::string> FamilyBase::overflowKey() const {
  return std::vector<std::string>(label_names_.size(), std::string(kOverflowLabelValue));
}

void FamilyBase::renderHeader(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  out += escapeHelp(help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += metricTypeName(type_);
  out += '\n';
}

void FamilyBase::appendLabels(std::string& out, const std::vector<std::string>& values,
                              std::string_view extra_name, std::string_view extra_value) const {
  if (values.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += label_names_[i];
    out += "=\"";
    out += escapeLabelValue(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += escapeLabelValue(extra_value);
    out += '"';
  }
  out += '}';
}

// ---- Family<M>

template <typename M>
Family<M>::Family(std::string name, std::string help, MetricType type,
                  std::vector<std::string> label_names, std::size_t max_series,
                  std::shared_ptr<const std::vector<double>> bounds)
    : FamilyBase(std::move(name), std::move(help), type, std::move(label_names), max_series),
      bounds_(std::move(bounds)) {}

template <typename M>
std::size_t Family<M>::seriesCountLocked() const {
  return series_.size();
}

template <typename M>
M& Family<M>::labels(std::span<const std::string_view> values) {
  std::vector<std::string> key;
  if (values.size() != label_names_.size()) {
    LIAISON_BUG(false, "metrics: wrong number of label values");
    key = overflowKey();
  } else {
    key = sanitisedKey(values);
  }
  std::lock_guard lock(mu_);
  if (auto it = series_.find(key); it != series_.end()) return *it->second;
  if (series_.size() >= max_series_) {
    overflowed_.fetch_add(1, std::memory_order_relaxed);
    key = overflowKey();
    if (auto it = series_.find(key); it != series_.end()) return *it->second;
  }
  std::unique_ptr<M> made;
  if constexpr (std::is_same_v<M, Histogram>) {
    made = std::make_unique<Histogram>(bounds_);
  } else {
    made = std::make_unique<M>();
  }
  M& ref = *made;
  series_.emplace(std::move(key), std::move(made));
  return ref;
}

template <typename M>
void Family<M>::render(std::string& out) const {
  renderHeader(out);
  std::lock_guard lock(mu_);
  for (const auto& [values, series] : series_) {
    if constexpr (std::is_same_v<M, Histogram>) {
      const Histogram::Snapshot snap = series->snapshot();
      const auto& bounds = *bounds_;
      for (std::size_t i = 0; i <= bounds.size(); ++i) {
        out += name_;
        out += "_bucket";
        appendLabels(out, values, "le", i < bounds.size() ? formatValue(bounds[i]) : "+Inf");
        out += ' ';
        appendUint(out, snap.cumulative[i]);
        out += '\n';
      }
      out += name_;
      out += "_sum";
      appendLabels(out, values);
      out += ' ';
      out += formatValue(snap.sum);
      out += '\n';
      out += name_;
      out += "_count";
      appendLabels(out, values);
      out += ' ';
      appendUint(out, snap.count);
      out += '\n';
    } else {
      out += name_;
      appendLabels(out, values);
      out += ' ';
      if constexpr (std::is_same_v<M, Counter>) {
        appendUint(out, series->value());
      } else {
        out += formatValue(series->value());
      }
      out += '\n';
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---- Registry

Registry::Registry(RegistryOptions options) : options_(options) {}
Registry::~Registry() = default;

FamilyBase* Registry::find(std::string_view name, MetricType type,
                           const std::vector<std::string>& label_names,
                           const std::vector<double>* bounds) {
  auto it = families_.find(name);
  if (it == families_.end()) return nullptr;
  FamilyBase* f = it->second.get();
  bool same = f->type() == type && f->labelNames() == label_names &&
              dynamic_cast<CallbackFamily*>(f) == nullptr;
  if (same && type == MetricType::Histogram) {
    const auto have = static_cast<HistogramFamily*>(f)->bounds();
    same = std::equal(have.begin(), have.end(), bounds->begin(), bounds->end());
  }
  if (!same) {
    throw std::invalid_argument("metrics: " + std::string(name) +
                                " is already registered with another type, labels or buckets");
  }
  return f;
}

CounterFamily& Registry::counter(std::string_view name, std::string_view help,
                                 std::vector<std::string> label_names) {
  checkRegistration(name, label_names);
  std::lock_guard lock(mu_);
  if (auto* f = find(name, MetricType::Counter, label_names, nullptr)) {
    return *static_cast<CounterFamily*>(f);
  }
  const bool plain = label_names.empty();
  auto made = std::make_unique<CounterFamily>(std::string(name), std::string(help),
                                              MetricType::Counter, std::move(label_names),
                                              options_.max_series_per_family, nullptr);
  auto& ref = *made;
  families_.emplace(std::string(name), std::move(made));
  if (plain) ref.get();
  return ref;
}

GaugeFamily& Registry::gauge(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names) {
  checkRegistration(name, label_names);
  std::lock_guard lock(mu_);
  if (auto* f = find(name, MetricType::Gauge, label_names, nullptr)) {
    return *static_cast<GaugeFamily*>(f);
  }
  const bool plain = label_names.empty();
  auto made = std::make_unique<GaugeFamily>(std::string(name), std::string(help), MetricType::Gauge,
                                            std::move(label_names), options_.max_series_per_family,
                                            nullptr);
  auto& ref = *made;
  families_.emplace(std::string(name), std::move(made));
  if (plain) ref.get();
  return ref;
}

HistogramFamily& Registry::histogram(std::string_view name, std::string_view help,
                                     std::span<const double> bounds,
                                     std::vector<std::string> label_names) {
  checkRegistration(name, label_names);
  for (const auto& l : label_names) {
    if (l == "le") {
      throw std::invalid_argument("metrics: " + std::string(name) +
                                  ": a histogram cannot have a label named le");
    }
  }
  if (bounds.empty()) {
    throw std::invalid_argument("metrics: " + std::string(name) + ": no bucket bounds");
  }
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i - 1] < bounds[i]))) {
      throw std::invalid_argument("metrics: " + std::string(name) +
                                  ": bucket bounds must be finite and strictly increasing");
    }
  }
  auto shared = std::make_shared<const std::vector<double>>(bounds.begin(), bounds.end());
  std::lock_guard lock(mu_);
  if (auto* f = find(name, MetricType::Histogram, label_names, shared.get())) {
    return *static_cast<HistogramFamily*>(f);
  }
  const bool plain = label_names.empty();
  auto made = std::make_unique<HistogramFamily>(std::string(name), std::string(help),
                                                MetricType::Histogram, std::move(label_names),
                                                options_.max_series_per_family, std::move(shared));
  auto& ref = *made;
  families_.emplace(std::string(name), std::move(made));
  if (plain) ref.get();
  return ref;
}

void Registry::callback(std::string_view name, std::string_view help, MetricType type,
                        std::function<double()> read) {
  checkRegistration(name, {});
  if (type == MetricType::Histogram || !read) {
    throw std::invalid_argument("metrics: " + std::string(name) +
                                ": a callback is a counter or gauge with a function");
  }
  std::lock_guard lock(mu_);
  if (auto it = families_.find(name); it != families_.end()) {
    if (dynamic_cast<CallbackFamily*>(it->second.get()) && it->second->type() == type) return;
    throw std::invalid_argument("metrics: " + std::string(name) + " is already registered");
  }
  families_.emplace(std::string(name),
                    std::make_unique<CallbackFamily>(std::string(name), std::string(help), type,
                                                     std::move(read)));
}

std::string Registry::renderPrometheus() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) family->render(out);
  return out;
}

GatewayMetrics registerGatewayMetrics(Registry& r) {
  const std::string channel(kLabelChannel), bind(kLabelBind), status(kLabelStatus),
      route(kLabelRoute), tenant(kLabelTenant);
  GatewayMetrics m{
      .outbox_queue_depth =
          r.gauge(kOutboxQueueDepth, "Messages waiting in the outbox to be handed to a channel.",
                  {channel}),
      .smpp_in_flight =
          r.gauge(kSmppInFlight, "Segments submitted on an SMPP bind and awaiting a response.",
                  {channel, bind}),
      .smpp_bound = r.gauge(kSmppBound, "1 while the SMPP bind is bound, else 0.", {channel, bind}),
      .submit_latency =
          r.histogram(kSubmitLatency, "Time from submitting a message to the provider's response.",
                      kSubmitLatencyBuckets, {channel}),
      .send_outcomes =
          r.counter(kSendOutcomes, "Outcomes of outbound messages by status.", {channel, status}),
      .reconnects = r.counter(kReconnects, "Connections re-established after a loss or refusal.",
                              {channel, bind}),
      .receipt_lag =
          r.histogram(kReceiptLag, "Time from a message's acceptance to its delivery receipt.",
                      kReceiptLagBuckets, {channel}),
      .inbound_messages = r.counter(kInboundMessages,
                                    "Inbound messages by what the inbound pipeline did with them.",
                                    {channel, route}),
      .opt_outs = r.counter(kOptOuts, "Contacts that opted out (STOP).", {tenant}),
  };
  r.callback(kBugs, "Internal consistency checks (LIAISON_BUG) that failed.", MetricType::Counter,
             [] { return static_cast<double>(sync::bugCount()); });
  return m;
}

}  // namespace liaison::gateway::metrics
