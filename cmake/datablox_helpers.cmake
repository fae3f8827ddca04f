# One helper per kind of target (LevelDB's leveldb_test).

# Every target, libraries and tests alike, compiled and linked with the
# sanitizers of DATABLOX_SANITIZE. A finding fails the program (no recover),
# so a test that trips UBSan fails instead of printing and passing.
if(DATABLOX_SANITIZE)
  add_compile_options(-fsanitize=${DATABLOX_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${DATABLOX_SANITIZE} -fno-sanitize-recover=all)
endif()

# Builds every GoogleTest program and nothing else (the sanitizer run of
# ./dev test): `cmake --build B --target datablox_unit_tests`.
add_custom_target(datablox_unit_tests)

# What the runtime's targets share below the public API (runtime/core's
# control, wire, codec...; dsl's loader; the master's and the caretaker's
# headers): the source root as an include path, so "runtime/core/wire.h"
# resolves. Linked PRIVATE, never PUBLIC, by the targets of runtime/, dsl/,
# python/ and tools/ and by tests; never by element classes (they are what a
# plugin is: include/datablox only), never installed or exported.
add_library(datablox_internal INTERFACE)
target_include_directories(datablox_internal INTERFACE ${PROJECT_SOURCE_DIR})

# The public API as a target: include/datablox/ and C++20. What a plugin
# builds against (exported as datablox::element), and the only include path
# any target here gives its users.
add_library(datablox_element INTERFACE)
add_library(datablox::element ALIAS datablox_element)
target_include_directories(datablox_element INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
target_compile_features(datablox_element INTERFACE cxx_std_20)

# One precompiled header of the heavy third-party headers, built once and
# reused by every library and program (REUSE_FROM) instead of each unity
# batch parsing them again: nlohmann/json, spdlog and fmt, msgpack, cppzmq.
# In the master's largest batch that was 41 s -> 26 s. The test programs
# (-O0, which an -O2 header refuses: __OPTIMIZE__) share one of their own,
# with GoogleTest. A header is only a compile flag: what a file includes
# is still what it uses (tests/check_includes.py reads the sources).
# -Winvalid-pch: a target whose flags stop matching says so, not silently
# slower. (A sanitizer build, with CMAKE_DISABLE_PRECOMPILE_HEADERS, has none.)
set(DATABLOX_PCH_HEADERS
  <algorithm> <chrono> <functional> <map> <memory> <optional> <set> <string> <string_view> <vector>
  <nlohmann/json.hpp> <spdlog/spdlog.h> <fmt/format.h> <msgpack.hpp> <zmq.hpp>)
# The usage requirements (definitions) every user of the header must share
# with it: those of runtime/core's public dependencies.
add_library(datablox_pch_deps INTERFACE)
target_link_libraries(datablox_pch_deps INTERFACE
  datablox_msgpack cppzmq PkgConfig::ZMQ nlohmann_json::nlohmann_json simdjson::simdjson spdlog::spdlog fmt::fmt)
add_library(datablox_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cc)
target_link_libraries(datablox_pch PUBLIC datablox_pch_deps)
target_compile_features(datablox_pch PUBLIC cxx_std_20)
target_precompile_headers(datablox_pch PRIVATE ${DATABLOX_PCH_HEADERS})

# The header is compiled as PIC (an OBJECT library); a program's files are
# PIE by default, which the header refuses ("different settings of -fpie"):
# a program that uses it compiles as PIC too (control code: no measurable cost).
function(datablox_pch_position_independence target)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_compile_options(${target} PRIVATE -fPIC)
  endif()
endfunction()

# datablox_use_pch(TARGET): TARGET's files start from the shared header.
function(datablox_use_pch target)
  datablox_pch_position_independence(${target})
  target_link_libraries(${target} PRIVATE datablox_pch_deps)
  target_compile_options(${target} PRIVATE -Winvalid-pch)
  target_precompile_headers(${target} REUSE_FROM datablox_pch)
endfunction()

# Files per unity batch of a library (0: one batch per library). Larger
# batches build faster from nothing, smaller ones rebuild less for an edit.
# One batch per library is the default: each batch instantiates and
# optimises the same json/msgpack/fmt templates again, and at 8 files a
# batch that was a sixth of the clean build (the whole build on 2 cores,
# cold: 617 s of compiler time at 8, 518 s at 0; the host 40 s -> 27 s, the
# master 24 s -> 15 s). An edit rebuilds its library's one batch (the
# host's: 27 s instead of ~20 s); -DDATABLOX_UNITY_BATCH=8 for a tree that
# is edited more than built.
set(DATABLOX_UNITY_BATCH 0 CACHE STRING "files per unity batch of a runtime library")

# datablox_library(NAME SOURCES ... [DEPS ...]): a private static library of
# the runtime. Its users see include/ only (and its DEPS); its own sources
# see datablox_internal.
function(datablox_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC datablox_element ${ARG_DEPS} PRIVATE datablox_internal)
  target_compile_options(${name} PRIVATE -Wall -Wextra)
  # Unity build: the runtime's files are small and each includes the same
  # heavy headers (nlohmann/json through control_protocol.h) and
  # instantiates the same templates; compiled in batches, that is done once
  # per batch instead of once per file. A file whose private names clash
  # with another's is kept out (SKIP_UNITY_BUILD_INCLUSION beside it).
  set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${DATABLOX_UNITY_BATCH})
  datablox_use_pch(${name})
endfunction()

# The test programs' shared header: the same, with GoogleTest, at -O0.
if(DATABLOX_TESTS)
  add_library(datablox_test_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cc)
  target_link_libraries(datablox_test_pch PUBLIC datablox_pch_deps GTest::gtest)
  target_compile_features(datablox_test_pch PUBLIC cxx_std_20)
  target_compile_options(datablox_test_pch PRIVATE -O0)
  target_precompile_headers(datablox_test_pch PRIVATE ${DATABLOX_PCH_HEADERS} <gtest/gtest.h>)
endif()

# datablox_control_plane(TARGET): TARGET is control code (the master, the
# caretaker, the topology and schema languages, the CLI): it handles a
# message per decision, never a log per microsecond, so it is compiled -Og,
# which builds it about a third faster than -O2 (the master's largest batch:
# 41 s at -O2, 31 s at -O1; the CLI's: 44.5 s at -O1, 37.9 s at -Og). The
# data path (core, host, shards, elements, Brio's presser and reader, Nexus)
# stays -O2. (-Og after the build type's -O2: the last one counts; the
# shared header accepts it, as -Og defines __OPTIMIZE__ too.)
# GCC 12 at -Og (and -O1) warns falsely inside libstdc++'s std::string
# operator+ (-Warray-bounds, GCC bug 105651) and of a std::optional<string>
# member it cannot follow (-Wmaybe-uninitialized); -O2 does not: those two
# are off here, every other warning stays.
function(datablox_control_plane target)
  target_compile_options(${target} PRIVATE -Og -Wno-array-bounds -Wno-maybe-uninitialized)
endfunction()

# datablox_test(NAME SOURCES ... [DEPS ...]): a GoogleTest program run by
# ctest. Tests sit beside their code and may see its private headers.
function(datablox_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} datablox_internal GTest::gtest GTest::gtest_main)
  # A test's own code is compiled without optimisation: what it tests is
  # in the libraries, compiled -O2; at -O0 a GoogleTest file builds two to
  # three times faster (control_protocol_test: 32 s -> 13 s). Batched like
  # the libraries (a file whose private names clash with another's is kept
  # out with SKIP_UNITY_BUILD_INCLUSION beside it).
  # (-Wno-subobject-linkage: in a batch, gcc takes a fixture in a file's
  # anonymous namespace for one in a header's; it is not.)
  target_compile_options(${name} PRIVATE -Wall -Wextra -O0 -Wno-subobject-linkage -Winvalid-pch)
  set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${DATABLOX_UNITY_BATCH})
  target_link_libraries(${name} PRIVATE datablox_pch_deps)
  datablox_pch_position_independence(${name})
  target_precompile_headers(${name} REUSE_FROM datablox_test_pch)
  add_test(NAME ${name} COMMAND ${name})
  add_dependencies(datablox_unit_tests ${name})
endfunction()
