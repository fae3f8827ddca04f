// Starting one element host: the process, its stderr pipe, and the token
// that is its only control identity.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "datablox/status.h"
#include "runtime/core/privileges.h"

namespace datablox {

struct HostCommand {
  std::string executable;          // the datablox binary
  std::string caretaker_endpoint;  // where the host's control socket connects
  std::string element;             // "topology/element"
  std::string bind_host;           // where its inputs bind
  std::optional<UserIds> run_as;   // the user it runs as; none: the caretaker's
};

struct SpawnedHost {
  pid_t pid = -1;
  int stderr_fd = -1;  // non-blocking read end of its stderr; -1 if no pipe could be made
  // New for each spawn and handed to the host in its environment
  // (control::kHostTokenVariable): its control id is "ELEMENT#TOKEN".
  std::string token;
};

// The arguments of `datablox host` for `command`, the caretaker's pid as the
// parent the host ties its life to.
std::vector<std::string> HostArguments(const HostCommand& command, pid_t parent);

// The caretaker's environment for a host: every variable but a host token
// of its own (a caretaker started by a host), then the host's token; run as
// another user, that user's HOME, USER and LOGNAME.
std::vector<std::string> HostEnvironment(char** environment, const std::string& token,
                                         const std::optional<UserIds>& run_as = std::nullopt);

// Starts a host in a process group of its own with default signal handling.
// posix_spawn (vfork semantics): a fork would copy the caretaker's page
// tables for every host, a large share of starting one. The host ties its
// life to ours itself (--parent: PDEATHSIG). IOError("cannot start ...")
// when the system refuses. With run_as, a fork instead (posix_spawn cannot
// change users): the child drops to that user before exec, or exits
// exit_code::kPrivileges saying why on its stderr.
Status SpawnHost(const HostCommand& command, SpawnedHost* spawned);

}  // namespace datablox
