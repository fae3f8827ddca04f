// Reads a pressed blob in place (blob_format.h): views over the bytes, no
// copies, no allocation. BlobView::Open checks every bound, key and offset of
// the blob once (a corrupt or truncated blob is an error value); after that
// the views trust it. Fields are named by their index in Structure::fields;
// a field the instance's version does not have reads as null.
//
//   BlobView blob;
//   Status s = BlobView::Open(bytes, layout, &blob);
//   StructView user = blob.root();
//   for (StructView session : user.GetStructs(kSessions))
//     for (StructView event : session.GetStructs(kEvents)) sum += event.GetDouble(kValue);
#pragma once

#include <cstdint>
#include <string_view>

#include "cell/brio/blob_format.h"
#include "cell/brio/blob_layout.h"
#include "datablox/status.h"

namespace datablox::brio {

class BlobView;
class StructVector;

// count scalars of one type back to back: a vector[scalar], or a map's keys or values.
class ScalarArray {
 public:
  uint32_t size() const { return count_; }
  ScalarType type() const { return type_; }
  bool GetBool(uint32_t i) const { return LoadAt<uint8_t>(data_, Item(i)) != 0; }
  // byte, short, integer or long, widened.
  int64_t GetInt(uint32_t i) const;
  double GetDouble(uint32_t i) const { return LoadAt<double>(data_, Item(i)); }
  std::string_view GetString(uint32_t i) const;

 private:
  friend class StructView;
  size_t Item(uint32_t i) const { return offset_ + static_cast<size_t>(i) * static_cast<size_t>(ScalarSize(type_)); }
  const BlobView* blob_ = nullptr;
  const uint8_t* data_ = nullptr;
  size_t offset_ = 0;
  uint32_t count_ = 0;
  ScalarType type_ = ScalarType::kLong;
};

// One structure instance.
class StructView {
 public:
  int structure() const { return structure_; }
  int version() const { return layout_->version; }
  const Schema& blob_schema() const;
  bool IsNull(int field) const;
  bool GetBool(int field) const { return IsNull(field) ? false : LoadAt<uint8_t>(data_, Fixed(field)) != 0; }
  int64_t GetInt(int field) const;  // byte, short, integer or long, widened; 0 when null
  // GetInt for a caller that knows the field's type (a compiled query): no look-up in the schema.
  int64_t GetInt(int field, ScalarType type) const;
  double GetDouble(int field) const { return IsNull(field) ? 0 : LoadAt<double>(data_, Fixed(field)); }
  std::string_view GetString(int field) const;  // empty when null
  // A non-null string field's key in the blob's dictionary (BlobView::String).
  uint32_t GetStringKey(int field) const { return LoadAt<uint32_t>(data_, Fixed(field)); }
  // Relations; a null one is empty (a null reference: check IsNull first).
  StructView GetReference(int field) const;
  StructVector GetStructs(int field) const;
  // The items of a vector relation (0 when null), read without building the vector.
  uint32_t VectorSize(int field) const;
  ScalarArray GetScalars(int field) const;
  ScalarArray GetMapKeys(int field) const;
  ScalarArray GetMapValues(int field) const;
  // In a vector of fixed-size items (StructVector::fixed_size), the item
  // after this one: they lie back to back, so a scan steps to it with no
  // offset read, and keeps this one's layout when its version is the same.
  // The caller knows there is one.
  StructView NextFixed() const;
  // Asks the CPU for the bytes `ahead` of this instance: a scan stepping
  // through fixed-size items reads them soon, and the hardware's own
  // prefetch starts over at every page.
  void PrefetchAhead(size_t ahead) const { __builtin_prefetch(data_ + offset_ + ahead); }

 private:
  friend class BlobView;
  friend class StructVector;
  size_t Fixed(int field) const {
    return offset_ + static_cast<size_t>(layout_->fields[static_cast<size_t>(field)].fixed_offset);
  }
  uint32_t Relation(int field) const;
  ScalarArray Array(uint32_t at, uint32_t count, ScalarType type) const;

  const BlobView* blob_ = nullptr;
  const uint8_t* data_ = nullptr;
  size_t offset_ = 0;
  int structure_ = -1;
  const StructureLayout* layout_ = nullptr;
};

// vector[Structure]: iterated in order.
class StructVector {
 public:
  class Iterator {
   public:
    StructView operator*() const;
    Iterator& operator++();
    bool operator!=(const Iterator& other) const { return index_ != other.index_; }

   private:
    friend class StructVector;
    const StructVector* vector_ = nullptr;
    uint32_t index_ = 0;
    size_t position_ = 0;  // fixed-size items: where item index_ starts
  };
  uint32_t size() const { return count_; }
  // Items with no relations: back to back, with no offsets (StructView::NextFixed).
  bool fixed_size() const { return fixed_size_; }
  Iterator begin() const;
  Iterator end() const;
  // Asks the CPU for item i's first bytes ahead of a scan reaching it (i
  // past the end: nothing). Items with offsets lie apart, with their own
  // relations between them, where the hardware does not guess the next.
  void Prefetch(uint32_t i) const;

 private:
  friend class StructView;
  StructView At(size_t offset) const;
  const BlobView* blob_ = nullptr;
  size_t offset_ = 0;  // first byte after the count
  uint32_t count_ = 0;
  int structure_ = -1;
  bool fixed_size_ = false;
};

class BlobView {
 public:
  // Checks the whole blob against `layout` (which outlives the view):
  // header, dictionary, every instance's version and bounds, every relation
  // offset and count, every string key. Nothing is allocated unless it fails.
  static Status Open(std::string_view bytes, const SchemaLayout& layout, BlobView* out);
  // The same bytes and layout Open has already accepted (a region checked
  // once when loaded, scanned many times): reads the header, checks nothing.
  static BlobView OpenTrusted(std::string_view bytes, const SchemaLayout& layout);

