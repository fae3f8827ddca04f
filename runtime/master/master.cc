#include "runtime/master/master.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "datablox/element.h"
#include "dsl/loader.h"
#include "dsl/path_params.h"
#include "runtime/core/control.h"
#include "runtime/core/exit_codes.h"
#include "runtime/core/log_limiter.h"
#include "runtime/core/outbox.h"
#include "runtime/master/planner.h"
#include "runtime/master/registry_store.h"

namespace datablox {
namespace {

using Clock = std::chrono::steady_clock;
using control::Json;

// SIGTERM/SIGINT end the master alone: its caretakers and their elements
// run on (an upgrade must not stop the topologies), and a master started
// again on the same registry re-adopts them. `datablox shutdown` stops all.
volatile std::sig_atomic_t g_signalled = 0;
void OnStopSignal(int) { g_signalled = 1; }

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

enum class ElementState { kPlanned, kSpawned, kBound, kRunning, kRestarting, kEnded, kFailed, kStopped };
const char* StateName(ElementState s) {
  switch (s) {
    case ElementState::kPlanned: return "planned";
    case ElementState::kSpawned: return "starting";
    case ElementState::kBound: return "bound";
    case ElementState::kRunning: return "running";
    case ElementState::kRestarting: return "restarting";
    case ElementState::kEnded: return "ended";
    case ElementState::kFailed: return "failed";
    case ElementState::kStopped: return "stopped";
  }
  return "?";
}
ElementState ElementStateFrom(const std::string& name) {
  for (ElementState s : {ElementState::kPlanned, ElementState::kSpawned, ElementState::kBound, ElementState::kRunning,
                         ElementState::kRestarting, ElementState::kEnded, ElementState::kFailed, ElementState::kStopped}) {
    if (name == StateName(s)) return s;
  }
  return ElementState::kPlanned;
}
bool Final(ElementState s) {
  return s == ElementState::kEnded || s == ElementState::kFailed || s == ElementState::kStopped;
}

struct ElementRecord {
  control::ElementPlan plan;
  ElementState state = ElementState::kPlanned;
  bool exited = false;
  bool wired = false;      // told where its outputs go, in this placement
  bool confirmed = true;   // false: read from the registry, not yet seen in a heartbeat
  int pid = 0;
  int restarts = 0;
  int moves = 0;           // placed again after its node died
  std::string last_exit;
  std::set<std::string> ended_links;
  Json endpoints = Json::object();
  Json stats = Json::object();      // of its current life
  uint64_t earlier_in = 0, earlier_out = 0;  // logs in and out of its earlier lives
  double in_rate = 0, out_rate = 0;  // logs per second, between the last two samples
  double blocked_share = 0, busy_share = 0;  // of the time between the last two samples
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
TopologyState TopologyStateFrom(const std::string& name) {
  for (TopologyState s : {TopologyState::kStarting, TopologyState::kRunning, TopologyState::kDone,
                          TopologyState::kFailed, TopologyState::kStopping, TopologyState::kStopped}) {
    if (name == StateName(s)) return s;
  }
  return TopologyState::kFailed;
}
bool Active(TopologyState s) {
  return s == TopologyState::kStarting || s == TopologyState::kRunning || s == TopologyState::kStopping;
}

struct TopologyRecord {
  std::string name;
  std::string file;
  std::string text;
  std::vector<std::string> search_path;
  TopologyState state = TopologyState::kStarting;
  std::string failure;
  Clock::time_point drain_deadline{};  // kill -w: stopped for good at this time
  std::map<std::string, ElementRecord> elements;  // by element name
  Clock::time_point submitted = Clock::now();
  int64_t submitted_unix_ms = UnixMs();
};

struct NodeRecord {
  std::string name;
  std::string peer;
  std::string address;
  int cores = 1;
  uint64_t memory_mb = 0;
  double cpu_percent = 0;
  uint64_t memory_used_mb = 0;
  bool alive = true;
  Clock::time_point last_seen = Clock::now();
  Outbox outbox;                  // what its full queue did not take yet: sent again, never dropped
  Json to_master = Json::object();  // its caretaker's own outbox figures
};

class Master {
 public:
  explicit Master(const MasterOptions& options)
      : options_(options),
        node_timeout_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.node_timeout_s))) {}
  int Run();

