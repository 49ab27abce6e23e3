// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The REST API (rest_api.h): the JSON mapping of campaign definitions and filters
// (proto_json.h), the API's own store queries (api_store.h), the handlers and their route
// table, and the OpenAPI document generated from that table.
//
// Handler shape: check the path ids against the caller's tenant first (404), then read and
// validate the body (400 / 415 / 422), then act; every store call runs under the store mutex.
#include "api/rest_api.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "api/api_store.h"
#include "api/campaign_events.h"
#include "api/proto_json.h"
#include "liaison/sync/uuid.h"
#include "outreach/contact_export.h"
#include "outreach/contact_import.h"
#include "outreach/csv.h"
#include "outreach/message_intake.h"
#include "outreach/normalize.h"
#include "outreach/results.h"
#include "outreach/segment_filter.h"
#include "sms/phone_number.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"
#include "store/sqlite_results_store.h"
#include "util/log.h"

namespace liaison::gateway::api {

using nlohmann::json;
namespace v1 = liaison::v1;

// =============================================================================================
// proto_json.h
// =============================================================================================

namespace {

// Reads JSON into messages, recording the first error as "path: reason".
class ProtoReader {
 public:
  explicit ProtoReader(std::string* error) : error_(error) { error_->clear(); }

  bool fail(const std::string& path, std::string_view why) {
    if (error_->empty())
      *error_ = (path.empty() ? std::string("body") : path) + ": " + std::string(why);
    return false;
  }

  // `j` must be an object whose keys are all in `known` or `ignored`.
  bool object(const json& j, const std::string& path, std::initializer_list<std::string_view> known,
              std::initializer_list<std::string_view> ignored = {}) {
    if (!j.is_object()) return fail(path, "not an object");
    for (const auto& [key, value] : j.items()) {
      const bool ok = std::find(known.begin(), known.end(), key) != known.end() ||
                      std::find(ignored.begin(), ignored.end(), key) != ignored.end();
      if (!ok) return fail(join(path, printableKey(key)), "unknown field");
    }
    return true;
  }

  // The member `key` of `j` when present and not null.
  static const json* member(const json& j, std::string_view key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return nullptr;
    return &*it;
  }

  bool string(const json& j, std::string_view key, const std::string& path, std::string* out) {
    const json* v = member(j, key);
    if (v == nullptr) return true;
    if (!v->is_string()) return fail(join(path, key), "not a string");
    *out = v->get<std::string>();
    return true;
  }

  bool number(const json& j, std::string_view key, const std::string& path, double* out) {
    const json* v = member(j, key);
    if (v == nullptr) return true;
    if (!v->is_number()) return fail(join(path, key), "not a number");
    *out = v->get<double>();
    return true;
  }

  bool integer(const json& j, std::string_view key, const std::string& path, std::int32_t* out) {
    const json* v = member(j, key);
    if (v == nullptr) return true;
    if (!v->is_number_integer()) return fail(join(path, key), "not an integer");
    const auto n = v->get<std::int64_t>();
    if (n < INT32_MIN || n > INT32_MAX) return fail(join(path, key), "out of range");
    *out = static_cast<std::int32_t>(n);
    return true;
  }

  bool boolean(const json& j, std::string_view key, const std::string& path, bool* out) {
    const json* v = member(j, key);
    if (v == nullptr) return true;
    if (!v->is_boolean()) return fail(join(path, key), "not true or false");
    *out = v->get<bool>();
    return true;
  }

  // An array member; calls fn(element, element_path) for each.
  template <class F>
  bool array(const json& j, std::string_view key, const std::string& path, F&& fn) {
    const json* v = member(j, key);
    if (v == nullptr) return true;
    const std::string at = join(path, key);
    if (!v->is_array()) return fail(at, "not an array");
    for (std::size_t i = 0; i < v->size(); ++i) {
      if (!fn((*v)[i], at + "[" + std::to_string(i) + "]")) return false;
    }
    return true;
  }

  // An enum by name (full or without `prefix`) or number, checked with `valid`.
  template <class E, class ParseFn, class ValidFn>
  bool enumeration(const json& j, std::string_view key, const std::string& path,
                   std::string_view prefix, ParseFn parse, ValidFn valid, E* out) {
    const json* v = member(j, key);
    if (v == nullptr) return true;
    const std::string at = join(path, key);
    if (v->is_number_integer()) {
      const auto n = v->get<std::int64_t>();
      if (n < 0 || n > INT32_MAX || !valid(static_cast<int>(n))) return fail(at, "unknown value");
      *out = static_cast<E>(n);
      return true;
    }
    if (!v->is_string()) return fail(at, "not an enum name");
    std::string name = v->get<std::string>();
    for (char& c : name) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    E parsed{};
    if (parse(name, &parsed) || parse(std::string(prefix) + name, &parsed)) {
      *out = parsed;
      return true;
    }
    return fail(at, "unknown value");
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

 private:
  // A key as it may appear in an error: short identifiers only (keys come from the client).
  static std::string printableKey(const std::string& key) {
    const bool plain =
        !key.empty() && key.size() <= 40 && std::all_of(key.begin(), key.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_';
        });
    return plain ? key : std::string("(field)");
  }

  std::string* error_;
};

bool parseDuration(const json& v, std::int64_t* seconds) {
  if (v.is_number_integer()) {
    *seconds = v.get<std::int64_t>();
    return true;
  }
  if (!v.is_string()) return false;
  std::string s = v.get<std::string>();
  if (s.size() < 2 || s.back() != 's') return false;
  s.pop_back();
  double d = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, d, std::chars_format::fixed);
  if (ec != std::errc() || p != end || !std::isfinite(d) || std::fabs(d) > 1e12) return false;
  *seconds = static_cast<std::int64_t>(std::llround(d));
  return true;
}

bool readDuration(ProtoReader& r, const json& j, std::string_view key, const std::string& path,
                  v1::Duration* out) {
  const json* v = ProtoReader::member(j, key);
  if (v == nullptr) return true;
  std::int64_t s = 0;
  if (!parseDuration(*v, &s))
    return r.fail(ProtoReader::join(path, key), "not a duration (\"3600s\")");
  out->set_seconds(s);
  out->set_nanos(0);
  return true;
}

bool readTimestamp(ProtoReader& r, const json& j, std::string_view key, const std::string& path,
                   v1::Timestamp* out) {
  const json* v = ProtoReader::member(j, key);
  if (v == nullptr) return true;
  std::int64_t t = 0;
  if (!v->is_string() || !outreach::parseIsoTime(v->get<std::string>(), &t)) {
    return r.fail(ProtoReader::join(path, key), "not an RFC 3339 time");
  }
  out->set_seconds(t);
  out->set_nanos(0);
  return true;
}

bool readLocalizedText(ProtoReader& r, const json& j, std::string_view key, const std::string& path,
                       v1::LocalizedText* out) {
  const json* v = ProtoReader::member(j, key);
  if (v == nullptr) return true;
  const std::string at = ProtoReader::join(path, key);
  if (!r.object(*v, at, {"translations"})) return false;
  return r.array(*v, "translations", at, [&](const json& e, const std::string& p) {
    if (!r.object(e, p, {"language", "text"})) return false;
    v1::Translation* t = out->add_translations();
    return r.string(e, "language", p, t->mutable_language()) &&
           r.string(e, "text", p, t->mutable_text());
  });
}

bool readWords(ProtoReader& r, const json& j, std::string_view key, const std::string& path,
               google::protobuf::RepeatedPtrField<v1::LocalizedWords>* out) {
  return r.array(j, key, path, [&](const json& e, const std::string& p) {
    if (!r.object(e, p, {"language", "words"})) return false;
    v1::LocalizedWords* w = out->Add();
    if (!r.string(e, "language", p, w->mutable_language())) return false;
    return r.array(e, "words", p, [&](const json& word, const std::string& wp) {
      if (!word.is_string()) return r.fail(wp, "not a string");
      w->add_words(word.get<std::string>());
      return true;
    });
  });
}

bool readLocalTime(ProtoReader& r, const json& j, std::string_view key, const std::string& path,
                   v1::LocalTime* out) {
  const json* v = ProtoReader::member(j, key);
  if (v == nullptr) return true;
  const std::string at = ProtoReader::join(path, key);
  if (!r.object(*v, at, {"hour", "minute"})) return false;
  std::int32_t hour = 0, minute = 0;
  if (!r.integer(*v, "hour", at, &hour) || !r.integer(*v, "minute", at, &minute)) return false;
  out->set_hour(hour);
  out->set_minute(minute);
  return true;
}

bool readQuestion(ProtoReader& r, const json& j, const std::string& p, v1::Question* q) {
  if (!r.object(j, p,
                {"id", "prompt", "single_choice", "yes_no", "number", "free_text", "branches",
                 "next_question_id", "reask_prompt", "max_reasks"})) {
    return false;
  }
  if (!r.string(j, "id", p, q->mutable_id())) return false;
  if (!readLocalizedText(r, j, "prompt", p, q->mutable_prompt())) return false;
  int kinds = 0;
  for (const char* k : {"single_choice", "yes_no", "number", "free_text"}) {
    kinds += ProtoReader::member(j, k) != nullptr;
  }
  if (kinds > 1) return r.fail(p, "more than one of single_choice, yes_no, number, free_text");
  if (const json* v = ProtoReader::member(j, "single_choice")) {
    const std::string at = p + ".single_choice";
    if (!r.object(*v, at, {"choices", "keys"})) return false;
    v1::SingleChoiceQuestion* sc = q->mutable_single_choice();
    if (!r.array(*v, "choices", at, [&](const json& e, const std::string& cp) {
          if (!r.object(e, cp, {"id", "label", "synonyms"})) return false;
          v1::Choice* c = sc->add_choices();
          return r.string(e, "id", cp, c->mutable_id()) &&
                 readLocalizedText(r, e, "label", cp, c->mutable_label()) &&
                 readWords(r, e, "synonyms", cp, c->mutable_synonyms());
        })) {
      return false;
    }
    v1::SingleChoiceQuestion::Keys keys = v1::SingleChoiceQuestion::KEYS_UNSPECIFIED;
    if (!r.enumeration(
            *v, "keys", at, "KEYS_",
            [](const std::string& n, v1::SingleChoiceQuestion::Keys* o) {
              return v1::SingleChoiceQuestion::Keys_Parse(n, o);
            },
            v1::SingleChoiceQuestion::Keys_IsValid, &keys)) {
      return false;
    }
    sc->set_keys(keys);
  }
  if (const json* v = ProtoReader::member(j, "yes_no")) {
    const std::string at = p + ".yes_no";
    if (!r.object(*v, at, {"yes_words", "no_words"})) return false;
    v1::YesNoQuestion* yn = q->mutable_yes_no();
    if (!readWords(r, *v, "yes_words", at, yn->mutable_yes_words()) ||
        !readWords(r, *v, "no_words", at, yn->mutable_no_words())) {
      return false;
    }
  }
  if (const json* v = ProtoReader::member(j, "number")) {
    const std::string at = p + ".number";
    if (!r.object(*v, at, {"min", "max", "integer_only"})) return false;
    v1::NumberQuestion* n = q->mutable_number();
    double lo = 0, hi = 0;
    bool integer_only = false;
    if (!r.number(*v, "min", at, &lo) || !r.number(*v, "max", at, &hi) ||
        !r.boolean(*v, "integer_only", at, &integer_only)) {
      return false;
    }
    n->set_min(lo);
    n->set_max(hi);
    n->set_integer_only(integer_only);
  }
  if (const json* v = ProtoReader::member(j, "free_text")) {
    const std::string at = p + ".free_text";
    if (!r.object(*v, at, {"max_chars"})) return false;
    std::int32_t max_chars = 0;
    if (!r.integer(*v, "max_chars", at, &max_chars)) return false;
    q->mutable_free_text()->set_max_chars(max_chars);
  }
  if (!r.array(j, "branches", p, [&](const json& e, const std::string& bp) {
        if (!r.object(e, bp, {"choice_id", "yes", "in_range", "goto_question_id"})) return false;
        v1::BranchRule* b = q->add_branches();
        int whens = 0;
        for (const char* k : {"choice_id", "yes", "in_range"}) {
          whens += ProtoReader::member(e, k) != nullptr;
        }
        if (whens > 1) return r.fail(bp, "more than one of choice_id, yes, in_range");
        if (ProtoReader::member(e, "choice_id") != nullptr) {
          if (!r.string(e, "choice_id", bp, b->mutable_choice_id())) return false;
        }
        if (ProtoReader::member(e, "yes") != nullptr) {
          bool yes = false;
          if (!r.boolean(e, "yes", bp, &yes)) return false;
          b->set_yes(yes);
        }
        if (const json* range = ProtoReader::member(e, "in_range")) {
          const std::string at = bp + ".in_range";
          if (!r.object(*range, at, {"min", "max"})) return false;
          double lo = 0, hi = 0;
          if (!r.number(*range, "min", at, &lo) || !r.number(*range, "max", at, &hi)) return false;
          b->mutable_in_range()->set_min(lo);
          b->mutable_in_range()->set_max(hi);
        }
        return r.string(e, "goto_question_id", bp, b->mutable_goto_question_id());
      })) {
    return false;
  }
  std::int32_t max_reasks = 0;
  if (!r.string(j, "next_question_id", p, q->mutable_next_question_id()) ||
      !readLocalizedText(r, j, "reask_prompt", p, q->mutable_reask_prompt()) ||
      !r.integer(j, "max_reasks", p, &max_reasks)) {
    return false;
  }
  q->set_max_reasks(max_reasks);
  return true;
}

bool readFilter(ProtoReader& r, const json& j, const std::string& p, v1::Filter* f, int depth) {
  if (depth > 32) return r.fail(p, "nested too deeply");
  if (!r.object(j, p, {"condition", "all", "any", "negate"})) return false;
  int kinds = 0;
  for (const char* k : {"condition", "all", "any", "negate"}) {
    kinds += ProtoReader::member(j, k) != nullptr;
  }
  if (kinds != 1) return r.fail(p, "needs exactly one of condition, all, any, negate");
  if (const json* c = ProtoReader::member(j, "condition")) {
    const std::string at = ProtoReader::join(p, "condition");
    if (!r.object(*c, at, {"field", "op", "values"})) return false;
    v1::FieldCondition* fc = f->mutable_condition();
    v1::FieldCondition::Operator op = v1::FieldCondition::OPERATOR_UNSPECIFIED;
    if (!r.string(*c, "field", at, fc->mutable_field()) ||
        !r.enumeration(
            *c, "op", at, "OPERATOR_",
            [](const std::string& n, v1::FieldCondition::Operator* o) {
              return v1::FieldCondition::Operator_Parse(n, o);
            },
            v1::FieldCondition::Operator_IsValid, &op)) {
      return false;
    }
    fc->set_op(op);
    return r.array(*c, "values", at, [&](const json& e, const std::string& vp) {
      if (e.is_string()) {
        fc->add_values(e.get<std::string>());
      } else if (e.is_number()) {
        fc->add_values(e.dump());  // custom.* numbers: compared as numbers by the filter
      } else {
        return r.fail(vp, "not a string");
      }
      return true;
    });
  }
  for (const char* k : {"all", "any"}) {
    const json* c = ProtoReader::member(j, k);
    if (c == nullptr) continue;
    const std::string at = ProtoReader::join(p, k);
    if (!r.object(*c, at, {"filters"})) return false;
    v1::Filter::Conjunction* conj =
        std::string_view(k) == "all" ? f->mutable_all() : f->mutable_any();
    return r.array(*c, "filters", at, [&](const json& e, const std::string& ep) {
      return readFilter(r, e, ep, conj->add_filters(), depth + 1);
    });
  }
  const json* n = ProtoReader::member(j, "negate");
  return readFilter(r, *n, ProtoReader::join(p, "negate"), f->mutable_negate(), depth + 1);
}

// ---- Output

std::string durationText(const v1::Duration& d) { return std::to_string(d.seconds()) + "s"; }

json localizedTextJson(const v1::LocalizedText& t) {
  json translations = json::array();
  for (const v1::Translation& tr : t.translations()) {
    translations.push_back({{"language", tr.language()}, {"text", tr.text()}});
  }
  return {{"translations", std::move(translations)}};
}

json wordsJson(const google::protobuf::RepeatedPtrField<v1::LocalizedWords>& words) {
  json out = json::array();
  for (const v1::LocalizedWords& w : words) {
    out.push_back({{"language", w.language()},
                   {"words", std::vector<std::string>(w.words().begin(), w.words().end())}});
  }
  return out;
}

json localTimeJson(const v1::LocalTime& t) { return {{"hour", t.hour()}, {"minute", t.minute()}}; }

json questionJson(const v1::Question& q) {
  json out = json::object();
  out["id"] = q.id();
  if (q.has_prompt()) out["prompt"] = localizedTextJson(q.prompt());
  switch (q.kind_case()) {
    case v1::Question::kSingleChoice: {
      json choices = json::array();
      for (const v1::Choice& c : q.single_choice().choices()) {
        json choice = {{"id", c.id()}};
        if (c.has_label()) choice["label"] = localizedTextJson(c.label());
        if (c.synonyms_size() > 0) choice["synonyms"] = wordsJson(c.synonyms());
        choices.push_back(std::move(choice));
      }
      json sc = {{"choices", std::move(choices)}};
      if (q.single_choice().keys() != v1::SingleChoiceQuestion::KEYS_UNSPECIFIED) {
        sc["keys"] = v1::SingleChoiceQuestion::Keys_Name(q.single_choice().keys());
      }
      out["single_choice"] = std::move(sc);
      break;
    }
    case v1::Question::kYesNo: {
      json yn = json::object();
      if (q.yes_no().yes_words_size() > 0) yn["yes_words"] = wordsJson(q.yes_no().yes_words());
      if (q.yes_no().no_words_size() > 0) yn["no_words"] = wordsJson(q.yes_no().no_words());
      out["yes_no"] = std::move(yn);
      break;
    }
    case v1::Question::kNumber:
      out["number"] = {{"min", q.number().min()},
                       {"max", q.number().max()},
                       {"integer_only", q.number().integer_only()}};
      break;
    case v1::Question::kFreeText:
      out["free_text"] = {{"max_chars", q.free_text().max_chars()}};
      break;
    case v1::Question::KIND_NOT_SET: break;
  }
  if (q.branches_size() > 0) {
    json branches = json::array();
    for (const v1::BranchRule& b : q.branches()) {
      json rule = json::object();
      switch (b.when_case()) {
        case v1::BranchRule::kChoiceId: rule["choice_id"] = b.choice_id(); break;
        case v1::BranchRule::kYes: rule["yes"] = b.yes(); break;
        case v1::BranchRule::kInRange:
          rule["in_range"] = {{"min", b.in_range().min()}, {"max", b.in_range().max()}};
          break;
        case v1::BranchRule::WHEN_NOT_SET: break;
      }
      rule["goto_question_id"] = b.goto_question_id();
      branches.push_back(std::move(rule));
    }
    out["branches"] = std::move(branches);
  }
  if (!q.next_question_id().empty()) out["next_question_id"] = q.next_question_id();
  if (q.has_reask_prompt()) out["reask_prompt"] = localizedTextJson(q.reask_prompt());
  if (q.max_reasks() != 0) out["max_reasks"] = q.max_reasks();
  return out;
}

}  // namespace

