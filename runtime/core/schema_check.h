// The run-time half of a push input's schema: the fields every log must
// carry, with their types, checked before the element sees the log. The
// checker proves most links statically (the upstream's out port declares the
// fields); only a link whose upstream declares nothing is checked here, log
// by log, so a `{"word": 5}` is rejected and counted instead of reaching an
// element that reads it as "".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/log.h"
#include "datablox/spec.h"
#include "datablox/status.h"
#include "runtime/core/log_shape.h"

namespace datablox {

class SchemaCheck {
 public:
  SchemaCheck() = default;
  // `port` names the input in messages; `required` is its schema.
  SchemaCheck(std::string port, std::vector<FieldSpec> required);

  // True when there is nothing to check (the port requires no field).
  bool empty() const { return required_.empty(); }

  // OK, or Invalid naming the first field that is missing or of another
  // type. An int is accepted where a float is required, as the checker does.
  Status Check(const Log& log) const;

  // Moves the logs that pass to the front of logs[0, count), in order, and
  // returns how many passed; `rejected(status)` is called once per log that
  // did not.
  template <class OnRejected>
  size_t KeepValid(Log* logs, size_t count, OnRejected&& rejected) const {
    return KeepPassing(
        logs, count, [this](const Log& log) { return Check(log); }, rejected);
  }

 private:
  std::string port_;
  std::vector<FieldSpec> required_;
};

}  // namespace datablox
