// Reading a topology: parse (syntax only, recovering after errors so that one
// run reports them all), check against the element classes, or both at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/spec.h"
#include "datablox/status.h"
#include "dsl/topology.h"

namespace datablox::dsl {

// Syntax only. Appends every syntax error to `errors`; what could be parsed
// is returned all the same, so the checker can go on with it.
Topology Parse(std::string_view text, const std::string& file, std::vector<Diagnostic>* errors);

struct CheckOptions {
  // Looks an element class up; null when unknown.
  std::function<const ClassSpec*(std::string_view class_name)> find_class;
  // When non-empty, placement on any other node is an error.
  std::vector<std::string> known_nodes;
  // Optional: every known class name, so that an unknown class can be
  // answered with "did you mean ...".
  std::vector<std::string> class_names;
  // Why a class could not be loaded (a Python module with a syntax error, a
  // missing module...); empty when it is just unknown.
  std::function<std::string(std::string_view class_name)> class_load_error;
};

// Options that look classes up in a class table (and suggest its names for a
// misspelt one), with the given nodes known.
CheckOptions ClassTableCheckOptions(std::vector<std::string> known_nodes = {});

// Fills default ports, then appends every error of the topology to `errors`.
void Check(Topology& topology, const CheckOptions& options, std::vector<Diagnostic>* errors);

// Reads a topology file whole, up to kMaxTopologyBytes (dsl/limits.h). On
// failure appends why (cannot read: at line 0; too large: where the limit
// was passed) and returns false.
bool ReadTopologyFile(const std::string& path, std::string* text, std::vector<Diagnostic>* errors);

// Reads FILE, parses and checks it. A file that cannot be read is one
// diagnostic at line 0.
Topology LoadFile(const std::string& path, const CheckOptions& options, std::vector<Diagnostic>* errors);
// The same for a text read already (by ReadTopologyFile), named `path`.
Topology LoadText(const std::string& text, const std::string& path, const CheckOptions& options,
                  std::vector<Diagnostic>* errors);

// Policy keys, with their meaning (for `describe` and the checker): those
// every element accepts, queue (logs in flight per input link), batch (logs
// per message)..., which `policy *` sets for every element at once, and
// those of the whole topology (checkpoint), which only `policy *` sets.
struct PolicyKey {
  const char* name;
  ParamValue::Kind kind;
  const char* doc;
  int64_t min = 1;              // an int key's least value
  const char* unit = nullptr;   // of an int key, named in its range error
  bool whole_topology = false;  // no element's: only under `policy *`
};
const std::vector<PolicyKey>& PolicyKeys();

}  // namespace datablox::dsl
