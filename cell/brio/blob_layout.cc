#include "cell/brio/blob_layout.h"

#include <string>

#include "cell/brio/blob_format.h"

namespace datablox::brio {

namespace {

std::string Where(const Structure& s, const Field& f) {
  return "schema:" + std::to_string(f.pos.line) + ":" + std::to_string(f.pos.column) + ": " + s.name + "." + f.name;
}

StructureLayout Compute(const Structure& s, int version) {
  StructureLayout layout;
  layout.version = version;
  layout.fields.resize(s.fields.size());
  int present = 0;
  int fixed_bytes = 0;
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const Field& f = s.fields[i];
    if (f.since_version > version) continue;
    layout.fields[i].present = true;
    layout.fields[i].null_bit = present++;
    if (f.kind == FieldKind::kScalar) {
      layout.fields[i].fixed_offset = fixed_bytes;  // made absolute below
      fixed_bytes += ScalarSize(f.scalar);
    } else {
      layout.fields[i].relation_slot = layout.relation_count++;
    }
  }
  layout.bitmap_bytes = (present + 7) / 8;
  layout.present_fields = present;
  const int fixed_start = static_cast<int>(kInstanceVersionSize) + layout.bitmap_bytes;
  const int table_start = fixed_start + fixed_bytes;
  for (FieldLayout& fl : layout.fields) {
    if (fl.fixed_offset >= 0) fl.fixed_offset += fixed_start;
    if (fl.relation_slot >= 0)
      fl.relation_slot = table_start + fl.relation_slot * static_cast<int>(kRelationOffsetSize);
  }
  layout.instance_bytes = table_start + layout.relation_count * static_cast<int>(kRelationOffsetSize);
  return layout;
}

}  // namespace

Status SchemaLayout::Make(const Schema& schema, SchemaLayout* out) {
  if (schema.version < 1 || schema.version > kMaxStructureVersion)
    return Status::Invalid("schema " + schema.name + ": version " + std::to_string(schema.version) + " is outside 1.." +
                           std::to_string(kMaxStructureVersion));
  const int n = static_cast<int>(schema.structures.size());
  if (schema.root_structure < 0 || schema.root_structure >= n)
    return Status::Invalid("schema " + schema.name + ": no root structure");
  for (const Structure& s : schema.structures) {
    for (const Field& f : s.fields) {
      const bool refers = f.kind == FieldKind::kReference || f.kind == FieldKind::kReferenceVector;
      if (refers && (f.structure_index < 0 || f.structure_index >= n))
        return Status::Invalid(Where(s, f) + ": structure '" + f.structure + "' is not resolved");
      if (f.since_version < 1 || f.since_version > schema.version)
        return Status::Invalid(Where(s, f) + ": since " + std::to_string(f.since_version) + " is outside 1.." +
                               std::to_string(schema.version));
      if (f.kind == FieldKind::kScalarMap && ScalarSize(f.map_key) == 0)
        return Status::Invalid(Where(s, f) + ": a map key must be a scalar");
    }
  }
  out->schema_ = &schema;
  out->layouts_.clear();
  out->layouts_.reserve(static_cast<size_t>(n) * static_cast<size_t>(schema.version));
  for (const Structure& s : schema.structures)
    for (int v = 1; v <= schema.version; ++v) out->layouts_.push_back(Compute(s, v));
  return Status::OK();
}

}  // namespace datablox::brio
