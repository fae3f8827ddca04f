// `datablox check FILE`, `datablox describe CLASS`, `datablox classes`.
#include <fmt/format.h>

#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "datablox/element.h"
#include "dsl/loader.h"
#include "dsl/shard_text.h"
#include "dsl/suggest.h"
#include "runtime/core/class_spec_json.h"
#include "runtime/core/element_plan.h"
#include "tools/commands.h"

namespace datablox::cli {
namespace {

std::string SchemaText(const PortSpec& port) {
  std::string out;
  for (const FieldSpec& f : port.schema)
    out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", f.name, ValueTypeName(f.type));
  return out.empty() ? "-" : "{" + out + "}";
}

// The topology as it will run, compounds expanded: what `check -o json`
// shows under "plan", so a script sees every element, link and policy.
nlohmann::json PlanJson(const dsl::Topology& topology) {
  nlohmann::json elements = nlohmann::json::array();
  for (const dsl::ElementDecl& decl : topology.elements) {
    nlohmann::json params = nlohmann::json::object();
    const ClassSpec* spec = ClassTable::Global().find(decl.class_name);
    for (const auto& [name, value] : decl.params)
      params[name] = control::DisplayParamJson(spec ? spec->find_param(name) : nullptr, value);
    elements.push_back({{"name", decl.name}, {"class", decl.class_name}, {"node", decl.node}, {"params", params},
                        {"shard", decl.shard.has_value()}});
  }
  nlohmann::json connections = nlohmann::json::array();
  for (const dsl::Connection& c : topology.connections) {
    connections.push_back({{"kind", c.kind == PortKind::kPush ? "push" : "query"},
                           {"from", c.from.element + "." + c.from.port},
                           {"to", c.to.element + "." + c.to.port}});
  }
  nlohmann::json policies = nlohmann::json::array();
  for (const dsl::Policy& policy : topology.policies) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [key, value] : policy.values) values[key] = control::ParamToJson(value);
    policies.push_back({{"element", policy.element}, {"values", values}});
  }
  return {{"elements", elements}, {"connections", connections}, {"policies", policies}};
}

nlohmann::json ShardsJson(const dsl::Topology& topology) {
  nlohmann::json shards = nlohmann::json::array();
  for (const dsl::ElementDecl& decl : topology.elements) {
    if (!decl.shard) continue;
    const dsl::ShardDecl& shard = *decl.shard;
    shards.push_back({{"name", decl.name},
                      {"class", decl.class_name},
                      {"min_members", shard.min_members},
                      {"max_members", shard.max_members},
                      {"route", RouteKindName(shard.route)},
                      {"route_key", shard.route_key},
                      {"merge", MergeKindName(shard.merge)},
                      {"key_groups", shard.key_groups},
                      {"node", decl.node}});
  }
  return shards;
}

// "; did you mean 'Counter'?" for `describe counter`, else "".
std::string ClassSuggestion(const std::string& wrong) {
  std::vector<std::string> names;
  for (const ClassSpec* c : ClassTable::Global().all()) names.push_back(c->name);
  std::string best = dsl::ClosestName(wrong, names);
  return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
}

}  // namespace

int CheckReadable(const std::string& file, const char* what) {
  // access(), not an open: opening a FIFO here would take what its writer
  // sends first, and the real read would then find nothing.
  if (::access(file.c_str(), R_OK) == 0) return kExitOk;
  std::fprintf(stderr, "error: cannot read %s '%s': %s\n", what, file.c_str(), std::strerror(errno));
  return kExitNoInput;
}

int Check(const std::string& file, const OutputFormat& format) {
  if (int code = CheckReadable(file); code != kExitOk) return code;
  for (const std::string& folder : ClassSearchPath(file)) ClassTable::Global().add_search_path(folder);
  std::vector<dsl::Diagnostic> errors;
  dsl::Topology topology = dsl::LoadFile(file, dsl::ClassTableCheckOptions(), &errors);
  if (format.json) {
    nlohmann::json out = {{"file", file},
                          {"ok", errors.empty()},
                          {"elements", topology.elements.size()},
                          {"connections", topology.connections.size()},
                          {"shards", ShardsJson(topology)},
                          {"plan", PlanJson(topology)}};
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : errors) {
      list.push_back({{"line", e.pos.line}, {"column", e.pos.column}, {"message", e.message}});
    }
    out["errors"] = list;
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    if (errors.empty()) {
      std::printf("%s: ok: %zu elements, %zu connections, %zu policies\n", file.c_str(), topology.elements.size(),
                  topology.connections.size(), topology.policies.size());
      for (const dsl::ElementDecl& decl : topology.elements) {
        if (decl.shard) std::printf("%s\n", dsl::ShardDeclText(decl).c_str());
      }
    } else {
      std::fprintf(stderr, "%s: %zu error%s\n", file.c_str(), errors.size(), errors.size() == 1 ? "" : "s");
    }
  }
  return errors.empty() ? kExitOk : kExitDataErr;
}

