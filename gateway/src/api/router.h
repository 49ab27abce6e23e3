// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The gateway's HTTP routes. For now: liveness, readiness and version. The REST API, webhooks
// and the sync endpoint are added here as one route table (issue 5).
#pragma once

#include "api/http_server.h"

namespace liaison::gateway::store {
class SqliteStore;
}

namespace liaison::gateway::api {

// Builds the request handler. `store` must outlive the handler.
HttpHandler makeRouter(const store::SqliteStore& store);

}  // namespace liaison::gateway::api
