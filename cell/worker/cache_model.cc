#include "cell/worker/cache_model.h"

#include <fmt/format.h>

namespace datablox::worker {

std::string GenerationKey::ToString() const { return fmt::format("{}/{}@{}", domain, view, generation); }

std::string SliceKey::ToString() const { return fmt::format("{}#{}", generation.ToString(), worker); }

uint64_t CachedSlice::bytes() const {
  uint64_t total = 0;
  for (const RegionInfo& r : regions) total += r.bytes;
  return total;
}

}  // namespace datablox::worker