 private:
  void FromCaretaker(const std::string& peer, const Json& message);
  void FromClient(const std::string& peer, const Json& message);
  void Heartbeat(NodeRecord& node, const Json& message);
  void Exited(TopologyRecord& topology, ElementRecord& element, const Json& message);
  Json Submit(const Json& message);
  Json StatusOf(const std::string& topology) const;
  Json NodesJson() const;
  void Wire(TopologyRecord& topology);
  void RewireUpstreams(TopologyRecord& topology, const std::string& moved);
  void CheckNodes();
  void NodeDied(const std::string& node, const std::string& why);
  void Move(TopologyRecord& topology, ElementRecord& element);
  std::string PickNode(const std::string& avoid) const;
  int LiveElementsOn(const std::string& node) const;  // of every topology: its current load
  void FailTopology(TopologyRecord& topology, const std::string& why);
  void StopTopology(TopologyRecord& topology, TopologyState final_state);
  void Settle(TopologyRecord& topology);
  ElementRecord* Find(const std::string& id, TopologyRecord** topology);
  bool SendToNode(const std::string& node, const Json& message, std::string key = "");
  Outbox::TrySend SendToPeer(const std::string& peer);
  void Relay(const std::string& client, const Json& message, ElementRecord* element, const std::string& id);
  // Counts a dropped message and warns about it, rate-limited per kind of
  // peer (a flood of garbage must not flood the log), its id escaped.
  void Malformed(const std::string& peer, std::string_view why);

  // The registry: written on every change of state, read back at start.
  void Load();
  void Save(const TopologyRecord& topology);
  void Save(const TopologyRecord& topology, const ElementRecord& element);
  void Event(const std::string& topology, const std::string& element, const std::string& what);

  MasterOptions options_;
  Clock::duration node_timeout_;
  zmq::context_t zmq_{1};
  std::unique_ptr<zmq::socket_t> socket_;
  std::unique_ptr<RegistryStore> store_;
  std::map<std::string, NodeRecord> nodes_;
  std::map<std::string, TopologyRecord> topologies_;
  std::map<uint64_t, std::string> waiters_;  // request id -> client peer (handler, logs)
  uint64_t next_request_ = 1;
  uint64_t malformed_ = 0;
  LogLimiter warnings_;
  bool shutdown_requested_ = false;
  Clock::time_point started_ = Clock::now();
};

int Master::Run() {
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  Status st = RegistryStore::Open(options_.registry, &store_);
  if (!st.ok()) {
    spdlog::error("master: {}", st.message());
    return exit_code::kNoInput;
  }
  Load();
  socket_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
  socket_->set(zmq::sockopt::router_mandatory, 1);
  // No handover: a peer that merely claims a caretaker's routing id must not
  // take its connection over. A caretaker's id holds a random token of its
  // life ("node:NAME#TOKEN"), and a node is sent to on the connection it last
  // heartbeat on, not on whatever connected last under its name.
  socket_->set(zmq::sockopt::router_handover, 0);
  socket_->set(zmq::sockopt::linger, 500);
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
        if (node.alive) control::SendTo(*socket_, node.peer, {{"op", "shutdown"}});
      }
    }
    if (shutting_down) {
      // Waits for the caretakers to leave, but not for one that went silent.
      // A master just restarted also waits, for a node timeout, for the
      // nodes its registry placed running elements on: told as they rejoin.
      bool any_alive = false;
      for (const auto& [name, node] : nodes_) any_alive = any_alive || (node.alive && Clock::now() - node.last_seen <= node_timeout_);
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
      if (t.state == TopologyState::kStopping && Clock::now() >= t.drain_deadline) StopTopology(t, TopologyState::kStopped);
    }
    if (!shutting_down) CheckNodes();
    for (auto& [name, node] : nodes_) {
      if (node.alive) node.outbox.Flush(SendToPeer(node.peer));
    }
    control::Poll(&item, 1, std::chrono::milliseconds(50));
    std::string peer;
    Json message;
    while (!(st = control::TryReceiveFrom(*socket_, &peer, &message)).IsNotFound()) {
      if (!st.ok()) {
        Malformed(peer, st.message());
        continue;
      }
      try {
        if (peer.rfind("node:", 0) == 0) FromCaretaker(peer, message);
        else FromClient(peer, message);
      } catch (const Json::exception& e) {
        // A field of the wrong type: that one message is dropped, counted.
        Malformed(peer, e.what());
      }
    }
  }
  return 0;
}

void Master::Malformed(const std::string& peer, std::string_view why) {
  ++malformed_;
  uint64_t suppressed = 0;
  if (!warnings_.Allow(peer.rfind("node:", 0) == 0 ? "caretaker" : "client", Clock::now(), &suppressed)) return;
  spdlog::warn("master: malformed control message from {}: {} ({} malformed in all{})", control::PrintableId(peer),
               why, malformed_, suppressed ? fmt::format(", {} more like it not shown", suppressed) : "");
}

// ------------------------------------------------------------ registry

