// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The REST API: JSON over HTTP/1.1 for contacts, segments, campaigns, results, messages,
// opt-outs, the inbox and tokens, declared as route table entries (router.h) with the roles
// each allows. docs/api.md is the guide; GET /v1/openapi.json (openApiDocument) the reference.
//
// Role policy (every route is scoped to the token's tenant; another tenant's id is 404, never
// 403, so no caller learns that it exists):
//
//   route group                      admin  officer  analyst  auditor
//   contacts: read, search, export     x       x        -        x
//   contacts: create, update, delete,  x       x        -        -
//             import
//   segments: read (with counts)       x       x        x        x
//   segments: write                    x       x        -        -
//   campaigns: read, validate, preview x       x        x        x
//   campaigns: create, update, start,  x       x        -        -
//              pause, resume, cancel
//   results (JSON tallies, CSV)        x       x        x        x
//   messages of a campaign, one message x      x        x*       x*
//   send one message                   x       x        -        -
//   opt-outs                           x       x        -        x
//   inbox                              x       x        -        x*
//   tokens (create, list, revoke)      x       -        -        -
//
//   * without message bodies; analysts also without phone numbers. Analysts never see a phone
//     number or a message body anywhere (results name respondents by pseudonym only). Auditors
//     read everything but secrets: token hashes are never returned to anyone, and a token's
//     printable form is returned once, to the admin who creates it.
//
// Concurrency: handlers run on the HTTP server's threads. Every access to the writer
// connection happens under the daemon's store mutex (`store_mu`), held for one short unit of
// work at a time: a store call, one import, or one page of campaign planning (the planner
// commits page by page and the lock is released between pages). Exports and results read
// through a read-only connection of their own when RestApiOptions::db_path is set (WAL gives
// them a snapshot), so a large export never holds the mutex.
//
// Limits: request bodies and read time are bounded by the HTTP server (413 past its body
// limit); lists are paginated (limit 1..max_page_size, opaque cursor); a CSV import is one
// transaction holding the mutex for its duration, which the body limit bounds (about 15,000
// rows per MiB); exports are built in memory up to max_export_bytes (larger ones answer 413
// export_too_large: use the CLI).
//
// Errors: {"error": {"code", "message"[, "details"]}} with fixed messages; details list
// validation problems by field path, never values, names or numbers (STYLE R6).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/auth.h"
#include "api/router.h"
#include "outreach/campaign_planner.h"
#include "outreach/message_intake.h"
#include "store/database.h"

namespace liaison::gateway::api {

struct RestApiOptions {
  // Unix milliseconds; empty: the system clock.
  std::function<std::int64_t()> clock_ms;
  // The database file. When set, exports and results use a read-only connection opened per
  // request (no mutex); when empty they read through the writer under the mutex.
  std::string db_path;
  int default_page_size = 50;
  int max_page_size = 500;
  std::size_t max_export_bytes = 64 * 1024 * 1024;
  // National numbers in contacts and imports without a country are read in this region
  // (ISO 3166-1 alpha-2); empty: such numbers are rejected.
  std::string default_country;
  // A tenant's own default region (its [[tenants]] default_region), used instead of
  // default_country for that tenant's contacts, imports, searches and messages.
  std::map<std::string, std::string> tenant_regions;
  AuthOptions auth;
  outreach::PlannerOptions planner;
  // Random bytes for token secrets and campaign ids; empty: the OS CSPRNG.
  RandomFill random;
  // POST /v1/messages: the group-commit intake, and what to call after each commit that
  // queued messages (the daemon wakes its dispatchers). May be empty.
  outreach::IntakeOptions intake;
  std::function<void()> on_messages_queued;
};

class RestApi {
 public:
  // `db` is the writer connection and `store_mu` the mutex every user of it holds; both must
  // outlive the RestApi and its routes.
  RestApi(store::Database& db, std::mutex& store_mu, RestApiOptions options = {});
  ~RestApi();
  RestApi(const RestApi&) = delete;
  RestApi& operator=(const RestApi&) = delete;

  // The API's route table entries (all access Token). Their handlers refer to this object.
  std::vector<Route> routes();
  // The authenticator the router puts in front of the routes. Thread-safe.
  Authenticator& authenticator();

  struct Impl;  // rest_api.cc

 private:
  std::unique_ptr<Impl> impl_;
};

// What a campaign read by campaignFromJson (proto_json.h) lacks to be saved at all, as POST
// and PUT /v1/campaigns check it (422): a name of at most 200 characters of text, a notice or
// a poll. One "path: reason" line each, never a value; empty when it can be saved. Checks
// nothing in the store (CampaignPlanner::validate does). Pure, thread-safe.
std::vector<std::string> campaignSaveProblems(const liaison::v1::Campaign& campaign);

// The OpenAPI 3.0.3 document of `routes`: every route's method and path, parameters, bodies,
// responses and roles (x-liaison-roles), plus the shared schemas. Deterministic (sorted keys,
// two-space indent, trailing newline): docs/openapi.json is this output for the daemon's
// table, and a test fails when the two differ.
std::string openApiDocument(const std::vector<Route>& routes);

}  // namespace liaison::gateway::api
