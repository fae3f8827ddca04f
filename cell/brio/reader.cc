#include "cell/brio/reader.h"

namespace datablox::brio {

namespace {
int64_t LoadInt(const uint8_t* data, size_t at, ScalarType type) {
  switch (type) {
    case ScalarType::kByte: return LoadAt<int8_t>(data, at);
    case ScalarType::kShort: return LoadAt<int16_t>(data, at);
    case ScalarType::kInteger: return LoadAt<int32_t>(data, at);
    case ScalarType::kLong: return LoadAt<int64_t>(data, at);
    case ScalarType::kBoolean: return LoadAt<uint8_t>(data, at);
    default: return 0;
  }
}
}  // namespace

int64_t ScalarArray::GetInt(uint32_t i) const { return LoadInt(data_, Item(i), type_); }

std::string_view ScalarArray::GetString(uint32_t i) const { return blob_->String(LoadAt<uint32_t>(data_, Item(i))); }

const Schema& StructView::blob_schema() const { return blob_->layout_->schema(); }

bool StructView::IsNull(int field) const {
  const FieldLayout& f = layout_->fields[static_cast<size_t>(field)];
  if (!f.present) return true;
  const uint8_t bits = data_[offset_ + kInstanceVersionSize + static_cast<size_t>(f.null_bit / 8)];
  return (bits >> (f.null_bit % 8)) & 1u;
}

int64_t StructView::GetInt(int field) const {
  if (IsNull(field)) return 0;
  return LoadInt(
      data_, Fixed(field),
      blob_->layout_->schema().structures[static_cast<size_t>(structure_)].fields[static_cast<size_t>(field)].scalar);
}

std::string_view StructView::GetString(int field) const {
  if (IsNull(field)) return {};
  return blob_->String(LoadAt<uint32_t>(data_, Fixed(field)));
}

uint32_t StructView::Relation(int field) const {
  if (IsNull(field)) return 0;
  return LoadAt<uint32_t>(data_,
                          offset_ + static_cast<size_t>(layout_->fields[static_cast<size_t>(field)].relation_slot));
}

StructView StructView::GetReference(int field) const {
  const uint32_t at = Relation(field);
  if (at == 0) return StructView();
  const Field& f =
      blob_->layout_->schema().structures[static_cast<size_t>(structure_)].fields[static_cast<size_t>(field)];
  return blob_->InstanceAt(at, f.structure_index);
}

StructVector StructView::GetStructs(int field) const {
  StructVector v;
  v.blob_ = blob_;
  const uint32_t at = Relation(field);
  if (at == 0) return v;
  const Field& f =
      blob_->layout_->schema().structures[static_cast<size_t>(structure_)].fields[static_cast<size_t>(field)];
  v.structure_ = f.structure_index;
  v.count_ = LoadAt<uint32_t>(data_, at);
  v.offset_ = at + kCountSize;
  v.fixed_size_ = blob_->layout_->IsFixedSize(f.structure_index, blob_->version_);
  return v;
}

ScalarArray StructView::Array(uint32_t at, uint32_t count, ScalarType type) const {
  ScalarArray a;
  a.blob_ = blob_;
  a.data_ = data_;
  a.offset_ = at;
  a.count_ = count;
  a.type_ = type;
  return a;
}

ScalarArray StructView::GetScalars(int field) const {
  const uint32_t at = Relation(field);
  const Field& f =
      blob_->layout_->schema().structures[static_cast<size_t>(structure_)].fields[static_cast<size_t>(field)];
  if (at == 0) return Array(0, 0, f.scalar);
  return Array(at + kCountSize, LoadAt<uint32_t>(data_, at), f.scalar);
}

ScalarArray StructView::GetMapKeys(int field) const {
  const uint32_t at = Relation(field);
  const Field& f =
      blob_->layout_->schema().structures[static_cast<size_t>(structure_)].fields[static_cast<size_t>(field)];
  if (at == 0) return Array(0, 0, f.map_key);
  return Array(at + kCountSize, LoadAt<uint32_t>(data_, at), f.map_key);
}

ScalarArray StructView::GetMapValues(int field) const {
  const uint32_t at = Relation(field);
  const Field& f =
      blob_->layout_->schema().structures[static_cast<size_t>(structure_)].fields[static_cast<size_t>(field)];
  if (at == 0) return Array(0, 0, f.scalar);
  const uint32_t count = LoadAt<uint32_t>(data_, at);
  return Array(at + kCountSize + count * static_cast<uint32_t>(ScalarSize(f.map_key)), count, f.scalar);
}

StructView StructVector::At(size_t offset) const { return blob_->InstanceAt(offset, structure_); }

StructVector::Iterator StructVector::begin() const {
  Iterator it;
  it.vector_ = this;
  it.index_ = 0;
  it.position_ = fixed_size_ ? offset_ : 0;
  return it;
}

StructVector::Iterator StructVector::end() const {
  Iterator it;
  it.vector_ = this;
  it.index_ = count_;
  return it;
}

StructView StructVector::Iterator::operator*() const {
  if (vector_->fixed_size_) return vector_->At(position_);
  return vector_->At(
      LoadAt<uint32_t>(vector_->blob_->data_, vector_->offset_ + static_cast<size_t>(index_) * kRelationOffsetSize));
}

StructVector::Iterator& StructVector::Iterator::operator++() {
  if (vector_->fixed_size_) position_ += static_cast<size_t>((**this).layout_->instance_bytes);
  ++index_;
  return *this;
}

StructView BlobView::root() const { return InstanceAt(kRootOffset, layout_->schema().root_structure); }

std::string_view BlobView::String(uint32_t key) const {
  const size_t ends = dict_offset_;
  const size_t strings = dict_offset_ + static_cast<size_t>(dict_count_) * kDictEndSize;
  const uint32_t begin = key == 0 ? 0 : LoadAt<uint32_t>(data_, ends + (key - 1) * kDictEndSize);
  const uint32_t end = LoadAt<uint32_t>(data_, ends + key * kDictEndSize);
  return std::string_view(reinterpret_cast<const char*>(data_) + strings + begin, end - begin);
}

StructView BlobView::InstanceAt(size_t offset, int structure) const {
  StructView v;
  v.blob_ = this;
  v.data_ = data_;
  v.offset_ = offset;
  v.structure_ = structure;
  v.layout_ = &layout_->Get(structure, data_[offset]);
  return v;
}

}  // namespace datablox::brio
