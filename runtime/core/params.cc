#include "datablox/params.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace datablox {
namespace {

bool Fits(ParamType type, const ParamValue& value) {
  switch (type) {
    case ParamType::kInt: return value.kind == ParamValue::Kind::kInt;
    case ParamType::kFloat: return value.kind == ParamValue::Kind::kFloat || value.kind == ParamValue::Kind::kInt;
    case ParamType::kString:
    case ParamType::kExpr:
    case ParamType::kAssignments: return value.kind == ParamValue::Kind::kString;
    case ParamType::kBool: return value.kind == ParamValue::Kind::kBool;
    case ParamType::kList: return value.kind == ParamValue::Kind::kList;
    case ParamType::kSecret: return value.kind == ParamValue::Kind::kString || value.kind == ParamValue::Kind::kEnv;
  }
  return false;
}

// env("NAME") of a secret, read here: Resolve runs in the process the
// element runs in, so the secret comes from that machine's environment
// (never from the one that submitted the topology). "" when read, else why not.
std::string ReadEnvironment(const ClassSpec& spec, const std::string& name, ParamValue* value) {
  if (value->kind != ParamValue::Kind::kEnv) return "";
  const char* found = std::getenv(value->s.c_str());
  if (!found) {
    return fmt::format("parameter '{}' of {}: environment variable {} is not set where the element runs", name,
                       spec.name, value->s);
  }
  *value = ParamValue::String(found);
  return "";
}

}  // namespace

Status Params::Resolve(const ClassSpec& spec, std::map<std::string, ParamValue, std::less<>> given, Params* out) {
  std::vector<std::string> errors;
  for (const auto& [name, value] : given) {
    const ParamSpec* param = spec.find_param(name);
    if (!param) {
      errors.push_back(fmt::format("unknown parameter '{}' of {}", name, spec.name));
    } else if (!Fits(param->type, value)) {
      errors.push_back(fmt::format("parameter '{}' of {} must be {}, not {}", name, spec.name,
                                   ParamTypeName(param->type), DisplayValue(param, value)));
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
  for (const ParamSpec& param : spec.params) {
    auto it = given.find(param.name);
    if (param.type != ParamType::kSecret || it == given.end()) continue;
    if (std::string why = ReadEnvironment(spec, param.name, &it->second); !why.empty()) errors.push_back(why);
  }
  if (!errors.empty()) return Status::Invalid(fmt::format("{}", fmt::join(errors, "; ")));
  out->class_name_ = spec.name;
  out->values_ = std::move(given);
  out->declared_.clear();
  for (const ParamSpec& param : spec.params) out->declared_[param.name] = param.type;
  return Status::OK();
}

const ParamValue* Params::find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

Params::Reader Params::read(std::string_view name, int64_t& out) const {
  Reader r(*this);
  r.read(name, out);
  return r;
}
Params::Reader Params::read(std::string_view name, double& out) const {
  Reader r(*this);
  r.read(name, out);
  return r;
}
Params::Reader Params::read(std::string_view name, std::string& out) const {
  Reader r(*this);
  r.read(name, out);
  return r;
}
Params::Reader Params::read(std::string_view name, bool& out) const {
  Reader r(*this);
  r.read(name, out);
  return r;
}
Params::Reader Params::read(std::string_view name, std::vector<ParamValue>& out) const {
  Reader r(*this);
  r.read(name, out);
  return r;
}

const ParamValue* Params::Reader::Take(std::string_view name, std::initializer_list<ParamType> accepted,
                                       const char* as) {
  std::string error;
  auto declared = params_.declared_.find(name);
  const ParamValue* value = params_.find(name);
  if (declared == params_.declared_.end()) {
    error = fmt::format("{} reads parameter '{}', which it does not declare", params_.class_name_, name);
  } else if (std::find(accepted.begin(), accepted.end(), declared->second) == accepted.end()) {
    error = fmt::format("{} reads parameter '{}' as {}, but declares it {}", params_.class_name_, name, as,
                        ParamTypeName(declared->second));
  } else if (!value || !Fits(declared->second, *value)) {
    // Resolve rules this out; a reader must not trust it blindly.
    ParamSpec declared_spec;
    declared_spec.type = declared->second;
    error = value ? fmt::format("parameter '{}' must be {}, not {}", name, ParamTypeName(declared->second),
                                DisplayValue(&declared_spec, *value))
                  : fmt::format("parameter '{}' is missing", name);
  } else {
    return value;
  }
  if (!errors_.empty()) errors_ += "; ";
  errors_ += error;
  return nullptr;
}

Params::Reader& Params::Reader::read(std::string_view name, int64_t& out) {
  if (const ParamValue* v = Take(name, {ParamType::kInt}, "an int")) out = v->i;
  return *this;
}

Params::Reader& Params::Reader::read(std::string_view name, double& out) {
  if (const ParamValue* v = Take(name, {ParamType::kFloat}, "a float")) {
    out = v->kind == ParamValue::Kind::kInt ? static_cast<double>(v->i) : v->f;
  }
  return *this;
}

Params::Reader& Params::Reader::read(std::string_view name, std::string& out) {
  if (const ParamValue* v =
          Take(name, {ParamType::kString, ParamType::kExpr, ParamType::kAssignments, ParamType::kSecret}, "a string")) {
    out = v->s;
  }
  return *this;
}

Params::Reader& Params::Reader::read(std::string_view name, bool& out) {
  if (const ParamValue* v = Take(name, {ParamType::kBool}, "a bool")) out = v->b;
  return *this;
}

Params::Reader& Params::Reader::read(std::string_view name, std::vector<ParamValue>& out) {
  if (const ParamValue* v = Take(name, {ParamType::kList}, "a list")) out = v->list;
  return *this;
}

Status Params::Reader::status() const { return errors_.empty() ? Status::OK() : Status::Invalid(errors_); }

}  // namespace datablox
