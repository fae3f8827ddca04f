// The caretaker: one daemon per node. It starts and stops element hosts on
// the master's word, relays between them and the master, measures their load
// (CPU, memory), restarts a host that crashes (per the element's restart
// policy, at the same addresses, rewired from the master's last word), keeps
// the last lines of every host's stderr, and answers `datablox caretaker
// status` on a local socket whether or not the master is there. It decides
// nothing about the topology: that is the master's job.
#pragma once

#include <string>
#include <vector>

namespace datablox {

struct CaretakerOptions {
  std::string master_endpoint;          // tcp://HOST:PORT of the master
  std::string node = "local";           // this node's name
  std::string bind_host = "127.0.0.1";  // where hosts and element inputs bind
  std::string executable;               // the datablox binary, to start hosts with
  std::string control_endpoint;         // the status service; "" : DefaultCaretakerControl(node)
  // Folders element classes may be loaded from (with $DATABLOX_CLASS_PATH):
  // a plan's other folders are dropped.
  std::vector<std::string> class_path;
  std::string run_as;  // the user element hosts run as; "" : the caretaker's own
  // CURVE (runtime/auth): its own NAME.key_secret and the master's public
  // key; with them it joins only that master, and proves it is this node.
  std::string secret_key;
  std::string master_key;
};

// ipc:///tmp/datablox-UID/caretaker-NODE.ipc: where `datablox caretaker
// status --node NODE` finds the caretaker of NODE on this machine.
std::string DefaultCaretakerControl(const std::string& node);

// Runs until told to shut down (or SIGTERM/SIGINT). Returns the exit status.
int RunCaretaker(const CaretakerOptions& options);

}  // namespace datablox
