// A topology as a Graphviz DOT picture, for `datablox graph`: each element
// a box labelled with its name and class, push links solid and query links
// dashed, the elements of one compound use in a cluster, a shard drawn as a
// 3D box, and each placement node its own fill colour.
#pragma once

#include <string>

#include "dsl/topology.h"

namespace datablox::dsl {

// The DOT text of a topology as Parse left it (compounds expanded). The
// output depends on the topology only, so it can be compared to a golden.
std::string TopologyDot(const Topology& topology);

}  // namespace datablox::dsl
