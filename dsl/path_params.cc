#include "dsl/path_params.h"

#include <filesystem>

namespace datablox::dsl {
namespace {

bool EndsWith(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace

bool IsPathParameter(std::string_view name) {
  return name == "path" || EndsWith(name, "_path") || EndsWith(name, "_file") || EndsWith(name, "_dir");
}

AbsolutePaths AbsolutePathParameters(const Topology& topology, const std::string& folder) {
  AbsolutePaths out;
  for (const ElementDecl& element : topology.elements) {
    for (const auto& [name, value] : element.params) {
      if (!IsPathParameter(name) || value.kind != ParamValue::Kind::kString || value.s.empty()) continue;
      const std::filesystem::path path(value.s);
      if (path.is_absolute()) continue;
      out[element.name][name] = (std::filesystem::path(folder) / path).lexically_normal().string();
    }
  }
  return out;
}

void ApplyAbsolutePaths(const AbsolutePaths& paths, Topology* topology) {
  for (ElementDecl& element : topology->elements) {
    auto given = paths.find(element.name);
    if (given == paths.end()) continue;
    for (const auto& [name, absolute] : given->second) {
      auto param = element.params.find(name);
      if (!IsPathParameter(name) || param == element.params.end() || param->second.kind != ParamValue::Kind::kString) {
        continue;
      }
      param->second.s = absolute;
    }
  }
}

}  // namespace datablox::dsl
