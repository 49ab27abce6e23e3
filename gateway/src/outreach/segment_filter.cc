// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Filter compilation: a recursive walk that appends SQL text from fixed pieces and collects
// values as parameters.
#include "outreach/segment_filter.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "outreach/normalize.h"

namespace liaison::gateway::outreach {

namespace {

using Op = liaison::v1::FieldCondition;

class FilterCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "liaison.filter"; }
  std::string message(int ev) const override {
    switch (static_cast<FilterErrc>(ev)) {
      case FilterErrc::Empty: return "empty filter";
      case FilterErrc::TooDeep: return "filter nested too deeply";
      case FilterErrc::TooLarge: return "filter too large";
      case FilterErrc::UnknownField: return "unknown field";
      case FilterErrc::UnsupportedOperator: return "operator not supported for this field";
      case FilterErrc::WrongValueCount: return "wrong number of values";
      case FilterErrc::InvalidValue: return "invalid value";
      case FilterErrc::ValueTooLong: return "value too long";
    }
    return "unknown filter error";
  }
};

enum class Kind { Text, Language, Country, Status, Groups, Custom, Consent, ConsentWording };

struct FieldInfo {
  Kind kind;
  std::string_view column;  // for scalar columns
};

std::optional<FieldInfo> lookupField(std::string_view name) {
  if (name == "language") return FieldInfo{Kind::Language, "c.language"};
  if (name == "location.country" || name == "country") return FieldInfo{Kind::Country, "c.country"};
  if (name == "location.region" || name == "region") return FieldInfo{Kind::Text, "c.region"};
  if (name == "location.city" || name == "city") return FieldInfo{Kind::Text, "c.city"};
  if (name == "time_zone") return FieldInfo{Kind::Text, "c.time_zone"};
  if (name == "status") return FieldInfo{Kind::Status, "c.status"};
  if (name == "groups") return FieldInfo{Kind::Groups, {}};
  if (name == "consent") return FieldInfo{Kind::Consent, {}};
  if (name == "consent.wording_version") return FieldInfo{Kind::ConsentWording, {}};
  if (name.substr(0, 7) == "custom.") return FieldInfo{Kind::Custom, {}};
  return std::nullopt;
}

std::optional<std::int64_t> parseStatus(std::string_view v) {
  if (v == "active" || v == "CONTACT_STATUS_ACTIVE") return 1;
  if (v == "opted_out" || v == "CONTACT_STATUS_OPTED_OUT") return 2;
  if (v == "invalid" || v == "CONTACT_STATUS_INVALID") return 3;
  return std::nullopt;
}

std::optional<double> parseNumber(std::string_view v) {
  double d = 0;
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, d, std::chars_format::fixed);
  if (v.empty() || ec != std::errc() || p != end || !std::isfinite(d)) return std::nullopt;
  return d;
}

class Compiler {
 public:
  Compiler(store::SqlDialect dialect, const FilterLimits& limits, store::SqlWhere* out,
           std::string* detail)
      : dialect_(dialect), limits_(limits), out_(out), detail_(detail) {}

  std::error_code filter(const liaison::v1::Filter& f, int depth, const std::string& path) {
    if (depth > limits_.max_depth) return fail(FilterErrc::TooDeep, path, "nested too deeply");
    if (++nodes_ > limits_.max_nodes) return fail(FilterErrc::TooLarge, path, "too many nodes");
    switch (f.kind_case()) {
      case liaison::v1::Filter::kCondition: return condition(f.condition(), path + ".condition");
      case liaison::v1::Filter::kAll:
      case liaison::v1::Filter::kAny: {
        const bool all = f.kind_case() == liaison::v1::Filter::kAll;
        const auto& c = all ? f.all() : f.any();
        if (c.filters_size() == 0) {
          sql() += all ? "1 = 1" : "1 = 0";
          return {};
        }
        sql() += '(';
        for (int i = 0; i < c.filters_size(); ++i) {
          if (i > 0) sql() += all ? " AND " : " OR ";
          const std::string child = path + (all ? ".all[" : ".any[") + std::to_string(i) + "]";
          if (auto ec = filter(c.filters(i), depth + 1, child)) return ec;
        }
        sql() += ')';
        return {};
      }
      case liaison::v1::Filter::kNegate:
        sql() += "NOT (";
        if (auto ec = filter(f.negate(), depth + 1, path + ".negate")) return ec;
        sql() += ')';
        return {};
      case liaison::v1::Filter::KIND_NOT_SET: break;
    }
    return fail(FilterErrc::Empty, path, "no condition, all, any or negate set");
  }

 private:
  std::string& sql() { return out_->sql; }

  std::error_code fail(FilterErrc e, const std::string& path, std::string_view why) {
    if (detail_) *detail_ = path + ": " + std::string(why);
    return e;
  }

  void param(store::SqlValue v) {
    out_->params.push_back(std::move(v));
    sql() += dialect_ == store::SqlDialect::Postgres ? '$' : '?';
    sql() += std::to_string(store::ContactStore::kFirstFilterParam +
                            static_cast<int>(out_->params.size()) - 1);
  }

