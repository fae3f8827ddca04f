// What the CLI asks the master: submit, status, list, events, stop and
// kill, nodes; handler and logs requests are relayed to the element's node.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>

#include "datablox/element.h"
#include "dsl/loader.h"
#include "dsl/path_params.h"
#include "runtime/core/client_replies.h"
#include "runtime/master/master_daemon.h"
#include "runtime/master/metrics_text.h"
#include "runtime/master/planner.h"
#include "runtime/master/web_state.h"

namespace datablox::master {

Json Refuse(std::string why) { return control::ToJson(control::Refusal{std::move(why), {}}); }

Json Master::Submit(const control::Submit& request) {
  const std::string& file = request.file;
  std::string name = request.name.value_or("");
  if (name.empty()) name = std::filesystem::path(file).stem().string();
  auto existing = topologies_.find(name);
  if (existing != topologies_.end()) {
    if (Active(existing->second.state)) {
      return Refuse(fmt::format("topology '{}' is running already", name));
    }
    topologies_.erase(existing);
    Status st = store_->RemoveTopology(name);
    if (!st.ok()) spdlog::warn("master: {}", st.message());
  }
  // Path parameters the CLI made absolute where the user is; the text keeps
  // what was written, so that every error's position holds.
  dsl::AbsolutePaths absolute_paths;
  try {
    if (request.absolute_paths) absolute_paths = request.absolute_paths->get<dsl::AbsolutePaths>();
  } catch (const Json::exception&) {
    return Refuse("malformed submit: absolute_paths must be {element: {parameter: path}}");
  }
  std::vector<dsl::Diagnostic> errors;
  dsl::Topology topology = dsl::Parse(request.text, file, &errors);
  dsl::ApplyAbsolutePaths(absolute_paths, &topology);
  std::vector<std::string> known_nodes;
  for (const auto& [node_name, node] : nodes_) known_nodes.push_back(node_name);
  // Its classes from the folders it names that the operator allowed,
  // loaded by the inspector: an edited Python class is seen on the next submit.
  InspectedClasses classes;
  std::vector<std::string> refused, search_path;
  if (errors.empty()) {
    search_path = CheckClasses(topology, request.search_path.value_or(std::vector<std::string>{}),
                               std::move(known_nodes), &classes, &errors, &refused);
  }
  if (!errors.empty()) {
    control::Refusal refusal;
    for (const auto& e : errors) refusal.errors.push_back(e.ToString());
    // A class not found where the topology said it is: which folders were
    // not looked in, and how to allow them.
    if (!refused.empty()) refusal.error = RefusedFoldersNote(refused, class_folders_);
    return control::ToJson(refusal);
  }
  // Capacity and current load: every live element counts on its node.
  Placement placement = LiveNodes();
  std::vector<control::ElementPlan> plans;
  Status st = PlanTopology(topology, name, &placement, &plans);
  if (!st.ok()) return Refuse(st.message());

  TopologyRecord& record = topologies_[name];
  record.name = name;
  record.file = file;
  record.text = request.text;
  record.search_path = search_path;
  record.absolute_paths = request.absolute_paths.value_or(Json::object());
  record.topology = std::make_shared<const dsl::Topology>(std::move(topology));
  AdoptShards(record, classes);
  AdoptCheckpoints(record, *record.topology);
  if (options_.curve_links) {
    Status keyed = MakeLinkCurve(&record.curve);
    if (!keyed.ok()) {
      topologies_.erase(name);
      return Refuse(keyed.message());
    }
  }
  for (auto& plan : plans) {
    plan.search_path = search_path;
    plan.curve = record.curve;
    plan.checkpoints = record.checkpoints != nullptr;
    ElementRecord& element = record.elements[plan.name];
    element.plan = std::move(plan);
  }
  Save(record);
  for (const auto& [shard_name, shard] : record.shards) Save(record, shard);
  for (auto& [element_name, element] : record.elements) {
    SendToNode(element.plan.node, control::ToJson(control::Spawn{element.plan, std::nullopt, std::nullopt}));
    element.state = ElementState::kSpawned;
    Save(record, element);
  }
  Event(name, "", fmt::format("submitted ({} elements)", record.elements.size()));
  return control::ToJson(control::SubmitReply{name});
}

Json Master::StatusOf(const std::string& name) const {
  auto it = topologies_.find(name);
  if (it == topologies_.end()) return Refuse(fmt::format("no topology '{}'", name));
  control::StatusReply reply = StatusReplyOf(it->second);
  if (const auto& curve = it->second.curve)
    reply.call_keys = control::CallKeys{curve->client_public_key, curve->client_secret_key, curve->public_key};
  return control::ToJson(reply);
}

control::StatusReply Master::StatusReplyOf(const TopologyRecord& t) const {
  const std::string& name = t.name;
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
  control::StatusReply reply{name, StateName(t.state), t.failure, {}, {}, std::nullopt};
  for (const auto& [element_name, e] : t.elements) {
    control::ElementStatus& status = reply.elements.emplace_back();
    status.name = element_name;
    status.class_name = e.plan.class_name;
    status.node = e.plan.node;
    status.pid = e.pid;
    status.state = StateName(e.state);
    status.in_rate = e.in_rate;
    status.out_rate = e.out_rate;
    status.logs_in = e.earlier_in + e.stats.value("logs_in", uint64_t{0});
    status.logs_out = e.earlier_out + e.stats.value("logs_out", uint64_t{0});
    status.queue = queued[element_name];
    status.blocked_share = e.blocked_share;
    status.busy_share = e.busy_share;
    status.cpu_percent = e.stats.value("cpu_percent", 0.0);
    status.rss_bytes = e.stats.value("rss_bytes", uint64_t{0});
    status.restarts = e.restarts;
    status.moves = e.moves;
    status.last_exit = e.last_exit;
    status.age_s = std::chrono::duration<double>(Clock::now() - e.started).count();
    status.error = e.error;
    status.endpoints = e.endpoints;
    status.stats = e.stats;
    if (e.plan.member) status.shard = e.plan.member->shard;
  }
  reply.shards = ShardsStatus(t);
  return reply;
}

Json Master::List() const {
  control::ListReply reply;
  for (const auto& [name, t] : topologies_) {
    reply.topologies.push_back({name, StateName(t.state), t.elements.size(), t.file});
  }
  return control::ToJson(reply);
}

Json Master::Events(const control::EventsRequest& request) const {
  std::vector<EventRow> events;
  Status st = store_->Events(request.topology, request.limit.value_or(50), &events);
  if (!st.ok()) return Refuse(st.message());
  control::EventsReply reply;
  for (const EventRow& e : events) reply.events.push_back({e.unix_ms, e.topology, e.element, e.what});
  return control::ToJson(reply);
}

Json Master::Kill(const std::string& name, double wait_s) {
  auto it = topologies_.find(name);
  if (it == topologies_.end()) return Refuse(fmt::format("no topology '{}'", name));
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
    return control::ToJson(control::KillReply{wait_s});
  }
  StopTopology(t, TopologyState::kStopped);
  return control::ToJson(control::KillReply{});
}

