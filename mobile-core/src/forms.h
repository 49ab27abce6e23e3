// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Forms and the submissions filled with them, checked as pure functions (no storage, no
// clock): a form definition as it arrives by sync, a draft as it is saved, and a submission
// as it is finalised. Every failure is InvalidArgument with a message naming the rule and the
// field id (form ids and field ids are schema, not personal data); values are never echoed.
#pragma once

#include <string_view>

#include "liaison/sync/status.h"
#include "protos.h"

namespace liaison::mobile {

// A form the core can fill and check. Rules: id and version > 0 set; field ids non-empty and
// unique; every type specified; choice fields have choices with unique non-empty ids, other
// fields none; min <= max; max_chars >= 0; a show_if names an EARLIER choice or text field
// (so conditions cannot form a cycle) and lists at least one value.
sync::Status validateForm(const pb::Form& form);

// Whether `field` is shown, given the values filled so far. A field without show_if is shown;
// one with show_if is shown when the field it names is shown and has one of the listed
// values (for a multiple choice: any selected choice is listed). `form` must be valid.
bool isFieldShown(const pb::Form& form, const pb::FormField& field,
                  const pb::Submission& submission);

enum class CheckMode {
  Draft,  // shape only: every value names a field of the form, with the right kind of value
  Final,  // everything: required fields, constraints, show-if (no values for hidden fields)
};

// Checks `submission`'s values against `form` (which must be valid, and the one the
// submission names). Final mode rules, per shown field:
//   text: non-empty after trimming when required, at most max_chars code points when set;
//   number: finite, within [min, max] when either is non-zero;
//   single choice: one of the field's choice ids; multiple choice: unique listed ids, at
//   least one when required; date: a real calendar date YYYY-MM-DD; phone number: E.164
//   (+, 7 to 15 digits, no leading 0); coarse location: country is two capital letters.
// A required shown field must have a value; a hidden field must not. Each field at most once.
sync::Status checkSubmission(const pb::Form& form, const pb::Submission& submission,
                             CheckMode mode);

// E.164: '+' then 7 to 15 digits, the first not 0. Used for members' numbers too.
bool isE164(std::string_view number);

// A real calendar date in the form YYYY-MM-DD (years 1000-9999, leap years counted).
bool isIsoDate(std::string_view date);

}  // namespace liaison::mobile
