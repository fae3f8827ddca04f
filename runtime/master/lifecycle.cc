// A topology's end: failed by an element, stopped on request, or settled
// (done, or stopped after a drain) once every element has exited.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

#include "runtime/master/master_daemon.h"

namespace datablox::master {

void Master::FailTopology(TopologyRecord& topology, const std::string& why) {
  if (topology.state == TopologyState::kFailed || topology.state == TopologyState::kStopped) return;
  if (topology.failure.empty()) topology.failure = why;
  spdlog::info("{}: {}", topology.name, why);  // the client reports it to the user
  Event(topology.name, "", "failed: " + why);
  StopTopology(topology, TopologyState::kFailed);
}

void Master::StopTopology(TopologyRecord& topology, TopologyState final_state) {
  topology.state = final_state;
  std::set<std::string> nodes;
  for (const auto& [name, e] : topology.elements) nodes.insert(e.plan.node);
  for (const std::string& node : nodes) SendToNode(node, control::ToJson(control::Stop{topology.name}));
  Save(topology);
  // Elements on a node that is gone will never say they exited.
  for (auto& [name, e] : topology.elements) {
    auto node = nodes_.find(e.plan.node);
    if (!e.exited && (node == nodes_.end() || !node->second.alive)) {
      e.exited = true;
      if (!Final(e.state)) e.state = ElementState::kStopped;
      Save(topology, e);
    }
  }
  Settle(topology);
}

void Master::Settle(TopologyRecord& topology) {
  for (const auto& [name, e] : topology.elements) {
    if (!e.exited) return;
  }
  TopologyState before = topology.state;
  if (topology.state == TopologyState::kStopping) {
    topology.state = TopologyState::kStopped;  // drained before its deadline
  } else if (topology.state == TopologyState::kStarting || topology.state == TopologyState::kRunning) {
    topology.state = TopologyState::kDone;
    spdlog::debug("master: topology '{}' done", topology.name);
  }
  if (topology.state != before) {
    Save(topology);
    Event(topology.name, "", StateName(topology.state));
  }
}

}  // namespace datablox::master
