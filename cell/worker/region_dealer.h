// How a loaded slice's blobs become its regions, socket-free: dealt in
// turn to one Brio region per core, so each core scans a like share. A core
// that got no blob (fewer blobs than cores) gets no region: a file to map
// for nothing.
//
// The blobs arrive tagged with their locus (a LocusSink, as the fetch
// client gives them) and are held per locus until Finish: a locus pulled
// again from a replica after its first worker failed mid-stream is
// discarded first, so no blob is dealt twice. Finish deals the loci in
// their order, each locus's blobs in arrival order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cell/samplestore/loci_fetch.h"

namespace datablox::worker {

class RegionDealer : public samplestore::LocusSink {
 public:
  explicit RegionDealer(int cores) : cores_(cores < 1 ? 1 : cores) {}
  void Add(int locus, std::string_view blob) override;
  void Discard(int locus) override;
  void Add(std::string_view blob) { Add(0, blob); }
  // Blobs held now (those of discarded loci no longer count).
  uint64_t blob_count() const { return blobs_; }

  struct Region {
    int core = 0;
    std::string bytes;  // a Brio region (blob_format.h)
  };
  // The regions of the cores that got blobs, by core; the dealer is empty afterwards.
  std::vector<Region> Finish();

 private:
  struct LocusBlobs {
    std::string bytes;                               // the blobs, one after another
    std::vector<std::pair<size_t, size_t>> spans;  // each blob's offset and size in bytes
  };

  size_t cores_;
  std::map<int, LocusBlobs> loci_;
  uint64_t blobs_ = 0;
};

}  // namespace datablox::worker
