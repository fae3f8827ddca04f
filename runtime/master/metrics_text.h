// The master's figures in the Prometheus text exposition format (version
// 0.0.4): what `status` and `nodes` show, as counters and gauges a
// monitoring system scrapes from /metrics (metrics_server.h). Socket-free:
// rendered from the replies the CLI gets, so the two never disagree.
//
// Names follow Prometheus's conventions: a `datablox_` prefix, base units
// (seconds, bytes, ratios of 1 rather than percents), `_total` on counters;
// labels name the topology, the element, its class, node and shard.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/client_replies.h"

namespace datablox::master {

struct MasterFigures {
  double uptime_s = 0;
  uint64_t malformed = 0;  // control messages it could not decode
};

std::string RenderMetrics(const std::vector<control::StatusReply>& topologies, const control::NodesReply& nodes,
                          const MasterFigures& master);

// A label value as the format quotes it: backslash, double quote and line feed escaped.
std::string EscapeLabelValue(const std::string& value);

}  // namespace datablox::master
