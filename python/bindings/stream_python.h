// Streams (datablox/stream.h) for Python classes: a class that declares
// `serves_streams = True` answers on_stream(port, paradata) with an
// iterable of (bytes, items) parcels (a generator, typically; None for
// "not ready yet"), or raises to refuse; any element opens streams with
// open_stream / open_stream_to and gets consume(bytes, items) and
// done(result) calls. The GIL is taken only around calls into Python: the
// host polls the streams' sockets without it.
#pragma once

#include <pybind11/pybind11.h>

#include "datablox/spec.h"
#include "datablox/status.h"

namespace datablox::python {

namespace py = pybind11;

// Reads `serves_streams = True | False` (absent: False) into the spec.
Status ReadStreamDeclaration(py::handle cls, ClassSpec* spec);

// Element.open_stream, open_stream_to, new_stream_operation, abort_stream,
// cancel_stream_operation, stream_address, stream_peers (on the module's
// Element, which BindElement defined).
void BindStreams(py::module_& m);

}  // namespace datablox::python
