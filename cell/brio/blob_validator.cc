// BlobView::Open: every check a reader relies on, done once per blob, so
// the views (reader.cc) read without a bound check. Allocates only to
// describe a failure.
#include <string>

#include "cell/brio/reader.h"

namespace datablox::brio {

class BlobValidator {
 public:
  BlobValidator(const BlobView& blob) : blob_(blob), schema_(blob.layout_->schema()) {}

  Status Instance(size_t at, int structure, int depth);

 private:
  Status Fail(size_t at, std::string_view what) {
    return Status::Invalid("blob byte " + std::to_string(at) + ": " + std::string(what));
  }
  // [at, at + n) lies in the tree part (between the header and the dictionary).
  bool Fits(uint64_t at, uint64_t n) const { return at >= kRootOffset && at + n <= blob_.dict_offset_; }
  Status Keys(size_t at, uint32_t count);
  Status Relation(size_t instance, const Field& field, size_t at, int depth);
  // Work bound: an honest blob's instances and items are disjoint, so no
  // more of them than bytes; offsets that share or loop cannot make the
  // check (or a reader) walk more.
  bool Spend(uint64_t n) {
    if (n > budget_) return false;
    budget_ -= n;
    return true;
  }

  const BlobView& blob_;
  const Schema& schema_;
  uint64_t budget_ = blob_.size_;
};

Status BlobValidator::Keys(size_t at, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i)
    if (LoadAt<uint32_t>(blob_.data_, at + i * kStringKeySize) >= blob_.dict_count_)
      return Fail(at + i * kStringKeySize, "string key outside the dictionary");
  return Status::OK();
}

Status BlobValidator::Instance(size_t at, int structure, int depth) {
  if (depth > kMaxTreeDepth) return Fail(at, "deeper than " + std::to_string(kMaxTreeDepth) + " structures");
  if (!Spend(1)) return Fail(at, "more instances than bytes (offsets shared or looping)");
  if (!Fits(at, kInstanceVersionSize)) return Fail(at, "instance outside the blob");
  const int version = blob_.data_[at];
  if (version < 1 || version > blob_.version_)
    return Fail(at, "instance version " + std::to_string(version) + " outside 1.." + std::to_string(blob_.version_));
  const StructureLayout& layout = blob_.layout_->Get(structure, version);
  if (!Fits(at, static_cast<uint64_t>(layout.instance_bytes))) return Fail(at, "instance runs past the dictionary");
  const Structure& s = schema_.structures[static_cast<size_t>(structure)];
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const FieldLayout& fl = layout.fields[i];
    if (!fl.present) continue;
    const uint8_t bits = blob_.data_[at + kInstanceVersionSize + static_cast<size_t>(fl.null_bit / 8)];
    if ((bits >> (fl.null_bit % 8)) & 1u) continue;
    const Field& f = s.fields[i];
    if (f.kind == FieldKind::kScalar) {
      if (f.scalar == ScalarType::kString) {
        Status st = Keys(at + static_cast<size_t>(fl.fixed_offset), 1);
        if (!st.ok()) return st;
      }
      continue;
    }
    const uint32_t rel = LoadAt<uint32_t>(blob_.data_, at + static_cast<size_t>(fl.relation_slot));
    // Relations are written after their instance: an offset back is corrupt.
    if (rel < at + static_cast<size_t>(layout.instance_bytes))
      return Fail(at + static_cast<size_t>(fl.relation_slot), "relation '" + f.name + "' points before its instance");
    Status st = Relation(at, f, rel, depth);
    if (!st.ok()) return st;
  }
  return Status::OK();
}

