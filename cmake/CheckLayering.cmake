# Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#
# Configure-time layering check. The architecture is a one-way chain of components
#   proto -> sync -> {gateway, mobile-core}
# and each component's `src/` is private to it (its own tests are friends). This scans every
# #include in the tree and fails configuration when a file reaches into another component's
# internals or depends against the arrow. It is also a script: `cmake -DLIAISON_LAYERING_ROOT=DIR
# -P cmake/CheckLayering.cmake` checks DIR, which is how tests/layering proves the check bites.

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.25)
endif()

# Which components each component may use through their public headers.
set(_liaison_deps_proto "")
set(_liaison_deps_sync "proto")
set(_liaison_deps_gateway "proto;sync")
set(_liaison_deps_mobile-core "proto;sync")
set(_liaison_deps_c_api "mobile-core")  # C API tests see only liaison.h (R3).
set(_liaison_components proto sync gateway mobile-core)

# Owner of a path relative to the root: a component, "c_api", "any" (fuzzers, benchmarks) or "".
function(_liaison_owner rel out)
  set(owner "")
  if(rel MATCHES "^(proto|sync|gateway|mobile-core)/")
    set(owner "${CMAKE_MATCH_1}")
  elseif(rel MATCHES "^tests/(proto|sync|gateway|mobile-core|c_api)/")
    set(owner "${CMAKE_MATCH_1}")
  elseif(rel MATCHES "^(tests/fuzz|bench)/")
    set(owner "any")
  endif()
  set(${out} "${owner}" PARENT_SCOPE)
endfunction()

# Component that publishes a <liaison/...> header, or "".
function(_liaison_publisher inc out)
  set(pub "")
  if(inc MATCHES "^liaison/(v1|sync/v1)/.*\\.pb\\.h$")
    set(pub "proto")
  elseif(inc MATCHES "^liaison/sync/")
    set(pub "sync")
  elseif(inc MATCHES "^liaison/liaison\\.h$" OR inc MATCHES "^liaison/mobile/")
    set(pub "mobile-core")
  endif()
  set(${out} "${pub}" PARENT_SCOPE)
endfunction()

# Component whose private src/ holds the absolute path `abs`, or "".
function(_liaison_internal_of root abs out)
  set(res "")
  file(RELATIVE_PATH rel "${root}" "${abs}")
  if(rel MATCHES "^(proto|sync|gateway|mobile-core)/src/")
    set(res "${CMAKE_MATCH_1}")
  endif()
  set(${out} "${res}" PARENT_SCOPE)
endfunction()

function(liaison_check_layering root)
  file(GLOB_RECURSE files RELATIVE "${root}" LIST_DIRECTORIES false
       "${root}/*.h" "${root}/*.hh" "${root}/*.c" "${root}/*.cc" "${root}/*.cpp")
  set(violations "")
  foreach(rel IN LISTS files)
    if(rel MATCHES "^(build|tests/layering/fixtures|\\.git)" OR rel MATCHES "/build")
      continue()
    endif()
    _liaison_owner("${rel}" owner)
    if(owner STREQUAL "" OR owner STREQUAL "any")
      continue()
    endif()
    get_filename_component(dir "${root}/${rel}" DIRECTORY)
    file(STRINGS "${root}/${rel}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line IN LISTS lines)
      if(NOT line MATCHES "#[ \t]*include[ \t]*([<\"])([^>\"]+)[>\"]")
        continue()
      endif()
      set(quote "${CMAKE_MATCH_1}")
      set(inc "${CMAKE_MATCH_2}")
      # (a) Public headers must follow the dependency arrow.
      _liaison_publisher("${inc}" pub)
      if(pub AND NOT pub STREQUAL owner AND NOT pub IN_LIST _liaison_deps_${owner})
        list(APPEND violations "${rel}: ${owner} must not depend on ${pub} (#include ${inc})")
      endif()
      # (b) Nobody names another component's src/ directly.
      if(inc MATCHES "(^|/)(proto|sync|gateway|mobile-core)/src/")
        if(NOT CMAKE_MATCH_2 STREQUAL owner)
          list(APPEND violations "${rel}: includes ${CMAKE_MATCH_2}'s internal header ${inc}")
        endif()
        continue()
      endif()
      # (c) A quoted include that resolves (relative to the file, or through a leaked include
      #     path) into another component's src/ only, is an internal include.
      if(quote STREQUAL "\"")
        set(found_own FALSE)
        if(EXISTS "${dir}/${inc}")
          get_filename_component(abs "${dir}/${inc}" ABSOLUTE)
          _liaison_internal_of("${root}" "${abs}" holder)
          if(holder AND NOT holder STREQUAL owner)
            list(APPEND violations "${rel}: includes ${holder}'s internal header ${inc}")
          endif()
          set(found_own TRUE)
        endif()
        if(NOT found_own AND owner IN_LIST _liaison_components AND EXISTS "${root}/${owner}/src/${inc}")
          set(found_own TRUE)
        endif()
        if(NOT found_own)
          foreach(other IN LISTS _liaison_components)
            if(NOT other STREQUAL owner AND EXISTS "${root}/${other}/src/${inc}")
              list(APPEND violations "${rel}: includes ${other}'s internal header ${inc}")
            endif()
          endforeach()
        endif()
      endif()
    endforeach()
  endforeach()
  if(violations)
    list(JOIN violations "\n  " msg)
    message(FATAL_ERROR "Layering violations (see docs/source-tree.md and STYLE R1/R2):\n  ${msg}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED LIAISON_LAYERING_ROOT)
  liaison_check_layering("${LIAISON_LAYERING_ROOT}")
  message(STATUS "layering ok: ${LIAISON_LAYERING_ROOT}")
endif()
