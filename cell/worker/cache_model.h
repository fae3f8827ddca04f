// What a worker's cache holds, as data: generations (a view's data at one
// generation clock of the catalog) -> slices (the part one worker holds) ->
// regions (one Brio region file per core, mmap'd read-only when hot).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "cell/worker/slice_state.h"

namespace datablox::worker {

struct GenerationKey {
  std::string domain;
  std::string view;
  int64_t generation = 0;  // the view's generation clock in the catalog
  auto operator<=>(const GenerationKey&) const = default;
  std::string ToString() const;  // "DOMAIN/VIEW@GENERATION"
};

// One slice per worker of a generation.
struct SliceKey {
  GenerationKey generation;
  int worker = 0;
  auto operator<=>(const SliceKey&) const = default;
  std::string ToString() const;  // "DOMAIN/VIEW@GENERATION#WORKER"
};

struct RegionInfo {
  int core = 0;        // the core that scans it
  std::string file;    // its file name in the slice's folder
  uint64_t bytes = 0;  // its size when complete
  auto operator<=>(const RegionInfo&) const = default;
};

struct CachedSlice {
  SliceKey key;
  SliceLifecycle life;
  std::vector<RegionInfo> regions;
  // The sample store's numbers of the loci it holds (the deal it was
  // loaded for): a scan dealt other loci loads it anew.
  std::vector<int> loci;
  int64_t last_used_ms = 0;  // the last query that scanned it (or its load)
  uint64_t bytes() const;
};

}  // namespace datablox::worker