  int version() const { return version_; }
  size_t size() const { return size_; }
  StructView root() const;
  uint32_t string_count() const { return dict_count_; }
  std::string_view String(uint32_t key) const;
  const SchemaLayout& layout() const { return *layout_; }
  // Asks the CPU for the root's and the dictionary's first bytes: a scan
  // opening the next blob while it reads this one finds them in cache.
  void Prefetch() const;

 private:
  friend class StructView;
  friend class StructVector;
  friend class BlobValidator;
  StructView InstanceAt(size_t offset, int structure) const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  const SchemaLayout* layout_ = nullptr;
  int version_ = 0;
  size_t dict_offset_ = 0;
  uint32_t dict_count_ = 0;
};

// The accessors every scan calls per instance and per field, inline: out of
// line their calls cost more than their work (and GCC leaves IsNull out of
// line in a large caller unless told).
#define DATABLOX_BRIO_HOT inline __attribute__((always_inline))

DATABLOX_BRIO_HOT int64_t LoadScalarInt(const uint8_t* data, size_t at, ScalarType type) {
  // Times and ids are longs: a predicted branch before the switch's indirect jump.
  if (type == ScalarType::kLong) return LoadAt<int64_t>(data, at);
  switch (type) {
    case ScalarType::kByte: return LoadAt<int8_t>(data, at);
    case ScalarType::kShort: return LoadAt<int16_t>(data, at);
    case ScalarType::kInteger: return LoadAt<int32_t>(data, at);
    case ScalarType::kLong: return LoadAt<int64_t>(data, at);
    case ScalarType::kBoolean: return LoadAt<uint8_t>(data, at);
    default: return 0;
  }
}

DATABLOX_BRIO_HOT bool StructView::IsNull(int field) const {
  const FieldLayout& f = layout_->fields[static_cast<size_t>(field)];
  if (!f.present) return true;
  const uint8_t bits = data_[offset_ + kInstanceVersionSize + static_cast<size_t>(f.null_bit / 8)];
  return (bits >> (f.null_bit % 8)) & 1u;
}

inline int64_t StructView::GetInt(int field) const {
  if (IsNull(field)) return 0;
  return LoadScalarInt(
      data_, Fixed(field),
      blob_->layout_->schema().structures[static_cast<size_t>(structure_)].fields[static_cast<size_t>(field)].scalar);
}

DATABLOX_BRIO_HOT int64_t StructView::GetInt(int field, ScalarType type) const {
  return IsNull(field) ? 0 : LoadScalarInt(data_, Fixed(field), type);
}

DATABLOX_BRIO_HOT uint32_t StructView::VectorSize(int field) const {
  if (IsNull(field)) return 0;
  const uint32_t at = LoadAt<uint32_t>(
      data_, offset_ + static_cast<size_t>(layout_->fields[static_cast<size_t>(field)].relation_slot));
  return at == 0 ? 0 : LoadAt<uint32_t>(data_, at);
}

inline std::string_view StructView::GetString(int field) const {
  if (IsNull(field)) return {};
  return blob_->String(LoadAt<uint32_t>(data_, Fixed(field)));
}

DATABLOX_BRIO_HOT StructView StructView::NextFixed() const {
  const size_t next = offset_ + static_cast<size_t>(layout_->instance_bytes);
  if (data_[next] != layout_->version) return blob_->InstanceAt(next, structure_);
  StructView v = *this;
  v.offset_ = next;
  return v;
}

DATABLOX_BRIO_HOT void StructVector::Prefetch(uint32_t i) const {
  if (fixed_size_ || i >= count_) return;
  const uint8_t* item = blob_->data_ + LoadAt<uint32_t>(blob_->data_, offset_ + static_cast<size_t>(i) * kRelationOffsetSize);
  __builtin_prefetch(item);
  __builtin_prefetch(item + 64);  // an instance may straddle two lines; its first relation often follows it
}

inline void BlobView::Prefetch() const {
  __builtin_prefetch(data_ + kRootOffset);
  __builtin_prefetch(data_ + kRootOffset + 64);
  __builtin_prefetch(data_ + dict_offset_);
}

inline StructView StructVector::At(size_t offset) const { return blob_->InstanceAt(offset, structure_); }

inline StructView StructVector::Iterator::operator*() const {
  if (vector_->fixed_size_) return vector_->At(position_);
  return vector_->At(
      LoadAt<uint32_t>(vector_->blob_->data_, vector_->offset_ + static_cast<size_t>(index_) * kRelationOffsetSize));
}

inline StructVector::Iterator& StructVector::Iterator::operator++() {
  if (vector_->fixed_size_) position_ += static_cast<size_t>((**this).layout_->instance_bytes);
  ++index_;
  return *this;
}

inline std::string_view BlobView::String(uint32_t key) const {
  const size_t ends = dict_offset_;
  const size_t strings = dict_offset_ + static_cast<size_t>(dict_count_) * kDictEndSize;
  const uint32_t begin = key == 0 ? 0 : LoadAt<uint32_t>(data_, ends + (key - 1) * kDictEndSize);
  const uint32_t end = LoadAt<uint32_t>(data_, ends + key * kDictEndSize);
  return std::string_view(reinterpret_cast<const char*>(data_) + strings + begin, end - begin);
}

inline StructView BlobView::InstanceAt(size_t offset, int structure) const {
  StructView v;
  v.blob_ = this;
  v.data_ = data_;
  v.offset_ = offset;
  v.structure_ = structure;
  v.layout_ = &layout_->Get(structure, data_[offset]);
  return v;
}

}  // namespace datablox::brio
