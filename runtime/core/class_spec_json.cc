#include "runtime/core/class_spec_json.h"

#include <fmt/format.h>

#include "runtime/core/element_plan.h"

namespace datablox {
namespace {

using Json = nlohmann::json;

bool ParseParamTypeName(std::string_view name, ParamType* type) {
  for (ParamType t : {ParamType::kInt, ParamType::kFloat, ParamType::kString, ParamType::kBool, ParamType::kList,
                      ParamType::kExpr, ParamType::kAssignments, ParamType::kSecret}) {
    if (name == ParamTypeName(t)) {
      *type = t;
      return true;
    }
  }
  return false;
}

// Reads one object's fields; the first one missing or of the wrong type is
// the error, named with where it is ("class X: port 2: 'kind'").
class SpecFieldReader {
 public:
  SpecFieldReader(const Json& json, std::string where) : json_(json), where_(std::move(where)) {
    if (!json.is_object()) Fail(fmt::format("must be an object, found {}", json.type_name()));
  }
  const Json* Field(const char* key, Json::value_t type, bool required = true) {
    if (!error_.empty()) return nullptr;
    auto it = json_.find(key);
    if (it == json_.end()) {
      if (required) Fail(fmt::format("'{}' is missing", key));
      return nullptr;
    }
    bool ok = it->type() == type || (type == Json::value_t::number_unsigned && it->is_number_unsigned());
    if (!ok) {
      Fail(fmt::format("'{}' must be {}, found {}", key, Json(type).type_name(), it->type_name()));
      return nullptr;
    }
    return &*it;
  }
  void String(const char* key, std::string* out, bool required = true) {
    if (const Json* v = Field(key, Json::value_t::string, required)) *out = v->get<std::string>();
  }
  void Bool(const char* key, bool* out, bool required = true) {
    if (const Json* v = Field(key, Json::value_t::boolean, required)) *out = v->get<bool>();
  }
  void Fail(std::string why) {
    if (error_.empty()) error_ = where_ + ": " + why;
  }
  const std::string& error() const { return error_; }

