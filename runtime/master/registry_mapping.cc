// The master's records to and from the registry's rows (registry_store.h
// holds the SQL): every change of state is written, and a master started
// again reads it all back and re-adopts what its caretakers still run.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "datablox/element.h"
#include "dsl/loader.h"
#include "dsl/path_params.h"
#include "runtime/master/master_daemon.h"
#include "runtime/master/shard_members.h"

namespace datablox::master {
namespace {

// Member ids, ascending, as SaveShard wrote them; false for anything else.
bool ReadMembers(const Json& json, std::vector<int>* members) {
  if (!json.is_array()) return false;
  members->clear();
  for (const Json& id : json) {
    if (!id.is_number_integer()) return false;
    members->push_back(id.get<int>());
  }
  return std::is_sorted(members->begin(), members->end());
}

}  // namespace

void Master::Load() {
  std::vector<TopologyRow> topologies;
  std::vector<ElementRow> elements;
  std::vector<ShardRow> shards;
  Status st = store_->Load(&topologies, &elements);
  if (st.ok()) st = store_->LoadShards(&shards);
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
    Json absolute_paths = Json::parse(row.absolute_paths_json, nullptr, false);
    if (absolute_paths.is_object()) t.absolute_paths = std::move(absolute_paths);
    t.stop_after_checkpoint = row.stop_after_checkpoint && Active(t.state);
    if (t.state == TopologyState::kStopping) t.drain_deadline = Clock::now();  // the drain's time ran out meanwhile
  }
  size_t adopted = 0;
  for (const ElementRow& row : elements) {
    auto t = topologies_.find(row.topology);
    if (t == topologies_.end()) continue;
    control::ElementPlan plan;
    Status plan_ok = control::FromJson(Json::parse(row.plan_json, nullptr, false), &plan);
    if (!plan_ok.ok()) {
      spdlog::warn("master: registry {}: element {}/{} skipped: {}", options_.registry, row.topology, row.name,
                   plan_ok.message());
      continue;
    }
    // The topology's link key lives in its plans: a member planned later
    // gets the same one.
    if (plan.curve && !t->second.curve) t->second.curve = plan.curve;
    t->second.epoch = std::max(t->second.epoch, plan.epoch);
    ElementRecord& e = t->second.elements[row.name];
    e.plan = std::move(plan);
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
  for (const ShardRow& row : shards) next_request_ = std::max(next_request_, row.requests_from);
  for (auto& [name, t] : topologies_) {
    if (Active(t.state)) AdoptShardsAgain(t, shards);
    // An element restarting in a checkpointed topology: a crash waiting for
    // its rollback, or a rollback whose messages may not all have gone out
    // before we stopped. Rolled back (again) once all are re-adopted: a
    // rollback more costs a moment, one too few leaves two cuts mixed.
    const bool restarting = std::any_of(t.elements.begin(), t.elements.end(), [](const auto& entry) {
      return entry.second.state == ElementState::kRestarting;
    });
    if (t.checkpoints && Active(t.state) && restarting && t.rollback_waiting.empty()) {
      t.rollback_waiting = "restarting when the master stopped";
    }
  }
  if (!topologies.empty()) {
    spdlog::info("master: registry {}: {} topologies, {} elements to re-adopt from their caretakers", options_.registry,
                 topologies.size(), adopted);
  }
}

void Master::AdoptShardsAgain(TopologyRecord& t, const std::vector<ShardRow>& rows) {
  std::vector<dsl::Diagnostic> errors;
  dsl::Topology topology = dsl::Parse(t.text, t.file, &errors);
  if (errors.empty()) AdoptCheckpoints(t, topology);  // its policies, read as submitted
  // The checked topology serves shards only (a new member is planned from it).
  if (errors.empty() && std::none_of(topology.elements.begin(), topology.elements.end(),
                                     [](const dsl::ElementDecl& decl) { return decl.shard.has_value(); }))
    return;
  dsl::AbsolutePaths absolute_paths;
  try {
    absolute_paths = t.absolute_paths.get<dsl::AbsolutePaths>();
  } catch (const Json::exception&) {
    errors.push_back({{t.file, 0, 0}, "the registry's absolute paths are not {element: {parameter: path}}"});
  }
  dsl::ApplyAbsolutePaths(absolute_paths, &topology);
  // No nodes known: they join after the master starts, and placement was
  // checked at submit. The folders allowed now: the operator may have
  // changed them since.
  InspectedClasses classes;
  std::vector<std::string> refused;
  if (errors.empty()) t.search_path = CheckClasses(topology, t.search_path, {}, &classes, &errors, &refused);
  if (!errors.empty()) {
    spdlog::warn("master: registry {}: topology {} no longer checks, its shards keep their size: {}", options_.registry,
                 t.name, errors.front().ToString());
    return;
  }
  t.topology = std::make_shared<const dsl::Topology>(std::move(topology));
  AdoptShards(t, classes);
  for (const ShardRow& row : rows) {
    auto shard = t.shards.find(row.name);
    if (row.topology != t.name || shard == t.shards.end()) continue;
    ShardLayout layout;
    Status route_ok = control::FromJson(Json::parse(row.route_json, nullptr, false), &layout.route);
    if (!route_ok.ok() || !ReadMembers(Json::parse(row.members_json, nullptr, false), &layout.members)) {
      spdlog::warn("master: registry {}: shard {}/{} read at its first layout: {}", options_.registry, t.name, row.name,
                   route_ok.ok() ? "its members are not ascending ids" : route_ok.message());
      continue;
    }
    shard->second.layout = std::move(layout);
    shard->second.next_id = row.next_id;
    if (row.change_json.empty()) continue;
    // A change under way when the master stopped: resumed once the
    // topology's elements are re-adopted (TickShards).
    std::unique_ptr<shards::Migration> change;
    Status change_ok = shards::Migration::Restore(Json::parse(row.change_json, nullptr, false), &change);
    if (!change_ok.ok()) {
      spdlog::warn("master: registry {}: shard {}/{}: its change under way cannot be resumed: {}", options_.registry,
                   t.name, row.name, change_ok.message());
      continue;
    }
    shard->second.migration = std::move(change);
    shard->second.resume_pending = true;
  }
  std::vector<const control::ElementPlan*> plans;
  for (const auto& [name, e] : t.elements) {
    if (!Final(e.state)) plans.push_back(&e.plan);
  }
  for (auto& [name, shard] : t.shards) {
    if (shard.migration || PlansAtLayout(name, shard.layout, plans)) continue;
    shard.cut_short = true;
    shard.last_change_failed = true;
    shard.last_change = "cut short by the master's restart (not resumed): the shard keeps its size";
    spdlog::warn("master: registry {}: shard {}/{} was changing when the master stopped: {}", options_.registry, t.name,
                 name, shard.last_change);
    Event(t.name, name, shard.last_change);
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
  row.absolute_paths_json = t.absolute_paths.dump();
  row.stop_after_checkpoint = t.stop_after_checkpoint;
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

void Master::Save(const TopologyRecord& t, const ShardRecord& shard) {
  ShardRow row;
  row.topology = t.name;
  row.name = shard.name;
  row.next_id = shard.next_id;
  row.members_json = Json(shard.layout.members).dump();
  row.route_json = control::ToJson(shard.layout.route).dump();
  if (shard.migration) row.change_json = shard.migration->Record().dump();
  row.requests_from = next_request_;
  Status st = store_->SaveShard(row);
  if (!st.ok()) spdlog::warn("master: {}", st.message());
}

void Master::Event(const std::string& topology, const std::string& element, const std::string& what) {
  spdlog::debug("master: event {}/{}: {}", topology, element, what);
  Status st = store_->AddEvent({UnixMs(), topology, element, what});
  if (!st.ok()) spdlog::warn("master: {}", st.message());
}

}  // namespace datablox::master