bool campaignFromJson(const json& in, v1::Campaign* out, std::string* error) {
  ProtoReader r(error);
  out->Clear();
  const std::string p;
  if (!r.object(in, p,
                {"name", "segment_id", "fallback_language", "notice", "poll", "schedule",
                 "resend_policy"},
                {"id", "tenant_id", "state", "created_at", "updated_at", "kind", "messages",
                 "problems"})) {
    return false;
  }
  if (!r.string(in, "name", p, out->mutable_name())) return false;
  if (const json* seg = ProtoReader::member(in, "segment_id")) {
    if (seg->is_number_integer()) {
      out->set_segment_id(std::to_string(seg->get<std::int64_t>()));
    } else if (!r.string(in, "segment_id", p, out->mutable_segment_id())) {
      return false;
    }
  }
  if (!r.string(in, "fallback_language", p, out->mutable_fallback_language())) return false;
  const json* notice = ProtoReader::member(in, "notice");
  const json* poll = ProtoReader::member(in, "poll");
  if (notice != nullptr && poll != nullptr) return r.fail("content", "both notice and poll");
  if (notice != nullptr) {
    if (!r.object(*notice, "notice", {"body"})) return false;
    if (!readLocalizedText(r, *notice, "body", "notice", out->mutable_notice()->mutable_body())) {
      return false;
    }
  }
  if (poll != nullptr) {
    const std::string at = "poll";
    if (!r.object(*poll, at, {"questions", "intro", "closing", "session_expiry"})) return false;
    v1::Poll* pl = out->mutable_poll();
    if (!r.array(*poll, "questions", at, [&](const json& e, const std::string& qp) {
          return readQuestion(r, e, qp, pl->add_questions());
        })) {
      return false;
    }
    if (!readLocalizedText(r, *poll, "intro", at, pl->mutable_intro()) ||
        !readLocalizedText(r, *poll, "closing", at, pl->mutable_closing()) ||
        !readDuration(r, *poll, "session_expiry", at, pl->mutable_session_expiry())) {
      return false;
    }
    if (pl->intro().translations_size() == 0) pl->clear_intro();
    if (pl->closing().translations_size() == 0) pl->clear_closing();
  }
  if (const json* s = ProtoReader::member(in, "schedule")) {
    const std::string at = "schedule";
    if (!r.object(*s, at, {"start_at", "window", "spread", "validity"})) return false;
    v1::Schedule* sc = out->mutable_schedule();
    if (!readTimestamp(r, *s, "start_at", at, sc->mutable_start_at())) return false;
    if (const json* w = ProtoReader::member(*s, "window")) {
      const std::string wat = "schedule.window";
      if (!r.object(*w, wat, {"start", "end"})) return false;
      if (!readLocalTime(r, *w, "start", wat, sc->mutable_window()->mutable_start()) ||
          !readLocalTime(r, *w, "end", wat, sc->mutable_window()->mutable_end())) {
        return false;
      }
    }
    if (!readDuration(r, *s, "spread", at, sc->mutable_spread()) ||
        !readDuration(r, *s, "validity", at, sc->mutable_validity())) {
      return false;
    }
  }
  v1::ResendPolicy policy = v1::RESEND_POLICY_UNSPECIFIED;
  if (!r.enumeration(
          in, "resend_policy", p, "RESEND_POLICY_",
          [](const std::string& n, v1::ResendPolicy* o) { return v1::ResendPolicy_Parse(n, o); },
          v1::ResendPolicy_IsValid, &policy)) {
    return false;
  }
  out->set_resend_policy(policy);
  return true;
}

std::vector<std::string> campaignSaveProblems(const v1::Campaign& c) {
  std::vector<std::string> missing;
  if (c.name().empty()) missing.emplace_back("name: not set");
  if (c.name().size() > 200 || !outreach::isCleanUtf8(c.name())) {
    missing.emplace_back("name: at most 200 characters of text");
  }
  if (c.content_case() == v1::Campaign::CONTENT_NOT_SET) {
    missing.emplace_back("content: neither a notice nor a poll");
  }
  return missing;
}

json campaignToJson(const v1::Campaign& c) {
  json out = json::object();
  out["name"] = c.name();
  out["segment_id"] = c.segment_id();
  out["fallback_language"] = c.fallback_language();
  if (c.has_notice()) {
    out["notice"] = {{"body", localizedTextJson(c.notice().body())}};
  } else if (c.has_poll()) {
    const v1::Poll& p = c.poll();
    json questions = json::array();
    for (const v1::Question& q : p.questions()) questions.push_back(questionJson(q));
    json poll = {{"questions", std::move(questions)}};
    if (p.has_intro()) poll["intro"] = localizedTextJson(p.intro());
    if (p.has_closing()) poll["closing"] = localizedTextJson(p.closing());
    if (p.has_session_expiry()) poll["session_expiry"] = durationText(p.session_expiry());
    out["poll"] = std::move(poll);
  }
  if (c.has_schedule()) {
    const v1::Schedule& s = c.schedule();
    json schedule = json::object();
    if (s.has_start_at()) schedule["start_at"] = outreach::formatIsoTime(s.start_at().seconds());
    if (s.has_window()) {
      schedule["window"] = {{"start", localTimeJson(s.window().start())},
                            {"end", localTimeJson(s.window().end())}};
    }
    if (s.has_spread()) schedule["spread"] = durationText(s.spread());
    if (s.has_validity()) schedule["validity"] = durationText(s.validity());
    out["schedule"] = std::move(schedule);
  }
  if (c.resend_policy() != v1::RESEND_POLICY_UNSPECIFIED) {
    out["resend_policy"] = v1::ResendPolicy_Name(c.resend_policy());
  }
  return out;
}

bool filterFromJson(const json& in, v1::Filter* out, std::string* error) {
  ProtoReader r(error);
  out->Clear();
  return readFilter(r, in, "filter", out, 0);
}

json filterToJson(const v1::Filter& f) {
  switch (f.kind_case()) {
    case v1::Filter::kCondition: {
      const v1::FieldCondition& c = f.condition();
      return {{"condition",
               {{"field", c.field()},
                {"op", v1::FieldCondition::Operator_Name(c.op())},
                {"values", std::vector<std::string>(c.values().begin(), c.values().end())}}}};
    }
    case v1::Filter::kAll:
    case v1::Filter::kAny: {
      const v1::Filter::Conjunction& conj = f.has_all() ? f.all() : f.any();
      json filters = json::array();
      for (const v1::Filter& sub : conj.filters()) filters.push_back(filterToJson(sub));
      return {{f.has_all() ? "all" : "any", {{"filters", std::move(filters)}}}};
    }
    case v1::Filter::kNegate: return {{"negate", filterToJson(f.negate())}};
    case v1::Filter::KIND_NOT_SET: break;
  }
  return json::object();
}

// =============================================================================================
// api_store.h (SQLite)
// =============================================================================================

std::error_code SqliteApiStore::deleteContact(std::string_view tenant, std::int64_t id) {
  store::Transaction tx(db_);
  if (auto ec = tx.begin()) return ec;
  std::error_code ec;
  {
    auto s = db_.cached("DELETE FROM contacts WHERE tenant_id = ?1 AND id = ?2", &ec);
    if (ec) return ec;
    s->bind(1, tenant);
    s->bind(2, id);
    if ((ec = s->run())) return ec;
  }
  if (db_.changes() == 0) return store::StoreErrc::NotFound;
  {
    // Contact ids are unique across tenants (INTEGER PRIMARY KEY), so this touches only the
    // links of the contact just deleted.
    auto s = db_.cached("DELETE FROM campaign_recipients WHERE contact_id = ?1", &ec);
    if (ec) return ec;
    s->bind(1, id);
    if ((ec = s->run())) return ec;
  }
  return tx.commit();
}

std::error_code SqliteApiStore::campaignMessages(std::string_view tenant,
                                                 std::string_view campaign_id,
                                                 std::optional<store::OutboxState> state,
                                                 std::int64_t after_contact_id,
                                                 std::string_view after_step, int limit,
                                                 std::vector<store::OutboxMessage>* out) {
  out->clear();
  if (limit < 1) return store::StoreErrc::InvalidArgument;
  std::error_code ec;
  // The row-value comparison walks the UNIQUE (campaign_id, contact_id, step) index in order:
  // no sort, whatever the campaign's size.
  auto s = db_.cached(
      "SELECT id, tenant_id, campaign_id, contact_id, step, to_e164, body, language, encoding, "
      "segments, priority, resend_policy, time_zone, state, attempts, channel, not_before, "
      "expires_at, failure_code, created_at, updated_at FROM outbox "
      "WHERE campaign_id = ?2 AND (contact_id, step) > (?3, ?4) AND tenant_id = ?1 "
      "AND (?5 = 0 OR state = ?5) ORDER BY contact_id, step LIMIT ?6",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, campaign_id);
  s->bind(3, after_contact_id);
  s->bind(4, after_step);
  s->bind(5, static_cast<std::int64_t>(state ? static_cast<int>(*state) : 0));
  s->bind(6, static_cast<std::int64_t>(limit));
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    store::OutboxMessage& m = out->emplace_back();
    m.id = s->int64(0);
    m.tenant_id = s->text(1);
    m.campaign_id = s->text(2);
    m.contact_id = s->int64(3);
    m.step = s->text(4);
    m.to_e164 = s->text(5);
    m.body = s->text(6);
    m.language = s->text(7);
    m.encoding = static_cast<store::OutboxEncoding>(s->int64(8));
    m.segments = static_cast<int>(s->int64(9));
    m.priority = static_cast<store::OutboxPriority>(s->int64(10));
    m.resend_policy = static_cast<store::ResendPolicy>(s->int64(11));
    m.time_zone = s->text(12);
    m.state = static_cast<store::OutboxState>(s->int64(13));
    m.attempts = static_cast<int>(s->int64(14));
    m.channel = s->text(15);
    m.not_before = s->int64(16);
    if (!s->isNull(17)) m.expires_at = s->int64(17);
    m.failure_code = s->text(18);
    m.created_at = s->int64(19);
    m.updated_at = s->int64(20);
  }
  return ec;
}

// =============================================================================================
// Handlers
// =============================================================================================

