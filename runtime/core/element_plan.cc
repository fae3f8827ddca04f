// The codecs of the element plan declared in element_plan.h, and the
// restart policy's names.
#include "runtime/core/element_plan.h"

#include <fmt/format.h>

#include "runtime/core/control_fields.h"

namespace datablox::control {
namespace {

using detail::Fields;
using detail::Put;

}  // namespace

// ------------------------------------------------------------ restart policy

std::string_view RestartPolicyName(RestartPolicy policy) {
  switch (policy) {
    case RestartPolicy::kOnFailure: return "on-failure";
    case RestartPolicy::kAlways: return "always";
    case RestartPolicy::kNever: return "never";
  }
  return "on-failure";
}

const std::vector<std::string>& RestartPolicyNames() {
  static const std::vector<std::string> kNames = {"on-failure", "always", "never"};
  return kNames;
}

Status ParseRestartPolicy(std::string_view name, RestartPolicy* policy) {
  for (RestartPolicy each : {RestartPolicy::kOnFailure, RestartPolicy::kAlways, RestartPolicy::kNever}) {
    if (RestartPolicyName(each) == name) {
      *policy = each;
      return Status::OK();
    }
  }
  return Status::Invalid(fmt::format("restart policy \"{}\" is none of on-failure, always, never", name));
}

// ------------------------------------------------------------ the plan

Status FromJson(const Json& json, LinkPlan* link) {
  return Fields(json, "link")
      .Get("id", &link->id)
      .Get("endpoint", &link->endpoint)
      .Get("window", &link->window)
      .Get("batch", &link->batch)
      .Get("check_schema", &link->check_schema)
      .Get("shard", &link->shard)
      .Get("member", &link->member)
      .Get("stream_endpoint", &link->stream_endpoint)
      .status();
}
Json ToJson(const LinkPlan& link) {
  Json json = {{"id", link.id},
               {"endpoint", link.endpoint},
               {"window", link.window},
               {"batch", link.batch},
               {"check_schema", link.check_schema}};
  Put(json, "shard", link.shard);
  Put(json, "member", link.member);
  Put(json, "stream_endpoint", link.stream_endpoint);
  return json;
}
Status FromJson(const Json& json, ShardRoute* route) {
  std::string kind(RouteKindName(route->route)), merge(MergeKindName(route->merge));
  Fields fields(json, "shard route");
  fields.Get("shard", &route->shard)
      .Get("route", &kind)
      .Get("key", &route->key)
      .Get("merge", &merge)
      .Get("member_class", &route->member_class)
      .Get("key_groups", &route->key_groups)
      .Get("owners", &route->owners)
      .Get("held", &route->held)
      .Get("version", &route->version);
  if (Status st = fields.status(); !st.ok()) return st;
  if (Status st = ParseRouteKind(kind, &route->route); !st.ok())
    return Status::Invalid(fmt::format("shard route: 'route': {}", st.message()));
  if (Status st = ParseMergeKind(merge, &route->merge); !st.ok())
    return Status::Invalid(fmt::format("shard route: 'merge': {}", st.message()));
  if (route->route == RouteKind::kHash && static_cast<int>(route->owners.size()) != route->key_groups)
    return Status::Invalid(
        fmt::format("shard route: {} owners for {} key groups", route->owners.size(), route->key_groups));
  return Status::OK();
}
Json ToJson(const ShardRoute& route) {
  return {{"shard", route.shard},
          {"route", RouteKindName(route.route)},
          {"key", route.key},
          {"merge", MergeKindName(route.merge)},
          {"member_class", route.member_class},
          {"key_groups", route.key_groups},
          {"owners", route.owners},
          {"held", route.held},
          {"version", route.version}};
}
Status FromJson(const Json& json, MemberPlan* member) {
  return Fields(json, "member")
      .Get("shard", &member->shard)
      .Get("id", &member->id)
      .Get("key", &member->key)
      .Get("key_groups", &member->key_groups)
      .status();
}
Json ToJson(const MemberPlan& member) {
  return {{"shard", member.shard}, {"id", member.id}, {"key", member.key}, {"key_groups", member.key_groups}};
}
Status FromJson(const Json& json, PortPlan* port) {
  return Fields(json, "port")
      .Get("port", &port->port)
      .Get("window", &port->window)
      .Get("links", &port->links)
      .Get("shards", &port->shards)
      .status();
}
Json ToJson(const PortPlan& port) {
  Json links = Json::array();
  for (const LinkPlan& link : port.links) links.push_back(ToJson(link));
  Json json = {{"port", port.port}, {"window", port.window}, {"links", links}};
  if (!port.shards.empty()) {
    Json shards = Json::array();
    for (const ShardRoute& route : port.shards) shards.push_back(ToJson(route));
    json["shards"] = shards;
  }
  return json;
}
namespace {
Json ToJson(const std::vector<PortPlan>& ports) {
  Json list = Json::array();
  for (const PortPlan& port : ports) list.push_back(ToJson(port));
  return list;
}
}  // namespace

Json ParamToJson(const ParamValue& value) {
  switch (value.kind) {
    case ParamValue::Kind::kInt: return {{"int", value.i}};
    case ParamValue::Kind::kFloat: return {{"float", value.f}};
    case ParamValue::Kind::kString: return {{"string", value.s}};
    case ParamValue::Kind::kBool: return {{"bool", value.b}};
    case ParamValue::Kind::kEnv: return {{"env", value.s}};
    case ParamValue::Kind::kList: {
      Json items = Json::array();
      for (const ParamValue& item : value.list) items.push_back(ParamToJson(item));
      return {{"list", items}};
    }
  }
  return nullptr;
}

Json DisplayParamJson(const ParamSpec* param, const ParamValue& value) {
  if (DisplayValue(param, value) == kMaskedValue) return {{"secret", kMaskedValue}};
  return ParamToJson(value);
}

namespace {

// `depth`: the lists around this value. A plan comes from our own
// processes, but a message is read before it is trusted: a deep one is an
// error, not a stack overflow.
Status ParamFromJsonAt(const Json& json, ParamValue* value, int depth) {
  if (depth > kMaxParamListNesting)
    return Status::Invalid(fmt::format("parameter: lists nest more than {} levels deep", kMaxParamListNesting));
  if (!json.is_object())
    return Status::Invalid(fmt::format("a parameter must be an object, found {}", json.type_name()));
  auto wrong = [&](const char* kind, const char* expected) {
    return Status::Invalid(fmt::format("parameter: '{}' must be {}, found {}", kind, expected, json[kind].type_name()));
  };
  if (json.contains("int")) {
    if (!json["int"].is_number_integer()) return wrong("int", "an int");
    *value = ParamValue::Int(json["int"].get<int64_t>());
  } else if (json.contains("float")) {
    if (!json["float"].is_number()) return wrong("float", "a number");
    *value = ParamValue::Float(json["float"].get<double>());
  } else if (json.contains("string")) {
    if (!json["string"].is_string()) return wrong("string", "a string");
    *value = ParamValue::String(json["string"].get<std::string>());
  } else if (json.contains("bool")) {
    if (!json["bool"].is_boolean()) return wrong("bool", "a bool");
    *value = ParamValue::Bool(json["bool"].get<bool>());
  } else if (json.contains("env")) {
    if (!json["env"].is_string()) return wrong("env", "a string");
    *value = ParamValue::Env(json["env"].get<std::string>());
  } else {
    std::vector<ParamValue> items;
    if (json.contains("list")) {
      if (!json["list"].is_array()) return wrong("list", "a list");
      for (const Json& item : json["list"]) {
        Status st = ParamFromJsonAt(item, &items.emplace_back(), depth + 1);
        if (!st.ok()) return st;
      }
    }
    *value = ParamValue::List(std::move(items));
  }
  return Status::OK();
}

}  // namespace

Status ParamFromJson(const Json& json, ParamValue* value) { return ParamFromJsonAt(json, value, 0); }

Json ToJson(const LinkCurve& curve) {
  return {{"public_key", curve.public_key},
          {"secret_key", curve.secret_key},
          {"client_public_key", curve.client_public_key},
          {"client_secret_key", curve.client_secret_key}};
}

Status FromJson(const Json& json, LinkCurve* curve) {
  return Fields(json, "curve")
      .Get("public_key", &curve->public_key)
      .Get("secret_key", &curve->secret_key)
      .Get("client_public_key", &curve->client_public_key)
      .Get("client_secret_key", &curve->client_secret_key)
      .status();
}

Json ToJson(const ElementPlan& plan) {
  Json params = Json::object();
  for (const auto& [name, value] : plan.params) params[name] = ParamToJson(value);
  Json json = {{"topology", plan.topology},
               {"name", plan.name},
               {"class", plan.class_name},
               {"node", plan.node},
               {"params", params},
               {"push_in", ToJson(plan.push_in)},
               {"push_out", ToJson(plan.push_out)},
               {"query_in", ToJson(plan.query_in)},
               {"query_out", ToJson(plan.query_out)},
               {"query_timeout_ms", plan.query_timeout_ms},
               {"search_path", plan.search_path},
               {"restart", RestartPolicyName(plan.restart)},
               {"restart_limit", plan.restart_limit},
               {"backoff_ms", plan.backoff_ms}};
  if (plan.member) json["member"] = ToJson(*plan.member);
  if (plan.curve) json["curve"] = ToJson(*plan.curve);
  if (plan.checkpoints) json["checkpoints"] = true;
  if (plan.epoch != 0) json["epoch"] = plan.epoch;
  return json;
}

Status FromJson(const Json& json, ElementPlan* plan) {
  std::string restart(RestartPolicyName(plan->restart));
  Json params = Json::object();
  uint64_t epoch = plan->epoch;
  Fields fields(json, "plan");
  fields.Get("topology", &plan->topology)
      .Get("name", &plan->name)
      .Get("class", &plan->class_name)
      .Get("node", &plan->node)
      .Get("params", &params)
      .Get("push_in", &plan->push_in)
      .Get("push_out", &plan->push_out)
      .Get("query_in", &plan->query_in)
      .Get("query_out", &plan->query_out)
      .Get("query_timeout_ms", &plan->query_timeout_ms)
      .Get("restart", &restart)
      .Get("restart_limit", &plan->restart_limit)
      .Get("backoff_ms", &plan->backoff_ms)
      .Get("checkpoints", &plan->checkpoints)
      .Get("epoch", &epoch)
      .Get("search_path", &plan->search_path)
      .Get("member", &plan->member)
      .Get("curve", &plan->curve);
  if (Status st = fields.status(); !st.ok()) return st;
  if (epoch > kMaxEpoch) return Status::Invalid(fmt::format("plan: 'epoch' {} is over {}", epoch, kMaxEpoch));
  plan->epoch = static_cast<uint32_t>(epoch);
  if (!params.is_object())
    return Status::Invalid(fmt::format("plan: 'params' must be an object, found {}", params.type_name()));
  for (const auto& [name, value] : params.items()) {
    ParamValue param;
    Status st = ParamFromJson(value, &param);
    if (!st.ok()) return Status::Invalid(fmt::format("plan: 'params.{}': {}", name, st.message()));
    plan->params[name] = std::move(param);
  }
  Status st = ParseRestartPolicy(restart, &plan->restart);
  if (!st.ok()) return Status::Invalid(fmt::format("plan: 'restart': {}", st.message()));
  return Status::OK();
}

ElementPlan PlanFromJson(const Json& json) {
  ElementPlan plan;
  (void)FromJson(json, &plan);
  return plan;
}

}  // namespace datablox::control
