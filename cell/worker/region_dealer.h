// How a loaded slice's blobs become its regions, socket-free: dealt in
// turn to one Brio region per core, so each core scans a like share. A core
// that got no blob (fewer blobs than cores) gets no region: a file to map
// for nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cell/brio/region.h"

namespace datablox::worker {

class RegionDealer : public brio::BlobSink {
 public:
  explicit RegionDealer(int cores) : regions_(static_cast<size_t>(cores < 1 ? 1 : cores)) {}
  void Add(std::string_view blob) override;
  uint64_t blob_count() const { return blobs_; }

  struct Region {
    int core = 0;
    std::string bytes;  // a Brio region (blob_format.h)
  };
  // The regions of the cores that got blobs, by core; the dealer is empty afterwards.
  std::vector<Region> Finish();

 private:
  std::vector<brio::RegionWriter> regions_;
  size_t next_ = 0;
  uint64_t blobs_ = 0;
};

}  // namespace datablox::worker