namespace {

constexpr int kMaxJsonDepth = 64;

std::string dumpJson(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpResponse jsonReply(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = dumpJson(body);
  return r;
}

HttpResponse noContent() {
  HttpResponse r;
  r.status = 204;
  r.content_type = "application/json";
  return r;
}

HttpResponse errorWithDetails(int status, std::string_view code, std::string_view message,
                              const std::vector<std::string>& details) {
  json body = {{"error", {{"code", code}, {"message", message}}}};
  if (!details.empty()) body["error"]["details"] = details;
  return jsonReply(status, body);
}

HttpResponse badRequest(std::string_view message) {
  return errorResponse(400, "bad_request", message);
}

HttpResponse notFound(std::string_view what) {
  return errorResponse(404, "not_found", "no such " + std::string(what));
}

// A store failure as the client sees it. NotFound and Constraint are the caller's cases; the
// rest are ours, logged by code only.
HttpResponse storeFailure(std::error_code ec, std::string_view what, std::string_view op) {
  if (ec == store::StoreErrc::NotFound) return notFound(what);
  if (ec == store::StoreErrc::Constraint) {
    return errorResponse(409, "conflict", std::string(what) + " already exists");
  }
  if (ec == store::StoreErrc::Busy) {
    HttpResponse r = errorResponse(503, "unavailable", "the store is busy; retry");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  if (ec == store::StoreErrc::InvalidArgument) return badRequest("invalid request");
  log::error("api.store_failed", {{"op", op},
                                  {"category", ec.category().name()},
                                  {"code", std::to_string(ec.value())},
                                  {"reason", ec.message()}});
  return errorResponse(500, "internal", "internal error");
}

bool jsonDepthOk(std::string_view s, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

// The request body as a JSON object, or the error response in *err.
std::optional<json> jsonBody(const HttpRequest& req, HttpResponse* err) {
  if (req.body.empty()) {
    *err = badRequest("a JSON object body is required");
    return std::nullopt;
  }
  if (!jsonDepthOk(req.body, kMaxJsonDepth)) {
    *err = badRequest("JSON nested too deeply");
    return std::nullopt;
  }
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded()) {
    *err = errorResponse(400, "invalid_json", "the body is not valid JSON");
    return std::nullopt;
  }
  if (!j.is_object()) {
    *err = badRequest("the body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

std::optional<std::int64_t> parseInt(std::string_view s) {
  std::int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end) return std::nullopt;
  return v;
}

// Path ids: a positive integer, else nothing can match (404, never 400).
std::optional<std::int64_t> pathId(std::string_view s) {
  auto v = parseInt(s);
  if (!v || *v <= 0) return std::nullopt;
  return v;
}

// The member `key` of object `j` when present and not null.
const json* jsonMember(const json& j, std::string_view key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

constexpr std::int64_t kDefaultMessageValidity = 24 * 3600;  // seconds
constexpr std::int64_t kMaxMessageValidity = 7 * 24 * 3600;

bool validIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

json timeOrNull(std::optional<std::int64_t> t) {
  return t ? json(outreach::formatIsoTime(*t)) : json(nullptr);
}

// ---- Cursors: opaque to clients (base64url of an internal key).

std::string encodeCursor(std::string_view key) {
  return base64UrlEncode(std::span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
}

std::optional<std::string> decodeCursor(std::string_view text) {
  if (text.size() > 512) return std::nullopt;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '-') v = 62;
    if (c == '_') v = 63;
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

struct PageRequest {
  int limit = 50;
  std::optional<std::string> after;  // the decoded cursor
};

// Reads ?limit= and ?cursor=; false with *err on bad values.
bool readPage(const RequestContext& ctx, int default_size, int max_size, PageRequest* page,
              HttpResponse* err) {
  page->limit = default_size;
  if (auto l = ctx.query("limit")) {
    auto v = parseInt(*l);
    if (!v || *v < 1 || *v > max_size) {
      *err = badRequest("limit must be an integer from 1 to " + std::to_string(max_size));
      return false;
    }
    page->limit = static_cast<int>(*v);
  }
  if (auto c = ctx.query("cursor"); c && !c->empty()) {
    page->after = decodeCursor(*c);
    if (!page->after) {
      *err = badRequest("malformed cursor");
      return false;
    }
  }
  return true;
}

std::optional<std::int64_t> cursorId(const PageRequest& page, HttpResponse* err) {
  if (!page.after) return 0;
  auto v = parseInt(*page.after);
  if (!v || *v < 0) {
    *err = badRequest("malformed cursor");
    return std::nullopt;
  }
  return v;
}

json listReply(json items, std::optional<std::string> next_key) {
  return {{"items", std::move(items)},
          {"next_cursor", next_key ? json(encodeCursor(*next_key)) : json(nullptr)}};
}

// ---- Names

const char* statusName(store::ContactStatus s) {
  switch (s) {
    case store::ContactStatus::Active: return "active";
    case store::ContactStatus::OptedOut: return "opted_out";
    case store::ContactStatus::Invalid: return "invalid";
  }
  return "unknown";
}

const char* channelName(store::ConsentChannel c) {
  switch (c) {
    case store::ConsentChannel::SmsKeyword: return "sms_keyword";
    case store::ConsentChannel::FieldRegistration: return "field_registration";
    case store::ConsentChannel::ConsulateDesk: return "consulate_desk";
    case store::ConsentChannel::WebForm: return "web_form";
    case store::ConsentChannel::Import: return "import";
  }
  return "unknown";
}

constexpr std::array<const char*, 8> kOutboxStateNames = {
    "", "queued", "sending", "submitted", "delivered", "failed", "expired", "unknown"};

const char* outboxStateName(store::OutboxState s) {
  const auto i = static_cast<std::size_t>(s);
  return i < kOutboxStateNames.size() ? kOutboxStateNames[i] : "unknown";
}

std::optional<store::OutboxState> parseOutboxState(std::string_view name) {
  for (std::size_t i = 1; i < kOutboxStateNames.size(); ++i) {
    if (name == kOutboxStateNames[i]) return static_cast<store::OutboxState>(i);
  }
  return std::nullopt;
}

const char* encodingName(store::OutboxEncoding e) {
  switch (e) {
    case store::OutboxEncoding::Gsm7: return "gsm7";
    case store::OutboxEncoding::Gsm7National: return "gsm7_national";
    case store::OutboxEncoding::Ucs2: return "ucs2";
  }
  return "unknown";
}

std::optional<v1::CampaignState> parseCampaignState(std::string name) {
  for (char& c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  v1::CampaignState s{};
  if (v1::CampaignState_Parse(name, &s) || v1::CampaignState_Parse("CAMPAIGN_STATE_" + name, &s)) {
    if (s != v1::CAMPAIGN_STATE_UNSPECIFIED) return s;
  }
  return std::nullopt;
}

std::string campaignStateName(store::CampaignState s) {
  return v1::CampaignState_Name(static_cast<v1::CampaignState>(s));
}

// ---- JSON of store rows

json contactJson(const store::Contact& c) {
  json fields = json::object();
  for (const store::FieldValue& f : c.fields) fields[f.key].push_back(f.value);
  json consents = json::array();
  for (const store::Consent& k : c.consents) {
    consents.push_back({{"given_at", outreach::formatIsoTime(k.given_at)},
                        {"channel", channelName(k.channel)},
                        {"wording_version", k.wording_version},
                        {"language", k.language},
                        {"recorded_by", k.recorded_by},
                        {"withdrawn_at", timeOrNull(k.withdrawn_at)}});
  }
  return {{"id", c.id},
          {"phone", c.phone_e164},
          {"name", c.display_name},
          {"language", c.language},
          {"country", c.country},
          {"region", c.region},
          {"city", c.city},
          {"time_zone", c.time_zone},
          {"time_zone_overridden", c.time_zone_overridden},
          {"status", statusName(c.status)},
          {"groups", c.groups},
          {"fields", std::move(fields)},
          {"consents", std::move(consents)},
          {"created_at", outreach::formatIsoTime(c.created_at)},
          {"updated_at", outreach::formatIsoTime(c.updated_at)}};
}

// An outbox message as the API shows it to `role`: bodies only to admins and officers, phone
// numbers to every role but analysts.
json outboxMessageJson(const store::OutboxMessage& m, Role role) {
  json item = {{"id", m.id},
               {"contact_id", m.contact_id},
               {"step", m.step},
               {"language", m.language},
               {"encoding", encodingName(m.encoding)},
               {"segments", m.segments},
               {"state", outboxStateName(m.state)},
               {"attempts", m.attempts},
               {"channel", m.channel},
               {"failure_code", m.failure_code},
               {"not_before", outreach::formatIsoTime(m.not_before)},
               {"expires_at", timeOrNull(m.expires_at)},
               {"created_at", outreach::formatIsoTime(m.created_at)},
               {"updated_at", outreach::formatIsoTime(m.updated_at)}};
  if (role != Role::Analyst) item["to"] = m.to_e164;
  if (role == Role::Admin || role == Role::Officer) item["body"] = m.body;
  return item;
}

json segmentJson(const store::SavedSegment& s, const v1::Filter& filter,
                 const store::SegmentCount* count) {
  json out = {{"id", s.id},
              {"name", s.name},
              {"filter", filterToJson(filter)},
              {"created_at", outreach::formatIsoTime(s.created_at)},
              {"updated_at", outreach::formatIsoTime(s.updated_at)}};
  if (count != nullptr) out["count"] = {{"total", count->total}, {"reachable", count->reachable}};
  return out;
}

json campaignJson(const store::CampaignRecord& r) {
  json out = campaignToJson(r.definition);
  out["id"] = r.id;
  out["name"] = r.name;
  out["kind"] = r.kind == store::CampaignKind::Poll ? "poll" : "notice";
  out["state"] = campaignStateName(r.state);
  out["created_at"] = outreach::formatIsoTime(r.created_at);
  out["updated_at"] = outreach::formatIsoTime(r.updated_at);
  return out;
}

json tokenJson(const TokenRecord& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"role", roleName(t.role)},
          {"prefix", t.prefix},
          {"created_at", outreach::formatIsoTime(t.created_at)},
          {"expires_at", timeOrNull(t.expires_at)},
          {"revoked_at", timeOrNull(t.revoked_at)},
          {"last_used_at", timeOrNull(t.last_used_at)}};
}

json questionResultJson(const outreach::QuestionResult& q) {
  json choices = json::array();
  for (const outreach::ChoiceCount& c : q.choices) {
    choices.push_back({{"choice_id", c.choice_id}, {"count", c.count}, {"share", c.share}});
  }
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  return {{"question_id", q.question_id},
          {"kind", outreach::answerKindName(q.kind)},
          {"answered", q.answered},
          {"from_sms", q.from_sms},
          {"from_field_device", q.from_field_device},
          {"choices", std::move(choices)},
          {"min", opt(q.min)},
          {"max", opt(q.max)},
          {"mean", opt(q.mean)},
          {"median", opt(q.median)},
          {"truncated", q.truncated}};
}

}  // namespace

json sessionStatsJson(const outreach::SessionStats& s) {
  return {{"started", s.started},
          {"responded", s.responded},
          {"completed", s.completed},
          {"stopped", s.stopped},
          {"expired", s.expired},
          {"open", s.open},
          {"response_rate", s.response_rate},
          {"completion_rate", s.completion_rate}};
}

json deliveryStatsJson(const outreach::DeliveryStats& d) {
  return {{"queued", d.queued},       {"sending", d.sending}, {"submitted", d.submitted},
          {"delivered", d.delivered}, {"failed", d.failed},   {"expired", d.expired},
          {"unknown", d.unknown},     {"total", d.total},     {"delivery_rate", d.delivery_rate}};
}

namespace {

json resultsJson(const outreach::CampaignResults& r) {
  auto questions = [](const std::vector<outreach::QuestionResult>& qs) {
    json out = json::array();
    for (const auto& q : qs) out.push_back(questionResultJson(q));
    return out;
  };
  auto groups = [&](const std::vector<outreach::GroupResult>& gs) {
    json out = json::array();
    for (const auto& g : gs) {
      out.push_back({{"key", g.key},
                     {"sessions", sessionStatsJson(g.sessions)},
                     {"questions", questions(g.questions)}});
    }
    return out;
  };
  return {{"campaign_id", r.campaign_id},
          {"sessions", sessionStatsJson(r.sessions)},
          {"questions", questions(r.questions)},
          {"answers_without_session", r.answers_without_session},
          {"delivery", deliveryStatsJson(r.delivery)},
          {"by_country", groups(r.by_country)},
          {"by_language", groups(r.by_language)}};
}

// ---- Contacts as one-row CSV for the importer, so the JSON routes accept exactly what an
// import accepts (phone parsing, languages, countries, zones, consents, limits).

struct ContactCsv {
  std::string header;
  std::string row;
  std::string country;  // the canonical country given, for reading a national number
  std::string phone;    // as given
  bool has_phone = false;
  bool empty() const { return header.empty(); }
  void add(std::string_view column, std::string_view value) {
    if (!header.empty()) {
      header += ',';
      row += ',';
    }
    outreach::appendCsvField(column, ',', &header);
    // Quote every value: the importer trims unquoted and quoted cells alike, but quoting keeps
    // delimiters and quotes inside a value.
    row += '"';
    for (char c : value) {
      if (c == '"') row += '"';
      row += c;
    }
    row += '"';
  }
};

// The JSON field a CSV column came from, for error messages.
std::string fieldOfColumn(std::string_view column) {
  if (column.rfind("custom.", 0) == 0) return "fields." + std::string(column.substr(7));
  if (column.rfind("consent_", 0) == 0) return "consent." + std::string(column.substr(8));
  return std::string(column);
}

// Reads a contact object; false with a 400 in *err for shape errors (types, unknown fields).
bool contactToCsv(const json& in, ContactCsv* out, HttpResponse* err) {
  static const std::set<std::string, std::less<>> kPlain = {
      "phone", "name", "language", "country", "region", "city", "time_zone", "status"};
  static const std::set<std::string, std::less<>> kIgnored = {"id", "created_at", "updated_at",
                                                              "consents"};
  auto text = [&](const json& v, std::string_view field, std::string* s) {
    if (v.is_null()) {
      s->clear();
      return true;
    }
    if (!v.is_string()) {
      *err = badRequest(std::string(field) + ": not a string");
      return false;
    }
    *s = v.get<std::string>();
    return true;
  };
  auto list = [&](const json& v, std::string_view field, std::string* s) {
    s->clear();
    if (v.is_null()) return true;
    const json items = v.is_array() ? v : json::array({v});
    for (const json& item : items) {
      std::string one;
      if (item.is_number()) {
        one = item.dump();
      } else if (!text(item, field, &one)) {
        return false;
      }
      if (one.find(';') != std::string::npos) {
        *err = errorResponse(422, "invalid_contact", std::string(field) + ": ';' is not allowed");
        return false;
      }
      if (!s->empty()) *s += ';';
      *s += one;
    }
    return true;
  };
  for (const auto& [key, value] : in.items()) {
    std::string v;
    if (kPlain.contains(key)) {
      if (!text(value, key, &v)) return false;
      if (key == "phone") {
        out->phone = v;
        out->has_phone = true;
      }
      if (key == "country") {
        if (auto c = outreach::canonicalCountry(outreach::trim(v))) out->country = *c;
      }
      out->add(key, v);
    } else if (key == "time_zone_overridden") {
      if (!value.is_boolean()) {
        *err = badRequest("time_zone_overridden: not true or false");
        return false;
      }
      out->add(key, value.get<bool>() ? "true" : "false");
    } else if (key == "groups") {
      if (!value.is_null() && !value.is_array()) {
        *err = badRequest("groups: not an array");
        return false;
      }
      if (!list(value, "groups", &v)) return false;
      out->add("groups", v);
    } else if (key == "fields") {
      if (!value.is_object()) {
        *err = badRequest("fields: not an object");
        return false;
      }
      for (const auto& [fkey, fvalue] : value.items()) {
        auto canonical = outreach::canonicalCustomKey(fkey);
        if (!canonical) {
          *err = errorResponse(422, "invalid_contact",
                               "fields: keys are 1-64 of [a-z0-9_] starting with a letter");
          return false;
        }
        if (!list(fvalue, "fields." + *canonical, &v)) return false;
        out->add("custom." + *canonical, v);
      }
    } else if (key == "consent") {
      if (value.is_null()) continue;
      if (!value.is_object()) {
        *err = badRequest("consent: not an object");
        return false;
      }
      for (const auto& [ckey, cvalue] : value.items()) {
        static const std::set<std::string, std::less<>> kConsent = {
            "given_at", "channel", "wording_version", "language", "recorded_by", "withdrawn_at"};
        if (!kConsent.contains(ckey)) {
          *err = badRequest("consent: unknown field");
          return false;
        }
        if (!text(cvalue, "consent." + ckey, &v)) return false;
        out->add("consent_" + ckey, v);
      }
    } else if (!kIgnored.contains(key)) {
      *err = badRequest("unknown field in the contact");
      return false;
    }
  }
  return true;
}

}  // namespace

bool directMessageFromJson(const json& in, std::string_view region, int max_segments,
                           std::int64_t now, outreach::DirectMessage* out, std::string* error) {
  auto fail = [error](std::string why) {
    *error = std::move(why);
    return false;
  };
  *out = outreach::DirectMessage{};
  if (!in.is_object()) return fail("body: not an object");
  static constexpr std::string_view kKnown[] = {"contact_id", "to", "text", "resend",
                                                "valid_for_s"};
  for (const auto& [key, value] : in.items()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return fail("body: unknown field");
    }
  }
  const json* contact_id = jsonMember(in, "contact_id");
  const json* to = jsonMember(in, "to");
  if ((contact_id == nullptr) == (to == nullptr)) {
    return fail("give the recipient as exactly one of contact_id or to");
  }
  // An integer JSON value within [lo, hi] (JSON integers may be unsigned 64-bit).
  auto integerIn = [](const json& v, std::int64_t lo, std::int64_t hi, std::int64_t* n) {
    if (!v.is_number_integer()) return false;
    if (v.is_number_unsigned()) {
      const std::uint64_t u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(hi)) return false;
      *n = static_cast<std::int64_t>(u);
    } else {
      *n = v.get<std::int64_t>();
    }
    return *n >= lo && *n <= hi;
  };
  if (contact_id != nullptr) {
    if (!integerIn(*contact_id, 1, INT64_MAX, &out->contact_id)) {
      return fail("contact_id: not a positive integer");
    }
  } else {
    if (!to->is_string()) return fail("to: not a string");
    const sms::ParsedPhone phone =
        sms::parsePhoneNumber(outreach::trim(to->get<std::string>()), std::string(region));
    if (!phone.ok()) {
      return fail(
          "to: not a phone number (give it with + and the country code, or as a "
          "national number of the tenant's default region)");
    }
    out->to_e164 = phone.e164;
  }
  const json* text = jsonMember(in, "text");
  if (text == nullptr || !text->is_string() || text->get<std::string>().empty()) {
    return fail("text: required, a non-empty string");
  }
  out->body = text->get<std::string>();
  outreach::SmsTextAnalysis analysis;
  std::string why;
  if (!outreach::analyseSmsText(out->body, max_segments, &analysis, &why)) {
    return fail("text: " + why);
  }
  out->encoding = analysis.encoding;
  out->segments = analysis.segments;
  if (const json* resend = jsonMember(in, "resend")) {
    if (*resend == "at_least_once") {
      out->resend_policy = store::ResendPolicy::AtLeastOnce;
    } else if (*resend == "never") {
      out->resend_policy = store::ResendPolicy::Never;
    } else {
      return fail("resend: at_least_once or never");
    }
  }
  std::int64_t valid_for = kDefaultMessageValidity;
  if (const json* v = jsonMember(in, "valid_for_s")) {
    if (!integerIn(*v, 60, kMaxMessageValidity, &valid_for)) {
      return fail("valid_for_s: an integer from 60 to 604800");
    }
  }
  out->expires_at = now + valid_for;
  return true;
}

// =============================================================================================
// RestApi::Impl
// =============================================================================================

struct RestApi::Impl {
  Impl(store::Database& database, std::mutex& store_mu, RestApiOptions opts)
      : db(database),
        mu(store_mu),
        options(std::move(opts)),
        contacts(db),
        segments(db),
        campaigns(db),
        outbox(db),
        responses(db),
        tokens(db),
        api_store(db),
        auth(tokens, mu, options.auth),
        uuids([this] { return static_cast<std::uint64_t>(nowMs()); },
              [this](std::span<std::uint8_t> out) { random(out); }) {
    options.max_page_size = std::max(options.max_page_size, 1);
    options.default_page_size = std::clamp(options.default_page_size, 1, options.max_page_size);
    outreach::IntakeOptions io = options.intake;
    if (!io.clock) io.clock = [this] { return nowMs() / 1000; };
    intake = std::make_unique<outreach::MessageIntake>(db, mu, std::move(io),
                                                       options.on_messages_queued);
  }

  std::int64_t nowMs() const {
    if (options.clock_ms) return options.clock_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void random(std::span<std::uint8_t> out) const {
    if (options.random) {
      options.random(out);
    } else {
      osRandom(out);
    }
  }

  static std::int64_t seconds(const RequestContext& ctx) { return ctx.now_ms / 1000; }
  static const std::string& tenant(const RequestContext& ctx) { return ctx.principal->tenant_id; }

  bool page(const RequestContext& ctx, PageRequest* p, HttpResponse* err) const {
    return readPage(ctx, options.default_page_size, options.max_page_size, p, err);
  }

  // Runs fn(Database&) on a read-only connection of its own when db_path is set (no mutex),
  // else on the writer under the mutex.
  template <class F>
  HttpResponse withReader(F&& fn) {
    if (!options.db_path.empty()) {
      std::error_code ec;
      auto reader = store::Database::open(options.db_path, store::Database::Mode::ReadOnly, &ec);
      if (reader) return fn(*reader);
      return storeFailure(ec, "database", "open_reader");
    }
    std::lock_guard lock(mu);
    return fn(db);
  }

  outreach::CampaignPlanner planner() {
    return outreach::CampaignPlanner(campaigns, segments, outbox, responses, options.planner);
  }

  // ---- contacts

  // Contact `id` of the tenant, under the lock.
  std::error_code contactById(std::string_view tenant_id, std::int64_t id, store::Contact* out) {
    store::SqlWhere where{"c.id = ?2", {id}};
    bool found = false;
    auto ec = contacts.forEach(tenant_id, &where, [&](const store::Contact& c) {
      *out = c;
      found = true;
      return false;
    });
    if (ec) return ec;
    return found ? std::error_code() : make_error_code(store::StoreErrc::NotFound);
  }

  // Imports one contact row; on a rejection fills *err (422). Under the lock.
  bool importOne(const ContactCsv& csv, const std::string& tenant_id, std::int64_t now,
                 HttpResponse* err) {
    outreach::ImportOptions io;
    io.tenant_id = tenant_id;
    io.default_country = region(tenant_id);
    io.now = now;
    outreach::ContactImporter importer(contacts, io);
    importer.feed(csv.header + "\r\n" + csv.row + "\r\n");
    outreach::ImportResult result = importer.finish();
    if (result.error == outreach::ImportErrc::BadHeader) {
      *err = errorResponse(422, "invalid_contact", "a field is not allowed");
      return false;
    }
    if (result.error) {
      *err = storeFailure(result.error, "contact", "contact_import_one");
      return false;
    }
    if (!result.rejections.empty()) {
      const outreach::RowRejection& r = result.rejections.front();
      std::string message = r.column.empty() ? std::string("contact") : fieldOfColumn(r.column);
      message += ": ";
      message += outreach::rejectReasonText(r.reason);
      if (r.detail != nullptr && *r.detail != '\0') {
        message += " (";
        message += r.detail;
        message += ")";
      }
      *err = errorResponse(422, "invalid_contact", message);
      return false;
    }
    return true;
  }

  // How national numbers (no +country) of `tenant` are read: its default region, else the
  // API's default country.
  std::string region(const std::string& tenant) const {
    auto it = options.tenant_regions.find(tenant);
    return it != options.tenant_regions.end() ? it->second : options.default_country;
  }

  std::string phoneRegion(const ContactCsv& csv, const std::string& tenant) const {
    return !csv.country.empty() ? csv.country : region(tenant);
  }

  // Builds the SQL of a contact search: the filter (may be null), then the keyset cursor.
  HttpResponse searchContacts(const RequestContext& ctx, const v1::Filter* filter,
                              std::optional<std::string> phone, const PageRequest& page) {
    HttpResponse err;
    auto after = cursorId(page, &err);
    if (!after) return err;
    store::SqlWhere where;
    if (filter != nullptr) {
      std::string detail;
      if (auto ec = outreach::compileFilter(*filter, contacts.dialect(), &where, &detail)) {
        return errorWithDetails(422, "invalid_filter", "the filter is not valid", {detail});
      }
    }
    std::string sql = where.sql.empty() ? std::string("1") : "(" + where.sql + ")";
    auto next = [&] {
      return store::ContactStore::kFirstFilterParam + static_cast<int>(where.params.size());
    };
    if (phone) {
      sql += " AND c.phone_e164 = ?" + std::to_string(next());
      where.params.emplace_back(*phone);
    }
    sql += " AND c.id > ?" + std::to_string(next());
    where.params.emplace_back(*after);
    where.sql = std::move(sql);
    json items = json::array();
    std::optional<std::string> next_key;
    std::int64_t last_id = 0;
    std::error_code ec;
    {
      std::lock_guard lock(mu);
      ec = contacts.forEach(tenant(ctx), &where, [&](const store::Contact& c) {
        if (static_cast<int>(items.size()) == page.limit) {
          next_key = std::to_string(last_id);
          return false;
        }
        items.push_back(contactJson(c));
        last_id = c.id;
        return true;
      });
    }
    if (ec) return storeFailure(ec, "contact", "contacts_search");
    return jsonReply(200, listReply(std::move(items), next_key));
  }

  HttpResponse listContacts(const RequestContext& ctx) {
    PageRequest page;
    HttpResponse err;
    if (!this->page(ctx, &page, &err)) return err;
    v1::Filter filter;
    auto add = [&](const char* field, std::string value) {
      v1::FieldCondition* c = filter.mutable_all()->add_filters()->mutable_condition();
      c->set_field(field);
      c->set_op(v1::FieldCondition::OPERATOR_EQUALS);
      c->add_values(std::move(value));
    };
    if (auto v = ctx.query("language")) {
      auto l = outreach::canonicalLanguage(*v);
      if (!l) return badRequest("language: not a language tag");
      add("language", *l);
    }
    if (auto v = ctx.query("country")) {
      auto c = outreach::canonicalCountry(*v);
      if (!c) return badRequest("country: not an ISO 3166-1 alpha-2 code");
      add("location.country", *c);
    }
    if (auto v = ctx.query("status")) {
      if (*v != "active" && *v != "opted_out" && *v != "invalid") {
        return badRequest("status: one of active, opted_out, invalid");
      }
      add("status", *v);
    }
    if (auto v = ctx.query("group")) add("groups", *v);
    std::optional<std::string> phone;
    if (auto v = ctx.query("phone")) {
      const sms::ParsedPhone p = sms::parsePhoneNumber(*v, region(tenant(ctx)));
      if (!p.ok()) return badRequest("phone: not a valid phone number");
      phone = p.e164;
    }
    if (auto v = ctx.query("segment_id")) {
      auto id = pathId(*v);
      store::SavedSegment segment;
      std::error_code ec = store::StoreErrc::NotFound;
      if (id) {
        std::lock_guard lock(mu);
        ec = segments.get(tenant(ctx), *id, &segment);
      }
      if (ec) return storeFailure(ec, "segment", "segment_get");
      v1::Filter saved;
      if (!saved.ParseFromString(segment.filter))
        return storeFailure(store::StoreErrc::Corrupt, "segment", "segment_parse");
      *filter.mutable_all()->add_filters() = std::move(saved);
    }
    return searchContacts(ctx, filter.has_all() ? &filter : nullptr, std::move(phone), page);
  }

  HttpResponse searchContactsPost(const RequestContext& ctx) {
    HttpResponse err;
    auto body = jsonBody(ctx.http, &err);
    if (!body) return err;
    for (const auto& [key, value] : body->items()) {
      if (key != "filter" && key != "limit" && key != "cursor") {
        return badRequest("unknown field in the search");
      }
    }
    PageRequest page;
    page.limit = options.default_page_size;
    if (const json* l = ProtoReader::member(*body, "limit")) {
      if (!l->is_number_integer() || l->get<std::int64_t>() < 1 ||
          l->get<std::int64_t>() > options.max_page_size) {
        return badRequest("limit must be an integer from 1 to " +
                          std::to_string(options.max_page_size));
      }
      page.limit = static_cast<int>(l->get<std::int64_t>());
    }
    if (const json* c = ProtoReader::member(*body, "cursor")) {
      if (!c->is_string()) return badRequest("malformed cursor");
      page.after = decodeCursor(c->get<std::string>());
      if (!page.after) return badRequest("malformed cursor");
    }
    v1::Filter filter;
    const json* f = ProtoReader::member(*body, "filter");
    if (f != nullptr) {
      std::string why;
      if (!filterFromJson(*f, &filter, &why)) {
        return errorWithDetails(422, "invalid_filter", "the filter is not valid", {why});
      }
    }
    return searchContacts(ctx, f != nullptr ? &filter : nullptr, std::nullopt, page);
  }

  HttpResponse createContact(const RequestContext& ctx) {
    HttpResponse err;
    auto body = jsonBody(ctx.http, &err);
    if (!body) return err;
    ContactCsv csv;
    if (!contactToCsv(*body, &csv, &err)) return err;
    if (!csv.has_phone || outreach::trim(csv.phone).empty()) {
      return errorResponse(422, "invalid_contact", "phone: required");
    }
    const sms::ParsedPhone phone =
        sms::parsePhoneNumber(outreach::trim(csv.phone), phoneRegion(csv, tenant(ctx)));
    std::lock_guard lock(mu);
    store::Contact existing;
    if (phone.ok()) {
      auto ec = contacts.findBasic(tenant(ctx), phone.e164, &existing);
      if (!ec) return errorResponse(409, "conflict", "a contact with this phone number exists");
      if (ec != store::StoreErrc::NotFound) return storeFailure(ec, "contact", "contact_find");
    }
    if (!importOne(csv, tenant(ctx), seconds(ctx), &err)) return err;
    store::Contact created;
    if (auto ec = contacts.find(tenant(ctx), phone.e164, &created)) {
      return storeFailure(ec, "contact", "contact_find");
    }
    HttpResponse r = jsonReply(201, contactJson(created));
    r.headers.emplace_back("Location", "/v1/contacts/" + std::to_string(created.id));
    return r;
  }

  HttpResponse getContact(const RequestContext& ctx) {
    auto id = pathId(ctx.param("contact_id"));
    if (!id) return notFound("contact");
    store::Contact c;
    std::error_code ec;
    {
      std::lock_guard lock(mu);
      ec = contactById(tenant(ctx), *id, &c);
    }
    if (ec) return storeFailure(ec, "contact", "contact_get");
    return jsonReply(200, contactJson(c));
  }

  HttpResponse patchContact(const RequestContext& ctx) {
    auto id = pathId(ctx.param("contact_id"));
    if (!id) return notFound("contact");
    std::lock_guard lock(mu);
    store::Contact c;
    if (auto ec = contactById(tenant(ctx), *id, &c)) {
      return storeFailure(ec, "contact", "contact_get");
    }
    HttpResponse err;
    auto body = jsonBody(ctx.http, &err);
    if (!body) return err;
    ContactCsv csv;
    if (!contactToCsv(*body, &csv, &err)) return err;
    if (csv.has_phone) {
      const sms::ParsedPhone p = sms::parsePhoneNumber(
          outreach::trim(csv.phone), c.country.empty() ? phoneRegion(csv, tenant(ctx)) : c.country);
      if (!p.ok() || p.e164 != c.phone_e164) {
        return errorResponse(422, "invalid_contact",
                             "phone: cannot be changed; create a new contact instead");
      }
    } else {
      ContactCsv with_phone;
      with_phone.add("phone", c.phone_e164);
      if (!csv.empty()) {
        with_phone.header += "," + csv.header;
        with_phone.row += "," + csv.row;
      }
      csv = std::move(with_phone);
    }
    if (!importOne(csv, tenant(ctx), seconds(ctx), &err)) return err;
    if (auto ec = contactById(tenant(ctx), *id, &c)) {
      return storeFailure(ec, "contact", "contact_get");
    }
    return jsonReply(200, contactJson(c));
  }

  HttpResponse deleteContact(const RequestContext& ctx) {
    auto id = pathId(ctx.param("contact_id"));
    if (!id) return notFound("contact");
    std::error_code ec;
    {
      std::lock_guard lock(mu);
      ec = api_store.deleteContact(tenant(ctx), *id);
    }
    if (ec) return storeFailure(ec, "contact", "contact_delete");
    return noContent();
  }

  HttpResponse importContacts(const RequestContext& ctx) {
    if (ctx.http.body.empty()) return badRequest("a text/csv body is required");
    outreach::ImportOptions io;
    io.tenant_id = tenant(ctx);
    io.default_country = region(tenant(ctx));
    if (auto dc = ctx.query("default_country")) {
      auto c = outreach::canonicalCountry(*dc);
      if (!c) return badRequest("default_country: not an ISO 3166-1 alpha-2 code");
      io.default_country = *c;
    }
    io.now = seconds(ctx);
    io.max_kept_rejections = 1000;
    outreach::ImportResult result;
    {
      // One transaction for the whole file (all or nothing), bounded by the body limit.
      std::lock_guard lock(mu);
      outreach::ContactImporter importer(contacts, io);
      std::string_view rest = ctx.http.body;
      constexpr std::size_t kChunk = 64 * 1024;
      while (!rest.empty()) {
        const std::string_view chunk = rest.substr(0, kChunk);
        rest.remove_prefix(chunk.size());
        if (importer.feed(chunk)) break;
      }
      result = importer.finish();
    }
    if (result.error == outreach::ImportErrc::BadHeader) {
      return errorWithDetails(422, "invalid_csv_header", "the header row is not usable",
                              {result.detail});
    }
    if (result.error && result.error.category() == outreach::importCategory()) {
      return errorResponse(422, "import_failed", result.error.message());
    }
    if (result.error) return storeFailure(result.error, "contact", "contacts_import");
    json rejections = json::array();
    for (const outreach::RowRejection& r : result.rejections) {
      json one = {{"line", r.line},
                  {"column", r.column},
                  {"reason", outreach::rejectReasonText(r.reason)},
                  {"detail", r.detail != nullptr ? r.detail : ""},
                  {"message", outreach::describeRejection(r)}};
      if (r.duplicate_of_line != 0) one["duplicate_of_line"] = r.duplicate_of_line;
      rejections.push_back(std::move(one));
    }
    return jsonReply(200,
                     {{"committed", true},
                      {"rows", result.stats.rows},
                      {"inserted", result.stats.inserted},
                      {"updated", result.stats.updated},
                      {"rejected", result.stats.rejected},
                      {"rejections", std::move(rejections)},
                      {"rejections_truncated", result.stats.rejected > result.rejections.size()}});
  }

  HttpResponse csvReply(std::string body, std::string_view filename) {
    HttpResponse r;
    r.status = 200;
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"" + std::string(filename) + "\"");
    r.headers.emplace_back("Cache-Control", "no-store");
    r.body = std::move(body);
    return r;
  }

  HttpResponse exportContacts(const RequestContext& ctx) {
    std::optional<std::int64_t> segment_id;
    if (auto v = ctx.query("segment_id")) {
      segment_id = pathId(*v);
      if (!segment_id) return notFound("segment");
    }
    return withReader([&](store::Database& reader) -> HttpResponse {
      store::SqliteContactStore reader_contacts(reader);
      store::SqliteSegmentStore reader_segments(reader);
      v1::Filter filter;
      outreach::ExportOptions eo;
      eo.tenant_id = tenant(ctx);
      if (segment_id) {
        store::SavedSegment segment;
        if (auto ec = reader_segments.get(tenant(ctx), *segment_id, &segment)) {
          return storeFailure(ec, "segment", "segment_get");
        }
        if (!filter.ParseFromString(segment.filter)) {
          return storeFailure(store::StoreErrc::Corrupt, "segment", "segment_parse");
        }
        eo.filter = &filter;
      }
      std::string out;
      bool too_big = false;
      outreach::ExportResult result =
          outreach::exportContacts(reader_contacts, eo, [&](std::string_view chunk) {
            if (out.size() + chunk.size() > options.max_export_bytes) {
              too_big = true;
              return false;
            }
            out.append(chunk);
            return true;
          });
      if (too_big) return exportTooLarge();
      if (!result.ok()) {
        if (result.error.category() == outreach::filterCategory()) {
          return errorWithDetails(422, "invalid_filter", "the segment's filter is not valid",
                                  {result.detail});
        }
        return storeFailure(result.error, "contact", "contacts_export");
      }
      return csvReply(std::move(out), "contacts.csv");
    });
  }

  static HttpResponse exportTooLarge() {
    return errorResponse(413, "export_too_large",
                         "the export is larger than this server sends; use the CLI");
  }

  // ---- segments

  // Counts of a saved filter on `db` (a reader or the writer).
  static std::error_code countOn(store::Database& on, std::string_view tenant_id,
                                 const v1::Filter& filter, store::SegmentCount* out) {
    store::SqliteContactStore c(on);
    std::string detail;
    return outreach::countSegment(c, tenant_id, &filter, out, &detail);
  }

  HttpResponse listSegments(const RequestContext& ctx) {
    PageRequest page;
    HttpResponse err;
    if (!this->page(ctx, &page, &err)) return err;
    return withReader([&](store::Database& on) -> HttpResponse {
      store::SqliteSegmentStore reader_segments(on);
      std::vector<store::SavedSegment> all;
      if (auto ec = reader_segments.list(tenant(ctx), &all)) {
        return storeFailure(ec, "segment", "segments_list");
      }
      // The store lists by name (unique per tenant): the cursor is the last name returned.
      auto it = all.begin();
      if (page.after) {
        it = std::upper_bound(
            all.begin(), all.end(), *page.after,
            [](const std::string& name, const store::SavedSegment& s) { return name < s.name; });
      }
      json items = json::array();
      std::optional<std::string> next;
      for (; it != all.end(); ++it) {
        if (static_cast<int>(items.size()) == page.limit) {
          next = std::prev(it)->name;
          break;
        }
        v1::Filter filter;
        store::SegmentCount count;
        const bool parsed = filter.ParseFromString(it->filter);
        if (parsed) {
          if (auto ec = countOn(on, tenant(ctx), filter, &count)) {
            if (ec.category() != outreach::filterCategory()) {
              return storeFailure(ec, "segment", "segment_count");
            }
          }
        }
        items.push_back(segmentJson(*it, filter, parsed ? &count : nullptr));
      }
      return jsonReply(200, listReply(std::move(items), next));
    });
  }

  // Reads {"name", "filter"}; both required.
  bool segmentBody(const RequestContext& ctx, std::string* name, v1::Filter* filter,
                   HttpResponse* err) {
    auto body = jsonBody(ctx.http, err);
    if (!body) return false;
    for (const auto& [key, value] : body->items()) {
      if (key != "name" && key != "filter" && key != "id" && key != "count" &&
          key != "created_at" && key != "updated_at") {
        *err = badRequest("unknown field in the segment");
        return false;
      }
    }
    const json* n = ProtoReader::member(*body, "name");
    if (n == nullptr || !n->is_string() || n->get<std::string>().empty() ||
        n->get<std::string>().size() > 200 || !outreach::isCleanUtf8(n->get<std::string>())) {
      *err = errorResponse(422, "invalid_segment", "name: 1 to 200 characters of text required");
      return false;
    }
    *name = n->get<std::string>();
    const json* f = ProtoReader::member(*body, "filter");
    if (f == nullptr) {
      *err = errorResponse(422, "invalid_segment", "filter: required");
      return false;
    }
    std::string why;
    if (!filterFromJson(*f, filter, &why)) {
      *err = errorWithDetails(422, "invalid_filter", "the filter is not valid", {why});
      return false;
    }
    std::string detail;
    store::SqlWhere where;
    if (outreach::compileFilter(*filter, contacts.dialect(), &where, &detail)) {
      *err = errorWithDetails(422, "invalid_filter", "the filter is not valid", {detail});
      return false;
    }
    return true;
  }

  HttpResponse segmentReply(int status, const RequestContext& ctx, std::int64_t id) {
    store::SavedSegment segment;
    v1::Filter filter;
    store::SegmentCount count;
    std::lock_guard lock(mu);
    if (auto ec = segments.get(tenant(ctx), id, &segment)) {
      return storeFailure(ec, "segment", "segment_get");
    }
    const bool parsed = filter.ParseFromString(segment.filter);
    if (parsed) {
      if (auto ec = countOn(db, tenant(ctx), filter, &count);
          ec && ec.category() != outreach::filterCategory()) {
        return storeFailure(ec, "segment", "segment_count");
      }
    }
    return jsonReply(status, segmentJson(segment, filter, parsed ? &count : nullptr));
  }

  HttpResponse createSegment(const RequestContext& ctx) {
    std::string name;
    v1::Filter filter;
    HttpResponse err;
    if (!segmentBody(ctx, &name, &filter, &err)) return err;
    std::int64_t id = 0;
    std::error_code ec;
    std::string detail;
    {
      std::lock_guard lock(mu);
      ec = outreach::saveSegment(segments, contacts.dialect(), tenant(ctx), name, filter,
                                 seconds(ctx), &id, &detail);
    }
    if (ec == store::StoreErrc::Constraint) {
      return errorResponse(409, "conflict", "a segment with this name exists");
    }
    if (ec) return storeFailure(ec, "segment", "segment_create");
    HttpResponse r = segmentReply(201, ctx, id);
    r.headers.emplace_back("Location", "/v1/segments/" + std::to_string(id));
    return r;
  }

  HttpResponse getSegment(const RequestContext& ctx) {
    auto id = pathId(ctx.param("segment_id"));
    if (!id) return notFound("segment");
    return segmentReply(200, ctx, *id);
  }

  HttpResponse putSegment(const RequestContext& ctx) {
    auto id = pathId(ctx.param("segment_id"));
    if (!id) return notFound("segment");
    {
      store::SavedSegment existing;
      std::lock_guard lock(mu);
      if (auto ec = segments.get(tenant(ctx), *id, &existing)) {
        return storeFailure(ec, "segment", "segment_get");
      }
    }
    std::string name;
    v1::Filter filter;
    HttpResponse err;
    if (!segmentBody(ctx, &name, &filter, &err)) return err;
    std::error_code ec;
    {
      std::lock_guard lock(mu);
      ec = segments.update(tenant(ctx), *id, name, filter.SerializeAsString(), seconds(ctx));
    }
    if (ec == store::StoreErrc::Constraint) {
      return errorResponse(409, "conflict", "a segment with this name exists");
    }
    if (ec) return storeFailure(ec, "segment", "segment_update");
    return segmentReply(200, ctx, *id);
  }

  HttpResponse deleteSegment(const RequestContext& ctx) {
    auto id = pathId(ctx.param("segment_id"));
    if (!id) return notFound("segment");
    std::error_code ec;
    {
      std::lock_guard lock(mu);
      ec = segments.remove(tenant(ctx), *id);
    }
    if (ec) return storeFailure(ec, "segment", "segment_delete");
    return noContent();
  }

  // ---- campaigns

  HttpResponse listCampaigns(const RequestContext& ctx) {
    PageRequest page;
    HttpResponse err;
    if (!this->page(ctx, &page, &err)) return err;
    std::optional<v1::CampaignState> state;
    if (auto s = ctx.query("state")) {
      state = parseCampaignState(*s);
      if (!state) return badRequest("state: not a campaign state");
    }
    // Cursor: "<created_at>/<id>" of the last item; the store lists newest first.
    std::int64_t after_created = 0;
    std::string after_id;
    if (page.after) {
      const std::size_t slash = page.after->find('/');
      auto t = parseInt(std::string_view(*page.after).substr(0, slash));
      if (slash == std::string::npos || !t) return badRequest("malformed cursor");
      after_created = *t;
      after_id = page.after->substr(slash + 1);
    }
    std::vector<store::CampaignRecord> all;
    {
      std::lock_guard lock(mu);
      if (auto ec = campaigns.list(tenant(ctx), &all)) {
        return storeFailure(ec, "campaign", "campaigns_list");
      }
    }
    json items = json::array();
    std::optional<std::string> next;
    const store::CampaignRecord* last = nullptr;
    for (const store::CampaignRecord& r : all) {
      if (page.after &&
          (r.created_at > after_created || (r.created_at == after_created && r.id >= after_id))) {
        continue;
      }
      if (state && static_cast<int>(r.state) != static_cast<int>(*state)) continue;
      if (static_cast<int>(items.size()) == page.limit) {
        next = std::to_string(last->created_at) + "/" + last->id;
        break;
      }
      items.push_back(campaignJson(r));
      last = &r;
    }
    return jsonReply(200, listReply(std::move(items), next));
  }

  // Reads the body as a campaign definition; 400 / 422 in *err.
  bool campaignBody(const RequestContext& ctx, v1::Campaign* def, HttpResponse* err) {
    auto body = jsonBody(ctx.http, err);
    if (!body) return false;
    std::string why;
    if (!campaignFromJson(*body, def, &why)) {
      *err =
          errorWithDetails(400, "invalid_campaign_json", "the campaign JSON is not valid", {why});
      return false;
    }
    std::vector<std::string> missing = campaignSaveProblems(*def);
    if (!missing.empty()) {
      *err = errorWithDetails(422, "invalid_campaign", "the campaign cannot be saved", missing);
      return false;
    }
    def->set_tenant_id(tenant(ctx));
    return true;
  }

  json campaignWithCounts(const store::CampaignRecord& r) {
    json out = campaignJson(r);
    std::array<std::int64_t, 8> counts{};
    if (!outbox.countByState(r.id, &counts)) {
      json messages = json::object();
      std::int64_t total = 0;
      for (std::size_t i = 1; i < counts.size(); ++i) {
        messages[kOutboxStateNames[i]] = counts[i];
        total += counts[i];
      }
      messages["total"] = total;
      out["messages"] = std::move(messages);
    }
    return out;
  }

  HttpResponse createCampaign(const RequestContext& ctx) {
    v1::Campaign def;
    HttpResponse err;
    if (!campaignBody(ctx, &def, &err)) return err;
    std::lock_guard lock(mu);
    store::CampaignRecord r;
    r.id = uuids.next().toString();
    r.tenant_id = tenant(ctx);
    r.name = def.name();
    r.kind = def.has_poll() ? store::CampaignKind::Poll : store::CampaignKind::Notice;
    r.state = store::CampaignState::Draft;
    def.set_id(r.id);
    def.set_state(v1::CAMPAIGN_STATE_DRAFT);
    def.mutable_created_at()->set_seconds(seconds(ctx));
    r.definition = def;
    if (auto ec = campaigns.create(r, seconds(ctx))) {
      if (ec == store::StoreErrc::Constraint) {
        return errorResponse(409, "conflict", "a campaign with this name exists");
      }
      return storeFailure(ec, "campaign", "campaign_create");
    }
    store::CampaignRecord saved;
    if (auto ec = campaigns.get(r.tenant_id, r.id, &saved)) {
      return storeFailure(ec, "campaign", "campaign_get");
    }
    std::vector<std::string> problems;
    auto planner = this->planner();
    if (auto ec = planner.validate(saved.definition, &problems)) {
      return storeFailure(ec, "campaign", "campaign_validate");
    }
    json out = campaignWithCounts(saved);
    out["problems"] = problems;
    HttpResponse res = jsonReply(201, out);
    res.headers.emplace_back("Location", "/v1/campaigns/" + saved.id);
    return res;
  }

  HttpResponse getCampaign(const RequestContext& ctx) {
    std::lock_guard lock(mu);
    store::CampaignRecord r;
    if (auto ec = campaigns.get(tenant(ctx), ctx.param("campaign_id"), &r)) {
      return storeFailure(ec, "campaign", "campaign_get");
    }
    return jsonReply(200, campaignWithCounts(r));
  }

  HttpResponse putCampaign(const RequestContext& ctx) {
    const std::string id(ctx.param("campaign_id"));
    store::CampaignRecord r;
    {
      std::lock_guard lock(mu);
      if (auto ec = campaigns.get(tenant(ctx), id, &r)) {
        return storeFailure(ec, "campaign", "campaign_get");
      }
    }
    v1::Campaign def;
    HttpResponse err;
    if (!campaignBody(ctx, &def, &err)) return err;
    std::lock_guard lock(mu);
    def.set_id(r.id);
    *def.mutable_created_at() = r.definition.created_at();
    r.name = def.name();
    r.kind = def.has_poll() ? store::CampaignKind::Poll : store::CampaignKind::Notice;
    r.definition = def;
    store::Transition result{};
    if (auto ec = campaigns.update(r, seconds(ctx), &result)) {
      if (ec == store::StoreErrc::Constraint) {
        return errorResponse(409, "conflict", "a campaign with this name exists");
      }
      return storeFailure(ec, "campaign", "campaign_update");
    }
    if (result == store::Transition::Ignored) {
      return errorResponse(409, "wrong_state", "only a draft or scheduled campaign can be changed");
    }
    store::CampaignRecord saved;
    if (auto ec = campaigns.get(tenant(ctx), id, &saved)) {
      return storeFailure(ec, "campaign", "campaign_get");
    }
    std::vector<std::string> problems;
    auto planner = this->planner();
    if (auto ec = planner.validate(saved.definition, &problems)) {
      return storeFailure(ec, "campaign", "campaign_validate");
    }
    json out = campaignWithCounts(saved);
    out["problems"] = problems;
    return jsonReply(200, out);
  }

  HttpResponse validateCampaign(const RequestContext& ctx) {
    std::lock_guard lock(mu);
    store::CampaignRecord r;
    if (auto ec = campaigns.get(tenant(ctx), ctx.param("campaign_id"), &r)) {
      return storeFailure(ec, "campaign", "campaign_get");
    }
    std::vector<std::string> problems;
    auto planner = this->planner();
    if (auto ec = planner.validate(r.definition, &problems)) {
      return storeFailure(ec, "campaign", "campaign_validate");
    }
    return jsonReply(200, {{"valid", problems.empty()}, {"problems", problems}});
  }

  HttpResponse previewCampaign(const RequestContext& ctx) {
    std::lock_guard lock(mu);
    store::CampaignRecord r;
    if (auto ec = campaigns.get(tenant(ctx), ctx.param("campaign_id"), &r)) {
      return storeFailure(ec, "campaign", "campaign_get");
    }
    std::vector<std::string> problems;
    outreach::CampaignPreview preview;
    auto planner = this->planner();
    if (auto ec = planner.preview(r.definition, &preview, &problems)) {
      if (ec == outreach::PlanErrc::InvalidCampaign) {
        return errorWithDetails(422, "invalid_campaign", "the campaign has problems", problems);
      }
      return storeFailure(ec, "campaign", "campaign_preview");
    }
    json messages = json::array();
    for (const outreach::PreviewMessage& m : preview.messages) {
      messages.push_back({{"language", m.language},
                          {"text", m.text},
                          {"encoding", encodingName(m.encoding)},
                          {"segments", m.segments},
                          {"characters", m.characters},
                          {"recipients", m.recipients},
                          {"audience_languages", m.audience_languages}});
    }
    return jsonReply(200, {{"campaign_id", r.id},
                           {"audience", preview.audience},
                           {"total_segments", preview.total_segments},
                           {"messages", std::move(messages)}});
  }

  HttpResponse startCampaign(const RequestContext& ctx) {
    const std::string id(ctx.param("campaign_id"));
    outreach::PlanResult result;
    std::vector<std::string> problems;
    std::error_code ec;
    store::CampaignRecord after;
    {
      std::unique_lock lock(mu);
      auto planner = this->planner();
      // The planner commits page by page with nothing open in between: let other requests
      // (and the dispatcher) use the store between pages.
      ec = planner.plan(
          tenant(ctx), id, seconds(ctx),
          [&lock](std::int64_t, std::int64_t) {
            lock.unlock();
            std::this_thread::yield();
            lock.lock();
            return true;
          },
          &result, &problems);
      if (!ec) ec = campaigns.get(tenant(ctx), id, &after);
    }
    if (ec == outreach::PlanErrc::InvalidCampaign) {
      return errorWithDetails(422, "invalid_campaign", "the campaign has problems", problems);
    }
    if (ec == outreach::PlanErrc::WrongState) {
      return errorResponse(409, "wrong_state",
                           "only a draft, scheduled or running campaign can be started");
    }
    if (ec) return storeFailure(ec, "campaign", "campaign_plan");
    return jsonReply(200, {{"campaign_id", id},
                           {"state", campaignStateName(after.state)},
                           {"audience", result.audience},
                           {"planned", result.planned},
                           {"inserted", result.inserted},
                           {"already_present", result.already_present},
                           {"sessions_opened", result.sessions_opened},
                           {"zone_fallbacks", result.zone_fallbacks},
                           {"utc_fallbacks", result.utc_fallbacks},
                           {"started", result.started}});
  }

  // Pause, resume, cancel: the move from the current state to `to`.
  HttpResponse moveCampaign(const RequestContext& ctx, store::CampaignState to,
                            std::string_view verb) {
    const std::string id(ctx.param("campaign_id"));
    std::lock_guard lock(mu);
    store::CampaignRecord r;
    if (auto ec = campaigns.get(tenant(ctx), id, &r)) {
      return storeFailure(ec, "campaign", "campaign_get");
    }
    if (r.state == to || !store::isAllowedTransition(r.state, to)) {
      return errorResponse(
          409, "wrong_state",
          "a " + campaignStateName(r.state) + " campaign cannot be " + std::string(verb));
    }
    store::Transition result{};
    std::int64_t rows = 0;
    auto planner = this->planner();
    if (auto ec = planner.changeState(tenant(ctx), id, r.state, to, seconds(ctx), &result, &rows)) {
      return storeFailure(ec, "campaign", "campaign_state");
    }
    if (result == store::Transition::Ignored) {
      return errorResponse(409, "wrong_state", "the campaign changed state meanwhile; retry");
    }
    return jsonReply(
        200, {{"campaign_id", id}, {"state", campaignStateName(to)}, {"messages_affected", rows}});
  }

  // ---- results, messages

  HttpResponse results(const RequestContext& ctx) {
    const std::string id(ctx.param("campaign_id"));
    return withReader([&](store::Database& on) -> HttpResponse {
      store::SqliteResultsStore rs(on);
      store::SqliteOutboxStore ob(on);
      outreach::CampaignResults out;
      if (auto ec = outreach::computeResults(rs, ob, tenant(ctx), id, &out)) {
        return storeFailure(ec, "campaign", "results");
      }
      return jsonReply(200, resultsJson(out));
    });
  }

  HttpResponse resultsExport(const RequestContext& ctx) {
    const std::string id(ctx.param("campaign_id"));
    return withReader([&](store::Database& on) -> HttpResponse {
      store::SqliteResultsStore rs(on);
      std::string out;
      bool too_big = false;
      outreach::ExportResult result =
          outreach::exportResultsCsv(rs, tenant(ctx), id, [&](std::string_view chunk) {
            if (out.size() + chunk.size() > options.max_export_bytes) {
              too_big = true;
              return false;
            }
            out.append(chunk);
            return true;
          });
      if (too_big) return exportTooLarge();
      if (!result.ok()) return storeFailure(result.error, "campaign", "results_export");
      return csvReply(std::move(out), "results.csv");
    });
  }

  HttpResponse messages(const RequestContext& ctx) {
    const std::string id(ctx.param("campaign_id"));
    PageRequest page;
    HttpResponse err;
    // The campaign first: another tenant's id is 404 whatever the query says.
    {
      std::lock_guard lock(mu);
      store::CampaignRecord r;
      if (auto ec = campaigns.get(tenant(ctx), id, &r)) {
        return storeFailure(ec, "campaign", "campaign_get");
      }
    }
    if (!this->page(ctx, &page, &err)) return err;
    // Cursor: "<contact_id>/<step>" of the last row.
    std::int64_t after_contact = 0;
    std::string after_step;
    if (page.after) {
      const std::size_t slash = page.after->find('/');
      auto c = parseInt(std::string_view(*page.after).substr(0, slash));
      if (slash == std::string::npos || !c) return badRequest("malformed cursor");
      after_contact = *c;
      after_step = page.after->substr(slash + 1);
    }
    std::optional<store::OutboxState> state;
    if (auto s = ctx.query("state")) {
      state = parseOutboxState(*s);
      if (!state) return badRequest("state: not a message state");
    }
    std::vector<store::OutboxMessage> rows;
    {
      std::lock_guard lock(mu);
      if (auto ec = api_store.campaignMessages(tenant(ctx), id, state, after_contact, after_step,
                                               page.limit + 1, &rows)) {
        return storeFailure(ec, "campaign", "messages_list");
      }
    }
    json items = json::array();
    std::optional<std::string> next;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (static_cast<int>(i) == page.limit) {
        next = std::to_string(rows[i - 1].contact_id) + "/" + rows[i - 1].step;
        break;
      }
      json item = outboxMessageJson(rows[i], ctx.principal->role);
      items.push_back(std::move(item));
    }
    return jsonReply(200, listReply(std::move(items), next));
  }

  // ---- single messages (outreach/message_intake.h)

  HttpResponse sendMessage(const RequestContext& ctx) {
    HttpResponse err;
    auto body = jsonBody(ctx.http, &err);
    if (!body) return err;
    outreach::DirectMessage m;
    std::string error;
    if (!directMessageFromJson(*body, region(tenant(ctx)), options.planner.max_segments,
                               seconds(ctx), &m, &error)) {
      return errorResponse(422, "invalid_message", error);
    }
    m.tenant_id = tenant(ctx);
    const std::string_view key = ctx.http.header("Idempotency-Key");
    if (!key.empty()) {
      if (!validIdempotencyKey(key)) {
        return badRequest("Idempotency-Key: 1-64 characters of A-Z a-z 0-9 . _ : -");
      }
      m.key = std::string(key);
    } else {
      std::array<std::uint8_t, 16> bytes{};
      random(bytes);
      static constexpr char kHex[] = "0123456789abcdef";
      for (std::uint8_t b : bytes) {
        m.key += kHex[b >> 4];
        m.key += kHex[b & 15];
      }
    }
    return deferResponse([this, m = std::move(m)](ResponseCallback done) mutable {
      intake->submit(std::move(m), [done = std::move(done)](const outreach::IntakeResult& r) {
        done(intakeReply(r));
      });
    });
  }

  static HttpResponse intakeReply(const outreach::IntakeResult& r) {
    using outreach::IntakeOutcome;
    switch (r.outcome) {
      case IntakeOutcome::Accepted:
      case IntakeOutcome::Duplicate: {
        const bool fresh = r.outcome == IntakeOutcome::Accepted;
        HttpResponse res =
            jsonReply(fresh ? 202 : 200, {{"id", r.message_id},
                                          {"contact_id", r.contact_id},
                                          {"state", fresh ? "queued" : outboxStateName(r.state)},
                                          {"duplicate", !fresh}});
        res.headers.emplace_back("Location", "/v1/messages/" + std::to_string(r.message_id));
        return res;
      }
      case IntakeOutcome::NoSuchContact: return notFound("contact");
      case IntakeOutcome::OptedOut:
        return errorResponse(409, "opted_out",
                             "the recipient opted out (STOP); nothing is sent to them");
      case IntakeOutcome::InvalidContact:
        return errorResponse(409, "contact_invalid",
                             "the recipient's number is marked invalid; correct the contact");
      case IntakeOutcome::Busy: {
        HttpResponse res =
            errorResponse(503, "busy", "too many messages are waiting to be stored; retry");
        res.headers.emplace_back("Retry-After", "1");
        return res;
      }
      case IntakeOutcome::StoreFailed: break;
    }
    return storeFailure(r.error, "message", "message_intake");
  }

  HttpResponse getMessage(const RequestContext& ctx) {
    auto id = pathId(ctx.param("message_id"));
    if (!id) return notFound("message");
    store::OutboxMessage m;
    {
      std::lock_guard lock(mu);
      if (auto ec = outbox.get(*id, &m)) return storeFailure(ec, "message", "message_get");
    }
    if (m.tenant_id != tenant(ctx)) return notFound("message");
    return jsonReply(200, outboxMessageJson(m, ctx.principal->role));
  }

  // ---- opt-outs, inbox

  HttpResponse optOuts(const RequestContext& ctx) {
    PageRequest page;
    HttpResponse err;
    if (!this->page(ctx, &page, &err)) return err;
    auto after = cursorId(page, &err);
    if (!after) return err;
    store::SqlWhere where{"c.status = 2 AND c.id > ?2", {*after}};
    json items = json::array();
    std::optional<std::string> next;
    std::int64_t last_id = 0;
    std::error_code ec;
    {
      std::lock_guard lock(mu);
      ec = contacts.forEach(tenant(ctx), &where, [&](const store::Contact& c) {
        if (static_cast<int>(items.size()) == page.limit) {
          next = std::to_string(last_id);
          return false;
        }
        std::int64_t at = c.updated_at;
        std::optional<std::int64_t> withdrawn;
        for (const store::Consent& k : c.consents) {
          if (k.withdrawn_at && (!withdrawn || *k.withdrawn_at > *withdrawn)) {
            withdrawn = k.withdrawn_at;
          }
        }
        if (withdrawn) at = *withdrawn;
        items.push_back({{"contact_id", c.id},
                         {"phone", c.phone_e164},
                         {"opted_out_at", outreach::formatIsoTime(at)}});
        last_id = c.id;
        return true;
      });
    }
    if (ec) return storeFailure(ec, "contact", "opt_outs_list");
    return jsonReply(200, listReply(std::move(items), next));
  }

  HttpResponse inbox(const RequestContext& ctx) {
    PageRequest page;
    HttpResponse err;
    if (!this->page(ctx, &page, &err)) return err;
    auto before = cursorId(page, &err);
    if (!before) return err;
    std::vector<store::InboundRecord> rows;
    {
      std::lock_guard lock(mu);
      if (auto ec = responses.inbox(tenant(ctx), *before, page.limit + 1, &rows)) {
        return storeFailure(ec, "message", "inbox_list");
      }
    }
    const bool bodies = ctx.principal->role == Role::Admin || ctx.principal->role == Role::Officer;
    json items = json::array();
    std::optional<std::string> next;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (static_cast<int>(i) == page.limit) {
        next = std::to_string(rows[i - 1].id);
        break;
      }
      const store::InboundRecord& m = rows[i];
      json item = {{"id", m.id},
                   {"channel", m.channel},
                   {"from", m.from_e164},
                   {"received_at", outreach::formatIsoTime(m.received_at)}};
      if (bodies) item["body"] = m.body;
      items.push_back(std::move(item));
    }
    return jsonReply(200, listReply(std::move(items), next));
  }

  // ---- tokens

  HttpResponse listTokens(const RequestContext& ctx) {
    PageRequest page;
    HttpResponse err;
    if (!this->page(ctx, &page, &err)) return err;
    std::int64_t after_created = 0;
    std::string after_id;
    if (page.after) {
      const std::size_t slash = page.after->find('/');
      auto t = parseInt(std::string_view(*page.after).substr(0, slash));
      if (slash == std::string::npos || !t || slash + 1 >= page.after->size()) {
        return badRequest("malformed cursor");
      }
      after_created = *t;
      after_id = page.after->substr(slash + 1);
    }
    std::vector<TokenRecord> rows;
    {
      std::lock_guard lock(mu);
      if (auto ec = tokens.list(tenant(ctx), after_created, after_id, page.limit + 1, &rows)) {
        return storeFailure(ec, "token", "tokens_list");
      }
    }
    json items = json::array();
    std::optional<std::string> next;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (static_cast<int>(i) == page.limit) {
        next = std::to_string(rows[i - 1].created_at) + "/" + rows[i - 1].id;
        break;
      }
      items.push_back(tokenJson(rows[i]));
    }
    return jsonReply(200, listReply(std::move(items), next));
  }

