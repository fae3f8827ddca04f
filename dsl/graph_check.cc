#include "dsl/graph_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace datablox::dsl {

void CheckHasElements(const Topology& topology, std::vector<Diagnostic>* errors) {
  if (!topology.elements.empty() || !topology.names_in_broken_statements.empty()) return;
  errors->push_back(Diagnostic{SourcePos{topology.file, 1, 1},
                               "no element declared (a topology needs at least one 'name :: Class')"});
}

void CheckPushCycles(const Topology& topology, std::vector<Diagnostic>* errors) {
  // Elements as indexes, push connections as adjacency lists of connection indexes.
  std::map<std::string_view, size_t> index;
  for (const ElementDecl& decl : topology.elements) index.emplace(decl.name, index.size());
  std::vector<std::vector<size_t>> out(index.size());
  std::vector<size_t> target(topology.connections.size());
  for (size_t c = 0; c < topology.connections.size(); ++c) {
    const Connection& connection = topology.connections[c];
    if (connection.kind != PortKind::kPush) continue;
    auto from = index.find(connection.from.element);
    auto to = index.find(connection.to.element);
    if (from == index.end() || to == index.end()) continue;
    out[from->second].push_back(c);
    target[c] = to->second;
  }
  std::vector<std::string_view> names(index.size());
  for (const auto& [name, i] : index) names[i] = name;

  // Depth-first, with an explicit stack of (element, next edge to follow).
  // An edge to an element still on the stack closes a cycle.
  enum class Mark { kNew, kOnStack, kDone };
  std::vector<Mark> mark(index.size(), Mark::kNew);
  std::vector<size_t> position(index.size());  // where an element sits on the stack
  for (size_t root = 0; root < index.size(); ++root) {
    if (mark[root] != Mark::kNew) continue;
    std::vector<std::pair<size_t, size_t>> stack{{root, 0}};
    mark[root] = Mark::kOnStack;
    position[root] = 0;
    while (!stack.empty()) {
      auto& [element, next] = stack.back();
      if (next == out[element].size()) {
        mark[element] = Mark::kDone;
        stack.pop_back();
        continue;
      }
      const size_t c = out[element][next++];
      const size_t to = target[c];
      if (mark[to] == Mark::kNew) {
        mark[to] = Mark::kOnStack;
        position[to] = stack.size();
        stack.emplace_back(to, 0);
      } else if (mark[to] == Mark::kOnStack) {
        std::vector<std::string_view> cycle;
        for (size_t i = position[to]; i < stack.size(); ++i) cycle.push_back(names[stack[i].first]);
        cycle.push_back(names[to]);
        errors->push_back(
            Diagnostic{topology.connections[c].pos,
                       fmt::format("push connections form a cycle ({}): END could never arrive, so it would "
                                   "never end; only query connections '=>' may form cycles",
                                   fmt::join(cycle, " -> "))});
      }
    }
  }
}

}  // namespace datablox::dsl
