// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Filter compilation (SQL shape, parameters, errors) and evaluation on a real database.
#include "outreach/segment_filter.h"

#include <gtest/gtest.h>

#include "store/sqlite_contact_store.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::outreach {
namespace {

using liaison::testing::TempDir;
using Op = liaison::v1::FieldCondition;

liaison::v1::Filter cond(const std::string& field, Op::Operator op,
                         std::vector<std::string> values = {}) {
  liaison::v1::Filter f;
  auto* c = f.mutable_condition();
  c->set_field(field);
  c->set_op(op);
  for (auto& v : values) c->add_values(v);
  return f;
}

liaison::v1::Filter all(std::initializer_list<liaison::v1::Filter> fs) {
  liaison::v1::Filter f;
  for (const auto& x : fs) *f.mutable_all()->add_filters() = x;
  return f;
}

liaison::v1::Filter any(std::initializer_list<liaison::v1::Filter> fs) {
  liaison::v1::Filter f;
  for (const auto& x : fs) *f.mutable_any()->add_filters() = x;
  return f;
}

liaison::v1::Filter negate(const liaison::v1::Filter& inner) {
  liaison::v1::Filter f;
  *f.mutable_negate() = inner;
  return f;
}

TEST(SegmentFilter, CompilesToParameterisedSql) {
  const auto f = all({cond("location.country", Op::OPERATOR_IN, {"de", "NL"}),
                      cond("language", Op::OPERATOR_EQUALS, {"TR"}),
                      cond("custom.skills", Op::OPERATOR_HAS, {"x'); DROP TABLE contacts; --"})});
  store::SqlWhere w;
  std::string detail;
  ASSERT_FALSE(compileFilter(f, store::SqlDialect::Sqlite, &w, &detail)) << detail;
  EXPECT_EQ(w.sql,
            "(c.country IN (?2, ?3) AND c.language = ?4 AND c.id IN (SELECT f.contact_id FROM "
            "contact_fields f WHERE f.key = ?5 AND f.value_text = ?6))");
  ASSERT_EQ(w.params.size(), 5u);
  EXPECT_EQ(std::get<std::string>(w.params[0]), "DE");
  EXPECT_EQ(std::get<std::string>(w.params[2]), "tr");
  EXPECT_EQ(w.sql.find("DROP"), std::string::npos);
  ASSERT_FALSE(compileFilter(f, store::SqlDialect::Postgres, &w, &detail));
  EXPECT_NE(w.sql.find("c.country IN ($2, $3)"), std::string::npos);
}

struct BadCase {
  const char* name;
  liaison::v1::Filter filter;
  FilterErrc error;
  const char* detail;
};

class SegmentFilterErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(SegmentFilterErrors, AreClear) {
  store::SqlWhere w;
  std::string detail;
  EXPECT_EQ(compileFilter(GetParam().filter, store::SqlDialect::Sqlite, &w, &detail),
            GetParam().error);
  EXPECT_NE(detail.find(GetParam().detail), std::string::npos) << detail;
  EXPECT_TRUE(w.sql.empty());
}

liaison::v1::Filter deep(int levels) {
  liaison::v1::Filter f = cond("language", Op::OPERATOR_EXISTS);
  for (int i = 0; i < levels; ++i) f = negate(f);
  return f;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SegmentFilterErrors,
    ::testing::Values(
        BadCase{"empty", liaison::v1::Filter(), FilterErrc::Empty, "filter: no condition"},
        BadCase{
            "unknown",
            all({cond("language", Op::OPERATOR_EXISTS), cond("legal_status", Op::OPERATOR_EXISTS)}),
            FilterErrc::UnknownField, "filter.all[1].condition: unknown field 'legal_status'"},
        BadCase{"badkey", cond("custom.", Op::OPERATOR_EXISTS), FilterErrc::UnknownField,
                "unknown field"},
        BadCase{"has_on_scalar", cond("language", Op::OPERATOR_HAS, {"tr"}),
                FilterErrc::UnsupportedOperator, "do not apply"},
        BadCase{"unspecified", cond("language", Op::OPERATOR_UNSPECIFIED, {"tr"}),
                FilterErrc::UnsupportedOperator, "unspecified"},
        BadCase{"no_values", cond("language", Op::OPERATOR_IN), FilterErrc::WrongValueCount,
                "one or more"},
        BadCase{"bad_country", cond("country", Op::OPERATOR_EQUALS, {"Germany"}),
                FilterErrc::InvalidValue, "ISO 3166"},
        BadCase{"bad_number", cond("custom.generation", Op::OPERATOR_LESS, {"two"}),
                FilterErrc::InvalidValue, "numbers"},
        BadCase{"too_deep", deep(40), FilterErrc::TooDeep, "nested"}),
    [](const ::testing::TestParamInfo<BadCase>& p) { return std::string(p.param.name); });

class SegmentCountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add("+4915112345601", "tr", "DE", {"nurses"}, {{"skills", "nurse"}, {"generation", "2"}});
    add("+4915112345602", "tr", "DE", {}, {{"skills", "driver"}, {"generation", "1"}});
    add("+31612345603", "tr", "NL", {"nurses"}, {{"skills", "nurse"}});
    add("+31612345604", "nl", "NL", {}, {});
    add("+33612345605", "", "FR", {}, {{"generation", "3"}});
    ASSERT_FALSE(contacts_.setStatus("t1", "+31612345603", store::ContactStatus::OptedOut, 2));
    store::Contact other;
    other.tenant_id = "t2";
    other.phone_e164 = "+4915112345699";
    other.language = "tr";
    other.country = "DE";
    store::UpsertOutcome o{};
    ASSERT_FALSE(contacts_.upsert(other, {}, 1, &o));
  }
  void add(const char* phone, const char* lang, const char* country,
           std::vector<std::string> groups, std::vector<store::FieldValue> fields) {
    store::Contact c;
    c.tenant_id = "t1";
    c.phone_e164 = phone;
    c.language = lang;
    c.country = country;
    c.groups = std::move(groups);
    c.fields = std::move(fields);
    store::UpsertOutcome o{};
    ASSERT_FALSE(contacts_.upsert(c, {}, 1, &o));
  }
  store::SegmentCount count(const liaison::v1::Filter& f) {
    store::SegmentCount n;
    std::string detail;
    EXPECT_FALSE(countSegment(contacts_, "t1", &f, &n, &detail)) << detail;
    return n;
  }

  TempDir dir_;
  std::unique_ptr<store::SqliteStore> db_ = store::SqliteStore::open(dir_.file("g.db"));
  store::SqliteContactStore contacts_{db_->database()};
};

