// Turns a checked topology into one plan per element: which node runs it,
// which links come in and go out of each port, with their windows (the
// queue policy, in logs) and batch sizes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "datablox/status.h"
#include "dsl/topology.h"
#include "runtime/core/control_protocol.h"
#include "runtime/master/placement.h"

namespace datablox {

constexpr int kDefaultQueue = 10000;  // logs in flight per link
// Logs per message. Each message costs its sender and receiver a few
// syscalls and wake-ups of their ZeroMQ threads (~40 us of CPU in all on a
// 2-core VM): at 100 logs that was half of what a log cost beyond its
// element's own work at 400k logs/s; at 1000 it is a tenth. A batch is also
// sent at 256 KiB (runtime/host/out_link.h), and a partial one after 5 ms.
constexpr int kDefaultBatch = 1000;

// What a running topology's shards are now: their members and tables.
// A plan made with a layout is the plan of the topology as it has grown or
// shrunk; one made without starts every shard with its minimum of members.
struct ShardLayout {
  std::vector<int> members;   // member ids, ascending
  control::ShardRoute route;  // owners, held groups and version (hash routing)
};
using ShardLayouts = std::map<std::string, ShardLayout, std::less<>>;

// Each element's node comes from `placement` (which counts it there), or,
// for an element in `nodes` (a running topology's), stays where it is.
// Fails when no node has joined, an element is pinned to a node that is not
// there, or a query output is wired to a shard and to another responder
// (several elements, no shard among them, are asked each by its link).
Status PlanTopology(const dsl::Topology& topology, const std::string& name, Placement* placement,
                    std::vector<control::ElementPlan>* plans, const ShardLayouts* layouts = nullptr,
                    const std::map<std::string, std::string>* nodes = nullptr);
// The layout a plan made without one starts with.
ShardLayouts FirstLayouts(const dsl::Topology& topology);

}  // namespace datablox
