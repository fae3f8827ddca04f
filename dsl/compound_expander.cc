// dsl::ExpandCompounds: uses of compounds to ordinary elements.

#include "dsl/compound_expander.h"

#include <fmt/format.h>

#include <map>
#include <string>
#include <utility>

#include "dsl/suggest.h"

namespace datablox::dsl {
namespace {

constexpr const char* kInput = "input";
constexpr const char* kOutput = "output";
constexpr const char* kDefaultIn = "in";
constexpr const char* kDefaultOut = "out";

// What a use looks like from outside: for each of its ports, the inner
// ports behind it.
struct Boundary {
  std::string compound;
  std::map<std::string, std::vector<PortRef>, std::less<>> inputs;
  std::map<std::string, std::vector<PortRef>, std::less<>> outputs;
};

class Expander {
 public:
  Expander(const Topology& topology, std::vector<Diagnostic>* errors) : errors_(errors) {
    for (const CompoundDecl& compound : topology.compounds) {
      if (!compounds_.emplace(compound.name, &compound).second) {
        Report(compound.pos, fmt::format("compound '{}' is defined twice", compound.name));
      }
      compound_names_.push_back(compound.name);
    }
  }

  bool HasCompounds() const { return !compounds_.empty(); }

  // The top level: its own elements, connections and policies, expanded.
  void Run(Topology* topology) {
    Topology out;
    std::map<std::string, Boundary, std::less<>> boundaries;
    std::vector<std::string> stack;
    for (ElementDecl& decl : topology->elements) AddElement(std::move(decl), "", 0, &stack, &out, &boundaries);
    for (Connection& connection : topology->connections) {
      AddConnection(connection, "", nullptr, boundaries, &out.connections);
    }
    for (Policy& policy : topology->policies) {
      auto use = boundaries.find(policy.element);
      if (use == boundaries.end()) {
        out.policies.push_back(std::move(policy));
        continue;
      }
      // A use's policy holds for every element behind it.
      for (const ElementDecl& decl : out.elements) {
        if (decl.name.rfind(policy.element + "/", 0) != 0) continue;
        Policy each = policy;
        each.element = decl.name;
        out.policies.push_back(std::move(each));
      }
    }
    topology->elements = std::move(out.elements);
    topology->connections = std::move(out.connections);
    topology->policies = std::move(out.policies);
  }

 private:
  void Report(const SourcePos& pos, std::string message) { errors_->push_back(Diagnostic{pos, std::move(message)}); }

