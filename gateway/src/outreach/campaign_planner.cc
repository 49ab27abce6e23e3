// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// CampaignPlanner: definition checks, per-language texts analysed once, zones loaded once,
// and the audience paged into the outbox.
#include "outreach/campaign_planner.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <utility>

#include "liaison/v1/segments.pb.h"
#include "outreach/normalize.h"
#include "outreach/poll_engine.h"
#include "outreach/segment_filter.h"
#include "outreach/send_window.h"
#include "outreach/time_zones.h"
#include "sms/encoding.h"

namespace liaison::gateway::outreach {

namespace {

using liaison::v1::Campaign;
using liaison::v1::LocalizedText;
using liaison::v1::Translation;

class PlanCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "liaison.plan"; }
  std::string message(int ev) const override {
    switch (static_cast<PlanErrc>(ev)) {
      case PlanErrc::InvalidCampaign: return "the campaign definition has problems";
      case PlanErrc::WrongState: return "the campaign's state does not allow planning";
      case PlanErrc::Cancelled: return "planning was cancelled";
    }
    return "unknown planning error";
  }
};

// Caches are bounded so that junk data (thousands of distinct language tags or zone ids)
// costs time, never unbounded memory: past the bound, lookups are computed and not kept.
constexpr std::size_t kMaxCachedTexts = 1024;
constexpr std::size_t kMaxCachedZones = 1024;

std::string_view primarySubtag(std::string_view tag) { return tag.substr(0, tag.find('-')); }

// The translation a recipient with `language` gets: PollEngine::render's rule.
const Translation* resolve(const LocalizedText& text, std::string_view language,
                           std::string_view fallback) {
  const Translation* primary = nullptr;
  const Translation* in_fallback = nullptr;
  const Translation* first = nullptr;
  for (const Translation& tr : text.translations()) {
    if (tr.text().empty()) continue;
    if (tr.language() == language) return &tr;
    if (!first) first = &tr;
    if (!primary && primarySubtag(tr.language()) == primarySubtag(language)) primary = &tr;
    if (!in_fallback && tr.language() == fallback) in_fallback = &tr;
  }
  if (primary) return primary;
  if (in_fallback) return in_fallback;
  return first;
}

class Problems {
 public:
  explicit Problems(std::vector<std::string>* out) : out_(out) {}
  void add(const std::string& where, const std::string& what) {
    out_->push_back(where + ": " + what);
  }

 private:
  std::vector<std::string>* out_;
};

bool hasText(const LocalizedText& t) {
  return std::any_of(t.translations().begin(), t.translations().end(),
                     [](const Translation& tr) { return !tr.text().empty(); });
}

bool hasTextIn(const LocalizedText& t, const std::string& language) {
  return std::any_of(t.translations().begin(), t.translations().end(), [&](const Translation& tr) {
    return tr.language() == language && !tr.text().empty();
  });
}

// Language tags, duplicates, and each text's encodability and length. Tags that are not
// canonical are not quoted back: the field could hold anything.
void checkTranslations(const LocalizedText& t, const std::string& path, int max_segments,
                       Problems& problems) {
  std::set<std::string> seen;
  for (int i = 0; i < t.translations_size(); ++i) {
    const Translation& tr = t.translations(i);
    const std::string at = path + ".translations[" + std::to_string(i) + "]";
    if (tr.language().empty()) {
      problems.add(at + ".language", "not set");
    } else if (canonicalLanguage(tr.language()) != tr.language()) {
      problems.add(at + ".language", "not a canonical BCP 47 tag (such as 'tr' or 'pt-BR')");
    } else if (!seen.insert(tr.language()).second) {
      problems.add(at + ".language", "'" + tr.language() + "' appears twice");
    }
    if (tr.text().empty()) {
      problems.add(at + ".text", "empty");
      continue;
    }
    SmsTextAnalysis a;
    std::string why;
    if (!analyseSmsText(tr.text(), max_segments, &a, &why)) problems.add(at + ".text", why);
  }
}

void checkTime(const liaison::v1::LocalTime& t, const std::string& path, Problems& problems) {
  if (t.hour() < 0 || t.hour() > 23) {
    problems.add(path, "hour " + std::to_string(t.hour()) + " out of range");
  }
  if (t.minute() < 0 || t.minute() > 59) {
    problems.add(path, "minute " + std::to_string(t.minute()) + " out of range");
  }
}

