// The master's poll loop, the dispatch of each message by its op, and
// sending to a node (through the node's outbox).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>

#include "runtime/core/client_replies.h"
#include "runtime/core/exit_codes.h"
#include "runtime/master/master_daemon.h"

namespace datablox::master {
namespace {

// SIGTERM/SIGINT end the master alone: its caretakers and their elements
// run on (an upgrade must not stop the topologies), and a master started
// again on the same registry re-adopts them. `datablox shutdown` stops all.
volatile std::sig_atomic_t g_signalled = 0;
void OnStopSignal(int) { g_signalled = 1; }

bool IsCaretaker(const std::string& peer) { return peer.rfind("node:", 0) == 0; }

}  // namespace

Master::Master(const MasterOptions& options)
    : options_(options),
      node_timeout_(
          std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.node_timeout_s))) {}

int Master::Run() {
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  Status st = RegistryStore::Open(options_.registry, &store_);
  if (!st.ok()) {
    spdlog::error("master: {}", st.message());
    return exit_code::kNoInput;
  }
  if (int code = StartInspector(); code != exit_code::kOk) return code;
  if (int code = StartSecurity(); code != exit_code::kOk) return code;
  Load();
  socket_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
  socket_->set(zmq::sockopt::router_mandatory, 1);
  // No handover: a peer that merely claims a caretaker's routing id must not
  // take its connection over. A caretaker's id holds a random token of its
  // life ("node:NAME#TOKEN"), and a node is sent to on the connection it last
  // heartbeat on, not on whatever connected last under its name.
  socket_->set(zmq::sockopt::router_handover, 0);
  socket_->set(zmq::sockopt::linger, 500);
  if (Status st = ProtectSocket(); !st.ok()) {
    spdlog::error("master: {}", st.message());
    return exit_code::kUnavailable;
  }
  try {
    socket_->bind(options_.listen);
  } catch (const zmq::error_t& e) {
    spdlog::error("master: cannot listen on {}: {}", options_.listen, e.what());
    return exit_code::kUnavailable;
  }
  std::string endpoint = control::LastEndpoint(*socket_);
  if (options_.ready_fd >= 0) {
    std::string line = endpoint + "\n";
    (void)!::write(options_.ready_fd, line.data(), line.size());
    ::close(options_.ready_fd);
  }
  spdlog::debug("master listening on {}", endpoint);
  if (!options_.http.empty()) {
    if (Status hs = HttpServer::Start(options_.http, endpoint, relay_keys_, options_.http_writes, &http_); !hs.ok()) {
      spdlog::error("master: {}", hs.message());
      return hs.code() == Status::Code::kInvalid ? exit_code::kUsage : exit_code::kUnavailable;
    }
    spdlog::info("master: web view on http://{}:{}/, metrics at /metrics", http_->host(), http_->port());
  }
  started_ = Clock::now();

  bool shutting_down = false;
  Clock::time_point shutdown_deadline, shutdown_told;
  zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
  while (true) {
    if (g_signalled) {
      spdlog::info("master: stopping; caretakers and elements run on (`datablox shutdown` stops them too)");
      break;
    }
    if (shutdown_requested_ && !shutting_down) {
      shutting_down = true;
      shutdown_deadline = Clock::now() + std::chrono::seconds(5);
    }
    // Told again until they leave: a caretaker that has not reconnected yet
    // (a master just restarted knows its nodes from the registry) would miss
    // a single word and run on.
    if (shutting_down && Clock::now() - shutdown_told >= std::chrono::milliseconds(200)) {
      shutdown_told = Clock::now();
      for (auto& [name, node] : nodes_) {
        if (node.alive) control::SendTo(*socket_, node.peer, control::ToJson(control::Shutdown{}));
      }
    }
    if (shutting_down) {
      // Waits for the caretakers to leave, but not for one that went silent.
      // A master just restarted also waits, for a node timeout, for the
      // nodes its registry placed running elements on: told as they rejoin.
      bool any_alive = false;
      for (const auto& [name, node] : nodes_)
        any_alive = any_alive || (node.alive && Clock::now() - node.last_seen <= node_timeout_);
      if (!any_alive && Clock::now() - started_ <= node_timeout_) {
        for (const auto& [tname, t] : topologies_) {
          for (const auto& [ename, e] : t.elements) {
            any_alive = any_alive || (Active(t.state) && !e.confirmed && !e.exited && !nodes_.count(e.plan.node));
          }
        }
      }
      if (!any_alive || Clock::now() > shutdown_deadline) break;
    }
    for (auto& [name, t] : topologies_) {
      if (t.state == TopologyState::kStopping && Clock::now() >= t.drain_deadline)
        StopTopology(t, TopologyState::kStopped);
    }
    if (!shutting_down) CheckNodes();
    if (!shutting_down) TickShards();
    if (!shutting_down) TickCheckpoints();
    PublishMetrics();
    for (auto& [name, node] : nodes_) {
      if (node.alive) node.outbox.Flush(SendToPeer(node.peer));
    }
    control::Poll(&item, 1, std::chrono::milliseconds(50));
    std::string peer, user_id;
    Json message;
    while (!(st = control::TryReceiveFrom(*socket_, &peer, &message, &user_id)).IsNotFound()) {
      if (!st.ok()) {
        Malformed(peer, st.message());
        continue;
      }
      if (!MaySend(peer, user_id, message)) continue;
      try {
        if (IsCaretaker(peer)) FromCaretaker(peer, message);
        else FromClient(peer, message);
      } catch (const Json::exception& e) {
        // Every message is decoded before it is acted on; what is left is
        // an element's stats (kept as the host makes them) with a figure of
        // the wrong type: that one message is dropped, counted.
        Malformed(peer, e.what());
      }
    }
  }
  return exit_code::kOk;
}

