#include "python/loader.h"

#include <fmt/format.h>
#include <pybind11/embed.h>
#include <pybind11/stl.h>

#include <cstdlib>
#include <filesystem>

#include "python/bindings/convert.h"
#include "python/bindings/module.h"
#include "python/bindings/shard_python.h"
#include "python/bindings/stream_python.h"

PYBIND11_EMBEDDED_MODULE(_datablox_embedded, m) { datablox::python::DefineModule(m); }

namespace datablox::python {
namespace {

namespace py = pybind11;

// The folder holding the datablox package (datablox/__init__.py), found from
// this executable at run time, not compiled in: build/bin -> build/python in
// the build tree, PREFIX/bin -> PREFIX/lib/datablox/python once installed,
// wherever the tree is put. Empty when neither holds it.
std::string PackageFolder() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path executable = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (const char* relative : {DATABLOX_PYTHON_BUILD_FROM_BIN, DATABLOX_PYTHON_INSTALL_FROM_BIN}) {
    fs::path folder = (executable.parent_path() / relative).lexically_normal();
    if (fs::exists(folder / "datablox" / "__init__.py", ec)) return folder.string();
  }
  return "";
}

// Starts the interpreter once, then lets go of the GIL: every call into
// Python takes it for its own duration.
void EnsureInterpreter() {
  static bool started = false;
  if (started) return;
  started = true;
  ::setenv("PYTHONUNBUFFERED", "1", 0);  // print() reaches the operator even if the host is killed
  py::initialize_interpreter();
  {
    py::module_ sys = py::module_::import("sys");
    if (std::string folder = PackageFolder(); !folder.empty()) sys.attr("path").attr("insert")(0, folder);
    // The package's `from ._datablox import ...` finds this process's own
    // types, not a second copy of them from the extension module on disk.
    sys.attr("modules")["datablox._datablox"] = py::module_::import("_datablox_embedded");
  }
  // The interpreter is never finalised: the host exits with it.
  (void)PyEval_SaveThread();
}

std::string FirstLines(const std::string& text) {
  // "SyntaxError: invalid syntax (enrich.py, line 3)" and the like: what the
  // checker puts on the topology's line. pybind11 appends a traceback.
  size_t at = text.find("\n\nAt:");
  return text.substr(0, at);
}

Status ReadPorts(py::handle cls, ClassSpec* spec) {
  if (!py::hasattr(cls, "ports")) return Status::OK();
  for (py::handle port : cls.attr("ports")) {
    if (!py::isinstance<py::dict>(port))
      return Status::Invalid("ports must be made with datablox.push_in/push_out/query_in/query_out");
    py::dict p = py::reinterpret_borrow<py::dict>(port);
    std::string name = p["name"].cast<std::string>();
    std::string kind = p["kind"].cast<std::string>(), direction = p["direction"].cast<std::string>();
    bool required = p["required"].cast<bool>();
    std::string doc = p.contains("doc") ? p["doc"].cast<std::string>() : "";
    std::vector<FieldSpec> schema;
    if (p.contains("schema") && !p["schema"].is_none()) {
      for (auto [field, type] : p["schema"].cast<py::dict>()) {
        ValueType t;
        std::string type_name = type.cast<std::string>();
        if (!ParseValueTypeName(type_name, &t)) {
          return Status::Invalid(
              fmt::format("port '{}': unknown field type '{}' (nil, bool, int, float, string, bytes, array, map)", name,
                          type_name));
        }
        schema.push_back({field.cast<std::string>(), t});
      }
    }
    if (kind == "push" && direction == "in") spec->push_in(name, schema, required, doc);
    else if (kind == "push" && direction == "out") spec->push_out(name, schema, required, doc);
    else if (kind == "query" && direction == "in") spec->query_in(name, required, doc);
    else if (kind == "query" && direction == "out") spec->query_out(name, required, doc);
    else return Status::Invalid(fmt::format("port '{}': unknown kind '{}' / direction '{}'", name, kind, direction));
  }
  return Status::OK();
}

Status ReadParams(py::handle cls, ClassSpec* spec) {
  if (!py::hasattr(cls, "params")) return Status::OK();
  static const std::map<std::string, ParamType> kTypes = {{"int", ParamType::kInt},
                                                          {"float", ParamType::kFloat},
                                                          {"string", ParamType::kString},
                                                          {"bool", ParamType::kBool},
                                                          {"list", ParamType::kList},
                                                          {"expr", ParamType::kExpr},
                                                          {"assignments", ParamType::kAssignments},
                                                          {"secret", ParamType::kSecret}};
  for (py::handle param : cls.attr("params")) {
    if (!py::isinstance<py::dict>(param)) return Status::Invalid("params must be made with datablox.param");
    py::dict p = py::reinterpret_borrow<py::dict>(param);
    ParamSpec out;
    out.name = p["name"].cast<std::string>();
    std::string type = p["type"].cast<std::string>();
    auto it = kTypes.find(type);
    if (it == kTypes.end()) return Status::Invalid(fmt::format("param '{}': unknown type '{}'", out.name, type));
    out.type = it->second;
    out.required = p["required"].cast<bool>();
    out.doc = p.contains("doc") ? p["doc"].cast<std::string>() : "";
    if (!out.required && !ParamFromPython(p["default"], &out.default_value)) {
      return Status::Invalid(fmt::format("param '{}': its default is not an int, float, str, bool or list", out.name));
    }
    spec->params.push_back(std::move(out));
  }
  return Status::OK();
}

// Drops `module` ("pkg.mod") and its packages from sys.modules, so that the
// next import reads them from the search path again. The datablox package
// stays: it holds this process's own types.
void ForgetModule(const std::string& module) {
  py::dict modules = py::module_::import("sys").attr("modules");
  for (size_t end = module.size(); end != std::string::npos && end > 0; end = module.rfind('.', end - 1)) {
    std::string name = module.substr(0, end);
    if (name == "datablox" || name.rfind("datablox.", 0) == 0) break;
    if (modules.contains(name)) PyDict_DelItemString(modules.ptr(), name.c_str());
  }
  py::module_::import("importlib").attr("invalidate_caches")();
}

Status LoadClass(std::string_view class_name, ClassSpec* spec) {
  EnsureInterpreter();
  py::gil_scoped_acquire gil;
  std::string dotted(class_name.substr(3));  // after "py:"
  size_t dot = dotted.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == dotted.size()) {
    return Status::Invalid("a Python class is named py:module.Class (or py:package.module.Class)");
  }
  try {
    // In the class table's order, ahead of everything else: the topology's own
    // folder first, then DATABLOX_PYTHONPATH's, then the datablox package's.
    py::list path = py::module_::import("sys").attr("path");
    int position = 0;
    for (const std::string& folder : ClassTable::Global().search_path()) {
      while (path.contains(folder)) path.attr("remove")(folder);
      path.attr("insert")(position++, folder);
    }
    // Read from its file every time the class table asks (a master asks again
    // on each submit): an edited class is seen, and a module of the same
    // name in another topology's folder is not taken for this one.
    ForgetModule(dotted.substr(0, dot));
    py::module_ module = py::module_::import(dotted.substr(0, dot).c_str());
    std::string attribute = dotted.substr(dot + 1);
    if (!py::hasattr(module, attribute.c_str())) {
      return Status::NotFound(fmt::format("module '{}' has no class '{}'", dotted.substr(0, dot), attribute));
    }
    py::object cls = module.attr(attribute.c_str());
    py::object base = py::module_::import("datablox").attr("Element");
    if (!PyType_Check(cls.ptr()) || !PyObject_IsSubclass(cls.ptr(), base.ptr())) {
      return Status::Invalid(fmt::format("'{}' is not a subclass of datablox.Element", dotted));
    }
    py::object doc = cls.attr("__doc__");
    std::string text = doc.is_none() ? "" : py::module_::import("inspect").attr("cleandoc")(doc).cast<std::string>();
    spec->summary = text.substr(0, text.find('\n'));
    if (size_t blank = text.find('\n'); blank != std::string::npos) {
      size_t start = text.find_first_not_of('\n', blank);
      if (start != std::string::npos) spec->description = text.substr(start);
    }
    Status st = ReadPorts(cls, spec);
    if (st.ok()) st = ReadParams(cls, spec);
    if (st.ok()) st = ReadShardDeclaration(cls, spec);
    if (st.ok()) st = ReadStreamDeclaration(cls, spec);
    if (!st.ok()) return st;
    if (py::hasattr(cls, "handlers")) {
      for (auto [handler, handler_doc] : cls.attr("handlers").cast<py::dict>()) {
        spec->handler(handler.cast<std::string>(), handler_doc.cast<std::string>());
      }
    }
    // The class object is kept for the life of the process (never released:
    // a static destructor would run without the GIL).
    PyObject* held = cls.release().ptr();
    spec->factory = [held]() -> std::shared_ptr<Element> {
      py::gil_scoped_acquire gil;
      try {
        py::object instance = py::reinterpret_borrow<py::object>(held)();
        Element* element = instance.cast<Element*>();
        auto* keep = new py::object(std::move(instance));
        return std::shared_ptr<Element>(element, [keep](Element*) {
          py::gil_scoped_acquire release_gil;
          delete keep;
        });
      } catch (py::error_already_set& e) {
        e.restore();
        PyErr_Print();
        return nullptr;
      }
    };
  } catch (py::error_already_set& e) {
    return Status::Invalid(FirstLines(e.what()));
  } catch (const std::exception& e) {
    return Status::Invalid(e.what());
  }
  return Status::OK();
}

}  // namespace

void InstallLoader(ClassTable& classes) { classes.set_loader("py:", LoadClass); }

}  // namespace datablox::python
