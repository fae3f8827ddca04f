// What the CLI asks the master: submit, status, list, events, stop and
// kill, nodes; handler and logs requests are relayed to the element's node.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>

#include "datablox/element.h"
#include "dsl/loader.h"
#include "dsl/path_params.h"
#include "runtime/master/master_daemon.h"
#include "runtime/master/planner.h"

namespace datablox::master {

Json Master::Submit(const control::Submit& request) {
  const std::string& file = request.file;
  std::string name = request.name.value_or("");
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
  std::vector<std::string> search_path = request.search_path.value_or(std::vector<std::string>{});
  // This submit's folders only, and its classes read afresh: an edited
  // Python class is seen without a restart of the master.
  ClassTable::Global().set_search_path(search_path);
  ClassTable::Global().forget_loaded();
  // Path parameters the CLI made absolute where the user is; the text keeps
  // what was written, so that every error's position holds.
  dsl::AbsolutePaths absolute_paths;
  try {
    if (request.absolute_paths) absolute_paths = request.absolute_paths->get<dsl::AbsolutePaths>();
  } catch (const Json::exception&) {
    return {{"ok", false}, {"error", "malformed submit: absolute_paths must be {element: {parameter: path}}"}};
  }
  std::vector<dsl::Diagnostic> errors;
  dsl::Topology topology = dsl::Parse(request.text, file, &errors);
  dsl::ApplyAbsolutePaths(absolute_paths, &topology);
  std::vector<std::string> known_nodes;
  for (const auto& [node_name, node] : nodes_) known_nodes.push_back(node_name);
  dsl::CheckOptions options = dsl::ClassTableCheckOptions(std::move(known_nodes));
  if (errors.empty()) dsl::Check(topology, options, &errors);
  if (!errors.empty()) {
    Json list = Json::array();
    for (const auto& e : errors) list.push_back(e.ToString());
    return {{"ok", false}, {"errors", list}};
  }
  // Capacity and current load: every live element counts on its node.
  Placement placement = LiveNodes();
  std::vector<control::ElementPlan> plans;
  Status st = PlanTopology(topology, name, &placement, &plans);
  if (!st.ok()) return {{"ok", false}, {"error", st.message()}};

  TopologyRecord& record = topologies_[name];
  record.name = name;
  record.file = file;
  record.text = request.text;
  record.search_path = search_path;
  record.topology = std::make_shared<const dsl::Topology>(std::move(topology));
  AdoptShards(record);
  for (auto& plan : plans) {
    plan.search_path = search_path;
    ElementRecord& element = record.elements[plan.name];
    element.plan = std::move(plan);
  }
  Save(record);
  for (auto& [element_name, element] : record.elements) {
    SendToNode(element.plan.node, control::ToJson(control::Spawn{element.plan, std::nullopt}));
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
      control::LinkId id;
      if (!control::ParseLinkId(link.value("id", ""), &id).ok()) continue;
      queued[id.to_element] += link.value("in_flight", uint64_t{0});
    }
  }
  Json elements = Json::array();
  for (const auto& [element_name, e] : t.elements) {
    elements.push_back({{"name", element_name},
                        {"shard", e.plan.member ? Json(e.plan.member->shard) : Json()},
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
  return {{"ok", true},           {"name", name},         {"state", StateName(t.state)},
          {"failure", t.failure}, {"elements", elements}, {"shards", ShardsJson(t)}};
}

Json Master::List() const {
  Json list = Json::array();
  for (const auto& [name, t] : topologies_) {
    list.push_back({{"name", name}, {"state", StateName(t.state)}, {"elements", t.elements.size()}, {"file", t.file}});
  }
  return {{"ok", true}, {"topologies", list}};
}

Json Master::Events(const control::EventsRequest& request) const {
  std::vector<EventRow> events;
  Status st = store_->Events(request.topology, request.limit.value_or(50), &events);
  Json list = Json::array();
  for (const EventRow& e : events) {
    list.push_back({{"unix_ms", e.unix_ms}, {"topology", e.topology}, {"element", e.element}, {"what", e.what}});
  }
  return st.ok() ? Json{{"ok", true}, {"events", list}} : Json{{"ok", false}, {"error", st.message()}};
}

Json Master::Kill(const std::string& name, double wait_s) {
  auto it = topologies_.find(name);
  if (it == topologies_.end()) return {{"ok", false}, {"error", fmt::format("no topology '{}'", name)}};
  TopologyRecord& t = it->second;
  if (wait_s > 0 && (t.state == TopologyState::kRunning || t.state == TopologyState::kStarting)) {
    // Drain: sources stop, END flows for up to wait_s, then whatever is left is stopped.
    t.state = TopologyState::kStopping;
    t.drain_deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(wait_s * 1000));
    std::set<std::string> nodes;
    for (const auto& [element_name, e] : t.elements) nodes.insert(e.plan.node);
    for (const std::string& node : nodes) SendToNode(node, control::ToJson(control::Drain{t.name}));
    Save(t);
    Event(t.name, "", fmt::format("draining for up to {} s", wait_s));
    return {{"ok", true}, {"draining_s", wait_s}};
  }
  StopTopology(t, TopologyState::kStopped);
  return {{"ok", true}};
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
                    {"to_node",
                     {{"waiting", node.outbox.waiting()},
                      {"deferred", node.outbox.deferred()},
                      {"dropped", node.outbox.dropped()}}},
                    {"to_master", node.to_master}});
  }
  return list;
}

void Master::Relay(const std::string& client, const std::string& id, uint64_t request, const Json& forward) {
  TopologyRecord* topology = nullptr;
  ElementRecord* element = Find(id, &topology);
  if (!element) {
    control::SendTo(*socket_, client, {{"ok", false}, {"error", fmt::format("no element '{}'", id)}});
    return;
  }
  if (!SendToNode(element->plan.node, forward)) {
    control::SendTo(
        *socket_, client,
        {{"ok", false}, {"error", fmt::format("node '{}' of '{}' is unreachable", element->plan.node, id)}});
    return;
  }
  waiters_[request] = client;
}

}  // namespace datablox::master