void Master::Malformed(const std::string& peer, std::string_view why) {
  ++malformed_;
  uint64_t suppressed = 0;
  if (!warnings_.Allow(IsCaretaker(peer) ? "caretaker" : "client", Clock::now(), &suppressed)) return;
  spdlog::warn("master: malformed control message from {}: {} ({} malformed in all{})", control::PrintableId(peer), why,
               malformed_, suppressed ? fmt::format(", {} more like it not shown", suppressed) : "");
}

// ------------------------------------------------------------ dispatch

void Master::FromClient(const std::string& peer, const Json& message) {
  using control::Op;
  Op op;
  std::string name;
  Status st = control::ReadOp(message, &op, &name);
  if (!st.ok()) return Malformed(peer, st.message());
  Json reply;
  switch (op) {
    case Op::kNodes: reply = Nodes(); break;
    case Op::kList: reply = List(); break;
    case Op::kShutdown:
      shutdown_requested_ = true;  // every caretaker is told, and stops its elements
      reply = control::ToJson(control::ShutdownReply{});
      break;
    case Op::kSubmit: {
      control::Submit request;
      if (!Decode(peer, message, &request)) return;  // no answer: a client of ours never sends one
      reply = Submit(request);
      break;
    }
    case Op::kStatus: {
      control::StatusRequest request;
      if (!Decode(peer, message, &request)) return;
      reply = StatusOf(request.topology.value_or(""));
      break;
    }
    case Op::kEvents: {
      control::EventsRequest request;
      if (!Decode(peer, message, &request)) return;
      reply = Events(request);
      break;
    }
    case Op::kStop: {
      control::Stop request;
      if (!Decode(peer, message, &request)) return;
      reply = Kill(request.topology, 0);
      break;
    }
    case Op::kKill: {
      control::Kill request;
      if (!Decode(peer, message, &request)) return;
      reply = Kill(request.topology, request.wait_s.value_or(0.0));
      break;
    }
    case Op::kCheckpoints: {
      control::CheckpointsRequest request;
      if (!Decode(peer, message, &request)) return;
      reply = Checkpoints(request);
      break;
    }
    case Op::kDataflow: {
      control::DataflowRequest request;
      if (!Decode(peer, message, &request)) return;
      reply = Dataflow(request);
      break;
    }
    case Op::kRegistry: reply = RegistryDump(); break;
    case Op::kScale: {
      control::Scale request;
      if (!Decode(peer, message, &request)) return;
      reply = Scale(request);
      break;
    }
    case Op::kHandler:
    case Op::kLogs: {
      // Decoded here, so that what the caretaker gets is well-formed and
      // every request gets an answer.
      std::string element;
      Json forward;
      uint64_t request_id = next_request_++;
      if (op == Op::kHandler) {
        control::HandlerRequest request;
        st = control::FromJson(message, &request);
        request.request = request_id;
        element = request.element;
        forward = control::ToJson(request);
      } else {
        control::LogsRequest request;
        st = control::FromJson(message, &request);
        request.request = request_id;
        element = request.element;
        forward = control::ToJson(request);
      }
      if (!st.ok()) {
        reply = control::ToJson(control::Refusal{"malformed request: " + st.message(), {}});
        break;
      }
      Relay(peer, element, request_id, forward);
      return;  // answered when the caretaker answers
    }
    default: reply = control::ToJson(control::Refusal{fmt::format("unknown request '{}'", name), {}}); break;
  }
  control::SendTo(*socket_, peer, reply);
}