std::optional<std::int64_t> parseSegmentId(const std::string& id) {
  std::int64_t v = 0;
  const char* end = id.data() + id.size();
  auto [p, ec] = std::from_chars(id.data(), end, v);
  if (id.empty() || ec != std::errc() || p != end || v <= 0) return std::nullopt;
  return v;
}

// One message as a group of recipients gets it.
struct Message {
  std::string language;  // of the text sent
  std::string text;
  SmsTextAnalysis analysis;
};

// The message for each recipient language, built and analysed on first use. Recipients whose
// languages resolve to the same text share one analysis.
class MessageTable {
 public:
  MessageTable(const Campaign& campaign, const PollEngine* engine, int max_segments)
      : campaign_(campaign), engine_(engine), max_segments_(max_segments) {}

  // The message a recipient with `language` ("" = none) gets. False with *why when it cannot
  // be sent (a combination of poll texts validate() did not see exceeds the length limit).
  bool get(std::string_view language, const Message** out, std::string* why) {
    auto it = cache_.find(language);
    if (it != cache_.end()) {
      *out = &it->second;
      return true;
    }
    Message m;
    if (!build(language, &m, why)) return false;
    if (cache_.size() >= kMaxCachedTexts) {
      spare_ = std::move(m);
      *out = &spare_;
      return true;
    }
    *out = &cache_.emplace(std::string(language), std::move(m)).first->second;
    return true;
  }

 private:
  bool build(std::string_view contact_language, Message* m, std::string* why) {
    const std::string& fallback = campaign_.fallback_language();
    const std::string language =
        contact_language.empty() ? fallback : std::string(contact_language);
    const Translation* tr = nullptr;
    if (engine_ != nullptr) {
      const auto& first = campaign_.poll().questions(0);
      tr = resolve(first.prompt(), language, fallback);
      PollSession session;
      session.language = language;
      m->text = engine_->start(session, 0).text;
    } else {
      tr = resolve(campaign_.notice().body(), language, fallback);
      if (tr != nullptr) m->text = tr->text();
    }
    m->language = tr != nullptr ? tr->language() : fallback;
    auto a = analysed_.find(m->text);
    if (a != analysed_.end()) {
      m->analysis = a->second;
      return true;
    }
    if (!analyseSmsText(m->text, max_segments_, &m->analysis, why)) return false;
    if (analysed_.size() < kMaxCachedTexts) analysed_.emplace(m->text, m->analysis);
    return true;
  }

  const Campaign& campaign_;
  const PollEngine* engine_;
  int max_segments_;
  std::map<std::string, Message, std::less<>> cache_;      // by recipient language
  std::map<std::string, SmsTextAnalysis, std::less<>> analysed_;  // by text
  Message spare_;
};

// Zone rules by id, each loaded once. A recipient without a usable zone is planned in their
// country's default zone, else UTC.
class ZoneCache {
 public:
  enum class Source { Own, Country, Utc };

  const ZoneRules& forRecipient(std::string_view zone, std::string_view country, Source* source) {
    if (const ZoneRules* z = lookup(zone)) {
      *source = Source::Own;
      return *z;
    }
    if (const ZoneRules* z = lookup(defaultTimeZone(country))) {
      *source = Source::Country;
      return *z;
    }
    *source = Source::Utc;
    return ZoneRules::utc();
  }

 private:
  const ZoneRules* lookup(std::string_view id) {
    if (id.empty()) return nullptr;
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second.get();
    std::error_code ec;
    std::unique_ptr<ZoneRules> rules = ZoneRules::load(id, &ec);
    if (cache_.size() >= kMaxCachedZones) {
      spare_ = std::move(rules);
      return spare_.get();
    }
    return cache_.emplace(std::string(id), std::move(rules)).first->second.get();
  }

  std::map<std::string, std::unique_ptr<ZoneRules>, std::less<>> cache_;  // null: unknown id
  std::unique_ptr<ZoneRules> spare_;
};

}  // namespace

const std::error_category& planCategory() {
  static const PlanCategory category;
  return category;
}

std::error_code make_error_code(PlanErrc e) { return {static_cast<int>(e), planCategory()}; }

