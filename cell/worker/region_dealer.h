// How a loaded slice's blobs become its regions: dealt in turn, as they
// arrive, to one Brio region file per core (samplestore's
// RegionFileWriter), so each core scans a like share and the slice is
// never held in memory (12 bytes a blob are: the files' indexes). A core
// that got no blob (fewer blobs than cores) gets no region: a file to map
// for nothing.
//
// The blobs arrive tagged with their locus (a LocusSink, as the fetch
// client gives them): a locus pulled again from a replica after its first
// worker failed mid-stream is discarded first (its blobs so far dropped
// from every file, the holes closed by Finish), so no blob is dealt twice.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cell/samplestore/loci_fetch.h"
#include "cell/samplestore/region_file.h"

namespace datablox::worker {

class RegionDealer : public samplestore::LocusSink {
 public:
  // Where core N's region is written (its folder made): asked at the core's first blob.
  using RegionPath = std::function<Status(int core, std::string* path)>;
  RegionDealer(int cores, RegionPath path_of);
  void Add(int locus, std::string_view blob) override;
  void Discard(int locus) override;
  // Blobs held now (those of discarded loci no longer count).
  uint64_t blob_count() const;

  struct Region {
    int core = 0;
    std::string path;
    uint64_t bytes = 0;
  };
  // Finishes every file (index, header) into *regions, by core; a file
  // left with no blob is removed. The first error of any file, if any.
  Status Finish(std::vector<Region>* regions);

 private:
  struct CoreFile {
    std::string path;
    std::unique_ptr<samplestore::RegionFileWriter> writer;  // null until its first blob
  };

  RegionPath path_of_;
  std::vector<CoreFile> cores_;
  size_t next_ = 0;
  Status error_;
};

}  // namespace datablox::worker
