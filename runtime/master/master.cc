// The master's entry point; the daemon itself is class Master
// (master_daemon.h), one file per concern.
#include "runtime/master/master.h"

#include <cstdlib>

#include "runtime/master/master_daemon.h"

namespace datablox {

std::string DefaultRegistryPath() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    return std::string(state) + "/datablox/master.db";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/state/datablox/master.db";
  return "datablox-master.db";
}

int RunMaster(const MasterOptions& options) {
  master::Master master(options);
  return master.Run();
}

}  // namespace datablox
