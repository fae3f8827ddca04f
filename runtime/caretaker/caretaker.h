// The caretaker: one daemon per node. It starts and stops element hosts on
// the master's word, relays between them and the master, measures their load
// (CPU, memory) and reports every exit. It never decides anything about the
// topology: that is the master's job.
#pragma once

#include <string>

namespace datablox {

struct CaretakerOptions {
  std::string master_endpoint;            // tcp://HOST:PORT of the master
  std::string node = "local";             // this node's name
  std::string bind_host = "127.0.0.1";    // where hosts and element inputs bind
  std::string executable;                 // the datablox binary, to start hosts with
};

// Runs until told to shut down (or SIGTERM/SIGINT). Returns the exit status.
int RunCaretaker(const CaretakerOptions& options);

}  // namespace datablox
