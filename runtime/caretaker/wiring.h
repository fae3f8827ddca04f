// Where a restarted host's outputs go. A caretaker keeps the master's last
// connect for each element, with every rewire since applied, so that a
// restart is wired at once, with no round trip through the master (which
// may itself be away).
#pragma once

#include "runtime/core/control_protocol.h"

namespace datablox {

// Points every push and query output link of `connect` that `rewire` names
// at its receiver's new address; the other links keep theirs.
void ApplyRewire(const control::Rewire& rewire, control::Connect* connect);

}  // namespace datablox
