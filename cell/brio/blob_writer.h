// Writes one blob forward, in the layout of blob_format.h: an instance is
// appended with every field null, its scalars are set in place, and each
// relation starts where the bytes end (its offset patched into the
// instance's table), depth first. Both pressers (presser.h, flat_rows.h)
// drive it. Buffers are reused from blob to blob: once warm, pressing
// allocates nothing.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "cell/brio/blob_layout.h"
#include "cell/brio/string_interner.h"

namespace datablox::brio {

// One scalar as the pressers hand it over: integers and booleans in `i`, a
// double in `d`, a string in `s` (interned into the blob's dictionary).
struct ScalarValue {
  int64_t i = 0;
  double d = 0;
  std::string_view s;
};

class BlobWriter {
 public:
  explicit BlobWriter(const SchemaLayout& layout) : layout_(layout) {}

  // Starts a new blob (forgets the last one).
  void Begin();
  // Appends an instance of `structure` at the schema's version, all null;
  // returns where it starts.
  uint32_t AddInstance(int structure);
  const StructureLayout& LayoutOf(int structure) const { return layout_.Get(structure, layout_.version()); }

  void SetScalar(uint32_t instance, const FieldLayout& field, ScalarType type, const ScalarValue& value);
  // A string the caller has interned already as `id` (dense, its own
  // numbering): after its first use in a blob, an array lookup, no hashing.
  void SetInternedString(uint32_t instance, const FieldLayout& field, uint32_t id, std::string_view s);
  // The relation's bytes start here: its table entry points at the end and it is no longer null.
  void StartRelation(uint32_t instance, const FieldLayout& field);
  // Appends a uint32 (a count, or an offset to patch later); returns where it is.
  uint32_t AppendU32(uint32_t value);
  // Appends n zero bytes (a vector's offsets, filled with PatchU32); returns where they start.
  uint32_t AppendZeros(size_t n);
  void PatchU32(uint32_t at, uint32_t value);
  // A scalar at the end, at its smallest width (a vector's or a map's item).
  void AppendScalar(ScalarType type, const ScalarValue& value);

  size_t size() const { return bytes_.size(); }
  // Appends the dictionary and fills the header; the blob is valid until the next Begin().
  std::string_view Finish();

 private:
  void WriteScalar(size_t at, ScalarType type, const ScalarValue& value);

  const SchemaLayout& layout_;
  std::vector<uint8_t> bytes_;
  StringInterner dictionary_;
  std::vector<uint32_t> key_of_id_;  // SetInternedString: the caller's id -> dictionary key + 1 (0: not yet)
  std::vector<uint32_t> ids_used_;   // the entries to reset at Begin()
};

}  // namespace datablox::brio
