#include "runtime/master/shard_members.h"

#include <fmt/format.h>

#include <algorithm>

#include "shards/assignment.h"
#include "shards/migration.h"

namespace datablox::master {
namespace {

void ReplaceMember(ParamValue* value, const std::string& id) {
  if (value->kind == ParamValue::Kind::kString) {
    std::string& text = value->s;
    for (size_t at = text.find("{member}"); at != std::string::npos; at = text.find("{member}", at + id.size())) {
      text.replace(at, 8, id);
    }
  } else if (value->kind == ParamValue::Kind::kList) {
    for (ParamValue& item : value->list) ReplaceMember(&item, id);  // nesting bounded by the parser
  }
}

}  // namespace

control::ElementPlan MemberOf(const control::ElementPlan& shard_plan, const dsl::ElementDecl& shard, int id) {
  control::ElementPlan plan = shard_plan;
  plan.name = shards::MemberElement(shard.name, id);
  const std::string text = std::to_string(id);
  for (auto& [param, value] : plan.params) ReplaceMember(&value, text);
  control::MemberPlan& member = plan.member.emplace();
  member.shard = shard.name;
  member.id = id;
  member.key = shard.shard->route == RouteKind::kHash ? shard.shard->route_key : "";
  member.key_groups = shard.shard->key_groups;
  return plan;
}

control::ShardRoute FirstRoute(const dsl::ElementDecl& shard, const std::vector<int>& members) {
  control::ShardRoute route;
  route.shard = shard.name;
  route.route = shard.shard->route;
  route.merge = shard.shard->merge;
  route.member_class = shard.class_name;  // a requester finds the class's custom merge by it
  route.key_groups = shard.shard->key_groups;
  if (route.route == RouteKind::kHash) {
    route.key = shard.shard->route_key;
    route.owners = shards::InitialOwners(route.key_groups, members);
  }
  route.version = 1;
  return route;
}

bool PlansAtLayout(const std::string& shard, const ShardLayout& layout,
                   const std::vector<const control::ElementPlan*>& plans) {
  for (const control::ElementPlan* plan : plans) {
    if (plan->member && plan->member->shard == shard &&
        !std::binary_search(layout.members.begin(), layout.members.end(), plan->member->id))
      return false;
    for (const auto* ports : {&plan->push_out, &plan->query_out}) {
      for (const control::PortPlan& port : *ports) {
        for (const control::ShardRoute& route : port.shards) {
          if (route.shard == shard && route.version != layout.route.version) return false;
        }
      }
    }
  }
  return true;
}

}  // namespace datablox::master
