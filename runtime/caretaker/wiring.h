// Where a restarted host's outputs go. A caretaker keeps the master's last
// connect for each element, with every rewire and reroute since applied,
// and its plan with every expect_links applied, so that a restart is wired
// at once to where its peers are now, with no round trip through the
// master (which may itself be away).
#pragma once

#include "runtime/core/control_protocol.h"

namespace datablox {

// Points every push and query output link of `connect` that `rewire` names
// at its receiver's new address; the other links keep theirs.
void ApplyRewire(const control::Rewire& rewire, control::Connect* connect);

// A shard's new table on one output port of `plan` (a push output, or a
// query output when `reroute.query`): the route replaced, the links to
// leaving members dropped, the links to new members added. False (and
// nothing changed) when the port is not in the plan or the table is not
// newer than the one it has for that shard.
bool ApplyReroute(const control::Reroute& reroute, control::ElementPlan* plan);

// New upstream links of a push input of `plan` (a shard's new member's
// output): added to the links it expects, each once. False when the plan
// has no such input.
bool ApplyExpectLinks(const control::ExpectLinks& expect, control::ElementPlan* plan);

}  // namespace datablox
