// A topology's checkpoints, as the master runs them: started every period
// (TickCheckpoints), a source cued on its node, each element's snapshot
// gathered (CheckpointTaken), lost when an element's life breaks its
// barrier (CheckpointLife), and ended: stored and told to every element
// (CheckpointEnded). The decisions are the CheckpointCoordinator's
// (checkpoint_coordinator.h); the messages are in checkpoint_protocol.h.
//
// Snapshots are kept in the master's registry: it outlives any node (a
// lost node must not take the state it ran with it), a master started
// again reads it back, and every restore is planned by the master anyway.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtime/core/base64.h"
#include "dsl/policy_values.h"
#include "runtime/core/client_replies.h"
#include "runtime/master/master_daemon.h"

namespace datablox::master {
namespace {

// Complete checkpoints whose snapshots stay: the newest is what a restore
// uses; two more in case it cannot be read.
constexpr int kKeepComplete = 3;

// A checkpoint as the registry keeps it, `duration_ms` long (so far, while in progress).
CheckpointRow RowOf(const std::string& topology, const CheckpointProgress& checkpoint, int64_t duration_ms) {
  return {topology,
          checkpoint.id,
          StateName(checkpoint.state),
          checkpoint.started_unix_ms,
          duration_ms,
          checkpoint.bytes,
          checkpoint.elements - static_cast<int>(checkpoint.waiting.size()),
          checkpoint.elements,
          checkpoint.why};
}

control::CheckpointItem ItemOf(const CheckpointRow& row) {
  return {row.id, row.state, row.started_unix_ms, row.duration_ms, row.bytes, row.taken, row.elements, row.why};
}

std::string ElementId(const TopologyRecord& topology, const std::string& element) {
  return topology.name + "/" + element;
}

}  // namespace

void Master::AdoptCheckpoints(TopologyRecord& topology, const dsl::Topology& checked) {
  topology.checkpoints.reset();
  const std::optional<std::chrono::milliseconds> every = dsl::CheckpointEvery(checked);
  if (!every) return;
  // Ids go on from the registry's: a checkpoint id never means two things.
  std::vector<CheckpointRow> rows;
  uint64_t next_id = 1, last_complete = 0;
  if (Status st = store_->LoadCheckpoints(topology.name, &rows); !st.ok()) {
    spdlog::warn("master: {}: {}", topology.name, st.message());
  }
  for (const CheckpointRow& row : rows) {
    next_id = std::max(next_id, row.id + 1);
    if (row.state == "complete") last_complete = row.id;
  }
  topology.checkpoints =
      std::make_shared<CheckpointCoordinator>(*every, next_id, last_complete);
}

void Master::TickCheckpoints() {
  const Clock::time_point now = Clock::now();
  for (auto& [name, topology] : topologies_) {
    if (!topology.checkpoints) continue;
    if (!topology.rollback_waiting.empty() && Active(topology.state) && Readopted(topology)) {
      RollBack(topology, topology.rollback_waiting);
    }
    CheckpointCoordinator& coordinator = *topology.checkpoints;
    if (coordinator.TimedOut(now)) CheckpointEnded(topology);
    // `datablox stop` asked for one now (after the one in progress, if any).
    const bool due = topology.stop_after_checkpoint ? !coordinator.in_progress() : coordinator.Due(now);
    if (topology.state != TopologyState::kRunning || !due) continue;
    // Every element up: one starting or restarting would miss its barrier.
    std::set<std::string> waiting;
    bool all_up = true;
    for (const auto& [element_name, element] : topology.elements) {
      if (Final(element.state)) continue;
      all_up = all_up && element.state == ElementState::kRunning;
      waiting.insert(element_name);
    }
    if (!all_up) continue;  // tried again at the next turn
    const uint64_t id = coordinator.Start(now, UnixMs(), waiting);
    if (!coordinator.in_progress()) {
      CheckpointEnded(topology);  // nothing to wait for
      continue;
    }
    for (const std::string& element_name : waiting) {
      const ElementRecord& element = topology.elements.at(element_name);
      if (!element.plan.push_in.empty()) continue;  // its barriers come on its inputs
      control::StartCheckpoint start;
      start.element = ElementId(topology, element_name);
      start.checkpoint = id;
      if (!SendToNode(element.plan.node, control::ToJson(start))) {
        coordinator.Abandon(fmt::format("{}: its node {} is unreachable", element_name, element.plan.node), now);
        CheckpointEnded(topology);
        break;
      }
    }
  }
}

void Master::CheckpointTaken(TopologyRecord& topology, const ElementRecord& element, control::CheckpointTaken& taken) {
  if (!topology.checkpoints) return;
  std::string snapshot;
  std::optional<std::string> error = taken.error;
  if (!error) {
    Status st = Base64Decode(taken.state, &snapshot);
    if (!st.ok()) error = "its snapshot is not base64: " + st.message();
    else if (snapshot.size() != taken.bytes)
      error = fmt::format("its snapshot has {} bytes, it said {}", snapshot.size(), taken.bytes);
  }
  const auto outcome =
      topology.checkpoints->OnTaken(element.plan.name, taken.checkpoint, std::move(snapshot), error, Clock::now());
  if (outcome == CheckpointCoordinator::Outcome::kComplete || outcome == CheckpointCoordinator::Outcome::kAbandoned) {
    CheckpointEnded(topology);
  }
}

void Master::CheckpointLife(TopologyRecord& topology, const ElementRecord& element, const std::string& what) {
  if (!topology.checkpoints) return;
  const Clock::time_point now = Clock::now();
  if (element.state == ElementState::kEnded) {
    if (topology.checkpoints->OnEnded(element.plan.name, now) == CheckpointCoordinator::Outcome::kComplete) {
      CheckpointEnded(topology);
    }
    return;
  }
  const std::string why = fmt::format("{} {}", element.plan.name, what);
  if (topology.checkpoints->Abandon(why, now)) CheckpointEnded(topology);
  // A crash: its state and what its neighbours saw of it no longer agree.
  // Stopping, failing for good or moving with a lost node does not roll back.
  if (element.state != ElementState::kRestarting || !Active(topology.state)) return;
  if (!Readopted(topology)) {
    // Just started again, and some caretaker has not spoken up yet: a
    // rollback now would not reach its elements (found by killing the
    // master right after an element). TickCheckpoints rolls back once
    // they are all heard from, or their nodes declared lost.
    if (topology.rollback_waiting.empty()) topology.rollback_waiting = why;
    return;
  }
  RollBack(topology, why);
}

void Master::CheckpointEnded(TopologyRecord& topology) {
  CheckpointCoordinator& coordinator = *topology.checkpoints;
  CheckpointProgress* checkpoint = coordinator.current();
  if (!checkpoint || checkpoint->state == CheckpointProgress::State::kInProgress) return;
  CheckpointRow row = RowOf(topology.name, *checkpoint, checkpoint->duration_ms);
  Status st = store_->SaveCheckpoint(row, checkpoint->snapshots, kKeepComplete);
  if (!st.ok() && checkpoint->state == CheckpointProgress::State::kComplete) {
    coordinator.StoreFailed("the registry could not store it: " + st.message());
    row.state = StateName(checkpoint->state);
    row.why = checkpoint->why;
    (void)store_->SaveCheckpoint(row, {}, kKeepComplete);  // its row, at least, if the registry takes it now
  }
  checkpoint->snapshots.clear();  // in the registry now (or never restored from)
  const bool complete = checkpoint->state == CheckpointProgress::State::kComplete;
  if (!complete) {
    spdlog::info("master: {}: checkpoint {} abandoned: {}", topology.name, checkpoint->id, checkpoint->why);
    Event(topology.name, "", fmt::format("checkpoint {} abandoned: {}", checkpoint->id, checkpoint->why));
  }
  if (complete && topology.stop_after_checkpoint) {
    topology.stop_after_checkpoint = false;
    Event(topology.name, "", fmt::format("stopped after checkpoint {} (`datablox resume` starts it from there)",
                                         checkpoint->id));
    StopTopology(topology, TopologyState::kStopped);
    return;
  }
  // Every element hears: a sink commits what it prepared for a complete
  // one; an element still aligning an abandoned one lets its inputs go.
  for (const auto& [element_name, element] : topology.elements) {
    if (Final(element.state)) continue;
    control::CheckpointDone done;
    done.element = ElementId(topology, element_name);
    done.checkpoint = checkpoint->id;
    done.complete = complete;
    SendToNode(element.plan.node, control::ToJson(done));
  }
}

Json Master::Checkpoints(const control::CheckpointsRequest& request) const {
  auto it = topologies_.find(request.topology);
  if (it == topologies_.end()) {
    return Refuse(fmt::format("no topology '{}'", request.topology));
  }
  const TopologyRecord& topology = it->second;
  control::CheckpointsReply reply;
  reply.topology = topology.name;
  if (topology.checkpoints) reply.every_ms = topology.checkpoints->every().count();
  std::vector<CheckpointRow> rows;
  if (Status st = store_->LoadCheckpoints(topology.name, &rows); !st.ok()) {
    return Refuse(st.message());
  }
  for (const CheckpointRow& row : rows) reply.checkpoints.push_back(ItemOf(row));
  if (topology.checkpoints && topology.checkpoints->in_progress()) {
    const CheckpointProgress& now = topology.checkpoints->history().back();
    const auto so_far = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - now.started).count();
    reply.checkpoints.push_back(ItemOf(RowOf(topology.name, now, so_far)));
  }
  return control::ToJson(reply);
}

}  // namespace datablox::master
