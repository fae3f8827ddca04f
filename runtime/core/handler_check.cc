#include "runtime/core/handler_check.h"

#include <fmt/format.h>

#include <algorithm>

namespace datablox {
namespace {

bool Declared(const ClassSpec& spec, std::string_view handler) {
  return std::any_of(spec.handlers.begin(), spec.handlers.end(),
                     [&](const ClassSpec::Handler& h) { return h.name == handler; });
}

std::string Undeclared(const ClassSpec& spec, std::string_view handler) {
  return fmt::format("{} registers handler '{}' but does not declare it", spec.name, handler);
}

}  // namespace

Status CheckHandlers(const ClassSpec& spec, const std::vector<std::string>& registered) {
  std::vector<std::string> errors;
  std::vector<std::string> seen;
  for (const std::string& name : registered) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    if (!Declared(spec, name)) errors.push_back(Undeclared(spec, name));
  }
  for (const ClassSpec::Handler& h : spec.handlers) {
    if (std::find(seen.begin(), seen.end(), h.name) == seen.end()) {
      errors.push_back(fmt::format("{} declares handler '{}' but never registers it", spec.name, h.name));
    }
  }
  if (errors.empty()) return Status::OK();
  return Status::Invalid(fmt::format("{}", fmt::join(errors, "; ")));
}

Status CheckHandlerDeclared(const ClassSpec& spec, std::string_view handler) {
  return Declared(spec, handler) ? Status::OK() : Status::Invalid(Undeclared(spec, handler));
}

}  // namespace datablox
