// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The generated schemas mobile-core uses, under short aliases. `liaison::mobile::v1` (the
// views) would otherwise hide `liaison::v1` inside `namespace liaison::mobile`.
#pragma once

#include "liaison/mobile/v1/views.pb.h"
#include "liaison/sync/v1/sync.pb.h"
#include "liaison/v1/contacts.pb.h"
#include "liaison/v1/forms.pb.h"
#include "liaison/v1/inbox.pb.h"

namespace liaison::mobile {
namespace pb = ::liaison::v1;             // domain records
namespace wire = ::liaison::sync::v1;     // the sync envelope
namespace views = ::liaison::mobile::v1;  // what the C API returns
}  // namespace liaison::mobile
