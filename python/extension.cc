// `import datablox` outside an element host: the extension module.
#include <pybind11/pybind11.h>

#include "python/bindings/module.h"

PYBIND11_MODULE(_datablox, m) { datablox::python::DefineModule(m); }