  HttpResponse createToken(const RequestContext& ctx) {
    HttpResponse err;
    auto body = jsonBody(ctx.http, &err);
    if (!body) return err;
    NewToken spec;
    spec.tenant_id = tenant(ctx);
    for (const auto& [key, value] : body->items()) {
      if (key != "name" && key != "role" && key != "expires_at") {
        return badRequest("unknown field in the token");
      }
    }
    const json* name = ProtoReader::member(*body, "name");
    if (name == nullptr || !name->is_string() || name->get<std::string>().empty() ||
        name->get<std::string>().size() > 100 || !outreach::isCleanUtf8(name->get<std::string>())) {
      return errorResponse(422, "invalid_token_request", "name: 1 to 100 characters required");
    }
    spec.name = name->get<std::string>();
    const json* role = ProtoReader::member(*body, "role");
    std::optional<Role> parsed_role;
    if (role != nullptr && role->is_string()) parsed_role = parseRole(role->get<std::string>());
    if (!parsed_role) {
      return errorResponse(422, "invalid_token_request",
                           "role: one of admin, officer, analyst, auditor");
    }
    spec.role = *parsed_role;
    if (const json* exp = ProtoReader::member(*body, "expires_at")) {
      std::int64_t t = 0;
      if (!exp->is_string() || !outreach::parseIsoTime(exp->get<std::string>(), &t)) {
        return errorResponse(422, "invalid_token_request", "expires_at: not an RFC 3339 time");
      }
      if (t <= seconds(ctx)) {
        return errorResponse(422, "invalid_token_request", "expires_at: in the past");
      }
      spec.expires_at = t;
    }
    IssuedToken issued;
    std::error_code ec;
    {
      std::lock_guard lock(mu);
      ec = issueToken(tokens, spec, seconds(ctx), &issued,
                      [this](std::span<std::uint8_t> out) { random(out); });
    }
    if (ec) return storeFailure(ec, "token", "token_create");
    log::info("api.token_created", {{"token", issued.record.prefix},
                                    {"role", roleName(issued.record.role)},
                                    {"by", ctx.principal->token_id}});
    json out = tokenJson(issued.record);
    out["token"] = issued.token;
    HttpResponse r = jsonReply(201, out);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }

