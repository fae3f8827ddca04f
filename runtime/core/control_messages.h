// The control messages between the CLI, the master and the caretakers
// (control_protocol.h tells who sends which to whom, and when): each a
// struct with its operation (kOp) and its codec.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/control_op.h"
#include "runtime/core/element_plan.h"
#include "runtime/core/host_messages.h"

namespace datablox::control {

// ------------------------------------------------------------ CLI -> master

struct Submit {  // a topology to check, place and run
  static constexpr Op kOp = Op::kSubmit;
  std::string file = "topology.topo";  // absolute (errors point into it)
  std::string text;                    // as written
  std::optional<std::string> name;     // else the file's stem
  std::optional<std::vector<std::string>> search_path;
  // {element: {parameter: absolute path}}: kept as JSON, the master checks
  // its shape and answers an error (not a drop) when it is wrong.
  std::optional<Json> absolute_paths;
};
struct StatusRequest {  // to the master: one topology's status; to a caretaker: its own
  static constexpr Op kOp = Op::kStatus;
  std::optional<std::string> topology;
};
struct ListRequest {
  static constexpr Op kOp = Op::kList;
};
struct NodesRequest {
  static constexpr Op kOp = Op::kNodes;
};
struct EventsRequest {
  static constexpr Op kOp = Op::kEvents;
  std::string topology;  // "" for all
  std::optional<int> limit;
};
struct Stop {  // CLI -> master, master -> caretaker: stop a topology's elements now
  static constexpr Op kOp = Op::kStop;
  std::string topology;
};
struct Kill {  // CLI -> master: stop, or drain for up to wait_s first
  static constexpr Op kOp = Op::kKill;
  std::string topology;
  std::optional<double> wait_s;
};
struct Shutdown {  // CLI -> master -> every caretaker: stop everything
  static constexpr Op kOp = Op::kShutdown;
};

// CLI -> master -> caretaker -> host: read (no value) or write a handler.
struct HandlerRequest {
  static constexpr Op kOp = Op::kHandler;
  std::string element;  // "TOPOLOGY/ELEMENT"
  std::string name;
  std::optional<std::string> value;
  std::optional<uint64_t> request;  // set by the master, carried back by the reply
};
// CLI -> master -> caretaker, CLI -> caretaker: the element's stderr tail.
struct LogsRequest {
  static constexpr Op kOp = Op::kLogs;
  std::string element;
  std::optional<int> lines;  // the caretaker's default: kDefaultLogLines
  std::optional<uint64_t> request;
};
inline constexpr int kDefaultLogLines = 50;

// ------------------------------------------------------------ caretaker -> master

// A caretaker's figures of its node; what is absent keeps the master's last.
struct NodeFigures {
  std::optional<int> cores;
  std::optional<uint64_t> memory_mb;
  std::optional<std::string> address;  // the address its elements bind
  std::optional<double> cpu_percent;
  std::optional<uint64_t> memory_used_mb;
};
struct OutboxFigures {  // messages a full queue held back (sent later) or lost
  uint64_t waiting = 0, deferred = 0, dropped = 0;
};
Json ToJson(const OutboxFigures& figures);
Status FromJson(const Json& json, OutboxFigures* figures);

struct Join {
  static constexpr Op kOp = Op::kJoin;
  std::string node;
  NodeFigures figures;
  std::optional<int> pid;
};
struct Left {
  static constexpr Op kOp = Op::kLeft;
  std::string node;
};
// One element a caretaker runs, as its heartbeat tells it.
struct RunningElement {
  std::string element;
  int pid = 0;
  std::string state;  // the caretaker's: "starting", "running", "backoff", ...
  int restarts = 0;
  std::string last_exit;
  std::optional<double> cpu_percent;
  std::optional<uint64_t> rss_bytes;
  std::optional<double> age_s;
  Endpoints endpoints;
  std::vector<std::string> ended_links;
};
// An element's process is gone for good (no restart follows).
struct Exited {
  static constexpr Op kOp = Op::kExited;
  std::string element;
  std::string node;
  int pid = 0;
  int restarts = 0;
  std::string last_exit;
  bool stopped = false;       // its caretaker asked it to go: not a failure
  bool said_ended = false;    // its last word was "ended" (that word may be lost)
  std::optional<int> code;    // exit status, when it exited
  std::optional<int> signal;  // when a signal killed it
};
struct Heartbeat {
  static constexpr Op kOp = Op::kHeartbeat;
  std::string node;
  NodeFigures figures;
  std::vector<RunningElement> elements;
  std::vector<Exited> finished;  // exits told again for a while
  std::optional<uint64_t> malformed;
  std::optional<OutboxFigures> to_master;
};
struct Spawned {
  static constexpr Op kOp = Op::kSpawned;
  std::string element;
  int pid = 0;
  std::string node;
  int restarts = 0;
};
struct Restarting {
  static constexpr Op kOp = Op::kRestarting;
  std::string element;
  std::string node;
  std::optional<int> restarts;  // the master counts one more when absent
  std::string last_exit;
  std::optional<int64_t> delay_ms;
};

// ------------------------------------------------------------ master -> caretaker

struct HeartbeatAck {
  static constexpr Op kOp = Op::kHeartbeatAck;
};
struct Spawn {
  static constexpr Op kOp = Op::kSpawn;
  ElementPlan plan;
  std::optional<std::vector<std::string>> ended_links;  // placed again: inputs ended for good
  std::optional<Restore> restore;                       // a rollback: the snapshot to restore before start()
};
struct Connect {  // master -> caretaker -> host: where the element's outputs go
  static constexpr Op kOp = Op::kConnect;
  std::string element;
  ElementPlan plan;  // with every output link's endpoint filled
};
struct Rewire {  // master -> caretaker -> host: receivers that moved
  static constexpr Op kOp = Op::kRewire;
  std::string element;
  std::map<std::string, std::string> links;  // link id -> its receiver's new address
  // Query link id -> its responder's new stream server (a class that serves
  // streams, stream.h): absent for the others.
  std::map<std::string, std::string> stream_links;
};
struct Drain {  // master -> caretaker -> host: sources stop; END flows downstream
  static constexpr Op kOp = Op::kDrain;
  std::string topology;
};
struct KillElement {  // a copy on a node it was moved away from
  static constexpr Op kOp = Op::kKillElement;
  std::string element;
};

// ------------------------------------------------------------ codecs
// ToJson includes "op" (Type::kOp). FromJson reads the fields (it does not
// check "op": the receiver dispatched on it) and names the first bad one:
// "heartbeat: 'cores' must be an int, found string".

#define DATABLOX_CONTROL_MESSAGE(Type) \
  Json ToJson(const Type& message);    \
  Status FromJson(const Json& json, Type* message);
DATABLOX_CONTROL_MESSAGE(Submit)
DATABLOX_CONTROL_MESSAGE(StatusRequest)
DATABLOX_CONTROL_MESSAGE(ListRequest)
DATABLOX_CONTROL_MESSAGE(NodesRequest)
DATABLOX_CONTROL_MESSAGE(EventsRequest)
DATABLOX_CONTROL_MESSAGE(Stop)
DATABLOX_CONTROL_MESSAGE(Kill)
DATABLOX_CONTROL_MESSAGE(Shutdown)
DATABLOX_CONTROL_MESSAGE(HandlerRequest)
DATABLOX_CONTROL_MESSAGE(LogsRequest)
DATABLOX_CONTROL_MESSAGE(Join)
DATABLOX_CONTROL_MESSAGE(Left)
DATABLOX_CONTROL_MESSAGE(RunningElement)
DATABLOX_CONTROL_MESSAGE(Exited)
DATABLOX_CONTROL_MESSAGE(Heartbeat)
DATABLOX_CONTROL_MESSAGE(Spawned)
DATABLOX_CONTROL_MESSAGE(Restarting)
DATABLOX_CONTROL_MESSAGE(HeartbeatAck)
DATABLOX_CONTROL_MESSAGE(Spawn)
DATABLOX_CONTROL_MESSAGE(Connect)
DATABLOX_CONTROL_MESSAGE(Rewire)
DATABLOX_CONTROL_MESSAGE(Drain)
DATABLOX_CONTROL_MESSAGE(KillElement)
#undef DATABLOX_CONTROL_MESSAGE

}  // namespace datablox::control
