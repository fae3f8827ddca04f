// Which slices a worker flushes from memory or drops from disk, decided
// from their sizes, states and last use, socket-free (the element applies
// the steps through each slice's SliceLifecycle). Burst's watermarks: when
// hot data passes memory_high of the memory budget, the least recently
// used hot slices are flushed (unmapped, still warm on disk) until it is
// under memory_low; when the data on disk passes disk_high of the disk
// budget, the least recently used slices are dropped (warm ones before hot
// ones) until it is under disk_low. A slice unused for the view's TTL is
// dropped whatever the watermarks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cell/worker/cache_model.h"
#include "datablox/status.h"

namespace datablox::worker {

struct Watermarks {
  double memory_high = 0.40, memory_low = 0.25;
  double disk_high = 0.60, disk_low = 0.50;
  // Invalid unless 0 < low <= high <= 1 for each.
  Status Check() const;
};

struct EvictionLimits {
  Watermarks marks;
  uint64_t memory_bytes = 0;  // the budget the memory watermarks are fractions of
  uint64_t disk_bytes = 0;    // the same for disk
  int64_t view_ttl_ms = 0;    // 0: slices never expire
};

struct SliceUse {
  SliceKey key;
  SliceState state = SliceState::kCold;
  uint64_t bytes = 0;
  int64_t last_used_ms = 0;
};

enum class EvictionAction : uint8_t { kFlush, kDrop };

struct EvictionStep {
  SliceKey key;
  EvictionAction action = EvictionAction::kFlush;
  const char* reason = "";  // "ttl", "memory", "disk"
  bool operator==(const EvictionStep& o) const {
    return key == o.key && action == o.action && std::string_view(reason) == o.reason;
  }
};

// The steps, in the order to apply them: TTL drops, then memory flushes,
// then disk drops; a slice appears at most once per action. Ties in last
// use go by key, so the plan is the same for the same inputs.
std::vector<EvictionStep> PlanEviction(const std::vector<SliceUse>& slices, const EvictionLimits& limits,
                                       int64_t now_ms);

}  // namespace datablox::worker