  HttpResponse revokeToken(const RequestContext& ctx) {
    const std::string id(ctx.param("token_id"));
    store::Transition result{};
    std::error_code ec;
    {
      std::lock_guard lock(mu);
      ec = tokens.revoke(tenant(ctx), id, seconds(ctx), &result);
    }
    if (ec) return storeFailure(ec, "token", "token_revoke");
    auth.forget(id);
    if (result == store::Transition::Applied) {
      log::info("api.token_revoked", {{"token", "lia_" + id}, {"by", ctx.principal->token_id}});
    }
    return noContent();
  }

  std::vector<Route> routes();

  store::Database& db;
  std::mutex& mu;
  RestApiOptions options;
  store::SqliteContactStore contacts;
  store::SqliteSegmentStore segments;
  store::SqliteCampaignStore campaigns;
  store::SqliteOutboxStore outbox;
  store::SqliteResponseStore responses;
  SqliteTokenStore tokens;
  SqliteApiStore api_store;
  Authenticator auth;
  sync::UuidV7Generator uuids;  // under mu
  // Live event streams (campaign_events.h). Its thread stops before the stores go.
  CampaignEvents events{db, mu, options.db_path};
  // Last: its thread stops (committing what is pending) before the rest goes.
  std::unique_ptr<outreach::MessageIntake> intake;
};

