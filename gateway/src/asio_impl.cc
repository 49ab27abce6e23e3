// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The one translation unit that compiles Boost.Asio and Boost.Beast (separate compilation,
// docs/adr/0001). Every other file sees only declarations, which keeps builds fast on 2 cores.
#include <utility>  // before Asio: works around a Boost 1.74 + g++ 12 coroutine issue

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
