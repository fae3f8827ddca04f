#include "cell/brio/region.h"

namespace datablox::brio {

RegionWriter::RegionWriter() { bytes_.assign(kRegionHeaderSize, '\0'); }

void RegionWriter::Add(std::string_view blob) {
  offsets_.push_back(bytes_.size());
  bytes_.append(blob);
  bytes_.resize((bytes_.size() + kRegionBlobAlignment - 1) / kRegionBlobAlignment * kRegionBlobAlignment, '\0');
}

std::string RegionWriter::Finish() {
  RegionHeader header{};
  header.magic = kRegionMagic;
  header.format_version = kRegionFormatVersion;
  header.blob_count = offsets_.size();
  header.index_offset = bytes_.size();
  std::memcpy(bytes_.data(), &header, sizeof header);
  bytes_.append(reinterpret_cast<const char*>(offsets_.data()), offsets_.size() * kRegionIndexEntrySize);
  std::string out = std::move(bytes_);
  bytes_.assign(kRegionHeaderSize, '\0');
  offsets_.clear();
  return out;
}

Status RegionView::Open(std::string_view bytes, RegionView* out) {
  if (bytes.size() < kRegionHeaderSize) return Status::Invalid("region: shorter than its header");
  RegionHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (h.magic != kRegionMagic) return Status::Invalid("region byte 0: not a Brio region (bad magic)");
  if (h.format_version != kRegionFormatVersion) return Status::Invalid("region byte 4: unknown format version");
  if (h.index_offset < kRegionHeaderSize || h.index_offset > bytes.size() ||
      h.blob_count != (bytes.size() - h.index_offset) / kRegionIndexEntrySize ||
      (bytes.size() - h.index_offset) % kRegionIndexEntrySize != 0)
    return Status::Invalid("region byte 8: the index does not end the file (truncated?)");
  const uint8_t* data = reinterpret_cast<const uint8_t*>(bytes.data());
  uint64_t previous = kRegionHeaderSize;
  for (uint64_t i = 0; i < h.blob_count; ++i) {
    const uint64_t at = LoadAt<uint64_t>(data, h.index_offset + i * kRegionIndexEntrySize);
    if (at < previous || at > h.index_offset || at % kRegionBlobAlignment != 0)
      return Status::Invalid("region: index entry " + std::to_string(i) + " out of order or outside the file");
    previous = at;
  }
  out->bytes_ = bytes;
  out->count_ = h.blob_count;
  out->index_offset_ = h.index_offset;
  return Status::OK();
}

Status RegionView::CheckBlobs(const SchemaLayout& layout) const {
  for (uint64_t i = 0; i < count_; ++i) {
    BlobView blob;
    Status st = OpenBlob(i, layout, &blob);
    if (!st.ok()) return Status::Invalid("blob " + std::to_string(i) + ": " + st.message());
  }
  return Status::OK();
}

std::string_view RegionView::BlobBytes(uint64_t i) const {
  const uint8_t* data = reinterpret_cast<const uint8_t*>(bytes_.data());
  const uint64_t at = LoadAt<uint64_t>(data, index_offset_ + i * kRegionIndexEntrySize);
  const uint64_t end =
      i + 1 < count_ ? LoadAt<uint64_t>(data, index_offset_ + (i + 1) * kRegionIndexEntrySize) : index_offset_;
  return bytes_.substr(at, end - at);
}

}  // namespace datablox::brio
