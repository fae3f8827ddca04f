// The operations' wire names, and reading a message's "op".
#include "runtime/core/control_op.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace datablox::control {
namespace {

constexpr std::array<std::pair<Op, std::string_view>, 52> kOpNames = {{
    {Op::kSubmit, "submit"},
    {Op::kStatus, "status"},
    {Op::kList, "list"},
    {Op::kNodes, "nodes"},
    {Op::kEvents, "events"},
    {Op::kStop, "stop"},
    {Op::kKill, "kill"},
    {Op::kHandler, "handler"},
    {Op::kLogs, "logs"},
    {Op::kShutdown, "shutdown"},
    {Op::kJoin, "join"},
    {Op::kHeartbeat, "heartbeat"},
    {Op::kLeft, "left"},
    {Op::kSpawned, "spawned"},
    {Op::kRestarting, "restarting"},
    {Op::kExited, "exited"},
    {Op::kHandlerReply, "handler_reply"},
    {Op::kLogsReply, "logs_reply"},
    {Op::kHeartbeatAck, "heartbeat_ack"},
    {Op::kSpawn, "spawn"},
    {Op::kConnect, "connect"},
    {Op::kRewire, "rewire"},
    {Op::kDrain, "drain"},
    {Op::kKillElement, "kill_element"},
    {Op::kHello, "hello"},
    {Op::kBound, "bound"},
    {Op::kStarted, "started"},
    {Op::kLinkDone, "link_done"},
    {Op::kStats, "stats"},
    {Op::kEnded, "ended"},
    {Op::kStopped, "stopped"},
    {Op::kFailed, "failed"},
    {Op::kConfigure, "configure"},
    {Op::kBye, "bye"},
    {Op::kScale, "scale"},
    {Op::kReroute, "reroute"},
    {Op::kFenced, "fenced"},
    {Op::kExpectLinks, "expect_links"},
    {Op::kLinksEnded, "links_ended"},
    {Op::kCanAdd, "can_add"},
    {Op::kCanAddReply, "can_add_reply"},
    {Op::kExportState, "export_state"},
    {Op::kStateExported, "state_exported"},
    {Op::kImportState, "import_state"},
    {Op::kStateImported, "state_imported"},
    {Op::kCheckpoints, "checkpoints"},
    {Op::kCheckpoint, "checkpoint"},
    {Op::kCheckpointTaken, "checkpoint_taken"},
    {Op::kCheckpointDone, "checkpoint_done"},
    {Op::kRollback, "rollback"},
    {Op::kDataflow, "dataflow"},
    {Op::kRegistry, "registry"},
}};

}  // namespace

std::string_view OpName(Op op) {
  for (const auto& [each, name] : kOpNames) {
    if (each == op) return name;
  }
  return "";
}

Op OpFromName(std::string_view name) {
  for (const auto& [op, each] : kOpNames) {
    if (each == name) return op;
  }
  return Op::kUnknown;
}

Status ReadOp(const Json& message, Op* op, std::string* name) {
  *op = Op::kUnknown;
  if (name) name->clear();
  if (!message.is_object())
    return Status::Invalid(fmt::format("a message must be an object, found {}", message.type_name()));
  auto it = message.find("op");
  if (it == message.end()) return Status::OK();
  if (!it->is_string()) return Status::Invalid(fmt::format("'op' must be a string, found {}", it->type_name()));
  const std::string& text = it->get_ref<const std::string&>();
  if (name) *name = text;
  *op = OpFromName(text);
  return Status::OK();
}

}  // namespace datablox::control
