// Where an element runs: the one place the master chooses a node, for a
// topology submitted and for an element whose node died. Socket-free: the
// master hands it the live nodes and their load, and it answers a name.
#pragma once

#include <string>
#include <vector>

#include "datablox/status.h"

namespace datablox {

// One live node as placement sees it.
struct NodeLoad {
  std::string name;
  int cores = 1;
  int elements = 0;        // live elements on it, of every topology
  double cpu_percent = 0;  // its caretaker's last figure (100 per busy core)
};

class Placement {
 public:
  // The live nodes; ties go to the first, so the master passes them in name
  // order and a placement is the same for the same cluster.
  explicit Placement(std::vector<NodeLoad> nodes);

  bool empty() const { return nodes_.empty(); }

  // An element of a topology just submitted: on `pinned` when it names a
  // node (NotFound when that node has not joined), else on the node with
  // the fewest elements per core. Every element placed counts on its node
  // for the next one, so that a topology spreads out. The node's CPU figure
  // is left out here: it says how busy a node was a moment ago, not what
  // the elements placed in this same submit will make it.
  Status PlaceNew(const std::string& element, const std::string& pinned, std::string* node);

  // An element whose node died: on the node, other than `avoid`, with the
  // fewest elements per core, its CPU figure weighing one element per core
  // per 1000 % (a tie-break between nodes equally loaded by count). "" when
  // no node is left. The element counts on the node chosen.
  std::string PlaceMoved(const std::string& avoid);

 private:
  std::vector<NodeLoad> nodes_;
};

}  // namespace datablox
