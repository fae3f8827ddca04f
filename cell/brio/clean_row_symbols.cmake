# The guard of clean_row.h's promise (ctest brio_clean_row_shares_no_code):
# clean_row.cc is the one file built for AVX2, and an inline function it
# emitted as a weak (COMDAT) symbol could be picked by the linker for the
# callers of that function in every other file, so a CPU without AVX2
# would run AVX2 code. So the object may export no code but
# MakeCleanRowReader (the entry point, called only where the CPU has AVX2)
# and functions of simdjson's haswell implementation (their names hold
# `simdjson::haswell`: only files built for AVX2 define them). Weak data
# (the typeinfo of CleanRowReader, DW.ref.__gxx_personality_v0) is the
# same bytes whatever the target, and sanitizer symbols are the runtime's.
#   cmake -DNM=nm -DOBJECTS="a.o|b.o|..." -P clean_row_symbols.cmake
string(REPLACE "|" ";" objects "${OBJECTS}")
set(object "")
foreach(o IN LISTS objects)
  if(o MATCHES "clean_row\\.cc\\.o(bj)?$")
    set(object "${o}")
  endif()
endforeach()
if(object STREQUAL "")
  message(FATAL_ERROR "clean_row.cc's object is not among ${OBJECTS}")
endif()
execute_process(COMMAND "${NM}" -C --defined-only -g "${object}" OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${object} failed (${rc})")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(shared "")
set(entry_points 0)
foreach(line IN LISTS lines)
  # "ADDRESS TYPE NAME": T a global function, W a weak one, i an indirect one.
  if(NOT line MATCHES "^[0-9a-fA-F]* ([TWi]) (.*)$")
    continue()
  endif()
  set(name "${CMAKE_MATCH_2}")
  if(name STREQUAL "datablox::brio::MakeCleanRowReader()")
    math(EXPR entry_points "${entry_points} + 1")
  elseif(NOT name MATCHES "simdjson::haswell" AND NOT name MATCHES "^_*(asan|ubsan|sanitizer|odr_asan)")
    string(APPEND shared "\n  ${line}")
  endif()
endforeach()
if(NOT entry_points EQUAL 1)
  message(FATAL_ERROR "${object} does not define datablox::brio::MakeCleanRowReader(): was it built?")
endif()
if(NOT shared STREQUAL "")
  message(FATAL_ERROR "${object} (built for AVX2) exports code other files may share, which a CPU without "
                      "AVX2 could then run:${shared}\nKeep such functions out of clean_row.cc (see clean_row.h).")
endif()
message(STATUS "${object}: no code shared with other files")
