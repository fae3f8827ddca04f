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

# Files per unity batch of a library (0: one batch per library). Larger
# batches build faster from nothing, smaller ones rebuild less for an edit.
set(DATABLOX_UNITY_BATCH 8 CACHE STRING "files per unity batch of a runtime library")

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
  target_compile_options(${name} PRIVATE -Wall -Wextra -O0 -Wno-subobject-linkage)
  set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${DATABLOX_UNITY_BATCH})
  add_test(NAME ${name} COMMAND ${name})
  add_dependencies(datablox_unit_tests ${name})
endfunction()
