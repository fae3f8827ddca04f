#include "cell/brio/blob_writer.h"

#include "cell/brio/blob_format.h"

namespace datablox::brio {

void BlobWriter::Begin() {
  bytes_.assign(kBlobHeaderSize, 0);
  dictionary_.Clear();
  for (uint32_t id : ids_used_) key_of_id_[id] = 0;
  ids_used_.clear();
}

uint32_t BlobWriter::AddInstance(int structure) {
  const StructureLayout& layout = LayoutOf(structure);
  const size_t at = bytes_.size();
  bytes_.resize(at + static_cast<size_t>(layout.instance_bytes), 0);
  uint8_t* instance = bytes_.data() + at;
  instance[0] = static_cast<uint8_t>(layout.version);
  // Every present field null: its bits 0..present_fields-1 set.
  uint8_t* bitmap = instance + kInstanceVersionSize;
  const int full = layout.present_fields / 8, rest = layout.present_fields % 8;
  std::memset(bitmap, 0xff, static_cast<size_t>(full));
  if (rest != 0) bitmap[full] = static_cast<uint8_t>((1u << rest) - 1);
  return static_cast<uint32_t>(at);
}

void BlobWriter::SetScalar(uint32_t instance, const FieldLayout& field, ScalarType type, const ScalarValue& value) {
  uint8_t* at = bytes_.data() + instance;
  at[kInstanceVersionSize + static_cast<size_t>(field.null_bit / 8)] &= uint8_t(~(1u << (field.null_bit % 8)));
  WriteScalar(instance + static_cast<size_t>(field.fixed_offset), type, value);
}

void BlobWriter::SetInternedString(uint32_t instance, const FieldLayout& field, uint32_t id, std::string_view s) {
  if (id >= key_of_id_.size()) key_of_id_.resize(static_cast<size_t>(id) + 1, 0);
  uint32_t& key = key_of_id_[id];
  if (key == 0) {
    key = dictionary_.Intern(s) + 1;
    ids_used_.push_back(id);
  }
  uint8_t* at = bytes_.data() + instance;
  at[kInstanceVersionSize + static_cast<size_t>(field.null_bit / 8)] &= uint8_t(~(1u << (field.null_bit % 8)));
  StoreAt<uint32_t>(at, static_cast<size_t>(field.fixed_offset), key - 1);
}

void BlobWriter::StartRelation(uint32_t instance, const FieldLayout& field) {
  uint8_t* at = bytes_.data() + instance;
  at[kInstanceVersionSize + static_cast<size_t>(field.null_bit / 8)] &= uint8_t(~(1u << (field.null_bit % 8)));
  StoreAt<uint32_t>(at, static_cast<size_t>(field.relation_slot), static_cast<uint32_t>(bytes_.size()));
}

uint32_t BlobWriter::AppendU32(uint32_t value) {
  const size_t at = bytes_.size();
  bytes_.resize(at + sizeof(uint32_t));
  StoreAt<uint32_t>(bytes_.data(), at, value);
  return static_cast<uint32_t>(at);
}

uint32_t BlobWriter::AppendZeros(size_t n) {
  const size_t at = bytes_.size();
  bytes_.resize(at + n, 0);
  return static_cast<uint32_t>(at);
}

void BlobWriter::PatchU32(uint32_t at, uint32_t value) { StoreAt<uint32_t>(bytes_.data(), at, value); }

void BlobWriter::AppendScalar(ScalarType type, const ScalarValue& value) {
  const size_t at = bytes_.size();
  bytes_.resize(at + static_cast<size_t>(ScalarSize(type)));
  WriteScalar(at, type, value);
}

void BlobWriter::WriteScalar(size_t at, ScalarType type, const ScalarValue& value) {
  uint8_t* base = bytes_.data();
  switch (type) {
    case ScalarType::kBoolean:
    case ScalarType::kByte: StoreAt<int8_t>(base, at, static_cast<int8_t>(value.i)); break;
    case ScalarType::kShort: StoreAt<int16_t>(base, at, static_cast<int16_t>(value.i)); break;
    case ScalarType::kInteger: StoreAt<int32_t>(base, at, static_cast<int32_t>(value.i)); break;
    case ScalarType::kLong: StoreAt<int64_t>(base, at, value.i); break;
    case ScalarType::kDouble: StoreAt<double>(base, at, value.d); break;
    case ScalarType::kString: StoreAt<uint32_t>(base, at, dictionary_.Intern(value.s)); break;
  }
}

std::string_view BlobWriter::Finish() {
  const size_t dict_offset = bytes_.size();
  const std::vector<uint32_t>& ends = dictionary_.ends();
  const std::string& strings = dictionary_.bytes();
  bytes_.resize(dict_offset + ends.size() * kDictEndSize + strings.size());
  if (!ends.empty()) std::memcpy(bytes_.data() + dict_offset, ends.data(), ends.size() * kDictEndSize);
  if (!strings.empty())
    std::memcpy(bytes_.data() + dict_offset + ends.size() * kDictEndSize, strings.data(), strings.size());
  BlobHeader header{};
  header.magic = kBlobMagic;
  header.format_version = kBlobFormatVersion;
  header.blob_version = static_cast<uint8_t>(layout_.version());
  header.total_size = static_cast<uint32_t>(bytes_.size());
  header.dict_offset = static_cast<uint32_t>(dict_offset);
  header.dict_count = static_cast<uint32_t>(ends.size());
  std::memcpy(bytes_.data(), &header, sizeof header);
  return std::string_view(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
}

}  // namespace datablox::brio
