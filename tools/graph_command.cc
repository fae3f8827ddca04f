// `datablox graph FILE [--svg]`: the checked topology as Graphviz DOT, or
// rendered to SVG by Debian's graphviz `dot`.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "datablox/element.h"
#include "dsl/dot_graph.h"
#include "dsl/loader.h"
#include "tools/commands.h"

namespace datablox::cli {
namespace {

// Whether `program` is an executable in a folder of $PATH.
bool OnPath(std::string_view program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view folders(path);
  while (!folders.empty()) {
    const size_t colon = folders.find(':');
    const std::string folder(folders.substr(0, colon));
    const std::string candidate = (folder.empty() ? "." : folder) + "/" + std::string(program);
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    folders.remove_prefix(colon + 1);
  }
  return false;
}

}  // namespace

int Graph(const std::string& file, bool svg) {
  if (int code = CheckReadable(file, "topology file"); code != kExitOk) return code;
  if (svg && !OnPath("dot")) {
    std::fprintf(stderr, "error: --svg needs Graphviz's `dot`, which is not installed (Debian package graphviz: "
                         "apt-get install graphviz)\n");
    return kExitUnavailable;
  }
  for (const std::string& folder : ClassSearchPath(file)) ClassTable::Global().add_search_path(folder);
  std::vector<dsl::Diagnostic> errors;
  const dsl::Topology topology = dsl::LoadFile(file, dsl::ClassTableCheckOptions(), &errors);
  if (!errors.empty()) {
    // A picture of a broken topology would show what will not run.
    for (const dsl::Diagnostic& error : errors) std::fprintf(stderr, "%s\n", error.ToString().c_str());
    return kExitDataErr;
  }
  const std::string dot = dsl::TopologyDot(topology);
  if (!svg) {
    std::fwrite(dot.data(), 1, dot.size(), stdout);
    return kExitOk;
  }
  std::fflush(stdout);
  FILE* renderer = ::popen("dot -Tsvg", "w");
  if (renderer == nullptr) {
    std::fprintf(stderr, "error: cannot start dot\n");
    return kExitUnavailable;
  }
  std::fwrite(dot.data(), 1, dot.size(), renderer);
  const int status = ::pclose(renderer);
  if (status != 0) {
    std::fprintf(stderr, "error: dot failed (status %d)\n", status);
    return kExitSoftware;
  }
  return kExitOk;
}

}  // namespace datablox::cli