  // "(?2, ?3)" for the condition's values, normalised by kind.
  std::error_code valueList(const std::vector<store::SqlValue>& values) {
    sql() += '(';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) sql() += ", ";
      param(values[i]);
    }
    sql() += ')';
    return {};
  }

  std::error_code condition(const Op& c, const std::string& path) {
    const std::string at = path + "(field=" + safeName(c) + ")";
    if (c.field().empty()) return fail(FilterErrc::Empty, path, "field is empty");
    const auto info = lookupField(c.field());
    if (!info) return fail(FilterErrc::UnknownField, path, "unknown field '" + safeName(c) + "'");
    std::string custom_key;
    if (info->kind == Kind::Custom) {
      auto key = canonicalCustomKey(std::string_view(c.field()).substr(7));
      if (!key) return fail(FilterErrc::UnknownField, path, "unknown field '" + safeName(c) + "'");
      custom_key = *key;
    }

    // Count and normalise values.
    const Op::Operator op = c.op();
    const std::size_t n = static_cast<std::size_t>(c.values_size());
    values_ += n;
    if (values_ > limits_.max_values) return fail(FilterErrc::TooLarge, at, "too many values");
    std::size_t want_min = 1, want_max = 1;
    switch (op) {
      case Op::OPERATOR_EQUALS:
      case Op::OPERATOR_NOT_EQUALS:
      case Op::OPERATOR_HAS:
      case Op::OPERATOR_LESS:
      case Op::OPERATOR_GREATER: break;
      case Op::OPERATOR_IN:
      case Op::OPERATOR_NOT_IN: want_max = limits_.max_values; break;
      case Op::OPERATOR_EXISTS: want_min = want_max = 0; break;
      default: return fail(FilterErrc::UnsupportedOperator, at, "operator is unspecified");
    }
    if (n < want_min || n > want_max) {
      return fail(FilterErrc::WrongValueCount, at,
                  want_max == 0   ? "EXISTS takes no values"
                  : want_max == 1 ? "operator takes exactly one value"
                                  : "operator takes one or more values");
    }
    std::vector<store::SqlValue> values;
    values.reserve(n);
    for (const std::string& raw : c.values()) {
      if (raw.size() > limits_.max_value_bytes)
        return fail(FilterErrc::ValueTooLong, at, "value too long");
      const std::string_view v = trim(raw);
      switch (info->kind) {
        case Kind::Language: {
          auto l = canonicalLanguage(v);
          if (!l) return fail(FilterErrc::InvalidValue, at, "value is not a language tag");
          values.emplace_back(*l);
          break;
        }
        case Kind::Country: {
          auto k = canonicalCountry(v);
          if (!k)
            return fail(FilterErrc::InvalidValue, at, "value is not an ISO 3166 country code");
          values.emplace_back(*k);
          break;
        }
        case Kind::Status: {
          auto s = parseStatus(v);
          if (!s)
            return fail(FilterErrc::InvalidValue, at, "status is active, opted_out or invalid");
          values.emplace_back(*s);
          break;
        }
        case Kind::Custom:
          if (op == Op::OPERATOR_LESS || op == Op::OPERATOR_GREATER) {
            auto d = parseNumber(v);
            if (!d) return fail(FilterErrc::InvalidValue, at, "LESS and GREATER compare numbers");
            values.emplace_back(*d);
            break;
          }
          values.emplace_back(std::string(v));
          break;
        default: values.emplace_back(std::string(v)); break;
      }
    }

    const bool negated = op == Op::OPERATOR_NOT_EQUALS || op == Op::OPERATOR_NOT_IN;
    switch (info->kind) {
      case Kind::Text:
      case Kind::Language:
      case Kind::Country:
      case Kind::Status: {
        const std::string col(info->column);
        const bool nullable = info->kind != Kind::Status;
        switch (op) {
          case Op::OPERATOR_EQUALS:
            sql() += col + " = ";
            param(values[0]);
            return {};
          case Op::OPERATOR_IN: sql() += col + " IN "; return valueList(values);
          case Op::OPERATOR_NOT_EQUALS:
          case Op::OPERATOR_NOT_IN:
            sql() += nullable ? "(" + col + " IS NULL OR " + col : "(" + col;
            if (op == Op::OPERATOR_NOT_EQUALS) {
              sql() += " <> ";
              param(values[0]);
            } else {
              sql() += " NOT IN ";
              valueList(values);
            }
            sql() += ')';
            return {};
          case Op::OPERATOR_EXISTS: sql() += col + " IS NOT NULL"; return {};
          default:
            return fail(FilterErrc::UnsupportedOperator, at,
                        "HAS, LESS and GREATER do not apply to this field");
        }
      }
      case Kind::Groups:
      case Kind::Custom:
      case Kind::ConsentWording:
      case Kind::Consent: {
        if (info->kind == Kind::Consent && op != Op::OPERATOR_EXISTS) {
          return fail(FilterErrc::UnsupportedOperator, at, "consent supports EXISTS only");
        }
        if (info->kind != Kind::Custom && (op == Op::OPERATOR_LESS || op == Op::OPERATOR_GREATER)) {
          return fail(FilterErrc::UnsupportedOperator, at,
                      "LESS and GREATER apply to custom fields");
        }
        // Membership as `c.id [NOT] IN (subquery)`: the planner drives it from the
        // (key|name, value, contact_id) indexes; PostgreSQL plans it as a (anti-)semi-join.
        sql() += negated ? "c.id NOT IN (" : "c.id IN (";
        std::string_view value_col;
        if (info->kind == Kind::Groups) {
          sql() += "SELECT g.contact_id FROM contact_groups g";
          value_col = "g.name";
          if (op != Op::OPERATOR_EXISTS) sql() += " WHERE ";
        } else if (info->kind == Kind::Custom) {
          sql() += "SELECT f.contact_id FROM contact_fields f WHERE f.key = ";
          param(custom_key);
          value_col = (op == Op::OPERATOR_LESS || op == Op::OPERATOR_GREATER) ? "f.value_num"
                                                                              : "f.value_text";
          if (op != Op::OPERATOR_EXISTS) sql() += " AND ";
        } else {
          sql() += "SELECT k.contact_id FROM consents k WHERE k.withdrawn_at IS NULL";
          value_col = "k.wording_version";
          if (op != Op::OPERATOR_EXISTS) sql() += " AND ";
        }
        switch (op) {
          case Op::OPERATOR_EXISTS: break;
          case Op::OPERATOR_EQUALS:
          case Op::OPERATOR_NOT_EQUALS:
          case Op::OPERATOR_HAS:
            sql() += std::string(value_col) + " = ";
            param(values[0]);
            break;
          case Op::OPERATOR_IN:
          case Op::OPERATOR_NOT_IN:
            sql() += std::string(value_col) + " IN ";
            valueList(values);
            break;
          case Op::OPERATOR_LESS:
            sql() += std::string(value_col) + " < ";
            param(values[0]);
            break;
          case Op::OPERATOR_GREATER:
            sql() += std::string(value_col) + " > ";
            param(values[0]);
            break;
          default: break;
        }
        sql() += ')';
        return {};
      }
    }
    return fail(FilterErrc::UnknownField, at, "unknown field");
  }

  // Field names are schema, not personal data; still cap what reaches the message.
  static std::string safeName(const Op& c) {
    std::string s = c.field().substr(0, 80);
    for (char& ch : s) {
      const auto u = static_cast<unsigned char>(ch);
      if (u < 0x20 || u >= 0x7f || ch == '\'') ch = '?';
    }
    return s;
  }

  store::SqlDialect dialect_;
  const FilterLimits& limits_;
  store::SqlWhere* out_;
  std::string* detail_;
  int nodes_ = 0;
  std::size_t values_ = 0;
};

}  // namespace