store::ResendPolicy effectiveResendPolicy(const Campaign& campaign) {
  switch (campaign.resend_policy()) {
    case liaison::v1::RESEND_POLICY_AT_LEAST_ONCE: return store::ResendPolicy::AtLeastOnce;
    case liaison::v1::RESEND_POLICY_NEVER: return store::ResendPolicy::Never;
    default:
      return campaign.has_poll() ? store::ResendPolicy::Never : store::ResendPolicy::AtLeastOnce;
  }
}

struct CampaignPlanner::Checked {
  store::SqlWhere where;
  std::optional<PollEngine> engine;
  SchedulePlan schedule;
};

CampaignPlanner::CampaignPlanner(store::CampaignStore& campaigns, store::SegmentStore& segments,
                                 store::OutboxStore& outbox, store::ResponseStore& responses,
                                 PlannerOptions options)
    : campaigns_(campaigns),
      segments_(segments),
      outbox_(outbox),
      responses_(responses),
      options_(options) {
  options_.page_rows = std::max(options_.page_rows, 1);
  options_.max_segments = std::clamp(options_.max_segments, 1, 255);
}

std::error_code CampaignPlanner::check(const Campaign& c, std::int64_t now, Checked* out,
                                       std::vector<std::string>* problem_lines) {
  problem_lines->clear();
  Problems problems(problem_lines);
  if (c.tenant_id().empty()) problems.add("tenant_id", "not set");
  if (c.name().empty()) problems.add("name", "not set");
  const std::string& fallback = c.fallback_language();
  const bool fallback_ok = !fallback.empty() && canonicalLanguage(fallback) == fallback;
  if (fallback.empty()) {
    problems.add("fallback_language", "not set");
  } else if (!fallback_ok) {
    problems.add("fallback_language", "not a canonical BCP 47 tag (such as 'en' or 'pt-BR')");
  }

  // Content.
  switch (c.content_case()) {
    case Campaign::kNotice: {
      const LocalizedText& body = c.notice().body();
      checkTranslations(body, "notice.body", options_.max_segments, problems);
      if (!hasText(body)) {
        problems.add("notice.body", "no text");
      } else if (fallback_ok && !hasTextIn(body, fallback)) {
        problems.add("notice.body", "no text for fallback language '" + fallback + "'");
      }
      break;
    }
    case Campaign::kPoll: {
      const liaison::v1::Poll& poll = c.poll();
      std::vector<std::string> engine_errors;
      out->engine = PollEngine::create(poll, fallback, &engine_errors);
      for (const std::string& e : engine_errors) problem_lines->push_back("poll." + e);
      for (int i = 0; i < poll.questions_size(); ++i) {
        const std::string at = "poll.questions[" + std::to_string(i) + "]";
        checkTranslations(poll.questions(i).prompt(), at + ".prompt", options_.max_segments,
                          problems);
        checkTranslations(poll.questions(i).reask_prompt(), at + ".reask_prompt",
                          options_.max_segments, problems);
      }
      for (const auto& [text, path] :
           {std::pair{&poll.intro(), "poll.intro"}, std::pair{&poll.closing(), "poll.closing"}}) {
        checkTranslations(*text, path, options_.max_segments, problems);
        if (fallback_ok && hasText(*text) && !hasTextIn(*text, fallback)) {
          problems.add(path, "no text for fallback language '" + fallback + "'");
        }
      }
      if (out->engine && fallback_ok) {
        // The first message is the intro and the first question together: check it in every
        // language either is written in.
        std::set<std::string> languages{fallback};
        for (const auto& tr : poll.intro().translations()) languages.insert(tr.language());
        for (const auto& tr : poll.questions(0).prompt().translations()) {
          languages.insert(tr.language());
        }
        for (const std::string& language : languages) {
          if (language.empty()) continue;
          PollSession session;
          session.language = language;
          SmsTextAnalysis a;
          std::string why;
          if (!analyseSmsText(out->engine->start(session, 0).text, options_.max_segments, &a, &why)) {
            problems.add("poll", "the first message in '" + language + "' " + why);
          }
        }
      }
      break;
    }
    case Campaign::CONTENT_NOT_SET: problems.add("content", "neither a notice nor a poll"); break;
  }

  // Schedule.
  const liaison::v1::Schedule& schedule = c.schedule();
  const std::size_t before_schedule = problem_lines->size();
  checkTime(schedule.window().start(), "schedule.window.start", problems);
  checkTime(schedule.window().end(), "schedule.window.end", problems);
  if (schedule.spread().seconds() < 0) problems.add("schedule.spread", "negative");
  if (schedule.validity().seconds() < 0) problems.add("schedule.validity", "negative");
  if (problem_lines->size() == before_schedule) {
    if (planFromProto(schedule, now, &out->schedule)) {
      problems.add("schedule", "cannot be resolved");
    }
  }

  if (!liaison::v1::ResendPolicy_IsValid(c.resend_policy())) {
    problems.add("resend_policy", "unknown value " + std::to_string(c.resend_policy()));
  }

  // Segment.
  if (c.segment_id().empty()) {
    problems.add("segment_id", "not set");
  } else if (!c.tenant_id().empty()) {
    const std::optional<std::int64_t> segment_id = parseSegmentId(c.segment_id());
    store::SavedSegment segment;
    std::error_code ec = segment_id ? segments_.get(c.tenant_id(), *segment_id, &segment)
                                    : make_error_code(store::StoreErrc::NotFound);
    if (ec == store::StoreErrc::NotFound) {
      problems.add("segment_id", "no such segment");
    } else if (ec) {
      return ec;
    } else {
      liaison::v1::Filter filter;
      std::string detail;
      if (!filter.ParseFromString(segment.filter)) {
        problems.add("segment_id", "the segment's filter cannot be read");
      } else if (compileFilter(filter, campaigns_.dialect(), &out->where, &detail)) {
        problems.add("segment_id", "the segment's filter is invalid: " + detail);
      }
    }
  }
  return {};
}

