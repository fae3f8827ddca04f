// What a caretaker knows of one element it runs, across its restarts, and
// what it keeps of one after its last exit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "runtime/caretaker/process_load.h"
#include "runtime/caretaker/restart_policy.h"
#include "runtime/caretaker/stderr_tail.h"
#include "runtime/core/control_protocol.h"

namespace datablox {

enum class HostState { kStarting, kRunning, kEnded, kFailed, kStopping, kBackoff };
// As the status service and the heartbeat spell it ("restarting" for kBackoff).
inline const char* HostStateName(HostState state) {
  switch (state) {
    case HostState::kStarting: return "starting";
    case HostState::kRunning: return "running";
    case HostState::kEnded: return "ended";
    case HostState::kFailed: return "failed";
    case HostState::kStopping: return "stopping";
    case HostState::kBackoff: return "restarting";
  }
  return "?";
}

struct HostProcess {
  using Clock = std::chrono::steady_clock;

  std::string id;  // "topology/element"
  // "ID#TOKEN", the token new for each spawn and handed to the host in its
  // environment: the only id its control messages are taken from and sent
  // to, so a local peer that merely claims the element's name gets nothing.
  std::string routing_id;
  std::string topology;
  control::ElementPlan plan;
  RestartRules restart;

  pid_t pid = -1;
  HostState state = HostState::kStarting;
  Clock::time_point started;        // this life
  Clock::time_point first_started;  // the first life
  ProcessLoadMeter meter{0};
  ProcessLoad load;
  bool reported_end = false;       // the host said ended / stopped / failed
  bool failed_on_purpose = false;  // it said failed (fail(), an exception): not a crash
  bool stopping = false;           // we asked it to stop: its exit is final
  Clock::time_point kill_at{};     // SIGKILL if still alive then

  int restarts = 0;
  int crashes_in_a_row = 0;
  Clock::time_point restart_at{};
  std::string last_exit;

  int stderr_fd = -1;
  StderrTail stderr_tail{EchoToStderr};

  std::optional<control::Connect> connect;  // the master's wiring (wiring.h), replayed to a restarted host
  control::Endpoints endpoints;             // what its inputs bound: a restart binds them again
  std::set<std::string> ended_links;
  // Checkpoints (checkpoint_relay.cc): a crash waits for the master's
  // rollback; a rollback kills the host and starts it again with this
  // snapshot to restore.
  bool awaiting_rollback = false;  // crashed: the master rolls the topology back (or, silent, the restart is ours)
  bool rolling_back = false;       // killed for a rollback: started again once reaped
  std::optional<control::Restore> restore;

  // It said it ended (or stopped), and not that it failed: done, whatever
  // its exit status.
  bool said_done() const { return reported_end && !failed_on_purpose; }
};

// What is left of an element after its last exit: told again in every
// heartbeat for a while (the master may be restarting and have missed it),
// and its stderr kept for `datablox logs`.
struct FinishedElement {
  control::Exited exit;
  StderrTail stderr_tail;
  std::chrono::steady_clock::time_point at;
};

}  // namespace datablox
