#include "cell/samplestore/region_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "cell/brio/blob_format.h"

namespace datablox::samplestore {

RegionFileWriter::~RegionFileWriter() {
  if (file_) std::fclose(file_);
}

Status RegionFileWriter::Open(const std::string& path) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) return Status::IOError(fmt::format("{}: {}", path, std::strerror(errno)));
  static const char kZeros[brio::kRegionHeaderSize] = {};
  Write(kZeros, sizeof kZeros);  // the header's place, filled in by Finish
  return error_;
}

void RegionFileWriter::Write(const void* data, size_t size) {
  if (!error_.ok() || size == 0) return;
  if (std::fwrite(data, 1, size, file_) != size)
    error_ = Status::IOError(fmt::format("{}: {}", path_, std::strerror(errno)));
  at_ += size;
}

void RegionFileWriter::Add(std::string_view blob) {
  static const char kPadding[brio::kRegionBlobAlignment] = {};
  offsets_.push_back(at_);
  Write(blob.data(), blob.size());
  const size_t pad =
      (brio::kRegionBlobAlignment - blob.size() % brio::kRegionBlobAlignment) % brio::kRegionBlobAlignment;
  Write(kPadding, pad);
}

Status RegionFileWriter::Finish() {
  if (!file_) return error_.ok() ? Status::IOError("region file: not open") : error_;
  brio::RegionHeader header{};
  header.magic = brio::kRegionMagic;
  header.format_version = brio::kRegionFormatVersion;
  header.blob_count = offsets_.size();
  header.index_offset = at_;
  Write(offsets_.data(), offsets_.size() * brio::kRegionIndexEntrySize);
  if (error_.ok() && (std::fseek(file_, 0, SEEK_SET) != 0 || std::fwrite(&header, sizeof header, 1, file_) != 1))
    error_ = Status::IOError(fmt::format("{}: {}", path_, std::strerror(errno)));
  if (std::fclose(file_) != 0 && error_.ok())
    error_ = Status::IOError(fmt::format("{}: {}", path_, std::strerror(errno)));
  file_ = nullptr;
  return error_;
}

}  // namespace datablox::samplestore
