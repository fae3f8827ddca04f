#include "runtime/master/web_state.h"

#include <map>

#include "runtime/core/link_id.h"

namespace datablox::master {

std::vector<WebLink> LinksOf(const TopologyRecord& topology) {
  std::vector<WebLink> links;
  for (const auto& [name, element] : topology.elements) {
    auto add = [&](const std::vector<control::PortPlan>& ports, bool query) {
      for (const control::PortPlan& port : ports)
        for (const control::LinkPlan& link : port.links) {
          control::LinkId id;
          if (!control::ParseLinkId(link.id, &id).ok()) continue;
          links.push_back({link.id, id.from_element, id.from_port, id.to_element, id.to_port, query});
        }
    };
    add(element.plan.push_out, false);
    add(element.plan.query_out, true);
  }
  return links;
}

std::string WebStateJson(const std::vector<control::StatusReply>& topologies,
                         const std::vector<std::vector<WebLink>>& links,
                         const std::vector<std::vector<control::EventItem>>& events, const control::NodesReply& nodes,
                         double uptime_s, bool writes) {
  Json state = {{"uptime_s", uptime_s},
                {"writes", writes},
                {"topologies", Json::array()},
                {"nodes", control::ToJson(nodes)["nodes"]}};
  for (size_t t = 0; t < topologies.size(); ++t) {
    Json topology = control::ToJson(topologies[t]);
    // A sender's figures for each of its links, by the link's id.
    std::map<std::string, const Json*> figures;
    for (const control::ElementStatus& e : topologies[t].elements)
      if (auto out = e.stats.find("out_links"); out != e.stats.end() && out->is_array())
        for (const Json& link : *out)
          if (link.contains("id") && link["id"].is_string()) figures[link["id"].get<std::string>()] = &link;
    Json list = Json::array();
    if (t < links.size()) {
      for (const WebLink& l : links[t]) {
        Json link = {{"id", l.id}, {"from", l.from},       {"from_port", l.from_port},
                     {"to", l.to}, {"to_port", l.to_port}, {"kind", l.query ? "query" : "push"}};
        if (auto f = figures.find(l.id); f != figures.end()) {
          link["in_flight"] = f->second->value("in_flight", 0);
          link["window"] = f->second->value("window", 0);
          link["sent"] = f->second->value("sent", 0);
        }
        list.push_back(std::move(link));
      }
    }
    topology["links"] = std::move(list);
    Json recent = Json::array();
    if (t < events.size())
      for (const control::EventItem& e : events[t])
        recent.push_back({{"unix_ms", e.unix_ms}, {"element", e.element}, {"what", e.what}});
    topology["events"] = std::move(recent);
    state["topologies"].push_back(std::move(topology));
  }
  return state.dump();
}

}  // namespace datablox::master