Json Master::Nodes() const { return control::ToJson(NodesReplyNow()); }

control::NodesReply Master::NodesReplyNow() const {
  control::NodesReply reply;
  for (const auto& [name, node] : nodes_) {
    control::NodeStatus& status = reply.nodes.emplace_back();
    status.name = name;
    status.address = node.address;
    status.state = node.alive ? "alive" : "dead";
    status.cores = node.cores;
    status.memory_mb = node.memory_mb;
    status.cpu_percent = node.cpu_percent;
    status.memory_used_mb = node.memory_used_mb;
    status.elements = LiveElementsOn(name);
    status.last_seen_s = std::chrono::duration<double>(Clock::now() - node.last_seen).count();
    // Control messages a full queue held back (sent later) or lost, both ways.
    status.to_node = {node.outbox.waiting(), node.outbox.deferred(), node.outbox.dropped()};
    status.to_master = node.to_master;
  }
  reply.security = SecurityNow();
  return reply;
}

void Master::Relay(const std::string& client, const std::string& id, uint64_t request, const Json& forward) {
  TopologyRecord* topology = nullptr;
  ElementRecord* element = Find(id, &topology);
  if (!element) {
    control::SendTo(*socket_, client, Refuse(fmt::format("no element '{}'", id)));
    return;
  }
  if (!SendToNode(element->plan.node, forward)) {
    control::SendTo(*socket_, client, Refuse(fmt::format("node '{}' of '{}' is unreachable", element->plan.node, id)));
    return;
  }
  waiters_[request] = client;
}

void Master::PublishMetrics() {
  if (!http_ || Clock::now() < next_metrics_) return;
  next_metrics_ = Clock::now() + kMetricsEvery;
  std::vector<control::StatusReply> topologies;
  for (const auto& [name, t] : topologies_) topologies.push_back(StatusReplyOf(t));
  const control::NodesReply nodes = NodesReplyNow();
  const double uptime_s = std::chrono::duration<double>(Clock::now() - started_).count();
  // The web view's state (every link, the events read from the registry)
  // only while a page polls for it; until then its first poll gets what
  // was rendered last, or nothing, and the next one a fresh state.
  std::string state;
  if (http_->StateWatched() || !state_published_) {
    std::vector<std::vector<WebLink>> links;
    std::vector<std::vector<control::EventItem>> events;
    for (const auto& [name, t] : topologies_) {
      links.push_back(LinksOf(t));
      std::vector<EventRow> rows;
      (void)store_->Events(name, kWebEvents, &rows);  // a failed read shows none, and the next one tries again
      auto& items = events.emplace_back();
      for (const EventRow& e : rows) items.push_back({e.unix_ms, e.topology, e.element, e.what});
    }
    state = WebStateJson(topologies, links, events, nodes, uptime_s, options_.http_writes);
    state_published_ = true;
  }
  http_->Publish(RenderMetrics(topologies, nodes, {uptime_s, malformed_}), std::move(state));
}

}  // namespace datablox::master
