#include "runtime/master/master.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <map>
#include <set>

#include "datablox/element.h"
#include "dsl/loader.h"
#include "runtime/core/control.h"
#include "runtime/master/planner.h"

namespace datablox {
namespace {

using Clock = std::chrono::steady_clock;
using control::Json;

volatile std::sig_atomic_t g_shutdown = 0;
void OnShutdownSignal(int) { g_shutdown = 1; }

enum class ElementState { kPlanned, kSpawned, kBound, kRunning, kEnded, kFailed, kStopped };
const char* StateName(ElementState s) {
  switch (s) {
    case ElementState::kPlanned: return "planned";
    case ElementState::kSpawned: return "starting";
    case ElementState::kBound: return "bound";
    case ElementState::kRunning: return "running";
    case ElementState::kEnded: return "ended";
    case ElementState::kFailed: return "failed";
    case ElementState::kStopped: return "stopped";
  }
  return "?";
}

struct ElementRecord {
  control::ElementPlan plan;
  ElementState state = ElementState::kPlanned;
  bool exited = false;
  int pid = 0;
  Json endpoints = Json::object();
  Json stats = Json::object();
  double in_rate = 0, out_rate = 0;  // logs per second, between the last two samples
  double blocked_share = 0;          // of the time between the last two samples
  std::string error;
  Clock::time_point started = Clock::now();
};

enum class TopologyState { kStarting, kRunning, kDone, kFailed, kStopping, kStopped };
const char* StateName(TopologyState s) {
  switch (s) {
    case TopologyState::kStarting: return "starting";
    case TopologyState::kRunning: return "running";
    case TopologyState::kDone: return "done";
    case TopologyState::kFailed: return "failed";
    case TopologyState::kStopping: return "stopping";
    case TopologyState::kStopped: return "stopped";
  }
  return "?";
}

struct TopologyRecord {
  std::string name;
  std::string file;
  TopologyState state = TopologyState::kStarting;
  std::string failure;
  Clock::time_point drain_deadline{};  // kill -w: stopped for good at this time
  std::map<std::string, ElementRecord> elements;  // by element name
  Clock::time_point submitted = Clock::now();
};

struct NodeRecord {
  std::string name;
  std::string peer;
  int cores = 1;
  uint64_t memory_mb = 0;
  Clock::time_point last_seen = Clock::now();
};

class Master {
 public:
  explicit Master(const MasterOptions& options) : options_(options) {}
  int Run();

 private:
  void FromCaretaker(const std::string& peer, const Json& message);
  void FromClient(const std::string& peer, const Json& message);
  Json Submit(const Json& message);
  Json StatusOf(const std::string& topology) const;
  void ConnectAll(TopologyRecord& topology);
  void FailTopology(TopologyRecord& topology, const std::string& why);
  void StopTopology(TopologyRecord& topology, TopologyState final_state);
  void Settle(TopologyRecord& topology);
  ElementRecord* Find(const std::string& id, TopologyRecord** topology);
  void SendToNode(const std::string& node, const Json& message);