std::error_code CampaignPlanner::validate(const Campaign& campaign,
                                          std::vector<std::string>* problems) {
  Checked checked;
  return check(campaign, 0, &checked, problems);
}

std::error_code CampaignPlanner::preview(const Campaign& campaign, CampaignPreview* out,
                                         std::vector<std::string>* problems) {
  *out = {};
  Checked checked;
  if (auto ec = check(campaign, 0, &checked, problems)) return ec;
  if (!problems->empty()) return PlanErrc::InvalidCampaign;
  std::vector<store::LanguageCount> languages;
  if (auto ec = campaigns_.audienceLanguages(campaign.tenant_id(), &checked.where, &languages)) {
    return ec;
  }
  MessageTable table(campaign, checked.engine ? &*checked.engine : nullptr, options_.max_segments);
  // Keyed by (language sent, text): one entry per distinct message.
  std::map<std::pair<std::string, std::string>, PreviewMessage> messages;
  auto entry = [&](std::string_view language, const Message** m) -> PreviewMessage* {
    std::string why;
    if (!table.get(language, m, &why)) {
      problems->push_back("content: the message for '" + std::string(language) + "' " + why);
      return nullptr;
    }
    auto [it, inserted] = messages.try_emplace({(*m)->language, (*m)->text});
    PreviewMessage& p = it->second;
    if (inserted) {
      p.language = (*m)->language;
      p.text = (*m)->text;
      p.encoding = (*m)->analysis.encoding;
      p.segments = (*m)->analysis.segments;
      p.characters = (*m)->analysis.characters;
    }
    return &p;
  };
  // Every language the message is written in, recipients or not, so every text is seen.
  const LocalizedText& written =
      campaign.has_poll() ? campaign.poll().questions(0).prompt() : campaign.notice().body();
  for (const Translation& tr : written.translations()) {
    const Message* m = nullptr;
    if (!tr.text().empty() && entry(tr.language(), &m) == nullptr) break;
  }
  for (const store::LanguageCount& lc : languages) {
    const Message* m = nullptr;
    PreviewMessage* p = entry(lc.language, &m);
    if (p == nullptr) break;
    p->recipients += lc.count;
    p->audience_languages.push_back(lc.language);
    out->audience += lc.count;
    out->total_segments += lc.count * m->analysis.segments;
  }
  if (!problems->empty()) return PlanErrc::InvalidCampaign;
  for (auto& [key, p] : messages) {
    std::sort(p.audience_languages.begin(), p.audience_languages.end());
    out->messages.push_back(std::move(p));
  }
  std::stable_sort(out->messages.begin(), out->messages.end(),
                   [](const PreviewMessage& a, const PreviewMessage& b) {
                     if (a.recipients != b.recipients) return a.recipients > b.recipients;
                     return a.language < b.language;
                   });
  return {};
}

