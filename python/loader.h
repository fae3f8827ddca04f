// Python element classes ("py:package.module.Class") for the class table:
// starts the embedded interpreter on first use, imports the class from the
// class table's search path and reads its declared ports and parameters.
#pragma once

#include "datablox/element.h"

namespace datablox::python {

// Registers the "py:" loader with the class table. Cheap: nothing starts until
// a Python class is asked for.
void InstallLoader(ClassTable& classes);

}  // namespace datablox::python