void Master::Load() {
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  Status st = store_->Load(&topologies, &elements);
  if (!st.ok()) {
    spdlog::error("master: {}", st.message());
    return;
  }
  for (const TopologyRow& row : topologies) {
    TopologyRecord& t = topologies_[row.name];
    t.name = row.name;
    t.file = row.file;
    t.text = row.text;
    Json path = Json::parse(row.search_path_json.empty() ? "[]" : row.search_path_json, nullptr, false);
    if (path.is_array()) {
      for (const Json& folder : path) t.search_path.push_back(folder.get<std::string>());
    }
    t.state = TopologyStateFrom(row.state);
    t.failure = row.failure;
    t.submitted_unix_ms = row.submitted_unix_ms;
    if (t.state == TopologyState::kStopping) t.drain_deadline = Clock::now();  // the drain's time ran out meanwhile
    for (const std::string& folder : t.search_path) Registry::Global().add_search_path(folder);
  }
  size_t adopted = 0;
  for (const ElementRow& row : elements) {
    auto t = topologies_.find(row.topology);
    if (t == topologies_.end()) continue;
    ElementRecord& e = t->second.elements[row.name];
    Json plan = Json::parse(row.plan_json, nullptr, false);
    if (!plan.is_object()) continue;
    e.plan = control::PlanFromJson(plan);
    e.plan.node = row.node;
    e.state = ElementStateFrom(row.state);
    e.exited = Final(e.state);
    e.pid = row.pid;
    e.restarts = row.restarts;
    e.last_exit = row.last_exit;
    e.error = row.error;
    Json endpoints = Json::parse(row.endpoints_json.empty() ? "{}" : row.endpoints_json, nullptr, false);
    if (endpoints.is_object()) e.endpoints = endpoints;
    Json ended = Json::parse(row.ended_links_json.empty() ? "[]" : row.ended_links_json, nullptr, false);
    if (ended.is_array()) {
      for (const Json& link : ended) e.ended_links.insert(link.get<std::string>());
    }
    e.wired = e.state == ElementState::kRunning || e.state == ElementState::kRestarting || Final(e.state);
    e.confirmed = !Active(t->second.state) || e.exited;
    if (!e.confirmed) ++adopted;
  }
  if (!topologies.empty()) {
    spdlog::info("master: registry {}: {} topologies, {} elements to re-adopt from their caretakers",
                 options_.registry, topologies.size(), adopted);
  }
}

void Master::Save(const TopologyRecord& t) {
  TopologyRow row;
  row.name = t.name;
  row.file = t.file;
  row.text = t.text;
  row.search_path_json = Json(t.search_path).dump();
  row.state = StateName(t.state);
  row.failure = t.failure;
  row.submitted_unix_ms = t.submitted_unix_ms;
  Status st = store_->SaveTopology(row);
  if (!st.ok()) spdlog::warn("master: {}", st.message());
}

void Master::Save(const TopologyRecord& t, const ElementRecord& e) {
  ElementRow row;
  row.topology = t.name;
  row.name = e.plan.name;
  row.plan_json = control::ToJson(e.plan).dump();
  row.node = e.plan.node;
  row.state = StateName(e.state);
  row.pid = e.pid;
  row.restarts = e.restarts;
  row.last_exit = e.last_exit;
  row.endpoints_json = e.endpoints.dump();
  row.ended_links_json = Json(e.ended_links).dump();
  row.error = e.error;
  Status st = store_->SaveElement(row);
  if (!st.ok()) spdlog::warn("master: {}", st.message());
}

void Master::Event(const std::string& topology, const std::string& element, const std::string& what) {
  spdlog::debug("master: event {}/{}: {}", topology, element, what);
  Status st = store_->AddEvent({UnixMs(), topology, element, what});
  if (!st.ok()) spdlog::warn("master: {}", st.message());
}

// ------------------------------------------------------------ clients

void Master::FromClient(const std::string& peer, const Json& message) {
  std::string op = message.value("op", "");
  Json reply;
  if (op == "nodes") {
    reply = {{"ok", true}, {"nodes", NodesJson()}};
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
  } else if (op == "events") {
    std::vector<EventRow> events;
    Status st = store_->Events(message.value("topology", ""), message.value("limit", 50), &events);
    Json list = Json::array();
    for (const EventRow& e : events) {
      list.push_back({{"unix_ms", e.unix_ms}, {"topology", e.topology}, {"element", e.element}, {"what", e.what}});
    }
    reply = st.ok() ? Json{{"ok", true}, {"events", list}} : Json{{"ok", false}, {"error", st.message()}};
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
      Save(t);
      Event(t.name, "", fmt::format("draining for up to {} s", wait_s));
      reply = {{"ok", true}, {"draining_s", wait_s}};
    } else {
      StopTopology(it->second, TopologyState::kStopped);
      reply = {{"ok", true}};
    }
  } else if (op == "handler" || op == "logs") {
    TopologyRecord* topology = nullptr;
    std::string id = message.value("element", "");
    Relay(peer, message, Find(id, &topology), id);
    return;  // answered when the caretaker answers
  } else if (op == "shutdown") {
    shutdown_requested_ = true;  // every caretaker is told, and stops its elements
    reply = {{"ok", true}};
  } else {
    reply = {{"ok", false}, {"error", fmt::format("unknown request '{}'", op)}};
  }
  control::SendTo(*socket_, peer, reply);
}

