// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteResponseStore: poll sessions, answers and inbound messages (schema: migration 4 in
// sqlite_store.cc). Statements come from a fixed set of texts, so all of them stay cached.
#include "store/sqlite_response_store.h"

namespace liaison::gateway::store {

namespace {

constexpr std::string_view kSessionColumns =
    "s.campaign_id, s.pseudonym, s.language, s.country, s.current_question, s.reasks, s.state, "
    "s.started_at, s.last_activity";

void readSession(const Statement& s, PollSessionRecord* out) {
  out->campaign_id = s.text(0);
  out->pseudonym = s.text(1);
  out->language = s.text(2);
  out->country = s.text(3);
  out->current_question = s.text(4);
  out->reasks = static_cast<int>(s.int64(5));
  out->state = static_cast<SessionState>(s.int64(6));
  out->started_at = s.int64(7);
  out->last_activity = s.int64(8);
}

bool validState(SessionState state) {
  const int v = static_cast<int>(state);
  return v >= 1 && v <= 4;
}

// Hashes are unsigned 64-bit; SQLite integers are signed. The bit pattern is what matters.
std::int64_t asStored(std::uint64_t hash) { return static_cast<std::int64_t>(hash); }

}  // namespace

std::error_code SqliteResponseStore::openSession(const PollSessionRecord& session, bool* created) {
  if (session.campaign_id.empty() || session.pseudonym.empty() || !validState(session.state)) {
    return StoreErrc::InvalidArgument;
  }
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO poll_sessions(campaign_id, pseudonym, language, country, current_question, "
      "reasks, state, started_at, last_activity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (campaign_id, pseudonym) DO NOTHING",
      &ec);
  if (ec) return ec;
  s->bind(1, session.campaign_id);
  s->bind(2, session.pseudonym);
  s->bind(3, session.language);
  s->bindOptional(4, session.country);
  s->bindOptional(5, session.current_question);
  s->bind(6, static_cast<std::int64_t>(session.reasks));
  s->bind(7, static_cast<std::int64_t>(session.state));
  s->bind(8, session.started_at);
  s->bind(9, session.last_activity);
  if ((ec = s->run())) return ec;
  if (created) *created = db_.changes() > 0;
  return {};
}

std::error_code SqliteResponseStore::getSession(std::string_view campaign_id,
                                                std::string_view pseudonym,
                                                PollSessionRecord* out) {
  std::error_code ec;
  auto s = db_.cached(std::string("SELECT ") + std::string(kSessionColumns) +
                          " FROM poll_sessions s WHERE s.campaign_id = ?1 AND s.pseudonym = ?2",
                      &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  s->bind(2, pseudonym);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  readSession(*s, out);
  return {};
}

std::error_code SqliteResponseStore::findOpenSession(std::int64_t contact_id,
                                                     PollSessionRecord* out) {
  // A contact is in few campaigns at once; the recipients index finds them, the session
  // primary key each session. Only running polls take answers (3 = CampaignState::Running).
  std::error_code ec;
  auto s = db_.cached(std::string("SELECT ") + std::string(kSessionColumns) +
                          " FROM campaign_recipients r"
                          " JOIN poll_sessions s ON s.campaign_id = r.campaign_id"
                          "  AND s.pseudonym = r.pseudonym"
                          " JOIN campaigns c ON c.id = r.campaign_id"
                          " WHERE r.contact_id = ?1 AND s.state = 1 AND c.state = 3"
                          " ORDER BY s.last_activity DESC, s.started_at DESC LIMIT 1",
                      &ec);
  if (ec) return ec;
  s->bind(1, contact_id);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  readSession(*s, out);
  return {};
}

std::error_code SqliteResponseStore::updateSession(const PollSessionRecord& session) {
  if (!validState(session.state)) return StoreErrc::InvalidArgument;
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE poll_sessions SET current_question = ?3, reasks = ?4, state = ?5, "
      "last_activity = ?6 WHERE campaign_id = ?1 AND pseudonym = ?2",
      &ec);
  if (ec) return ec;
  s->bind(1, session.campaign_id);
  s->bind(2, session.pseudonym);
  s->bindOptional(3, session.current_question);
  s->bind(4, static_cast<std::int64_t>(session.reasks));
  s->bind(5, static_cast<std::int64_t>(session.state));
  s->bind(6, session.last_activity);
  if ((ec = s->run())) return ec;
  return db_.changes() > 0 ? std::error_code() : make_error_code(StoreErrc::NotFound);
}

std::error_code SqliteResponseStore::stopSessions(std::int64_t contact_id, std::int64_t now,
                                                  std::int64_t* stopped) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE poll_sessions SET state = 4, current_question = NULL, last_activity = ?2 "
      "WHERE state = 1 AND (campaign_id, pseudonym) IN "
      "(SELECT campaign_id, pseudonym FROM campaign_recipients WHERE contact_id = ?1)",
      &ec);
  if (ec) return ec;
  s->bind(1, contact_id);
  s->bind(2, now);
  if ((ec = s->run())) return ec;
  if (stopped) *stopped = db_.changes();
  return {};
}

