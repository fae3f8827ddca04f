# datablox_add_element(NAME SOURCES ...): an element plugin, NAME.datablox.so.
#
# Its classes register themselves (DATABLOX_ELEMENT on the last line of each
# .cc). It links against nothing but the public headers: the `datablox`
# executable that loads it provides the API. `datablox run`, `check`,
# `describe`, `classes` and every element host load it from the topology
# file's folder, from `--plugin-path DIR` or from DATABLOX_PLUGIN_PATH.
function(datablox_add_element name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "datablox_add_element(${name}): no SOURCES")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE datablox::element)
  # Hidden: two plugins' own symbols never meet (each is loaded RTLD_LOCAL too).
  set_target_properties(${name} PROPERTIES PREFIX "" SUFFIX ".datablox.so"
                        CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
endfunction()
