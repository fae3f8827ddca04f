#include "datablox/spec.h"

#include <fmt/format.h>

namespace datablox {

const char* ParamValue::KindName(Kind kind) {
  switch (kind) {
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "string";
    case Kind::kBool: return "bool";
    case Kind::kList: return "list";
    case Kind::kEnv: return "env";
  }
  return "?";
}

namespace {

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string ParamValue::ToString() const {
  switch (kind) {
    case Kind::kInt: return std::to_string(i);
    case Kind::kFloat: {
      std::string text = fmt::format("{}", f);
      // Written as the language reads a float: 0 would read back as an int.
      if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
      return text;
    }
    case Kind::kBool: return b ? "true" : "false";
    case Kind::kString: return Quoted(s);
    case Kind::kEnv: return "env(" + Quoted(s) + ")";
    case Kind::kList: {
      std::string out = "[";
      for (size_t n = 0; n < list.size(); ++n) out += (n ? ", " : "") + list[n].ToString();
      return out + "]";
    }
  }
  return "?";
}

const char* ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kInt: return "int";
    case ParamType::kFloat: return "float";
    case ParamType::kString: return "string";
    case ParamType::kBool: return "bool";
    case ParamType::kList: return "list";
    case ParamType::kExpr: return "expression";
    case ParamType::kAssignments: return "assignments";
    case ParamType::kSecret: return "secret";
  }
  return "?";
}

std::string DisplayValue(const ParamSpec* param, const ParamValue& value) {
  // env("NAME") names where the secret is, not the secret: shown, it tells
  // an operator which variable to set.
  if (param && param->type == ParamType::kSecret && value.kind != ParamValue::Kind::kEnv) return kMaskedValue;
  return value.ToString();
}

namespace {

PortSpec MakePort(std::string name, PortKind kind, PortDirection direction, bool required,
                  std::vector<FieldSpec> schema, std::string doc) {
  PortSpec port;
  port.name = std::move(name);
  port.kind = kind;
  port.direction = direction;
  port.required = required;
  port.schema = std::move(schema);
  port.doc = std::move(doc);
  return port;
}

ParamSpec MakeParam(std::string name, ParamType type, bool required, ParamValue default_value, std::string doc) {
  ParamSpec param;
  param.name = std::move(name);
  param.type = type;
  param.required = required;
  param.default_value = std::move(default_value);
  param.doc = std::move(doc);
  return param;
}

}  // namespace

ClassSpec& ClassSpec::push_in(std::string port, std::vector<FieldSpec> schema, bool required, std::string doc) {
  ports.push_back(
      MakePort(std::move(port), PortKind::kPush, PortDirection::kIn, required, std::move(schema), std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::push_out(std::string port, std::vector<FieldSpec> schema, bool required, std::string doc) {
  ports.push_back(
      MakePort(std::move(port), PortKind::kPush, PortDirection::kOut, required, std::move(schema), std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::query_in(std::string port, bool required, std::string doc) {
  ports.push_back(MakePort(std::move(port), PortKind::kQuery, PortDirection::kIn, required, {}, std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::query_out(std::string port, bool required, std::string doc) {
  ports.push_back(MakePort(std::move(port), PortKind::kQuery, PortDirection::kOut, required, {}, std::move(doc)));
  return *this;
}

ClassSpec& ClassSpec::param_int(std::string p, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kInt, true, {}, std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_float(std::string p, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kFloat, true, {}, std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_string(std::string p, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kString, true, {}, std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_expr(std::string p, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kExpr, true, {}, std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_assignments(std::string p, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kAssignments, true, {}, std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_secret(std::string p, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kSecret, true, {}, std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_int(std::string p, int64_t value, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kInt, false, ParamValue::Int(value), std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_float(std::string p, double value, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kFloat, false, ParamValue::Float(value), std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_string(std::string p, std::string value, std::string doc) {
  params.push_back(
      MakeParam(std::move(p), ParamType::kString, false, ParamValue::String(std::move(value)), std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_bool(std::string p, bool value, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kBool, false, ParamValue::Bool(value), std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_expr(std::string p, std::string value, std::string doc) {
  params.push_back(
      MakeParam(std::move(p), ParamType::kExpr, false, ParamValue::String(std::move(value)), std::move(doc)));
  return *this;
}
ClassSpec& ClassSpec::param_list(std::string p, std::vector<ParamValue> value, std::string doc) {
  params.push_back(
      MakeParam(std::move(p), ParamType::kList, false, ParamValue::List(std::move(value)), std::move(doc)));
  return *this;
}

ClassSpec& ClassSpec::param_secret(std::string p, ParamValue value, std::string doc) {
  params.push_back(MakeParam(std::move(p), ParamType::kSecret, false, std::move(value), std::move(doc)));
  return *this;
}

const PortSpec* ClassSpec::find_port(std::string_view port) const {
  for (const PortSpec& p : ports) {
    if (p.name == port) return &p;
  }
  return nullptr;
}

const ParamSpec* ClassSpec::find_param(std::string_view param) const {
  for (const ParamSpec& p : params) {
    if (p.name == param) return &p;
  }
  return nullptr;
}

const PortSpec* ClassSpec::default_push_port(PortDirection direction) const {
  const PortSpec* only = nullptr;
  int count = 0;
  for (const PortSpec& p : ports) {
    if (p.kind != PortKind::kPush || p.direction != direction) continue;
    if (p.name == (direction == PortDirection::kIn ? "in" : "out")) return &p;
    only = &p;
    ++count;
  }
  return count == 1 ? only : nullptr;
}

std::vector<const PortSpec*> ClassSpec::ports_of(PortKind kind, PortDirection direction) const {
  std::vector<const PortSpec*> out;
  for (const PortSpec& p : ports) {
    if (p.kind == kind && p.direction == direction) out.push_back(&p);
  }
  return out;
}

}  // namespace datablox
