// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Campaigns and the respondents' per-campaign pseudonyms, behind a backend-neutral interface
// (SQLite today: sqlite_campaign_store.h; PostgreSQL later). The campaign definition is stored
// as the serialised liaison.v1.Campaign; the columns beside it (kind, state, name) are what
// queries filter on, and they win over the copies inside the definition (get() writes them
// back into it).
//
// Pseudonyms (DESIGN.md, "Trust"): poll sessions and answers never name a contact. Each
// (campaign, contact) pair gets a random pseudonym here (128 bits from the OS CSPRNG, written as
// 32 lower-case hex digits), and this table is the only link back to a contact and so to a
// phone number; sending and routing a reply need it, results do not. forgetRecipients() drops
// the links of a finished campaign, leaving its results anonymous.
//
// The audience reads (audienceLanguages, audiencePage) live here because a campaign's audience
// is what the planner pages through; they take a segment filter already compiled to the
// backend's dialect (outreach/segment_filter.h), as ContactStore::count does.
//
// Lifecycle (setState enforces it; any other move is InvalidArgument):
//
//   Draft     -> Scheduled, Running, Cancelled
//   Scheduled -> Draft, Running, Cancelled
//   Running   -> Paused, Completed, Cancelled
//   Paused    -> Running, Completed, Cancelled
//
// Completed and Cancelled are final. The planner moves Draft / Scheduled to Running once a
// campaign's first step is wholly in the outbox (outreach/campaign_planner.h).
//
// Errors are std::error_code (StoreErrc) and never carry names, ids or numbers.
// Thread-safety: implementations are bound to one connection; use one thread (strand) at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "liaison/v1/campaigns.pb.h"
#include "store/contact_store.h"
#include "store/database.h"
#include "store/outbox_store.h"

namespace liaison::gateway::store {

enum class CampaignKind : int { Notice = 1, Poll = 2 };
// Numbers match liaison.v1.CampaignState.
enum class CampaignState : int {
  Draft = 1,
  Scheduled = 2,
  Running = 3,
  Paused = 4,
  Completed = 5,
  Cancelled = 6,
};

// True when the lifecycle above allows `from` -> `to` (from != to).
bool isAllowedTransition(CampaignState from, CampaignState to);

struct CampaignRecord {
  std::string id;  // UUIDv7 text, assigned by the caller
  std::string tenant_id;
  std::string name;  // unique per tenant
  CampaignKind kind = CampaignKind::Notice;
  CampaignState state = CampaignState::Draft;
  liaison::v1::Campaign definition;  // id, tenant_id, name, state mirror the columns
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// One reachable recipient, as the planner reads the audience page by page.
struct AudienceMember {
  std::int64_t contact_id = 0;
  std::string phone_e164;  // @sensitive
  std::string language;    // BCP 47; empty when the contact has none
  std::string country;     // ISO 3166-1 alpha-2; may be empty
  std::string time_zone;   // IANA; may be empty
};

struct LanguageCount {
  std::string language;  // empty: contacts with no language set
  std::int64_t count = 0;
  bool operator==(const LanguageCount&) const = default;
};

class CampaignStore {
 public:
  virtual ~CampaignStore() = default;
  // The dialect audience filters must be compiled to (outreach::compileFilter).
  virtual SqlDialect dialect() const = 0;

  // Inserts a new campaign, stamping created_at and updated_at with `now`. Constraint when the
  // id or (tenant, name) exists; InvalidArgument when id, tenant or name is empty, the
  // definition has no content, `kind` does not match the content, or the state is not a
  // CampaignState.
  virtual std::error_code create(const CampaignRecord& campaign, std::int64_t now) = 0;
  // NotFound when `id` does not exist in `tenant` (another tenant's id is NotFound too).
  virtual std::error_code get(std::string_view tenant, std::string_view id,
                              CampaignRecord* out) = 0;
  // Replaces the name and definition (and kind, from the content) of a Draft or Scheduled
  // campaign; *result is Ignored (nothing written) in any other state: a running campaign's
  // definition is what its recipients were sent. NotFound, Constraint (name taken) and
  // InvalidArgument as for create.
  virtual std::error_code update(const CampaignRecord& campaign, std::int64_t now,
                                 Transition* result) = 0;
  // A tenant's campaigns, newest first.
  virtual std::error_code list(std::string_view tenant, std::vector<CampaignRecord>* out) = 0;
  // Running campaigns of every tenant (the dispatcher and the inbound router read these).
  virtual std::error_code listRunning(std::vector<CampaignRecord>* out) = 0;
  // Moves the campaign to `to` if its state is `from`; Ignored (nothing written) otherwise.
  // InvalidArgument when the lifecycle does not allow from -> to; NotFound as for get.
  virtual std::error_code setState(std::string_view tenant, std::string_view id, CampaignState from,
                                   CampaignState to, std::int64_t now, Transition* result) = 0;

  // The pseudonym of `contact_id` in `campaign_id`, created (random, 128 bits) on first use;
  // the same pseudonym on every later call. NotFound when the campaign does not exist or the
  // contact is not one of its tenant's contacts.
  virtual std::error_code pseudonymFor(std::string_view campaign_id, std::int64_t contact_id,
                                       std::string* pseudonym) = 0;
  // The contact behind a pseudonym. NotFound when there is none (or it was forgotten).
  virtual std::error_code contactFor(std::string_view campaign_id, std::string_view pseudonym,
                                     std::int64_t* contact_id) = 0;
  // Deletes every pseudonym link of a campaign; *removed says how many.
  virtual std::error_code forgetRecipients(std::string_view campaign_id, std::int64_t* removed) = 0;

  // Reachable (active) contacts of `tenant` matching `where` (null: all of them), counted per
  // language in the database, sorted by language.
  virtual std::error_code audienceLanguages(std::string_view tenant, const SqlWhere* where,
                                            std::vector<LanguageCount>* out) = 0;
  // Up to `limit` reachable contacts of `tenant` matching `where` with contacts.id > after_id,
  // in id order: keyset paging, so no statement stays open between pages and memory holds one
  // page. *out is resized to the page (its elements' storage is reused); fewer than `limit`
  // means the audience is exhausted. InvalidArgument when limit < 1.
  virtual std::error_code audiencePage(std::string_view tenant, const SqlWhere* where,
                                       std::int64_t after_id, int limit,
                                       std::vector<AudienceMember>* out) = 0;

  // Runs `work` in one transaction on this store's connection and commits when it returns {}
  // (else rolls back and returns its error). The other stores on the same connection (outbox,
  // responses) join it, so their writes inside `work` commit or vanish together.
  virtual std::error_code inTransaction(const std::function<std::error_code()>& work) = 0;
};

}  // namespace liaison::gateway::store
