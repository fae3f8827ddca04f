// The checkpoint hooks of Python elements: snapshot() -> bytes,
// restore(state: bytes) and on_checkpoint_complete(checkpoint). Each calls the Python method when the
// class defines one, under the GIL. A snapshot's error abandons that
// checkpoint only (the element keeps running), so it is a Status naming the
// class and the method; on_checkpoint_complete has no answer to give, so an
// exception there fails the element like any other void hook.
#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "python/bindings/convert.h"
#include "python/bindings/element_python.h"

namespace datablox::python {

Status PyElement::snapshot(std::string* state) {
  py::gil_scoped_acquire gil;
  py::object f = Override("snapshot");
  if (!f) return Element::snapshot(state);
  const std::string where = Where(f, "snapshot");
  try {
    py::object result = f();
    state->clear();
    if (result.is_none()) return Status::OK();  // nothing to keep
    PyObject* object = result.ptr();
    // A str is refused rather than encoded: its bytes would depend on a
    // codec the class never chose, and restoring it would need the same.
    if (!PyBytes_Check(object) && !PyByteArray_Check(object) && !PyMemoryView_Check(object)) {
      return Status::Invalid(fmt::format("{} must return bytes, not {}", where,
                                         std::string(py::str(result.get_type().attr("__name__")))));
    }
    // bytes() copies any buffer, a non-contiguous memoryview included.
    auto bytes = py::reinterpret_steal<py::bytes>(PyBytes_FromObject(object));
    if (!bytes) throw py::error_already_set();
    *state = std::string(bytes);
    return Status::OK();
  } catch (py::error_already_set& e) {
    return Raised(e, where);
  }
}

// A class without restore() keeps no state: an empty snapshot is all it
// takes back (as in C++).
Status PyElement::restore(std::string_view state) {
  py::gil_scoped_acquire gil;
  py::object f = Override("restore");
  if (!f) return Element::restore(state);
  const std::string where = Where(f, "restore");
  try {
    f(py::bytes(state.data(), state.size()));
    return Status::OK();
  } catch (py::error_already_set& e) {
    return Raised(e, where);
  }
}

void PyElement::on_checkpoint_complete(uint64_t checkpoint) {
  py::gil_scoped_acquire gil;
  py::object f = Override("on_checkpoint_complete");
  if (!f) return;
  const std::string where = Where(f, "on_checkpoint_complete");
  try {
    f(checkpoint);
  } catch (py::error_already_set& e) {
    // Without a host (a test calling the hook) there is nothing to fail:
    // the exception is the caller's.
    if (!attached()) throw;
    Failed(e, where.c_str());
  }
}

void BindCheckpoints(py::module_& m) {
  py::module_ hooks =
      m.def_submodule("checkpoint_hooks", "a class's checkpoint hooks as the element host calls them");
  hooks.def(
      "snapshot",
      [](Element& element) {
        std::string state;
        Status st = element.snapshot(&state);
        if (!st.ok()) throw std::runtime_error(st.message());
        return py::bytes(state);
      },
      py::arg("element"), "The state the host would store (bytes); an error raises RuntimeError.");
  hooks.def(
      "restore",
      [](Element& element, py::bytes state) {
        Status st = element.restore(std::string(state));
        if (!st.ok()) throw std::runtime_error(st.message());
      },
      py::arg("element"), py::arg("state"), "Takes a snapshot back; an error raises RuntimeError.");
  hooks.def(
      "on_checkpoint_complete",
      [](Element& element, uint64_t checkpoint) { element.on_checkpoint_complete(checkpoint); },
      py::arg("element"), py::arg("checkpoint"));
}

}  // namespace datablox::python
