// What the caretakers tell the master: a node joining, heartbeating and
// leaving, the replies to relayed requests, and each element's life
// (spawned, bound, started, stats, link_done, restarting, ended, stopped,
// failed, exited).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "runtime/core/client_replies.h"
#include "runtime/master/master_daemon.h"

namespace datablox::master {
namespace {

int PidOf(const std::optional<control::ForwardedBy>& via) { return via ? via->pid : 0; }

// The host's figures of a new sample: rates and shares between the last two.
void TakeStats(ElementRecord& element, const Json& stats) {
  if (element.stats.contains("started_unix_ms") &&
      stats.value("started_unix_ms", int64_t{0}) != element.stats.value("started_unix_ms", int64_t{0})) {
    // A new life: its counters start again; the totals keep the old ones.
    element.earlier_in += element.stats.value("logs_in", uint64_t{0});
    element.earlier_out += element.stats.value("logs_out", uint64_t{0});
    element.stats = Json::object();
  }
  if (element.stats.contains("time_ms")) {
    double dt = (stats.value("time_ms", 0.0) - element.stats.value("time_ms", 0.0)) / 1000.0;
    if (dt > 0) {
      element.in_rate = (stats.value("logs_in", 0.0) - element.stats.value("logs_in", 0.0)) / dt;
      element.out_rate = (stats.value("logs_out", 0.0) - element.stats.value("logs_out", 0.0)) / dt;
      element.blocked_share = std::clamp(
          (stats.value("blocked_ms", 0.0) - element.stats.value("blocked_ms", 0.0)) / (dt * 1000.0), 0.0, 1.0);
      element.busy_share =
          std::clamp((stats.value("busy_ms", 0.0) - element.stats.value("busy_ms", 0.0)) / (dt * 1000.0), 0.0, 1.0);
    }
  }
  element.stats = stats;
}

}  // namespace

// ------------------------------------------------------------ nodes

void Master::NodeSeen(const std::string& peer, const std::string& node_name, const control::NodeFigures& figures) {
  NodeRecord& node = nodes_[node_name];
  bool back = !node.alive;
  bool joined = node.name.empty();
  node.name = node_name;
  node.peer = peer;
  node.cores = std::max(1, figures.cores.value_or(node.cores));
  node.memory_mb = figures.memory_mb.value_or(node.memory_mb);
  node.address = figures.address.value_or(node.address);
  node.cpu_percent = figures.cpu_percent.value_or(node.cpu_percent);
  node.memory_used_mb = figures.memory_used_mb.value_or(node.memory_used_mb);
  node.last_seen = Clock::now();
  node.alive = true;
  if (joined || back) {
    spdlog::debug("master: node '{}' {} ({} cores)", node_name, back ? "is back" : "joined", node.cores);
    Event("", "", fmt::format("node {} {}", node_name, back ? "is back" : "joined"));
  }
}

void Master::Left(const std::string& peer, const std::string& node_name) {
  if (auto it = nodes_.find(node_name); it != nodes_.end() && it->second.peer != peer) return;  // not its current life
  // A caretaker shutting down stops its elements first; one that leaves
  // with elements still to run is a node lost like any other.
  bool stranded = false;
  for (const auto& [tname, t] : topologies_) {
    for (const auto& [ename, e] : t.elements)
      stranded = stranded || (Active(t.state) && e.plan.node == node_name && !e.exited);
  }
  if (auto it = nodes_.find(node_name); it != nodes_.end() && it->second.alive && stranded) NodeDied(node_name, "left");
  nodes_.erase(node_name);
}

void Master::Heartbeat(NodeRecord& node, const control::Heartbeat& message) {
  SendToNode(node.name, control::ToJson(control::HeartbeatAck{}), "heartbeat_ack");
  if (message.to_master) node.to_master = control::ToJson(*message.to_master);
  for (const control::RunningElement& running : message.elements) {
    const std::string& id = running.element;
    TopologyRecord* topology = nullptr;
    ElementRecord* element = Find(id, &topology);
    if (!element || element->plan.node != node.name || !Active(topology->state) || element->exited) {
      // Unknown here, moved away while this node was silent, or of a
      // topology that ended while we were down: it must not go on.
      if (!element || element->plan.node != node.name || !Active(topology->state)) {
        SendToNode(node.name, control::ToJson(control::KillElement{id}));
      }
      continue;
    }
    // A checkpointed element that crashed and waits for its rollback, the
    // crash unheard (its `restarting` died with an earlier life of ours):
    // heard now, or the wait would never end.
    const bool crash_unheard = topology->checkpoints && running.state == "restarting" &&
                               (!element->confirmed || element->state == ElementState::kRunning);
    if (!element->confirmed) {
      // Re-adopted after our own restart: the element never stopped.
      element->confirmed = true;
      element->pid = running.pid;
      if (running.state == "running") element->state = ElementState::kRunning;
      else if (running.state == "restarting") element->state = ElementState::kRestarting;
      else if (running.state == "ended") element->state = ElementState::kEnded;
      if (element->endpoints.empty()) element->endpoints = Json(running.endpoints);
      element->wired = true;
      Event(topology->name, element->plan.name, fmt::format("re-adopted on {} (pid {})", node.name, element->pid));
    }
    element->restarts = std::max(element->restarts, running.restarts);
    if (!running.last_exit.empty()) element->last_exit = running.last_exit;
    element->ended_links.insert(running.ended_links.begin(), running.ended_links.end());
    if (crash_unheard) {
      element->state = ElementState::kRestarting;
      CheckpointLife(*topology, *element, "found waiting for a rollback");  // rolls back, now or once all are heard
    }
    Save(*topology, *element);
  }
  // Exits the caretaker tells again: one we missed while down counts now.
  for (const control::Exited& exit : message.finished) {
    TopologyRecord* topology = nullptr;
    ElementRecord* element = Find(exit.element, &topology);
    if (!element || element->plan.node != node.name || element->exited) continue;
    Exited(*topology, *element, exit);
    Settle(*topology);
  }
}

void Master::Reply(const Json& reply, uint64_t request) {
  auto waiter = waiters_.find(request);
  if (waiter == waiters_.end()) return;
  control::SendTo(*socket_, waiter->second, reply);
  waiters_.erase(waiter);
}

// ------------------------------------------------------------ elements

ElementRecord* Master::Heard(const std::string& node_name, const std::string& id, int pid, const Json* stats,
                             bool exited, TopologyRecord** topology) {
  ElementRecord* element = Find(id, topology);
  if (!element) return nullptr;  // a topology that was removed meanwhile
  if (element->plan.node != node_name) {
    // A copy on a node it was moved away from (that node was declared dead
    // and came back): it must go, and nothing it says counts.
    if (!exited) SendToNode(node_name, control::ToJson(control::KillElement{id}));
    return nullptr;
  }
  if (pid > 0) element->pid = pid;
  if (stats) TakeStats(*element, *stats);
  return element;
}

void Master::FromElement(const std::string& node_name, control::Op op, const Json& message, const std::string& peer) {
  using control::Op;
  TopologyRecord* topology = nullptr;
  ElementRecord* element = nullptr;
  switch (op) {
    case Op::kHandlerReply: {
      control::HandlerReply reply;
      if (!Decode(peer, message, &reply)) return;
      Reply(control::ToClientJson(reply), reply.request);
      return;
    }
    case Op::kLogsReply: {
      control::LogsReply reply;
      if (!Decode(peer, message, &reply)) return;
      Reply(control::ToClientJson(reply), reply.request);
      return;
    }
    case Op::kSpawned: {
      control::Spawned m;
      if (!Decode(peer, message, &m) || !(element = Heard(node_name, m.element, m.pid, nullptr, false, &topology)))
        return;
      element->restarts = std::max(element->restarts, m.restarts);
      element->confirmed = true;
      Save(*topology, *element);
      break;
    }
    case Op::kBound: {
      control::Bound m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), nullptr, false, &topology)))
        return;
      element->endpoints = Json(m.endpoints);
      element->state = ElementState::kBound;
      ShardLife(*topology, *element, shards::EventKind::kMemberBound, shards::EventKind::kSenderRestarted);
      if (m.restarted.value_or(false)) {
        // Its caretaker wired it from our last word; only upstreams need to
        // hear if an address changed (the old one was taken meanwhile).
        element->wired = true;
        RewireUpstreams(*topology, element->plan.name);
      } else if (element->moves > 0 || element->new_address) {
        element->new_address = false;
        RewireUpstreams(*topology, element->plan.name);
      }
      Wire(*topology);
      Save(*topology, *element);
      break;
    }
    case Op::kStarted: {
      control::Started m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), nullptr, false, &topology)))
        return;
      element->state = ElementState::kRunning;
      element->started = Clock::now();
      ShardLife(*topology, *element,
                element->life.StartedAgain() ? shards::EventKind::kMemberRestarted : shards::EventKind::kMemberStarted,
                shards::EventKind::kSenderRestarted);
      element->error.clear();  // an earlier life's failure is history now (last_exit, events)
      bool all = true;
      for (const auto& [n, e] : topology->elements)
        all = all && e.state != ElementState::kSpawned && e.state != ElementState::kBound;
      if (all && topology->state == TopologyState::kStarting) {
        topology->state = TopologyState::kRunning;
        Save(*topology);
      }
      Save(*topology, *element);
      break;
    }
    case Op::kLinkDone: {
      control::LinkDone m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), nullptr, false, &topology)))
        return;
      element->ended_links.insert(m.link);
      Save(*topology, *element);
      break;
    }
    case Op::kStats: {
      control::StatsReport m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), &m.stats, false, &topology)))
        return;
      break;
    }
    case Op::kRestarting: {
      control::Restarting m;
      if (!Decode(peer, message, &m) || !(element = Heard(node_name, m.element, 0, nullptr, false, &topology))) return;
      element->state = ElementState::kRestarting;
      element->restarts = m.restarts.value_or(element->restarts + 1);
      element->life.Restarting();
      ShardLife(*topology, *element, shards::EventKind::kMemberCrashed, shards::EventKind::kSenderCrashed);
      element->last_exit = m.last_exit;
      CheckpointLife(*topology, *element, "restarted: " + m.last_exit);
      Event(topology->name, element->plan.name,
            fmt::format("{}; restart {} on {}", element->last_exit, element->restarts, node_name));
      Save(*topology, *element);
      break;
    }
    case Op::kEnded: {
      control::Ended m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), &m.stats, false, &topology)))
        return;
      const bool first_word = element->state != ElementState::kEnded;
      element->state = ElementState::kEnded;
      Save(*topology, *element);
      if (first_word) SenderEnded(*topology, *element);
      if (first_word) CheckpointLife(*topology, *element, "ended");
      break;
    }
    case Op::kStopped: {
      control::Stopped m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), &m.stats, false, &topology)))
        return;
      element->state = ElementState::kStopped;
      Save(*topology, *element);
      CheckpointLife(*topology, *element, "stopped");
      break;
    }
    case Op::kFailed: {
      control::Failed m;
      if (!Decode(peer, message, &m)) return;
      element = Heard(node_name, m.element, PidOf(m.via), m.stats ? &*m.stats : nullptr, false, &topology);
      if (!element) return;
      element->error = m.error;
      CheckpointLife(*topology, *element, "failed: " + m.error);
      if (m.will_restart.value_or(false)) {
        element->state = ElementState::kRestarting;  // restart policy "always": its caretaker brings it back
      } else {
        element->state = ElementState::kFailed;
        FailTopology(*topology, fmt::format("element '{}' ({}) failed: {}", element->plan.name,
                                            element->plan.class_name, element->error));
      }
      Save(*topology, *element);
      break;
    }
    case Op::kExited: {
      control::Exited m;
      if (!Decode(peer, message, &m) || !(element = Heard(node_name, m.element, m.pid, nullptr, true, &topology)))
        return;
      Exited(*topology, *element, m);
      if (element->state != ElementState::kEnded) CheckpointLife(*topology, *element, "exited");
      if (element->state == ElementState::kFailed)
        ShardLife(*topology, *element, shards::EventKind::kMemberCrashed, shards::EventKind::kSenderCrashed);
      break;
    }
    case Op::kCheckpointTaken: {
      control::CheckpointTaken m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), nullptr, false, &topology)))
        return;
      CheckpointTaken(*topology, *element, m);  // checkpoints.cc
      break;
    }
    case Op::kFenced: {
      control::Fenced m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), nullptr, false, &topology)))
        return;
      shards::Event event;
      event.kind = shards::EventKind::kFenced;
      event.port = m.port;
      event.version = m.version;
      ToMigration(*topology, element->plan.name, std::move(event));
      break;
    }
    case Op::kCanAddReply: {
      control::CanAddReply m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), nullptr, false, &topology)))
        return;
      shards::Event event;
      event.kind = shards::EventKind::kCanAddAnswered;
      event.request = m.request;
      event.yes = m.yes;
      event.cost = m.cost;
      event.why = m.why;
      ToMigration(*topology, element->plan.name, std::move(event));
      break;
    }
    case Op::kStateExported: {
      control::StateExported m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), nullptr, false, &topology)))
        return;
      shards::Event event;
      event.kind = shards::EventKind::kStateExported;
      event.request = m.request;
      event.logs = std::move(m.logs);
      event.error = m.error;
      ToMigration(*topology, element->plan.name, std::move(event));
      break;
    }
    case Op::kStateImported: {
      control::StateImported m;
      if (!Decode(peer, message, &m) ||
          !(element = Heard(node_name, m.element, PidOf(m.via), nullptr, false, &topology)))
        return;
      shards::Event event;
      event.kind = shards::EventKind::kStateImported;
      event.request = m.request;
      event.error = m.error;
      ToMigration(*topology, element->plan.name, std::move(event));
      break;
    }
    default: return;  // nothing the master acts on
  }
  Settle(*topology);
}

