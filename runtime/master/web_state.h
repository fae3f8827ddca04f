// What the web view (web_page.h) polls at /api/state: every topology as
// `status` shows it, with its links (push and query, from the elements'
// plans, each push link with its sender's figures: in flight, window),
// and the nodes as `nodes` shows them. Socket-free.
#pragma once

#include <string>
#include <vector>

#include "runtime/core/client_replies.h"
#include "runtime/master/state.h"

namespace datablox::master {

struct WebLink {
  std::string id;  // LinkId::ToString()
  std::string from, from_port, to, to_port;
  bool query = false;
};

// Every link the topology's elements are planned with, once each (as its sender's output).
std::vector<WebLink> LinksOf(const TopologyRecord& topology);

// `links[i]` and `events[i]` (newest first) are `topologies[i]`'s; `writes`:
// whether the page may write handlers.
std::string WebStateJson(const std::vector<control::StatusReply>& topologies,
                         const std::vector<std::vector<WebLink>>& links,
                         const std::vector<std::vector<control::EventItem>>& events, const control::NodesReply& nodes,
                         double uptime_s, bool writes);

}  // namespace datablox::master
