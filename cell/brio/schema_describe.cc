#include "cell/brio/schema_describe.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "cell/brio/schema_limits.h"

namespace datablox::brio {
namespace {

bool LeadsToStructure(const Field& field) {
  return field.kind == FieldKind::kReference || field.kind == FieldKind::kReferenceVector;
}

// The structure a reference leads to, or null (unresolved, or out of range).
const Structure* Target(const Schema& schema, const Field& field) {
  if (!LeadsToStructure(field) || field.structure_index < 0) return nullptr;
  const auto index = static_cast<size_t>(field.structure_index);
  return index < schema.structures.size() ? &schema.structures[index] : nullptr;
}

std::string Marks(const Field& field) {
  std::string marks;
  if (field.key) marks += "  key";
  if (field.ordering) marks += "  ordinal";
  if (field.since_version > 1) marks += fmt::format("  since {}", field.since_version);
  return marks;
}

bool HasRoot(const Schema& schema) {
  return schema.root_structure >= 0 && static_cast<size_t>(schema.root_structure) < schema.structures.size();
}

// The tree repeats a structure under every relation to it, so a checked
// schema of 32 levels with two relations to the next level would be 2^32
// lines: the walk stops after kMaxTreeRelations relations.
constexpr int kMaxTreeRelations = 10000;
// The root's fields are level 1; a checked schema has kMaxContainmentDepth
// levels of structures below the root's.
constexpr int kMaxLevel = kMaxContainmentDepth + 1;

void TreeLines(const Schema& schema, const Structure& structure, int level, int* budget, std::string* out) {
  const std::string indent(static_cast<size_t>(4 * level), ' ');
  if (level > kMaxLevel) {
    *out += fmt::format("{}... (deeper than {} levels)\n", indent, kMaxContainmentDepth);
    return;
  }
  for (const Field& field : structure.fields) {
    if (*budget == 0) return;
    if (--*budget == 0) {
      *out += fmt::format("{}... (more than {} relations: the rest is not shown)\n", indent, kMaxTreeRelations);
      return;
    }
    *out += fmt::format("{}{}) {} : {}{}\n", indent, field.ordinal, field.name, FieldTypeText(field), Marks(field));
    if (const Structure* child = Target(schema, field)) TreeLines(schema, *child, level + 1, budget, out);
  }
}

// Stops like TreeLines; "truncated": true where it did.
nlohmann::ordered_json FieldsJson(const Schema& schema, const Structure& structure, int level, int* budget,
                                  bool* truncated) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  if (level > kMaxLevel) {
    *truncated = true;
    return fields;
  }
  for (const Field& field : structure.fields) {
    if (*budget == 0) {
      *truncated = true;
      return fields;
    }
    --*budget;
    nlohmann::ordered_json f = {
        {"ordinal", field.ordinal},     {"name", field.name}, {"kind", FieldKindName(field.kind)},
        {"type", FieldTypeText(field)}, {"key", field.key},   {"ordering", field.ordering},
        {"since", field.since_version}};
    if (const Structure* child = Target(schema, field)) {
      f["structure"] = {{"name", child->name}, {"fields", FieldsJson(schema, *child, level + 1, budget, truncated)}};
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

// The structures the root does not reach, in declaration order. An explicit
// stack, each structure visited once: a cyclic schema ends too.
std::vector<std::string> UnusedStructures(const Schema& schema) {
  std::vector<bool> reached(schema.structures.size(), false);
  std::vector<size_t> stack;
  if (HasRoot(schema)) {
    reached[static_cast<size_t>(schema.root_structure)] = true;
    stack.push_back(static_cast<size_t>(schema.root_structure));
  }
  while (!stack.empty()) {
    const Structure& structure = schema.structures[stack.back()];
    stack.pop_back();
    for (const Field& field : structure.fields) {
      if (Target(schema, field) && !reached[static_cast<size_t>(field.structure_index)]) {
        reached[static_cast<size_t>(field.structure_index)] = true;
        stack.push_back(static_cast<size_t>(field.structure_index));
      }
    }
  }
  std::vector<std::string> unused;
  for (size_t s = 0; s < schema.structures.size(); ++s)
    if (!reached[s]) unused.push_back(schema.structures[s].name);
  return unused;
}

}  // namespace

std::string FieldTypeText(const Field& field) {
  switch (field.kind) {
    case FieldKind::kScalar: return std::string(ScalarTypeName(field.scalar));
    case FieldKind::kScalarVector: return fmt::format("vector[{}]", ScalarTypeName(field.scalar));
    case FieldKind::kScalarMap:
      return fmt::format("map[{}, {}]", ScalarTypeName(field.map_key), ScalarTypeName(field.scalar));
    case FieldKind::kReference: return field.structure;
    case FieldKind::kReferenceVector: return fmt::format("vector[{}]", field.structure);
  }
  return "?";
}

std::string_view FieldKindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kScalar: return "scalar";
    case FieldKind::kScalarVector: return "scalar_vector";
    case FieldKind::kScalarMap: return "scalar_map";
    case FieldKind::kReference: return "reference";
    case FieldKind::kReferenceVector: return "reference_vector";
  }
  return "?";
}

std::string SchemaTreeText(const Schema& schema) {
  std::string out = fmt::format("schema {}, version {}\n", schema.name, schema.version);
  if (!HasRoot(schema)) return out + "(no root)\n";
  out += fmt::format("{} : {}\n", schema.root_name, schema.root().name);
  int budget = kMaxTreeRelations;
  TreeLines(schema, schema.root(), 1, &budget, &out);
  std::string unused;
  for (const std::string& name : UnusedStructures(schema)) unused += (unused.empty() ? "" : ", ") + name;
  if (!unused.empty()) out += fmt::format("not reached from the root: {}\n", unused);
  return out;
}

std::string SchemaTreeJson(const Schema& schema) {
  nlohmann::ordered_json out = {{"schema", schema.name}, {"version", schema.version}};
  bool truncated = false;
  if (HasRoot(schema)) {
    int budget = kMaxTreeRelations;
    out["root"] = {{"name", schema.root_name},
                   {"structure", schema.root().name},
                   {"fields", FieldsJson(schema, schema.root(), 1, &budget, &truncated)}};
  } else {
    out["root"] = nullptr;
  }
  out["truncated"] = truncated;
  out["unused"] = UnusedStructures(schema);
  return out.dump(2);
}

std::string SchemaSourceText(const Schema& schema) {
  std::string out = fmt::format("schema {} {{\n  version: {}\n", schema.name, schema.version);
  if (HasRoot(schema)) out += fmt::format("  root) {} : {}\n", schema.root_name, schema.root().name);
  for (const Structure& structure : schema.structures) {
    out += fmt::format("  structure {} {{\n", structure.name);
    for (const Field& field : structure.fields) {
      out += fmt::format("    {}) {} : {}", field.ordinal, field.name, FieldTypeText(field));
      if (field.key) out += " key";
      if (field.ordering) out += " ordinal";
      if (field.since_version != 1) out += fmt::format(" since {}", field.since_version);
      out += "\n";
    }
    out += "  }\n";
  }
  return out + "}\n";
}

}  // namespace datablox::brio
