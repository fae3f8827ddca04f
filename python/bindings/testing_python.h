// datablox.testing's C++ half: the element harness (datablox/testing.h).
#pragma once

#include <pybind11/pybind11.h>

namespace datablox::python {

void BindTesting(pybind11::module_& m);

}  // namespace datablox::python
