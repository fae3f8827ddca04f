#include "runtime/core/schema_check.h"

#include <fmt/format.h>

#include <utility>

namespace datablox {

SchemaCheck::SchemaCheck(std::string port, std::vector<FieldSpec> required)
    : port_(std::move(port)), required_(std::move(required)) {}

Status SchemaCheck::Check(const Log& log) const {
  // Bytes that are not a map are malformed, not off-schema: the decoding
  // that counts malformed logs has the say on them.
  if (!log.valid()) return Status::OK();
  for (const FieldSpec& field : required_) {
    const ValueType given = log.get(field.name).type();
    if (given == field.type || (field.type == ValueType::kFloat && given == ValueType::kInt)) continue;
    if (given == ValueType::kMissing) {
      return Status::Invalid(fmt::format("log lacks field '{}' ({}) that port '{}' requires", field.name,
                                         ValueTypeName(field.type), port_));
    }
    return Status::Invalid(fmt::format("field '{}' is {} but port '{}' requires {}", field.name, ValueTypeName(given),
                                       port_, ValueTypeName(field.type)));
  }
  return Status::OK();
}

}  // namespace datablox