int Describe(const std::string& class_name, const OutputFormat& format) {
  // Python classes are looked for here and on DATABLOX_PYTHONPATH.
  for (const std::string& folder : ClassSearchPath("./describe")) ClassTable::Global().add_search_path(folder);
  const ClassSpec* spec = ClassTable::Global().find(class_name);
  if (!spec) {
    std::string why = ClassTable::Global().load_error(class_name);
    if (!why.empty()) std::fprintf(stderr, "error: cannot load class '%s': %s\n", class_name.c_str(), why.c_str());
    else
      std::fprintf(stderr, "error: no element class '%s'%s (see `datablox classes`)\n", class_name.c_str(),
                   ClassSuggestion(class_name).c_str());
    return kExitUsage;
  }
  if (format.json) {
    // The declaration as the inspector hands it over, less what only a
    // decoder needs (the fields' order, typed defaults, streams).
    nlohmann::json out = ClassSpecToJson(*spec);
    for (nlohmann::json& port : out["ports"]) port.erase("field_order");
    for (nlohmann::json& param : out["params"]) param.erase("default_value");
    out.erase("streams");
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::string usage;
  for (const ParamSpec& p : spec->params) usage += fmt::format("{}{}", usage.empty() ? "" : ", ", p.name);
  std::printf("%s(%s)\n  %s\n", spec->name.c_str(), usage.c_str(), spec->summary.c_str());
  if (!spec->description.empty()) std::printf("\n  %s\n", spec->description.c_str());
  std::printf("\nPORT          KIND   DIR  REQUIRED  SCHEMA\n");
  for (const PortSpec& p : spec->ports) {
    std::printf("%-13s %-6s %-4s %-9s %s%s%s\n", p.name.c_str(), PortKindName(p.kind), PortDirectionName(p.direction),
                p.required ? "yes" : "no", SchemaText(p).c_str(), p.doc.empty() ? "" : "  ", p.doc.c_str());
  }
  if (!spec->params.empty()) {
    std::printf("\nPARAMETER     TYPE         DEFAULT     DESCRIPTION\n");
    for (const ParamSpec& p : spec->params) {
      std::printf("%-13s %-12s %-11s %s\n", p.name.c_str(), ParamTypeName(p.type),
                  p.required ? "(required)" : DisplayValue(&p, p.default_value).c_str(), p.doc.c_str());
    }
  }
  if (!spec->handlers.empty()) {
    std::printf("\nHANDLER       DESCRIPTION\n");
    for (const auto& h : spec->handlers) std::printf("%-13s %s\n", h.name.c_str(), h.doc.c_str());
  }
  // Whether it may be a shard's member (`NAME :: shard CLASS(...) {...}`).
  std::printf("\nSHARDABLE  STATE      KEY PARAMETER  CUSTOM MERGE\n");
  if (spec->shard.shardable) {
    std::printf("%-10s %-10s %-14s %s\n", "yes", StateKindName(spec->shard.state),
                spec->shard.key_param.empty() ? "-" : spec->shard.key_param.c_str(), spec->shard.merge ? "yes" : "no");
  } else {
    std::printf("%-10s %-10s %-14s %s\n", "no", "-", "-", "-");
  }
  return kExitOk;
}

int ListClasses(const OutputFormat& format) {
  auto classes = ClassTable::Global().all();
  if (format.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const ClassSpec* c : classes) out.push_back({{"class", c->name}, {"summary", c->summary}});
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::printf("%-18s %s\n", "CLASS", "SUMMARY");
  for (const ClassSpec* c : classes) std::printf("%-18s %s\n", c->name.c_str(), c->summary.c_str());
  return kExitOk;
}

}  // namespace datablox::cli
