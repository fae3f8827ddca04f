// A region: many blobs in one file with an index at its end
// (blob_format.h), written in one pass and read in place (mmap'd or in
// memory).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/press_stats.h"
#include "cell/brio/reader.h"

namespace datablox::brio {

// Appends blobs to a byte string; Finish() adds the index and the header.
class RegionWriter : public BlobSink {
 public:
  RegionWriter();
  void Add(std::string_view blob) override;
  uint64_t blob_count() const { return offsets_.size(); }
  // The region's bytes; the writer is empty again afterwards.
  std::string Finish();

 private:
  std::string bytes_;
  std::vector<uint64_t> offsets_;
};

class RegionView {
 public:
  // Checks the header and the index (every blob's start inside the file,
  // in order, aligned); blobs are checked when opened.
  static Status Open(std::string_view bytes, RegionView* out);
  uint64_t blob_count() const { return count_; }
  // The bytes of blob i (up to the next blob's start), not yet checked.
  std::string_view BlobBytes(uint64_t i) const;
  Status OpenBlob(uint64_t i, const SchemaLayout& layout, BlobView* out) const {
    return BlobView::Open(BlobBytes(i), layout, out);
  }
  // Every blob through OpenBlob, once: the first that fails, with its index.
  Status CheckBlobs(const SchemaLayout& layout) const;
  // Blob i of a region CheckBlobs accepted with this layout, not checked again.
  BlobView TrustedBlob(uint64_t i, const SchemaLayout& layout) const {
    return BlobView::OpenTrusted(BlobBytes(i), layout);
  }

 private:
  std::string_view bytes_;
  uint64_t count_ = 0;
  uint64_t index_offset_ = 0;
};

}  // namespace datablox::brio
