#include "python/bindings/convert.h"

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <cstring>
#include <msgpack.hpp>

#include "runtime/core/msgpack_write.h"

namespace datablox::python {
namespace {

using msgpack_write::PackFloat64;
using Sink = msgpack_write::StringSink;
using Packer = msgpack_write::Packer;

Status Encode(py::handle object, std::string& out, int depth);

Status EncodeString(py::handle object, std::string& out) {
  Py_ssize_t size = 0;
  const char* text = PyUnicode_AsUTF8AndSize(object.ptr(), &size);
  if (!text) {
    PyErr_Clear();
    return Status::Invalid("a string that is not valid UTF-8");
  }
  Sink sink{&out};
  Packer pk(sink);
  pk.pack_str(static_cast<uint32_t>(size));
  pk.pack_str_body(text, static_cast<uint32_t>(size));
  return Status::OK();
}

// A field's value: `depth` counts the lists and dicts it sits in within the
// field. The log's root is level 1 and the field's own value level 2, so a
// list or dict here is at level depth + 2, which must stay within
// kMaxLogDepth (deeper, every receiver would drop the log as malformed).
Status TooDeep() { return Status::Invalid(fmt::format("nested more than {} levels deep", kMaxLogDepth)); }

Status Encode(py::handle object, std::string& out, int depth) {
  Sink sink{&out};
  Packer pk(sink);
  PyObject* o = object.ptr();
  if (o == Py_None) {
    pk.pack_nil();
  } else if (PyBool_Check(o)) {
    o == Py_True ? pk.pack_true() : pk.pack_false();
  } else if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) return Status::Invalid("an int out of the 64-bit signed range");
    pk.pack_int64(v);
  } else if (PyFloat_Check(o)) {
    PackFloat64(out, PyFloat_AS_DOUBLE(o));
  } else if (PyUnicode_Check(o)) {
    return EncodeString(object, out);
  } else if (PyBytes_Check(o) || PyByteArray_Check(o)) {
    std::string bytes = PyBytes_Check(o) ? std::string(PyBytes_AS_STRING(o), PyBytes_GET_SIZE(o))
                                         : std::string(PyByteArray_AS_STRING(o), PyByteArray_GET_SIZE(o));
    pk.pack_bin(static_cast<uint32_t>(bytes.size()));
    pk.pack_bin_body(bytes.data(), static_cast<uint32_t>(bytes.size()));
  } else if (PyList_Check(o) || PyTuple_Check(o)) {
    if (depth + 2 > kMaxLogDepth) return TooDeep();
    py::sequence items = py::reinterpret_borrow<py::sequence>(object);
    pk.pack_array(static_cast<uint32_t>(items.size()));
    for (py::handle item : items) {
      Status st = Encode(item, out, depth + 1);
      if (!st.ok()) return st;
    }
  } else if (PyDict_Check(o)) {
    if (depth + 2 > kMaxLogDepth) return TooDeep();
    py::dict map = py::reinterpret_borrow<py::dict>(object);
    pk.pack_map(static_cast<uint32_t>(map.size()));
    for (auto [key, value] : map) {
      if (!PyUnicode_Check(key.ptr())) return Status::Invalid("a map key that is not a string");
      Status st = EncodeString(key, out);
      if (st.ok()) st = Encode(value, out, depth + 1);
      if (!st.ok()) return st;
    }
  } else if (py::isinstance<LogView>(object)) {
    out.append(object.cast<const LogView&>().get().bytes());
  } else {
    return Status::Invalid(fmt::format("a value of type {} (logs hold None, bool, int, float, str, bytes, list, dict)",
                                       std::string(py::str(object.get_type().attr("__name__")))));
  }
  return Status::OK();
}

}  // namespace

const Log& LogView::get() const {
  if (!*alive) {
    throw py::value_error("this log was received by a hook that has returned; keep dict(log) instead of the log");
  }
  return *log;
}

void BatchView::check() const {
  if (!*alive) {
    throw py::value_error("this batch was received by a hook that has returned; keep batch.to_list() instead");
  }
}

py::object ToPython(const Value& value) {
  switch (value.type()) {
    case ValueType::kMissing:
    case ValueType::kNil: return py::none();
    case ValueType::kBool: return py::bool_(value.as_bool());
    case ValueType::kInt: return py::int_(value.as_int());
    case ValueType::kFloat: return py::float_(value.as_float());
    case ValueType::kString: {
      std::string_view s = value.as_string();
      PyObject* text = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
      if (!text) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(text);
    }
    case ValueType::kBytes: {
      std::string_view b = value.as_bytes();
      return py::bytes(b.data(), b.size());
    }
    case ValueType::kArray: {
      py::list list(value.size());
      for (size_t i = 0; i < value.size(); ++i) list[i] = ToPython(value.at(i));
      return list;
    }
    case ValueType::kMap: {
      py::dict dict;
      for (size_t i = 0; i < value.size(); ++i) dict[py::str(std::string(value.key_at(i)))] = ToPython(value.at(i));
      return dict;
    }
  }
  return py::none();
}

py::dict LogToDict(const Log& log) {
  py::object dict = ToPython(log.root());
  if (!py::isinstance<py::dict>(dict)) return py::dict();
  return dict;
}

py::object ParamToPython(const ParamValue& value) {
  switch (value.kind) {
    case ParamValue::Kind::kInt: return py::int_(value.i);
    case ParamValue::Kind::kFloat: return py::float_(value.f);
    case ParamValue::Kind::kString: return py::str(value.s);
    case ParamValue::Kind::kBool: return py::bool_(value.b);
    case ParamValue::Kind::kList: {
      py::list list;
      for (const ParamValue& item : value.list) list.append(ParamToPython(item));
      return list;
    }
    case ParamValue::Kind::kEnv: break;  // Params::Resolve read it before an element sees its parameters
  }
  return py::none();
}

