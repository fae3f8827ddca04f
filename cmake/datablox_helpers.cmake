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

# datablox_library(NAME SOURCES ... [DEPS ...]): a private static library.
function(datablox_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  target_compile_options(${name} PRIVATE -Wall -Wextra)
endfunction()

# datablox_test(NAME SOURCES ... [DEPS ...]): a GoogleTest program run by ctest.
function(datablox_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_options(${name} PRIVATE -Wall -Wextra)
  add_test(NAME ${name} COMMAND ${name})
  add_dependencies(datablox_unit_tests ${name})
endfunction()
