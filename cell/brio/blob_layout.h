// Where each field of each structure sits in a pressed instance, per
// instance version: the rules of blob_format.h applied to one schema, once,
// so the presser and the reader never recompute them per blob.
#pragma once

#include <cstdint>
#include <vector>

#include "cell/brio/schema.h"
#include "datablox/status.h"

namespace datablox::brio {

struct FieldLayout {
  bool present = false;    // the field exists at this version (since_version <= version)
  int null_bit = -1;       // its bit in the null bitmap
  int fixed_offset = -1;   // kScalar: its bytes, from the instance's first byte
  int relation_slot = -1;  // relations: its uint32 in the offset table, from the instance's first byte
};

struct StructureLayout {
  int version = 0;
  int bitmap_bytes = 0;
  int present_fields = 0;           // bits used in the bitmap
  int instance_bytes = 0;           // version byte + bitmap + fixed scalars + offset table
  int relation_count = 0;           // entries of the offset table
  std::vector<FieldLayout> fields;  // by index into Structure::fields
};

class SchemaLayout {
 public:
  // Checks what the layout relies on (a root, resolved structure indexes,
  // versions in 1..kMaxStructureVersion, map keys that are scalars) and
  // computes every structure at every version 1..schema.version.
  static Status Make(const Schema& schema, SchemaLayout* out);

  const Schema& schema() const { return *schema_; }
  int version() const { return schema_->version; }
  // version in 1..version(): the caller checks.
  const StructureLayout& Get(int structure, int version) const {
    return layouts_[static_cast<size_t>(structure) * static_cast<size_t>(schema_->version) +
                    static_cast<size_t>(version - 1)];
  }
  // A structure with no relation fields at `version`: its instances in a
  // vector lie back to back with no offsets (blob_format.h).
  bool IsFixedSize(int structure, int version) const { return Get(structure, version).relation_count == 0; }

 private:
  const Schema* schema_ = nullptr;  // outlives the layout
  std::vector<StructureLayout> layouts_;
};

}  // namespace datablox::brio
