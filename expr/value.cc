#include "expr/value.h"

#include <charconv>
#include <system_error>

namespace datablox::expr {

const char* KindName(const Val& v) {
  switch (v.kind) {
    case ValKind::kNil: return "nil";
    case ValKind::kBool: return "bool";
    case ValKind::kInt: return "int";
    case ValKind::kFloat: return "float";
    case ValKind::kString: return "string";
    case ValKind::kComposite: return v.composite.type() == ValueType::kArray ? "array" : "map";
    case ValKind::kError: return "error";
  }
  return "?";
}

std::string FloatText(double f) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), f);
  std::string text(buffer, ec == std::errc() ? end : buffer);
  if (text.find_first_not_of("-0123456789") == std::string::npos) text += ".0";
  return text;
}

std::string IntText(int64_t i) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), i);
  return std::string(buffer, end);
}

std::string_view ToText(const Val& v, EvalContext& ctx) {
  switch (v.kind) {
    case ValKind::kNil: return "nil";
    case ValKind::kBool: return v.b ? "true" : "false";
    case ValKind::kInt: return ctx.Keep(IntText(v.i));
    case ValKind::kFloat: return ctx.Keep(FloatText(v.f));
    case ValKind::kString: return v.str;
    case ValKind::kComposite: return ctx.Keep(v.composite.to_json());
    case ValKind::kError: return v.str;
  }
  return {};
}

bool EqualComposites(const Val& a, const Val& b) {
  // Rare enough that comparing the canonical text is fine.
  return a.composite.type() == b.composite.type() && a.composite.to_json() == b.composite.to_json();
}

}  // namespace datablox::expr
