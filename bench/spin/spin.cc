// Spin(us): the CPU-bound element of `bench/run shards`. Spends a fixed ~US
// microseconds of CPU per log in a calibrated busy loop (spin_loop.h), then
// forwards the log unchanged. Stateless and shardable: what a shard of it
// gains from a second member is the second core.
#include <string>

#include "datablox/element.h"
#include "spin_loop.h"

namespace datablox_bench {

class Spin : public datablox::Element {
 public:
  static datablox::ClassSpec spec() {
    return datablox::ClassSpec(
               "Spin",
               "spends ~US microseconds of CPU per log, then forwards it unchanged (when its output is connected)")
        .describe(
            "A busy loop, calibrated once at start against steady_clock (the fastest of 50 timed runs), "
            "not a sleep: the CPU a log costs is fixed whether or not the process shares its core.")
        .shardable()
        .push_in("in")
        .push_out("out", {}, /*required=*/false, "the same logs, unchanged")
        .param_float("us", 2.0, "microseconds of CPU per log")
        .param_float("iterations_per_us", 0.0,
                     "the calibration to use instead of timing one at start (0: time one): every instance given "
                     "the same does the same work per log")
        .handler("iterations_per_us", "the calibration: loop iterations per microsecond");
  }

  datablox::Status configure(const datablox::Params& params) override {
    add_read_handler("iterations_per_us", [this] { return std::to_string(iterations_per_us_); });
    datablox::Status st = params.read("us", us_).read("iterations_per_us", iterations_per_us_).status();
    if (st.ok() && iterations_per_us_ < 0) st = datablox::Status::Invalid("Spin: iterations_per_us must be >= 0");
    return st;
  }

  datablox::Status start() override {
    if (iterations_per_us_ > 0) return datablox::Status::OK();  // given: the same work as its siblings
    iterations_per_us_ = SpinLoop::Calibrate(SpinLoop::TimeOnSteadyClock, kProbeIterations, kCalibrationTrials);
    if (iterations_per_us_ <= 0) return datablox::Status::Internal("Spin: the calibration loop took no time");
    return datablox::Status::OK();
  }

  void on_batch(int, datablox::Batch logs) override {
    SpinLoop::Run(SpinLoop::IterationsFor(iterations_per_us_, us_, logs.size()));
    if (!connected(0)) return;  // Spin(us: 0) unconnected: a shardable Null
    for (const datablox::Log& log : logs) forward(log);
  }

 private:
  // ~50-100 us a trial on a current core: long enough for the clock's
  // resolution, short enough that most trials run undisturbed.
  static constexpr uint64_t kProbeIterations = 100000;
  static constexpr int kCalibrationTrials = 50;

  double us_ = 2.0;
  double iterations_per_us_ = 0;
};

}  // namespace datablox_bench

DATABLOX_ELEMENT(datablox_bench::Spin)
