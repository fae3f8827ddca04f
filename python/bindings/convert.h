// Values between logs and Python objects. Received logs reach Python as
// views (Log, Batch) valid during the hook that got them; what Python emits
// (dicts, or those views unchanged) is encoded once, here.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <string>

#include "datablox/log.h"
#include "datablox/spec.h"

namespace datablox::python {

namespace py = pybind11;

py::object ToPython(const Value& value);
py::dict LogToDict(const Log& log);
py::object ParamToPython(const ParamValue& value);
// Python bool/int/float/str/list to a parameter value; false for others.
bool ParamFromPython(py::handle object, ParamValue* out);

// Encodes a Python mapping (str keys) as a log. Errors name the key.
Status DictToLog(py::handle mapping, LogBuilder* out);

// A received log, for Python. Reading it after its hook returned raises
// instead of reading freed bytes: `alive` turns false when the hook ends.
struct LogView {
  const Log* log = nullptr;
  std::shared_ptr<bool> alive;
  const Log& get() const;
};

// The logs of one received batch, for Python: a sequence of LogView.
struct BatchView {
  const Log* logs = nullptr;
  size_t size = 0;
  std::shared_ptr<bool> alive;
  void check() const;
};

void BindLog(py::module_& m);

// The first line of an exception's text: what a Status or a reply carries
// (the whole traceback goes to stderr).
inline std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace datablox::python