TEST_F(SegmentCountTest, EvaluatesInTheDatabase) {
  const auto de_nl_tr = all({cond("location.country", Op::OPERATOR_IN, {"DE", "NL"}),
                             cond("language", Op::OPERATOR_EQUALS, {"tr"})});
  EXPECT_EQ(count(de_nl_tr).total, 3);
  EXPECT_EQ(count(de_nl_tr).reachable, 2);  // one opted out
  EXPECT_EQ(count(cond("custom.skills", Op::OPERATOR_HAS, {"nurse"})).total, 2);
  EXPECT_EQ(count(cond("groups", Op::OPERATOR_HAS, {"nurses"})).total, 2);
  EXPECT_EQ(count(cond("groups", Op::OPERATOR_NOT_IN, {"nurses"})).total, 3);
  EXPECT_EQ(count(cond("custom.generation", Op::OPERATOR_GREATER, {"1.5"})).total, 2);
  EXPECT_EQ(count(cond("custom.generation", Op::OPERATOR_EXISTS)).total, 3);
  EXPECT_EQ(count(cond("language", Op::OPERATOR_NOT_EQUALS, {"tr"})).total, 2);  // incl. none
  EXPECT_EQ(count(cond("language", Op::OPERATOR_EXISTS)).total, 4);
  EXPECT_EQ(count(cond("status", Op::OPERATOR_EQUALS, {"opted_out"})).total, 1);
  EXPECT_EQ(count(any({cond("country", Op::OPERATOR_EQUALS, {"FR"}),
                       negate(cond("custom.skills", Op::OPERATOR_EXISTS))}))
                .total,
            2);
  liaison::v1::Filter everyone;
  everyone.mutable_all();  // an empty AND is true
  EXPECT_EQ(count(everyone).total, 5);
  store::SegmentCount n;
  ASSERT_FALSE(countSegment(contacts_, "t1", nullptr, &n, nullptr));
  EXPECT_EQ(n.total, 5);
}

TEST_F(SegmentCountTest, SavedSegmentsCountLive) {
  store::SqliteSegmentStore segments(db_->database());
  std::int64_t id = 0;
  std::string detail;
  ASSERT_FALSE(saveSegment(segments, contacts_.dialect(), "t1", "nurses",
                           cond("custom.skills", Op::OPERATOR_HAS, {"nurse"}), 1, &id, &detail));
  EXPECT_EQ(saveSegment(segments, contacts_.dialect(), "t1", "broken",
                        cond("nope", Op::OPERATOR_EXISTS), 1, &id, &detail),
            FilterErrc::UnknownField);
  store::SegmentCount n;
  ASSERT_FALSE(countSavedSegment(segments, contacts_, "t1", 1, &n, &detail));
  EXPECT_EQ(n.total, 2);
  add("+4915112345606", "tr", "DE", {}, {{"skills", "nurse"}});
  ASSERT_FALSE(countSavedSegment(segments, contacts_, "t1", 1, &n, &detail));
  EXPECT_EQ(n.total, 3);
}

}  // namespace
}  // namespace liaison::gateway::outreach
