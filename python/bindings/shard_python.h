// The shard API for Python classes: what a class declares (shardable,
// shard_key, a merge staticmethod) read into its ClassSpec, and the types its
// shard hooks receive (datablox.KeyGroups, datablox.ShardLoad). The hooks
// themselves are PyElement's overrides (shard_python.cc).
#pragma once

#include <pybind11/pybind11.h>

#include "datablox/spec.h"
#include "datablox/status.h"

namespace datablox::python {

namespace py = pybind11;

// Reads the class attributes
//   shardable = "stateless" | "keyed"    (absent: not shardable)
//   shard_key = "PARAM"                  (keyed: the parameter naming the key field)
//   @staticmethod merge(replies) -> dict (`merge: custom`)
// into spec->shard. Errors name the attribute, for the checker to report.
Status ReadShardDeclaration(py::handle cls, ClassSpec* spec);

void BindShard(py::module_& m);

}  // namespace datablox::python
