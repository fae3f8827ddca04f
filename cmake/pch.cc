// Empty: datablox_pch exists for its precompiled header (cmake/datablox_helpers.cmake).
