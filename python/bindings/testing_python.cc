#include "python/bindings/testing_python.h"

#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

#include "datablox/testing.h"

namespace py = pybind11;

namespace datablox::python {
namespace {

using testing::ElementHarness;

// A parameter as the topology language would hold it. bool before int:
// Python's True is an int too.
ParamValue ToParam(const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return ParamValue::Bool(value.cast<bool>());
  if (py::isinstance<py::int_>(value)) return ParamValue::Int(value.cast<int64_t>());
  if (py::isinstance<py::float_>(value)) return ParamValue::Float(value.cast<double>());
  if (py::isinstance<py::str>(value)) return ParamValue::String(value.cast<std::string>());
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    std::vector<ParamValue> items;
    for (const py::handle& item : value) items.push_back(ToParam(item));
    return ParamValue::List(std::move(items));
  }
  throw py::type_error("a parameter is an int, float, str, bool or list, not " +
                       std::string(py::str(value.get_type().attr("__name__"))));
}

void Check(const Status& st) {
  if (!st.ok()) throw py::value_error(st.ToString());
}

}  // namespace

// Logs cross as JSON text; datablox/testing.py turns them into dicts.
void BindTesting(py::module_& m) {
  py::class_<ElementHarness>(m, "_ElementHarness")
      .def_static(
          "make",
          [](const std::string& class_name, const py::dict& params) {
            testing::GivenParams given;
            for (const auto& [name, value] : params) given[py::str(name)] = ToParam(value);
            std::unique_ptr<ElementHarness> harness;
            Check(ElementHarness::Make(class_name, std::move(given), &harness));
            return harness;
          },
          py::arg("class_name"), py::arg("params"))
      .def(
          "push",
          [](ElementHarness& h, const std::string& port, const std::vector<std::string>& logs) {
            Check(h.Push(port, logs));
          },
          py::arg("port"), py::arg("json_logs"))
      .def("end", &ElementHarness::End)
      .def(
          "produce", [](ElementHarness& h, int calls) { Check(h.Produce(calls)); }, py::arg("calls") = 1000000)
      .def(
          "query",
          [](ElementHarness& h, const std::string& port, const std::string& request) {
            testing::Answer answer = h.Query(port, request);
            Check(answer.status);
            return answer.json;
          },
          py::arg("port"), py::arg("json_request"))
      .def(
          "advance", [](ElementHarness& h, int64_t ms) { h.Advance(Milliseconds(ms)); }, py::arg("ms"))
      .def(
          "output", [](const ElementHarness& h, const std::string& port) { return h.Output(port); }, py::arg("port"))
      .def(
          "take_output", [](ElementHarness& h, const std::string& port) { return h.TakeOutput(port); }, py::arg("port"))
      .def(
          "read", [](const ElementHarness& h, const std::string& handler) { return h.Read(handler); },
          py::arg("handler"))
      .def_property_readonly("rejected", &ElementHarness::rejected);
}

}  // namespace datablox::python