// =============================================================================================
// The route table
// =============================================================================================

namespace {

const RoleSet kEveryone = RoleSet::all();
const RoleSet kStaff = {Role::Admin, Role::Officer};
const RoleSet kContactReaders = {Role::Admin, Role::Officer, Role::Auditor};
const RoleSet kAdmin = {Role::Admin};

QueryParam limitParam() {
  return {"limit", "Page size (1 to the server's maximum, 500 by default).", "integer"};
}
QueryParam cursorParam() {
  return {"cursor", "Opaque cursor from the previous page's next_cursor.", "string"};
}

}  // namespace

std::vector<Route> RestApi::Impl::routes() {
  std::vector<Route> out;
  auto add = [&](std::string method, std::string pattern, RoleSet roles, std::string summary,
                 RouteHandler handler) -> Route& {
    Route r;
    r.method = std::move(method);
    r.pattern = std::move(pattern);
    r.roles = roles;
    r.summary = std::move(summary);
    r.handler = std::move(handler);
    out.push_back(std::move(r));
    return out.back();
  };
  auto h = [this](HttpResponse (Impl::*fn)(const RequestContext&)) -> RouteHandler {
    return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
  };

  // Contacts.
  {
    Route& r = add("GET", "/v1/contacts", kContactReaders, "List and search contacts",
                   h(&Impl::listContacts));
    r.tag = "contacts";
    r.response_schema = "ContactList";
    r.query = {{"language", "Only contacts with this language (BCP 47)."},
               {"country", "Only contacts living in this country (ISO 3166-1 alpha-2)."},
               {"status", "active, opted_out or invalid."},
               {"group", "Only members of this group."},
               {"phone", "Only the contact with this number (E.164 or national)."},
               {"segment_id", "Only contacts in this saved segment.", "integer"},
               limitParam(),
               cursorParam()};
    r.description = "Contacts in id order; conditions combine with AND.";
  }
  {
    Route& r = add("POST", "/v1/contacts", kStaff, "Create a contact", h(&Impl::createContact));
    r.tag = "contacts";
    r.request = BodyKind::Json;
    r.request_schema = "ContactInput";
    r.response_schema = "Contact";
    r.success_status = 201;
    r.description = "Validated exactly as a CSV import row is. 409 when the number already exists.";
  }
  {
    Route& r = add("POST", "/v1/contacts/search", kContactReaders,
                   "Search contacts with a segment filter", h(&Impl::searchContactsPost));
    r.tag = "contacts";
    r.request = BodyKind::Json;
    r.request_schema = "ContactSearch";
    r.response_schema = "ContactList";
  }
  {
    Route& r = add("POST", "/v1/contacts/import", kStaff, "Import contacts from CSV",
                   h(&Impl::importContacts));
    r.tag = "contacts";
    r.request = BodyKind::Csv;
    r.response_schema = "ImportReport";
    r.query = {{"default_country",
                "Country (ISO 3166-1 alpha-2) for national numbers in rows without one."}};
    r.description =
        "One transaction: rejected rows are reported by line and column (never by value) and "
        "the rest is committed; a bad header imports nothing (422).";
  }
  {
    Route& r = add("GET", "/v1/contacts/export", kContactReaders, "Export contacts as CSV",
                   h(&Impl::exportContacts));
    r.tag = "contacts";
    r.response = BodyKind::Csv;
    r.query = {{"segment_id", "Only contacts in this saved segment.", "integer"}};
    r.description = "The columns the import reads, so an export imports back unchanged.";
  }
  {
    Route& r = add("GET", "/v1/contacts/{contact_id}", kContactReaders, "Get a contact",
                   h(&Impl::getContact));
    r.tag = "contacts";
    r.response_schema = "Contact";
  }
  {
    Route& r = add("PATCH", "/v1/contacts/{contact_id}", kStaff, "Update a contact",
                   h(&Impl::patchContact));
    r.tag = "contacts";
    r.request = BodyKind::Json;
    r.request_schema = "ContactInput";
    r.response_schema = "Contact";
    r.description =
        "Fields present replace the stored ones; absent fields stay. The phone number cannot "
        "change. An opted-out contact stays opted out.";
  }
  {
    Route& r = add("DELETE", "/v1/contacts/{contact_id}", kStaff, "Delete a contact",
                   h(&Impl::deleteContact));
    r.tag = "contacts";
    r.success_status = 204;
    r.response = BodyKind::None;
  }

  // Segments.
  {
    Route& r = add("GET", "/v1/segments", kEveryone, "List segments with live counts",
                   h(&Impl::listSegments));
    r.tag = "segments";
    r.response_schema = "SegmentList";
    r.query = {limitParam(), cursorParam()};
  }
  {
    Route& r = add("POST", "/v1/segments", kStaff, "Create a segment", h(&Impl::createSegment));
    r.tag = "segments";
    r.request = BodyKind::Json;
    r.request_schema = "SegmentInput";
    r.response_schema = "Segment";
    r.success_status = 201;
  }
  {
    Route& r = add("GET", "/v1/segments/{segment_id}", kEveryone,
                   "Get a segment with its live count", h(&Impl::getSegment));
    r.tag = "segments";
    r.response_schema = "Segment";
  }
  {
    Route& r =
        add("PUT", "/v1/segments/{segment_id}", kStaff, "Replace a segment", h(&Impl::putSegment));
    r.tag = "segments";
    r.request = BodyKind::Json;
    r.request_schema = "SegmentInput";
    r.response_schema = "Segment";
  }
  {
    Route& r = add("DELETE", "/v1/segments/{segment_id}", kStaff, "Delete a segment",
                   h(&Impl::deleteSegment));
    r.tag = "segments";
    r.success_status = 204;
    r.response = BodyKind::None;
  }

  // Campaigns.
  {
    Route& r = add("GET", "/v1/campaigns", kEveryone, "List campaigns, newest first",
                   h(&Impl::listCampaigns));
    r.tag = "campaigns";
    r.response_schema = "CampaignList";
    r.query = {{"state", "Only campaigns in this state (DRAFT, RUNNING, ...)."},
               limitParam(),
               cursorParam()};
  }
  {
    Route& r =
        add("POST", "/v1/campaigns", kStaff, "Create a draft campaign", h(&Impl::createCampaign));
    r.tag = "campaigns";
    r.request = BodyKind::Json;
    r.request_schema = "CampaignInput";
    r.response_schema = "Campaign";
    r.success_status = 201;
    r.description = "Saved as a draft; `problems` lists what must be fixed before it can start.";
  }
  {
    Route& r = add("GET", "/v1/campaigns/{campaign_id}", kEveryone,
                   "Get a campaign with its message counts", h(&Impl::getCampaign));
    r.tag = "campaigns";
    r.response_schema = "Campaign";
  }
  {
    Route& r = add("PUT", "/v1/campaigns/{campaign_id}", kStaff,
                   "Replace a draft or scheduled campaign's definition", h(&Impl::putCampaign));
    r.tag = "campaigns";
    r.request = BodyKind::Json;
    r.request_schema = "CampaignInput";
    r.response_schema = "Campaign";
  }
  {
    Route& r = add("GET", "/v1/campaigns/{campaign_id}/validation", kEveryone, "Check a campaign",
                   h(&Impl::validateCampaign));
    r.tag = "campaigns";
    r.response_schema = "Validation";
  }
  {
    Route& r = add("GET", "/v1/campaigns/{campaign_id}/preview", kEveryone,
                   "Preview the exact SMS per language", h(&Impl::previewCampaign));
    r.tag = "campaigns";
    r.response_schema = "Preview";
    r.description =
        "Exact text, encoding and segment count per language, with the recipients of each.";
  }
  {
    Route& r = add("POST", "/v1/campaigns/{campaign_id}/start", kStaff,
                   "Plan a campaign into the outbox (start or schedule)", h(&Impl::startCampaign));
    r.tag = "campaigns";
    r.response_schema = "PlanResult";
    r.description =
        "Plans every recipient now; messages wait in the outbox for schedule.start_at and each "
        "recipient's sending window. On a running campaign, adds contacts who joined since.";
  }
  {
    Route& r = add("POST", "/v1/campaigns/{campaign_id}/pause", kStaff, "Pause a running campaign",
                   [this](const RequestContext& ctx) {
                     return moveCampaign(ctx, store::CampaignState::Paused, "paused");
                   });
    r.tag = "campaigns";
    r.response_schema = "StateChange";
  }
  {
    Route& r = add("POST", "/v1/campaigns/{campaign_id}/resume", kStaff, "Resume a paused campaign",
                   [this](const RequestContext& ctx) {
                     return moveCampaign(ctx, store::CampaignState::Running, "resumed");
                   });
    r.tag = "campaigns";
    r.response_schema = "StateChange";
  }
  {
    Route& r = add("POST", "/v1/campaigns/{campaign_id}/cancel", kStaff, "Cancel a campaign",
                   [this](const RequestContext& ctx) {
                     return moveCampaign(ctx, store::CampaignState::Cancelled, "cancelled");
                   });
    r.tag = "campaigns";
    r.response_schema = "StateChange";
  }
  {
    Route& r = add("GET", "/v1/campaigns/{campaign_id}/results", kEveryone,
                   "Live results: tallies, rates, delivery", h(&Impl::results));
    r.tag = "results";
    r.response_schema = "Results";
  }
  {
    Route& r =
        add("GET", "/v1/campaigns/{campaign_id}/results/export", kEveryone,
            "Results as CSV, one row per respondent (pseudonymous)", h(&Impl::resultsExport));
    r.tag = "results";
    r.response = BodyKind::Csv;
  }
  {
    Route& r = add("GET", "/v1/campaigns/{campaign_id}/messages", kEveryone,
                   "A campaign's outbox messages and their states", h(&Impl::messages));
    r.tag = "messages";
    r.response_schema = "MessageList";
    r.query = {{"state",
                "Only messages in this state (queued, sending, submitted, delivered, "
                "failed, expired, unknown)."},
               limitParam(),
               cursorParam()};
    r.description =
        "Ordered by recipient. Bodies only for admin and officer; phone numbers for every role "
        "but analyst.";
  }

  // Single messages.
  {
    Route& r = add("POST", "/v1/messages", kStaff, "Send one message to one contact",
                   h(&Impl::sendMessage));
    r.tag = "messages";
    r.request = BodyKind::Json;
    r.success_status = 202;
    r.request_schema = "NewMessage";
    r.response_schema = "MessageAccepted";
    r.description =
        "The message is in the outbox (committed to disk) when the answer comes: 202 with its id, "
        "or 200 with the first message when the Idempotency-Key header repeats one used for "
        "the same contact. The recipient is a contact of the token's tenant, by contact_id or by "
        "phone number (to); 404 when there is none, 409 opted_out after a STOP. Sent before "
        "campaign messages and outside campaign sending windows; expires after valid_for_s "
        "(default one day). 503 busy with Retry-After when the intake queue is full.";
  }
  {
    Route& r = add("GET", "/v1/messages/{message_id}", kEveryone, "A message and its state",
                   h(&Impl::getMessage));
    r.tag = "messages";
    r.response_schema = "Message";
    r.description =
        "Any outbox message of the tenant (single or campaign). Bodies only for admin and "
        "officer; phone numbers for every role but analyst.";
  }

  // Opt-outs, inbox.
  {
    Route& r =
        add("GET", "/v1/opt-outs", kContactReaders, "Contacts who opted out", h(&Impl::optOuts));
    r.tag = "opt-outs";
    r.response_schema = "OptOutList";
    r.query = {limitParam(), cursorParam()};
  }
  {
    Route& r = add("GET", "/v1/inbox", kContactReaders,
                   "Unsolicited inbound messages, newest first", h(&Impl::inbox));
    r.tag = "inbox";
    r.response_schema = "InboxList";
    r.query = {limitParam(), cursorParam()};
    r.description = "Bodies only for admin and officer.";
  }

  // Tokens.
  {
    Route& r =
        add("GET", "/v1/tokens", kAdmin, "List the tenant's API tokens", h(&Impl::listTokens));
    r.tag = "tokens";
    r.response_schema = "TokenList";
    r.query = {limitParam(), cursorParam()};
  }
  {
    Route& r = add("POST", "/v1/tokens", kAdmin, "Create an API token", h(&Impl::createToken));
    r.tag = "tokens";
    r.request = BodyKind::Json;
    r.request_schema = "TokenInput";
    r.response_schema = "TokenCreated";
    r.success_status = 201;
    r.description = "The token is in the response once and never again; only its hash is kept.";
  }
  {
    Route& r = add("GET", "/v1/me", kEveryone, "The caller: tenant, role and token prefix",
                   [](const RequestContext& ctx) {
                     const Principal& p = *ctx.principal;
                     return jsonReply(200, {{"tenant_id", p.tenant_id},
                                            {"role", roleName(p.role)},
                                            {"token_id", p.token_id},
                                            {"token_prefix", "lia_" + p.token_id}});
                   });
    r.tag = "tokens";
    r.description = "Lets a client (the web console) show who is signed in and which roles apply.";
  }
  out.push_back(events.route());  // GET /v1/campaigns/{campaign_id}/events
  {
    Route& r = add("DELETE", "/v1/tokens/{token_id}", kAdmin, "Revoke an API token",
                   h(&Impl::revokeToken));
    r.tag = "tokens";
    r.success_status = 204;
    r.response = BodyKind::None;
  }
  return out;
}

