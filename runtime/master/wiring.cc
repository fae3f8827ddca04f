// Telling elements where their outputs go: connect once every receiver of
// an element has bound, rewire when a receiver moved.
#include "runtime/master/master_daemon.h"

namespace datablox::master {
namespace {

// The address the receiving end of `link_id` bound, "" while it has none.
std::string ReceiverEndpoint(const TopologyRecord& topology, const std::string& link_id) {
  control::LinkId link;
  if (!control::ParseLinkId(link_id, &link).ok()) return "";
  auto it = topology.elements.find(link.to_element);
  if (it == topology.elements.end()) return "";
  return it->second.endpoints.value(link.to_port, "");
}

// The stream server of the receiving end of `link_id` (a query link's
// responder whose class serves streams); none otherwise.
std::optional<std::string> ReceiverStreamServer(const TopologyRecord& topology, const std::string& link_id) {
  control::LinkId link;
  if (!control::ParseLinkId(link_id, &link).ok()) return std::nullopt;
  auto it = topology.elements.find(link.to_element);
  if (it == topology.elements.end()) return std::nullopt;
  const std::string address = it->second.endpoints.value(control::kStreamServerKey, "");
  if (address.empty()) return std::nullopt;
  return address;
}

}  // namespace

// Tells every element whose outputs all have addresses where they go; an
// element is wired once per placement.
void Master::Wire(TopologyRecord& topology) {
  for (auto& [name, e] : topology.elements) {
    if (e.wired || e.exited || e.state != ElementState::kBound) continue;
    control::ElementPlan wiring = e.plan;
    bool complete = true;
    for (auto* ports : {&wiring.push_out, &wiring.query_out}) {
      for (auto& port : *ports) {
        for (auto& link : port.links) {
          link.endpoint = ReceiverEndpoint(topology, link.id);
          complete = complete && !link.endpoint.empty();
        }
      }
    }
    for (auto& port : wiring.query_out) {
      for (auto& link : port.links) link.stream_endpoint = ReceiverStreamServer(topology, link.id);
    }
    if (!complete) continue;  // a receiver is still binding (or being placed again)
    if (SendToNode(e.plan.node, control::ToJson(control::Connect{topology.name + "/" + name, std::move(wiring)}))) {
      e.wired = true;
    }
  }
}

// `moved` has new addresses: every wired element sending to it is told.
void Master::RewireUpstreams(TopologyRecord& topology, const std::string& moved) {
  for (auto& [name, e] : topology.elements) {
    if (!e.wired || e.exited || name == moved) continue;
    control::Rewire rewire{topology.name + "/" + name, {}};
    for (const auto* ports : {&e.plan.push_out, &e.plan.query_out}) {
      for (const auto& port : *ports) {
        for (const auto& link : port.links) {
          control::LinkId id;
          if (!control::ParseLinkId(link.id, &id).ok() || id.to_element != moved) continue;
          std::string endpoint = ReceiverEndpoint(topology, link.id);
          if (!endpoint.empty()) rewire.links[link.id] = endpoint;
          if (auto streams = ReceiverStreamServer(topology, link.id)) rewire.stream_links[link.id] = *streams;
        }
      }
    }
    if (!rewire.links.empty()) SendToNode(e.plan.node, control::ToJson(rewire));
  }
}

}  // namespace datablox::master
