// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// InboundProcessor: see the header for the pipeline. Every write goes through the store
// interfaces inside one store::Transaction per batch (their own transactions nest into it).
#include "outreach/inbound_processor.h"

#include <algorithm>
#include <utility>

#include "outreach/poll_engine.h"
#include "sms/encoding.h"
#include "sms/phone_number.h"

namespace liaison::gateway::outreach {

namespace {

using store::InboundRoute;
using store::StoreErrc;

// The text of `language`, else of the fallback language, else empty.
const std::string& pick(const std::map<std::string, std::string>& texts,
                        const std::string& language, const std::string& fallback) {
  static const std::string kNone;
  if (auto it = texts.find(language); it != texts.end()) return it->second;
  // "pt-BR" falls back to "pt" before the tenant's fallback language.
  if (auto dash = language.find('-'); dash != std::string::npos) {
    if (auto it = texts.find(language.substr(0, dash)); it != texts.end()) return it->second;
  }
  if (auto it = texts.find(fallback); it != texts.end()) return it->second;
  return kNone;
}

// The sender as E.164. "+" and 7 to 15 digits is E.164 already (the fast path: libphonenumber
// costs tens of microseconds). SMPP gives international numbers as bare digits (TON 1), so bare
// digits that do not parse in the default region are read as international.
std::string senderE164(const std::string& from, const std::string& region) {
  auto digitsOnly = [](std::string_view v) {
    return !v.empty() &&
           std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  auto plausibleInternational = [&](std::string_view v) {
    return digitsOnly(v) && v.front() != '0' && v.size() >= 7 && v.size() <= 15;
  };
  if (from.size() > 1 && from.front() == '+' && plausibleInternational(from.substr(1))) {
    return from;
  }
  const bool no_region = region.empty() || region == "ZZ";
  if (no_region && plausibleInternational(from)) return "+" + from;
  sms::ParsedPhone p = sms::parsePhoneNumber(from, region);
  if (p.ok()) return p.e164;
  if (digitsOnly(from)) {
    p = sms::parsePhoneNumber("+" + from, "");
    if (p.ok()) return p.e164;
  }
  return {};
}

store::OutboxEncoding outboxEncoding(const sms::EncodingChoice& choice) {
  if (choice.encoding == sms::Encoding::Ucs2) return store::OutboxEncoding::Ucs2;
  return choice.nationalIeOctets() > 0 ? store::OutboxEncoding::Gsm7National
                                       : store::OutboxEncoding::Gsm7;
}

store::AnswerRecord toRecord(const PollAnswer& a) {
  store::AnswerRecord r;
  r.question_id = a.question_id;
  switch (a.kind) {
    case PollAnswer::Kind::Choice:
      r.kind = store::AnswerKind::Choice;
      r.choice_id = a.choice_id;
      break;
    case PollAnswer::Kind::YesNo:
      r.kind = store::AnswerKind::YesNo;
      r.choice_id = a.yes ? "yes" : "no";
      r.number = a.yes ? 1.0 : 0.0;
      break;
    case PollAnswer::Kind::Number:
      r.kind = store::AnswerKind::Number;
      r.number = a.number;
      break;
    case PollAnswer::Kind::Text:
      r.kind = store::AnswerKind::Text;
      r.text = a.text;
      r.truncated = a.truncated;
      break;
  }
  return r;
}

}  // namespace

std::uint64_t contentHash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

ReplyTexts InboundConfig::defaultReplies() {
  ReplyTexts t;
  t.stop_confirmation = {
      {"en", "You will receive no more messages from us. Reply START to subscribe again."},
      {"fr",
       "Vous ne recevrez plus de messages de notre part. Repondez START pour vous "
       "reabonner."},
      {"de",
       "Sie erhalten keine Nachrichten mehr von uns. Antworten Sie START, um sie wieder "
       "zu erhalten."},
      {"es", "No recibira mas mensajes nuestros. Responda START para volver a suscribirse."},
      {"tr", "Artik bizden mesaj almayacaksiniz. Tekrar abone olmak icin START yazin."},
  };
  t.start_confirmation = {
      {"en", "You are subscribed again. Reply STOP at any time to stop."},
      {"fr", "Vous etes de nouveau abonne. Repondez STOP a tout moment pour arreter."},
      {"de", "Sie erhalten wieder Nachrichten. Antworten Sie jederzeit STOP, um sie zu beenden."},
      {"es", "Vuelve a estar suscrito. Responda STOP en cualquier momento para dejarlo."},
      {"tr", "Yeniden abone oldunuz. Durdurmak icin istediginiz zaman STOP yazin."},
  };
  t.help = {
      {"en", "Messages from your consulate. Reply STOP to stop, START to resume."},
      {"fr", "Messages de votre consulat. Repondez STOP pour arreter, START pour reprendre."},
      {"de", "Nachrichten Ihres Konsulats. STOP zum Beenden, START zum Fortsetzen."},
      {"es", "Mensajes de su consulado. Responda STOP para dejarlos, START para reanudarlos."},
      {"tr", "Konsoloslugunuzdan mesajlar. Durdurmak icin STOP, devam icin START yazin."},
  };
  return t;
}

struct InboundProcessor::Engine {
  std::string tenant_id;
  std::optional<PollEngine> engine;  // nullopt: not a poll, or its definition is invalid
};

InboundProcessor::InboundProcessor(store::Database& db, store::ContactStore& contacts,
                                   store::CampaignStore& campaigns, store::ResponseStore& responses,
                                   store::OutboxStore& outbox, InboundConfig config)
    : db_(db),
      contacts_(contacts),
      campaigns_(campaigns),
      responses_(responses),
      outbox_(outbox),
      config_(std::move(config)),
      router_(config_.keywords) {}

InboundProcessor::~InboundProcessor() = default;

std::error_code InboundProcessor::process(std::span<const InboundMessage> batch,
                                          std::vector<InboundResult>* results) {
  results->clear();
  results->resize(batch.size());
  const InboundStats before = stats_;
  store::Transaction txn(db_);
  std::error_code ec = txn.begin();
  for (std::size_t i = 0; !ec && i < batch.size(); ++i) ec = processOne(batch[i], &(*results)[i]);
  if (!ec) ec = txn.commit();
  if (ec) {
    txn.rollback();
    stats_ = before;  // nothing of the batch happened
    results->clear();
  }
  return ec;
}

std::error_code InboundProcessor::expireSilentSessions(std::int64_t now, std::int64_t* expired) {
  *expired = 0;
  std::vector<store::CampaignRecord> running;
  if (auto ec = campaigns_.listRunning(&running)) return ec;
  store::Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  for (const store::CampaignRecord& c : running) {
    if (!c.definition.has_poll()) continue;
    std::error_code ec;
    const PollEngine* engine = engineFor(c.tenant_id, c.id, &ec);
    if (ec) return ec;
    if (!engine) continue;
    std::int64_t n = 0;
    if ((ec = responses_.expireSessions(c.id, now - engine->sessionExpirySeconds(), &n))) {
      return ec;
    }
    *expired += n;
  }
  return txn.commit();
}

std::error_code InboundProcessor::record(const InboundMessage& m, const std::string& from,
                                         std::uint64_t content_hash, InboundResult* r) {
  store::InboundRecord rec;
  rec.tenant_id = m.tenant_id;
  rec.channel = m.channel;
  rec.provider_id = m.provider_id;
  rec.from_e164 = from;
  rec.content_hash = content_hash;
  rec.route = r->route;
  rec.campaign_id = r->campaign_id;
  if (r->route == InboundRoute::Inbox) {
    rec.body = m.text.substr(0, config_.max_body_bytes);
  }
  rec.received_at = m.received_at;
  rec.replied = r->replies_queued > 0;
  if (auto ec = responses_.recordInbound(&rec)) return ec;
  r->inbound_id = rec.id;
  return {};
}

std::error_code InboundProcessor::processOne(const InboundMessage& m, InboundResult* r) {
  ++stats_.processed;
  const std::string e164 = senderE164(m.from, config_.default_region);
  // An unparseable sender (an alphanumeric id, garbage) cannot be a contact: keep it in the
  // inbox under the address as given, cut to a sane length.
  const std::string from = e164.empty() ? m.from.substr(0, sms::kMaxPhoneInput) : e164;
  const std::uint64_t hash = contentHash(m.text);

  bool seen = false;
  if (!m.provider_id.empty()) {
    if (auto ec = responses_.seenProviderId(m.channel, m.provider_id, &seen)) return ec;
  }
  // Without a provider id (SMPP), the same text from the same number within the window is a
  // redelivery (an acknowledgement the SMSC did not get), unless the first copy was answered:
  // "1" to one poll question and "1" to the next are two answers (ADR 0008).
  if (m.provider_id.empty() && !from.empty()) {
    const std::int64_t since = m.received_at - config_.duplicate_window_s;
    if (auto ec = responses_.seenRecently(from, hash, since, &seen)) return ec;
  }
  if (seen) {
    ++stats_.duplicates;
    r->route = InboundRoute::Duplicate;
    r->outcome = "duplicate";
    return {};
  }

  if (from.empty() || m.tenant_id.empty() || m.channel.empty()) {
    // Nothing to attribute it to; still acknowledged (it will not get better by redelivery).
    r->route = InboundRoute::Inbox;
    r->outcome = "unattributable";
    return {};
  }

  std::error_code ec;
  if (!e164.empty()) {
    switch (router_.classify(m.text)) {
      case Keyword::Stop: ec = handleStop(m, e164, r); break;
      case Keyword::Start: ec = handleStart(m, e164, r); break;
      case Keyword::Help: ec = handleHelp(m, e164, r); break;
      case Keyword::None: {
        store::Contact contact;
        ec = contacts_.findBasic(m.tenant_id, e164, &contact);
        bool handled = false;
        if (!ec) {
          ec = handlePollReply(m, contact, r, &handled);
        } else if (ec == StoreErrc::NotFound) {
          ec = {};
        }
        if (!ec && !handled) {
          r->route = InboundRoute::Inbox;
          r->outcome = "inbox";
        }
        break;
      }
    }
  } else {
    r->route = InboundRoute::Inbox;
    r->outcome = "inbox";
  }
  if (ec) return ec;
  if (r->route == InboundRoute::Inbox) ++stats_.inbox;
  return record(m, from, hash, r);
}

std::error_code InboundProcessor::handleStop(const InboundMessage& m, const std::string& e164,
                                             InboundResult* r) {
  r->route = InboundRoute::Stop;
  ++stats_.stops;
  store::Contact contact;
  std::error_code ec = contacts_.findBasic(m.tenant_id, e164, &contact);
  if (ec == StoreErrc::NotFound) {
    // Remember the refusal: an opted-out contact stays opted out through any import.
    store::Contact c;
    c.tenant_id = m.tenant_id;
    c.phone_e164 = e164;
    c.status = store::ContactStatus::OptedOut;
    store::ContactUpdate update;
    update.status = true;
    store::UpsertOutcome outcome{};
    if ((ec = contacts_.upsert(c, update, m.received_at, &outcome))) return ec;
    if ((ec = contacts_.findBasic(m.tenant_id, e164, &contact))) return ec;
  } else if (ec) {
    return ec;
  } else if (contact.status == store::ContactStatus::OptedOut) {
    r->outcome = "stop_repeated";  // one confirmation only: nothing after it
    return {};
  } else {
    if ((ec = contacts_.setStatus(m.tenant_id, e164, store::ContactStatus::OptedOut,
                                  m.received_at))) {
      return ec;
    }
  }
  std::int64_t stopped = 0;
  if ((ec = responses_.stopSessions(contact.id, m.received_at, &stopped))) return ec;
  r->outcome = "stop";
  const std::string& text =
      pick(config_.replies.stop_confirmation, contact.language, config_.fallback_language);
  if (text.empty()) return {};
  // The step names the inbound message, which is recorded after this: use a per-message key
  // that is unique without it (the contact opts out at most once per active period).
  return queueReply(
      m, contact.id, e164, "system",
      "stop:" + std::to_string(m.received_at) + ":" + std::to_string(contentHash(m.text)), text,
      contact.language, store::OutboxPriority::Confirmation, r);
}

std::error_code InboundProcessor::handleStart(const InboundMessage& m, const std::string& e164,
                                              InboundResult* r) {
  store::Contact contact;
  std::error_code ec = contacts_.findBasic(m.tenant_id, e164, &contact);
  if (ec == StoreErrc::NotFound) {
    // Not someone we keep: START alone does not make a stranger a contact (keep little).
    r->route = InboundRoute::Inbox;
    r->outcome = "start_unknown";
    return {};
  }
  if (ec) return ec;
  r->route = InboundRoute::Start;
  ++stats_.starts;
  if (contact.status != store::ContactStatus::OptedOut) {
    r->outcome = "start_already_active";
    return {};
  }
  if ((ec = contacts_.setStatus(m.tenant_id, e164, store::ContactStatus::Active, m.received_at))) {
    return ec;
  }
  r->outcome = "start";
  const std::string& text =
      pick(config_.replies.start_confirmation, contact.language, config_.fallback_language);
  if (text.empty()) return {};
  return queueReply(
      m, contact.id, e164, "system",
      "start:" + std::to_string(m.received_at) + ":" + std::to_string(contentHash(m.text)), text,
      contact.language, store::OutboxPriority::Confirmation, r);
}

std::error_code InboundProcessor::handleHelp(const InboundMessage& m, const std::string& e164,
                                             InboundResult* r) {
  store::Contact contact;
  std::error_code ec = contacts_.findBasic(m.tenant_id, e164, &contact);
  if (ec == StoreErrc::NotFound) {
    r->route = InboundRoute::Inbox;
    r->outcome = "help_unknown";
    return {};
  }
  if (ec) return ec;
  r->route = InboundRoute::Help;
  ++stats_.helps;
  r->outcome = "help";
  // An opted-out contact gets nothing but the one STOP confirmation.
  if (contact.status != store::ContactStatus::Active) return {};
  const std::string& text = pick(config_.replies.help, contact.language, config_.fallback_language);
  if (text.empty()) return {};
  return queueReply(
      m, contact.id, e164, "system",
      "help:" + std::to_string(m.received_at) + ":" + std::to_string(contentHash(m.text)), text,
      contact.language, store::OutboxPriority::Reply, r);
}

const PollEngine* InboundProcessor::engineFor(const std::string& tenant,
                                              const std::string& campaign_id, std::error_code* ec) {
  *ec = {};
  // A campaign's definition is frozen once it leaves Draft / Scheduled (CampaignStore::update),
  // and sessions exist only after planning, so an engine built once stays right.
  if (auto it = engines_.find(campaign_id); it != engines_.end()) {
    const Engine& e = *it->second;
    return e.tenant_id == tenant && e.engine ? &*e.engine : nullptr;
  }
  store::CampaignRecord campaign;
  if ((*ec = campaigns_.get(tenant, campaign_id, &campaign))) {
    if (*ec == StoreErrc::NotFound) *ec = {};  // another tenant's session: not ours to answer
    return nullptr;
  }
  auto slot = std::make_unique<Engine>();
  slot->tenant_id = tenant;
  if (campaign.definition.has_poll()) {
    std::vector<std::string> errors;
    slot->engine = PollEngine::create(campaign.definition.poll(),
                                      campaign.definition.fallback_language(), &errors);
  }
  const PollEngine* engine = slot->engine ? &*slot->engine : nullptr;
  if (engines_.size() >= kMaxCachedEngines) engines_.clear();
  engines_.emplace(campaign_id, std::move(slot));
  return engine;
}

std::error_code InboundProcessor::handlePollReply(const InboundMessage& m,
                                                  const store::Contact& contact, InboundResult* r,
                                                  bool* handled) {
  *handled = false;
  store::PollSessionRecord rec;
  std::error_code ec = responses_.findOpenSession(contact.id, &rec);
  if (ec == StoreErrc::NotFound) return {};
  if (ec) return ec;
  const PollEngine* engine = engineFor(m.tenant_id, rec.campaign_id, &ec);
  if (ec) return ec;
  if (!engine) return {};

  PollSession session;
  session.language = rec.language;
  session.current_question = rec.current_question;
  session.reasks = rec.reasks;
  session.finished = rec.state != store::SessionState::Open;
  session.last_activity_s = rec.last_activity;
  const PollStep step = engine->onReply(session, m.text, m.received_at);
  if (step.kind == StepKind::Ignored) return {};
  if (step.kind == StepKind::Expired) {
    // Too late for this poll: close the session and keep the message for an officer.
    rec.state = store::SessionState::Expired;
    rec.current_question.clear();
    return responses_.updateSession(rec);
  }
  *handled = true;
  r->route = InboundRoute::PollAnswer;
  r->campaign_id = rec.campaign_id;
  const std::string answered_question = rec.current_question;
  if (step.answer) {
    store::AnswerRecord answer = toRecord(*step.answer);
    answer.campaign_id = rec.campaign_id;
    answer.pseudonym = rec.pseudonym;
    answer.answered_at = m.received_at;
    if ((ec = responses_.putAnswer(answer))) return ec;
    r->answer_recorded = true;
    ++stats_.answers;
  }
  rec.current_question = session.current_question;
  rec.reasks = session.reasks;
  rec.state = session.finished ? store::SessionState::Finished : store::SessionState::Open;
  rec.last_activity = m.received_at;
  if ((ec = responses_.updateSession(rec))) return ec;

  std::string reply_step;
  switch (step.kind) {
    case StepKind::Ask:
      reply_step = session.current_question;
      r->outcome = "answer";
      break;
    case StepKind::Reask:
      reply_step = answered_question + "#reask" + std::to_string(session.reasks);
      r->outcome = "reask";
      ++stats_.reasks;
      break;
    case StepKind::Finish:
      reply_step = "closing";
      r->outcome = r->answer_recorded ? "answer_final" : "finished";
      break;
    default: break;
  }
  if (step.text.empty() || reply_step.empty()) return {};
  if (contact.status != store::ContactStatus::Active) return {};
  return queueReply(m, contact.id, contact.phone_e164, rec.campaign_id, reply_step, step.text,
                    rec.language, store::OutboxPriority::Reply, r);
}

std::error_code InboundProcessor::queueReply(const InboundMessage& m, std::int64_t contact_id,
                                             const std::string& e164,
                                             const std::string& campaign_id,
                                             const std::string& step, const std::string& text,
                                             const std::string& language,
                                             store::OutboxPriority priority, InboundResult* r) {
  const sms::AnalyzeResult analysis = sms::analyzeText(text);
  if (!analysis.ok()) return {};  // a configured text too long to send: nothing to queue
  store::NewOutboxMessage msg;
  msg.tenant_id = m.tenant_id;
  msg.campaign_id = campaign_id;
  msg.contact_id = contact_id;
  msg.step = step;
  msg.to_e164 = e164;
  msg.body = text;
  msg.language = language;
  msg.encoding = outboxEncoding(analysis.info.choice);
  msg.segments = static_cast<int>(analysis.info.segments);
  msg.priority = priority;
  // A reply is part of a conversation: never resend one whose fate is unknown.
  msg.resend_policy = store::ResendPolicy::Never;
  msg.not_before = m.received_at;
  store::EnqueueCounts counts;
  if (auto ec = outbox_.enqueueBatch(std::span(&msg, 1), m.received_at, &counts)) return ec;
  r->replies_queued += static_cast<int>(counts.inserted);
  return {};
}

}  // namespace liaison::gateway::outreach
