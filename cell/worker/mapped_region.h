// A region file mapped read-only: what makes a slice hot. The scan reads
// the blobs in place; nothing is copied. The size is checked against what
// the slice's manifest says, so a torn file is refused, never scanned.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "datablox/status.h"

namespace datablox::worker {

class MappedRegion {
 public:
  // Maps `path`; Invalid when its size is not `expected_bytes` (torn),
  // IOError when it cannot be opened or mapped.
  static Status Map(const std::string& path, uint64_t expected_bytes, std::unique_ptr<MappedRegion>* out);
  ~MappedRegion();
  MappedRegion(const MappedRegion&) = delete;
  MappedRegion& operator=(const MappedRegion&) = delete;

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedRegion(void* data, size_t size) : data_(data), size_(size) {}
  void* data_;  // null for an empty region
  size_t size_;
};

}  // namespace datablox::worker
