#include "cell/worker/worker_cache.h"

#include <fmt/format.h>

namespace datablox::worker {

WorkerCache::Entry& WorkerCache::EntryFor(const SliceKey& key) {
  Entry& e = slices_[key];
  e.slice.key = key;
  return e;
}

Status WorkerCache::Recover(std::vector<std::string>* ignored, int64_t now_ms, int worker) {
  RescanResult found;
  if (Status st = layout_.Rescan(&found, worker); !st.ok()) return st;
  for (CachedSlice& slice : found.warm) {
    Entry& e = EntryFor(slice.key);
    e.slice = std::move(slice);
    e.slice.last_used_ms = now_ms;
  }
  *ignored = std::move(found.ignored);
  return Status::OK();
}

Status WorkerCache::CompleteLoad(const SliceKey& key, const std::vector<RegionInfo>& regions, int64_t now_ms,
                                 const std::vector<int>& loci) {
  Entry& e = EntryFor(key);
  const SliceEvent event = regions.empty() ? SliceEvent::kLoadedEmpty : SliceEvent::kLoaded;
  SliceState next;
  if (!NextState(e.slice.life.state(), event, &next)) {
    return Status::Invalid(fmt::format("slice {}: a {} slice cannot take '{}'", key.ToString(),
                                       StateName(e.slice.life.state()), EventName(event)));
  }
  if (!regions.empty()) {
    if (Status st = layout_.WriteManifest(key, regions, loci); !st.ok()) return st;
  }
  e.slice.regions = regions;
  e.slice.loci = loci;
  e.slice.last_used_ms = now_ms;
  return e.slice.life.Apply(event);
}

Status WorkerCache::FailLoad(const SliceKey& key, const std::string& why, int64_t now_ms) {
  Entry& e = EntryFor(key);
  if (Status st = e.slice.life.Apply(SliceEvent::kLoadFailed); !st.ok())
    return Status::Invalid(fmt::format("slice {}: {}", key.ToString(), st.message()));
  e.failure = why;
  e.slice.last_used_ms = now_ms;
  return Status::OK();
}

Status WorkerCache::Drop(const SliceKey& key) {
  auto it = slices_.find(key);
  if (it == slices_.end()) return Status::NotFound(fmt::format("slice {}: not held", key.ToString()));
  it->second.mapped.clear();
  slices_.erase(it);
  return layout_.RemoveSlice(key);
}

Status WorkerCache::Acquire(const SliceKey& key, int64_t now_ms, std::vector<std::string_view>* regions) {
  regions->clear();
  auto it = slices_.find(key);
  if (it == slices_.end()) return Status::NotFound(fmt::format("slice {}: not held (cold)", key.ToString()));
  Entry& e = it->second;
  const SliceState state = e.slice.life.state();
  if (state != SliceState::kWarm && state != SliceState::kHot) {
    return Status::Invalid(
        fmt::format("slice {}: {}{}", key.ToString(), StateName(state), e.failure.empty() ? "" : ": " + e.failure));
  }
  if (state == SliceState::kWarm) {
    std::string dir;
    if (Status st = layout_.SliceDir(key, &dir); !st.ok()) return st;
    std::vector<std::unique_ptr<MappedRegion>> mapped;
    for (const RegionInfo& r : e.slice.regions) {
      std::unique_ptr<MappedRegion> region;
      if (Status st = MappedRegion::Map(dir + "/" + r.file, r.bytes, &region); !st.ok()) {
        e.failure = st.message();
        (void)e.slice.life.Apply(SliceEvent::kBroken);  // warm allows it
        return Status::Invalid(fmt::format("slice {}: {}", key.ToString(), st.message()));
      }
      mapped.push_back(std::move(region));
    }
    e.mapped = std::move(mapped);
    if (Status st = e.slice.life.Apply(SliceEvent::kMapped); !st.ok()) return st;
  }
  e.slice.last_used_ms = now_ms;
  for (const auto& region : e.mapped) regions->push_back(region->bytes());
  return Status::OK();
}

std::vector<EvictionStep> WorkerCache::Evict(int64_t now_ms, const std::set<SliceKey>& in_use) {
  // Planned over every slice (the totals are what they are); a step on a
  // slice in use waits for a later round.
  std::vector<EvictionStep> steps = PlanEviction(Slices(), limits_, now_ms);
  std::erase_if(steps, [&](const EvictionStep& step) { return in_use.contains(step.key); });
  for (const EvictionStep& step : steps) {
    auto it = slices_.find(step.key);
    if (it == slices_.end()) continue;
    Entry& e = it->second;
    if (step.action == EvictionAction::kFlush) {
      e.mapped.clear();
      (void)e.slice.life.Apply(SliceEvent::kFlushed);
    } else {
      e.mapped.clear();
      (void)layout_.RemoveSlice(step.key);  // a file left behind is found torn or complete next rescan
      slices_.erase(it);
    }
  }
  return steps;
}

std::vector<SliceUse> WorkerCache::Slices() const {
  std::vector<SliceUse> out;
  for (const auto& [key, e] : slices_)
    out.push_back({key, e.slice.life.state(), e.slice.bytes(), e.slice.last_used_ms});
  return out;
}

std::vector<CachedSlice> WorkerCache::Contents() const {
  std::vector<CachedSlice> out;
  for (const auto& [key, e] : slices_) out.push_back(e.slice);
  return out;
}

SliceState WorkerCache::StateOf(const SliceKey& key) const {
  auto it = slices_.find(key);
  return it == slices_.end() ? SliceState::kCold : it->second.slice.life.state();
}

std::string WorkerCache::FailureOf(const SliceKey& key) const {
  auto it = slices_.find(key);
  return it == slices_.end() ? "" : it->second.failure;
}

std::vector<int> WorkerCache::LociOf(const SliceKey& key) const {
  auto it = slices_.find(key);
  return it == slices_.end() ? std::vector<int>() : it->second.slice.loci;
}

uint64_t WorkerCache::memory_bytes() const {
  uint64_t total = 0;
  for (const auto& [key, e] : slices_) total += e.slice.life.in_memory() ? e.slice.bytes() : 0;
  return total;
}

uint64_t WorkerCache::disk_bytes() const {
  uint64_t total = 0;
  for (const auto& [key, e] : slices_) total += e.slice.life.on_disk() ? e.slice.bytes() : 0;
  return total;
}

}  // namespace datablox::worker