void Master::Relay(const std::string& client, const Json& message, ElementRecord* element, const std::string& id) {
  if (!element) {
    control::SendTo(*socket_, client, {{"ok", false}, {"error", fmt::format("no element '{}'", id)}});
    return;
  }
  // Checked here, so that what the caretaker gets is well-formed and every
  // request gets an answer.
  if ((message.contains("lines") && !message["lines"].is_number_integer()) ||
      (message.contains("name") && !message["name"].is_string()) ||
      (message.contains("value") && !message["value"].is_string())) {
    control::SendTo(*socket_, client, {{"ok", false}, {"error", "malformed request: lines must be an int, name and value strings"}});
    return;
  }
  uint64_t request = next_request_++;
  Json forward = message;
  forward["request"] = request;
  if (!SendToNode(element->plan.node, forward)) {
    control::SendTo(*socket_, client, {{"ok", false}, {"error", fmt::format("node '{}' of '{}' is unreachable", element->plan.node, id)}});
    return;
  }
  waiters_[request] = client;
}

Json Master::Submit(const Json& message) {
  std::string file = message.value("file", "topology.topo");
  std::string name = message.value("name", "");
  if (name.empty()) name = std::filesystem::path(file).stem().string();
  auto existing = topologies_.find(name);
  if (existing != topologies_.end()) {
    if (Active(existing->second.state)) {
      return {{"ok", false}, {"error", fmt::format("topology '{}' is running already", name)}};
    }
    topologies_.erase(existing);
    Status st = store_->RemoveTopology(name);
    if (!st.ok()) spdlog::warn("master: {}", st.message());
  }
  std::vector<std::string> search_path;
  if (message.contains("search_path")) search_path = message["search_path"].get<std::vector<std::string>>();
  // This submit's folders only, and its classes read afresh: an edited
  // Python class is seen without a restart of the master.
  Registry::Global().set_search_path(search_path);
  Registry::Global().forget_loaded();
  // Path parameters the CLI made absolute where the user is; the text keeps
  // what was written, so that every error's position holds.
  dsl::AbsolutePaths absolute_paths;
  try {
    if (message.contains("absolute_paths")) absolute_paths = message["absolute_paths"].get<dsl::AbsolutePaths>();
  } catch (const Json::exception&) {
    return {{"ok", false}, {"error", "malformed submit: absolute_paths must be {element: {parameter: path}}"}};
  }
  std::vector<dsl::Diagnostic> errors;
  std::string text = message.value("text", "");
  dsl::Topology topology = dsl::Parse(text, file, &errors);
  dsl::ApplyAbsolutePaths(absolute_paths, &topology);
  std::vector<std::string> known_nodes;
  for (const auto& [node_name, node] : nodes_) known_nodes.push_back(node_name);
  dsl::CheckOptions options = dsl::RegistryCheckOptions(std::move(known_nodes));
  if (errors.empty()) dsl::Check(topology, options, &errors);
  if (!errors.empty()) {
    Json list = Json::array();
    for (const auto& e : errors) list.push_back(e.ToString());
    return {{"ok", false}, {"errors", list}};
  }
  // Capacity and current load: every live element counts on its node.
  std::vector<NodeInfo> nodes;
  for (const auto& [node_name, node] : nodes_) {
    if (!node.alive) continue;
    nodes.push_back(NodeInfo{node_name, node.cores, LiveElementsOn(node_name)});
  }
  std::vector<control::ElementPlan> plans;
  Status st = PlanTopology(topology, name, nodes, &plans);
  if (!st.ok()) return {{"ok", false}, {"error", st.message()}};

  TopologyRecord& record = topologies_[name];
  record.name = name;
  record.file = file;
  record.text = text;
  record.search_path = search_path;
  for (auto& plan : plans) {
    plan.search_path = search_path;
    ElementRecord& element = record.elements[plan.name];
    element.plan = std::move(plan);
  }
  Save(record);
  for (auto& [element_name, element] : record.elements) {
    SendToNode(element.plan.node, {{"op", "spawn"}, {"plan", control::ToJson(element.plan)}});
    element.state = ElementState::kSpawned;
    Save(record, element);
  }
  Event(name, "", fmt::format("submitted ({} elements)", record.elements.size()));
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
                        {"logs_in", e.earlier_in + e.stats.value("logs_in", uint64_t{0})},
                        {"logs_out", e.earlier_out + e.stats.value("logs_out", uint64_t{0})},
                        {"queue", queued[element_name]},
                        {"blocked_share", e.blocked_share},
                        {"busy_share", e.busy_share},
                        {"cpu_percent", e.stats.value("cpu_percent", 0.0)},
                        {"rss_bytes", e.stats.value("rss_bytes", uint64_t{0})},
                        {"restarts", e.restarts},
                        {"moves", e.moves},
                        {"last_exit", e.last_exit},
                        {"age_s", std::chrono::duration<double>(Clock::now() - e.started).count()},
                        {"error", e.error},
                        {"endpoints", e.endpoints},
                        {"stats", e.stats}});
  }
  return {{"ok", true}, {"name", name}, {"state", StateName(t.state)}, {"failure", t.failure}, {"elements", elements}};
}

