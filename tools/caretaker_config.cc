// `datablox caretaker --config FILE`: the node's settings in TOML, so that a
// machine's caretaker is started the same way every time. Flags given on the
// command line win over the file.
#include <toml.hpp>

#include <cstdio>
#include <filesystem>

#include "runtime/caretaker/caretaker.h"
#include "tools/commands.h"

namespace datablox::cli {

int ReadCaretakerConfig(const std::string& path, const std::set<std::string>& flags_given, CaretakerOptions* options) {
  if (int code = CheckReadable(path, "caretaker config file"); code != kExitOk) return code;
  struct Key {
    const char* name;
    std::string* field;
    const char* flag;
  };
  const Key keys[] = {{"master", &options->master_endpoint, "--master"},
                      {"node", &options->node, "--node"},
                      {"bind", &options->bind_host, "--bind"},
                      {"control", &options->control_endpoint, "--control"},
                      {"run_as", &options->run_as, "--run-as"},
                      {"secret_key", &options->secret_key, "--secret-key"},
                      {"master_key", &options->master_key, "--master-key"}};
  // The folders element classes may come from: a list of its own.
  const char* kClassPath = "class_path";
  try {
    const toml::value data = toml::parse(path);
    int errors = 0;
    for (const auto& [name, value] : data.as_table()) {
      bool known = false;
      for (const Key& key : keys) known = known || name == key.name;
      if (!known && name != kClassPath) {
        std::fprintf(stderr,
                     "%s: error: unknown key '%s'; valid keys: master, node, bind, control, run_as, class_path, "
                     "secret_key, master_key\n",
                     path.c_str(), name.c_str());
        ++errors;
      }
    }
    for (const Key& key : keys) {
      if (!data.contains(key.name) || flags_given.count(key.flag)) continue;
      try {
        *key.field = toml::find<std::string>(data, key.name);
      } catch (const toml::type_error& e) {
        std::fprintf(stderr, "%s: error: '%s' must be a string\n%s\n", path.c_str(), key.name, e.what());
        ++errors;
      }
    }
    // Key files named relative to the file are where the file is.
    for (std::string* file : {&options->secret_key, &options->master_key}) {
      if (!file->empty() && (*file)[0] != '/' &&
          !flags_given.count(file == &options->secret_key ? "--secret-key" : "--master-key"))
        *file = (std::filesystem::path(path).parent_path() / *file).string();
    }
    // Flags add to the file's folders: both are the operator's.
    if (data.contains(kClassPath)) {
      try {
        for (const std::string& folder : toml::find<std::vector<std::string>>(data, kClassPath))
          options->class_path.push_back(folder);
      } catch (const toml::type_error& e) {
        std::fprintf(stderr, "%s: error: '%s' must be a list of folders\n%s\n", path.c_str(), kClassPath, e.what());
        ++errors;
      }
    }
    return errors ? kExitDataErr : kExitOk;
  } catch (const toml::syntax_error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return kExitDataErr;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", path.c_str(), e.what());
    return kExitDataErr;
  }
}

}  // namespace datablox::cli
