// The master's records to and from the registry's rows (registry_store.h
// holds the SQL): every change of state is written, and a master started
// again reads it all back and re-adopts what its caretakers still run.
#include <spdlog/spdlog.h>

#include "datablox/element.h"
#include "runtime/master/master_daemon.h"

namespace datablox::master {

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
    for (const std::string& folder : t.search_path) ClassTable::Global().add_search_path(folder);
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
  if (!topologies.empty()) {
    spdlog::info("master: registry {}: {} topologies, {} elements to re-adopt from their caretakers", options_.registry,
                 topologies.size(), adopted);
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

}  // namespace datablox::master
