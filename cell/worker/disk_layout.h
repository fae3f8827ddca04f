// Where a worker keeps its warm slices, so that a worker its caretaker
// restarts finds them again instead of loading them anew:
//
//   ROOT/DOMAIN/VIEW/GENERATION/slice-WORKER/region-CORE.brgn   one per core
//   ROOT/DOMAIN/VIEW/GENERATION/slice-WORKER/manifest.json      written last
//
// Every file is written as NAME.partial, flushed to disk and renamed: a
// name without .partial is complete. The manifest lists the regions and
// their sizes, and the loci the slice holds (the numbers its deal named),
// and is written once every region is: a slice is on disk only
// when its manifest is. Rescan() brings back every slice whose manifest
// reads and whose regions are all there at their sizes; the rest (a
// half-written slice, a torn region, a manifest that does not parse,
// .partial leftovers) is reported and removed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cell/worker/cache_model.h"
#include "datablox/status.h"

namespace datablox::worker {

inline constexpr int kManifestFormat = 2;  // 2: with "loci"
inline constexpr std::string_view kManifestName = "manifest.json";
inline constexpr std::string_view kPartialSuffix = ".partial";
inline constexpr size_t kMaxManifestBytes = 1u << 20;
inline constexpr int kMaxManifestDepth = 4;  // {"regions": [{...}]}
inline constexpr int kMaxCores = 1024;
inline constexpr size_t kMaxManifestLoci = 1u << 16;
inline constexpr int kAnyWorker = -1;

struct RescanResult {
  std::vector<CachedSlice> warm;     // state warm, regions as their manifest says
  std::vector<std::string> ignored;  // "PATH: why", each removed
};

class DiskLayout {
 public:
  explicit DiskLayout(std::string root) : root_(std::move(root)) {}

  // Invalid for a domain or view name that is no plain file name.
  Status SliceDir(const SliceKey& key, std::string* dir) const;
  // Writes one region of the slice (FILE.partial, fsync, rename).
  Status WriteRegion(const SliceKey& key, int core, std::string_view bytes, RegionInfo* out) const;
  // A region written as it comes: where to write it (FILE.partial, its
  // folder made), then, once complete, CommitRegion flushes it to disk and
  // renames it (*out with its size).
  Status PartialRegionPath(const SliceKey& key, int core, std::string* path) const;
  Status CommitRegion(const SliceKey& key, int core, RegionInfo* out) const;
  // Writes the manifest of the slice, atomically, after its regions.
  Status WriteManifest(const SliceKey& key, const std::vector<RegionInfo>& regions,
                       const std::vector<int>& loci = {}) const;
  // Removes the slice's folder (a drop).
  Status RemoveSlice(const SliceKey& key) const;
  // What a restarted worker finds (see above). A missing root is empty.
  // With a worker: only that worker's slices are looked at (and cleaned):
  // the members of a shard share one cache_dir, each its own slice-ID.
  Status Rescan(RescanResult* out, int worker = kAnyWorker) const;

  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

}  // namespace datablox::worker
