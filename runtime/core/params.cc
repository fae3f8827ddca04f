#include "datablox/params.h"

#include <fmt/format.h>

namespace datablox {
namespace {

bool Fits(ParamType type, const ParamValue& value) {
  switch (type) {
    case ParamType::kInt: return value.kind == ParamValue::Kind::kInt;
    case ParamType::kFloat:
      return value.kind == ParamValue::Kind::kFloat || value.kind == ParamValue::Kind::kInt;
    case ParamType::kString:
    case ParamType::kExpr:
    case ParamType::kAssignments: return value.kind == ParamValue::Kind::kString;
    case ParamType::kBool: return value.kind == ParamValue::Kind::kBool;
    case ParamType::kList: return value.kind == ParamValue::Kind::kList;
  }
  return false;
}

}  // namespace

Status Params::Resolve(const ClassSpec& spec, std::map<std::string, ParamValue, std::less<>> given,
                       Params* out) {
  std::vector<std::string> errors;
  for (const auto& [name, value] : given) {
    const ParamSpec* param = spec.find_param(name);
    if (!param) {
      errors.push_back(fmt::format("unknown parameter '{}' of {}", name, spec.name));
    } else if (!Fits(param->type, value)) {
      errors.push_back(fmt::format("parameter '{}' of {} must be {}, not {}", name, spec.name,
                                   ParamTypeName(param->type), value.ToString()));
    }
  }
  for (const ParamSpec& param : spec.params) {
    if (given.count(param.name)) continue;
    if (param.required) {
      errors.push_back(fmt::format("missing parameter '{}' of {}", param.name, spec.name));
    } else {
      given[param.name] = param.default_value;
    }
  }
  if (!errors.empty()) return Status::Invalid(fmt::format("{}", fmt::join(errors, "; ")));
  *out = Params(std::move(given));
  return Status::OK();
}

const ParamValue* Params::find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

Params::Reader Params::read(std::string_view name, int64_t& out) const { Reader r(*this); r.read(name, out); return r; }
Params::Reader Params::read(std::string_view name, double& out) const { Reader r(*this); r.read(name, out); return r; }
Params::Reader Params::read(std::string_view name, std::string& out) const { Reader r(*this); r.read(name, out); return r; }
Params::Reader Params::read(std::string_view name, bool& out) const { Reader r(*this); r.read(name, out); return r; }
Params::Reader Params::read(std::string_view name, std::vector<ParamValue>& out) const { Reader r(*this); r.read(name, out); return r; }

void Params::Reader::fail(std::string_view name, const char* wanted) {
  const ParamValue* value = params_.find(name);
  if (!errors_.empty()) errors_ += "; ";
  errors_ += value ? fmt::format("parameter '{}' must be {}, not {}", name, wanted, value->ToString())
                   : fmt::format("parameter '{}' is missing", name);
}

Params::Reader& Params::Reader::read(std::string_view name, int64_t& out) {
  const ParamValue* v = params_.find(name);
  if (v && v->kind == ParamValue::Kind::kInt) out = v->i;
  else fail(name, "an int");
  return *this;
}

Params::Reader& Params::Reader::read(std::string_view name, double& out) {
  const ParamValue* v = params_.find(name);
  if (v && v->kind == ParamValue::Kind::kFloat) out = v->f;
  else if (v && v->kind == ParamValue::Kind::kInt) out = static_cast<double>(v->i);
  else fail(name, "a number");
  return *this;
}

Params::Reader& Params::Reader::read(std::string_view name, std::string& out) {
  const ParamValue* v = params_.find(name);
  if (v && v->kind == ParamValue::Kind::kString) out = v->s;
  else fail(name, "a string");
  return *this;
}

Params::Reader& Params::Reader::read(std::string_view name, bool& out) {
  const ParamValue* v = params_.find(name);
  if (v && v->kind == ParamValue::Kind::kBool) out = v->b;
  else fail(name, "a bool");
  return *this;
}

Params::Reader& Params::Reader::read(std::string_view name, std::vector<ParamValue>& out) {
  const ParamValue* v = params_.find(name);
  if (v && v->kind == ParamValue::Kind::kList) out = v->list;
  else fail(name, "a list");
  return *this;
}

Status Params::Reader::status() const {
  return errors_.empty() ? Status::OK() : Status::Invalid(errors_);
}

}  // namespace datablox
