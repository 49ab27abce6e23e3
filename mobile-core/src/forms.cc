// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Form and submission checks.
#include "forms.h"

#include <cmath>
#include <map>
#include <set>
#include <string>

namespace liaison::mobile {

namespace {

using sync::Status;

bool isChoiceType(pb::FieldType t) {
  return t == pb::FIELD_TYPE_SINGLE_CHOICE || t == pb::FIELD_TYPE_MULTIPLE_CHOICE;
}

Status fieldError(std::string_view rule, const std::string& field_id) {
  std::string msg(rule);
  msg += " (field '";
  msg += field_id;
  msg += "')";
  return Status::InvalidArgument(msg);
}

// The value case a field type takes.
pb::FieldValue::ValueCase expectedCase(pb::FieldType t) {
  switch (t) {
    case pb::FIELD_TYPE_TEXT: return pb::FieldValue::kText;
    case pb::FIELD_TYPE_NUMBER: return pb::FieldValue::kNumber;
    case pb::FIELD_TYPE_SINGLE_CHOICE: return pb::FieldValue::kChoiceId;
    case pb::FIELD_TYPE_MULTIPLE_CHOICE: return pb::FieldValue::kChoiceIds;
    case pb::FIELD_TYPE_DATE: return pb::FieldValue::kDate;
    case pb::FIELD_TYPE_PHONE_NUMBER: return pb::FieldValue::kPhoneE164;
    case pb::FIELD_TYPE_COARSE_LOCATION: return pb::FieldValue::kLocation;
    default: return pb::FieldValue::VALUE_NOT_SET;
  }
}

const pb::FieldValue* valueOf(const pb::Submission& s, const std::string& field_id) {
  for (const pb::FieldValue& v : s.values()) {
    if (v.field_id() == field_id) return &v;
  }
  return nullptr;
}

// UTF-8 code points (continuation bytes are not counted).
std::size_t codePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool isBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool hasChoice(const pb::FormField& f, const std::string& id) {
  for (const pb::FormChoice& c : f.choices()) {
    if (c.id() == id) return true;
  }
  return false;
}

// Final-mode constraints on one present value of a shown field.
Status checkValue(const pb::FormField& f, const pb::FieldValue& v) {
  switch (f.type()) {
    case pb::FIELD_TYPE_TEXT:
      if (f.required() && isBlank(v.text())) return fieldError("required text is blank", f.id());
      if (f.max_chars() > 0 && codePoints(v.text()) > static_cast<std::size_t>(f.max_chars())) {
        return fieldError("text is longer than max_chars", f.id());
      }
      return Status::OK();
    case pb::FIELD_TYPE_NUMBER:
      if (!std::isfinite(v.number())) return fieldError("number is not finite", f.id());
      if ((f.min() != 0 || f.max() != 0) && (v.number() < f.min() || v.number() > f.max())) {
        return fieldError("number is out of range", f.id());
      }
      return Status::OK();
    case pb::FIELD_TYPE_SINGLE_CHOICE:
      if (!hasChoice(f, v.choice_id())) return fieldError("unknown choice", f.id());
      return Status::OK();
    case pb::FIELD_TYPE_MULTIPLE_CHOICE: {
      std::set<std::string> seen;
      for (const std::string& id : v.choice_ids().values()) {
        if (!hasChoice(f, id)) return fieldError("unknown choice", f.id());
        if (!seen.insert(id).second) return fieldError("choice selected twice", f.id());
      }
      if (f.required() && seen.empty()) return fieldError("required choice is empty", f.id());
      return Status::OK();
    }
    case pb::FIELD_TYPE_DATE:
      if (!isIsoDate(v.date())) return fieldError("not a calendar date YYYY-MM-DD", f.id());
      return Status::OK();
    case pb::FIELD_TYPE_PHONE_NUMBER:
      if (!isE164(v.phone_e164())) return fieldError("not an E.164 phone number", f.id());
      return Status::OK();
    case pb::FIELD_TYPE_COARSE_LOCATION: {
      const std::string& c = v.location().country();
      if (c.size() != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z') {
        return fieldError("location country is not ISO 3166-1 alpha-2", f.id());
      }
      return Status::OK();
    }
    default: return fieldError("field type unspecified", f.id());
  }
}

}  // namespace

bool isE164(std::string_view n) {
  if (n.size() < 8 || n.size() > 16 || n[0] != '+' || n[1] == '0') return false;
  for (std::size_t i = 1; i < n.size(); ++i) {
    if (n[i] < '0' || n[i] > '9') return false;
  }
  return true;
}

bool isIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int y = std::stoi(std::string(d.substr(0, 4)));
  const int m = std::stoi(std::string(d.substr(5, 2)));
  const int day = std::stoi(std::string(d.substr(8, 2)));
  if (y < 1000 || m < 1 || m > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

Status validateForm(const pb::Form& form) {
  if (form.id().empty()) return Status::InvalidArgument("form: id missing");
  if (form.version() <= 0) return Status::InvalidArgument("form: version must be positive");
  if (form.fields().empty()) return Status::InvalidArgument("form: no fields");
  std::map<std::string, pb::FieldType> earlier;
  for (const pb::FormField& f : form.fields()) {
    if (f.id().empty()) return Status::InvalidArgument("form: a field has no id");
    if (earlier.count(f.id())) return fieldError("form: field id repeated", f.id());
    if (expectedCase(f.type()) == pb::FieldValue::VALUE_NOT_SET) {
      return fieldError("form: field type unspecified", f.id());
    }
    if (isChoiceType(f.type())) {
      if (f.choices().empty()) return fieldError("form: choice field without choices", f.id());
      std::set<std::string> ids;
      for (const pb::FormChoice& c : f.choices()) {
        if (c.id().empty() || !ids.insert(c.id()).second) {
          return fieldError("form: choice ids must be non-empty and unique", f.id());
        }
      }
    } else if (!f.choices().empty()) {
      return fieldError("form: choices on a field that is not a choice", f.id());
    }
    if (!(f.min() <= f.max())) return fieldError("form: min is greater than max", f.id());
    if (f.max_chars() < 0) return fieldError("form: max_chars is negative", f.id());
    if (f.has_show_if()) {
      auto it = earlier.find(f.show_if().field_id());
      if (it == earlier.end()) {
        return fieldError("form: show_if must name an earlier field", f.id());
      }
      if (!isChoiceType(it->second) && it->second != pb::FIELD_TYPE_TEXT) {
        return fieldError("form: show_if must name a choice or text field", f.id());
      }
      if (f.show_if().equals_any().empty()) {
        return fieldError("form: show_if lists no values", f.id());
      }
    }
    earlier.emplace(f.id(), f.type());
  }
  return Status::OK();
}

bool isFieldShown(const pb::Form& form, const pb::FormField& field,
                  const pb::Submission& submission) {
  if (!field.has_show_if()) return true;
  const pb::FormField* parent = nullptr;
  for (const pb::FormField& f : form.fields()) {
    if (f.id() == field.show_if().field_id()) parent = &f;
  }
  // validateForm guarantees the parent exists and comes earlier, so this recursion ends.
  if (parent == nullptr || !isFieldShown(form, *parent, submission)) return false;
  const pb::FieldValue* v = valueOf(submission, parent->id());
  if (v == nullptr) return false;
  auto listed = [&](const std::string& s) {
    for (const std::string& want : field.show_if().equals_any()) {
      if (want == s) return true;
    }
    return false;
  };
  switch (v->value_case()) {
    case pb::FieldValue::kChoiceId: return listed(v->choice_id());
    case pb::FieldValue::kText: return listed(v->text());
    case pb::FieldValue::kChoiceIds:
      for (const std::string& id : v->choice_ids().values()) {
        if (listed(id)) return true;
      }
      return false;
    default: return false;
  }
}

Status checkSubmission(const pb::Form& form, const pb::Submission& submission, CheckMode mode) {
  if (submission.form_id() != form.id() || submission.form_version() != form.version()) {
    return Status::InvalidArgument("submission: names another form or version");
  }
  std::map<std::string, const pb::FormField*> fields;
  for (const pb::FormField& f : form.fields()) fields.emplace(f.id(), &f);
  std::set<std::string> seen;
  for (const pb::FieldValue& v : submission.values()) {
    auto it = fields.find(v.field_id());
    if (it == fields.end()) {
      // Not a field of the form: the id is the app's text, not schema, so it is not echoed.
      return Status::InvalidArgument("submission: value for a field the form does not have");
    }
    if (!seen.insert(v.field_id()).second) {
      return fieldError("submission: field has two values", v.field_id());
    }
    if (v.value_case() != expectedCase(it->second->type())) {
      return fieldError("submission: value has the wrong type", v.field_id());
    }
  }
  if (mode == CheckMode::Draft) return Status::OK();
  for (const pb::FormField& f : form.fields()) {
    const pb::FieldValue* v = valueOf(submission, f.id());
    if (!isFieldShown(form, f, submission)) {
      if (v != nullptr) return fieldError("submission: value for a hidden field", f.id());
      continue;
    }
    if (v == nullptr) {
      if (f.required()) return fieldError("submission: required field missing", f.id());
      continue;
    }
    if (auto st = checkValue(f, *v); !st.ok()) return st;
  }
  return Status::OK();
}

}  // namespace liaison::mobile