std::error_code CampaignPlanner::plan(std::string_view tenant, std::string_view campaign_id,
                                      std::int64_t now, const PlanProgress& progress,
                                      PlanResult* out, std::vector<std::string>* problems) {
  *out = {};
  problems->clear();
  store::CampaignRecord record;
  if (auto ec = campaigns_.get(tenant, campaign_id, &record)) return ec;
  if (record.state != store::CampaignState::Draft &&
      record.state != store::CampaignState::Scheduled &&
      record.state != store::CampaignState::Running) {
    return PlanErrc::WrongState;
  }
  const Campaign& campaign = record.definition;
  Checked checked;
  if (auto ec = check(campaign, now, &checked, problems)) return ec;
  if (!problems->empty()) return PlanErrc::InvalidCampaign;

  std::vector<store::LanguageCount> languages;
  if (auto ec = campaigns_.audienceLanguages(tenant, &checked.where, &languages)) return ec;
  std::int64_t total = 0;
  for (const store::LanguageCount& lc : languages) total += lc.count;
  out->audience = total;

  const PollEngine* engine = checked.engine ? &*checked.engine : nullptr;
  MessageTable texts(campaign, engine, options_.max_segments);
  ZoneCache zones;
  const std::string step = engine != nullptr ? campaign.poll().questions(0).id() : "notice";
  const store::ResendPolicy policy = effectiveResendPolicy(campaign);

  const auto page_rows = static_cast<std::size_t>(options_.page_rows);
  std::vector<store::AudienceMember> page;
  std::vector<store::NewOutboxMessage> batch(page_rows);
  page.reserve(page_rows);
  std::string pseudonym;
  store::PollSessionRecord session;
  std::int64_t after_id = 0;
  std::int64_t index = 0;
  for (;;) {
    if (auto ec =
            campaigns_.audiencePage(tenant, &checked.where, after_id, options_.page_rows, &page)) {
      return ec;
    }
    if (page.empty()) break;
    std::int64_t zone_fallbacks = 0;
    std::int64_t utc_fallbacks = 0;
    for (std::size_t i = 0; i < page.size(); ++i) {
      const store::AudienceMember& r = page[i];
      const Message* message = nullptr;
      std::string why;
      if (!texts.get(r.language, &message, &why)) {
        problems->push_back("content: the message for '" + r.language + "' " + why);
        return PlanErrc::InvalidCampaign;
      }
      ZoneCache::Source source{};
      const ZoneRules& zone = zones.forRecipient(r.time_zone, r.country, &source);
      zone_fallbacks += source != ZoneCache::Source::Own;
      utc_fallbacks += source == ZoneCache::Source::Utc;
      // The audience may have grown since it was counted: late joiners go at the span's end.
      const std::int64_t position = std::min(index++, std::max<std::int64_t>(total - 1, 0));
      SendTimes times;
      if (auto ec = planSend(checked.schedule, zone, position, std::max<std::int64_t>(total, 1),
                             &times)) {
        return ec;
      }
      store::NewOutboxMessage& m = batch[i];
      m.tenant_id.assign(tenant);
      m.campaign_id.assign(campaign_id);
      m.contact_id = r.contact_id;
      m.step = step;
      m.to_e164 = r.phone_e164;
      m.body = message->text;
      m.language = message->language;
      m.encoding = message->analysis.encoding;
      m.segments = message->analysis.segments;
      m.priority = store::OutboxPriority::Bulk;
      m.resend_policy = policy;
      m.time_zone = zone.id();
      m.not_before = times.not_before;
      m.expires_at = times.expires_at;
    }
    const std::span<const store::NewOutboxMessage> rows(batch.data(), page.size());
    store::EnqueueCounts counts;
    std::int64_t opened = 0;
    if (engine == nullptr) {
      if (auto ec = outbox_.enqueueBatch(rows, now, &counts)) {
        // enqueueBatch commits in its own batches: what it reports committed is in the ledger.
        out->inserted += counts.inserted;
        out->already_present += counts.already_present;
        out->planned += counts.inserted + counts.already_present;
        return ec;
      }
    } else {
      // Pseudonym, session and outbox row of each recipient commit together: a crash leaves
      // either all three or none, so a re-run never finds a question sent without a session.
      auto ec = campaigns_.inTransaction([&]() -> std::error_code {
        opened = 0;
        for (std::size_t i = 0; i < page.size(); ++i) {
          const store::AudienceMember& r = page[i];
          if (auto pec = campaigns_.pseudonymFor(campaign_id, r.contact_id, &pseudonym)) {
            return pec;
          }
          session.campaign_id.assign(campaign_id);
          session.pseudonym = pseudonym;
          session.language = r.language.empty() ? campaign.fallback_language() : r.language;
          session.country = r.country;
          session.current_question = step;
          session.reasks = 0;
          session.state = store::SessionState::Open;
          session.started_at = batch[i].not_before;
          session.last_activity = batch[i].not_before;
          bool created = false;
          if (auto sec = responses_.openSession(session, &created)) return sec;
          opened += created;
        }
        return outbox_.enqueueBatch(rows, now, &counts);
      });
      if (ec) return ec;  // the page rolled back as a whole
      out->sessions_opened += opened;
    }
    out->inserted += counts.inserted;
    out->already_present += counts.already_present;
    out->planned += static_cast<std::int64_t>(page.size());
    out->zone_fallbacks += zone_fallbacks;
    out->utc_fallbacks += utc_fallbacks;
    after_id = page.back().contact_id;
    if (progress && !progress(out->planned, total)) return PlanErrc::Cancelled;
    if (page.size() < page_rows) break;
  }

  if (record.state != store::CampaignState::Running) {
    store::Transition moved{};
    if (auto ec = campaigns_.setState(tenant, campaign_id, record.state,
                                      store::CampaignState::Running, now, &moved)) {
      return ec;
    }
    // Someone changed the state while this ran (cancelled it): report it, rows stay queued.
    if (moved == store::Transition::Ignored) return PlanErrc::WrongState;
    out->started = true;
  }
  return {};
}

