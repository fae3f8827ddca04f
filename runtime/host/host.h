// The element host: the process that runs one element.
//
// Started by a caretaker as `datablox host --caretaker ENDPOINT --element NAME`.
// It asks the caretaker for its plan, binds its input ports, reports their
// addresses, connects its outputs once the master knows where its peers are,
// and runs the event loop over its data sockets, its timers and its control
// channel until the element has ended (or is told to stop).
#pragma once

#include <string>

namespace datablox {

struct HostOptions {
  std::string caretaker_endpoint;       // the caretaker's host-control ROUTER
  std::string element;                  // "topology/element": the routing id
  std::string bind_host = "127.0.0.1";  // the address input ports bind on
  int parent = 0;                       // the caretaker's pid: the host dies with it (0: no such tie)
};

// Returns the process exit status (runtime/core/exit_codes.h): kOk ended
// (or stopped), kFailed the element failed, kPlanFailed the host could not
// get or follow its plan, kParentGone the caretaker died first.
int RunElementHost(const HostOptions& options);

}  // namespace datablox
