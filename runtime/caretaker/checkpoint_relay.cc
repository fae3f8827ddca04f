// The checkpoint messages a caretaker passes on (checkpoint_protocol.h).
// Down, from the master to a host: checkpoint (a source's cue; answered
// for the host, with an error, when it is not up to take it: the master
// abandons that checkpoint at once instead of waiting it out) and
// checkpoint_done. Up, stamped with who sent it: checkpoint_taken.
//
// And the caretaker's part in a rollback: a crashed element of a
// checkpointed topology is not restarted alone (its state and its
// neighbours' would disagree); the caretaker says `restarting` and waits
// for the master's `rollback`, which kills and starts again every element
// of the topology, each restoring its snapshot.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>

#include "runtime/caretaker/caretaker_impl.h"

namespace datablox {

using control::Op;

void Caretaker::CheckpointFromMaster(Op op, const Json& message) {
  constexpr const char* kFrom = "the master";
  if (op == Op::kCheckpoint) {
    return Decoded<control::StartCheckpoint>(kFrom, message, [&](control::StartCheckpoint& start) {
      auto process = processes_.find(start.element);
      if (process != processes_.end() && process->second.pid > 0 &&
          SendToHost(process->second, control::ToJson(start))) {
        return;
      }
      control::CheckpointTaken refused;
      refused.element = start.element;
      refused.checkpoint = start.checkpoint;
      refused.error = "element not running";
      master_->Send(refused);
    });
  }
  if (op == Op::kRollback) {
    return Decoded<control::Rollback>(kFrom, message, [&](control::Rollback& rollback) { RollBack(rollback); });
  }
  if (op == Op::kCheckpointDone) {
    return Decoded<control::CheckpointDone>(kFrom, message, [&](control::CheckpointDone& done) {
      auto process = processes_.find(done.element);
      // A host that is not up has nothing prepared for it: dropped.
      if (process != processes_.end() && process->second.pid > 0) SendToHost(process->second, control::ToJson(done));
    });
  }
}

// The master rolls back within its round trip. It is waited for however
// long it is away: started alone from an older snapshot, the element would
// count again what its upstreams had acked since and drop the rest. A
// master that missed our `restarting` (killed before it read it) sees it in
// our heartbeats and rolls back once it is up again.
void Caretaker::AwaitRollback(HostProcess& p, const RestartDecision& decision) {
  BackOff(p, decision, Clock::time_point::max());
  p.awaiting_rollback = true;
  spdlog::warn("[{}] {}; the master rolls its topology back to its last checkpoint (restart {})", p.id, p.last_exit,
               p.restarts);
  p.stderr_tail.Note(fmt::format("--- datablox: {} {}; rollback awaited ---", p.id, p.last_exit));
  master_->Send(control::Restarting{p.id, options_.node, p.restarts, p.last_exit, 0});
}

void Caretaker::RollBack(const control::Rollback& rollback) {
  for (const control::RollbackElement& element : rollback.elements) {
    auto process = processes_.find(element.element);
    if (process == processes_.end() || process->second.stopping) {
      spdlog::warn("caretaker '{}': rollback of '{}': not running here", options_.node, element.element);
      continue;
    }
    HostProcess& p = process->second;
    p.plan.epoch = rollback.epoch;
    if (p.connect) p.connect->plan.epoch = rollback.epoch;
    p.ended_links = std::set<std::string>(element.ended_links.begin(), element.ended_links.end());
    p.restore = control::Restore{rollback.checkpoint, element.state};
    p.awaiting_rollback = false;
    if (p.pid > 0) {
      p.rolling_back = true;  // started again once reaped (Reap)
      ::kill(-p.pid, SIGKILL);
    } else {
      ++p.restarts;
      Spawn(p);  // crashed, waiting for this
    }
  }
  spdlog::info("caretaker '{}': {} rolled back to checkpoint {} (epoch {}), {} elements here", options_.node,
               rollback.topology, rollback.checkpoint, rollback.epoch, rollback.elements.size());
}

void Caretaker::CheckpointFromHost(HostProcess& p, const control::ForwardedBy& via, const Json& message) {
  Decoded<control::CheckpointTaken>("a host", message, [&](control::CheckpointTaken& taken) { Forward(p, via, taken); });
}

}  // namespace datablox