Json Master::NodesJson() const {
  Json list = Json::array();
  for (const auto& [name, node] : nodes_) {
    int elements = LiveElementsOn(name);
    list.push_back({{"name", name},
                    {"address", node.address},
                    {"state", node.alive ? "alive" : "dead"},
                    {"cores", node.cores},
                    {"memory_mb", node.memory_mb},
                    {"cpu_percent", node.cpu_percent},
                    {"memory_used_mb", node.memory_used_mb},
                    {"elements", elements},
                    {"last_seen_s", std::chrono::duration<double>(Clock::now() - node.last_seen).count()},
                    // Control messages a full queue held back (sent later) or lost, both ways.
                    {"to_node", {{"waiting", node.outbox.waiting()}, {"deferred", node.outbox.deferred()},
                                 {"dropped", node.outbox.dropped()}}},
                    {"to_master", node.to_master}});
  }
  return list;
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

void Master::FromCaretaker(const std::string& peer, const Json& message) {
  std::string op = message.value("op", "");
  std::string node_name = peer.substr(5, peer.find('#', 5) - 5);  // "node:NAME#TOKEN"
  if (op == "join" || op == "heartbeat") {
    if (!message.value("elements", Json::array()).is_array() || !message.value("finished", Json::array()).is_array() ||
        (message.contains("cores") && !message["cores"].is_number_integer()) ||
        (message.contains("address") && !message["address"].is_string())) {
      // Checked before the node counts as alive: it could be given elements.
      Malformed(peer, fmt::format("a {} with fields of the wrong type", op));
      return;
    }
    NodeRecord& node = nodes_[node_name];
    bool back = !node.alive;
    bool joined = node.name.empty();
    node.name = node_name;
    node.peer = peer;
    node.cores = std::max(1, message.value("cores", node.cores));
    node.memory_mb = message.value("memory_mb", node.memory_mb);
    node.address = message.value("address", node.address);
    node.cpu_percent = message.value("cpu_percent", node.cpu_percent);
    node.memory_used_mb = message.value("memory_used_mb", node.memory_used_mb);
    node.last_seen = Clock::now();
    node.alive = true;
    if (joined || back) {
      spdlog::debug("master: node '{}' {} ({} cores)", node_name, back ? "is back" : "joined", node.cores);
      Event("", "", fmt::format("node {} {}", node_name, back ? "is back" : "joined"));
    }
    if (op == "heartbeat") Heartbeat(node, message);
    return;
  }
  if (op == "left") {
    if (auto it = nodes_.find(node_name); it != nodes_.end() && it->second.peer != peer) return;  // not its current life
    // A caretaker shutting down stops its elements first; one that leaves
    // with elements still to run is a node lost like any other.
    bool stranded = false;
    for (const auto& [tname, t] : topologies_) {
      for (const auto& [ename, e] : t.elements) stranded = stranded || (Active(t.state) && e.plan.node == node_name && !e.exited);
    }
    if (auto it = nodes_.find(node_name); it != nodes_.end() && it->second.alive && stranded) NodeDied(node_name, "left");
    nodes_.erase(node_name);
    return;
  }
  auto node = nodes_.find(node_name);
  if (node != nodes_.end()) node->second.last_seen = Clock::now();
  if (op == "handler_reply" || op == "logs_reply") {
    auto waiter = waiters_.find(message.value("request", uint64_t{0}));
    if (waiter != waiters_.end()) {
      Json reply = message;
      reply["ok"] = !message.contains("error");
      control::SendTo(*socket_, waiter->second, reply);
      waiters_.erase(waiter);
    }
    return;
  }

  TopologyRecord* topology = nullptr;
  ElementRecord* element = Find(message.value("element", ""), &topology);
  if (!element) return;  // a topology that was removed meanwhile
  if (element->plan.node != node_name) {
    // A copy on a node it was moved away from (that node was declared dead
    // and came back): it must go, and nothing it says counts.
    if (op != "exited") SendToNode(node_name, {{"op", "kill_element"}, {"element", message.value("element", "")}});
    return;
  }
  if (message.contains("pid") && message["pid"].get<int>() > 0) element->pid = message["pid"].get<int>();
  if (message.contains("stats")) {
    const Json& stats = message["stats"];
    if (element->stats.contains("started_unix_ms") &&
        stats.value("started_unix_ms", int64_t{0}) != element->stats.value("started_unix_ms", int64_t{0})) {
      // A new life: its counters start again; the totals keep the old ones.
      element->earlier_in += element->stats.value("logs_in", uint64_t{0});
      element->earlier_out += element->stats.value("logs_out", uint64_t{0});
      element->stats = Json::object();
    }
    if (element->stats.contains("time_ms")) {
      double dt = (stats.value("time_ms", 0.0) - element->stats.value("time_ms", 0.0)) / 1000.0;
      if (dt > 0) {
        element->in_rate = (stats.value("logs_in", 0.0) - element->stats.value("logs_in", 0.0)) / dt;
        element->out_rate = (stats.value("logs_out", 0.0) - element->stats.value("logs_out", 0.0)) / dt;
        element->blocked_share = std::clamp(
            (stats.value("blocked_ms", 0.0) - element->stats.value("blocked_ms", 0.0)) / (dt * 1000.0), 0.0, 1.0);
        element->busy_share = std::clamp(
            (stats.value("busy_ms", 0.0) - element->stats.value("busy_ms", 0.0)) / (dt * 1000.0), 0.0, 1.0);
      }
    }
    element->stats = stats;
  }
  std::string id = topology->name + "/" + element->plan.name;
  if (op == "spawned") {
    element->restarts = std::max(element->restarts, message.value("restarts", 0));
    element->confirmed = true;
    Save(*topology, *element);
  } else if (op == "bound") {
    element->endpoints = message["endpoints"];
    element->state = ElementState::kBound;
    if (message.value("restarted", false)) {
      // Its caretaker wired it from our last word; only upstreams need to
      // hear if an address changed (the old one was taken meanwhile).
      element->wired = true;
      RewireUpstreams(*topology, element->plan.name);
    } else if (element->moves > 0) {
      RewireUpstreams(*topology, element->plan.name);
    }
    Wire(*topology);
    Save(*topology, *element);
  } else if (op == "started") {
    element->state = ElementState::kRunning;
    element->started = Clock::now();
    element->error.clear();  // an earlier life's failure is history now (last_exit, events)
    bool all = true;
    for (const auto& [n, e] : topology->elements) all = all && e.state != ElementState::kSpawned && e.state != ElementState::kBound;
    if (all && topology->state == TopologyState::kStarting) {
      topology->state = TopologyState::kRunning;
      Save(*topology);
    }
    Save(*topology, *element);
  } else if (op == "link_done") {
    element->ended_links.insert(message.value("link", ""));
    Save(*topology, *element);
  } else if (op == "restarting") {
    element->state = ElementState::kRestarting;
    element->restarts = message.value("restarts", element->restarts + 1);
    element->last_exit = message.value("last_exit", "");
    Event(topology->name, element->plan.name,
          fmt::format("{}; restart {} on {}", element->last_exit, element->restarts, node_name));
    Save(*topology, *element);
  } else if (op == "ended") {
    element->state = ElementState::kEnded;
    Save(*topology, *element);
  } else if (op == "stopped") {
    element->state = ElementState::kStopped;
    Save(*topology, *element);
  } else if (op == "failed") {
    element->error = message.value("error", "failed");
    if (message.value("will_restart", false)) {
      element->state = ElementState::kRestarting;  // restart policy "always": its caretaker brings it back
    } else {
      element->state = ElementState::kFailed;
      FailTopology(*topology, fmt::format("element '{}' ({}) failed: {}", element->plan.name, element->plan.class_name, element->error));
    }
    Save(*topology, *element);
  } else if (op == "exited") {
    Exited(*topology, *element, message);
  }
  Settle(*topology);
}

void Master::Exited(TopologyRecord& topology, ElementRecord& element, const Json& message) {
  if (element.exited) return;  // told again by a heartbeat
  element.exited = true;
  element.confirmed = true;
  element.restarts = std::max(element.restarts, message.value("restarts", 0));
  int code = message.value("code", -1);
  bool signalled = message.contains("signal");
  std::string how = message.value("last_exit", "");
  if (how.empty()) how = signalled ? fmt::format("killed by signal {}", message["signal"].get<int>()) : fmt::format("exited with status {}", code);
  if (!Final(element.state) && message.value("said_ended", false) && code == 0 && !signalled) {
    element.state = ElementState::kEnded;  // it said so, and that word of it was lost on the way
  } else if (!Final(element.state) && message.value("stopped", false)) {
    element.state = ElementState::kStopped;  // its caretaker stopped it on our word (its own word may be lost)
  } else if (!Final(element.state)) {
    element.state = ElementState::kFailed;
    element.last_exit = how;
    element.error = element.restarts > 0 ? fmt::format("{} after {} restarts", how, element.restarts) : how + " before ending";
    if (element.plan.restart != control::RestartPolicy::kNever && element.restarts >= element.plan.restart_limit) {
      element.error += fmt::format(" (restart_limit {} reached)", element.plan.restart_limit);
    }
    FailTopology(topology, fmt::format("element '{}' ({}) {}", element.plan.name, element.plan.class_name, element.error));
  } else if (element.state == ElementState::kEnded && (signalled || code != 0)) {
    element.state = ElementState::kFailed;
    element.error = fmt::format("exited with status {} after ending", code);
    FailTopology(topology, fmt::format("element '{}' ({}) {}", element.plan.name, element.plan.class_name, element.error));
  }
  Save(topology, element);
}

void Master::Heartbeat(NodeRecord& node, const Json& message) {
  SendToNode(node.name, {{"op", "heartbeat_ack"}}, "heartbeat_ack");
  if (message.contains("to_master") && message["to_master"].is_object()) node.to_master = message["to_master"];
  std::set<std::string> seen;
  for (const Json& running : message.value("elements", Json::array())) {
    std::string id = running.value("element", "");
    seen.insert(id);
    TopologyRecord* topology = nullptr;
    ElementRecord* element = Find(id, &topology);
    if (!element || element->plan.node != node.name || !Active(topology->state) || element->exited) {
      // Unknown here, moved away while this node was silent, or of a
      // topology that ended while we were down: it must not go on.
      if (!element || element->plan.node != node.name || !Active(topology->state)) {
        SendToNode(node.name, {{"op", "kill_element"}, {"element", id}});
      }
      continue;
    }
    if (!element->confirmed) {
      // Re-adopted after our own restart: the element never stopped.
      element->confirmed = true;
      element->pid = running.value("pid", element->pid);
      std::string state = running.value("state", "");
      if (state == "running") element->state = ElementState::kRunning;
      else if (state == "restarting") element->state = ElementState::kRestarting;
      else if (state == "ended") element->state = ElementState::kEnded;
      if (element->endpoints.empty()) element->endpoints = running.value("endpoints", Json::object());
      element->wired = true;
      Event(topology->name, element->plan.name, fmt::format("re-adopted on {} (pid {})", node.name, element->pid));
    }
    element->restarts = std::max(element->restarts, running.value("restarts", 0));
    std::string last_exit = running.value("last_exit", "");
    if (!last_exit.empty()) element->last_exit = last_exit;
    for (const Json& link : running.value("ended_links", Json::array())) element->ended_links.insert(link.get<std::string>());
    Save(*topology, *element);
  }
  // Exits the caretaker tells again: one we missed while down counts now.
  for (const Json& exit : message.value("finished", Json::array())) {
    TopologyRecord* topology = nullptr;
    ElementRecord* element = Find(exit.value("element", ""), &topology);
    if (!element || element->plan.node != node.name || element->exited) continue;
    Exited(*topology, *element, exit);
    Settle(*topology);
  }
}

// Tells every element whose outputs all have addresses where they go; an
// element is wired once per placement.
void Master::Wire(TopologyRecord& topology) {
  auto endpoint_of = [&](const std::string& link_id) -> std::string {
    std::string target = link_id.substr(link_id.find('>') + 1);  // "element.port"
    size_t dot = target.find('.');
    auto it = topology.elements.find(target.substr(0, dot));
    if (it == topology.elements.end()) return "";
    return it->second.endpoints.value(target.substr(dot + 1), "");
  };
  for (auto& [name, e] : topology.elements) {
    if (e.wired || e.exited || e.state != ElementState::kBound) continue;
    control::ElementPlan wiring = e.plan;
    bool complete = true;
    for (auto* ports : {&wiring.push_out, &wiring.query_out}) {
      for (auto& port : *ports) {
        for (auto& link : port.links) {
          link.endpoint = endpoint_of(link.id);
          complete = complete && !link.endpoint.empty();
        }
      }
    }
    if (!complete) continue;  // a receiver is still binding (or being placed again)
    if (SendToNode(e.plan.node, {{"op", "connect"}, {"element", topology.name + "/" + name}, {"plan", control::ToJson(wiring)}})) {
      e.wired = true;
    }
  }
}

// `moved` has new addresses: every wired element sending to it is told.
void Master::RewireUpstreams(TopologyRecord& topology, const std::string& moved) {
  for (auto& [name, e] : topology.elements) {
    if (!e.wired || e.exited || name == moved) continue;
    Json links = Json::object();
    for (const auto* ports : {&e.plan.push_out, &e.plan.query_out}) {
      for (const auto& port : *ports) {
        for (const auto& link : port.links) {
          std::string target = link.id.substr(link.id.find('>') + 1);
          size_t dot = target.find('.');
          if (target.substr(0, dot) != moved) continue;
          std::string endpoint = topology.elements.at(moved).endpoints.value(target.substr(dot + 1), "");
          if (!endpoint.empty()) links[link.id] = endpoint;
        }
      }
    }
    if (!links.empty()) SendToNode(e.plan.node, {{"op", "rewire"}, {"element", topology.name + "/" + name}, {"links", links}});
  }
}

// ------------------------------------------------------------ node loss

void Master::CheckNodes() {
  Clock::time_point now = Clock::now();
  const Clock::duration timeout = node_timeout_;
  std::vector<std::string> dead;
  for (auto& [name, node] : nodes_) {
    if (node.alive && now - node.last_seen > timeout) dead.push_back(name);
  }
  for (const std::string& name : dead) {
    NodeDied(name, fmt::format("silent for more than {} s", options_.node_timeout_s));
  }
  // After our own restart: a node that never spoke up again since is as
  // good as dead for the elements the registry placed on it.
  if (now - started_ > timeout) {
    std::set<std::string> unheard;
    for (auto& [tname, t] : topologies_) {
      if (!Active(t.state)) continue;
      for (auto& [ename, e] : t.elements) {
        if (!e.confirmed && !e.exited && !nodes_.count(e.plan.node)) unheard.insert(e.plan.node);
      }
    }
    for (const std::string& node : unheard) NodeDied(node, "not heard from since the master restarted");
  }
}

void Master::NodeDied(const std::string& node_name, const std::string& why) {
  if (auto it = nodes_.find(node_name); it != nodes_.end()) {
    it->second.alive = false;
    it->second.outbox.Clear();  // counted as dropped; a node back is told again from state
  }
  spdlog::warn("master: node '{}' is dead ({}); placing its elements elsewhere", node_name, why);
  Event("", "", fmt::format("node {} dead: {}", node_name, why));
  for (auto& [tname, t] : topologies_) {
    if (!Active(t.state)) continue;
    for (auto& [ename, e] : t.elements) {
      if (e.plan.node == node_name && !e.exited) Move(t, e);
    }
    Settle(t);
  }
}

int Master::LiveElementsOn(const std::string& node) const {
  int count = 0;
  for (const auto& [tname, t] : topologies_) {
    for (const auto& [ename, e] : t.elements) count += e.plan.node == node && !e.exited;
  }
  return count;
}

std::string Master::PickNode(const std::string& avoid) const {
  std::string best;
  double best_load = 0;
  for (const auto& [name, node] : nodes_) {
    if (!node.alive || name == avoid) continue;
    int elements = LiveElementsOn(name);
    double load = static_cast<double>(elements) / node.cores + node.cpu_percent / 1000.0;
    if (best.empty() || load < best_load) {
      best = name;
      best_load = load;
    }
  }
  return best;
}

void Master::Move(TopologyRecord& topology, ElementRecord& element) {
  std::string from = element.plan.node;
  std::string to = PickNode(from);
  if (to.empty()) {
    element.state = ElementState::kFailed;
    element.exited = true;
    element.error = fmt::format("node {} died and no live node is left to run it", from);
    FailTopology(topology, fmt::format("element '{}' ({}): {}", element.plan.name, element.plan.class_name, element.error));
    Save(topology, element);
    return;
  }
  // Its inputs bind new addresses there; its upstreams are rewired once it
  // has them, and their replay of what it never acked is what it resumes
  // from. Inputs that had ended for good stay ended.
  element.plan.node = to;
  element.state = ElementState::kSpawned;
  element.endpoints = Json::object();
  element.wired = false;
  element.confirmed = true;
  element.pid = 0;
  ++element.moves;
  element.last_exit = fmt::format("node {} died", from);
  SendToNode(to, {{"op", "spawn"}, {"plan", control::ToJson(element.plan)}, {"ended_links", element.ended_links}});
  Event(topology.name, element.plan.name, fmt::format("moved from {} (dead) to {}", from, to));
  Save(topology, element);
}

// ------------------------------------------------------------ ending

void Master::FailTopology(TopologyRecord& topology, const std::string& why) {
  if (topology.state == TopologyState::kFailed || topology.state == TopologyState::kStopped) return;
  if (topology.failure.empty()) topology.failure = why;
  spdlog::info("{}: {}", topology.name, why);  // the client reports it to the user
  Event(topology.name, "", "failed: " + why);
  StopTopology(topology, TopologyState::kFailed);
}

void Master::StopTopology(TopologyRecord& topology, TopologyState final_state) {
  topology.state = final_state;
  std::set<std::string> nodes;
  for (const auto& [name, e] : topology.elements) nodes.insert(e.plan.node);
  for (const std::string& node : nodes) SendToNode(node, {{"op", "stop"}, {"topology", topology.name}});
  Save(topology);
  // Elements on a node that is gone will never say they exited.
  for (auto& [name, e] : topology.elements) {
    auto node = nodes_.find(e.plan.node);
    if (!e.exited && (node == nodes_.end() || !node->second.alive)) {
      e.exited = true;
      if (!Final(e.state)) e.state = ElementState::kStopped;
      Save(topology, e);
    }
  }
  Settle(topology);
}

void Master::Settle(TopologyRecord& topology) {
  for (const auto& [name, e] : topology.elements) {
    if (!e.exited) return;
  }
  TopologyState before = topology.state;
  if (topology.state == TopologyState::kStopping) {
    topology.state = TopologyState::kStopped;  // drained before its deadline
  } else if (topology.state == TopologyState::kStarting || topology.state == TopologyState::kRunning) {
    topology.state = TopologyState::kDone;
    spdlog::debug("master: topology '{}' done", topology.name);
  }
  if (topology.state != before) {
    Save(topology);
    Event(topology.name, "", StateName(topology.state));
  }
}

}  // namespace

std::string DefaultRegistryPath() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) return std::string(state) + "/datablox/master.db";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/state/datablox/master.db";
  return "datablox-master.db";
}

int RunMaster(const MasterOptions& options) {
  Master master(options);
  return master.Run();
}

}  // namespace datablox
