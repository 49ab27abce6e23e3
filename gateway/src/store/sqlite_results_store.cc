// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteResultsStore: results queries over migration 4 (sqlite_store.cc). Every statement is
// portable SQL (CASE instead of boolean sums, standard window functions, COALESCE) from a
// fixed set of texts. What each query costs, with the indexes migration 4 has:
//
//   sessionCounts   one range scan of poll_sessions' primary key for the campaign; "has an
//                   answer" is an uncorrelated IN (subquery), built once into a temporary
//                   index. (A LEFT JOIN to a DISTINCT subquery, or EXISTS on (campaign,
//                   pseudonym), looks equivalent but made SQLite scan every answer once per
//                   session: minutes at 100,000 sessions.)
//   answerTallies   one range scan of answers' primary key, one primary-key lookup of the
//                   session per answer, one sort for GROUP BY.
//   numberMedians   one question's slice of answers' primary key, sorted per group by a
//                   window (one sort per call).
//   forEachRespondent  a merge join: the sessions and each question's answers are all read in
//                   pseudonym order straight from their primary keys (no sort, no temporary
//                   table), so memory holds one respondent.
#include "store/sqlite_results_store.h"

#include <memory>
#include <utility>

namespace liaison::gateway::store {

namespace {

constexpr std::string_view kFindCampaign =
    "SELECT definition FROM campaigns WHERE id = ?1 AND tenant_id = ?2";

constexpr std::string_view kSessionCounts =
    "SELECT COALESCE(country, ''), language, state, COUNT(*), "
    "SUM(CASE WHEN pseudonym IN (SELECT pseudonym FROM answers WHERE campaign_id = ?1) "
    "THEN 1 ELSE 0 END) "
    "FROM poll_sessions WHERE campaign_id = ?1 "
    "GROUP BY COALESCE(country, ''), language, state";

// s.language is NOT NULL in every session, so a NULL there means the answer has none.
constexpr std::string_view kAnswerTallies =
    "SELECT a.question_id, COALESCE(s.country, ''), s.language, COALESCE(a.choice_id, ''), "
    "COUNT(*), SUM(CASE WHEN a.source = 2 THEN 1 ELSE 0 END), SUM(a.truncated), "
    "COUNT(CASE WHEN a.kind = 3 THEN a.value_num END), "
    "SUM(CASE WHEN a.kind = 3 THEN a.value_num END), "
    "MIN(CASE WHEN a.kind = 3 THEN a.value_num END), "
    "MAX(CASE WHEN a.kind = 3 THEN a.value_num END) "
    "FROM answers a LEFT JOIN poll_sessions s "
    "ON s.campaign_id = a.campaign_id AND s.pseudonym = a.pseudonym "
    "WHERE a.campaign_id = ?1 "
    "GROUP BY a.question_id, COALESCE(s.country, ''), s.language, COALESCE(a.choice_id, '')";

// The middle one or two values of one question's Number answers per group: rows (n+1)/2 and
// (n+2)/2 of n in value order (the same row when n is odd), averaged. One window with a whole-
// partition frame gives both the row number and n from a single sort; bounding the scan to one
// question's slice of the primary key skips the other questions' answers.
constexpr std::string_view kMedianOverall =
    "SELECT '', n, AVG(v) FROM ("
    "SELECT value_num AS v, ROW_NUMBER() OVER w AS rn, COUNT(*) OVER w AS n "
    "FROM answers WHERE campaign_id = ?1 AND question_id = ?2 AND kind = 3 "
    "AND value_num IS NOT NULL "
    "WINDOW w AS (ORDER BY value_num ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    ") m WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY n";

constexpr std::string_view kMedianByCountry =
    "SELECT g, n, AVG(v) FROM ("
    "SELECT COALESCE(s.country, '') AS g, a.value_num AS v, ROW_NUMBER() OVER w AS rn, "
    "COUNT(*) OVER w AS n "
    "FROM answers a JOIN poll_sessions s "
    "ON s.campaign_id = a.campaign_id AND s.pseudonym = a.pseudonym "
    "WHERE a.campaign_id = ?1 AND a.question_id = ?2 AND a.kind = 3 "
    "AND a.value_num IS NOT NULL "
    "WINDOW w AS (PARTITION BY COALESCE(s.country, '') ORDER BY a.value_num "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    ") m WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY g, n";

constexpr std::string_view kMedianByLanguage =
    "SELECT g, n, AVG(v) FROM ("
    "SELECT s.language AS g, a.value_num AS v, ROW_NUMBER() OVER w AS rn, "
    "COUNT(*) OVER w AS n "
    "FROM answers a JOIN poll_sessions s "
    "ON s.campaign_id = a.campaign_id AND s.pseudonym = a.pseudonym "
    "WHERE a.campaign_id = ?1 AND a.question_id = ?2 AND a.kind = 3 "
    "AND a.value_num IS NOT NULL "
    "WINDOW w AS (PARTITION BY s.language ORDER BY a.value_num "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    ") m WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY g, n";

constexpr std::string_view kSessionsInOrder =
    "SELECT pseudonym, language, country, current_question, reasks, state, started_at, "
    "last_activity FROM poll_sessions WHERE campaign_id = ?1 ORDER BY pseudonym";

constexpr std::string_view kAnswersInOrder =
    "SELECT pseudonym, kind, choice_id, value_num, value_text, truncated, source, answered_at "
    "FROM answers WHERE campaign_id = ?1 AND question_id = ?2 ORDER BY pseudonym";

bool validState(std::int64_t v) { return v >= 1 && v <= 4; }

void readAnswer(const Statement& s, std::string_view campaign_id, std::string_view question_id,
                AnswerRecord* a) {
  a->campaign_id = campaign_id;
  a->pseudonym = s.text(0);
  a->question_id = question_id;
  a->kind = static_cast<AnswerKind>(s.int64(1));
  a->choice_id = s.text(2);
  a->number = s.isNull(3) ? std::nullopt : std::optional<double>(s.real(3));
  a->text = s.text(4);
  a->truncated = s.int64(5) != 0;
  a->source = static_cast<AnswerSource>(s.int64(6));
  a->answered_at = s.int64(7);
}

}  // namespace

