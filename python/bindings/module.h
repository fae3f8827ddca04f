// The one module definition, used twice: by the extension module a plain
// `import datablox` loads, and by the interpreter embedded in the element
// host (where the same names must come from the host's own C++ types).
#pragma once

#include <pybind11/pybind11.h>

namespace datablox::python {

void DefineModule(pybind11::module_& m);

}  // namespace datablox::python
