// A busy loop of a fixed length in CPU work, for the Spin bench element.
//
// The loop's length is a count of iterations, calibrated once against
// steady_clock: a loop that watched the clock instead would count the time
// its process was preempted as work done, and so spend less CPU per log
// exactly when members share cores, which is when the shards bench measures.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>

namespace datablox_bench {

class SpinLoop {
 public:
  // Runs `iterations` of a loop the compiler cannot remove or shorten.
  static void Run(uint64_t iterations) {
    uint64_t x = 0;
    for (uint64_t i = 0; i < iterations; ++i) {
      x += i;
      asm volatile("" : "+r"(x));
    }
  }

  // Iterations per microsecond from `trials` timed runs of `probe`
  // iterations each: the fastest run counts, since any slower one was
  // preempted or disturbed. `time_ns(n)` runs n iterations and says how
  // long they took; 0 when no run took any time.
  static double Calibrate(const std::function<int64_t(uint64_t)>& time_ns, uint64_t probe, int trials) {
    int64_t fastest = 0;
    for (int i = 0; i < trials; ++i) {
      int64_t took = time_ns(probe);
      if (took > 0 && (fastest == 0 || took < fastest)) fastest = took;
    }
    return fastest == 0 ? 0 : static_cast<double>(probe) * 1000.0 / static_cast<double>(fastest);
  }

  // Run(n) timed on steady_clock.
  static int64_t TimeOnSteadyClock(uint64_t iterations) {
    auto began = std::chrono::steady_clock::now();
    Run(iterations);
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - began).count();
  }

  // The iterations that spend `us` microseconds per log on `logs` logs.
  static uint64_t IterationsFor(double iterations_per_us, double us, uint64_t logs) {
    return static_cast<uint64_t>(std::max(0.0, iterations_per_us * us * static_cast<double>(logs) + 0.5));
  }
};

}  // namespace datablox_bench
