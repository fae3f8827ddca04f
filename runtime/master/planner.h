// Turns a checked topology into one plan per element: which node runs it,
// which links come in and go out of each port, with their windows (the
// queue policy, in logs) and batch sizes.
#pragma once

#include <string>
#include <vector>

#include "datablox/status.h"
#include "dsl/topology.h"
#include "runtime/core/control_protocol.h"
#include "runtime/master/placement.h"

namespace datablox {

constexpr int kDefaultQueue = 10000;  // logs in flight per link
constexpr int kDefaultBatch = 100;    // logs per message

// Each element's node comes from `placement` (which counts it there).
// Fails when no node has joined, an element is pinned to a node that is not
// there, or a query output is wired to more than one responder.
Status PlanTopology(const dsl::Topology& topology, const std::string& name, Placement* placement,
                    std::vector<control::ElementPlan>* plans);

}  // namespace datablox
