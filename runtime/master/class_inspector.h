// The master checks a topology against its classes' declarations without
// running a line of user code: Python modules and plugins are loaded by a
// child process (`datablox inspect-classes`), in a process group of its own,
// with CPU and memory limits, a deadline, and as the operator's --run-as
// user, which hands back the declarations as JSON (class_spec_json.h).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/spec.h"
#include "datablox/status.h"
#include "dsl/loader.h"
#include "runtime/core/privileges.h"

namespace datablox::master {

// The classes one check may use: the master's built-ins, and those the
// inspector loaded for it.
class InspectedClasses {
 public:
  const ClassSpec* find(std::string_view class_name) const;
  // Why a class could not be loaded ("" when it is simply unknown).
  std::string load_error(std::string_view class_name) const;
  // Options that check against these classes. They point into this object:
  // it must outlive the check.
  dsl::CheckOptions CheckOptions(std::vector<std::string> known_nodes) const;

  // Filled by ClassInspector::Inspect, and by tests.
  std::map<std::string, ClassSpec, std::less<>> classes;
  std::map<std::string, std::string, std::less<>> errors;
  std::vector<std::string> names;  // every class the inspector knows, for suggestions
};

struct InspectorOptions {
  std::string executable;          // the datablox binary
  std::optional<UserIds> run_as;   // none: the master's own user
  double timeout_s = 10;           // then the child's group is killed
  std::string plugin_path;         // the child's DATABLOX_PLUGIN_PATH (the master keeps none)
  uint64_t memory_bytes = uint64_t{4} << 30;  // RLIMIT_AS of the child
  size_t max_output_bytes = size_t{16} << 20;
};

class ClassInspector {
 public:
  explicit ClassInspector(InspectorOptions options) : options_(std::move(options)) {}
  // Loads `class_names` from `folders` in a child and adds what it found to
  // *out. An error when the child could not do it (it timed out, crashed,
  // printed no JSON): the caller reports it for each class.
  Status Inspect(const std::vector<std::string>& class_names, const std::vector<std::string>& folders,
                 InspectedClasses* out) const;
  const InspectorOptions& options() const { return options_; }

 private:
  InspectorOptions options_;
};

// Parses and checks `topology` against the built-ins and, for the names
// that are not built in, what `inspector` loads from `folders` (one child
// for all of them). *classes holds what the check used; errors are appended.
void CheckTopologyClasses(dsl::Topology& topology, const ClassInspector& inspector,
                          const std::vector<std::string>& folders, std::vector<std::string> known_nodes,
                          InspectedClasses* classes, std::vector<dsl::Diagnostic>* errors);

// The JSON `datablox inspect-classes` prints, into *out (tests use it too).
Status ParseInspectorOutput(std::string_view text, InspectedClasses* out);

}  // namespace datablox::master