std::error_code SqliteResponseStore::expireSessions(std::string_view campaign_id,
                                                    std::int64_t cutoff, std::int64_t* expired) {
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE poll_sessions SET state = 3, current_question = NULL "
      "WHERE campaign_id = ?1 AND state = 1 AND last_activity < ?2",
      &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  s->bind(2, cutoff);
  if ((ec = s->run())) return ec;
  if (expired) *expired = db_.changes();
  return {};
}

std::error_code SqliteResponseStore::putAnswer(const AnswerRecord& a) {
  const int kind = static_cast<int>(a.kind);
  const int source = static_cast<int>(a.source);
  if (a.campaign_id.empty() || a.pseudonym.empty() || a.question_id.empty() || kind < 1 ||
      kind > 4 || source < 1 || source > 2) {
    return StoreErrc::InvalidArgument;
  }
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO answers(campaign_id, pseudonym, question_id, kind, choice_id, value_num, "
      "value_text, truncated, source, answered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
      "?10) ON CONFLICT (campaign_id, question_id, pseudonym) DO UPDATE SET kind = excluded.kind, "
      "choice_id = excluded.choice_id, value_num = excluded.value_num, "
      "value_text = excluded.value_text, truncated = excluded.truncated, "
      "source = excluded.source, answered_at = excluded.answered_at",
      &ec);
  if (ec) return ec;
  s->bind(1, a.campaign_id);
  s->bind(2, a.pseudonym);
  s->bind(3, a.question_id);
  s->bind(4, static_cast<std::int64_t>(kind));
  s->bindOptional(5, a.choice_id);
  if (a.number) {
    s->bind(6, *a.number);
  } else {
    s->bindNull(6);
  }
  s->bindOptional(7, a.text);
  s->bind(8, static_cast<std::int64_t>(a.truncated ? 1 : 0));
  s->bind(9, static_cast<std::int64_t>(source));
  s->bind(10, a.answered_at);
  return s->run();
}

std::error_code SqliteResponseStore::recordInbound(InboundRecord* r) {
  const int route = static_cast<int>(r->route);
  if (r->tenant_id.empty() || r->channel.empty() || r->from_e164.empty() || route < 1 ||
      route > 6) {
    return StoreErrc::InvalidArgument;
  }
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO inbound(tenant_id, channel, provider_id, from_e164, content_hash, route, "
      "campaign_id, body, received_at, replied) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
      "RETURNING id",
      &ec);
  if (ec) return ec;
  s->bind(1, r->tenant_id);
  s->bind(2, r->channel);
  s->bindOptional(3, r->provider_id);
  s->bind(4, r->from_e164);
  s->bind(5, asStored(r->content_hash));
  s->bind(6, static_cast<std::int64_t>(route));
  s->bindOptional(7, r->campaign_id);
  if (r->route == InboundRoute::Inbox) {
    s->bind(8, r->body);
  } else {
    s->bindNull(8);  // keep little: routed messages live on as answers or status changes
  }
  s->bind(9, r->received_at);
  s->bind(10, static_cast<std::int64_t>(r->replied ? 1 : 0));
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::Other;
  r->id = s->int64(0);
  return s->run();
}

std::error_code SqliteResponseStore::seenRecently(std::string_view from_e164,
                                                  std::uint64_t content_hash, std::int64_t since,
                                                  bool* seen) {
  std::error_code ec;
  auto s = db_.cached(
      "SELECT 1 FROM inbound WHERE from_e164 = ?1 AND content_hash = ?2 AND received_at >= ?3 "
      "AND replied = 0 LIMIT 1",
      &ec);
  if (ec) return ec;
  s->bind(1, from_e164);
  s->bind(2, asStored(content_hash));
  s->bind(3, since);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  *seen = row;
  return {};
}

std::error_code SqliteResponseStore::seenProviderId(std::string_view channel,
                                                    std::string_view provider_id, bool* seen) {
  std::error_code ec;
  auto s = db_.cached(
      "SELECT 1 FROM inbound WHERE channel = ?1 AND provider_id = ?2 AND provider_id IS NOT NULL",
      &ec);
  if (ec) return ec;
  s->bind(1, channel);
  s->bind(2, provider_id);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  *seen = row;
  return {};
}

std::error_code SqliteResponseStore::inbox(std::string_view tenant, std::int64_t before_id,
                                           int limit, std::vector<InboundRecord>* out) {
  out->clear();
  if (limit <= 0) return StoreErrc::InvalidArgument;
  std::error_code ec;
  auto s = db_.cached(
      "SELECT id, tenant_id, channel, provider_id, from_e164, content_hash, route, campaign_id, "
      "body, received_at FROM inbound WHERE tenant_id = ?1 AND route = 5 AND (?2 = 0 OR id < ?2) "
      "ORDER BY id DESC LIMIT ?3",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, before_id);
  s->bind(3, static_cast<std::int64_t>(limit));
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    InboundRecord& r = out->emplace_back();
    r.id = s->int64(0);
    r.tenant_id = s->text(1);
    r.channel = s->text(2);
    r.provider_id = s->text(3);
    r.from_e164 = s->text(4);
    r.content_hash = static_cast<std::uint64_t>(s->int64(5));
    r.route = static_cast<InboundRoute>(s->int64(6));
    r.campaign_id = s->text(7);
    r.body = s->text(8);
    r.received_at = s->int64(9);
  }
  return ec;
}

}  // namespace liaison::gateway::store
