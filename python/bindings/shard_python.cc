// The shard API for Python: a class's declaration, PyElement's shard hooks
// (each calls the Python method when the class defines one, under the GIL;
// an exception becomes a Status naming the class and the method, with its
// traceback on stderr), and the types those methods receive.
#include "python/bindings/shard_python.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pybind11/stl.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "datablox/shard.h"
#include "python/bindings/convert.h"
#include "python/bindings/element_python.h"

namespace datablox::python {
namespace {

std::string TypeName(py::handle object) { return py::str(object.get_type().attr("__name__")); }

// The KeyText of a Python value: that of the log value it is sent as.
Status KeyTextOf(py::handle value, std::string* text) {
  if (PyUnicode_Check(value.ptr())) {
    *text = value.cast<std::string>();
    return Status::OK();
  }
  py::dict one;
  one["k"] = value;
  LogBuilder log;
  Status st = DictToLog(one, &log);
  if (!st.ok()) return st;
  *text = KeyText(OwnedLog(std::string(log.bytes())).get("k"));
  return Status::OK();
}

// Logs from a Python list of dicts; errors name the item.
Status LogsFromPython(py::handle list, const std::string& where, std::vector<OwnedLog>* out) {
  if (!PyList_Check(list.ptr()) && !PyTuple_Check(list.ptr())) {
    return Status::Invalid(fmt::format("{}: a list of dicts, not {}", where, TypeName(list)));
  }
  LogBuilder log;
  size_t i = 0;
  for (py::handle item : py::reinterpret_borrow<py::sequence>(list)) {
    Status st = DictToLog(item, &log);
    if (!st.ok()) return Status::Invalid(fmt::format("{}: state log {}: {}", where, i, st.message()));
    out->emplace_back(std::string(log.bytes()));
    ++i;
  }
  return Status::OK();
}

py::list LogsToPython(const std::vector<OwnedLog>& logs) {
  py::list list;
  for (const OwnedLog& log : logs) list.append(LogToDict(log.log()));
  return list;
}

// The parameter `name` among the class's datablox.param declarations.
bool DeclaresParam(py::handle cls, const std::string& name) {
  if (!py::hasattr(cls, "params")) return false;
  for (py::handle param : cls.attr("params")) {
    if (py::isinstance<py::dict>(param) && param.contains("name") && param["name"].cast<std::string>() == name) {
      return true;
    }
  }
  return false;
}

MergeFunction PythonMerge(py::handle cls) {
  // Kept for the life of the process, like the class (never released: a
  // static destructor would run without the GIL).
  PyObject* held = py::object(cls.attr("merge")).release().ptr();
  std::string where = fmt::format("{}.merge", std::string(py::str(cls.attr("__name__"))));
  return [held, where](const std::vector<const Log*>& replies, LogBuilder* merged) -> Status {
    py::gil_scoped_acquire gil;
    try {
      py::list list;
      for (const Log* reply : replies) list.append(LogToDict(*reply));
      py::object result = py::reinterpret_borrow<py::object>(held)(list);
      Status st = DictToLog(result, merged);
      if (!st.ok()) return Status::Invalid(fmt::format("{} must return a dict: {}", where, st.message()));
      return Status::OK();
    } catch (py::error_already_set& e) {
      return Raised(e, where);
    }
  };
}

}  // namespace

Status Raised(py::error_already_set& error, const std::string& where) {
  std::string what = error.what();
  error.restore();
  PyErr_Print();
  return Status::Invalid(fmt::format("{} raised {}", where, FirstLine(what)));
}

std::string Where(const py::object& method, const char* hook) {
  return fmt::format("{}.{}", TypeName(method.attr("__self__")), hook);
}

Status ReadShardDeclaration(py::handle cls, ClassSpec* spec) {
  py::object merge = py::module_::import("inspect").attr("getattr_static")(cls, "merge", py::none());
  if (!py::hasattr(cls, "shardable")) {
    if (py::hasattr(cls, "shard_key")) return Status::Invalid("shard_key needs shardable = \"keyed\"");
    if (!merge.is_none()) return Status::Invalid("merge needs shardable = \"stateless\" or \"keyed\"");
    return Status::OK();
  }
  py::object shardable = cls.attr("shardable");
  std::string kind = PyUnicode_Check(shardable.ptr()) ? shardable.cast<std::string>() : "";
  if (kind != "stateless" && kind != "keyed") {
    return Status::Invalid(
        fmt::format("shardable must be \"stateless\" or \"keyed\", not {}", std::string(py::repr(shardable))));
  }
  std::string key;
  if (py::hasattr(cls, "shard_key")) {
    py::object shard_key = cls.attr("shard_key");
    if (!PyUnicode_Check(shard_key.ptr())) return Status::Invalid("shard_key must be a parameter's name (a str)");
    key = shard_key.cast<std::string>();
    if (kind != "keyed")
      return Status::Invalid("shard_key names the key of keyed state: it needs shardable = \"keyed\"");
    if (!DeclaresParam(cls, key)) {
      return Status::Invalid(fmt::format("shard_key '{}' is none of the class's params", key));
    }
  }
  spec->shardable(kind == "keyed" ? StateKind::kKeyed : StateKind::kStateless, key);
  if (!merge.is_none()) {
    if (!py::isinstance(merge, py::module_::import("builtins").attr("staticmethod"))) {
      return Status::Invalid("merge must be a @staticmethod: merge(replies: list[dict]) -> dict");
    }
    spec->merge(PythonMerge(cls));
  }
  return Status::OK();
}

// ------------------------------------------------------------ hooks

AddAnswer PyElement::can_add(const ShardLoad& load) {
  py::gil_scoped_acquire gil;
  py::object f = Override("can_add");
  if (!f) return Element::can_add(load);
  const std::string where = Where(f, "can_add");
  try {
    py::object cost = f(load);
    if (cost.is_none()) return AddAnswer::No(fmt::format("{} said no", where));
    if ((PyLong_Check(cost.ptr()) && !PyBool_Check(cost.ptr())) || PyFloat_Check(cost.ptr())) {
      const double value = cost.cast<double>();
      if (std::isfinite(value) && value >= 0) return AddAnswer::Yes(value);
    }
    return AddAnswer::No(
        fmt::format("{} must return None (no) or a cost (a number >= 0), not {}", where, std::string(py::repr(cost))));
  } catch (py::error_already_set& e) {
    return AddAnswer::No(Raised(e, where).message());
  }
}

// An error counts as no state (its traceback on stderr): the size only
// weighs the cost of a change, and the state itself is export_state's.
uint64_t PyElement::state_size() const {
  py::gil_scoped_acquire gil;
  py::function f = py::get_override(static_cast<const Element*>(this), "state_size");
  if (!f) return Element::state_size();
  const std::string where = Where(f, "state_size");
  try {
    py::object size = f();
    if (PyLong_Check(size.ptr()) && !PyBool_Check(size.ptr())) {
      long long n = size.cast<long long>();
      if (n >= 0) return static_cast<uint64_t>(n);
    }
    PySys_WriteStderr("%s must return an int >= 0, not %s\n", where.c_str(), std::string(py::repr(size)).c_str());
  } catch (py::error_already_set& e) {
    (void)Raised(e, where);
  }
  return 0;
}

Status PyElement::export_state(const KeyGroupSet& moving, std::vector<OwnedLog>* out) {
  py::gil_scoped_acquire gil;
  py::object f = Override("export_state");
  if (!f) return Element::export_state(moving, out);
  const std::string where = Where(f, "export_state");
  try {
    std::vector<OwnedLog> exported;
    Status st = LogsFromPython(f(moving), where, &exported);  // `moving` copied: the method may keep it
    if (!st.ok()) return st;
    for (OwnedLog& log : exported) out->push_back(std::move(log));
    return Status::OK();
  } catch (py::error_already_set& e) {
    return Raised(e, where);
  }
}

Status PyElement::import_state(Batch state) {
  py::gil_scoped_acquire gil;
  py::object f = Override("import_state");
  if (!f) return Element::import_state(state);
  const std::string where = Where(f, "import_state");
  try {
    py::list logs;
    for (size_t i = 0; i < state.size(); ++i) {
      if (!state[i].valid()) return Status::Invalid(fmt::format("{}: state log {} is no log", where, i));
      logs.append(LogToDict(state[i]));
    }
    f(logs);
    return Status::OK();
  } catch (py::error_already_set& e) {
    return Raised(e, where);
  }
}

// ------------------------------------------------------------ bindings

namespace {

[[noreturn]] void Throw(const Status& st) { throw std::runtime_error(st.message()); }

std::vector<const Log*> Pointers(const std::vector<OwnedLog>& logs) {
  std::vector<const Log*> pointers;
  for (const OwnedLog& log : logs) pointers.push_back(&log.log());
  return pointers;
}

}  // namespace

void BindShard(py::module_& m) {
  py::class_<KeyGroupSet>(m, "KeyGroups", R"doc(The key groups whose state moves: export_state(moving) gets one.

contains(value) is true for a key (a log field's value) whose group moves;
contains_text(text) for a key's text as datablox.key_text writes it (the
cheaper test, for state kept by that text).)doc")
      .def(py::init([](int groups, std::vector<int> members) { return KeyGroupSet(groups, std::move(members)); }),
           py::arg("groups"), py::arg("members"))
      .def(
          "contains",
          [](const KeyGroupSet& self, py::handle value) {
            std::string text;
            Status st = KeyTextOf(value, &text);
            if (!st.ok()) throw py::value_error(st.message());
            return self.contains_text(text);
          },
          py::arg("value"))
      .def(
          "contains_text", [](const KeyGroupSet& self, std::string_view text) { return self.contains_text(text); },
          py::arg("key_text"))
      .def_property_readonly("groups", &KeyGroupSet::groups, "the shard's number of key groups")
      .def_property_readonly("members", &KeyGroupSet::members, "the moving groups, sorted")
      .def("__repr__", [](const KeyGroupSet& self) {
        return fmt::format("datablox.KeyGroups({}, [{}])", self.groups(), fmt::join(self.members(), ", "));
      });

  py::class_<ShardLoad>(m, "ShardLoad", "The load of a shard as the master measured it: can_add(load) gets one.")
      .def(py::init([](int members, double busy_share, double queue_depth, double blocked_share, double moving_share) {
             return ShardLoad{members, busy_share, queue_depth, blocked_share, moving_share};
           }),
           py::kw_only(), py::arg("members") = 0, py::arg("busy_share") = 0.0, py::arg("queue_depth") = 0.0,
           py::arg("blocked_share") = 0.0, py::arg("moving_share") = 0.0)
      .def_readonly("members", &ShardLoad::members, "members now")
      .def_readonly("busy_share", &ShardLoad::busy_share, "of the members' time in their hooks")
      .def_readonly("queue_depth", &ShardLoad::queue_depth, "logs waiting in the members' inputs")
      .def_readonly("blocked_share", &ShardLoad::blocked_share, "of the senders' time blocked by the members")
      .def_readonly("moving_share", &ShardLoad::moving_share, "of the key groups a new member would take");

  m.def(
      "key_text",
      [](py::handle value) {
        std::string text;
        Status st = KeyTextOf(value, &text);
        if (!st.ok()) throw py::value_error(st.message());
        return text;
      },
      py::arg("value"),
      "The text a key's group is computed from: a str as it is, any other value as its compact JSON "
      "(the Counter names its groups so).");

  // The shard hooks as the element host calls them, through the C++
  // element: for tests of a class, without a host.
  py::module_ hooks = m.def_submodule("shard_hooks", "a class's shard hooks as the element host calls them");
  hooks.def(
      "declaration",
      [](py::handle cls) {
        ClassSpec spec;
        Status st = ReadShardDeclaration(cls, &spec);
        if (!st.ok()) throw py::value_error(st.message());
        py::dict d;
        d["shardable"] = spec.shard.shardable;
        d["state"] = spec.shard.state == StateKind::kKeyed ? "keyed" : "stateless";
        d["key_param"] = spec.shard.key_param;
        d["merge"] = static_cast<bool>(spec.shard.merge);
        return d;
      },
      py::arg("cls"));
  hooks.def(
      "state_size", [](const Element& element) { return element.state_size(); }, py::arg("element"));
  hooks.def(
      "can_add",
      [](Element& element, const ShardLoad& load) {
        AddAnswer answer = element.can_add(load);
        return py::make_tuple(answer.yes, answer.cost, answer.why);
      },
      py::arg("element"), py::arg("load"), "(yes, cost, why)");
  hooks.def(
      "export_state",
      [](Element& element, const KeyGroupSet& moving) {
        std::vector<OwnedLog> out;
        Status st = element.export_state(moving, &out);
        if (!st.ok()) Throw(st);
        return LogsToPython(out);
      },
      py::arg("element"), py::arg("moving"));
  hooks.def(
      "import_state",
      [](Element& element, py::handle logs) {
        std::vector<OwnedLog> owned;
        Status st = LogsFromPython(logs, "import_state's logs", &owned);
        if (!st.ok()) throw py::value_error(st.message());
        std::vector<Log> views;
        for (const OwnedLog& log : owned) views.push_back(log.log());
        st = element.import_state(Batch(views));
        if (!st.ok()) Throw(st);
      },
      py::arg("element"), py::arg("logs"));
  hooks.def(
      "merge",
      [](py::handle cls, py::handle replies) {
        ClassSpec spec;
        Status st = ReadShardDeclaration(cls, &spec);
        if (!st.ok()) throw py::value_error(st.message());
        if (!spec.shard.merge) throw py::value_error("the class has no merge");
        std::vector<OwnedLog> owned;
        st = LogsFromPython(replies, "merge's replies", &owned);
        if (!st.ok()) throw py::value_error(st.message());
        LogBuilder merged;
        st = spec.shard.merge(Pointers(owned), &merged);
        if (!st.ok()) Throw(st);
        return LogToDict(OwnedLog(std::string(merged.bytes())).log());
      },
      py::arg("cls"), py::arg("replies"));
}

}  // namespace datablox::python
