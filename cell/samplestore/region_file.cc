#include "cell/samplestore/region_file.h"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cell/brio/blob_format.h"

namespace datablox::samplestore {

RegionFileWriter::~RegionFileWriter() {
  if (file_) std::fclose(file_);
}

Status RegionFileWriter::Open(const std::string& path) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "w+b");  // read too: Compact moves blobs within it
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

void RegionFileWriter::Add(uint32_t tag, std::string_view blob) {
  static const char kPadding[brio::kRegionBlobAlignment] = {};
  offsets_.push_back(at_);
  tags_.push_back(tag == kDropped ? kDropped - 1 : tag);
  Write(blob.data(), blob.size());
  const size_t pad =
      (brio::kRegionBlobAlignment - blob.size() % brio::kRegionBlobAlignment) % brio::kRegionBlobAlignment;
  Write(kPadding, pad);
}

void RegionFileWriter::Discard(uint32_t tag) {
  for (uint32_t& t : tags_) {
    if (t != tag) continue;
    t = kDropped;
    ++dropped_;
  }
}

void RegionFileWriter::Compact() {
  if (!error_.ok()) return;
  if (std::fflush(file_) != 0) {
    error_ = Status::IOError(fmt::format("{}: {}", path_, std::strerror(errno)));
    return;
  }
  const int fd = ::fileno(file_);
  std::vector<uint64_t> kept;
  std::string buffer;
  uint64_t to = brio::kRegionHeaderSize;
  for (size_t i = 0; i < offsets_.size() && error_.ok(); ++i) {
    if (tags_[i] == kDropped) continue;
    // A blob's span runs to the next blob added (padding included).
    const uint64_t from = offsets_[i];
    const uint64_t span = (i + 1 < offsets_.size() ? offsets_[i + 1] : at_) - from;
    kept.push_back(to);
    for (uint64_t done = 0; done < span && to != from;) {
      const size_t piece = static_cast<size_t>(std::min<uint64_t>(span - done, 1 << 20));
      buffer.resize(piece);
      if (::pread(fd, buffer.data(), piece, static_cast<off_t>(from + done)) != static_cast<ssize_t>(piece) ||
          ::pwrite(fd, buffer.data(), piece, static_cast<off_t>(to + done)) != static_cast<ssize_t>(piece)) {
        error_ = Status::IOError(fmt::format("{}: compacting: {}", path_, std::strerror(errno)));
        break;
      }
      done += piece;
    }
    to += span;
  }
  if (error_.ok() &&
      (::ftruncate(fd, static_cast<off_t>(to)) != 0 || std::fseek(file_, static_cast<long>(to), SEEK_SET) != 0))
    error_ = Status::IOError(fmt::format("{}: {}", path_, std::strerror(errno)));
  offsets_ = std::move(kept);
  tags_.assign(offsets_.size(), 0);
  dropped_ = 0;
  at_ = to;
}

Status RegionFileWriter::Finish() {
  if (!file_) return error_.ok() ? Status::IOError("region file: not open") : error_;
  if (dropped_ > 0) Compact();
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
