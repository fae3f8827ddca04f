// Rules over a topology as a whole graph, after its connections resolved:
// it declares an element, and its push connections form no cycle.
//
// Push cycles are rejected rather than run (as GNU Radio rejects loops): an
// element ends when all its inputs have ended, so on a push cycle END could
// never arrive and the topology would run forever. Query connections may form
// cycles: a query has no END.
#pragma once

#include <vector>

#include "dsl/topology.h"

namespace datablox::dsl {

// Appends "no element declared" for a topology without elements, unless a
// statement failed to parse (its syntax error already explains it).
void CheckHasElements(const Topology& topology, std::vector<Diagnostic>* errors);

// Appends one error per push connection that closes a cycle, at its arrow,
// naming the cycle ("a -> b -> a"). Connections to undeclared elements are
// left out (reported elsewhere). Iterative: a long chain cannot exhaust the
// stack.
void CheckPushCycles(const Topology& topology, std::vector<Diagnostic>* errors);

}  // namespace datablox::dsl
