// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteCampaignStore: campaigns, pseudonyms and audience pages (schema: migrations 2 and 4 in
// sqlite_store.cc). Fixed statements go through the statement cache; the audience queries
// embed a segment filter, so they vary without bound and are prepared per call.
#include "store/sqlite_campaign_store.h"

#include <openssl/rand.h>

#include <array>
#include <utility>

namespace liaison::gateway::store {

namespace {

constexpr std::string_view kSelectCampaign =
    "SELECT id, tenant_id, name, kind, state, definition, created_at, updated_at FROM campaigns";

// Tries before giving up on a pseudonym that collides with one already issued in the campaign.
// With 128 random bits a single collision is already beyond any realistic campaign.
constexpr int kPseudonymAttempts = 4;

bool validState(CampaignState s) {
  const int v = static_cast<int>(s);
  return v >= 1 && v <= 6;
}

CampaignKind kindOf(const liaison::v1::Campaign& c) {
  return c.has_poll() ? CampaignKind::Poll : CampaignKind::Notice;
}

bool validRecord(const CampaignRecord& r) {
  return !r.id.empty() && !r.tenant_id.empty() && !r.name.empty() &&
         r.definition.content_case() != liaison::v1::Campaign::CONTENT_NOT_SET &&
         kindOf(r.definition) == r.kind && validState(r.state);
}

// The definition as stored: the columns' copies inside it are written from the record.
std::string serialise(const CampaignRecord& r, std::int64_t created_at) {
  liaison::v1::Campaign d = r.definition;
  d.set_id(r.id);
  d.set_tenant_id(r.tenant_id);
  d.set_name(r.name);
  d.set_state(static_cast<liaison::v1::CampaignState>(r.state));
  d.mutable_created_at()->set_seconds(created_at);
  d.mutable_created_at()->set_nanos(0);
  return d.SerializeAsString();
}

std::error_code readCampaign(const Statement& s, CampaignRecord* out) {
  CampaignRecord r;
  r.id = s.text(0);
  r.tenant_id = s.text(1);
  r.name = s.text(2);
  r.kind = static_cast<CampaignKind>(s.int64(3));
  r.state = static_cast<CampaignState>(s.int64(4));
  if (!r.definition.ParseFromString(std::string(s.blob(5)))) return StoreErrc::Corrupt;
  r.created_at = s.int64(6);
  r.updated_at = s.int64(7);
  // The columns are the truth: setState writes only the column.
  r.definition.set_id(r.id);
  r.definition.set_tenant_id(r.tenant_id);
  r.definition.set_name(r.name);
  r.definition.set_state(static_cast<liaison::v1::CampaignState>(r.state));
  r.definition.mutable_created_at()->set_seconds(r.created_at);
  r.definition.mutable_created_at()->set_nanos(0);
  *out = std::move(r);
  return {};
}

std::error_code randomPseudonym(std::string* out) {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return StoreErrc::Other;
  static constexpr char kHex[] = "0123456789abcdef";
  out->clear();
  out->reserve(32);
  for (unsigned char b : bytes) {
    out->push_back(kHex[b >> 4]);
    out->push_back(kHex[b & 0x0f]);
  }
  return {};
}

// "... FROM contacts c [INDEXED BY ...] WHERE c.tenant_id = ?1 AND c.status = 1 [AND (filter)]"
std::string audienceSql(std::string_view head, std::string_view from, const SqlWhere* where) {
  std::string sql(head);
  sql += from;
  sql += " WHERE c.tenant_id = ?1 AND c.status = 1";
  if (where != nullptr) {
    sql += " AND (";
    sql += where->sql;
    sql += ')';
  }
  return sql;
}

// Binds the tenant and the filter's values; returns the next free parameter number.
int bindAudience(Statement& s, std::string_view tenant, const SqlWhere* where) {
  s.bind(1, tenant);
  int index = ContactStore::kFirstFilterParam;
  if (where != nullptr) {
    for (const SqlValue& v : where->params) s.bind(index++, v);
  }
  return index;
}

}  // namespace

bool isAllowedTransition(CampaignState from, CampaignState to) {
  using S = CampaignState;
  switch (from) {
    case S::Draft: return to == S::Scheduled || to == S::Running || to == S::Cancelled;
    case S::Scheduled: return to == S::Draft || to == S::Running || to == S::Cancelled;
    case S::Running: return to == S::Paused || to == S::Completed || to == S::Cancelled;
    case S::Paused: return to == S::Running || to == S::Completed || to == S::Cancelled;
    case S::Completed:
    case S::Cancelled: return false;
  }
  return false;
}

std::error_code SqliteCampaignStore::create(const CampaignRecord& campaign, std::int64_t now) {
  if (!validRecord(campaign)) return StoreErrc::InvalidArgument;
  std::error_code ec;
  auto s = db_.cached(
      "INSERT INTO campaigns (id, tenant_id, name, kind, state, definition, created_at, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
      &ec);
  if (ec) return ec;
  s->bind(1, std::string_view(campaign.id));
  s->bind(2, std::string_view(campaign.tenant_id));
  s->bind(3, std::string_view(campaign.name));
  s->bind(4, static_cast<std::int64_t>(campaign.kind));
  s->bind(5, static_cast<std::int64_t>(campaign.state));
  s->bindBlob(6, serialise(campaign, now));
  s->bind(7, now);
  return s->run();
}

std::error_code SqliteCampaignStore::get(std::string_view tenant, std::string_view id,
                                         CampaignRecord* out) {
  std::error_code ec;
  auto s =
      db_.cached(std::string(kSelectCampaign).append(" WHERE tenant_id = ?1 AND id = ?2"), &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, id);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  return readCampaign(*s, out);
}

std::error_code SqliteCampaignStore::exists(std::string_view tenant, std::string_view id,
                                            bool* found) {
  std::error_code ec;
  auto s = db_.cached("SELECT 1 FROM campaigns WHERE tenant_id = ?1 AND id = ?2", &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, id);
  return s->step(found);
}

std::error_code SqliteCampaignStore::update(const CampaignRecord& campaign, std::int64_t now,
                                            Transition* result) {
  if (!validRecord(campaign)) return StoreErrc::InvalidArgument;
  Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  std::error_code ec;
  std::int64_t created_at = 0;
  {
    auto s = db_.cached("SELECT created_at FROM campaigns WHERE tenant_id = ?1 AND id = ?2", &ec);
    if (ec) return ec;
    s->bind(1, std::string_view(campaign.tenant_id));
    s->bind(2, std::string_view(campaign.id));
    bool row = false;
    if ((ec = s->step(&row))) return ec;
    if (!row) return StoreErrc::NotFound;
    created_at = s->int64(0);
  }
  {
    auto s = db_.cached(
        "UPDATE campaigns SET name = ?3, kind = ?4, definition = ?5, updated_at = ?6 "
        "WHERE tenant_id = ?1 AND id = ?2 AND state IN (1, 2)",
        &ec);
    if (ec) return ec;
    s->bind(1, std::string_view(campaign.tenant_id));
    s->bind(2, std::string_view(campaign.id));
    s->bind(3, std::string_view(campaign.name));
    s->bind(4, static_cast<std::int64_t>(campaign.kind));
    s->bindBlob(5, serialise(campaign, created_at));
    s->bind(6, now);
    if ((ec = s->run())) return ec;
    *result = db_.changes() > 0 ? Transition::Applied : Transition::Ignored;
  }
  return txn.commit();
}

std::error_code SqliteCampaignStore::list(std::string_view tenant,
                                          std::vector<CampaignRecord>* out) {
  out->clear();
  std::error_code ec;
  // UUIDv7 ids grow with time, so id breaks ties between campaigns created in one second.
  auto s = db_.cached(std::string(kSelectCampaign)
                          .append(" WHERE tenant_id = ?1 ORDER BY created_at DESC, id DESC"),
                      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    CampaignRecord r;
    if ((ec = readCampaign(*s, &r))) return ec;
    out->push_back(std::move(r));
  }
  return ec;
}

std::error_code SqliteCampaignStore::listRunning(std::vector<CampaignRecord>* out) {
  out->clear();
  std::error_code ec;
  auto s = db_.cached(
      std::string(kSelectCampaign).append(" WHERE state = 3 ORDER BY tenant_id, created_at, id"),
      &ec);
  if (ec) return ec;
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    CampaignRecord r;
    if ((ec = readCampaign(*s, &r))) return ec;
    out->push_back(std::move(r));
  }
  return ec;
}