 private:
  const Json& json_;
  std::string where_;
  std::string error_;
};

Json PortToJson(const PortSpec& p) {
  Json schema = Json::object(), order = Json::array();
  for (const FieldSpec& f : p.schema) {
    schema[f.name] = ValueTypeName(f.type);
    order.push_back(f.name);
  }
  return {{"name", p.name},     {"kind", PortKindName(p.kind)}, {"direction", PortDirectionName(p.direction)},
          {"required", p.required}, {"schema", schema},          {"field_order", order},
          {"doc", p.doc}};
}

std::string PortFromJson(const Json& json, const std::string& where, PortSpec* port) {
  SpecFieldReader r(json, where);
  std::string kind, direction;
  r.String("name", &port->name);
  r.String("kind", &kind);
  r.String("direction", &direction);
  r.Bool("required", &port->required);
  r.String("doc", &port->doc, false);
  const Json* schema = r.Field("schema", Json::value_t::object);
  const Json* order = r.Field("field_order", Json::value_t::array, false);
  if (!r.error().empty()) return r.error();
  if (kind != "push" && kind != "query") return where + ": 'kind' must be push or query, found " + kind;
  if (direction != "in" && direction != "out") return where + ": 'direction' must be in or out, found " + direction;
  port->kind = kind == "push" ? PortKind::kPush : PortKind::kQuery;
  port->direction = direction == "in" ? PortDirection::kIn : PortDirection::kOut;
  // The declared order (error messages list fields in it); a JSON object
  // alone would sort them.
  std::vector<std::string> names;
  if (order) {
    for (const Json& name : *order) {
      if (!name.is_string() || !schema->contains(name.get<std::string>()))
        return where + ": 'field_order' names a field the schema does not have";
      names.push_back(name.get<std::string>());
    }
  }
  if (names.size() != schema->size()) {
    names.clear();
    for (const auto& [name, type] : schema->items()) names.push_back(name);
  }
  for (const std::string& name : names) {
    const Json& type = (*schema)[name];
    FieldSpec field{name, ValueType::kNil};
    if (!type.is_string() || !ParseValueTypeName(type.get<std::string>(), &field.type))
      return fmt::format("{}: field '{}' has no value type: {}", where, name, type.dump());
    port->schema.push_back(std::move(field));
  }
  return "";
}

std::string ParamFromJsonSpec(const Json& json, const std::string& where, ParamSpec* param) {
  SpecFieldReader r(json, where);
  std::string type;
  r.String("name", &param->name);
  r.String("type", &type);
  r.Bool("required", &param->required);
  r.String("doc", &param->doc, false);
  const Json* value = r.Field("default_value", Json::value_t::object, false);
  if (!r.error().empty()) return r.error();
  if (!ParseParamTypeName(type, &param->type)) return where + ": 'type' is no parameter type: " + type;
  if (value) {
    Status st = control::ParamFromJson(*value, &param->default_value);
    if (!st.ok()) return where + ": 'default_value': " + st.message();
  }
  return "";
}

}  // namespace

const char* PortKindName(PortKind kind) { return kind == PortKind::kPush ? "push" : "query"; }
const char* PortDirectionName(PortDirection dir) { return dir == PortDirection::kIn ? "in" : "out"; }
const char* StateKindName(StateKind kind) { return kind == StateKind::kKeyed ? "keyed" : "stateless"; }

Json ClassSpecToJson(const ClassSpec& spec) {
  Json ports = Json::array(), params = Json::array(), handlers = Json::array();
  for (const PortSpec& p : spec.ports) ports.push_back(PortToJson(p));
  for (const ParamSpec& p : spec.params) {
    Json param = {{"name", p.name},
                  {"type", ParamTypeName(p.type)},
                  {"required", p.required},
                  {"default", p.required ? "" : DisplayValue(&p, p.default_value)},
                  {"doc", p.doc}};
    if (!p.required) param["default_value"] = control::ParamToJson(p.default_value);
    params.push_back(std::move(param));
  }
  for (const auto& h : spec.handlers) handlers.push_back({{"name", h.name}, {"doc", h.doc}});
  Json shard = {{"shardable", spec.shard.shardable}};
  if (spec.shard.shardable) {
    shard["state"] = StateKindName(spec.shard.state);
    shard["key_param"] = spec.shard.key_param;
    shard["custom_merge"] = static_cast<bool>(spec.shard.merge);
  }
  return {{"class", spec.name},  {"summary", spec.summary}, {"description", spec.description},
          {"ports", ports},      {"params", params},        {"handlers", handlers},
          {"shard", shard},      {"streams", spec.streams}};
}

Status ClassSpecFromJson(const Json& json, ClassSpec* spec) {
  *spec = ClassSpec();
  SpecFieldReader r(json, "class");
  r.String("class", &spec->name);
  r.String("summary", &spec->summary, false);
  r.String("description", &spec->description, false);
  r.Bool("streams", &spec->streams, false);
  const Json* ports = r.Field("ports", Json::value_t::array);
  const Json* params = r.Field("params", Json::value_t::array);
  const Json* handlers = r.Field("handlers", Json::value_t::array, false);
  const Json* shard = r.Field("shard", Json::value_t::object, false);
  if (!r.error().empty()) return Status::Invalid(r.error());
  const std::string where = "class " + spec->name;
  for (size_t i = 0; i < ports->size(); ++i) {
    std::string why = PortFromJson((*ports)[i], fmt::format("{}: port {}", where, i + 1), &spec->ports.emplace_back());
    if (!why.empty()) return Status::Invalid(why);
  }
  for (size_t i = 0; i < params->size(); ++i) {
    std::string why =
        ParamFromJsonSpec((*params)[i], fmt::format("{}: parameter {}", where, i + 1), &spec->params.emplace_back());
    if (!why.empty()) return Status::Invalid(why);
  }
  if (handlers) {
    for (size_t i = 0; i < handlers->size(); ++i) {
      SpecFieldReader h((*handlers)[i], fmt::format("{}: handler {}", where, i + 1));
      ClassSpec::Handler& handler = spec->handlers.emplace_back();
      h.String("name", &handler.name);
      h.String("doc", &handler.doc, false);
      if (!h.error().empty()) return Status::Invalid(h.error());
    }
  }
  if (shard) {
    SpecFieldReader s(*shard, where + ": shard");
    std::string state = "stateless";
    bool custom_merge = false;
    s.Bool("shardable", &spec->shard.shardable);
    s.String("state", &state, false);
    s.String("key_param", &spec->shard.key_param, false);
    s.Bool("custom_merge", &custom_merge, false);
    if (!s.error().empty()) return Status::Invalid(s.error());
    if (state != "stateless" && state != "keyed")
      return Status::Invalid(where + ": shard: 'state' must be stateless or keyed, found " + state);
    spec->shard.state = state == "keyed" ? StateKind::kKeyed : StateKind::kStateless;
    if (custom_merge) {
      // The checker asks only whether there is one; the merge itself runs
      // where the class was loaded, in an element host.
      spec->shard.merge = [](const std::vector<const Log*>&, LogBuilder*) {
        return Status::Internal("a custom merge runs only in the process that loaded its class");
      };
    }
  }
  return Status::OK();
}

}  // namespace datablox