const std::error_category& filterCategory() {
  static const FilterCategory category;
  return category;
}

std::error_code make_error_code(FilterErrc e) { return {static_cast<int>(e), filterCategory()}; }

std::error_code compileFilter(const liaison::v1::Filter& filter, store::SqlDialect dialect,
                              store::SqlWhere* out, std::string* detail,
                              const FilterLimits& limits) {
  out->sql.clear();
  out->params.clear();
  Compiler compiler(dialect, limits, out, detail);
  auto ec = compiler.filter(filter, 1, "filter");
  if (ec) {
    out->sql.clear();
    out->params.clear();
  }
  return ec;
}

std::error_code countSegment(store::ContactStore& contacts, std::string_view tenant,
                             const liaison::v1::Filter* filter, store::SegmentCount* out,
                             std::string* detail) {
  if (filter == nullptr) return contacts.count(tenant, nullptr, out);
  store::SqlWhere where;
  if (auto ec = compileFilter(*filter, contacts.dialect(), &where, detail)) return ec;
  return contacts.count(tenant, &where, out);
}

std::error_code saveSegment(store::SegmentStore& segments, store::SqlDialect dialect,
                            std::string_view tenant, std::string_view name,
                            const liaison::v1::Filter& filter, std::int64_t now, std::int64_t* id,
                            std::string* detail) {
  store::SqlWhere where;
  if (auto ec = compileFilter(filter, dialect, &where, detail)) return ec;
  return segments.create(tenant, name, filter.SerializeAsString(), now, id);
}

std::error_code countSavedSegment(store::SegmentStore& segments, store::ContactStore& contacts,
                                  std::string_view tenant, std::int64_t id,
                                  store::SegmentCount* out, std::string* detail) {
  store::SavedSegment saved;
  if (auto ec = segments.get(tenant, id, &saved)) return ec;
  liaison::v1::Filter filter;
  if (!filter.ParseFromString(saved.filter)) return store::StoreErrc::Corrupt;
  return countSegment(contacts, tenant, &filter, out, detail);
}

}  // namespace liaison::gateway::outreach
