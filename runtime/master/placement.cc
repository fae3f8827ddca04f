#include "runtime/master/placement.h"

#include <fmt/format.h>

#include <utility>

namespace datablox {

Placement::Placement(std::vector<NodeLoad> nodes) : nodes_(std::move(nodes)) {
  for (NodeLoad& node : nodes_) node.cores = std::max(1, node.cores);
}

Status Placement::PlaceNew(const std::string& element, const std::string& pinned, std::string* node) {
  NodeLoad* chosen = nullptr;
  if (!pinned.empty()) {
    for (NodeLoad& n : nodes_) {
      if (n.name == pinned) chosen = &n;
    }
    if (!chosen)
      return Status::NotFound(
          fmt::format("element '{}' is placed on node '{}', which has not joined", element, pinned));
  } else {
    if (nodes_.empty()) return Status::Unavailable("no caretaker has joined the master");
    // Fewest elements per core, compared without a division: a.e/a.c < b.e/b.c.
    for (NodeLoad& n : nodes_) {
      if (!chosen || n.elements * chosen->cores < chosen->elements * n.cores) chosen = &n;
    }
  }
  ++chosen->elements;
  *node = chosen->name;
  return Status::OK();
}

std::string Placement::PlaceMoved(const std::string& avoid) {
  NodeLoad* best = nullptr;
  double best_load = 0;
  for (NodeLoad& n : nodes_) {
    if (n.name == avoid) continue;
    double load = static_cast<double>(n.elements) / n.cores + n.cpu_percent / 1000.0;
    if (!best || load < best_load) {
      best = &n;
      best_load = load;
    }
  }
  if (!best) return "";
  ++best->elements;
  return best->name;
}

}  // namespace datablox
