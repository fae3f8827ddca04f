#include "dsl/dot_graph.h"

#include <fmt/format.h>

#include <map>
#include <string_view>
#include <vector>

namespace datablox::dsl {
namespace {

// Pale colours that keep black text readable; nodes get them in order of
// first appearance, and they repeat past the last.
// Names and classes hold no backslash; labels' own `\n` line breaks must
// reach dot as written, so only quotes are escaped.
constexpr const char* kNodeColours[] = {"#cfe2f3", "#d9ead3", "#fff2cc", "#f4cccc", "#d9d2e9", "#fce5cd"};

std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string NodeLine(const ElementDecl& decl, const std::map<std::string, std::string>& colours) {
  std::string label = decl.name + "\\n" + (decl.shard ? "shard " : "") + decl.class_name;
  if (decl.shard) label += fmt::format(" [{}..{}]", decl.shard->min_members, decl.shard->max_members);
  if (!decl.node.empty()) label += "\\n@ " + decl.node;
  std::string attributes = fmt::format("label={}", Quoted(label));
  if (decl.shard) attributes += ", shape=box3d";
  if (!decl.node.empty()) attributes += fmt::format(", style=filled, fillcolor={}", Quoted(colours.at(decl.node)));
  return fmt::format("{} [{}];\n", Quoted(decl.name), attributes);
}

}  // namespace

std::string TopologyDot(const Topology& topology) {
  std::map<std::string, std::string> colours;
  for (const ElementDecl& decl : topology.elements) {
    if (!decl.node.empty() && colours.count(decl.node) == 0) {
      colours[decl.node] = kNodeColours[colours.size() % std::size(kNodeColours)];
    }
  }
  // A compound use's elements are named USE/INNER: grouped by USE, in order.
  std::vector<std::string> uses;
  std::map<std::string, std::vector<const ElementDecl*>> by_use;
  std::string out = fmt::format("digraph {} {{\n  rankdir=LR;\n  node [shape=box];\n", Quoted(topology.file));
  for (const ElementDecl& decl : topology.elements) {
    const size_t slash = decl.name.rfind('/');
    if (slash == std::string::npos) {
      out += "  " + NodeLine(decl, colours);
      continue;
    }
    const std::string use = decl.name.substr(0, slash);
    if (by_use.count(use) == 0) uses.push_back(use);
    by_use[use].push_back(&decl);
  }
  for (const std::string& use : uses) {
    out += fmt::format("  subgraph {} {{\n    label={};\n", Quoted("cluster_" + use), Quoted(use));
    for (const ElementDecl* decl : by_use[use]) out += "    " + NodeLine(*decl, colours);
    out += "  }\n";
  }
  for (const Connection& connection : topology.connections) {
    const std::string from = connection.from.port.empty() ? "" : connection.from.port;
    const std::string to = connection.to.port.empty() ? "" : connection.to.port;
    std::string attributes = fmt::format("taillabel={}, headlabel={}", Quoted(from), Quoted(to));
    if (connection.kind == PortKind::kQuery) attributes += ", style=dashed, arrowhead=odot";
    out += fmt::format("  {} -> {} [{}];\n", Quoted(connection.from.element), Quoted(connection.to.element),
                       attributes);
  }
  return out + "}\n";
}

}  // namespace datablox::dsl
