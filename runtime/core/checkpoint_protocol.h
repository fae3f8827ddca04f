// The checkpoint messages (control_protocol.h tells the conventions).
//
// A checkpoint of a topology, in the order of its life:
//   master -> caretaker -> each element without push inputs (its sources):
//     checkpoint {element, checkpoint}. It snapshots its state between two
//     hooks and sends a barrier on every push output (wire.h).
//   Every other element snapshots once the barrier came on all its open
//   inputs (runtime/host/barrier_aligner.h), and passes it on.
//   host -> caretaker -> master: checkpoint_taken {element, checkpoint,
//     state (base64), bytes} or with an error.
//   master -> caretaker -> every element: checkpoint_done {element,
//     checkpoint, complete}: complete once every element took it (and the
//     master stored the snapshots); else abandoned (an element failed, restarted
//     or was too slow), and nothing waits for it any more.
//   CLI -> master: checkpoints {topology}: the reply lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/control_op.h"
#include "runtime/core/host_messages.h"

namespace datablox::control {

// A snapshot bigger than this fails its checkpoint: it rides in one control
// message, and the master keeps it in its registry.
inline constexpr size_t kMaxSnapshotBytes = 64u << 20;

struct StartCheckpoint {
  static constexpr Op kOp = Op::kCheckpoint;
  std::string element;  // "TOPOLOGY/ELEMENT"
  uint64_t checkpoint = 0;
};
struct CheckpointTaken {
  static constexpr Op kOp = Op::kCheckpointTaken;
  std::string element;
  uint64_t checkpoint = 0;
  std::string state;  // base64 of the bytes snapshot() wrote
  uint64_t bytes = 0;
  std::optional<std::string> error;
  std::optional<ForwardedBy> via;
};
struct CheckpointDone {
  static constexpr Op kOp = Op::kCheckpointDone;
  std::string element;
  uint64_t checkpoint = 0;
  bool complete = false;
};

// master -> caretaker: roll these elements of a topology back to checkpoint
// `checkpoint` (0: to their start), in a new epoch. The caretaker kills
// their hosts (whatever they are doing) and starts them again at the same
// addresses, each restoring its snapshot before start() (Configure's
// `restore`), its plan's epoch set, and with `ended_links` as the inputs
// whose senders stay ended.
struct RollbackElement {
  std::string element;  // "TOPOLOGY/ELEMENT"
  std::string state;    // base64 of its snapshot; "" for none
  std::vector<std::string> ended_links;
};
struct Rollback {
  static constexpr Op kOp = Op::kRollback;
  std::string topology;
  uint32_t epoch = 0;
  uint64_t checkpoint = 0;
  std::vector<RollbackElement> elements;
};
// CLI -> master (the reply, CheckpointsReply, is in client_replies.h).
struct CheckpointsRequest {
  static constexpr Op kOp = Op::kCheckpoints;
  std::string topology;
};
// CLI -> master: `datablox stop` (a checkpoint, then the topology stops)
// and `datablox resume` (a stopped topology starts again from its last
// complete checkpoint). Answered with a DataflowReply (client_replies.h).
struct DataflowRequest {
  static constexpr Op kOp = Op::kDataflow;
  std::string topology;
  std::string action;  // "stop" or "resume"
};
// CLI -> master: `datablox registry dump`, answered with a RegistryReply.
struct RegistryRequest {
  static constexpr Op kOp = Op::kRegistry;
};

#define DATABLOX_CONTROL_MESSAGE(Type) \
  Json ToJson(const Type& message);    \
  Status FromJson(const Json& json, Type* message);
DATABLOX_CONTROL_MESSAGE(StartCheckpoint)
DATABLOX_CONTROL_MESSAGE(CheckpointTaken)
DATABLOX_CONTROL_MESSAGE(CheckpointDone)
DATABLOX_CONTROL_MESSAGE(CheckpointsRequest)
DATABLOX_CONTROL_MESSAGE(DataflowRequest)
DATABLOX_CONTROL_MESSAGE(RegistryRequest)
DATABLOX_CONTROL_MESSAGE(RollbackElement)
DATABLOX_CONTROL_MESSAGE(Rollback)
#undef DATABLOX_CONTROL_MESSAGE

}  // namespace datablox::control
