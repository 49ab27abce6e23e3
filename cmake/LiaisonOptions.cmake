# Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#
# Compiler flags shared by every Liaison target, carried by one interface target
# (`liaison_flags`) so that sanitizer and warning choices are made in one place.

add_library(liaison_flags INTERFACE)
target_compile_options(liaison_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wformat=2
  $<$<COMPILE_LANGUAGE:CXX>:-Woverloaded-virtual>)
if(LIAISON_WERROR)
  target_compile_options(liaison_flags INTERFACE -Werror)
endif()

if(LIAISON_SANITIZE)
  # Applied globally so that test binaries and libraries agree on the runtime.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Generated protobuf code is third-party shaped: keep our warnings off it.
add_library(liaison_generated_flags INTERFACE)
target_compile_options(liaison_generated_flags INTERFACE -w)

if(LIAISON_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LIAISON_BUILD_FUZZERS needs clang: configure with "
                        "CC=clang-14 CXX=clang++-14 (scripts/fuzz-smoke does this)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