  // `decl`, named `prefix + decl.name`: an ordinary element to `out`, or a
  // use expanded there with its boundary recorded.
  void AddElement(ElementDecl decl, const std::string& prefix, int depth, std::vector<std::string>* stack,
                  Topology* out, std::map<std::string, Boundary, std::less<>>* boundaries) {
    const std::string local_name = decl.name;
    decl.name = prefix + decl.name;
    auto found = compounds_.find(decl.class_name);
    if (found == compounds_.end()) {
      out->elements.push_back(std::move(decl));
      return;
    }
    const CompoundDecl& compound = *found->second;
    for (const std::string& open : *stack) {
      if (open != compound.name) continue;
      std::string chain;
      for (const std::string& each : *stack) chain += each + " -> ";
      Report(decl.class_pos, fmt::format("compound '{}' uses itself: {}{}", compound.name, chain, compound.name));
      return;
    }
    if (depth >= kMaxCompoundDepth) {
      Report(decl.class_pos, fmt::format("compounds nested more than {} deep", kMaxCompoundDepth));
      return;
    }
    std::map<std::string, ParamValue, std::less<>> values;
    if (!BindParams(decl, compound, &values)) return;

    auto via = std::make_shared<Expansion>(Expansion{decl.name, compound.name, decl.pos});
    const std::string inner_prefix = decl.name + "/";
    Boundary boundary;
    boundary.compound = compound.name;
    std::map<std::string, Boundary, std::less<>> inner_boundaries;
    stack->push_back(compound.name);
    for (ElementDecl inner : compound.body->elements) {
      Mark(&inner, via);
      if (inner.node.empty()) {
        inner.node = decl.node;
        inner.node_pos = decl.node_pos;
      }
      for (const auto& [param, ref] : inner.param_refs) {
        auto value = values.find(ref);
        if (value == values.end()) {
          Report(inner.param_pos[param], fmt::format("compound '{}' has no parameter '{}'{}", compound.name, ref,
                                                     Suggestion(ref, ParamNames(compound))));
          continue;
        }
        inner.params[param] = value->second;
      }
      inner.param_refs.clear();
      AddElement(std::move(inner), inner_prefix, depth + 1, stack, out, &inner_boundaries);
    }
    stack->pop_back();
    for (Connection connection : compound.body->connections) {
      Mark(&connection.pos, via);
      Mark(&connection.from.pos, via);
      Mark(&connection.from.port_pos, via);
      Mark(&connection.to.pos, via);
      Mark(&connection.to.port_pos, via);
      AddConnection(connection, inner_prefix, &boundary, inner_boundaries, &out->connections);
    }
    for (Policy policy : compound.body->policies) {
      Mark(&policy.pos, via);
      policy.element = inner_prefix + policy.element;
      out->policies.push_back(std::move(policy));
    }
    boundaries->emplace(local_name, std::move(boundary));
  }

  // The use's values for each of the compound's parameters.
  bool BindParams(const ElementDecl& use, const CompoundDecl& compound,
                  std::map<std::string, ParamValue, std::less<>>* values) {
    bool ok = true;
    for (const auto& [name, value] : use.params) {
      const CompoundParam* param = FindParam(compound, name);
      if (param == nullptr) {
        Report(use.param_name_pos.at(name), fmt::format("compound '{}' has no parameter '{}'{}", compound.name, name,
                                                        Suggestion(name, ParamNames(compound))));
        ok = false;
        continue;
      }
      ParamValue given = value;
      if (given.kind == ParamValue::Kind::kInt && param->kind == ParamValue::Kind::kFloat) {
        given = ParamValue::Float(static_cast<double>(given.i));
      }
      // env("NAME") passes for a string: the inner element's checker
      // accepts it where a secret is wanted, and only there.
      const bool env_for_string = given.kind == ParamValue::Kind::kEnv && param->kind == ParamValue::Kind::kString;
      if (given.kind != param->kind && !env_for_string) {
        Report(use.param_pos.at(name),
               fmt::format("parameter '{}' of compound '{}' is {}, found {} {}", name, compound.name,
                           ParamValue::KindName(param->kind), ParamValue::KindName(value.kind), value.ToString()));
        ok = false;
        continue;
      }
      (*values)[name] = std::move(given);
    }
    for (const CompoundParam& param : compound.params) {
      if (values->count(param.name) != 0 || use.params.count(param.name) != 0) continue;
      if (param.default_value) {
        (*values)[param.name] = *param.default_value;
      } else {
        Report(use.pos,
               fmt::format("'{}' does not give parameter '{}' of compound '{}'", use.name, param.name, compound.name));
        ok = false;
      }
    }
    return ok;
  }