std::error_code SqliteResultsStore::findCampaign(std::string_view tenant, std::string_view id,
                                                 liaison::v1::Campaign* definition) {
  std::error_code ec;
  auto s = db_.cached(kFindCampaign, &ec);
  if (ec) return ec;
  s->bind(1, id);
  s->bind(2, tenant);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  const std::string_view blob = s->blob(0);
  definition->Clear();
  if (!definition->ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
    return StoreErrc::Corrupt;
  }
  return {};
}

std::error_code SqliteResultsStore::sessionCounts(std::string_view campaign_id,
                                                  std::vector<SessionGroupCount>* out) {
  out->clear();
  std::error_code ec;
  auto s = db_.cached(kSessionCounts, &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    const std::int64_t state = s->int64(2);
    if (!validState(state)) continue;  // the schema's CHECK makes this unreachable
    SessionGroupCount& g = out->emplace_back();
    g.country = s->text(0);
    g.language = s->text(1);
    g.state = static_cast<SessionState>(state);
    g.sessions = s->int64(3);
    g.responded = s->int64(4);
  }
  return ec;
}

std::error_code SqliteResultsStore::answerTallies(std::string_view campaign_id,
                                                  std::vector<AnswerGroupTally>* out) {
  out->clear();
  std::error_code ec;
  auto s = db_.cached(kAnswerTallies, &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    AnswerGroupTally& t = out->emplace_back();
    t.question_id = s->text(0);
    t.country = s->text(1);
    t.has_session = !s->isNull(2);
    t.language = s->text(2);
    t.choice_id = s->text(3);
    t.answers = s->int64(4);
    t.from_field_device = s->int64(5);
    t.truncated = s->int64(6);
    t.numbers = s->int64(7);
    if (t.numbers > 0) {
      t.sum = s->real(8);
      t.min = s->real(9);
      t.max = s->real(10);
    }
  }
  return ec;
}

