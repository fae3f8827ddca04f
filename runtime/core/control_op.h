// The control protocol's operations (control_protocol.h tells who sends
// which to whom): a message is one JSON object whose "op" string is one of
// the wire names below. The wire names are the wire format: never change one.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "datablox/status.h"

namespace datablox::control {

using Json = nlohmann::json;

enum class Op {
  kUnknown,  // an "op" no one sends: the receiver answers or counts it
  // CLI -> master (status and logs also CLI -> caretaker)
  kSubmit,
  kStatus,
  kList,
  kNodes,
  kEvents,
  kStop,
  kKill,
  kHandler,
  kLogs,
  kShutdown,
  // caretaker -> master
  kJoin,
  kHeartbeat,
  kLeft,
  kSpawned,
  kRestarting,
  kExited,
  kHandlerReply,
  kLogsReply,
  // master -> caretaker (stop, shutdown, handler and logs above)
  kHeartbeatAck,
  kSpawn,
  kConnect,
  kRewire,
  kDrain,
  kKillElement,
  // host -> caretaker, most forwarded to the master
  kHello,
  kBound,
  kStarted,
  kLinkDone,
  kStats,
  kEnded,
  kStopped,
  kFailed,
  // caretaker -> host (connect, rewire, drain, handler above)
  kConfigure,
  kBye,
  // shards (shard_messages.cc): CLI -> master, master -> hosts and back
  kScale,
  kReroute,
  kFenced,
  kExpectLinks,
  kLinksEnded,
  kCanAdd,
  kCanAddReply,
  kExportState,
  kStateExported,
  kImportState,
  kStateImported,
  // checkpoints (checkpoint_protocol.h): CLI -> master, master -> hosts and back
  kCheckpoints,
  kCheckpoint,
  kCheckpointTaken,
  kCheckpointDone,
  kRollback,
  kDataflow,
  kRegistry,
};

// The wire name: "submit", "heartbeat_ack", "kill_element", ...
std::string_view OpName(Op op);
// kUnknown for a name no operation has.
Op OpFromName(std::string_view name);
// The "op" of a message: kUnknown (and `name` "") when it has none, an
// Invalid status when it is not a string. `name` (if given) gets the name
// as sent, for an "unknown request 'NAME'" answer.
Status ReadOp(const Json& message, Op* op, std::string* name = nullptr);

}  // namespace datablox::control
