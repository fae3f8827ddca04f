// dsl::Check: a parsed topology against the element classes' declarations.
//
// Every rule runs over the whole topology and reports each violation where
// the writer has to look (the offending name, port, value or arrow), so a
// single run lists everything that stops the topology from starting.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "datablox/expr.h"
#include "dsl/graph_check.h"
#include "dsl/loader.h"
#include "dsl/policy_check.h"
#include "dsl/shard_check.h"
#include "dsl/suggest.h"

namespace datablox::dsl {

namespace {

// "float 2.5", "string \"x\"": what was written, for "found ..." messages;
// a secret's value masked ("string ***"). `param` null: not a parameter.
std::string DescribeValue(const ParamValue& value, const ParamSpec* param = nullptr) {
  return fmt::format("{} {}", ParamValue::KindName(value.kind), DisplayValue(param, value));
}

// "; did you mean 'Filter'?" for the closest name, else "".
std::string Suggestion(std::string_view wrong, const std::vector<std::string>& names) {
  const std::string best = ClosestName(wrong, names);
  return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
}

std::string PortKindName(PortKind kind, PortDirection direction) {
  return fmt::format("{} {}", kind == PortKind::kPush ? "push" : "query",
                     direction == PortDirection::kIn ? "input" : "output");
}

std::string PortNames(const std::vector<const PortSpec*>& ports) {
  std::vector<std::string> names;
  for (const PortSpec* port : ports) names.push_back(port->name);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string SchemaText(const std::vector<FieldSpec>& schema) {
  std::vector<std::string> fields;
  for (const FieldSpec& field : schema) {
    fields.push_back(fmt::format("{} ({})", field.name, ValueTypeName(field.type)));
  }
  return fmt::format("{}", fmt::join(fields, ", "));
}

// A value of type `given` is acceptable where `wanted` is required: the same
// type, or an int where a float is wanted (a number widens, never narrows).
bool TypeAccepts(ValueType wanted, ValueType given) {
  return wanted == given || (wanted == ValueType::kFloat && given == ValueType::kInt);
}

class Checker {
 public:
  Checker(Topology& topology, const CheckOptions& options, std::vector<Diagnostic>* errors)
      : topology_(topology), options_(options), errors_(errors) {}

  void Run() {
    const size_t first_new = errors_->size();
    CheckElements();
    for (Connection& connection : topology_.connections) CheckConnection(connection);
    CheckShardRouteFields(
        topology_, [this](std::string_view element) { return ClassOf(element); }, errors_);
    CheckRequiredPorts();
    CheckPolicies(
        topology_, [this](std::string_view element) { return elements_.count(element) || InBrokenStatement(element); },
        errors_);
    CheckHasElements(topology_, errors_);
    CheckPushCycles(topology_, errors_);
    // Rules run one after the other; the reader wants the file's order.
    std::stable_sort(errors_->begin() + static_cast<std::ptrdiff_t>(first_new), errors_->end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
                     });
  }

 private:
  void Error(const SourcePos& pos, std::string message) { errors_->push_back(Diagnostic{pos, std::move(message)}); }

  const ClassSpec* ClassOf(std::string_view element) const {
    auto it = elements_.find(element);
    return it == elements_.end() ? nullptr : it->second.spec;
  }

  bool InBrokenStatement(std::string_view name) const { return topology_.names_in_broken_statements.count(name) > 0; }

  // --- elements -------------------------------------------------------------

  void CheckElements() {
    for (const ElementDecl& decl : topology_.elements) {
      const ClassSpec* spec = nullptr;
      if (options_.find_class) spec = options_.find_class(decl.class_name);
      std::string load_error;
      if (!spec && options_.class_load_error) load_error = options_.class_load_error(decl.class_name);
      if (!spec && !load_error.empty()) {
        Error(decl.class_pos, fmt::format("cannot load class '{}': {}", decl.class_name, load_error));
      } else if (!spec) {
        Error(decl.class_pos,
              fmt::format("unknown class '{}'{}", decl.class_name, Suggestion(decl.class_name, options_.class_names)));
      }
      auto [first, inserted] = elements_.emplace(decl.name, ElementInfo{&decl, spec});
      if (!inserted) {
        Error(decl.pos, fmt::format("duplicate element name '{}' (first declared at line {})", decl.name,
                                    first->second.decl->pos.line));
      }
      if (spec) CheckParams(decl, *spec);
      if (spec && decl.shard) CheckShardDecl(decl, *spec, errors_);
      CheckPlacement(decl);
    }
  }

  void CheckParams(const ElementDecl& decl, const ClassSpec& spec) {
    for (const auto& [name, value] : decl.params) {
      const ParamSpec* param = spec.find_param(name);
      if (!param) {
        std::vector<std::string> valid;
        for (const ParamSpec& p : spec.params) valid.push_back(p.name);
        const SourcePos& pos = PosOr(decl.param_name_pos, name, decl.class_pos);
        if (valid.empty()) {
          Error(pos, fmt::format("unknown parameter '{}': {} takes no parameters", name, spec.name));
        } else {
          Error(pos, fmt::format("unknown parameter '{}' of {}; valid parameters: {}{}", name, spec.name,
                                 fmt::join(valid, ", "), Suggestion(name, valid)));
        }
        continue;
      }
      CheckParamValue(decl, spec, *param, value, PosOr(decl.param_pos, name, decl.class_pos));
    }
    for (const ParamSpec& param : spec.params) {
      if (param.required && !decl.params.count(param.name)) {
        Error(decl.class_pos, fmt::format("missing required parameter '{}' ({}) of {} for '{}'", param.name,
                                          ParamTypeName(param.type), spec.name, decl.name));
      }
    }
  }

  static const SourcePos& PosOr(const std::map<std::string, SourcePos, std::less<>>& positions, std::string_view name,
                                const SourcePos& fallback) {
    auto it = positions.find(name);
    return it == positions.end() ? fallback : it->second;
  }

  void CheckParamValue(const ElementDecl& decl, const ClassSpec& spec, const ParamSpec& param, const ParamValue& value,
                       const SourcePos& pos) {
    using Kind = ParamValue::Kind;
    bool accepted = false;
    switch (param.type) {
      case ParamType::kInt: accepted = value.kind == Kind::kInt; break;
      case ParamType::kFloat: accepted = value.kind == Kind::kInt || value.kind == Kind::kFloat; break;
      case ParamType::kString:
      case ParamType::kExpr:
      case ParamType::kAssignments: accepted = value.kind == Kind::kString; break;
      case ParamType::kBool: accepted = value.kind == Kind::kBool; break;
      case ParamType::kList: accepted = value.kind == Kind::kList; break;
      case ParamType::kSecret: accepted = value.kind == Kind::kString || value.kind == Kind::kEnv; break;
    }
    if (!accepted && value.kind == Kind::kEnv) {
      // Only a secret is worth keeping out of the file; anything else read
      // from the environment would make a topology mean different things on
      // different machines, unseen by the checker.
      Error(pos, fmt::format("parameter '{}' of {} for '{}' is {}: env(...) is for secret parameters only", param.name,
                             spec.name, decl.name, ParamTypeName(param.type)));
      return;
    }
    if (!accepted) {
      const char* wanted = param.type == ParamType::kExpr          ? "an expression string"
                           : param.type == ParamType::kAssignments ? "a string of assignments"
                           : param.type == ParamType::kInt         ? "an int"
                           : param.type == ParamType::kSecret      ? "a secret (a string or env(\"NAME\"))"
                                                                   : nullptr;
      Error(pos, fmt::format("parameter '{}' of {} for '{}' must be {}, found {}", param.name, spec.name, decl.name,
                             wanted ? wanted : fmt::format("a {}", ParamTypeName(param.type)),
                             DescribeValue(value, &param)));
      return;
    }
    if (param.type != ParamType::kExpr && param.type != ParamType::kAssignments) return;

    ExprError error;
    Status status;
    if (param.type == ParamType::kExpr) {
      Expr expr;
      status = Expr::Compile(value.s, &expr, &error);
    } else {
      std::vector<Assignment> assignments;
      status = CompileAssignments(value.s, &assignments, &error);
    }
    if (status.ok()) return;
    // The error's column counts in the expression text; the text starts one
    // past the opening quote. Escapes before it would shift it slightly:
    // close enough to point at the spot.
    SourcePos at = pos;
    if (error.column > 0) at.column = pos.column + error.column;
    Error(at, fmt::format("invalid {} in parameter '{}' of '{}': {}",
                          param.type == ParamType::kExpr ? "expression" : "assignments", param.name, decl.name,
                          error.message.empty() ? status.message() : error.message));
  }

  void CheckPlacement(const ElementDecl& decl) {
    if (decl.node.empty() || options_.known_nodes.empty()) return;
    const auto& nodes = options_.known_nodes;
    if (std::find(nodes.begin(), nodes.end(), decl.node) != nodes.end()) return;
    Error(decl.node_pos, fmt::format("'{}' is placed on unknown node '{}' (known nodes: {}){}", decl.name, decl.node,
                                     fmt::join(nodes, ", "), Suggestion(decl.node, nodes)));
  }

  // --- connections ----------------------------------------------------------

  void CheckConnection(Connection& connection) {
    const PortSpec* from = ResolveEnd(connection, connection.from, PortDirection::kOut);
    const PortSpec* to = ResolveEnd(connection, connection.to, PortDirection::kIn);
    if (from) sources_.insert({connection.from.element, connection.from.port});
    if (to) destinations_.insert({connection.to.element, connection.to.port});
    if (!from || !to) return;

    auto key = std::make_tuple(connection.kind, connection.from.element, connection.from.port, connection.to.element,
                               connection.to.port);
    auto [first, inserted] = connections_.emplace(std::move(key), connection.pos.line);
    if (!inserted) {
      Error(connection.pos, fmt::format("duplicate connection {}.{} {} {}.{} (first at line {})",
                                        connection.from.element, connection.from.port, ArrowText(connection.kind),
                                        connection.to.element, connection.to.port, first->second));
      return;
    }
    if (connection.kind == PortKind::kPush) CheckSchemas(connection, *from, *to);
  }

  static const char* ArrowText(PortKind kind) { return kind == PortKind::kPush ? "->" : "=>"; }

  // One side of a connection: finds the port (given, or the default one),
  // fills ref.port, and checks kind and direction. Null when it cannot be
  // used; the reason is reported unless an earlier error already explains it.
  const PortSpec* ResolveEnd(const Connection& connection, PortRef& ref, PortDirection wanted) {
    const bool left = wanted == PortDirection::kOut;
    auto element = elements_.find(ref.element);
    if (element == elements_.end()) {
      if (!InBrokenStatement(ref.element)) {
        Error(ref.pos, fmt::format("connection {} undeclared element '{}'", left ? "from" : "to", ref.element));
      }
      return nullptr;
    }
    const ClassSpec* spec = element->second.spec;
    if (!spec) return nullptr;  // unknown class, reported with the declaration
    const PortKind kind = connection.kind;
    const char* arrow = ArrowText(kind);
    const std::string who = fmt::format("'{}' ({})", ref.element, spec->name);

    if (!ref.port_given) {
      const PortSpec* port = DefaultPort(*spec, kind, wanted);
      if (port) {
        ref.port = port->name;
        return port;
      }
      ports_with_errors_.insert(ref.element);
      const auto candidates = spec->ports_of(kind, wanted);
      if (candidates.empty()) {
        const PortKind other = kind == PortKind::kPush ? PortKind::kQuery : PortKind::kPush;
        const auto others = spec->ports_of(other, wanted);
        std::string hint;
        if (!others.empty()) {
          hint = fmt::format(" (it has {} ports: {}; use '{}')", PortKindName(other, wanted), PortNames(others),
                             ArrowText(other));
        }
        Error(ref.pos, fmt::format("{} has no {} port for the {} side of '{}'{}", who, PortKindName(kind, wanted),
                                   left ? "left" : "right", arrow, hint));
      } else {
        Error(ref.pos, fmt::format("{} has several {} ports ({}), so '{}' needs one named, "
                                   "e.g. '{}.{}'",
                                   who, PortKindName(kind, wanted), PortNames(candidates), arrow, ref.element,
                                   candidates.front()->name));
      }
      return nullptr;
    }

    const PortSpec* port = spec->find_port(ref.port);
    const std::string named = fmt::format("'{}.{}'", ref.element, ref.port);
    if (!port) {
      ports_with_errors_.insert(ref.element);
      const auto candidates = spec->ports_of(kind, wanted);
      std::vector<std::string> names;
      for (const PortSpec* p : candidates) names.push_back(p->name);
      if (candidates.empty()) {
        Error(ref.port_pos,
              fmt::format("unknown port '{}' of {}, which has no {} ports", ref.port, who, PortKindName(kind, wanted)));
      } else {
        Error(ref.port_pos,
              fmt::format("unknown port '{}' of {}; its {} ports: {}{}", ref.port, who, PortKindName(kind, wanted),
                          PortNames(candidates), Suggestion(ref.port, names)));
      }
      return nullptr;
    }
    if (port->kind != kind) {
      ports_with_errors_.insert(ref.element);
      if (kind == PortKind::kPush) {
        Error(ref.port_pos, fmt::format("'->' connects push ports, but {} is a {} port (use '=>')", named,
                                        PortKindName(port->kind, port->direction)));
      } else {
        Error(ref.port_pos, fmt::format("'=>' connects query ports, but {} is a {} port (use '->')", named,
                                        PortKindName(port->kind, port->direction)));
      }
      return nullptr;
    }
    if (port->direction != wanted) {
      ports_with_errors_.insert(ref.element);
      const std::string role = kind == PortKind::kPush
                                   ? (left ? "an output port" : "an input port")
                                   : (left ? "the requester's query output port" : "the responder's query input port");
      Error(ref.port_pos, fmt::format("{} is {} port, but the {} side of '{}' needs {}", named,
                                      port->direction == PortDirection::kIn ? "an input" : "an output",
                                      left ? "left" : "right", arrow, role));
      return nullptr;
    }
    return port;
  }

  // Push: the class's chain port (ClassSpec::default_push_port). Query: the
  // only query port of that direction.
  static const PortSpec* DefaultPort(const ClassSpec& spec, PortKind kind, PortDirection direction) {
    if (kind == PortKind::kPush) return spec.default_push_port(direction);
    const auto ports = spec.ports_of(kind, direction);
    return ports.size() == 1 ? ports.front() : nullptr;
  }

  // Every field the in port requires must come out of the out port with a
  // type it accepts. An out port without a schema says nothing: accepted
  // here, and its logs are checked one by one at run time instead.
  void CheckSchemas(Connection& connection, const PortSpec& out, const PortSpec& in) {
    connection.check_schema = out.schema.empty() && !in.schema.empty();
    if (out.schema.empty()) return;
    const std::string from = fmt::format("'{}.{}'", connection.from.element, out.name);
    const std::string to = fmt::format("'{}.{}'", connection.to.element, in.name);
    for (const FieldSpec& wanted : in.schema) {
      auto given =
          std::find_if(out.schema.begin(), out.schema.end(), [&](const FieldSpec& f) { return f.name == wanted.name; });
      if (given == out.schema.end()) {
        Error(connection.pos, fmt::format("{} does not provide field '{}' ({}) that {} requires; it provides: {}", from,
                                          wanted.name, ValueTypeName(wanted.type), to, SchemaText(out.schema)));
      } else if (!TypeAccepts(wanted.type, given->type)) {
        Error(connection.pos, fmt::format("field '{}' is {} at {} but {} requires {}", wanted.name,
                                          ValueTypeName(given->type), from, to, ValueTypeName(wanted.type)));
      }
    }
  }

  // A required port nobody connected. Elements whose connections already
  // failed to resolve are left out: their intended port is unknown.
  void CheckRequiredPorts() {
    for (const auto& [name, info] : elements_) {
      if (!info.spec || ports_with_errors_.count(name) || InBrokenStatement(name)) continue;
      for (const PortSpec& port : info.spec->ports) {
        if (!port.required) continue;
        const auto key = std::make_pair(name, port.name);
        const bool out = port.direction == PortDirection::kOut;
        if ((out ? sources_ : destinations_).count(key)) continue;
        std::string hint;
        if (port.kind == PortKind::kQuery) {
          hint = out ? " (it needs a '=>' to a responder)" : " (it needs a '=>' from a requester)";
        } else {
          hint = out ? " (nothing reads from it)" : " (nothing feeds it)";
        }
        Error(info.decl->pos,
              fmt::format("required {} port '{}' of '{}' ({}) is not connected{}",
                          PortKindName(port.kind, port.direction), port.name, name, info.spec->name, hint));
      }
    }
  }

  struct ElementInfo {
    const ElementDecl* decl;  // the first declaration of the name
    const ClassSpec* spec;    // null: unknown class
  };

  Topology& topology_;
  const CheckOptions& options_;
  std::vector<Diagnostic>* errors_;
  std::map<std::string, ElementInfo, std::less<>> elements_;
  std::set<std::pair<std::string, std::string>> sources_;       // (element, port) feeding a link
  std::set<std::pair<std::string, std::string>> destinations_;  // (element, port) fed by a link
  std::set<std::string, std::less<>> ports_with_errors_;
  std::map<std::tuple<PortKind, std::string, std::string, std::string, std::string>, int>
      connections_;  // -> line of the first
};

}  // namespace

void Check(Topology& topology, const CheckOptions& options, std::vector<Diagnostic>* errors) {
  Checker(topology, options, errors).Run();
}

}  // namespace datablox::dsl
