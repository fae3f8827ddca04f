// `datablox inspect-classes` (internal, not in --help): what the master's
// class inspector runs. It loads the named classes from the given folders
// (importing Python modules, loading plugins: the user code the master
// itself never runs) and prints their declarations as one JSON object:
//   {"classes": {NAME: spec}, "errors": {NAME: why}, "unknown": [NAME]}
#include <cstdio>
#include <nlohmann/json.hpp>

#include "datablox/element.h"
#include "runtime/core/class_spec_json.h"
#include "tools/commands.h"

namespace datablox::cli {

int InspectClasses(const std::vector<std::string>& folders, const std::vector<std::string>& class_names) {
  ClassTable& table = ClassTable::Global();
  table.set_search_path(folders);
  nlohmann::json classes = nlohmann::json::object(), errors = nlohmann::json::object(),
                 unknown = nlohmann::json::array();
  for (const std::string& name : class_names) {
    if (classes.contains(name) || errors.contains(name)) continue;
    if (const ClassSpec* spec = table.find(name)) {
      classes[name] = ClassSpecToJson(*spec);
      continue;
    }
    std::string why = table.load_error(name);
    if (why.empty()) unknown.push_back(name);
    else errors[name] = why;
  }
  nlohmann::json names = nlohmann::json::array();
  for (const ClassSpec* spec : table.all()) names.push_back(spec->name);
  nlohmann::json out = {{"classes", classes}, {"errors", errors}, {"unknown", unknown}, {"names", names}};
  // Invalid UTF-8 in a user's doc string is replaced, not thrown on.
  std::string text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitSoftware;
}

}  // namespace datablox::cli