void Master::FromCaretaker(const std::string& peer, const Json& message) {
  using control::Op;
  Op op;
  Status st = control::ReadOp(message, &op);
  if (!st.ok()) return Malformed(peer, st.message());
  std::string node_name = peer.substr(5, peer.find('#', 5) - 5);  // "node:NAME#TOKEN"
  switch (op) {
    case Op::kJoin: {
      control::Join join;
      // Decoded before the node counts as alive: it could be given elements.
      if (Decode(peer, message, &join)) NodeSeen(peer, node_name, join.figures);
      return;
    }
    case Op::kHeartbeat: {
      control::Heartbeat heartbeat;
      if (!Decode(peer, message, &heartbeat)) return;
      NodeSeen(peer, node_name, heartbeat.figures);
      Heartbeat(nodes_.at(node_name), heartbeat);
      return;
    }
    case Op::kLeft: Left(peer, node_name); return;
    default: break;
  }
  auto node = nodes_.find(node_name);
  if (node != nodes_.end()) node->second.last_seen = Clock::now();
  FromElement(node_name, op, message, peer);
}

// ------------------------------------------------------------ nodes

ElementRecord* Master::Find(const std::string& id, TopologyRecord** topology) {
  size_t slash = id.find('/');
  if (slash == std::string::npos) return nullptr;
  auto t = topologies_.find(id.substr(0, slash));
  if (t == topologies_.end()) return nullptr;
  auto e = t->second.elements.find(id.substr(slash + 1));
  if (e == t->second.elements.end()) return nullptr;
  *topology = &t->second;
  return &e->second;
}

bool Master::SendToNode(const std::string& node, const Json& message, std::string key) {
  auto it = nodes_.find(node);
  if (it == nodes_.end() || !it->second.alive) {
    spdlog::debug("master: node '{}' is unreachable", node);
    return false;
  }
  // A full queue to the node (or its caretaker reconnecting) keeps the
  // message in the node's outbox, in order, until it goes or the node dies.
  it->second.outbox.Send(message.dump(), SendToPeer(it->second.peer), std::move(key));
  return true;
}

Outbox::TrySend Master::SendToPeer(const std::string& peer) {
  return [this, peer](std::string_view frame) { return control::SendFrameTo(*socket_, peer, frame); };
}

int Master::LiveElementsOn(const std::string& node) const {
  int count = 0;
  for (const auto& [tname, t] : topologies_) {
    for (const auto& [ename, e] : t.elements) count += e.plan.node == node && !e.exited;
  }
  return count;
}

Placement Master::LiveNodes() const {
  std::vector<NodeLoad> nodes;
  for (const auto& [name, node] : nodes_) {
    if (node.alive) nodes.push_back(NodeLoad{name, node.cores, LiveElementsOn(name), node.cpu_percent});
  }
  return Placement(std::move(nodes));
}

}  // namespace datablox::master