Status BlobValidator::Relation(size_t instance, const Field& f, size_t at, int depth) {
  (void)instance;
  if (f.kind == FieldKind::kReference) return Instance(at, f.structure_index, depth + 1);
  if (!Fits(at, kCountSize)) return Fail(at, "count of '" + f.name + "' outside the blob");
  const uint32_t count = LoadAt<uint32_t>(blob_.data_, at);
  const size_t items = at + kCountSize;
  if (f.kind == FieldKind::kScalarVector || f.kind == FieldKind::kScalarMap) {
    const uint64_t each = static_cast<uint64_t>(ScalarSize(f.scalar)) +
                          (f.kind == FieldKind::kScalarMap ? static_cast<uint64_t>(ScalarSize(f.map_key)) : 0);
    if (!Fits(items, count * each)) return Fail(at, "items of '" + f.name + "' run past the dictionary");
    if (f.kind == FieldKind::kScalarMap && f.map_key == ScalarType::kString) {
      Status st = Keys(items, count);
      if (!st.ok()) return st;
    }
    if (f.scalar == ScalarType::kString) {
      const size_t values =
          items + (f.kind == FieldKind::kScalarMap ? count * static_cast<size_t>(ScalarSize(f.map_key)) : 0);
      Status st = Keys(values, count);
      if (!st.ok()) return st;
    }
    return Status::OK();
  }
  // kReferenceVector (each item spends from the budget in Instance)
  if (blob_.layout_->IsFixedSize(f.structure_index, blob_.version_)) {
    size_t position = items;
    for (uint32_t i = 0; i < count; ++i) {
      Status st = Instance(position, f.structure_index, depth + 1);
      if (!st.ok()) return st;
      position += static_cast<size_t>(blob_.layout_->Get(f.structure_index, blob_.data_[position]).instance_bytes);
    }
    return Status::OK();
  }
  if (!Fits(items, static_cast<uint64_t>(count) * kRelationOffsetSize))
    return Fail(at, "offsets of '" + f.name + "' run past the dictionary");
  for (uint32_t i = 0; i < count; ++i) {
    const size_t slot = items + i * kRelationOffsetSize;
    const uint32_t item = LoadAt<uint32_t>(blob_.data_, slot);
    if (item < items + static_cast<size_t>(count) * kRelationOffsetSize)
      return Fail(slot, "item of '" + f.name + "' points back");
    Status st = Instance(item, f.structure_index, depth + 1);
    if (!st.ok()) return st;
  }
  return Status::OK();
}

Status BlobView::Open(std::string_view bytes, const SchemaLayout& layout, BlobView* out) {
  BlobView blob;
  blob.data_ = reinterpret_cast<const uint8_t*>(bytes.data());
  blob.layout_ = &layout;
  if (bytes.size() < kBlobHeaderSize)
    return Status::Invalid("blob: " + std::to_string(bytes.size()) + " bytes, shorter than its header");
  BlobHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (h.magic != kBlobMagic) return Status::Invalid("blob byte 0: not a Brio blob (bad magic)");
  if (h.format_version != kBlobFormatVersion)
    return Status::Invalid("blob byte 4: format version " + std::to_string(h.format_version) + ", this reader knows " +
                           std::to_string(kBlobFormatVersion));
  if (h.blob_version < 1 || h.blob_version > layout.version())
    return Status::Invalid("blob byte 5: pressed at version " + std::to_string(h.blob_version) + ", the schema is at " +
                           std::to_string(layout.version()));
  if (h.total_size > bytes.size())
    return Status::Invalid("blob byte 8: " + std::to_string(h.total_size) + " bytes announced, " +
                           std::to_string(bytes.size()) + " present (truncated)");
  if (h.dict_offset < kRootOffset ||
      static_cast<uint64_t>(h.dict_offset) + uint64_t{h.dict_count} * kDictEndSize > h.total_size)
    return Status::Invalid("blob byte 12: dictionary outside the blob");
  blob.size_ = h.total_size;
  blob.version_ = h.blob_version;
  blob.dict_offset_ = h.dict_offset;
  blob.dict_count_ = h.dict_count;
  const size_t string_bytes = h.total_size - h.dict_offset - size_t{h.dict_count} * kDictEndSize;
  uint32_t previous = 0;
  for (uint32_t k = 0; k < h.dict_count; ++k) {
    const uint32_t end = LoadAt<uint32_t>(blob.data_, h.dict_offset + k * kDictEndSize);
    if (end < previous || end > string_bytes)
      return Status::Invalid("blob byte " + std::to_string(h.dict_offset + k * kDictEndSize) + ": string " +
                             std::to_string(k) + " outside the dictionary");
    previous = end;
  }
  BlobValidator validator(blob);
  Status st = validator.Instance(kRootOffset, layout.schema().root_structure, 0);
  if (!st.ok()) return st;
  *out = blob;
  return Status::OK();
}

BlobView BlobView::OpenTrusted(std::string_view bytes, const SchemaLayout& layout) {
  BlobHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  BlobView blob;
  blob.data_ = reinterpret_cast<const uint8_t*>(bytes.data());
  blob.layout_ = &layout;
  blob.size_ = h.total_size;
  blob.version_ = h.blob_version;
  blob.dict_offset_ = h.dict_offset;
  blob.dict_count_ = h.dict_count;
  return blob;
}

}  // namespace datablox::brio