RestApi::RestApi(store::Database& db, std::mutex& store_mu, RestApiOptions options)
    : impl_(std::make_unique<Impl>(db, store_mu, std::move(options))) {}

RestApi::~RestApi() = default;

std::vector<Route> RestApi::routes() { return impl_->routes(); }

Authenticator& RestApi::authenticator() { return impl_->auth; }

// =============================================================================================
// OpenAPI
// =============================================================================================

namespace {

// The shared schemas. Campaign definitions are described by reference to the proto (the
// mapping is in proto_json.h) rather than repeated here.
constexpr std::string_view kSchemas = R"json({
  "Error": {
    "type": "object",
    "required": ["error"],
    "properties": {
      "error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
          "code": {
            "type": "string",
            "description": "Stable lower-case code: not_found, forbidden, wrong_state, ..."
          },
          "message": {
            "type": "string",
            "description": "A fixed English sentence; never personal data."
          },
          "details": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Validation problems by field path."
          }
        }
      }
    }
  },
  "Status": {
    "type": "object",
    "properties": {"status": {"type": "string"}, "store": {"type": "string"}}
  },
  "Version": {"type": "object", "properties": {"version": {"type": "string"}}},
  "Time": {"type": "string", "format": "date-time", "description": "RFC 3339, UTC."},
  "Contact": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "phone": {"type": "string", "description": "E.164."},
      "name": {"type": "string"},
      "language": {"type": "string", "description": "BCP 47."},
      "country": {"type": "string", "description": "ISO 3166-1 alpha-2 of residence."},
      "region": {"type": "string"},
      "city": {"type": "string"},
      "time_zone": {"type": "string", "description": "IANA zone."},
      "time_zone_overridden": {"type": "boolean"},
      "status": {"type": "string", "enum": ["active", "opted_out", "invalid"]},
      "groups": {"type": "array", "items": {"type": "string"}},
      "fields": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}}
      },
      "consents": {"type": "array", "items": {"$ref": "#/components/schemas/Consent"}},
      "created_at": {"$ref": "#/components/schemas/Time"},
      "updated_at": {"$ref": "#/components/schemas/Time"}
    }
  },
  "Consent": {
    "type": "object",
    "properties": {
      "given_at": {"$ref": "#/components/schemas/Time"},
      "channel": {
        "type": "string",
        "enum": ["sms_keyword", "field_registration", "consulate_desk", "web_form", "import"]
      },
      "wording_version": {"type": "string"},
      "language": {"type": "string"},
      "recorded_by": {"type": "string"},
      "withdrawn_at": {"type": "string", "format": "date-time", "nullable": true}
    }
  },
  "ContactInput": {
    "type": "object",
    "description": "Any subset of the fields (phone to create), validated as an import row is.",
    "additionalProperties": false,
    "properties": {
      "phone": {"type": "string"},
      "name": {"type": "string"},
      "language": {"type": "string"},
      "country": {"type": "string"},
      "region": {"type": "string"},
      "city": {"type": "string"},
      "time_zone": {"type": "string"},
      "time_zone_overridden": {"type": "boolean"},
      "status": {"type": "string", "enum": ["active", "opted_out", "invalid"]},
      "groups": {"type": "array", "items": {"type": "string"}},
      "fields": {
        "type": "object",
        "additionalProperties": {
          "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
        }
      },
      "consent": {"$ref": "#/components/schemas/Consent"}
    }
  },
  "ContactList": {
    "type": "object",
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Contact"}},
      "next_cursor": {"type": "string", "nullable": true}
    }
  },
  "ContactSearch": {
    "type": "object",
    "properties": {
      "filter": {"$ref": "#/components/schemas/Filter"},
      "limit": {"type": "integer"},
      "cursor": {"type": "string"}
    }
  },
  "ImportReport": {
    "type": "object",
    "properties": {
      "committed": {"type": "boolean"},
      "rows": {"type": "integer"},
      "inserted": {"type": "integer"},
      "updated": {"type": "integer"},
      "rejected": {"type": "integer"},
      "rejections": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "line": {"type": "integer"},
            "column": {"type": "string"},
            "reason": {"type": "string"},
            "detail": {"type": "string"},
            "message": {"type": "string"},
            "duplicate_of_line": {"type": "integer"}
          }
        }
      },
      "rejections_truncated": {"type": "boolean"}
    }
  },
  "Filter": {
    "type": "object",
    "description": "liaison.v1.Filter: one of condition, all, any, negate.",
    "properties": {
      "condition": {
        "type": "object",
        "properties": {
          "field": {
            "type": "string",
            "description": "language, location.country, status, groups, custom.<key>, ..."
          },
          "op": {
            "type": "string",
            "enum": [
              "OPERATOR_EQUALS", "OPERATOR_NOT_EQUALS", "OPERATOR_IN", "OPERATOR_NOT_IN",
              "OPERATOR_HAS", "OPERATOR_LESS", "OPERATOR_GREATER", "OPERATOR_EXISTS"
            ]
          },
          "values": {"type": "array", "items": {"type": "string"}}
        }
      },
      "all": {
        "type": "object",
        "properties": {
          "filters": {"type": "array", "items": {"$ref": "#/components/schemas/Filter"}}
        }
      },
      "any": {
        "type": "object",
        "properties": {
          "filters": {"type": "array", "items": {"$ref": "#/components/schemas/Filter"}}
        }
      },
      "negate": {"$ref": "#/components/schemas/Filter"}
    }
  },
  "Segment": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "name": {"type": "string"},
      "filter": {"$ref": "#/components/schemas/Filter"},
      "count": {
        "type": "object",
        "properties": {"total": {"type": "integer"}, "reachable": {"type": "integer"}}
      },
      "created_at": {"$ref": "#/components/schemas/Time"},
      "updated_at": {"$ref": "#/components/schemas/Time"}
    }
  },
  "SegmentInput": {
    "type": "object",
    "required": ["name", "filter"],
    "properties": {"name": {"type": "string"}, "filter": {"$ref": "#/components/schemas/Filter"}}
  },
  "SegmentList": {
    "type": "object",
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Segment"}},
      "next_cursor": {"type": "string", "nullable": true}
    }
  },
  "CampaignInput": {
    "type": "object",
    "description": "liaison.v1.Campaign in the proto3 JSON mapping; see docs/api.md.",
    "required": ["name"],
    "properties": {
      "name": {"type": "string"},
      "segment_id": {"type": "string"},
      "fallback_language": {"type": "string"},
      "notice": {"type": "object"},
      "poll": {"type": "object"},
      "schedule": {"type": "object"},
      "resend_policy": {
        "type": "string",
        "enum": ["RESEND_POLICY_AT_LEAST_ONCE", "RESEND_POLICY_NEVER"]
      }
    }
  },
  "Campaign": {
    "allOf": [
      {"$ref": "#/components/schemas/CampaignInput"},
      {
        "type": "object",
        "properties": {
          "id": {"type": "string", "description": "UUIDv7."},
          "kind": {"type": "string", "enum": ["notice", "poll"]},
          "state": {
            "type": "string",
            "enum": [
              "CAMPAIGN_STATE_DRAFT", "CAMPAIGN_STATE_SCHEDULED", "CAMPAIGN_STATE_RUNNING",
              "CAMPAIGN_STATE_PAUSED", "CAMPAIGN_STATE_COMPLETED", "CAMPAIGN_STATE_CANCELLED"
            ]
          },
          "created_at": {"$ref": "#/components/schemas/Time"},
          "updated_at": {"$ref": "#/components/schemas/Time"},
          "messages": {
            "type": "object",
            "description": "Outbox rows per state, and total.",
            "additionalProperties": {"type": "integer"}
          },
          "problems": {
            "type": "array",
            "items": {"type": "string"},
            "description": "After create and update: what validation found."
          }
        }
      }
    ]
  },
  "CampaignList": {
    "type": "object",
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Campaign"}},
      "next_cursor": {"type": "string", "nullable": true}
    }
  },
  "Validation": {
    "type": "object",
    "properties": {
      "valid": {"type": "boolean"},
      "problems": {"type": "array", "items": {"type": "string"}}
    }
  },
  "Preview": {
    "type": "object",
    "properties": {
      "campaign_id": {"type": "string"},
      "audience": {"type": "integer"},
      "total_segments": {"type": "integer"},
      "messages": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "language": {"type": "string"},
            "text": {"type": "string"},
            "encoding": {"type": "string", "enum": ["gsm7", "gsm7_national", "ucs2"]},
            "segments": {"type": "integer"},
            "characters": {"type": "integer"},
            "recipients": {"type": "integer"},
            "audience_languages": {"type": "array", "items": {"type": "string"}}
          }
        }
      }
    }
  },
  "PlanResult": {
    "type": "object",
    "properties": {
      "campaign_id": {"type": "string"},
      "state": {"type": "string"},
      "audience": {"type": "integer"},
      "planned": {"type": "integer"},
      "inserted": {"type": "integer"},
      "already_present": {"type": "integer"},
      "sessions_opened": {"type": "integer"},
      "zone_fallbacks": {"type": "integer"},
      "utc_fallbacks": {"type": "integer"},
      "started": {"type": "boolean"}
    }
  },
  "StateChange": {
    "type": "object",
    "properties": {
      "campaign_id": {"type": "string"},
      "state": {"type": "string"},
      "messages_affected": {"type": "integer"}
    }
  },
  "Results": {
    "type": "object",
    "description": "Sessions, questions, delivery; by country and by language.",
    "properties": {
      "campaign_id": {"type": "string"},
      "sessions": {"type": "object"},
      "questions": {"type": "array", "items": {"type": "object"}},
      "answers_without_session": {"type": "integer"},
      "delivery": {"type": "object"},
      "by_country": {"type": "array", "items": {"type": "object"}},
      "by_language": {"type": "array", "items": {"type": "object"}}
    }
  },
  "Message": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "contact_id": {"type": "integer"},
      "step": {"type": "string"},
      "to": {"type": "string", "description": "Not for analysts."},
      "body": {"type": "string", "description": "Admin and officer only."},
      "language": {"type": "string"},
      "encoding": {"type": "string"},
      "segments": {"type": "integer"},
      "state": {
        "type": "string",
        "enum": ["queued", "sending", "submitted", "delivered", "failed", "expired", "unknown"]
      },
      "attempts": {"type": "integer"},
      "channel": {"type": "string"},
      "failure_code": {"type": "string"},
      "not_before": {"$ref": "#/components/schemas/Time"},
      "expires_at": {"type": "string", "format": "date-time", "nullable": true},
      "created_at": {"$ref": "#/components/schemas/Time"},
      "updated_at": {"$ref": "#/components/schemas/Time"}
    }
  },
  "NewMessage": {
    "type": "object",
    "required": ["text"],
    "properties": {
      "contact_id": {"type": "integer", "description": "The recipient; or give to."},
      "to": {"type": "string", "description": "The recipient's number (a contact of the tenant)."},
      "text": {"type": "string", "description": "UTF-8; encoding and segments chosen as for campaigns."},
      "resend": {"type": "string", "enum": ["at_least_once", "never"]},
      "valid_for_s": {"type": "integer", "minimum": 60, "maximum": 604800}
    }
  },
  "MessageAccepted": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "contact_id": {"type": "integer"},
      "state": {"type": "string"},
      "duplicate": {"type": "boolean", "description": "True when the Idempotency-Key was used before."}
    }
  },
  "MessageList": {
    "type": "object",
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
      "next_cursor": {"type": "string", "nullable": true}
    }
  },
  "OptOutList": {
    "type": "object",
    "properties": {
      "items": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "contact_id": {"type": "integer"},
            "phone": {"type": "string"},
            "opted_out_at": {"$ref": "#/components/schemas/Time"}
          }
        }
      },
      "next_cursor": {"type": "string", "nullable": true}
    }
  },
  "InboxList": {
    "type": "object",
    "properties": {
      "items": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "id": {"type": "integer"},
            "channel": {"type": "string"},
            "from": {"type": "string"},
            "body": {"type": "string", "description": "Admin and officer only."},
            "received_at": {"$ref": "#/components/schemas/Time"}
          }
        }
      },
      "next_cursor": {"type": "string", "nullable": true}
    }
  },
  "Token": {
    "type": "object",
    "properties": {
      "id": {"type": "string"},
      "name": {"type": "string"},
      "role": {"type": "string", "enum": ["admin", "officer", "analyst", "auditor"]},
      "prefix": {"type": "string"},
      "created_at": {"$ref": "#/components/schemas/Time"},
      "expires_at": {"type": "string", "format": "date-time", "nullable": true},
      "revoked_at": {"type": "string", "format": "date-time", "nullable": true},
      "last_used_at": {"type": "string", "format": "date-time", "nullable": true}
    }
  },
  "TokenCreated": {
    "allOf": [
      {"$ref": "#/components/schemas/Token"},
      {
        "type": "object",
        "properties": {
          "token": {"type": "string", "description": "lia_<id>_<secret>: shown once."}
        }
      }
    ]
  },
  "TokenInput": {
    "type": "object",
    "required": ["name", "role"],
    "properties": {
      "name": {"type": "string"},
      "role": {"type": "string", "enum": ["admin", "officer", "analyst", "auditor"]},
      "expires_at": {"$ref": "#/components/schemas/Time"}
    }
  },
  "TokenList": {
    "type": "object",
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}},
      "next_cursor": {"type": "string", "nullable": true}
    }
  }
})json";

