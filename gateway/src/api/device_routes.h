// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Field devices in the route table (router.h): the officers' side of enrolment and revocation
// behind API tokens, and the device-facing sync endpoint, both over one sync::SyncService (its
// DeviceAuth and store). docs/api.md ("Field devices") is the guide; docs/sync-protocol.md
// section 14 says what a device does with a code.
//
//   route                                      roles                      what
//   POST /v1/devices/enrolment-codes           admin, officer             one-time code for a
//                                                                         team and its scopes,
//                                                                         shown once, with expiry
//   GET  /v1/devices[?team=]                   admin, officer, auditor    devices in enrolment
//                                                                         order, paged
//   GET  /v1/devices/{device_id}               admin, officer, auditor    one device
//   POST /v1/devices/{device_id}/revoke        admin, officer             revoke (idempotent);
//                                                                         the device is refused
//                                                                         at its next request
//   POST /v1/sync, POST /v1/sync/enrol         (Custom: signed requests,  SyncService handlers
//                                               one-time codes)
//
// A device shows: its id, team, scopes, enrolment, last-seen and revocation times, and its
// high-water mark (every operation up to it is durably applied). Never its key, and never a
// code after the response that created it (only the code's hash is stored).
//
// Tenancy: every lookup is scoped by the caller's tenant; another tenant's device id answers
// 404, never 403. Errors are {"error": {"code", "message"}} with fixed messages that name the
// field at fault, never a value. Handlers may run on any HTTP thread: DeviceAuth takes the
// store mutex for each store access.
#pragma once

#include <vector>

#include "api/router.h"

namespace liaison::gateway::sync {
class SyncService;
}

namespace liaison::gateway::api {

// The officers' routes (access Token). `service` must outlive the routes.
std::vector<Route> deviceRoutes(sync::SyncService& service);

// POST /v1/sync and POST /v1/sync/enrol (access Custom: the service authenticates them),
// with the router's clock. `service` must outlive the routes.
std::vector<Route> syncEndpointRoutes(sync::SyncService& service);

}  // namespace liaison::gateway::api
