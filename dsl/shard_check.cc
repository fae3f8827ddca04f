#include "dsl/shard_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>

#include "dsl/limits.h"

namespace datablox::dsl {
namespace {

class ShardDeclChecker {
 public:
  ShardDeclChecker(const ElementDecl& decl, const ClassSpec& spec, std::vector<Diagnostic>* errors)
      : decl_(decl), shard_(*decl.shard), spec_(spec), errors_(errors) {}

  void Run() {
    if (!spec_.shard.shardable) {
      Error(decl_.class_pos,
            fmt::format("class '{}' cannot be a shard's member: it does not declare shardable()", spec_.name));
      return;
    }
    CheckCounts();
    CheckRoute();
    CheckMerge();
  }

 private:
  void Error(const SourcePos& pos, std::string message) { errors_->push_back(Diagnostic{pos, std::move(message)}); }

  // Where an option's value was written; the word `shard` when it was not.
  const SourcePos& ValuePos(std::string_view option) const {
    auto it = shard_.value_pos.find(option);
    return it == shard_.value_pos.end() ? shard_.pos : it->second;
  }

  void CheckCounts() {
    const int min = shard_.min_members;
    const int max = shard_.max_members;
    bool members_ok = true;
    if (min < 1) {
      Error(ValuePos("members"), fmt::format("shard '{}' needs at least 1 member, found {}", decl_.name, min));
      members_ok = false;
    }
    if (max > kMaxShardMembers) {
      Error(ValuePos("members.max"),
            fmt::format("shard '{}' has at most {} members, found {}", decl_.name, kMaxShardMembers, max));
      members_ok = false;
    }
    if (min > max) {
      Error(ValuePos("members"),
            fmt::format("members: {}..{} of shard '{}': the minimum is larger than the maximum", min, max, decl_.name));
      members_ok = false;
    }
    const int groups = shard_.key_groups;
    if (groups < 1 || groups > kMaxKeyGroups) {
      Error(ValuePos("key_groups"), fmt::format("key_groups of shard '{}' must be between 1 and {}, found {}",
                                                decl_.name, kMaxKeyGroups, groups));
    } else if (members_ok && groups < max) {
      Error(ValuePos("key_groups"),
            fmt::format("key_groups of shard '{}' ({}) must be at least its most members ({}): each member owns "
                        "one key group or more",
                        decl_.name, groups, max));
    }
  }

  // The value of the class's key parameter as this declaration sets it (or
  // its default); null when it is no string (a type error reported with
  // the parameters).
  const std::string* KeyParamValue() const {
    const std::string& name = spec_.shard.key_param;
    if (auto given = decl_.params.find(name); given != decl_.params.end()) {
      return given->second.kind == ParamValue::Kind::kString ? &given->second.s : nullptr;
    }
    const ParamSpec* param = spec_.find_param(name);
    if (!param || param->required || param->default_value.kind != ParamValue::Kind::kString) return nullptr;
    return &param->default_value.s;
  }

  void CheckRoute() {
    if (spec_.shard.state != StateKind::kKeyed) return;
    const std::string* key = spec_.shard.key_param.empty() ? nullptr : KeyParamValue();
    const std::string wanted = key && !key->empty() ? fmt::format("hash({})", *key) : "hash(FIELD)";
    if (shard_.route == RouteKind::kBroadcast) {
      Error(ValuePos("route"), fmt::format("route broadcast would give every member of '{}' every key: class '{}' "
                                           "keeps keyed state, so the route must be {}",
                                           decl_.name, spec_.name, wanted));
      return;
    }
    if (shard_.route != RouteKind::kHash) {
      Error(ValuePos("route"), fmt::format("class '{}' keeps keyed state, so shard '{}' must route by {}, not {}",
                                           spec_.name, decl_.name, wanted, RouteKindName(shard_.route)));
      return;
    }
    if (key && shard_.route_key != *key) {
      Error(ValuePos("route.key"), fmt::format("route hash({}) must route by {}'s key parameter '{}' (\"{}\")",
                                               shard_.route_key, spec_.name, spec_.shard.key_param, *key));
    }
  }

  void CheckMerge() {
    if (shard_.merge == kDefaultMerge) return;
    const SourcePos& pos = ValuePos("merge");
    if (spec_.ports_of(PortKind::kQuery, PortDirection::kIn).empty()) {
      Error(pos, fmt::format("merge: {} merges answers to queries, and class '{}' has no query input port",
                             MergeKindName(shard_.merge), spec_.name));
    } else if (shard_.merge == MergeKind::kCustom && !spec_.shard.merge) {
      Error(pos, fmt::format("class '{}' has no custom merge (ClassSpec::merge)", spec_.name));
    }
  }

  const ElementDecl& decl_;
  const ShardDecl& shard_;
  const ClassSpec& spec_;
  std::vector<Diagnostic>* errors_;
};

std::string FieldsText(const std::vector<FieldSpec>& schema) {
  std::vector<std::string> fields;
  for (const FieldSpec& field : schema) {
    fields.push_back(fmt::format("{} ({})", field.name, ValueTypeName(field.type)));
  }
  return fmt::format("{}", fmt::join(fields, ", "));
}

}  // namespace

void CheckShardDecl(const ElementDecl& decl, const ClassSpec& spec, std::vector<Diagnostic>* errors) {
  ShardDeclChecker(decl, spec, errors).Run();
}

void CheckShardRouteFields(const Topology& topology,
                           const std::function<const ClassSpec*(std::string_view element)>& class_of,
                           std::vector<Diagnostic>* errors) {
  for (const Connection& connection : topology.connections) {
    if (connection.kind != PortKind::kPush) continue;
    const ElementDecl* to = topology.find(connection.to.element);
    if (!to || !to->shard || to->shard->route != RouteKind::kHash) continue;
    const ClassSpec* from_class = class_of(connection.from.element);
    const ClassSpec* to_class = class_of(to->name);
    if (!from_class || !to_class) continue;
    const PortSpec* in = to_class->find_port(connection.to.port);
    if (!in || in->kind != PortKind::kPush || in->direction != PortDirection::kIn) continue;
    const PortSpec* out = from_class->find_port(connection.from.port);
    // A port that did not resolve is reported elsewhere; one without a
    // schema guarantees nothing, and the member's host checks each log.
    if (!out || out->kind != PortKind::kPush || out->direction != PortDirection::kOut || out->schema.empty()) continue;
    const std::string& field = to->shard->route_key;
    const bool provided = std::any_of(out->schema.begin(), out->schema.end(),
                                      [&](const FieldSpec& given) { return given.name == field; });
    if (provided) continue;
    errors->push_back(
        Diagnostic{connection.pos,
                   fmt::format("'{}.{}' does not provide field '{}' that shard '{}' routes by (hash({})); it "
                               "provides: {}",
                               connection.from.element, out->name, field, to->name, field, FieldsText(out->schema))});
  }
}

}  // namespace datablox::dsl
