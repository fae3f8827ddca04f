// A worker's cache of slices, socket-free: the slices it holds and their
// states (slice_state.h), their files (disk_layout.h), their mappings when
// hot (mapped_region.h), and eviction (eviction_policy.h) applied to them.
// The worker element drives it: it writes a loaded slice's regions through
// layout(), completes the load here, acquires a slice for each scan and
// calls Evict() after loads and scans; a restarted worker calls Recover()
// first and finds its warm slices again. Times are the caller's clock (ms).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cell/worker/cache_model.h"
#include "cell/worker/disk_layout.h"
#include "cell/worker/eviction_policy.h"
#include "cell/worker/mapped_region.h"

namespace datablox::worker {

class WorkerCache {
 public:
  WorkerCache(std::string root, EvictionLimits limits) : layout_(std::move(root)), limits_(limits) {}

  // Adopts the warm slices a previous life left on disk; *ignored gets
  // what was half-written or torn (and removed). They count as used at
  // now_ms: their TTL runs from the restart, not from the epoch. With a
  // worker, only that worker's slices (DiskLayout::Rescan).
  Status Recover(std::vector<std::string>* ignored, int64_t now_ms = 0, int worker = kAnyWorker);

  // A load of a cold (or unknown) slice ended: its regions are written
  // (layout().WriteRegion), so the manifest is written and the slice is
  // warm. No regions at all: the slice is no_data. `loci`: the numbers of
  // the loci it was loaded from (in its manifest). Invalid when the slice's
  // state does not allow it (a warm slice loaded again).
  Status CompleteLoad(const SliceKey& key, const std::vector<RegionInfo>& regions, int64_t now_ms,
                      const std::vector<int>& loci = {});
  // A load failed: the slice is failed, with why, until dropped.
  Status FailLoad(const SliceKey& key, const std::string& why, int64_t now_ms);
  // Forgets a slice and removes its files (a failed slice asked for again
  // starts cold). NotFound when it holds no such slice.
  Status Drop(const SliceKey& key);

  // For a scan: maps every region of a warm slice (it becomes hot), or
  // takes a hot one as it is; *regions are the bytes by core. A region that
  // will not map (torn, gone) makes the slice failed, and the error says why.
  Status Acquire(const SliceKey& key, int64_t now_ms, std::vector<std::string_view>* regions);

  // Plans eviction (PlanEviction) and applies it: a flush unmaps, a drop
  // removes the slice's files and forgets it. Returns the steps taken.
  // Slices `in_use` (a scan reads their mappings now) are left as they are.
  std::vector<EvictionStep> Evict(int64_t now_ms, const std::set<SliceKey>& in_use = {});

  // What it holds, in key order (for a `slices` handler and the policy).
  std::vector<SliceUse> Slices() const;
  // The same with each slice's regions, for a listing.
  std::vector<CachedSlice> Contents() const;
  // cold (unknown) when it holds no such slice.
  SliceState StateOf(const SliceKey& key) const;
  // Why a failed slice failed ("" otherwise).
  std::string FailureOf(const SliceKey& key) const;
  // The loci a held slice was loaded from (CachedSlice::loci); empty when not held.
  std::vector<int> LociOf(const SliceKey& key) const;
  uint64_t memory_bytes() const;  // hot slices
  uint64_t disk_bytes() const;    // warm and hot slices

  const DiskLayout& layout() const { return layout_; }

 private:
  struct Entry {
    CachedSlice slice;
    std::vector<std::unique_ptr<MappedRegion>> mapped;  // when hot, by region
    std::string failure;
  };
  Entry& EntryFor(const SliceKey& key);

  DiskLayout layout_;
  EvictionLimits limits_;
  std::map<SliceKey, Entry> slices_;
};

}  // namespace datablox::worker