namespace {

// A class's parameter default: lists nest as deep as a topology's may
// (kMaxParamListNesting); deeper is refused like any other value that is no parameter.
bool ParamFromPythonAt(py::handle object, ParamValue* out, int nesting) {
  PyObject* o = object.ptr();
  if (PyBool_Check(o)) *out = ParamValue::Bool(o == Py_True);
  else if (PyLong_Check(o)) *out = ParamValue::Int(object.cast<int64_t>());
  else if (PyFloat_Check(o)) *out = ParamValue::Float(object.cast<double>());
  else if (PyUnicode_Check(o)) *out = ParamValue::String(object.cast<std::string>());
  else if (PyList_Check(o) || PyTuple_Check(o)) {
    if (nesting == kMaxParamListNesting) return false;
    std::vector<ParamValue> items;
    for (py::handle item : py::reinterpret_borrow<py::sequence>(object)) {
      ParamValue v;
      if (!ParamFromPythonAt(item, &v, nesting + 1)) return false;
      items.push_back(std::move(v));
    }
    *out = ParamValue::List(std::move(items));
  } else {
    return false;
  }
  return true;
}

}  // namespace

bool ParamFromPython(py::handle object, ParamValue* out) { return ParamFromPythonAt(object, out, 0); }

Status DictToLog(py::handle mapping, LogBuilder* out) {
  out->clear();
  if (!PyDict_Check(mapping.ptr())) {
    return Status::Invalid(
        fmt::format("a log must be a dict, not {}", std::string(py::str(mapping.get_type().attr("__name__")))));
  }
  std::string encoded;
  for (auto [key, value] : py::reinterpret_borrow<py::dict>(mapping)) {
    if (!PyUnicode_Check(key.ptr())) return Status::Invalid("a log's keys must be strings");
    std::string name = key.cast<std::string>();
    PyObject* v = value.ptr();
    // Scalars straight into the builder; nested values encoded first.
    if (PyLong_Check(v) && !PyBool_Check(v)) {
      int overflow = 0;
      long long i = PyLong_AsLongLongAndOverflow(v, &overflow);
      if (overflow) return Status::Invalid(fmt::format("field '{}': an int out of the 64-bit signed range", name));
      out->add_int(name, i);
      continue;
    }
    encoded.clear();
    Status st = Encode(value, encoded, 0);
    if (!st.ok()) return Status::Invalid(fmt::format("field '{}': {}", name, st.message()));
    out->add_raw(name, encoded);
  }
  return Status::OK();
}

void BindLog(py::module_& m) {
  py::class_<LogView>(m, "Log", "A received log: a read-only mapping, valid during the hook that received it.")
      .def("__getitem__",
           [](const LogView& v, std::string_view key) {
             Value value = v.get().get(key);
             if (!value) throw py::key_error(std::string(key));
             return ToPython(value);
           })
      .def(
          "get",
          [](const LogView& v, std::string_view key, py::object fallback) {
            Value value = v.get().get(key);
            return value ? ToPython(value) : fallback;
          },
          py::arg("key"), py::arg("default") = py::none())
      .def("__contains__", [](const LogView& v, std::string_view key) { return v.get().get(key).exists(); })
      .def("__len__", [](const LogView& v) { return v.get().root().size(); })
      .def("keys",
           [](const LogView& v) {
             py::list keys;
             Value root = v.get().root();
             for (size_t i = 0; i < root.size(); ++i) keys.append(py::str(std::string(root.key_at(i))));
             return keys;
           })
      .def("__iter__", [](const LogView& v) { return py::iter(LogToDict(v.get())); })
      .def("items", [](const LogView& v) { return LogToDict(v.get()).attr("items")(); })
      .def(
          "to_dict", [](const LogView& v) { return LogToDict(v.get()); }, "A copy that outlives the hook.")
      .def("__repr__", [](const LogView& v) {
        return *v.alive ? "Log(" + v.get().to_json() + ")" : std::string("Log(<expired>)");
      });

  py::class_<BatchView>(m, "Batch", "The logs of one received batch: a sequence of Log, valid during the hook.")
      .def("__len__",
           [](const BatchView& b) {
             b.check();
             return b.size;
           })
      .def("__getitem__",
           [](const BatchView& b, Py_ssize_t i) {
             b.check();
             if (i < 0) i += static_cast<Py_ssize_t>(b.size);
             if (i < 0 || static_cast<size_t>(i) >= b.size) throw py::index_error();
             return LogView{&b.logs[i], b.alive};
           })
      .def("__getitem__",
           [](const BatchView& b, const py::slice& slice) {
             b.check();
             size_t start = 0, stop = 0, step = 0, length = 0;
             if (!slice.compute(b.size, &start, &stop, &step, &length)) throw py::error_already_set();
             py::list views(length);
             for (size_t i = 0; i < length; ++i, start += step) views[i] = py::cast(LogView{&b.logs[start], b.alive});
             return views;
           })
      .def("__iter__",
           [](const BatchView& b) {
             b.check();
             py::list views(b.size);
             for (size_t i = 0; i < b.size; ++i) views[i] = py::cast(LogView{&b.logs[i], b.alive});
             return py::iter(views);
           })
      .def(
          "to_list",
          [](const BatchView& b) {
            b.check();
            py::list dicts(b.size);
            for (size_t i = 0; i < b.size; ++i) dicts[i] = LogToDict(b.logs[i]);
            return dicts;
          },
          "Copies (dicts) that outlive the hook.");
}

}  // namespace datablox::python
