#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "datablox/element.h"
#include "runtime/core/plugin_loader.h"
#include "runtime/core/plugin_path.h"

namespace datablox {

ClassTable& ClassTable::Global() {
  static ClassTable table;  // function-local: safe from static-initialisation order
  return table;
}

namespace {

std::string Origin(const std::string& plugin_file) {
  return plugin_file.empty() ? "built in" : "by plugin " + plugin_file;
}

}  // namespace

Status ClassTable::add(ClassSpec spec) {
  std::string name = spec.name;
  if (auto refused = refused_.find(name); refused != refused_.end()) {
    refused->second += ", and " + Origin(loading_plugin_);
    return Status::Invalid(refused->second);
  }
  if (auto taken = origins_.find(name); taken != origins_.end()) {
    std::string why =
        "class '" + name + "' is registered twice: " + Origin(taken->second) + ", and " + Origin(loading_plugin_);
    // The first class stays in the table (what find() gave out for it stays
    // valid), but find() refuses the name from now on.
    refused_[name] = why;
    if (!loading_plugin_.empty())
      plugin_failures_.push_back({loading_plugin_, "plugin " + loading_plugin_ + ": " + why});
    return Status::Invalid(why);
  }
  origins_[name] = loading_plugin_;
  classes_[name] = std::move(spec);
  return Status::OK();
}

void ClassTable::load_plugins() const {
  plugin_path_changed_ = false;
  // Plugins register into the global class table (DATABLOX_ELEMENT knows no other).
  if (this != &Global()) return;
  const char* variable = std::getenv(plugin::kPathVariable);
  plugins_on_path_.clear();
  for (const std::string& entry : plugin::PluginPath(variable ? variable : "", search_path_)) {
    for (const std::string& file : plugin::FilesOf(entry)) {
      plugins_on_path_.push_back(file);
      if (std::find(plugins_tried_.begin(), plugins_tried_.end(), file) != plugins_tried_.end()) continue;
      plugins_tried_.push_back(file);
      loading_plugin_ = file;
      Status st = plugin::Load(file);
      loading_plugin_.clear();
      if (!st.ok()) plugin_failures_.push_back({file, st.message()});
    }
  }
}

const ClassSpec* ClassTable::find(std::string_view class_name) const {
  if (plugin_path_changed_) load_plugins();
  if (refused_.count(class_name)) return nullptr;
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

std::string ClassTable::load_error(std::string_view class_name) const {
  if (auto refused = refused_.find(class_name); refused != refused_.end()) return refused->second;
  auto it = load_errors_.find(class_name);
  if (it != load_errors_.end()) return it->second;
  std::vector<std::string> errors = plugin_errors();
  if (classes_.count(class_name) || errors.empty()) return "";
  // Unknown, and a plugin did not load: the class may well be in it.
  std::string why = errors.size() == 1 ? "no class of that name, and a plugin did not load: "
                                       : "no class of that name, and plugins did not load: ";
  for (size_t i = 0; i < errors.size(); ++i) why += (i ? "; " : "") + errors[i];
  return why;
}

std::vector<std::string> ClassTable::plugin_errors() const {
  // Only those of plugins on the current path: a master that read another
  // topology's broken plugin before does not blame this one on it.
  std::vector<std::string> errors;
  for (const auto& [file, message] : plugin_failures_) {
    if (std::find(plugins_on_path_.begin(), plugins_on_path_.end(), file) != plugins_on_path_.end()) {
      errors.push_back(message);
    }
  }
  return errors;
}

void ClassTable::add_search_path(const std::string& folder) {
  if (folder.empty()) return;
  if (std::find(search_path_.begin(), search_path_.end(), folder) == search_path_.end()) {
    search_path_.push_back(folder);
    plugin_path_changed_ = true;
  }
}

void ClassTable::set_search_path(const std::vector<std::string>& folders) {
  search_path_.clear();
  for (const std::string& folder : folders) add_search_path(folder);
  plugin_path_changed_ = true;
}

void ClassTable::forget_loaded() {
  load_errors_.clear();
  for (auto it = classes_.begin(); it != classes_.end();) {
    bool loaded = false;
    for (const auto& [prefix, loader] : loaders_)
      loaded = loaded || std::string_view(it->first).substr(0, prefix.size()) == prefix;
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
    for (const std::string& folder : plugin::SplitPathList(extra)) {
      path.push_back(std::filesystem::absolute(folder, ec).lexically_normal().string());
    }
  }
  return path;
}

void ClassTable::set_loader(std::string prefix, ClassLoader loader) { loaders_[std::move(prefix)] = std::move(loader); }

std::vector<const ClassSpec*> ClassTable::all() const {
  if (plugin_path_changed_) load_plugins();
  std::vector<const ClassSpec*> out;
  for (const auto& [name, spec] : classes_) {
    if (!refused_.count(name)) out.push_back(&spec);
  }
  return out;
}

}  // namespace datablox
