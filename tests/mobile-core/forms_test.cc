// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Form definitions and submission checks, as tables over the sample household form.
#include "forms.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "store_fixture.h"

namespace liaison::mobile {
namespace {

using testing::sampleForm;
using testing::sampleSubmission;

pb::FieldValue* valueFor(pb::Submission* s, const std::string& id) {
  for (pb::FieldValue& v : *s->mutable_values()) {
    if (v.field_id() == id) return &v;
  }
  return nullptr;
}

void removeValue(pb::Submission* s, const std::string& id) {
  auto* values = s->mutable_values();
  for (int i = 0; i < values->size(); ++i) {
    if (values->Get(i).field_id() == id) {
      values->DeleteSubrange(i, 1);
      return;
    }
  }
}

TEST(Forms, SampleFormIsValid) { EXPECT_TRUE(validateForm(sampleForm()).ok()); }

struct FormCase {
  const char* label;
  std::function<void(pb::Form*)> edit;
};

TEST(Forms, InvalidDefinitionsAreRefused) {
  const FormCase cases[] = {
      {"no id", [](pb::Form* f) { f->clear_id(); }},
      {"version 0", [](pb::Form* f) { f->set_version(0); }},
      {"no fields", [](pb::Form* f) { f->clear_fields(); }},
      {"empty field id", [](pb::Form* f) { f->mutable_fields(1)->clear_id(); }},
      {"repeated field id", [](pb::Form* f) { f->mutable_fields(1)->set_id("name"); }},
      {"type unspecified",
       [](pb::Form* f) { f->mutable_fields(0)->set_type(pb::FIELD_TYPE_UNSPECIFIED); }},
      {"choice field without choices", [](pb::Form* f) { f->mutable_fields(2)->clear_choices(); }},
      {"repeated choice id",
       [](pb::Form* f) { f->mutable_fields(2)->mutable_choices(1)->set_id("employed"); }},
      {"choices on text", [](pb::Form* f) { f->mutable_fields(0)->add_choices()->set_id("x"); }},
      {"min > max", [](pb::Form* f) { f->mutable_fields(1)->set_min(30); }},
      {"negative max_chars", [](pb::Form* f) { f->mutable_fields(0)->set_max_chars(-1); }},
      {"show_if names a later field",
       [](pb::Form* f) { f->mutable_fields(3)->mutable_show_if()->set_field_id("languages"); }},
      {"show_if names itself",
       [](pb::Form* f) { f->mutable_fields(3)->mutable_show_if()->set_field_id("employer"); }},
      {"show_if names a number",
       [](pb::Form* f) { f->mutable_fields(3)->mutable_show_if()->set_field_id("size"); }},
      {"show_if without values",
       [](pb::Form* f) { f->mutable_fields(3)->mutable_show_if()->clear_equals_any(); }},
  };
  for (const FormCase& c : cases) {
    pb::Form f = sampleForm();
    c.edit(&f);
    EXPECT_TRUE(validateForm(f).IsInvalidArgument()) << c.label;
  }
}

TEST(Forms, SampleSubmissionPassesBothModes) {
  EXPECT_TRUE(checkSubmission(sampleForm(), sampleSubmission(), CheckMode::Final).ok());
  EXPECT_TRUE(checkSubmission(sampleForm(), sampleSubmission(), CheckMode::Draft).ok());
}

struct SubmissionCase {
  const char* label;
  std::function<void(pb::Submission*)> edit;
  bool draft_ok;  // drafts check shape only
};

TEST(Forms, FinalisedSubmissionsAreCheckedAgainstEveryRule) {
  const SubmissionCase cases[] = {
      {"required text missing", [](pb::Submission* s) { removeValue(s, "name"); }, true},
      {"required text blank", [](pb::Submission* s) { valueFor(s, "name")->set_text("  "); }, true},
      {"text over max_chars",
       [](pb::Submission* s) { valueFor(s, "name")->set_text(std::string(41, 'a')); }, true},
      {"number below min", [](pb::Submission* s) { valueFor(s, "size")->set_number(0); }, true},
      {"number above max", [](pb::Submission* s) { valueFor(s, "size")->set_number(21); }, true},
      {"number NaN", [](pb::Submission* s) { valueFor(s, "size")->set_number(NAN); }, true},
      {"unknown choice", [](pb::Submission* s) { valueFor(s, "work")->set_choice_id("x"); }, true},
      {"multiple choice unknown",
       [](pb::Submission* s) { valueFor(s, "languages")->mutable_choice_ids()->add_values("fr"); },
       true},
      {"multiple choice twice",
       [](pb::Submission* s) { valueFor(s, "languages")->mutable_choice_ids()->add_values("tr"); },
       true},
      {"date not a date", [](pb::Submission* s) { valueFor(s, "arrived")->set_date("2019-02-29"); },
       true},
      {"date wrong shape",
       [](pb::Submission* s) { valueFor(s, "arrived")->set_date("28.02.2019"); }, true},
      {"phone not E.164",
       [](pb::Submission* s) { valueFor(s, "phone")->set_phone_e164("0151 1234567"); }, true},
      {"location without country",
       [](pb::Submission* s) { valueFor(s, "place")->mutable_location()->clear_country(); }, true},
      {"shown required field missing", [](pb::Submission* s) { removeValue(s, "employer"); }, true},
      {"hidden field has a value",
       [](pb::Submission* s) { valueFor(s, "work")->set_choice_id("seeking"); }, true},
      {"unknown field",
       [](pb::Submission* s) {
         pb::FieldValue* v = s->add_values();
         v->set_field_id("nope");
         v->set_text("x");
       },
       false},
      {"field twice",
       [](pb::Submission* s) {
         pb::FieldValue* v = s->add_values();
         v->set_field_id("size");
         v->set_number(3);
       },
       false},
      {"wrong value type", [](pb::Submission* s) { valueFor(s, "size")->set_text("four"); }, false},
      {"value unset", [](pb::Submission* s) { valueFor(s, "size")->clear_value(); }, false},
      {"other form version", [](pb::Submission* s) { s->set_form_version(2); }, false},
  };
  for (const SubmissionCase& c : cases) {
    pb::Submission s = sampleSubmission();
    c.edit(&s);
    EXPECT_TRUE(checkSubmission(sampleForm(), s, CheckMode::Final).IsInvalidArgument()) << c.label;
    EXPECT_EQ(checkSubmission(sampleForm(), s, CheckMode::Draft).ok(), c.draft_ok) << c.label;
  }
}

TEST(Forms, ShowIfHidesAndShows) {
  const pb::Form form = sampleForm();
  const pb::FormField& employer = form.fields(3);
  pb::Submission s = sampleSubmission();
  EXPECT_TRUE(isFieldShown(form, employer, s));
  valueFor(&s, "work")->set_choice_id("seeking");
  EXPECT_FALSE(isFieldShown(form, employer, s));
  removeValue(&s, "employer");
  EXPECT_TRUE(checkSubmission(form, s, CheckMode::Final).ok());  // hidden required: not needed
  removeValue(&s, "work");
  EXPECT_FALSE(isFieldShown(form, employer, s));
}

TEST(Forms, ShowIfChainsAndMultipleChoice) {
  pb::Form form = sampleForm();
  // "dialect" shows when Kurdish is among the languages; "region" shows when dialect is shown
  // and says "kurmanji".
  pb::FormField* dialect = form.add_fields();
  dialect->set_id("dialect");
  dialect->set_type(pb::FIELD_TYPE_TEXT);
  dialect->mutable_show_if()->set_field_id("languages");
  dialect->mutable_show_if()->add_equals_any("ku");
  pb::FormField* region = form.add_fields();
  region->set_id("region");
  region->set_type(pb::FIELD_TYPE_TEXT);
  region->set_required(true);
  region->mutable_show_if()->set_field_id("dialect");
  region->mutable_show_if()->add_equals_any("kurmanji");
  ASSERT_TRUE(validateForm(form).ok());

  pb::Submission s = sampleSubmission();
  EXPECT_FALSE(isFieldShown(form, *dialect, s));
  valueFor(&s, "languages")->mutable_choice_ids()->add_values("ku");
  EXPECT_TRUE(isFieldShown(form, *dialect, s));
  pb::FieldValue* d = s.add_values();
  d->set_field_id("dialect");
  d->set_text("kurmanji");
  EXPECT_TRUE(isFieldShown(form, *region, s));
  EXPECT_TRUE(checkSubmission(form, s, CheckMode::Final).IsInvalidArgument());  // region needed
  pb::FieldValue* r = s.add_values();
  r->set_field_id("region");
  r->set_text("Serhat");
  EXPECT_TRUE(checkSubmission(form, s, CheckMode::Final).ok());
  // Hiding the parent hides the chain, and then the chain's values are refused.
  valueFor(&s, "languages")->mutable_choice_ids()->clear_values();
  EXPECT_FALSE(isFieldShown(form, *region, s));
  EXPECT_TRUE(checkSubmission(form, s, CheckMode::Final).IsInvalidArgument());
}

TEST(Forms, OptionalFieldsMayBeLeftOut) {
  pb::Submission s = sampleSubmission();
  for (const char* id : {"languages", "arrived", "phone", "place"}) removeValue(&s, id);
  EXPECT_TRUE(checkSubmission(sampleForm(), s, CheckMode::Final).ok());
}

TEST(Forms, MessagesNeverEchoValues) {
  pb::Submission s = sampleSubmission();
  valueFor(&s, "phone")->set_phone_e164("+49-secret-77");
  const sync::Status st = checkSubmission(sampleForm(), s, CheckMode::Final);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().find("secret"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("phone"), std::string::npos) << st.message();  // the field id
}

TEST(Forms, PhoneNumbersAndDates) {
  EXPECT_TRUE(isE164("+4915112345678"));
  EXPECT_TRUE(isE164("+6831234"));
  EXPECT_FALSE(isE164("+683123"));
  EXPECT_FALSE(isE164("+0151123456"));
  EXPECT_FALSE(isE164("4915112345678"));
  EXPECT_FALSE(isE164("+49151123456789012"));
  EXPECT_FALSE(isE164("+49 151 1234567"));
  EXPECT_TRUE(isIsoDate("2024-02-29"));
  EXPECT_TRUE(isIsoDate("2000-02-29"));
  EXPECT_FALSE(isIsoDate("1900-02-29"));
  EXPECT_FALSE(isIsoDate("2023-02-29"));
  EXPECT_FALSE(isIsoDate("2023-04-31"));
  EXPECT_FALSE(isIsoDate("2023-13-01"));
  EXPECT_FALSE(isIsoDate("2023-1-01"));
  EXPECT_FALSE(isIsoDate("0999-01-01"));
}

}  // namespace
}  // namespace liaison::mobile
