#include "cell/brio/schema.h"

namespace datablox::brio {

namespace {
struct TypeName {
  ScalarType type;
  std::string_view name;
  int size;
};
constexpr TypeName kTypes[] = {
    {ScalarType::kBoolean, "boolean", 1}, {ScalarType::kByte, "byte", 1}, {ScalarType::kShort, "short", 2},
    {ScalarType::kInteger, "integer", 4}, {ScalarType::kLong, "long", 8}, {ScalarType::kDouble, "double", 8},
    {ScalarType::kString, "string", 4},
};
}  // namespace

std::string_view ScalarTypeName(ScalarType type) {
  for (const TypeName& t : kTypes)
    if (t.type == type) return t.name;
  return "?";
}

std::optional<ScalarType> ScalarTypeFromName(std::string_view name) {
  for (const TypeName& t : kTypes)
    if (t.name == name) return t.type;
  return std::nullopt;
}

int ScalarSize(ScalarType type) {
  for (const TypeName& t : kTypes)
    if (t.type == type) return t.size;
  return 0;
}

}  // namespace datablox::brio