std::error_code SqliteResultsStore::numberMedians(std::string_view campaign_id,
                                                  std::string_view question_id, ResultsGrouping by,
                                                  std::vector<NumberMedian>* out) {
  out->clear();
  std::string_view sql = kMedianOverall;
  if (by == ResultsGrouping::Country) sql = kMedianByCountry;
  if (by == ResultsGrouping::Language) sql = kMedianByLanguage;
  std::error_code ec;
  auto s = db_.cached(sql, &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  s->bind(2, question_id);
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    NumberMedian& m = out->emplace_back();
    m.group = s->text(0);
    m.count = s->int64(1);
    m.median = s->real(2);
  }
  return ec;
}

std::error_code SqliteResultsStore::forEachRespondent(
    std::string_view campaign_id, std::span<const std::string> question_ids,
    const std::function<bool(const RespondentRow&)>& fn) {
  // One cursor per question, each positioned on its first answer not yet matched. Prepared
  // per call (not cached): the cache holds one statement per text and these share one text.
  struct Cursor {
    std::unique_ptr<Statement> stmt;
    bool row = false;
  };
  std::error_code ec;
  std::vector<Cursor> cursors(question_ids.size());
  for (std::size_t i = 0; i < question_ids.size(); ++i) {
    cursors[i].stmt = db_.prepare(kAnswersInOrder, &ec);
    if (ec) return ec;
    cursors[i].stmt->bind(1, campaign_id);
    cursors[i].stmt->bind(2, std::string_view(question_ids[i]));
    if ((ec = cursors[i].stmt->step(&cursors[i].row))) return ec;
  }
  auto s = db_.cached(kSessionsInOrder, &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);

  RespondentRow r;
  r.session.campaign_id = campaign_id;
  r.answers.resize(question_ids.size());
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    const std::int64_t state = s->int64(5);
    PollSessionRecord& p = r.session;
    p.pseudonym = s->text(0);
    p.language = s->text(1);
    p.country = s->text(2);
    p.current_question = s->text(3);
    p.reasks = static_cast<int>(s->int64(4));
    p.state = validState(state) ? static_cast<SessionState>(state) : SessionState::Open;
    p.started_at = s->int64(6);
    p.last_activity = s->int64(7);
    for (std::size_t i = 0; i < cursors.size(); ++i) {
      Cursor& c = cursors[i];
      r.answers[i].reset();
      // Answers of pseudonyms without a session sort between sessions: skip them.
      while (c.row && c.stmt->text(0) < std::string_view(p.pseudonym)) {
        if ((ec = c.stmt->step(&c.row))) return ec;
      }
      if (c.row && c.stmt->text(0) == std::string_view(p.pseudonym)) {
        readAnswer(*c.stmt, campaign_id, question_ids[i], &r.answers[i].emplace());
        if ((ec = c.stmt->step(&c.row))) return ec;
      }
    }
    if (!fn(r)) break;
  }
  return ec;
}

std::error_code SqliteResultsStore::readSnapshot(const std::function<std::error_code()>& fn) {
  if (db_.inTransaction()) return fn();
  // Deferred: takes no write lock, so it works on a read-only connection and never waits for
  // the writer. The snapshot is fixed at the first read inside.
  if (auto ec = db_.exec("BEGIN")) return ec;
  const std::error_code result = fn();
  // Only reads happened, so COMMIT and ROLLBACK end it alike; never leave it open, or the
  // connection would keep this snapshot (and hold back WAL checkpoints) for good.
  if (result || db_.exec("COMMIT")) {
    if (db_.inTransaction()) db_.exec("ROLLBACK");
  }
  return result;
}

}  // namespace liaison::gateway::store
