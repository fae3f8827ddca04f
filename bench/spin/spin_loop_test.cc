#include "spin_loop.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace datablox_bench {
namespace {

// Fake timings, in the order the trials ask for them.
std::function<int64_t(uint64_t)> Timings(std::vector<int64_t> ns, std::vector<uint64_t>* asked) {
  auto next = std::make_shared<size_t>(0);
  return [ns, asked, next](uint64_t iterations) {
    asked->push_back(iterations);
    return ns[(*next)++];
  };
}

TEST(SpinLoopTest, CalibrationTakesTheFastestTrial) {
  std::vector<uint64_t> asked;
  // 1000 iterations: 2 us, 1 us (undisturbed), 1.5 us.
  EXPECT_DOUBLE_EQ(SpinLoop::Calibrate(Timings({2000, 1000, 1500}, &asked), 1000, 3), 1000.0);
  EXPECT_EQ(asked, (std::vector<uint64_t>{1000, 1000, 1000}));
}

TEST(SpinLoopTest, CalibrationIgnoresTrialsThatTookNoTime) {
  std::vector<uint64_t> asked;
  EXPECT_DOUBLE_EQ(SpinLoop::Calibrate(Timings({0, 4000}, &asked), 1000, 2), 250.0);
}

TEST(SpinLoopTest, CalibrationWithoutAnyTimedTrialIsZero) {
  std::vector<uint64_t> asked;
  EXPECT_DOUBLE_EQ(SpinLoop::Calibrate(Timings({0, 0}, &asked), 1000, 2), 0.0);
}

TEST(SpinLoopTest, IterationsScaleWithMicrosecondsAndLogs) {
  EXPECT_EQ(SpinLoop::IterationsFor(250.0, 2.0, 100), 50000u);
  EXPECT_EQ(SpinLoop::IterationsFor(250.0, 0.5, 1), 125u);
  EXPECT_EQ(SpinLoop::IterationsFor(250.0, 0.0, 100), 0u);
  EXPECT_EQ(SpinLoop::IterationsFor(250.0, -1.0, 100), 0u);  // a negative time spins nothing
}

}  // namespace
}  // namespace datablox_bench
