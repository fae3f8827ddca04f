// What the master tells a caretaker: run an element (spawn), wire it
// (connect, rewire), ask it (handler, logs), end it (drain, stop,
// kill_element), and shut the node down. Each message is decoded into its
// control_protocol.h struct; what goes on to a host is built from structs.
#include <spdlog/spdlog.h>

#include "runtime/caretaker/caretaker_impl.h"
#include "runtime/caretaker/wiring.h"

namespace datablox {

using control::Op;

void Caretaker::FromMaster(const Json& message) {
  Op op;
  if (Status st = control::ReadOp(message, &op); !st.ok()) return Malformed("the master", st);
  constexpr const char* kFrom = "the master";
  switch (op) {
    case Op::kSpawn: return Decoded<control::Spawn>(kFrom, message, [&](control::Spawn& spawn) { NewElement(spawn); });
    case Op::kConnect:
      return Decoded<control::Connect>(kFrom, message, [&](control::Connect& connect) {
        auto process = processes_.find(connect.element);
        if (process == processes_.end()) {
          spdlog::warn("caretaker '{}': no element '{}' to connect", options_.node, connect.element);
          return;
        }
        HostProcess& p = process->second;
        p.connect = connect;
        if (p.pid > 0 && !SendToHost(p, control::ToJson(connect))) {
          spdlog::debug("caretaker '{}': '{}' is not up to take 'connect'; it gets it when it is", options_.node, p.id);
        }
      });
    case Op::kRewire:
      return Decoded<control::Rewire>(kFrom, message, [&](control::Rewire& rewire) {
        auto process = processes_.find(rewire.element);
        if (process == processes_.end()) {
          spdlog::warn("caretaker '{}': no element '{}' to rewire", options_.node, rewire.element);
          return;
        }
        HostProcess& p = process->second;
        if (p.connect) ApplyRewire(rewire, &*p.connect);  // a restart later must reach the receiver where it is now
        if (p.pid > 0 && !SendToHost(p, control::ToJson(rewire))) {
          spdlog::debug("caretaker '{}': '{}' is not up to take 'rewire'; it gets it when it is", options_.node, p.id);
        }
      });
    case Op::kHandler:
      return Decoded<control::HandlerRequest>(kFrom, message, [&](control::HandlerRequest& request) {
        auto process = processes_.find(request.element);
        if (process == processes_.end() || !SendToHost(process->second, control::ToJson(request))) {
          control::HandlerReply reply;
          reply.element = request.element;
          reply.request = request.request.value_or(0);
          reply.error = "element not running";
          master_->Send(reply);
        }
      });
    case Op::kLogs:
      return Decoded<control::LogsRequest>(kFrom, message, [&](control::LogsRequest& request) {
        control::LogsReply reply;
        reply.element = request.element;
        reply.request = request.request.value_or(0);
        reply.lines = StderrLines(request.element, request.lines.value_or(control::kDefaultLogLines));
        master_->Send(reply);
      });
    case Op::kDrain:
      return Decoded<control::Drain>(kFrom, message, [&](control::Drain& drain) {
        for (const auto& [id, p] : processes_) {
          if (p.topology == drain.topology) SendToHost(p, control::ToJson(drain));
        }
      });
    case Op::kStop:
      return Decoded<control::Stop>(kFrom, message, [&](control::Stop& stop) { StopHosts(stop.topology); });
    case Op::kKillElement:
      return Decoded<control::KillElement>(kFrom, message, [&](control::KillElement& kill) {
        // Placed elsewhere while this node was away: this copy must go.
        if (auto process = processes_.find(kill.element); process != processes_.end()) StopHost(process->second);
      });
    case Op::kShutdown: return RequestCaretakerShutdown();
    case Op::kReroute:
    case Op::kExpectLinks:
    case Op::kLinksEnded:
    case Op::kCanAdd:
    case Op::kExportState:
    case Op::kImportState: return ShardFromMaster(op, message);  // shard_relay.cc
    case Op::kCheckpoint:
    case Op::kCheckpointDone:
    case Op::kRollback: return CheckpointFromMaster(op, message);  // checkpoint_relay.cc
    default: return;  // heartbeat_ack: hearing from the master is all it says
  }
}

void Caretaker::NewElement(control::Spawn& spawn) {
  std::string id = spawn.plan.topology + "/" + spawn.plan.name;
  if (processes_.count(id)) {
    spdlog::warn("caretaker '{}': '{}' is running already", options_.node, id);
    return;
  }
  finished_.erase(id);
  HostProcess& p = processes_[id];
  p.id = id;
  p.topology = spawn.plan.topology;
  p.restart = RestartRulesOf(spawn.plan);
  // Classes only from the folders this node allows, whatever the plan says.
  std::vector<std::string> refused;
  spawn.plan.search_path = class_folders_.SearchPath(spawn.plan.search_path, &refused);
  for (const std::string& folder : refused) {
    spdlog::warn("caretaker '{}': '{}': class folder {} is not allowed here (allowed: {}; --class-path)", options_.node,
                 id, folder, class_folders_.Describe());
  }
  p.plan = std::move(spawn.plan);
  if (spawn.ended_links) p.ended_links.insert(spawn.ended_links->begin(), spawn.ended_links->end());
  p.first_started = Clock::now();
  Spawn(p);
}

}  // namespace datablox
