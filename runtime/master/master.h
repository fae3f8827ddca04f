// The master: reads and checks topologies, places their elements on the
// nodes whose caretakers have joined, tells every element where its peers
// are, follows their load, and ends or fails each topology as its elements
// end or fail.
#pragma once

#include <string>

namespace datablox {

struct MasterOptions {
  std::string listen = "tcp://127.0.0.1:7070";  // where caretakers and clients reach it
  // When set, the actual endpoint is written to this file descriptor once
  // bound (how `datablox run` learns an ephemeral port), then it is closed.
  int ready_fd = -1;
};

int RunMaster(const MasterOptions& options);

}  // namespace datablox