std::error_code SqliteCampaignStore::setState(std::string_view tenant, std::string_view id,
                                              CampaignState from, CampaignState to,
                                              std::int64_t now, Transition* result) {
  if (!validState(from) || !validState(to) || !isAllowedTransition(from, to)) {
    return StoreErrc::InvalidArgument;
  }
  std::error_code ec;
  auto s = db_.cached(
      "UPDATE campaigns SET state = ?4, updated_at = ?5 "
      "WHERE tenant_id = ?1 AND id = ?2 AND state = ?3",
      &ec);
  if (ec) return ec;
  s->bind(1, tenant);
  s->bind(2, id);
  s->bind(3, static_cast<std::int64_t>(from));
  s->bind(4, static_cast<std::int64_t>(to));
  s->bind(5, now);
  if ((ec = s->run())) return ec;
  if (db_.changes() > 0) {
    *result = Transition::Applied;
    return {};
  }
  bool found = false;
  if ((ec = exists(tenant, id, &found))) return ec;
  if (!found) return StoreErrc::NotFound;
  *result = Transition::Ignored;
  return {};
}

std::error_code SqliteCampaignStore::findPseudonym(std::string_view campaign_id,
                                                   std::int64_t contact_id, std::string* pseudonym,
                                                   bool* found) {
  std::error_code ec;
  auto s = db_.cached(
      "SELECT pseudonym FROM campaign_recipients WHERE campaign_id = ?1 AND contact_id = ?2", &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  s->bind(2, contact_id);
  if ((ec = s->step(found))) return ec;
  if (*found) *pseudonym = s->text(0);
  return {};
}

std::error_code SqliteCampaignStore::pseudonymFor(std::string_view campaign_id,
                                                  std::int64_t contact_id, std::string* pseudonym) {
  if (campaign_id.empty()) return StoreErrc::InvalidArgument;
  bool found = false;
  if (auto ec = findPseudonym(campaign_id, contact_id, pseudonym, &found)) return ec;
  if (found) return {};
  std::string fresh;
  for (int attempt = 0; attempt < kPseudonymAttempts; ++attempt) {
    if (auto ec = randomPseudonym(&fresh)) return ec;
    std::error_code ec;
    // Inserted only when the campaign exists and the contact belongs to its tenant: a
    // pseudonym never links a campaign to another tenant's contact. The conflict target is
    // the (campaign, contact) key only, so a clash with another contact's pseudonym fails
    // (Constraint) and draws again instead of passing silently.
    auto s = db_.cached(
        "INSERT INTO campaign_recipients (campaign_id, contact_id, pseudonym) "
        "SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM campaigns ca JOIN contacts c "
        "ON c.tenant_id = ca.tenant_id WHERE ca.id = ?1 AND c.id = ?2) "
        "ON CONFLICT (campaign_id, contact_id) DO NOTHING",
        &ec);
    if (ec) return ec;
    s->bind(1, campaign_id);
    s->bind(2, contact_id);
    s->bind(3, std::string_view(fresh));
    ec = s->run();
    if (ec == StoreErrc::Constraint) continue;
    if (ec) return ec;
    if (db_.changes() > 0) {
      *pseudonym = std::move(fresh);
      return {};
    }
    // Nothing inserted: no such campaign or contact (or a concurrent insert won the race).
    if ((ec = findPseudonym(campaign_id, contact_id, pseudonym, &found))) return ec;
    return found ? std::error_code() : make_error_code(StoreErrc::NotFound);
  }
  return StoreErrc::Constraint;
}

std::error_code SqliteCampaignStore::contactFor(std::string_view campaign_id,
                                                std::string_view pseudonym,
                                                std::int64_t* contact_id) {
  std::error_code ec;
  auto s = db_.cached(
      "SELECT contact_id FROM campaign_recipients WHERE campaign_id = ?1 AND pseudonym = ?2", &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  s->bind(2, pseudonym);
  bool row = false;
  if ((ec = s->step(&row))) return ec;
  if (!row) return StoreErrc::NotFound;
  *contact_id = s->int64(0);
  return {};
}

std::error_code SqliteCampaignStore::forgetRecipients(std::string_view campaign_id,
                                                      std::int64_t* removed) {
  *removed = 0;
  std::error_code ec;
  auto s = db_.cached("DELETE FROM campaign_recipients WHERE campaign_id = ?1", &ec);
  if (ec) return ec;
  s->bind(1, campaign_id);
  if ((ec = s->run())) return ec;
  *removed = db_.changes();
  return {};
}

std::error_code SqliteCampaignStore::audienceLanguages(std::string_view tenant,
                                                       const SqlWhere* where,
                                                       std::vector<LanguageCount>* out) {
  out->clear();
  std::string sql = audienceSql("SELECT c.language, count(*)", " FROM contacts c", where);
  sql += " GROUP BY c.language ORDER BY c.language";
  std::error_code ec;
  auto s = db_.prepare(sql, &ec);
  if (ec) return ec;
  bindAudience(*s, tenant, where);
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    const std::string_view language = s->text(0);
    // NULL and '' both mean "no language" and sort first: merge them.
    if (language.empty() && !out->empty() && out->back().language.empty()) {
      out->back().count += s->int64(1);
    } else {
      out->push_back({std::string(language), s->int64(1)});
    }
  }
  return ec;
}

std::error_code SqliteCampaignStore::audiencePage(std::string_view tenant, const SqlWhere* where,
                                                  std::int64_t after_id, int limit,
                                                  std::vector<AudienceMember>* out) {
  if (limit < 1) return StoreErrc::InvalidArgument;
  const int first_free = ContactStore::kFirstFilterParam +
                         (where != nullptr ? static_cast<int>(where->params.size()) : 0);
  // INDEXED BY: (tenant_id, status) with the rowid as its implied last column hands out the
  // tenant's reachable contacts already in id order from any id onward, so each page costs
  // the rows it scans, and the whole audience costs one pass, whatever the filter. Left to
  // itself the planner may pick a filter column's index and re-sort every remaining match
  // for every page, which is quadratic in the audience.
  std::string sql = audienceSql("SELECT c.id, c.phone_e164, c.language, c.country, c.time_zone",
                                " FROM contacts c INDEXED BY contacts_by_status", where);
  sql += " AND c.id > ?" + std::to_string(first_free) + " ORDER BY c.id LIMIT ?" +
         std::to_string(first_free + 1);
  std::error_code ec;
  auto s = db_.prepare(sql, &ec);
  if (ec) return ec;
  const int next = bindAudience(*s, tenant, where);
  s->bind(next, after_id);
  s->bind(next + 1, static_cast<std::int64_t>(limit));
  std::size_t n = 0;
  bool row = false;
  while (!(ec = s->step(&row)) && row) {
    if (n == out->size()) out->emplace_back();
    AudienceMember& m = (*out)[n++];
    m.contact_id = s->int64(0);
    m.phone_e164.assign(s->text(1));
    m.language.assign(s->text(2));
    m.country.assign(s->text(3));
    m.time_zone.assign(s->text(4));
  }
  if (ec) return ec;
  out->resize(n);
  return {};
}

std::error_code SqliteCampaignStore::inTransaction(const std::function<std::error_code()>& work) {
  Transaction txn(db_);
  if (auto ec = txn.begin()) return ec;
  if (auto ec = work()) return ec;  // ~Transaction rolls back
  return txn.commit();
}

}  // namespace liaison::gateway::store
