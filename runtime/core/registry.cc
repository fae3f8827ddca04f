#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <filesystem>

#include "datablox/element.h"

namespace datablox {

Registry& Registry::Global() {
  static Registry registry;  // function-local: safe from static-initialisation order
  return registry;
}

void Registry::add(ClassSpec spec) {
  std::string name = spec.name;
  assert(!classes_.count(name) && "two element classes registered under one name");
  classes_[name] = std::move(spec);
}

const ClassSpec* Registry::find(std::string_view class_name) const {
  auto it = classes_.find(class_name);
  if (it != classes_.end()) return &it->second;
  if (load_errors_.count(class_name)) return nullptr;  // tried already
  for (const auto& [prefix, loader] : loaders_) {
    if (class_name.substr(0, prefix.size()) != prefix) continue;
    ClassSpec spec;
    Status st = loader(class_name, &spec);
    if (!st.ok()) {
      load_errors_[std::string(class_name)] = st.message();
      return nullptr;
    }
    spec.name = std::string(class_name);
    return &classes_.emplace(spec.name, std::move(spec)).first->second;
  }
  return nullptr;
}

std::string Registry::load_error(std::string_view class_name) const {
  auto it = load_errors_.find(class_name);
  return it == load_errors_.end() ? "" : it->second;
}

void Registry::add_search_path(const std::string& folder) {
  if (std::find(search_path_.begin(), search_path_.end(), folder) == search_path_.end()) search_path_.push_back(folder);
}

std::vector<std::string> ClassSearchPath(const std::string& topology_file) {
  std::vector<std::string> path;
  std::error_code ec;
  path.push_back(std::filesystem::absolute(std::filesystem::path(topology_file).parent_path(), ec).lexically_normal().string());
  if (const char* extra = std::getenv("DATABLOX_PYTHONPATH")) {
    std::string_view rest(extra);
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string folder(rest.substr(0, colon));
      if (!folder.empty()) path.push_back(std::filesystem::absolute(folder, ec).lexically_normal().string());
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
  }
  return path;
}

void Registry::set_loader(std::string prefix, ClassLoader loader) {
  loaders_[std::move(prefix)] = std::move(loader);
}

std::vector<const ClassSpec*> Registry::all() const {
  std::vector<const ClassSpec*> out;
  for (const auto& [name, spec] : classes_) out.push_back(&spec);
  return out;
}

}  // namespace datablox
