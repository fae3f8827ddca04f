// Parameters that name files or folders. A relative one means a path from
// the folder of the user who runs or submits the topology, not from the
// working directory of whichever caretaker happens to start the element: the
// CLI makes them absolute, and the master sets them after parsing, so that
// the text (and every file:line:col of its errors) stays as written.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "dsl/topology.h"

namespace datablox::dsl {

// A string parameter names a file or folder when it is called `path` or
// ends in `_path`, `_file` or `_dir` (JsonLinesSource, JsonLinesSink and
// SqliteStore's `path`; the same rule for Python classes).
bool IsPathParameter(std::string_view name);

// element -> parameter -> absolute path.
using AbsolutePaths = std::map<std::string, std::map<std::string, std::string>>;

// Every relative path parameter of the topology, made absolute against
// `folder` (itself absolute).
AbsolutePaths AbsolutePathParameters(const Topology& topology, const std::string& folder);

// Sets each listed parameter that the topology gives as a path-named string;
// any other entry (a stale or forged one) changes nothing.
void ApplyAbsolutePaths(const AbsolutePaths& paths, Topology* topology);

}  // namespace datablox::dsl
