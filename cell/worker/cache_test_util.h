// What the worker cache's tests share: slice keys of one view, and limits.
#pragma once

#include "cell/worker/eviction_policy.h"

namespace datablox::worker {

inline SliceKey Key(int worker, int64_t generation = 1) { return {{"unity", "events", generation}, worker}; }

inline EvictionLimits Limits(uint64_t memory, uint64_t disk, int64_t ttl_ms = 0) {
  EvictionLimits limits;
  limits.memory_bytes = memory;
  limits.disk_bytes = disk;
  limits.view_ttl_ms = ttl_ms;
  return limits;
}

}  // namespace datablox::worker
