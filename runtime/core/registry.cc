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
  if (folder.empty()) return;
  if (std::find(search_path_.begin(), search_path_.end(), folder) == search_path_.end()) search_path_.push_back(folder);
}

void Registry::set_search_path(const std::vector<std::string>& folders) {
  search_path_.clear();
  for (const std::string& folder : folders) add_search_path(folder);
}

void Registry::forget_loaded() {
  load_errors_.clear();
  for (auto it = classes_.begin(); it != classes_.end();) {
    bool loaded = false;
    for (const auto& [prefix, loader] : loaders_) loaded = loaded || std::string_view(it->first).substr(0, prefix.size()) == prefix;
    it = loaded ? classes_.erase(it) : std::next(it);
  }
}

std::vector<std::string> ClassSearchPath(const std::string& topology_file) {
  std::vector<std::string> path;
  std::error_code ec;
  // absolute() of the file, not of its parent: a bare "flow.topo" has an
  // empty parent, which absolute() refuses, and an empty entry would make
  // Python search the working directory of whichever process loads it.
  std::string folder = std::filesystem::absolute(topology_file, ec).lexically_normal().parent_path().string();
  if (!folder.empty()) path.push_back(folder);
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
