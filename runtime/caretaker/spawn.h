// Starting one element host: the process, its stderr pipe, and the token
// that is its only control identity.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "datablox/status.h"

namespace datablox {

struct HostCommand {
  std::string executable;          // the datablox binary
  std::string caretaker_endpoint;  // where the host's control socket connects
  std::string element;             // "topology/element"
  std::string bind_host;           // where its inputs bind
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
// of its own (a caretaker started by a host), then the host's token.
std::vector<std::string> HostEnvironment(char** environment, const std::string& token);

// Starts a host in a process group of its own with default signal handling.
// posix_spawn (vfork semantics): a fork would copy the caretaker's page
// tables for every host, a large share of starting one. The host ties its
// life to ours itself (--parent: PDEATHSIG). IOError("cannot start ...")
// when the system refuses.
Status SpawnHost(const HostCommand& command, SpawnedHost* spawned);

}  // namespace datablox
