// A rate from a growing total: per second over the last stretch of at least
// a second between two samples, so a read every stats period shows the
// recent rate, not the average since the start. Socket-free; times are
// given (milliseconds of a steady clock).
#pragma once

#include <cstdint>

namespace datablox::host {

class RateMeter {
 public:
  static constexpr int64_t kMinSpanMs = 1000;

  // The rate as of `now_ms`, with `total` counted so far (never decreasing).
  double Sample(int64_t now_ms, uint64_t total) {
    if (from_ms_ < 0) {
      from_ms_ = now_ms;
      from_total_ = total;
      return 0;
    }
    const int64_t span = now_ms - from_ms_;
    if (span >= kMinSpanMs) {
      rate_ = static_cast<double>(total - from_total_) * 1000.0 / static_cast<double>(span);
      from_ms_ = now_ms;
      from_total_ = total;
    }
    return rate_;
  }

 private:
  int64_t from_ms_ = -1;
  uint64_t from_total_ = 0;
  double rate_ = 0;
};

}  // namespace datablox::host
