#include "cell/worker/cache_listing.h"

#include <fmt/format.h>

#include "cell/worker/load_request.h"

namespace datablox::worker {

nlohmann::json CacheListing(const WorkerCache& cache) {
  nlohmann::json generations = nlohmann::json::array();
  const GenerationKey* last = nullptr;
  const std::vector<CachedSlice> held = cache.Contents();
  for (const CachedSlice& slice : held) {
    const GenerationKey& key = slice.key.generation;
    if (last == nullptr || !(*last == key)) {
      generations.push_back({{"domain", key.domain},
                             {"view", key.view},
                             {"generation", GenerationText(key.generation)},
                             {"slices", nlohmann::json::array()}});
      last = &key;
    }
    nlohmann::json regions = nlohmann::json::array();
    for (const RegionInfo& r : slice.regions)
      regions.push_back({{"core", r.core}, {"file", r.file}, {"bytes", r.bytes}});
    nlohmann::json entry = {{"worker", slice.key.worker},
                            {"state", StateName(slice.life.state())},
                            {"bytes", slice.bytes()},
                            {"last_used_ms", slice.last_used_ms},
                            {"regions", regions}};
    const std::string failure = cache.FailureOf(slice.key);
    if (!failure.empty()) entry["failure"] = failure;
    generations.back()["slices"].push_back(std::move(entry));
  }
  return {{"memory_bytes", cache.memory_bytes()}, {"disk_bytes", cache.disk_bytes()}, {"generations", generations}};
}

std::string StateCounts(const std::vector<SliceUse>& slices, uint64_t loading) {
  uint64_t counts[5] = {loading, 0, 0, 0, 0};
  for (const SliceUse& s : slices) ++counts[static_cast<int>(s.state)];
  return fmt::format("cold={} warm={} hot={} no_data={} failed={}", counts[0], counts[1], counts[2], counts[3],
                     counts[4]);
}

}  // namespace datablox::worker