  // One connection of a body (`boundary` its use's) or of the top level:
  // its ends renamed, a use's end replaced by the inner ports behind it,
  // and an end at `input` or `output` recorded as the use's port.
  void AddConnection(Connection connection, const std::string& prefix, Boundary* boundary,
                     const std::map<std::string, Boundary, std::less<>>& uses, std::vector<Connection>* out) {
    if (boundary != nullptr && connection.from.element == kInput) {
      const std::string port = connection.from.port_given ? connection.from.port : kDefaultIn;
      for (const PortRef& to : Resolve(connection.to, prefix, uses, /*as_target=*/true)) {
        boundary->inputs[port].push_back(to);
      }
      return;
    }
    if (boundary != nullptr && connection.to.element == kOutput) {
      const std::string port = connection.to.port_given ? connection.to.port : kDefaultOut;
      for (const PortRef& from : Resolve(connection.from, prefix, uses, /*as_target=*/false)) {
        boundary->outputs[port].push_back(from);
      }
      return;
    }
    for (const PortRef& from : Resolve(connection.from, prefix, uses, false)) {
      for (const PortRef& to : Resolve(connection.to, prefix, uses, true)) {
        Connection each = connection;
        each.from = from;
        each.to = to;
        out->push_back(std::move(each));
      }
    }
  }

  // An end of a connection: itself renamed, or for a use, the inner ports
  // behind the port named (or its only one).
  std::vector<PortRef> Resolve(const PortRef& ref, const std::string& prefix,
                               const std::map<std::string, Boundary, std::less<>>& uses, bool as_target) {
    auto use = uses.find(ref.element);
    if (use == uses.end()) {
      PortRef renamed = ref;
      renamed.element = prefix + ref.element;
      return {renamed};
    }
    const auto& ports = as_target ? use->second.inputs : use->second.outputs;
    const char* side = as_target ? "input" : "output";
    if (!ref.port_given) {
      if (ports.size() == 1) return ports.begin()->second;
      Report(ref.pos, ports.empty() ? fmt::format("compound '{}' has no {}", use->second.compound, side)
                                    : fmt::format("compound '{}' has {} {}s: say which ('{}.{}')", use->second.compound,
                                                  ports.size(), side, ref.element, ports.begin()->first));
      return {};
    }
    auto port = ports.find(ref.port);
    if (port == ports.end()) {
      std::vector<std::string> names;
      for (const auto& [name, unused] : ports) names.push_back(name);
      Report(ref.port_pos, fmt::format("compound '{}' has no {} '{}'{}", use->second.compound, side, ref.port,
                                       Suggestion(ref.port, names)));
      return {};
    }
    return port->second;
  }

  static void Mark(SourcePos* pos, const std::shared_ptr<const Expansion>& via) {
    // The innermost use is nearest; an outer one is already on the use's own position.
    if (!pos->via) pos->via = via;
  }
  static void Mark(ElementDecl* decl, const std::shared_ptr<const Expansion>& via) {
    for (SourcePos* pos : {&decl->pos, &decl->class_pos, &decl->node_pos}) Mark(pos, via);
    for (auto& [unused, pos] : decl->param_pos) Mark(&pos, via);
    for (auto& [unused, pos] : decl->param_name_pos) Mark(&pos, via);
    if (decl->shard) {
      Mark(&decl->shard->pos, via);
      for (auto& [unused, pos] : decl->shard->key_pos) Mark(&pos, via);
      for (auto& [unused, pos] : decl->shard->value_pos) Mark(&pos, via);
    }
  }

  static const CompoundParam* FindParam(const CompoundDecl& compound, std::string_view name) {
    for (const CompoundParam& param : compound.params) {
      if (param.name == name) return &param;
    }
    return nullptr;
  }
  static std::vector<std::string> ParamNames(const CompoundDecl& compound) {
    std::vector<std::string> names;
    for (const CompoundParam& param : compound.params) names.push_back(param.name);
    return names;
  }
  static std::string Suggestion(std::string_view wrong, const std::vector<std::string>& names) {
    const std::string best = ClosestName(wrong, names);
    return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
  }

  std::map<std::string, const CompoundDecl*, std::less<>> compounds_;
  std::vector<std::string> compound_names_;
  std::vector<Diagnostic>* errors_;
};

}  // namespace

void ExpandCompounds(Topology* topology, std::vector<Diagnostic>* errors) {
  Expander expander(*topology, errors);
  if (expander.HasCompounds()) expander.Run(topology);
}

}  // namespace datablox::dsl
