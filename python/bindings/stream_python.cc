// Streams for Python elements (stream_python.h): the responder's hook, the
// StreamSource over a Python iterable, and the requester's calls. Every
// Python object C++ keeps (an iterator, a callback) is released under the
// GIL, whenever the host lets go of it.
#include "python/bindings/stream_python.h"

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>

#include "datablox/element.h"
#include "python/bindings/convert.h"
#include "python/bindings/element_python.h"

namespace datablox::python {
namespace {

// A Python object held by C++, freed under the GIL.
std::shared_ptr<py::object> Keep(py::object o) {
  return std::shared_ptr<py::object>(new py::object(std::move(o)), [](py::object* held) {
    py::gil_scoped_acquire gil;
    delete held;
  });
}

// A stream's parcels from what on_stream returned: each item of the
// iterable is (bytes, items), or None while nothing is ready (the host
// asks again in a few ms); its end is the stream's end. An exception, or an
// item of another shape, fails the stream (the requester gets the message).
// The iterable may say `expected`, `potential` and `rejected` (ints), read
// when the stream completes.
class PyStreamSource : public StreamSource {
 public:
  PyStreamSource(py::object iterable, py::object iterator)
      : iterable_(Keep(std::move(iterable))), iterator_(Keep(std::move(iterator))) {}

  Fill next(StreamParcel* parcel, Status* error) override {
    py::gil_scoped_acquire gil;
    try {
      PyObject* raw = PyIter_Next(iterator_->ptr());
      if (raw == nullptr) {
        if (PyErr_Occurred()) throw py::error_already_set();
        return Fill::kDone;
      }
      py::object item = py::reinterpret_steal<py::object>(raw);
      if (item.is_none()) return Fill::kNotYet;
      if (!py::isinstance<py::tuple>(item) || py::len(item) != 2 || !PyLong_Check(item[py::int_(1)].ptr())) {
        *error = Status::Invalid("on_stream's iterable must give (bytes, items) tuples or None");
        return Fill::kFailed;
      }
      py::object bytes = item[py::int_(0)];
      py::buffer_info view = py::reinterpret_borrow<py::buffer>(bytes).request();
      parcel->bytes.assign(static_cast<const char*>(view.ptr), static_cast<size_t>(view.size * view.itemsize));
      const int64_t items = item[py::int_(1)].cast<int64_t>();
      if (items < 0) {
        *error = Status::Invalid("on_stream's parcels must hold a count of items >= 0");
        return Fill::kFailed;
      }
      parcel->items = static_cast<uint64_t>(items);
      return Fill::kParcel;
    } catch (py::error_already_set& e) {
      *error = Status::Invalid(fmt::format("on_stream's iterable raised {}", FirstLine(e.what())));
      return Fill::kFailed;
    } catch (const std::exception& e) {  // not a buffer, a count too big
      *error = Status::Invalid(fmt::format("on_stream's iterable gave a bad parcel: {}", e.what()));
      return Fill::kFailed;
    }
  }
  int64_t expected() const override { return Count("expected", -1); }
  uint64_t potential() const override { return static_cast<uint64_t>(std::max<int64_t>(0, Count("potential", 0))); }
  uint64_t rejected() const override { return static_cast<uint64_t>(std::max<int64_t>(0, Count("rejected", 0))); }

 private:
  int64_t Count(const char* name, int64_t otherwise) const {
    py::gil_scoped_acquire gil;
    try {
      if (!py::hasattr(*iterable_, name)) return otherwise;
      py::object value = iterable_->attr(name);
      return PyLong_Check(value.ptr()) ? value.cast<int64_t>() : otherwise;
    } catch (const std::exception&) {
      PyErr_Clear();
      return otherwise;
    }
  }

