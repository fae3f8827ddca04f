// A node gone silent (or left with elements still to run): it is dead, and
// its elements are placed on the live nodes.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

#include "runtime/master/master_daemon.h"

namespace datablox::master {

void Master::CheckNodes() {
  Clock::time_point now = Clock::now();
  const Clock::duration timeout = node_timeout_;
  std::vector<std::string> dead;
  for (auto& [name, node] : nodes_) {
    if (node.alive && now - node.last_seen > timeout) dead.push_back(name);
  }
  for (const std::string& name : dead) {
    NodeDied(name, fmt::format("silent for more than {} s", options_.node_timeout_s));
  }
  // After our own restart: a node that never spoke up again since is as
  // good as dead for the elements the registry placed on it.
  if (now - started_ > timeout) {
    std::set<std::string> unheard;
    for (auto& [tname, t] : topologies_) {
      if (!Active(t.state)) continue;
      for (auto& [ename, e] : t.elements) {
        if (!e.confirmed && !e.exited && !nodes_.count(e.plan.node)) unheard.insert(e.plan.node);
      }
    }
    for (const std::string& node : unheard) NodeDied(node, "not heard from since the master restarted");
  }
}

void Master::NodeDied(const std::string& node_name, const std::string& why) {
  if (auto it = nodes_.find(node_name); it != nodes_.end()) {
    it->second.alive = false;
    it->second.outbox.Clear();  // counted as dropped; a node back is told again from state
  }
  spdlog::warn("master: node '{}' is dead ({}); placing its elements elsewhere", node_name, why);
  Event("", "", fmt::format("node {} dead: {}", node_name, why));
  // One placement for all its elements: each one moved counts on its new
  // node for the next.
  Placement placement = LiveNodes();
  for (auto& [tname, t] : topologies_) {
    if (!Active(t.state)) continue;
    bool moved = false;
    for (auto& [ename, e] : t.elements) {
      if (e.plan.node == node_name && !e.exited) {
        Move(t, e, &placement);
        moved = true;
      }
    }
    // Checkpointed: the moved elements lost their state with the node, the
    // others hold what they got from them since the checkpoint: all go back
    // to it (rollback.cc), the moved ones once spawned on their new nodes.
    if (moved && t.checkpoints && Active(t.state)) RollBack(t, fmt::format("node {} lost", node_name));
    Settle(t);
  }
}

void Master::Move(TopologyRecord& topology, ElementRecord& element, Placement* placement) {
  std::string from = element.plan.node;
  CheckpointLife(topology, element, fmt::format("lost with node {}", from));
  std::string to = placement->PlaceMoved(from);
  if (to.empty()) {
    element.state = ElementState::kFailed;
    element.exited = true;
    element.error = fmt::format("node {} died and no live node is left to run it", from);
    FailTopology(topology,
                 fmt::format("element '{}' ({}): {}", element.plan.name, element.plan.class_name, element.error));
    Save(topology, element);
    return;
  }
  // Its inputs bind new addresses there; its upstreams are rewired once it
  // has them, and their replay of what it never acked is what it resumes
  // from. Inputs that had ended for good stay ended.
  element.plan.node = to;
  element.state = ElementState::kSpawned;
  element.endpoints = Json::object();
  element.wired = false;
  element.confirmed = true;
  element.pid = 0;
  ++element.moves;
  element.last_exit = fmt::format("node {} died", from);
  std::vector<std::string> ended(element.ended_links.begin(), element.ended_links.end());
  SendToNode(to, control::ToJson(control::Spawn{element.plan, std::move(ended), std::nullopt}));
  Event(topology.name, element.plan.name, fmt::format("moved from {} (dead) to {}", from, to));
  Save(topology, element);
}

}  // namespace datablox::master
