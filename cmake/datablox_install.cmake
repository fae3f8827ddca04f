# `cmake --install build --prefix P`: the `datablox` executable (the CLI, the
# master, the caretaker and the element host in one), the public headers, the
# Python package, and a CMake package for out-of-tree element plugins:
#
#   find_package(datablox CONFIG REQUIRED)
#   datablox_add_element(hello SOURCES hello.cc)   # -> hello.datablox.so
#
# Nothing else is installed: the runtime's static libraries are linked into
# the executable, and a plugin needs only the headers (the executable
# exports the public API's symbols).
include(CMakePackageConfigHelpers)
set(DATABLOX_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/datablox)

install(TARGETS datablox EXPORT datablox-targets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set_target_properties(datablox_element PROPERTIES EXPORT_NAME element)
install(TARGETS datablox_element EXPORT datablox-targets)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/datablox DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

# The Python package: python/CMakeLists.txt installs it (its files are listed there).

install(EXPORT datablox-targets NAMESPACE datablox:: DESTINATION ${DATABLOX_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/datablox-config.cmake.in
  ${CMAKE_BINARY_DIR}/datablox-config.cmake INSTALL_DESTINATION ${DATABLOX_INSTALL_CMAKEDIR})
# 0.x: a plugin is built for one minor version (the element ABI may change).
write_basic_package_version_file(${CMAKE_BINARY_DIR}/datablox-config-version.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/datablox-config.cmake ${CMAKE_BINARY_DIR}/datablox-config-version.cmake
              ${CMAKE_CURRENT_LIST_DIR}/datablox_add_element.cmake
        DESTINATION ${DATABLOX_INSTALL_CMAKEDIR})
