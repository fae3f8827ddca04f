// Python element classes ("py:package.module.Class") for the registry:
// starts the embedded interpreter on first use, imports the class from the
// registry's search path and reads its declared ports and parameters.
#pragma once

#include "datablox/element.h"

namespace datablox::python {

// Registers the "py:" loader with the registry. Cheap: nothing starts until
// a Python class is asked for.
void InstallLoader(Registry& registry);

}  // namespace datablox::python
