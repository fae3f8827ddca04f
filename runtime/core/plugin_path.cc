#include "runtime/core/plugin_path.h"

#include <algorithm>
#include <filesystem>

namespace datablox::plugin {

bool IsPluginFileName(std::string_view file_name) {
  return file_name.size() > kFileSuffix.size() && file_name.ends_with(kFileSuffix) &&
         file_name.find('/') == std::string_view::npos;
}

std::vector<std::string> SplitPathList(std::string_view list) {
  std::vector<std::string> entries;
  while (!list.empty()) {
    size_t colon = list.find(':');
    std::string_view entry = list.substr(0, colon);
    if (!entry.empty()) entries.emplace_back(entry);
    list = colon == std::string_view::npos ? std::string_view() : list.substr(colon + 1);
  }
  return entries;
}

std::vector<std::string> PluginPath(std::string_view plugin_path_variable,
                                    const std::vector<std::string>& search_path) {
  std::vector<std::string> path;
  auto add = [&path](const std::string& entry) {
    if (!entry.empty() && std::find(path.begin(), path.end(), entry) == path.end()) path.push_back(entry);
  };
  for (const std::string& entry : SplitPathList(plugin_path_variable)) add(entry);
  for (const std::string& folder : search_path) add(folder);
  return path;
}

std::string PluginPathVariable(const std::vector<std::string>& given, std::string_view variable,
                               const std::string& cwd) {
  std::vector<std::string> entries;
  auto add = [&](const std::string& entry) {
    std::string absolute = (std::filesystem::path(cwd) / entry).lexically_normal().string();
    if (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
    if (std::find(entries.begin(), entries.end(), absolute) == entries.end()) entries.push_back(absolute);
  };
  for (const std::string& entry : given) {
    for (const std::string& part : SplitPathList(entry)) add(part);
  }
  for (const std::string& entry : SplitPathList(variable)) add(entry);
  std::string joined;
  for (const std::string& entry : entries) joined += (joined.empty() ? "" : ":") + entry;
  return joined;
}

std::vector<std::string> PluginsInFolder(std::vector<std::string> file_names) {
  std::erase_if(file_names, [](const std::string& name) { return !IsPluginFileName(name); });
  std::sort(file_names.begin(), file_names.end());
  return file_names;
}

}  // namespace datablox::plugin
