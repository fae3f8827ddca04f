#include "cell/worker/eviction_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace datablox::worker {
namespace {

bool ValidPair(double low, double high) { return low > 0 && low <= high && high <= 1; }

// Least recently used first; ties by key.
bool OlderUse(const SliceUse* a, const SliceUse* b) {
  if (a->last_used_ms != b->last_used_ms) return a->last_used_ms < b->last_used_ms;
  return a->key < b->key;
}

uint64_t Fraction(uint64_t budget, double share) { return static_cast<uint64_t>(static_cast<double>(budget) * share); }

}  // namespace

Status Watermarks::Check() const {
  if (!ValidPair(memory_low, memory_high))
    return Status::Invalid(
        fmt::format("memory watermarks {} / {}: need 0 < low <= high <= 1", memory_high, memory_low));
  if (!ValidPair(disk_low, disk_high))
    return Status::Invalid(fmt::format("disk watermarks {} / {}: need 0 < low <= high <= 1", disk_high, disk_low));
  return Status::OK();
}

std::vector<EvictionStep> PlanEviction(const std::vector<SliceUse>& slices, const EvictionLimits& limits,
                                       int64_t now_ms) {
  std::vector<EvictionStep> steps;
  // What each slice will be once the steps so far are applied.
  std::map<SliceKey, SliceState> state;
  std::vector<const SliceUse*> by_use;
  for (const SliceUse& s : slices) {
    state[s.key] = s.state;
    if (s.state != SliceState::kCold) by_use.push_back(&s);
  }
  std::sort(by_use.begin(), by_use.end(), OlderUse);

  if (limits.view_ttl_ms > 0) {
    for (const SliceUse* s : by_use) {
      if (now_ms - s->last_used_ms < limits.view_ttl_ms) continue;
      steps.push_back({s->key, EvictionAction::kDrop, "ttl"});
      state[s->key] = SliceState::kCold;
    }
  }

  auto total = [&](bool memory) {
    uint64_t bytes = 0;
    for (const SliceUse* s : by_use) {
      const SliceState now = state[s->key];
      if (memory ? now == SliceState::kHot : (now == SliceState::kHot || now == SliceState::kWarm)) bytes += s->bytes;
    }
    return bytes;
  };

  uint64_t hot = total(true);
  if (hot > Fraction(limits.memory_bytes, limits.marks.memory_high)) {
    const uint64_t target = Fraction(limits.memory_bytes, limits.marks.memory_low);
    for (const SliceUse* s : by_use) {
      if (hot <= target) break;
      if (state[s->key] != SliceState::kHot) continue;
      steps.push_back({s->key, EvictionAction::kFlush, "memory"});
      state[s->key] = SliceState::kWarm;
      hot -= s->bytes;
    }
  }

  uint64_t on_disk = total(false);
  if (on_disk > Fraction(limits.disk_bytes, limits.marks.disk_high)) {
    const uint64_t target = Fraction(limits.disk_bytes, limits.marks.disk_low);
    // Warm slices go first: a hot one is being scanned.
    for (SliceState victim : {SliceState::kWarm, SliceState::kHot}) {
      for (const SliceUse* s : by_use) {
        if (on_disk <= target) break;
        if (state[s->key] != victim) continue;
        steps.push_back({s->key, EvictionAction::kDrop, "disk"});
        state[s->key] = SliceState::kCold;
        on_disk -= s->bytes;
      }
    }
  }
  return steps;
}

}  // namespace datablox::worker
