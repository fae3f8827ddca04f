// Which classes a topology may use, and how the master learns their
// declarations without running them: the folders its operator allowed
// (--class-path), and the class inspector (class_inspector.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "datablox/element.h"
#include "runtime/core/exit_codes.h"
#include "runtime/core/plugin_path.h"
#include "runtime/master/master_daemon.h"

namespace datablox::master {

int Master::StartInspector() {
  class_folders_ = ClassFolders::FromFlagsAndEnvironment(options_.class_path);
  InspectorOptions inspector;
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    spdlog::error("master: cannot find its own executable for the class inspector: {}", std::strerror(errno));
    return exit_code::kOsErr;
  }
  inspector.executable.assign(self, static_cast<size_t>(n));
  inspector.timeout_s = options_.inspect_timeout_s;
  if (!options_.run_as.empty()) {
    UserIds ids;
    Status st = LookUpUser(options_.run_as, &ids);
    if (st.ok()) st = CanRunAs(ids);
    if (!st.ok()) {
      spdlog::error("master: --run-as: {}", st.message());
      return exit_code::kUsage;
    }
    inspector.run_as = ids;
  } else if (::geteuid() == 0) {
    spdlog::info("master: the class inspector imports topologies' modules as root; give --run-as USER");
  }
  // Plugins are user code too: the master's plugin path is the inspector's,
  // and the master's own class table loads nothing but its built-ins.
  if (const char* plugin_path = std::getenv(plugin::kPathVariable)) {
    inspector.plugin_path = plugin_path;
    ::unsetenv(plugin::kPathVariable);
  }
  ClassTable& table = ClassTable::Global();
  table.set_search_path({});
  table.set_loader("py:", [](std::string_view, ClassSpec*) { return Status::NotFound(""); });
  inspector_ = std::make_unique<ClassInspector>(std::move(inspector));
  spdlog::info("master: class folders allowed: {}", class_folders_.Describe());
  return exit_code::kOk;
}

std::vector<std::string> Master::CheckClasses(dsl::Topology& topology, const std::vector<std::string>& requested,
                                              std::vector<std::string> known_nodes, InspectedClasses* classes,
                                              std::vector<dsl::Diagnostic>* errors,
                                              std::vector<std::string>* refused) const {
  std::vector<std::string> folders = class_folders_.SearchPath(requested, refused);
  CheckTopologyClasses(topology, *inspector_, folders, std::move(known_nodes), classes, errors);
  return folders;
}

}  // namespace datablox::master
