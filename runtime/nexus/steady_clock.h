// The clock the transport feeds its state machines: milliseconds of the
// monotonic clock. The state machines themselves take `now_ms` as an
// argument, so their tests pass fake times.
#pragma once

#include <chrono>
#include <cstdint>

namespace datablox::nexus {

inline int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace datablox::nexus