void Master::Exited(TopologyRecord& topology, ElementRecord& element, const control::Exited& message) {
  if (element.exited) return;  // told again by a heartbeat
  element.exited = true;
  element.confirmed = true;
  element.restarts = std::max(element.restarts, message.restarts);
  int code = message.code.value_or(-1);
  bool signalled = message.signal.has_value();
  std::string how = message.last_exit;
  if (how.empty())
    how = signalled ? fmt::format("killed by signal {}", *message.signal) : fmt::format("exited with status {}", code);
  if (!Final(element.state) && message.said_ended && code == 0 && !signalled) {
    element.state = ElementState::kEnded;  // it said so, and that word of it was lost on the way
    SenderEnded(topology, element);
  } else if (!Final(element.state) && message.stopped) {
    element.state = ElementState::kStopped;  // its caretaker stopped it on our word (its own word may be lost)
  } else if (!Final(element.state)) {
    element.state = ElementState::kFailed;
    element.last_exit = how;
    element.error =
        element.restarts > 0 ? fmt::format("{} after {} restarts", how, element.restarts) : how + " before ending";
    if (element.plan.restart != control::RestartPolicy::kNever && element.restarts >= element.plan.restart_limit) {
      element.error += fmt::format(" (restart_limit {} reached)", element.plan.restart_limit);
    }
    FailTopology(topology,
                 fmt::format("element '{}' ({}) {}", element.plan.name, element.plan.class_name, element.error));
  } else if (element.state == ElementState::kEnded && (signalled || code != 0)) {
    element.state = ElementState::kFailed;
    element.error = fmt::format("exited with status {} after ending", code);
    FailTopology(topology,
                 fmt::format("element '{}' ({}) {}", element.plan.name, element.plan.class_name, element.error));
  }
  Save(topology, element);
}

}  // namespace datablox::master