  std::shared_ptr<py::object> iterable_, iterator_;
};

std::string Paradata(py::handle paradata) {
  if (PyUnicode_Check(paradata.ptr())) return paradata.cast<std::string>();
  if (PyBytes_Check(paradata.ptr())) return std::string(paradata.cast<py::bytes>());
  throw py::type_error("paradata must be bytes or str");
}

py::dict ResultDict(const StreamResult& r) {
  py::dict d;
  d["stream_id"] = r.stream_id;
  d["ok"] = r.status.ok();
  d["error"] = r.status.ok() ? py::object(py::none()) : py::object(py::str(r.status.ToString()));
  d["items"] = r.items;
  d["bytes"] = r.bytes;
  d["parcels"] = r.parcels;
  d["expected"] = r.expected;
  d["potential"] = r.potential;
  d["rejected"] = r.rejected;
  return d;
}

// Opens a stream for Python: on `port`, or to `address` when given.
uint64_t Open(Element& element, py::handle port, const std::string* address, py::handle paradata, py::function consume,
              py::function done, uint32_t window, int64_t timeout_ms, uint64_t operation) {
  PyElement& self = Running(element);
  StreamOptions options;
  options.window = window;
  options.timeout_ms = timeout_ms;
  options.operation_id = operation;
  auto held_consume = Keep(std::move(consume));
  auto held_done = Keep(std::move(done));
  PyElement* who = &self;
  StreamConsumer on_parcel = [who, held_consume](std::string_view bytes, uint64_t items) {
    py::gil_scoped_acquire gil;
    try {
      (*held_consume)(py::bytes(bytes.data(), bytes.size()), items);
    } catch (py::error_already_set& e) {
      who->Failed(e, "a stream's consume");
    }
  };
  StreamDone on_done = [who, held_done](const StreamResult& result) {
    py::gil_scoped_acquire gil;
    try {
      (*held_done)(ResultDict(result));
    } catch (py::error_already_set& e) {
      who->Failed(e, "a stream's done");
    }
  };
  uint64_t id = 0;
  Status st = address != nullptr ? self.open_stream_to(*address, Paradata(paradata), on_parcel, on_done, options, &id)
                                 : self.open_stream(PortIndex(self, port, PortKind::kQuery), Paradata(paradata),
                                                    on_parcel, on_done, options, &id);
  if (!st.ok()) throw py::value_error(fmt::format("open_stream: {}", st.ToString()));
  return id;
}

}  // namespace

Status ReadStreamDeclaration(py::handle cls, ClassSpec* spec) {
  if (!py::hasattr(cls, "serves_streams")) return Status::OK();
  py::object serves = cls.attr("serves_streams");
  if (!PyBool_Check(serves.ptr())) return Status::Invalid("serves_streams must be True or False");
  if (serves.ptr() == Py_True) spec->serves_streams();
  return Status::OK();
}

Status PyElement::on_stream(int port, const StreamRequest& request, std::unique_ptr<StreamSource>* source) {
  py::gil_scoped_acquire gil;
  CacheOverrides();
  py::object f = Override("on_stream");
  if (!f) return Element::on_stream(port, request, source);
  try {
    py::object port_object = port < 0 ? py::object(py::int_(-1)) : query_in_ports_.at(static_cast<size_t>(port));
    py::object iterable = f(port_object, py::bytes(request.paradata.data(), request.paradata.size()));
    if (iterable.is_none()) return Status::Invalid("on_stream returned None, not an iterable of parcels");
    py::object iterator = py::reinterpret_steal<py::object>(PyObject_GetIter(iterable.ptr()));
    if (!iterator) throw py::error_already_set();
    *source = std::make_unique<PyStreamSource>(std::move(iterable), std::move(iterator));
    return Status::OK();
  } catch (py::error_already_set& e) {
    // Raising is how a Python responder refuses: the requester gets the message.
    return Status::Invalid(FirstLine(e.what()));
  }
}

void BindStreams(py::module_& m) {
  auto element = py::reinterpret_borrow<py::class_<Element, PyElement>>(m.attr("Element"));
  element
      .def(
          "open_stream",
          [](Element& e, py::handle port, py::handle paradata, py::function consume, py::function done, uint32_t window,
             int64_t timeout_ms, uint64_t operation) {
            return Open(e, port, nullptr, paradata, std::move(consume), std::move(done), window, timeout_ms, operation);
          },
          py::arg("port"), py::arg("paradata"), py::arg("consume"), py::arg("done"), py::arg("window") = 8,
          py::arg("timeout_ms") = 10000, py::arg("operation") = 0,
          "Opens a stream on a query output linked to a class that serves streams; returns its id. "
          "consume(bytes, items) gets each parcel in order, done(result: dict) the end, once "
          "(result['ok'], ['error'], ['items'], ['bytes'], ['expected'], ...).")
      .def(
          "open_stream_to",
          [](Element& e, const std::string& address, py::handle paradata, py::function consume, py::function done,
             uint32_t window, int64_t timeout_ms, uint64_t operation) {
            return Open(e, py::none(), &address, paradata, std::move(consume), std::move(done), window, timeout_ms,
                        operation);
          },
          py::arg("address"), py::arg("paradata"), py::arg("consume"), py::arg("done"), py::arg("window") = 8,
          py::arg("timeout_ms") = 10000, py::arg("operation") = 0,
          "open_stream to a stream server's address (another element's stream_address()).")
      .def(
          "new_stream_operation", [](Element& e) { return Running(e).new_stream_operation(); },
          "A new operation id, to group streams (their operation= argument).")
      .def(
          "abort_stream", [](Element& e, uint64_t id) { Running(e).abort_stream(id); }, py::arg("stream_id"),
          "Ends a live stream: its done gets ok False, error 'Unavailable: aborted'.")
      .def(
          "cancel_stream_operation", [](Element& e, uint64_t op) { Running(e).cancel_stream_operation(op); },
          py::arg("operation"), "Aborts every live stream of an operation.")
      .def(
          "stream_address", [](Element& e) { return Running(e).stream_address(); },
          "This element's stream server ('' unless its class serves streams).")
      .def(
          "stream_peers",
          [](Element& e, py::handle port) {
            PyElement& self = Running(e);
            return self.stream_peers(PortIndex(self, port, PortKind::kQuery));
          },
          py::arg("port"), "The stream servers of the responders linked to a query output ('' for none).");
}

}  // namespace datablox::python