std::string operationId(const Route& r) {
  std::string id;
  for (char c : r.method) id += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  bool upper = true;
  std::string_view pattern = r.pattern;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '{') {
      id += "By";
      upper = true;
      continue;
    }
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      upper = true;
      continue;
    }
    id += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return id;
}

json errorRef() { return {{"$ref", "#/components/responses/Error"}}; }

json bodyContent(BodyKind kind, const std::string& schema) {
  switch (kind) {
    case BodyKind::Json:
      return {{"application/json",
               {{"schema", schema.empty() ? json{{"type", "object"}}
                                          : json{{"$ref", "#/components/schemas/" + schema}}}}}};
    case BodyKind::Csv: return {{"text/csv", {{"schema", {{"type", "string"}}}}}};
    case BodyKind::Text: return {{"text/plain", {{"schema", {{"type", "string"}}}}}};
    case BodyKind::EventStream: return {{"text/event-stream", {{"schema", {{"type", "string"}}}}}};
    case BodyKind::Binary:
      return {
          {"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}};
    case BodyKind::None: break;
  }
  return json::object();
}

}  // namespace

std::string openApiDocument(const std::vector<Route>& routes) {
  json doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {
      {"title", "Liaison gateway API"},
      {"version", "1"},
      {"description",
       "JSON over HTTP/1.1. Every /v1 route but /v1/version and /v1/openapi.json needs "
       "`Authorization: Bearer lia_<id>_<secret>`; x-liaison-roles lists the roles each route "
       "allows. Ids of another tenant answer 404. Errors are {\"error\": {\"code\", \"message\"}}. "
       "Lists take limit and cursor and return next_cursor. Generated from the gateway's route "
       "table; see docs/api.md."}};
  json schemas = json::parse(kSchemas);
  doc["components"] = {
      {"securitySchemes",
       {{"bearer",
         {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "lia_<id>_<secret>"}}}}},
      {"schemas", std::move(schemas)},
      {"responses",
       {{"Error",
         {{"description", "An error"},
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}}}};
  json paths = json::object();
  std::set<std::string> tags;
  for (const Route& r : routes) {
    json op;
    op["summary"] = r.summary;
    op["operationId"] = operationId(r);
    if (!r.tag.empty()) {
      op["tags"] = json::array({r.tag});
      tags.insert(r.tag);
    }
    std::string description = r.description;
    if (r.access == RouteAccess::Token) {
      op["security"] = json::array({{{"bearer", json::array()}}});
      json roles = json::array();
      std::string names;
      for (Role role : r.roles.list()) {
        roles.push_back(roleName(role));
        names += names.empty() ? "" : ", ";
        names += roleName(role);
      }
      op["x-liaison-roles"] = std::move(roles);
      description += (description.empty() ? "" : " ") + ("Roles: " + names + ".");
    } else {
      op["security"] = json::array();
      if (r.access == RouteAccess::Custom) {
        description += (description.empty() ? "" : " ") +
                       std::string("Authenticated by the endpoint itself (signature or secret).");
      }
    }
    if (!description.empty()) op["description"] = description;

    json parameters = json::array();
    bool has_path_params = false;
    std::string_view pattern = r.pattern;
    for (std::size_t open = pattern.find('{'); open != std::string_view::npos;
         open = pattern.find('{', open + 1)) {
      const std::size_t close = pattern.find('}', open);
      parameters.push_back({{"name", std::string(pattern.substr(open + 1, close - open - 1))},
                            {"in", "path"},
                            {"required", true},
                            {"schema", {{"type", "string"}}}});
      has_path_params = true;
    }
    for (const QueryParam& q : r.query) {
      parameters.push_back({{"name", q.name},
                            {"in", "query"},
                            {"required", false},
                            {"description", q.description},
                            {"schema", {{"type", q.type}}}});
    }
    if (!parameters.empty()) op["parameters"] = std::move(parameters);
    if (r.request != BodyKind::None) {
      op["requestBody"] = {{"required", true},
                           {"content", bodyContent(r.request, r.request_schema)}};
    }

    json responses = json::object();
    json success = {{"description", r.success_status == 201   ? "Created"
                                    : r.success_status == 204 ? "No content"
                                                              : "OK"}};
    if (r.response != BodyKind::None && r.success_status != 204) {
      success["content"] = bodyContent(r.response, r.response_schema);
    }
    responses[std::to_string(r.success_status)] = std::move(success);
    if (r.access == RouteAccess::Token) {
      responses["401"] = errorRef();
      responses["403"] = errorRef();
      responses["429"] = errorRef();
      if (!r.query.empty() || r.request != BodyKind::None) responses["400"] = errorRef();
      if (r.request == BodyKind::Json || r.request == BodyKind::Csv) responses["415"] = errorRef();
    }
    if (has_path_params) responses["404"] = errorRef();
    responses["default"] = errorRef();
    op["responses"] = std::move(responses);

    std::string method;
    for (char c : r.method) method += static_cast<char>(c - 'A' + 'a');
    paths[r.pattern][method] = std::move(op);
  }
  doc["paths"] = std::move(paths);
  json tag_list = json::array();
  for (const std::string& t : tags) tag_list.push_back({{"name", t}});
  doc["tags"] = std::move(tag_list);
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace liaison::gateway::api
