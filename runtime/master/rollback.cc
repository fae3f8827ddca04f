// Rolling a checkpointed topology back after a crash (the way Flink
// restarts a job from its last checkpoint): every element goes back to the
// last complete checkpoint at once, in a new epoch.
//
// Why all of them, and not the one that crashed: its upstreams acked (and
// forgot) what it had processed since that checkpoint, so it cannot be fed
// again from there alone; the sources can, from the positions in their
// snapshots. So every element restores its snapshot (a source its
// position, a counter its counts) and the logs since flow again. The epoch
// keeps the lives apart: an input follows only streams of its own epoch,
// so nothing an element sent before the rollback reaches one after it.
//
// Running elements are killed and started again by their caretakers at
// the addresses their peers know (`rollback`). An element that had ended
// after taking the checkpoint (a source that finished) is spawned again,
// and its receivers rewired to it; one that ended before it stays ended,
// and its links stay ended for the others. After a node loss the elements
// moved are rolled back on their new nodes once spawned there (the
// caretaker takes the spawn, then the rollback, in that order).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtime/core/base64.h"
#include "runtime/master/master_daemon.h"

namespace datablox::master {

void Master::RollBack(TopologyRecord& topology, const std::string& why, bool resume) {
  CheckpointCoordinator& coordinator = *topology.checkpoints;
  const uint64_t checkpoint = coordinator.last_complete();
  if (topology.epoch >= control::kMaxEpoch) {
    return FailTopology(topology, fmt::format("{}; no rollback left (epoch {})", why, topology.epoch));
  }
  const uint32_t epoch = ++topology.epoch;
  topology.rollback_waiting.clear();  // this one serves every crash before it
  // Who goes back, with the snapshot each restores ("" for none: its start).
  std::map<std::string, std::string> back;
  for (auto& [name, element] : topology.elements) {
    std::string state;
    Status st = checkpoint == 0 ? Status::NotFound("") : store_->LoadSnapshot(topology.name, checkpoint, name, &state);
    if (!st.ok() && !st.IsNotFound()) {
      return FailTopology(topology, fmt::format("{}; rolling back: {}", why, st.message()));
    }
    const bool in_checkpoint = st.ok();
    const bool ended_after = element.state == ElementState::kEnded && (in_checkpoint || checkpoint == 0);
    const bool stopped = resume && (element.state == ElementState::kStopped || element.state == ElementState::kFailed);
    if (Final(element.state) && !ended_after && !stopped) {
      continue;  // ended before the checkpoint: what it sent is in the cut
    }
    back[name] = Base64Encode(state);
  }
  std::map<std::string, control::Rollback> by_node;
  std::vector<std::string> respawn;
  for (const auto& [name, state] : back) {
    ElementRecord& element = topology.elements.at(name);
    element.plan.epoch = epoch;
    if (Final(element.state)) {
      respawn.push_back(name);
      element.state = ElementState::kPlanned;  // not ended any more: its receivers' links from it are open
    } else {
      element.state = ElementState::kRestarting;
      element.life.Restarting();
    }
  }
  for (const auto& [name, state] : back) {
    ElementRecord& element = topology.elements.at(name);
    std::vector<std::string> ended = InputsFromEnded(topology, element.plan);
    element.ended_links = std::set<std::string>(ended.begin(), ended.end());
    const bool spawn_again = std::find(respawn.begin(), respawn.end(), name) != respawn.end();
    if (spawn_again) {
      auto node = nodes_.find(element.plan.node);
      if (node == nodes_.end() || !node->second.alive) {  // a resume after its node died: a live one
        Placement placement = LiveNodes();
        const std::string to = placement.PlaceMoved(element.plan.node);
        if (to.empty()) return FailTopology(topology, fmt::format("{}: no live node to run '{}' on", why, name));
        element.plan.node = to;
      }
      element.state = ElementState::kSpawned;
      element.exited = false;
      element.confirmed = true;
      element.wired = false;
      element.new_address = true;
      element.endpoints = Json::object();
      element.pid = 0;
      SendToNode(element.plan.node, control::ToJson(control::Spawn{element.plan, std::move(ended),
                                                                   control::Restore{checkpoint, state}}));
    } else {
      control::Rollback& rollback = by_node[element.plan.node];
      rollback.topology = topology.name;
      rollback.epoch = epoch;
      rollback.checkpoint = checkpoint;
      rollback.elements.push_back({topology.name + "/" + name, state, std::move(ended)});
    }
    Save(topology, element);
  }
  for (const auto& [node, rollback] : by_node) SendToNode(node, control::ToJson(rollback));
  const std::string to = checkpoint ? fmt::format("checkpoint {}", checkpoint) : "its start (no checkpoint yet)";
  spdlog::warn("master: {}: {}; {} {} elements {} {} (epoch {})", topology.name, why, resume ? "resuming" : "rolling",
               back.size(), resume ? "from" : "back to", to, epoch);
  Event(topology.name, "", fmt::format("{} {} (epoch {}): {}", resume ? "resumed from" : "rolled back to", to, epoch, why));
}

}  // namespace datablox::master
