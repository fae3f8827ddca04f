// The checkpoint messages a caretaker passes on (checkpoint_protocol.h).
// Down, from the master to a host: checkpoint (a source's cue; answered
// for the host, with an error, when it is not up to take it: the master
// abandons that checkpoint at once instead of waiting it out) and
// checkpoint_done. Up, stamped with who sent it: checkpoint_taken.
#include <spdlog/spdlog.h>

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
  if (op == Op::kCheckpointDone) {
    return Decoded<control::CheckpointDone>(kFrom, message, [&](control::CheckpointDone& done) {
      auto process = processes_.find(done.element);
      // A host that is not up has nothing prepared for it: dropped.
      if (process != processes_.end() && process->second.pid > 0) SendToHost(process->second, control::ToJson(done));
    });
  }
}

void Caretaker::CheckpointFromHost(HostProcess& p, const control::ForwardedBy& via, const Json& message) {
  Decoded<control::CheckpointTaken>("a host", message, [&](control::CheckpointTaken& taken) { Forward(p, via, taken); });
}

}  // namespace datablox
