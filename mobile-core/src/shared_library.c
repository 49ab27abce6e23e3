/* Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
 *
 * The shared library's own translation unit. Everything it exports comes from the internal
 * static library, linked whole (see mobile-core/CMakeLists.txt); CMake needs one source. */
#include "liaison/liaison.h"
