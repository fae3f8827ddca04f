#include "runtime/caretaker/wiring.h"

#include <algorithm>

namespace datablox {

namespace {

control::PortPlan* FindPort(std::vector<control::PortPlan>& ports, const std::string& name) {
  auto it = std::find_if(ports.begin(), ports.end(), [&](const control::PortPlan& p) { return p.port == name; });
  return it == ports.end() ? nullptr : &*it;
}

bool HasLink(const control::PortPlan& port, const std::string& id) {
  return std::any_of(port.links.begin(), port.links.end(), [&](const control::LinkPlan& l) { return l.id == id; });
}

}  // namespace

void ApplyRewire(const control::Rewire& rewire, control::Connect* connect) {
  for (auto* ports : {&connect->plan.push_out, &connect->plan.query_out}) {
    for (control::PortPlan& port : *ports) {
      for (control::LinkPlan& link : port.links) {
        if (auto moved = rewire.links.find(link.id); moved != rewire.links.end()) link.endpoint = moved->second;
        if (auto moved = rewire.stream_links.find(link.id); moved != rewire.stream_links.end()) {
          link.stream_endpoint = moved->second;
        }
      }
    }
  }
}

bool ApplyReroute(const control::Reroute& reroute, control::ElementPlan* plan) {
  control::PortPlan* port = FindPort(reroute.query ? plan->query_out : plan->push_out, reroute.port);
  if (!port) return false;
  auto route = std::find_if(port->shards.begin(), port->shards.end(),
                            [&](const control::ShardRoute& r) { return r.shard == reroute.route.shard; });
  if (route != port->shards.end() && reroute.route.version <= route->version) return false;
  if (route == port->shards.end()) {
    port->shards.push_back(reroute.route);
  } else {
    *route = reroute.route;
  }
  std::erase_if(port->links, [&](const control::LinkPlan& link) {
    return std::find(reroute.remove.begin(), reroute.remove.end(), link.id) != reroute.remove.end();
  });
  for (const control::LinkPlan& link : reroute.add) {
    if (!HasLink(*port, link.id)) port->links.push_back(link);
  }
  return true;
}

bool ApplyExpectLinks(const control::ExpectLinks& expect, control::ElementPlan* plan) {
  control::PortPlan* port = FindPort(plan->push_in, expect.port);
  if (!port) return false;
  for (const control::LinkPlan& link : expect.add) {
    if (!HasLink(*port, link.id)) port->links.push_back(link);
  }
  return true;
}

}  // namespace datablox
