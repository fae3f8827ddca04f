// A Brio region (cell/brio/blob_format.h) written to a file blob by blob:
// what `datablox fetch` writes from the parcels of every locus, without
// holding them all in memory (only the index, 8 bytes a blob). The header
// is written last, so a file cut short by a crash is no region.
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
  void Add(std::string_view blob) override;
  // Writes the index and the header, and closes. The first write error, if any.
  Status Finish();
  uint64_t blob_count() const { return offsets_.size(); }
  uint64_t bytes() const { return at_; }

 private:
  void Write(const void* data, size_t size);

  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t at_ = 0;
  std::vector<uint64_t> offsets_;
  Status error_;
};

}  // namespace datablox::samplestore
