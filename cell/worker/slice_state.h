// The life of one slice in a worker's cache (Burst's cold / warm / hot /
// no-data / failed), as a socket-free state machine: what may happen to a
// slice in each state, and what it becomes. The worker element feeds it the
// events of its loads, maps, flushes and drops; an event its state does not
// allow is refused (an error value naming both), and the state is kept.
//
//   cold  --loaded-->      warm   (its regions written to disk)
//   cold  --loaded_empty--> no_data (the loci hold nothing for it)
//   cold  --load_failed--> failed
//   warm  --mapped-->      hot    (regions mmap'd read-only)
//   hot   --flushed-->     warm   (unmapped; still on disk)
//   warm, hot --broken-->  failed (a region torn, a map refused)
//   warm, hot, no_data, failed --dropped--> cold (files removed; may load again)
#pragma once

#include <cstdint>
#include <string_view>

#include "datablox/status.h"

namespace datablox::worker {

enum class SliceState : uint8_t { kCold, kWarm, kHot, kNoData, kFailed };
enum class SliceEvent : uint8_t { kLoaded, kLoadedEmpty, kLoadFailed, kMapped, kFlushed, kBroken, kDropped };

std::string_view StateName(SliceState state);  // "cold", "warm", "hot", "no_data", "failed"
std::string_view EventName(SliceEvent event);  // "loaded", "loaded_empty", ...

// The state after `event`; false when `from` does not allow it.
bool NextState(SliceState from, SliceEvent event, SliceState* to);

// One slice's state, changed only through legal events.
class SliceLifecycle {
 public:
  SliceState state() const { return state_; }
  // Invalid ("a STATE slice cannot take 'EVENT'") when the event is refused; the
  // state is then unchanged.
  Status Apply(SliceEvent event);
  // Its data is on disk (warm or hot): what the disk watermark counts.
  bool on_disk() const { return state_ == SliceState::kWarm || state_ == SliceState::kHot; }
  bool in_memory() const { return state_ == SliceState::kHot; }

 private:
  SliceState state_ = SliceState::kCold;
};

}  // namespace datablox::worker
