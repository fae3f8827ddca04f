// The Python view of pressed Brio blobs (datablox._datablox.brio): schemas,
// blobs and regions read in place, for tests and tools.
#pragma once

#include <pybind11/pybind11.h>

namespace datablox::python {

void BindBrio(pybind11::module_& m);

}  // namespace datablox::python
