// A Brio region (cell/brio/blob_format.h) written to a file blob by blob:
// what `datablox fetch` writes from the parcels of every locus, without
// holding them all in memory (only the index, 8 bytes a blob). The header
// is written last, so a file cut short by a crash is no region.
//
// Blobs may be tagged (a fetch tags each with its locus) and a tag's blobs
// so far discarded (a locus pulled again from a replica): they are dropped
// from the index at once, and Finish then moves the blobs kept over the
// holes (in place, front to back) before it writes the index. 12 bytes a
// blob are kept in memory (offset, tag).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/press_stats.h"
#include "datablox/status.h"

namespace datablox::samplestore {

class RegionFileWriter : public brio::BlobSink {
 public:
  ~RegionFileWriter() override;
  // Creates (or truncates) `path`.
  Status Open(const std::string& path);
  void Add(std::string_view blob) override { Add(0, blob); }
  void Add(uint32_t tag, std::string_view blob);
  // Drops every blob added with `tag` so far.
  void Discard(uint32_t tag);
  // Writes the index and the header, and closes. The first write error, if any.
  Status Finish();
  uint64_t blob_count() const { return offsets_.size() - dropped_; }
  uint64_t bytes() const { return at_; }

 private:
  void Write(const void* data, size_t size);
  // Moves the blobs kept over the dropped ones; offsets_ then holds theirs.
  void Compact();
  static constexpr uint32_t kDropped = UINT32_MAX;

  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t at_ = 0;
  std::vector<uint64_t> offsets_;  // every blob added, dropped ones too until Compact
  std::vector<uint32_t> tags_;     // each blob's tag, kDropped once discarded
  uint64_t dropped_ = 0;
  Status error_;
};

}  // namespace datablox::samplestore
