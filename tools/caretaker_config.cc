// `datablox caretaker --config FILE`: the node's settings in TOML, so that a
// machine's caretaker is started the same way every time. Flags given on the
// command line win over the file.
#include <toml.hpp>

#include <cstdio>

#include "runtime/caretaker/caretaker.h"
#include "tools/commands.h"

namespace datablox::cli {

int ReadCaretakerConfig(const std::string& path, const std::set<std::string>& flags_given, CaretakerOptions* options) {
  if (int code = CheckReadable(path, "caretaker config file"); code != kExitOk) return code;
  struct Key {
    const char* name;
    std::string* field;
  };
  const Key keys[] = {{"master", &options->master_endpoint},
                      {"node", &options->node},
                      {"bind", &options->bind_host},
                      {"control", &options->control_endpoint}};
  try {
    const toml::value data = toml::parse(path);
    int errors = 0;
    for (const auto& [name, value] : data.as_table()) {
      bool known = false;
      for (const Key& key : keys) known = known || name == key.name;
      if (!known) {
        std::fprintf(stderr, "%s: error: unknown key '%s'; valid keys: master, node, bind, control\n", path.c_str(),
                     name.c_str());
        ++errors;
      }
    }
    for (const Key& key : keys) {
      if (!data.contains(key.name) || flags_given.count(std::string("--") + key.name)) continue;
      try {
        *key.field = toml::find<std::string>(data, key.name);
      } catch (const toml::type_error& e) {
        std::fprintf(stderr, "%s: error: '%s' must be a string\n%s\n", path.c_str(), key.name, e.what());
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
