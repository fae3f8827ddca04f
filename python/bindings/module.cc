#include "python/bindings/module.h"

#include "python/bindings/brio_python.h"
#include "python/bindings/convert.h"
#include "python/bindings/element_python.h"
#include "python/bindings/shard_python.h"
#include "python/bindings/stream_python.h"
#include "python/bindings/testing_python.h"

namespace datablox::python {

void DefineModule(pybind11::module_& m) {
  m.doc() = "datablox elements in Python: the C++ side (see the datablox package)";
  BindLog(m);
  BindElement(m);
  BindShard(m);
  BindStreams(m);
  BindCheckpoints(m);
  BindBrio(m);
  BindTesting(m);
}

}  // namespace datablox::python
