#include "cell/brio/reader.h"

namespace datablox::brio {

int64_t ScalarArray::GetInt(uint32_t i) const { return LoadScalarInt(data_, Item(i), type_); }

std::string_view ScalarArray::GetString(uint32_t i) const { return blob_->String(LoadAt<uint32_t>(data_, Item(i))); }

const Schema& StructView::blob_schema() const { return blob_->layout_->schema(); }

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

StructView BlobView::root() const { return InstanceAt(kRootOffset, layout_->schema().root_structure); }

}  // namespace datablox::brio
