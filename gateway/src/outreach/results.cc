// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Results: grouped rows from the ResultsStore folded into overall, per-country and
// per-language results, and the CSV export over ResultsStore::forEachRespondent.
#include "outreach/results.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <ostream>
#include <unordered_map>
#include <utility>

#include "outreach/contact_import.h"
#include "outreach/csv.h"

namespace liaison::gateway::outreach {

namespace {

using liaison::v1::Question;

store::AnswerKind kindOf(const Question& q) {
  switch (q.kind_case()) {
    case Question::kSingleChoice: return store::AnswerKind::Choice;
    case Question::kYesNo: return store::AnswerKind::YesNo;
    case Question::kNumber: return store::AnswerKind::Number;
    // A question without a kind never passes PollEngine::create; count its answers as text.
    case Question::kFreeText:
    case Question::KIND_NOT_SET: break;
  }
  return store::AnswerKind::Text;
}

double ratio(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// One question's counts within one group, as the store's rows are folded in.
struct QuestionAccum {
  std::int64_t answered = 0;
  std::int64_t from_field_device = 0;
  std::int64_t truncated = 0;
  std::map<std::string, std::int64_t> choices;  // stored choice id -> count
  std::int64_t numbers = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  std::optional<double> median;

  void add(const store::AnswerGroupTally& t) {
    answered += t.answers;
    from_field_device += t.from_field_device;
    truncated += t.truncated;
    choices[t.choice_id] += t.answers;
    if (t.numbers > 0) {
      min = numbers == 0 ? t.min : std::min(min, t.min);
      max = numbers == 0 ? t.max : std::max(max, t.max);
      numbers += t.numbers;
      sum += t.sum;
    }
  }
};

struct GroupAccum {
  SessionStats sessions;
  std::vector<QuestionAccum> questions;
};

void addSessions(const store::SessionGroupCount& g, SessionStats* s) {
  s->started += g.sessions;
  s->responded += g.responded;
  switch (g.state) {
    case store::SessionState::Open: s->open += g.sessions; break;
    case store::SessionState::Finished: s->completed += g.sessions; break;
    case store::SessionState::Expired: s->expired += g.sessions; break;
    case store::SessionState::Stopped: s->stopped += g.sessions; break;
  }
}

void finishRates(SessionStats* s) {
  s->response_rate = ratio(s->responded, s->started);
  s->completion_rate = ratio(s->completed, s->started);
}

class Builder {
 public:
  explicit Builder(const liaison::v1::Campaign& campaign) {
    if (campaign.has_poll()) {
      for (const Question& q : campaign.poll().questions()) questions_.push_back(&q);
    }
    for (std::size_t i = 0; i < questions_.size(); ++i) index_.emplace(questions_[i]->id(), i);
    overall_.questions.resize(questions_.size());
  }

  void addSessions(const store::SessionGroupCount& g) {
    outreach::addSessions(g, &overall_.sessions);
    outreach::addSessions(g, &group(&countries_, g.country).sessions);
    outreach::addSessions(g, &group(&languages_, g.language).sessions);
  }

  // Returns false when the row is about a question the definition does not have.
  bool addTally(const store::AnswerGroupTally& t) {
    auto it = index_.find(t.question_id);
    if (it == index_.end()) return false;
    overall_.questions[it->second].add(t);
    if (t.has_session) {
      group(&countries_, t.country).questions[it->second].add(t);
      group(&languages_, t.language).questions[it->second].add(t);
    }
    return true;
  }

  // The Number questions: (position, id).
  std::vector<std::pair<std::size_t, std::string>> numberQuestions() const {
    std::vector<std::pair<std::size_t, std::string>> out;
    for (std::size_t i = 0; i < questions_.size(); ++i) {
      if (kindOf(*questions_[i]) == store::AnswerKind::Number) {
        out.emplace_back(i, questions_[i]->id());
      }
    }
    return out;
  }

  void setMedians(std::size_t question, const std::vector<store::NumberMedian>& medians,
                  store::ResultsGrouping by) {
    for (const store::NumberMedian& m : medians) {
      GroupAccum* g = &overall_;
      if (by == store::ResultsGrouping::Country) g = &group(&countries_, m.group);
      if (by == store::ResultsGrouping::Language) g = &group(&languages_, m.group);
      g->questions[question].median = m.median;
    }
  }

  void finish(CampaignResults* out) {
    out->sessions = overall_.sessions;
    finishRates(&out->sessions);
    out->questions = finishQuestions(&overall_);
    out->by_country = finishGroups(&countries_);
    out->by_language = finishGroups(&languages_);
  }

 private:
  GroupAccum& group(std::map<std::string, GroupAccum>* groups, const std::string& key) {
    auto [it, inserted] = groups->try_emplace(key);
    if (inserted) it->second.questions.resize(questions_.size());
    return it->second;
  }

  std::vector<GroupResult> finishGroups(std::map<std::string, GroupAccum>* groups) {
    std::vector<GroupResult> out;
    out.reserve(groups->size());
    for (auto& [key, g] : *groups) {  // std::map: sorted by key
      GroupResult& r = out.emplace_back();
      r.key = key;
      r.sessions = g.sessions;
      finishRates(&r.sessions);
      r.questions = finishQuestions(&g);
    }
    return out;
  }

  std::vector<QuestionResult> finishQuestions(GroupAccum* g) {
    std::vector<QuestionResult> out(questions_.size());
    for (std::size_t i = 0; i < questions_.size(); ++i) {
      const Question& q = *questions_[i];
      QuestionAccum& a = g->questions[i];
      QuestionResult& r = out[i];
      r.question_id = q.id();
      r.kind = kindOf(q);
      r.answered = a.answered;
      r.from_field_device = a.from_field_device;
      r.from_sms = a.answered - a.from_field_device;
      auto take = [&](const std::string& id) {
        ChoiceCount& c = r.choices.emplace_back();
        c.choice_id = id;
        auto it = a.choices.find(id);
        if (it != a.choices.end()) {
          c.count = it->second;
          a.choices.erase(it);
        }
      };
      switch (r.kind) {
        case store::AnswerKind::Choice:
          for (const liaison::v1::Choice& c : q.single_choice().choices()) take(c.id());
          break;
        case store::AnswerKind::YesNo:
          take("yes");
          take("no");
          break;
        case store::AnswerKind::Number:
          if (a.numbers > 0) {
            r.min = a.min;
            r.max = a.max;
            r.mean = a.sum / static_cast<double>(a.numbers);
            r.median = a.median;
          }
          break;
        case store::AnswerKind::Text: r.truncated = a.truncated; break;
      }
      if (r.kind == store::AnswerKind::Choice || r.kind == store::AnswerKind::YesNo) {
        // Stored ids the definition does not (or no longer) have, so the counts add up.
        for (const auto& [id, count] : a.choices) {
          if (count > 0) r.choices.push_back({id, count, 0});
        }
        for (ChoiceCount& c : r.choices) c.share = ratio(c.count, r.answered);
      }
    }
    return out;
  }

  std::vector<const Question*> questions_;
  std::unordered_map<std::string, std::size_t> index_;
  GroupAccum overall_;
  std::map<std::string, GroupAccum> countries_;
  std::map<std::string, GroupAccum> languages_;
};

// ---- CSV ----

// Numbers we format ourselves: no guard, so -3 stays a number. Fixed notation, the fewest
// digits that read back as the same double: 1000000, not 1e+06.
void number(CsvLineWriter* line, double v) {
  std::array<char, 512> buf{};  // the longest fixed double (5e-324) is under 330 chars
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed);
  line->raw(ec == std::errc()
                ? std::string_view(buf.data(), static_cast<std::size_t>(end - buf.data()))
                : std::string_view());
}

void answerCell(const store::AnswerRecord& a, CsvLineWriter* line) {
  switch (a.kind) {
    case store::AnswerKind::Choice: line->text(a.choice_id); return;
    case store::AnswerKind::YesNo:
      if (!a.choice_id.empty() || !a.number) {
        line->text(a.choice_id);
      } else {
        line->text(*a.number != 0 ? "yes" : "no");
      }
      return;
    case store::AnswerKind::Number:
      if (a.number) {
        number(line, *a.number);
      } else {
        line->raw({});
      }
      return;
    case store::AnswerKind::Text: line->text(a.text); return;
  }
  line->raw({});
}

}  // namespace

const char* answerKindName(store::AnswerKind kind) {
  switch (kind) {
    case store::AnswerKind::Choice: return "single_choice";
    case store::AnswerKind::YesNo: return "yes_no";
    case store::AnswerKind::Number: return "number";
    case store::AnswerKind::Text: return "free_text";
  }
  return "";
}

const char* sessionStateName(store::SessionState state) {
  switch (state) {
    case store::SessionState::Open: return "open";
    case store::SessionState::Finished: return "finished";
    case store::SessionState::Expired: return "expired";
    case store::SessionState::Stopped: return "stopped";
  }
  return "";
}

std::error_code computeResults(store::ResultsStore& results, store::OutboxStore& outbox,
                               std::string_view tenant, std::string_view campaign_id,
                               CampaignResults* out) {
  *out = CampaignResults{};
  return results.readSnapshot([&]() -> std::error_code {
    liaison::v1::Campaign campaign;
    if (auto ec = results.findCampaign(tenant, campaign_id, &campaign)) return ec;
    Builder b(campaign);

    std::vector<store::SessionGroupCount> sessions;
    if (auto ec = results.sessionCounts(campaign_id, &sessions)) return ec;
    for (const store::SessionGroupCount& g : sessions) b.addSessions(g);

    std::vector<store::AnswerGroupTally> tallies;
    if (auto ec = results.answerTallies(campaign_id, &tallies)) return ec;
    std::int64_t without_session = 0;
    for (const store::AnswerGroupTally& t : tallies) {
      if (b.addTally(t) && !t.has_session) without_session += t.answers;
    }

    std::vector<store::NumberMedian> medians;
    for (const auto& [position, question_id] : b.numberQuestions()) {
      for (store::ResultsGrouping by :
           {store::ResultsGrouping::Overall, store::ResultsGrouping::Country,
            store::ResultsGrouping::Language}) {
        if (auto ec = results.numberMedians(campaign_id, question_id, by, &medians)) return ec;
        b.setMedians(position, medians, by);
      }
    }

    std::array<std::int64_t, 8> by_state{};
    if (auto ec = outbox.countByState(campaign_id, &by_state)) return ec;

    out->campaign_id = campaign_id;
    b.finish(out);
    out->answers_without_session = without_session;
    DeliveryStats& d = out->delivery;
    auto at = [&](store::OutboxState s) { return by_state[static_cast<std::size_t>(s)]; };
    d.queued = at(store::OutboxState::Queued);
    d.sending = at(store::OutboxState::Sending);
    d.submitted = at(store::OutboxState::Submitted);
    d.delivered = at(store::OutboxState::Delivered);
    d.failed = at(store::OutboxState::Failed);
    d.expired = at(store::OutboxState::Expired);
    d.unknown = at(store::OutboxState::Unknown);
    d.total = d.queued + d.sending + d.submitted + d.delivered + d.failed + d.expired + d.unknown;
    d.delivery_rate = ratio(d.delivered, d.total);
    return {};
  });
}

ExportResult exportResultsCsv(store::ResultsStore& results, std::string_view tenant,
                              std::string_view campaign_id,
                              const std::function<bool(std::string_view chunk)>& sink,
                              const ResultsExportOptions& options) {
  ExportResult result;
  std::string buf;
  buf.reserve(std::min<std::size_t>(options.flush_bytes, 1 << 20) + 4096);
  CsvLineWriter line(options.delimiter, &buf);
  std::error_code stop;
  auto flush = [&](bool force) {
    if (buf.empty() || (!force && buf.size() < options.flush_bytes)) return true;
    if (!sink(buf)) {
      stop = ExportErrc::WriteFailed;
      return false;
    }
    buf.clear();
    return true;
  };

  result.error = results.readSnapshot([&]() -> std::error_code {
    liaison::v1::Campaign campaign;
    if (auto ec = results.findCampaign(tenant, campaign_id, &campaign)) return ec;
    std::vector<std::string> question_ids;
    if (campaign.has_poll()) {
      for (const Question& q : campaign.poll().questions()) question_ids.push_back(q.id());
    }

    for (const char* h : {"pseudonym", "language", "country", "state", "started_at"}) line.text(h);
    for (const std::string& id : question_ids) line.text(id);
    line.text("last_answered_at");
    line.end();
    if (!flush(false)) return {};

    return results.forEachRespondent(campaign_id, question_ids, [&](const store::RespondentRow& r) {
      line.text(r.session.pseudonym);
      line.text(r.session.language);
      line.text(r.session.country);
      line.text(sessionStateName(r.session.state));
      line.text(formatIsoTime(r.session.started_at));
      std::optional<std::int64_t> last;
      for (const std::optional<store::AnswerRecord>& a : r.answers) {
        if (!a) {
          line.raw({});
          continue;
        }
        answerCell(*a, &line);
        last = std::max(last.value_or(a->answered_at), a->answered_at);
      }
      if (last) {
        line.text(formatIsoTime(*last));
      } else {
        line.raw({});
      }
      line.end();
      ++result.rows;
      return flush(false);
    });
  });
  if (!result.error && stop) result.error = stop;
  if (!result.error && !flush(true)) result.error = stop;
  return result;
}

ExportResult exportResultsCsv(store::ResultsStore& results, std::string_view tenant,
                              std::string_view campaign_id, std::ostream& out,
                              const ResultsExportOptions& options) {
  return exportResultsCsv(
      results, tenant, campaign_id,
      [&out](std::string_view chunk) {
        out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        return out.good();
      },
      options);
}

}  // namespace liaison::gateway::outreach
