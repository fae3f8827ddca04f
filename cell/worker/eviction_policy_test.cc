#include "cell/worker/eviction_policy.h"

#include <gtest/gtest.h>

#include "cell/worker/cache_test_util.h"

namespace datablox::worker {
namespace {

using S = SliceState;

TEST(EvictionPolicy, NothingHappensUnderTheHighWatermarks) {
  // 40 of 100 bytes hot: at the memory high watermark, not past it.
  std::vector<SliceUse> slices = {{Key(0), S::kHot, 40, 10}, {Key(1), S::kWarm, 20, 5}};
  EXPECT_TRUE(PlanEviction(slices, Limits(100, 100), 100).empty());
}

TEST(EvictionPolicy, PastMemoryHighTheLeastRecentlyUsedHotSlicesAreFlushedUntilUnderLow) {
  // 50 of 100 bytes hot (> 40%): flush oldest first until <= 25.
  std::vector<SliceUse> slices = {
      {Key(0), S::kHot, 10, 30}, {Key(1), S::kHot, 20, 10}, {Key(2), S::kHot, 20, 20}, {Key(3), S::kWarm, 5, 1}};
  std::vector<EvictionStep> expected = {{Key(1), EvictionAction::kFlush, "memory"},
                                        {Key(2), EvictionAction::kFlush, "memory"}};
  EXPECT_EQ(PlanEviction(slices, Limits(100, 1000), 100), expected);
}

TEST(EvictionPolicy, PastDiskHighWarmSlicesAreDroppedBeforeHotOnes) {
  // 70 of 100 bytes on disk (> 60%): drop until <= 50, warm first even when a hot one is older.
  std::vector<SliceUse> slices = {{Key(0), S::kHot, 30, 1}, {Key(1), S::kWarm, 15, 20}, {Key(2), S::kWarm, 25, 10}};
  std::vector<EvictionStep> expected = {{Key(2), EvictionAction::kDrop, "disk"}};
  EXPECT_EQ(PlanEviction(slices, Limits(1000, 100), 100), expected);
  // Past it by more than the warm slices hold: then the oldest hot one too.
  slices.push_back({Key(3), S::kHot, 40, 5});
  expected = {{Key(2), EvictionAction::kDrop, "disk"},
              {Key(1), EvictionAction::kDrop, "disk"},
              {Key(0), EvictionAction::kDrop, "disk"}};
  EXPECT_EQ(PlanEviction(slices, Limits(1000, 100), 100), expected);
}

TEST(EvictionPolicy, SliceUnusedForTheTtlIsDroppedWhateverTheWatermarks) {
  std::vector<SliceUse> slices = {{Key(0), S::kHot, 1, 100}, {Key(1), S::kWarm, 1, 500}, {Key(2), S::kFailed, 0, 0}};
  std::vector<EvictionStep> expected = {{Key(2), EvictionAction::kDrop, "ttl"}, {Key(0), EvictionAction::kDrop, "ttl"}};
  EXPECT_EQ(PlanEviction(slices, Limits(1000, 1000, 400), 500), expected);
  EXPECT_TRUE(PlanEviction(slices, Limits(1000, 1000, 0), 500).empty()) << "no TTL: nothing expires";
}

TEST(EvictionPolicy, FlushedSlicesStillCountOnDiskAndDroppedOnesNoMore) {
  // Memory: 60 of 100 hot -> flush the oldest (30) to get to <= 25... both go.
  // Disk: 60 of 100 on disk (not past 60%): nothing dropped, flushed or not.
  std::vector<SliceUse> slices = {{Key(0), S::kHot, 30, 1}, {Key(1), S::kHot, 30, 2}};
  std::vector<EvictionStep> expected = {{Key(0), EvictionAction::kFlush, "memory"},
                                        {Key(1), EvictionAction::kFlush, "memory"}};
  EXPECT_EQ(PlanEviction(slices, Limits(100, 100), 10), expected);
  // With a TTL expiring the first, only the second is left to count.
  expected = {{Key(0), EvictionAction::kDrop, "ttl"}};
  EXPECT_EQ(PlanEviction(slices, Limits(100, 100, 9), 10), expected);
}

TEST(EvictionPolicy, TiesInLastUseGoByKey) {
  std::vector<SliceUse> slices = {{Key(1, 2), S::kHot, 30, 5}, {Key(0, 2), S::kHot, 30, 5}};
  std::vector<EvictionStep> expected = {{Key(0, 2), EvictionAction::kFlush, "memory"},
                                        {Key(1, 2), EvictionAction::kFlush, "memory"}};
  EXPECT_EQ(PlanEviction(slices, Limits(100, 1000), 10), expected);
}

TEST(EvictionPolicy, WatermarksAreConfigurableAndChecked) {
  Watermarks marks;
  EXPECT_TRUE(marks.Check().ok());
  EXPECT_EQ(marks.memory_high, 0.40);
  EXPECT_EQ(marks.memory_low, 0.25);
  EXPECT_EQ(marks.disk_high, 0.60);
  EXPECT_EQ(marks.disk_low, 0.50);
  marks.memory_low = 0.5;  // above high
  EXPECT_EQ(marks.Check().code(), Status::Code::kInvalid);
  marks = Watermarks{0.9, 0.8, 1.5, 0.5};
  EXPECT_EQ(marks.Check().code(), Status::Code::kInvalid);

  EvictionLimits limits = Limits(100, 1000);
  limits.marks = Watermarks{0.10, 0.05, 0.60, 0.50};
  std::vector<SliceUse> slices = {{Key(0), S::kHot, 8, 1}, {Key(1), S::kHot, 8, 2}};
  std::vector<EvictionStep> expected = {{Key(0), EvictionAction::kFlush, "memory"},
                                        {Key(1), EvictionAction::kFlush, "memory"}};
  EXPECT_EQ(PlanEviction(slices, limits, 10), expected);
}

}  // namespace
}  // namespace datablox::worker
