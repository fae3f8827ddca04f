// datablox.Element for Python: the C++ base bound with a trampoline, so a
// Python subclass is a C++ Element the host runs like any other. The host
// thread holds the GIL only inside these calls into Python.
#include <fmt/format.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "datablox/element.h"
#include "python/bindings/convert.h"
#include "python/bindings/element_python.h"

namespace datablox::python {
namespace {

// A hook's port as Python sees it: datablox.Port(name, index), a str that
// also equals the index a C++ hook gets, so `port == 0` and `port == "left"`
// both hold.
std::vector<py::object> PortObjects(const ClassSpec& spec, PortKind kind) {
  py::object make = py::module_::import("datablox").attr("Port");
  std::vector<py::object> ports;
  for (const PortSpec* p : spec.ports_of(kind, PortDirection::kIn)) ports.push_back(make(p->name, ports.size()));
  return ports;
}

py::object PortObject(const std::vector<py::object>& ports, int index) {
  if (index >= 0 && index < static_cast<int>(ports.size())) return ports[index];
  return py::module_::import("datablox").attr("Port")(std::to_string(index), index);
}

// A Python callable kept by C++ (a handler, an ask callback): released
// under the GIL, whenever and wherever the C++ side lets go of it.
std::shared_ptr<py::function> Hold(py::function f) {
  return std::shared_ptr<py::function>(new py::function(std::move(f)), [](py::function* held) {
    py::gil_scoped_acquire gil;
    delete held;
  });
}

}  // namespace

// ------------------------------------------------------------ trampoline

void PyElement::Failed(py::error_already_set& error, const char* hook) {
  std::string what = error.what();
  // The traceback goes to stderr: the operator reads it in the run's output
  // (or `datablox logs`); the status carries its last line.
  error.restore();
  PyErr_Print();
  fail(Status::Internal(fmt::format("{} raised {}", hook, FirstLine(what))));
}

py::object PyElement::Override(const char* hook) {
  py::function f = py::get_override(static_cast<const Element*>(this), hook);
  return f ? py::object(f) : py::object();
}

void PyElement::CacheOverrides() {
  if (cached_) return;
  cached_ = true;
  on_batch_ = Override("on_batch");
  on_log_ = Override("on_log");
  on_query_ = Override("on_query");
  if (const ClassSpec* spec = class_spec()) {
    push_in_ports_ = PortObjects(*spec, PortKind::kPush);
    query_in_ports_ = PortObjects(*spec, PortKind::kQuery);
  }
}

Status PyElement::configure(const Params& params) {
  host_thread_ = std::this_thread::get_id();  // the host's loop thread: the only one that may act
  py::gil_scoped_acquire gil;
  CacheOverrides();
  py::object f = Override("configure");
  if (!f) return Status::OK();
  py::dict values;
  const ClassSpec* spec = class_spec();
  for (const auto& [name, value] : params.values()) {
    const ParamSpec* declared = spec ? spec->find_param(name) : nullptr;
    // A float parameter written as 2 is 2.0, as a C++ element reads it.
    if (declared && declared->type == ParamType::kFloat && value.kind == ParamValue::Kind::kInt) {
      values[py::str(name)] = py::float_(static_cast<double>(value.i));
    } else {
      values[py::str(name)] = ParamToPython(value);
    }
  }
  return Call("configure", [&] { f(values); });
}

Status PyElement::start() {
  py::gil_scoped_acquire gil;
  py::object f = Override("start");
  if (!f) return Status::OK();
  return Call("start", [&] { f(); });
}

// Set-up hooks report a Python exception as their Status (the element does
// not start); its traceback goes to stderr.
template <class Body>
Status PyElement::Call(const char* hook, Body&& body) {
  try {
    body();
    return Status::OK();
  } catch (py::error_already_set& e) {
    std::string what = e.what();
    e.restore();
    PyErr_Print();
    return Status::Invalid(fmt::format("{} raised {}", hook, FirstLine(what)));
  }
}

Production PyElement::produce() {
  py::gil_scoped_acquire gil;
  py::object f = Override("produce");
  if (!f) return Production::Done();
  try {
    py::object next = f();
    // True: more to come; False or None: done; a number: call again in that many ms.
    if (next.is_none() || (PyBool_Check(next.ptr()) && next.ptr() == Py_False)) return Production::Done();
    if (PyBool_Check(next.ptr())) return Production::More();
    if (PyLong_Check(next.ptr()) || PyFloat_Check(next.ptr())) {
      // Capped at 100 days (inf included): far past any run, short of the clock's range.
      constexpr double kLongest = 100.0 * 24 * 3600 * 1000;
      double ms = next.cast<double>();
      ms = std::isnan(ms) ? 0.0 : std::clamp(ms, 0.0, kLongest);
      return Production::Later(std::chrono::milliseconds(static_cast<int64_t>(ms)));
    }
    fail(Status::Invalid("produce() must return True, False/None or a delay in milliseconds"));
  } catch (py::error_already_set& e) {
    Failed(e, "produce");
  }
  return Production::Done();
}

void PyElement::on_batch(int port, Batch logs) {
  py::gil_scoped_acquire gil;
  CacheOverrides();
  if (!on_batch_ && !on_log_) return;
  auto alive = std::make_shared<bool>(true);
  py::object port_name = PortObject(push_in_ports_, port);
  try {
    if (on_batch_) {
      on_batch_(port_name, BatchView{logs.data(), logs.size(), alive});
    } else {
      for (const Log& log : logs) {
        on_log_(port_name, LogView{&log, alive});
      }
    }
  } catch (py::error_already_set& e) {
    Failed(e, on_batch_ ? "on_batch" : "on_log");
  } catch (const std::exception& e) {
    fail(Status::Internal(fmt::format("on_batch: {}", e.what())));
  }
  *alive = false;  // views kept past the hook now raise instead of reading freed bytes
}

void PyElement::on_query(int port, const Log& request, Responder responder) {
  py::gil_scoped_acquire gil;
  CacheOverrides();
  if (!on_query_) {
    responder.error(fmt::format("{} answers no queries", name()));
    return;
  }
  auto alive = std::make_shared<bool>(true);
  py::object port_name = PortObject(query_in_ports_, port);
  try {
    on_query_(port_name, LogView{&request, alive}, responder);
  } catch (py::error_already_set& e) {
    responder.error(FirstLine(e.what()));
    Failed(e, "on_query");
  }
  *alive = false;
}

void PyElement::on_timer(int timer_id) {
  py::gil_scoped_acquire gil;
  try {
    if (py::object f = Override("on_timer")) f(timer_id);
  } catch (py::error_already_set& e) {
    Failed(e, "on_timer");
  }
}

void PyElement::on_inputs_ended() {
  py::gil_scoped_acquire gil;
  try {
    if (py::object f = Override("on_inputs_ended")) f();
  } catch (py::error_already_set& e) {
    Failed(e, "on_inputs_ended");
  }
}

void PyElement::stop() {
  py::gil_scoped_acquire gil;
  try {
    if (py::object f = Override("stop")) f();
  } catch (py::error_already_set& e) {
    std::string what = e.what();
    e.restore();
    PyErr_Print();  // stopping anyway: reported, not fatal
  }
}

// ------------------------------------------------------------ bindings

PyElement& Running(Element& self) {
  if (!self.attached()) {
    throw py::value_error("this element is not running in a host (datablox run starts it)");
  }
  auto& element = static_cast<PyElement&>(self);
  // The host runs one loop on one thread and lets go of the GIL between
  // hooks: a call from another thread would race it.
  if (std::this_thread::get_id() != element.host_thread()) {
    throw py::value_error(
        "emit, ask, timers and handlers work only from a hook, on the element's own thread, "
        "not from another Python thread");
  }
  return element;
}

int PortIndex(PyElement& self, py::handle port, PortKind kind) {
  const ClassSpec* spec = self.class_spec();
  auto ports = spec->ports_of(kind, PortDirection::kOut);
  if (PyLong_Check(port.ptr())) {
    int index = port.cast<int>();
    if (index < 0 || index >= static_cast<int>(ports.size())) {
      throw py::value_error(fmt::format("{} has no output port {} (it has {})", self.name(), index, ports.size()));
    }
    return index;
  }
  std::string name = port.cast<std::string>();
  int index = kind == PortKind::kPush ? self.push_out_port(name) : self.query_out_port(name);
  if (index < 0) throw py::value_error(fmt::format("{} has no such output port '{}'", self.name(), name));
  return index;
}

namespace {

void Emit(Element& element, py::handle what, py::handle port) {
  PyElement& self = Running(element);
  int index = PortIndex(self, port, PortKind::kPush);
  if (py::isinstance<LogView>(what)) {
    self.forward(what.cast<const LogView&>().get(), index);  // bytes as received
  } else if (py::isinstance<BatchView>(what)) {
    const BatchView& batch = what.cast<const BatchView&>();
    batch.check();
    for (size_t i = 0; i < batch.size; ++i) self.forward(batch.logs[i], index);
  } else if (PyList_Check(what.ptr()) || PyTuple_Check(what.ptr())) {
    for (py::handle item : py::reinterpret_borrow<py::sequence>(what)) Emit(element, item, port);
  } else {
    Status st = DictToLog(what, &self.scratch());
    if (!st.ok()) throw py::value_error(fmt::format("emit: {}", st.message()));
    self.emit(self.scratch(), index);
  }
}

}  // namespace

void BindElement(py::module_& m) {
  py::class_<Responder>(m, "Responder", "Answers one query: reply(dict) or error(message), now or later.")
      .def(
          "reply",
          [](const Responder& r, py::handle log) {
            LogBuilder builder;
            Status st = DictToLog(log, &builder);
            if (!st.ok()) throw py::value_error(fmt::format("reply: {}", st.message()));
            r.reply(builder);
          },
          py::arg("log"))
      .def(
          "error", [](const Responder& r, const std::string& message) { r.error(message); }, py::arg("message"));

  py::class_<Element, PyElement>(m, "Element", R"doc(Base class of Python elements.

Declare the class's ports and parameters as class attributes (see
datablox.push_in, push_out, query_in, query_out, param) and override the
hooks you need: configure(params), start(), produce(), on_batch(port, logs),
on_log(port, log), on_query(port, request, responder), on_timer(timer_id),
on_inputs_ended(), stop(). A hook's port is a datablox.Port: the input's
name that also equals its index, as in C++ (port == 0 and port == "in").
A shard's member (shardable = "stateless" | "keyed") may also define
state_size(), export_state(moving), import_state(logs), can_add(load) and a
@staticmethod merge(replies). With checkpoints, snapshot() -> bytes and
on_checkpoint_complete(checkpoint): see the datablox package's documentation.)doc")
      .def(py::init_alias<>())
      .def_property_readonly("name", [](const Element& self) { return self.name(); })
      .def("emit", &Emit, py::arg("log"), py::arg("port") = 0,
           "Emits a dict, a received Log or Batch (forwarded unchanged), or a list of them. "
           "Waits while the downstream queue is full.")
      .def(
          "ask",
          [](Element& element, py::handle port, py::handle request, py::function callback, int timeout_ms) {
            PyElement& self = Running(element);
            int index = PortIndex(self, port, PortKind::kQuery);
            LogBuilder builder;
            Status st = DictToLog(request, &builder);
            if (!st.ok()) throw py::value_error(fmt::format("ask: {}", st.message()));
            // The callback is a Python object: it is copied, run and released under the GIL.
            auto held = Hold(std::move(callback));
            self.ask(index, builder, std::chrono::milliseconds(timeout_ms), [&self, held](Reply reply) {
              py::gil_scoped_acquire gil;
              try {
                if (reply.status.ok()) (*held)(LogToDict(reply.log.log()), py::none());
                else (*held)(py::none(), reply.status.message());
              } catch (py::error_already_set& e) {
                self.Failed(e, "an ask callback");
              }
            });
          },
          py::arg("port"), py::arg("request"), py::arg("callback"), py::arg("timeout_ms") = 5000,
          "Sends a query; callback(reply_dict, None) or callback(None, error_message) runs later.")
      .def(
          "set_timer",
          [](Element& element, double delay_ms, double period_ms) {
            return Running(element).set_timer(std::chrono::milliseconds(static_cast<int64_t>(delay_ms)),
                                              std::chrono::milliseconds(static_cast<int64_t>(period_ms)));
          },
          py::arg("delay_ms"), py::arg("period_ms") = 0, "on_timer(id) after delay_ms, then every period_ms if > 0.")
      .def(
          "cancel_timer", [](Element& element, int id) { Running(element).cancel_timer(id); }, py::arg("timer_id"))
      .def(
          "add_read_handler",
          [](Element& element, std::string handler, py::function read) {
            auto held = Hold(std::move(read));
            Running(element).add_read_handler(std::move(handler), [held]() -> std::string {
              py::gil_scoped_acquire gil;
              try {
                return py::str((*held)());
              } catch (py::error_already_set& e) {
                return std::string("error: ") + FirstLine(e.what());
              }
            });
          },
          py::arg("name"), py::arg("read"),
          "A handler read(): str. NAME must be declared in the class's handlers = {name: doc}, "
          "and every declared one registered by the end of start(); else the element fails.")
      .def(
          "add_write_handler",
          [](Element& element, std::string handler, py::function write) {
            auto held = Hold(std::move(write));
            Running(element).add_write_handler(std::move(handler), [held](std::string_view value) -> Status {
              py::gil_scoped_acquire gil;
              try {
                (*held)(std::string(value));
                return Status::OK();
              } catch (py::error_already_set& e) {
                return Status::Invalid(FirstLine(e.what()));
              }
            });
          },
          py::arg("name"), py::arg("write"),
          "A handler write(value: str). Declared like a read handler, in handlers = {name: doc}.")
      .def(
          "reject", [](Element& element, const std::string& why) { Running(element).reject(why); }, py::arg("why"),
          "Counts a rejected input (shown in the status) and logs why.")
      .def(
          "fail", [](Element& element, const std::string& why) { Running(element).fail(Status::Invalid(why)); },
          py::arg("why"), "Ends the element with an error: the run names it.");
}

}  // namespace datablox::python
