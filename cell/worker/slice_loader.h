// One slice's load, on a thread of its own: the loci pulled through Nexus
// from the sample-store workers by the fetch client (loci_fetch.h, the one
// `datablox fetch` uses), the blobs dealt round-robin to one Brio region file
// per core as they come (region_dealer.h), each file then committed through
// the disk layout (NAME.partial, fsync, rename). The element's thread reads progress() while it runs and takes
// the result once done(); the cache itself (the manifest, the slice's
// state) is changed only there, never from this thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cell/samplestore/loci_fetch.h"
#include "cell/worker/disk_layout.h"

namespace datablox::worker {

struct LoadProgress {
  uint32_t loci = 0;
  uint32_t loci_done = 0;
  uint64_t items = 0;
  uint64_t bytes = 0;
};

struct LoadResult {
  Status status;
  std::string failed;  // "locus N at ADDRESS" when a locus failed
  std::vector<RegionInfo> regions;
  uint64_t items = 0;
};

class SliceLoader {
 public:
  // Starts at once. `layout` must outlive the loader.
  SliceLoader(const DiskLayout& layout, SliceKey key, nlohmann::json loci, int cores,
              samplestore::LociFetchOptions options);
  ~SliceLoader();  // waits for the thread
  SliceLoader(const SliceLoader&) = delete;
  SliceLoader& operator=(const SliceLoader&) = delete;

  bool done() const { return done_.load(std::memory_order_acquire); }
  LoadProgress progress() const;
  // Once done(): what the load came to.
  const LoadResult& result() const { return result_; }

 private:
  void Run(nlohmann::json loci, int cores, samplestore::LociFetchOptions options);

  const DiskLayout& layout_;
  SliceKey key_;
  std::atomic<uint32_t> loci_{0}, loci_done_{0};
  std::atomic<uint64_t> items_{0}, bytes_{0};
  std::atomic<bool> done_{false};
  LoadResult result_;
  std::thread thread_;
};

}  // namespace datablox::worker
