#include "runtime/master/planner.h"

#include <fmt/format.h>

#include <map>

namespace datablox {
namespace {

int PolicyInt(const dsl::Topology& topology, const std::string& element, const char* key, int fallback) {
  for (const dsl::Policy& policy : topology.policies) {
    if (policy.element != element) continue;
    auto it = policy.values.find(key);
    if (it != policy.values.end() && it->second.kind == ParamValue::Kind::kInt) return static_cast<int>(it->second.i);
  }
  return fallback;
}

std::string PolicyString(const dsl::Topology& topology, const std::string& element, const char* key,
                         std::string fallback) {
  for (const dsl::Policy& policy : topology.policies) {
    if (policy.element != element) continue;
    auto it = policy.values.find(key);
    if (it != policy.values.end() && it->second.kind == ParamValue::Kind::kString) return it->second.s;
  }
  return fallback;
}

control::PortPlan& PortOf(std::vector<control::PortPlan>& ports, const std::string& port) {
  for (auto& p : ports) {
    if (p.port == port) return p;
  }
  ports.emplace_back().port = port;
  return ports.back();
}

}  // namespace

Status PlanTopology(const dsl::Topology& topology, const std::string& name, Placement* placement,
                    std::vector<control::ElementPlan>* plans) {
  if (placement->empty()) return Status::Unavailable("no caretaker has joined the master");
  std::map<std::string, size_t> index;
  plans->clear();
  for (const dsl::ElementDecl& decl : topology.elements) {
    control::ElementPlan plan;
    plan.topology = name;
    plan.name = decl.name;
    plan.class_name = decl.class_name;
    plan.params = decl.params;
    std::string restart =
        PolicyString(topology, decl.name, "restart", std::string(control::RestartPolicyName(plan.restart)));
    Status restart_ok = control::ParseRestartPolicy(restart, &plan.restart);  // the checker let only these through
    if (!restart_ok.ok()) return Status::Invalid(fmt::format("element '{}': {}", decl.name, restart_ok.message()));
    plan.restart_limit = PolicyInt(topology, decl.name, "restart_limit", plan.restart_limit);
    plan.backoff_ms = PolicyInt(topology, decl.name, "backoff_ms", plan.backoff_ms);
    Status placed = placement->PlaceNew(decl.name, decl.node, &plan.node);
    if (!placed.ok()) return placed;
    index[decl.name] = plans->size();
    plans->push_back(std::move(plan));
  }
  for (const dsl::Connection& c : topology.connections) {
    control::ElementPlan& from = (*plans)[index.at(c.from.element)];
    control::ElementPlan& to = (*plans)[index.at(c.to.element)];
    control::LinkPlan link;
    link.id = control::LinkId{c.from.element, c.from.port, c.to.element, c.to.port}.ToString();
    if (c.kind == PortKind::kPush) {
      link.window = PolicyInt(topology, c.to.element, "queue", kDefaultQueue);
      link.batch = PolicyInt(topology, c.from.element, "batch", kDefaultBatch);
      link.check_schema = c.check_schema;
      PortOf(from.push_out, c.from.port).links.push_back(link);
      control::PortPlan& in = PortOf(to.push_in, c.to.port);
      in.window = link.window;
      in.links.push_back(link);
    } else {
      control::PortPlan& out = PortOf(from.query_out, c.from.port);
      if (!out.links.empty()) {
        return Status::Invalid(
            fmt::format("query output '{}.{}' is wired to more than one responder", c.from.element, c.from.port));
      }
      out.links.push_back(link);
      PortOf(to.query_in, c.to.port).links.push_back(link);
    }
  }
  return Status::OK();
}

}  // namespace datablox