  MasterOptions options_;
  zmq::context_t zmq_{1};
  std::unique_ptr<zmq::socket_t> socket_;
  std::map<std::string, NodeRecord> nodes_;
  std::map<std::string, TopologyRecord> topologies_;
  std::map<uint64_t, std::string> handler_waiters_;  // request id -> client peer
  uint64_t next_request_ = 1;
  uint64_t malformed_ = 0;
};

int Master::Run() {
  std::signal(SIGTERM, OnShutdownSignal);
  std::signal(SIGINT, OnShutdownSignal);
  socket_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
  socket_->set(zmq::sockopt::router_mandatory, 1);
  socket_->set(zmq::sockopt::linger, 500);
  try {
    socket_->bind(options_.listen);
  } catch (const zmq::error_t& e) {
    spdlog::error("master: cannot listen on {}: {}", options_.listen, e.what());
    return 69;
  }
  std::string endpoint = control::LastEndpoint(*socket_);
  if (options_.ready_fd >= 0) {
    std::string line = endpoint + "\n";
    (void)!::write(options_.ready_fd, line.data(), line.size());
    ::close(options_.ready_fd);
  }
  spdlog::debug("master listening on {}", endpoint);

  bool shutting_down = false;
  Clock::time_point shutdown_deadline;
  zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
  while (true) {
    if (g_shutdown && !shutting_down) {
      shutting_down = true;
      shutdown_deadline = Clock::now() + std::chrono::seconds(5);
      for (auto& [name, node] : nodes_) control::SendTo(*socket_, node.peer, {{"op", "shutdown"}});
    }
    if (shutting_down && (nodes_.empty() || Clock::now() > shutdown_deadline)) break;
    for (auto& [name, t] : topologies_) {
      if (t.state == TopologyState::kStopping && Clock::now() >= t.drain_deadline) StopTopology(t, TopologyState::kStopped);
    }
    control::Poll(&item, 1, std::chrono::milliseconds(100));
    std::string peer;
    Json message;
    Status st;
    while (!(st = control::TryReceiveFrom(*socket_, &peer, &message)).IsNotFound()) {
      if (!st.ok()) {
        ++malformed_;
        spdlog::warn("master: malformed control message from '{}': {}", peer, st.message());
        continue;
      }
      if (peer.rfind("node:", 0) == 0) FromCaretaker(peer, message);
      else FromClient(peer, message);
    }
  }
  return 0;
}

// ------------------------------------------------------------ clients

void Master::FromClient(const std::string& peer, const Json& message) {
  std::string op = message.value("op", "");
  Json reply;
  if (op == "nodes") {
    Json list = Json::array();
    for (const auto& [name, node] : nodes_) list.push_back({{"name", name}, {"cores", node.cores}, {"memory_mb", node.memory_mb}});
    reply = {{"ok", true}, {"nodes", list}};
  } else if (op == "submit") {
    reply = Submit(message);
  } else if (op == "status") {
    reply = StatusOf(message.value("topology", ""));
  } else if (op == "list") {
    Json list = Json::array();
    for (const auto& [name, t] : topologies_) {
      list.push_back({{"name", name}, {"state", StateName(t.state)}, {"elements", t.elements.size()}, {"file", t.file}});
    }
    reply = {{"ok", true}, {"topologies", list}};
  } else if (op == "stop" || op == "kill") {
    auto it = topologies_.find(message.value("topology", ""));
    double wait_s = message.value("wait_s", 0.0);
    if (it == topologies_.end()) {
      reply = {{"ok", false}, {"error", fmt::format("no topology '{}'", message.value("topology", ""))}};
    } else if (op == "kill" && wait_s > 0 && (it->second.state == TopologyState::kRunning || it->second.state == TopologyState::kStarting)) {
      // Drain: sources stop, END flows for up to wait_s, then whatever is left is stopped.
      TopologyRecord& t = it->second;
      t.state = TopologyState::kStopping;
      t.drain_deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(wait_s * 1000));
      std::set<std::string> nodes;
      for (const auto& [name, e] : t.elements) nodes.insert(e.plan.node);
      for (const std::string& node : nodes) SendToNode(node, {{"op", "drain"}, {"topology", t.name}});
      reply = {{"ok", true}, {"draining_s", wait_s}};
    } else {
      StopTopology(it->second, TopologyState::kStopped);
      reply = {{"ok", true}};
    }
  } else if (op == "handler") {
    TopologyRecord* topology = nullptr;
    std::string id = message.value("element", "");
    ElementRecord* element = Find(id, &topology);
    if (!element) {
      reply = {{"ok", false}, {"error", fmt::format("no element '{}'", id)}};
    } else {
      uint64_t request = next_request_++;
      handler_waiters_[request] = peer;
      Json forward = message;
      forward["request"] = request;
      SendToNode(element->plan.node, forward);
      return;  // answered when the element answers
    }
  } else if (op == "shutdown") {
    g_shutdown = 1;
    reply = {{"ok", true}};
  } else {
    reply = {{"ok", false}, {"error", fmt::format("unknown request '{}'", op)}};
  }
  control::SendTo(*socket_, peer, reply);
}

Json Master::Submit(const Json& message) {
  std::string file = message.value("file", "topology.topo");
  std::string name = message.value("name", "");
  if (name.empty()) name = std::filesystem::path(file).stem().string();
  auto existing = topologies_.find(name);
  if (existing != topologies_.end()) {
    TopologyState s = existing->second.state;
    if (s == TopologyState::kStarting || s == TopologyState::kRunning || s == TopologyState::kStopping) {
      return {{"ok", false}, {"error", fmt::format("topology '{}' is running already", name)}};
    }
    topologies_.erase(existing);
  }
  std::vector<std::string> search_path;
  if (message.contains("search_path")) search_path = message["search_path"].get<std::vector<std::string>>();
  for (const std::string& folder : search_path) Registry::Global().add_search_path(folder);
  std::vector<dsl::Diagnostic> errors;
  dsl::Topology topology = dsl::Parse(message.value("text", ""), file, &errors);
  std::vector<std::string> known_nodes;
  for (const auto& [node_name, node] : nodes_) known_nodes.push_back(node_name);
  dsl::CheckOptions options = dsl::RegistryCheckOptions(std::move(known_nodes));
  if (errors.empty()) dsl::Check(topology, options, &errors);
  if (!errors.empty()) {
    Json list = Json::array();
    for (const auto& e : errors) list.push_back(e.ToString());
    return {{"ok", false}, {"errors", list}};
  }
  std::vector<NodeInfo> nodes;
  for (const auto& [node_name, node] : nodes_) nodes.push_back({node_name, node.cores, 0});
  std::vector<control::ElementPlan> plans;
  Status st = PlanTopology(topology, name, nodes, &plans);
  if (!st.ok()) return {{"ok", false}, {"error", st.message()}};

  TopologyRecord& record = topologies_[name];
  record.name = name;
  record.file = file;
  for (auto& plan : plans) {
    plan.search_path = search_path;
    ElementRecord& element = record.elements[plan.name];
    element.plan = std::move(plan);
  }
  for (auto& [element_name, element] : record.elements) {
    SendToNode(element.plan.node, {{"op", "spawn"}, {"plan", control::ToJson(element.plan)}});
    element.state = ElementState::kSpawned;
  }
  spdlog::debug("master: submitted '{}' ({} elements)", name, record.elements.size());
  return {{"ok", true}, {"topology", name}};
}

Json Master::StatusOf(const std::string& name) const {
  auto it = topologies_.find(name);
  if (it == topologies_.end()) return {{"ok", false}, {"error", fmt::format("no topology '{}'", name)}};
  const TopologyRecord& t = it->second;
  // An element's queue: what its upstreams have in flight towards it.
  std::map<std::string, uint64_t> queued;
  for (const auto& [element_name, e] : t.elements) {
    if (!e.stats.contains("out_links")) continue;
    for (const Json& link : e.stats["out_links"]) {
      std::string id = link.value("id", "");
      std::string target = id.substr(id.find('>') + 1);
      queued[target.substr(0, target.find('.'))] += link.value("in_flight", uint64_t{0});
    }
  }
  Json elements = Json::array();
  for (const auto& [element_name, e] : t.elements) {
    elements.push_back({{"name", element_name},
                        {"class", e.plan.class_name},
                        {"node", e.plan.node},
                        {"pid", e.pid},
                        {"state", StateName(e.state)},
                        {"in_rate", e.in_rate},
                        {"out_rate", e.out_rate},
                        {"queue", queued[element_name]},
                        {"blocked_share", e.blocked_share},
                        {"restarts", 0},  // the caretaker does not restart elements yet
                        {"age_s", std::chrono::duration<double>(Clock::now() - e.started).count()},
                        {"error", e.error},
                        {"endpoints", e.endpoints},
                        {"stats", e.stats}});
  }
  return {{"ok", true}, {"name", name}, {"state", StateName(t.state)}, {"failure", t.failure}, {"elements", elements}};
}

// ------------------------------------------------------------ caretakers

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

void Master::SendToNode(const std::string& node, const Json& message) {
  auto it = nodes_.find(node);
  if (it == nodes_.end() || !control::SendTo(*socket_, it->second.peer, message)) {
    spdlog::warn("master: node '{}' is unreachable", node);
  }
}

void Master::FromCaretaker(const std::string& peer, const Json& message) {
  std::string op = message.value("op", "");
  std::string node_name = peer.substr(5);
  if (op == "join") {
    NodeRecord& node = nodes_[node_name];
    node.name = node_name;
    node.peer = peer;
    node.cores = std::max(1, message.value("cores", 1));
    node.memory_mb = message.value("memory_mb", uint64_t{0});
    node.last_seen = Clock::now();
    spdlog::debug("master: node '{}' joined ({} cores)", node_name, node.cores);
    return;
  }
  if (op == "left") {
    nodes_.erase(node_name);
    return;
  }
  auto node = nodes_.find(node_name);
  if (node != nodes_.end()) node->second.last_seen = Clock::now();
  if (op == "heartbeat") return;
  if (op == "handler_reply") {
    auto waiter = handler_waiters_.find(message.value("request", uint64_t{0}));
    if (waiter != handler_waiters_.end()) {
      Json reply = message;
      reply["ok"] = !message.contains("error");
      control::SendTo(*socket_, waiter->second, reply);
      handler_waiters_.erase(waiter);
    }
    return;
  }

  TopologyRecord* topology = nullptr;
  ElementRecord* element = Find(message.value("element", ""), &topology);
  if (!element) return;  // a topology that was removed meanwhile
  if (message.contains("pid")) element->pid = message["pid"].get<int>();
  if (message.contains("stats")) {
    const Json& stats = message["stats"];
    if (element->stats.contains("time_ms")) {
      double dt = (stats.value("time_ms", 0.0) - element->stats.value("time_ms", 0.0)) / 1000.0;
      if (dt > 0) {
        element->in_rate = (stats.value("logs_in", 0.0) - element->stats.value("logs_in", 0.0)) / dt;
        element->out_rate = (stats.value("logs_out", 0.0) - element->stats.value("logs_out", 0.0)) / dt;
        element->blocked_share = std::clamp(
            (stats.value("blocked_ms", 0.0) - element->stats.value("blocked_ms", 0.0)) / (dt * 1000.0), 0.0, 1.0);
      }
    }
    element->stats = stats;
  }
  if (op == "bound") {
    element->endpoints = message["endpoints"];
    element->state = ElementState::kBound;
    ConnectAll(*topology);
  } else if (op == "started") {
    element->state = ElementState::kRunning;
    element->started = Clock::now();
    bool all = true;
    for (const auto& [n, e] : topology->elements) all = all && e.state != ElementState::kSpawned && e.state != ElementState::kBound;
    if (all && topology->state == TopologyState::kStarting) topology->state = TopologyState::kRunning;
  } else if (op == "ended") {
    element->state = ElementState::kEnded;
  } else if (op == "stopped") {
    element->state = ElementState::kStopped;
  } else if (op == "failed") {
    element->state = ElementState::kFailed;
    element->error = message.value("error", "failed");
    FailTopology(*topology, fmt::format("element '{}' ({}) failed: {}", element->plan.name, element->plan.class_name, element->error));
  } else if (op == "exited") {
    element->exited = true;
    int code = message.value("code", -1);
    bool signalled = message.contains("signal");
    if (element->state != ElementState::kEnded && element->state != ElementState::kFailed &&
        element->state != ElementState::kStopped) {
      element->state = ElementState::kFailed;
      element->error = signalled ? fmt::format("killed by signal {}", message["signal"].get<int>())
                                 : fmt::format("exited with status {} before ending", code);
      FailTopology(*topology, fmt::format("element '{}' ({}) {}", element->plan.name, element->plan.class_name, element->error));
    } else if (element->state == ElementState::kEnded && (signalled || code != 0)) {
      element->state = ElementState::kFailed;
      element->error = fmt::format("exited with status {} after ending", code);
      FailTopology(*topology, fmt::format("element '{}' ({}) {}", element->plan.name, element->plan.class_name, element->error));
    }
  }  // spawned, stats: pid and stats are recorded above
  Settle(*topology);
}

void Master::ConnectAll(TopologyRecord& topology) {
  for (const auto& [name, e] : topology.elements) {
    if (e.state != ElementState::kBound) return;
  }
  // Every input is bound: tell each element where its outputs go.
  auto endpoint_of = [&](const std::string& link_id) -> std::string {
    std::string target = link_id.substr(link_id.find('>') + 1);  // "element.port"
    size_t dot = target.find('.');
    auto it = topology.elements.find(target.substr(0, dot));
    if (it == topology.elements.end()) return "";
    return it->second.endpoints.value(target.substr(dot + 1), "");
  };
  for (auto& [name, e] : topology.elements) {
    control::ElementPlan wiring = e.plan;
    for (auto& port : wiring.push_out) {
      for (auto& link : port.links) link.endpoint = endpoint_of(link.id);
    }
    for (auto& port : wiring.query_out) {
      for (auto& link : port.links) link.endpoint = endpoint_of(link.id);
    }
    SendToNode(e.plan.node, {{"op", "connect"}, {"element", topology.name + "/" + name}, {"plan", control::ToJson(wiring)}});
  }
}

void Master::FailTopology(TopologyRecord& topology, const std::string& why) {
  if (topology.state == TopologyState::kFailed || topology.state == TopologyState::kStopped) return;
  if (topology.failure.empty()) topology.failure = why;
  spdlog::info("{}: {}", topology.name, why);  // the client reports it to the user
  StopTopology(topology, TopologyState::kFailed);
}

void Master::StopTopology(TopologyRecord& topology, TopologyState final_state) {
  topology.state = final_state;
  std::set<std::string> nodes;
  for (const auto& [name, e] : topology.elements) nodes.insert(e.plan.node);
  for (const std::string& node : nodes) SendToNode(node, {{"op", "stop"}, {"topology", topology.name}});
}

void Master::Settle(TopologyRecord& topology) {
  for (const auto& [name, e] : topology.elements) {
    if (!e.exited) return;
  }
  if (topology.state == TopologyState::kStopping) {
    topology.state = TopologyState::kStopped;  // drained before its deadline
  } else if (topology.state == TopologyState::kStarting || topology.state == TopologyState::kRunning) {
    topology.state = TopologyState::kDone;
    spdlog::debug("master: topology '{}' done", topology.name);
  }
}

}  // namespace

int RunMaster(const MasterOptions& options) {
  Master master(options);
  return master.Run();
}

}  // namespace datablox
