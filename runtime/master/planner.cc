#include "runtime/master/planner.h"

#include <fmt/format.h>

#include <map>

#include "dsl/policy_values.h"
#include "runtime/master/shard_members.h"

namespace datablox {
namespace {

// The element's own policy, else the defaults of `policy * { ... }`.
int PolicyInt(const dsl::Topology& topology, const std::string& element, const char* key, int fallback) {
  const ParamValue* value = dsl::FindPolicyValue(topology, element, key, ParamValue::Kind::kInt);
  return value ? static_cast<int>(value->i) : fallback;
}

std::string PolicyString(const dsl::Topology& topology, const std::string& element, const char* key,
                         std::string fallback) {
  const ParamValue* value = dsl::FindPolicyValue(topology, element, key, ParamValue::Kind::kString);
  return value ? value->s : fallback;
}

control::PortPlan& PortOf(std::vector<control::PortPlan>& ports, const std::string& port) {
  for (auto& p : ports) {
    if (p.port == port) return p;
  }
  ports.emplace_back().port = port;
  return ports.back();
}

// The table of `shard` on a sender's or requester's port, added on first use.
void AddRoute(control::PortPlan& port, const ShardLayout& layout) {
  for (const control::ShardRoute& route : port.shards) {
    if (route.shard == layout.route.shard) return;
  }
  port.shards.push_back(layout.route);
}

}  // namespace

ShardLayouts FirstLayouts(const dsl::Topology& topology) {
  ShardLayouts layouts;
  for (const dsl::ElementDecl& decl : topology.elements) {
    if (!decl.shard) continue;
    ShardLayout& layout = layouts[decl.name];
    for (int id = 0; id < decl.shard->min_members; ++id) layout.members.push_back(id);
    layout.route = master::FirstRoute(decl, layout.members);
  }
  return layouts;
}

Status PlanTopology(const dsl::Topology& topology, const std::string& name, Placement* placement,
                    std::vector<control::ElementPlan>* plans, const ShardLayouts* layouts,
                    const std::map<std::string, std::string>* nodes) {
  if (placement->empty()) return Status::Unavailable("no caretaker has joined the master");
  const ShardLayouts first = layouts ? ShardLayouts{} : FirstLayouts(topology);
  if (!layouts) layouts = &first;
  // Each declared element's plans: one for an element, one per member for a shard.
  std::map<std::string, std::vector<size_t>, std::less<>> plans_of;
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
    std::vector<control::ElementPlan> expanded;
    if (decl.shard) {
      auto layout = layouts->find(decl.name);
      if (layout == layouts->end()) return Status::Internal(fmt::format("shard '{}' has no layout", decl.name));
      for (int id : layout->second.members) expanded.push_back(master::MemberOf(plan, decl, id));
    } else {
      expanded.push_back(std::move(plan));
    }
    for (control::ElementPlan& each : expanded) {
      if (nodes && nodes->count(each.name)) {
        each.node = nodes->at(each.name);  // a running element stays where it runs
      } else if (Status placed = placement->PlaceNew(each.name, decl.node, &each.node); !placed.ok()) {
        return placed;
      }
      plans_of[decl.name].push_back(plans->size());
      plans->push_back(std::move(each));
    }
  }
  for (const dsl::Connection& c : topology.connections) {
    const dsl::ElementDecl* to_decl = topology.find(c.to.element);
    const bool to_shard = to_decl && to_decl->shard;
    const ShardLayout* to_layout = to_shard ? &layouts->at(c.to.element) : nullptr;
    for (size_t from_index : plans_of.at(c.from.element)) {
      const std::vector<size_t>& receivers = plans_of.at(c.to.element);
      for (size_t r = 0; r < receivers.size(); ++r) {
        control::ElementPlan& from = (*plans)[from_index];
        control::ElementPlan& to = (*plans)[receivers[r]];
        control::LinkPlan link;
        link.id = control::LinkId{from.name, c.from.port, to.name, c.to.port}.ToString();
        if (to_shard) {
          link.shard = c.to.element;
          link.member = to_layout->members[r];
        }
        if (c.kind == PortKind::kPush) {
          link.window = PolicyInt(topology, c.to.element, "queue", kDefaultQueue);
          link.batch = PolicyInt(topology, c.from.element, "batch", kDefaultBatch);
          link.check_schema = c.check_schema;
          control::PortPlan& out = PortOf(from.push_out, c.from.port);
          out.links.push_back(link);
          if (to_shard) AddRoute(out, *to_layout);
          control::PortPlan& in = PortOf(to.push_in, c.to.port);
          in.window = link.window;
          in.links.push_back(link);
        } else {
          control::PortPlan& out = PortOf(from.query_out, c.from.port);
          // A query output asks one shard (its members, merged), or elements
          // that are no shard's, each by its link (Element::ask_link).
          const bool same_shard = to_shard && !out.links.empty() && out.links.front().shard == link.shard;
          const bool plain_links = !to_shard && (out.links.empty() || !out.links.front().shard);
          if (!out.links.empty() && !same_shard && !plain_links) {
            return Status::Invalid(fmt::format(
                "query output '{}.{}' is wired to a shard and to other responders: a shard must be its only one",
                c.from.element, c.from.port));
          }
          out.links.push_back(link);
          if (to_shard) AddRoute(out, *to_layout);
          PortOf(to.query_in, c.to.port).links.push_back(link);
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace datablox
