// A sender of a shard that ends while its shard may change. Its host ends
// only once every END it sent is acknowledged, so when the master hears it
// ended, every link it knew of is done with: a change under way counts it as
// fenced (a requester too: it has no request in flight), and a member's
// input from it that it never heard of (a grow's
// reroute that came after its end) is ended for the member, which would
// otherwise wait for that END for good.
#include "runtime/master/master_daemon.h"
#include "shards/migration.h"

namespace datablox::master {

std::vector<std::string> Master::InputsFromEnded(const TopologyRecord& topology, const control::ElementPlan& plan) {
  std::vector<std::string> ended;
  for (const control::PortPlan& port : plan.push_in) {
    for (const control::LinkPlan& link : port.links) {
      control::LinkId id;
      if (!control::ParseLinkId(link.id, &id).ok()) continue;
      auto sender = topology.elements.find(id.from_element);
      if (sender != topology.elements.end() && sender->second.state == ElementState::kEnded) ended.push_back(link.id);
    }
  }
  return ended;
}

void Master::SenderEnded(TopologyRecord& topology, const ElementRecord& element) {
  if (element.plan.member) return;  // a member's end is its shard's own business
  bool routes_to_shards = false;
  for (const auto* ports : {&element.plan.push_out, &element.plan.query_out}) {
    for (const control::PortPlan& port : *ports) routes_to_shards = routes_to_shards || !port.shards.empty();
  }
  if (!routes_to_shards) return;
  shards::Event event;
  event.kind = shards::EventKind::kSenderEnded;
  ToMigration(topology, element.plan.name, std::move(event));
  for (const auto& [name, member] : topology.elements) {
    if (!member.plan.member || Final(member.state)) continue;
    for (const control::PortPlan& port : member.plan.push_in) {
      control::LinksEnded ended;
      ended.element = topology.name + "/" + name;
      ended.port = port.port;
      for (const control::LinkPlan& link : port.links) {
        control::LinkId id;
        if (control::ParseLinkId(link.id, &id).ok() && id.from_element == element.plan.name)
          ended.links.push_back(link.id);
      }
      // Its host ends the ones it never heard from; the others got their END.
      if (!ended.links.empty()) SendToNode(member.plan.node, control::ToJson(ended));
    }
  }
}

}  // namespace datablox::master