std::error_code CampaignPlanner::changeState(std::string_view tenant, std::string_view campaign_id,
                                             store::CampaignState from, store::CampaignState to,
                                             std::int64_t now, store::Transition* result,
                                             std::int64_t* rows) {
  *result = store::Transition::Ignored;
  *rows = 0;
  return campaigns_.inTransaction([&]() -> std::error_code {
    if (auto ec = campaigns_.setState(tenant, campaign_id, from, to, now, result)) return ec;
    if (*result != store::Transition::Applied) return {};
    switch (to) {
      case store::CampaignState::Paused: return outbox_.holdCampaign(campaign_id, true, now, rows);
      case store::CampaignState::Running:
        return outbox_.holdCampaign(campaign_id, false, now, rows);
      case store::CampaignState::Cancelled: return outbox_.cancelCampaign(campaign_id, now, rows);
      default: return {};
    }
  });
}

bool analyseSmsText(std::string_view text, int max_segments, SmsTextAnalysis* out,
                    std::string* why) {
  sms::EncodeOptions options;
  options.max_segments = static_cast<std::size_t>(std::clamp(max_segments, 1, 255));
  const sms::AnalyzeResult a = sms::analyzeText(text, options);
  if (a.error == sms::EncodeError::TooManySegments) {
    *why = "needs " + std::to_string(a.info.segments) + " SMS segments; at most " +
           std::to_string(options.max_segments) + " allowed";
    return false;
  }
  if (!a.ok()) {
    *why = a.message.empty() ? std::string(sms::encodeErrorName(a.error)) : a.message;
    return false;
  }
  const sms::EncodingChoice& choice = a.info.choice;
  out->encoding = choice.encoding == sms::Encoding::Ucs2 ? store::OutboxEncoding::Ucs2
                  : choice.nationalIeOctets() > 0        ? store::OutboxEncoding::Gsm7National
                                                         : store::OutboxEncoding::Gsm7;
  out->segments = static_cast<int>(a.info.segments);
  out->characters = a.info.code_points;
  return true;
}

}  // namespace liaison::gateway::outreach
