#include "cell/worker/worker_cache.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cell/samplestore/test_dir.h"
#include "cell/worker/cache_test_util.h"

namespace datablox::worker {
namespace {

namespace fs = std::filesystem;
using S = SliceState;

class WorkerCacheTest : public ::testing::Test {
 protected:
  std::string Root() const { return dir_.path() + "/cache"; }
  // A load as the worker does it: regions through the layout, then complete.
  void Load(WorkerCache* cache, const SliceKey& key, const std::vector<std::string>& regions, int64_t now) {
    std::vector<RegionInfo> written;
    for (size_t core = 0; core < regions.size(); ++core) {
      RegionInfo info;
      ASSERT_TRUE(cache->layout().WriteRegion(key, static_cast<int>(core), regions[core], &info).ok());
      written.push_back(info);
    }
    Status st = cache->CompleteLoad(key, written, now);
    ASSERT_TRUE(st.ok()) << st.message();
  }
  std::string Dir(const SliceKey& key) const {
    std::string dir;
    EXPECT_TRUE(DiskLayout(Root()).SliceDir(key, &dir).ok());
    return dir;
  }
  samplestore::TestDir dir_;
};

TEST_F(WorkerCacheTest, LoadedSliceIsWarmAndAScanMakesItHotWithItsBytes) {
  WorkerCache cache(Root(), Limits(1000, 1000));
  Load(&cache, Key(0), {"core zero", "core one"}, 1);
  EXPECT_EQ(cache.StateOf(Key(0)), S::kWarm);
  EXPECT_EQ(cache.disk_bytes(), 17u);
  EXPECT_EQ(cache.memory_bytes(), 0u);
  std::vector<std::string_view> regions;
  ASSERT_TRUE(cache.Acquire(Key(0), 2, &regions).ok());
  EXPECT_EQ(regions, (std::vector<std::string_view>{"core zero", "core one"}));
  EXPECT_EQ(cache.StateOf(Key(0)), S::kHot);
  EXPECT_EQ(cache.memory_bytes(), 17u);
  ASSERT_TRUE(cache.Acquire(Key(0), 3, &regions).ok()) << "a hot slice is scanned as it is";
  EXPECT_EQ(cache.Slices()[0].last_used_ms, 3);
}

TEST_F(WorkerCacheTest, LoadingAWarmSliceAgainIsRefused) {
  WorkerCache cache(Root(), Limits(1000, 1000));
  Load(&cache, Key(0), {"x"}, 1);
  Status st = cache.CompleteLoad(Key(0), {{0, "region-0.brgn", 1}}, 2);
  EXPECT_EQ(st.message(), "slice unity/events@1#0: a warm slice cannot take 'loaded'");
}

TEST_F(WorkerCacheTest, LoadOfNothingIsNoDataAndCannotBeScanned) {
  WorkerCache cache(Root(), Limits(1000, 1000));
  ASSERT_TRUE(cache.CompleteLoad(Key(0), {}, 1).ok());
  EXPECT_EQ(cache.StateOf(Key(0)), S::kNoData);
  std::vector<std::string_view> regions;
  EXPECT_EQ(cache.Acquire(Key(0), 2, &regions).message(), "slice unity/events@1#0: no_data");
  EXPECT_EQ(cache.Acquire(Key(9), 2, &regions).code(), Status::Code::kNotFound);
}

TEST_F(WorkerCacheTest, FailedLoadSaysWhyUntilTheTtlDropsItAndThenLoadsAgain) {
  WorkerCache cache(Root(), Limits(1000, 1000, 100));
  ASSERT_TRUE(cache.FailLoad(Key(0), "sample-store worker lost", 1).ok());
  std::vector<std::string_view> regions;
  EXPECT_EQ(cache.Acquire(Key(0), 2, &regions).message(), "slice unity/events@1#0: failed: sample-store worker lost");
  EXPECT_TRUE(cache.Evict(50).empty());
  std::vector<EvictionStep> expected = {{Key(0), EvictionAction::kDrop, "ttl"}};
  EXPECT_EQ(cache.Evict(101), expected);
  EXPECT_EQ(cache.StateOf(Key(0)), S::kCold);
  Load(&cache, Key(0), {"now it loads"}, 102);
  EXPECT_EQ(cache.StateOf(Key(0)), S::kWarm);
}

TEST_F(WorkerCacheTest, UnderASmallMemoryWatermarkTheOldestHotSliceIsFlushedAndReloadsFromDisk) {
  WorkerCache cache(Root(), Limits(100, 1000));  // hot past 40 bytes: flush to 25
  Load(&cache, Key(0), {std::string(30, 'a')}, 1);
  Load(&cache, Key(1), {std::string(15, 'b')}, 2);
  std::vector<std::string_view> regions;
  ASSERT_TRUE(cache.Acquire(Key(0), 3, &regions).ok());
  ASSERT_TRUE(cache.Acquire(Key(1), 4, &regions).ok());
  EXPECT_EQ(cache.memory_bytes(), 45u);
  std::vector<EvictionStep> expected = {{Key(0), EvictionAction::kFlush, "memory"}};
  EXPECT_EQ(cache.Evict(5), expected);
  EXPECT_EQ(cache.StateOf(Key(0)), S::kWarm);
  EXPECT_EQ(cache.StateOf(Key(1)), S::kHot);
  EXPECT_EQ(cache.memory_bytes(), 15u);
  EXPECT_EQ(cache.disk_bytes(), 45u) << "a flushed slice stays on disk";
  ASSERT_TRUE(cache.Acquire(Key(0), 6, &regions).ok());
  EXPECT_EQ(regions[0], std::string(30, 'a'));
}

TEST_F(WorkerCacheTest, ASliceInUseIsNeitherFlushedNorDroppedUntilItIsFree) {
  WorkerCache cache(Root(), Limits(100, 100, 10));  // everything past its marks and its TTL
  Load(&cache, Key(0), {std::string(70, 'a')}, 1);
  std::vector<std::string_view> regions;
  ASSERT_TRUE(cache.Acquire(Key(0), 2, &regions).ok());
  EXPECT_TRUE(cache.Evict(1000, {Key(0)}).empty()) << "a scan reads its mapping";
  EXPECT_EQ(cache.StateOf(Key(0)), S::kHot);
  EXPECT_EQ(regions[0], std::string(70, 'a'));
  std::vector<EvictionStep> expected = {{Key(0), EvictionAction::kDrop, "ttl"}};
  EXPECT_EQ(cache.Evict(1000), expected);
  EXPECT_EQ(cache.StateOf(Key(0)), S::kCold);
}

TEST_F(WorkerCacheTest, ASliceKeepsTheLociItWasLoadedFrom) {
  WorkerCache cache(Root(), Limits(1000, 1000));
  ASSERT_TRUE(cache.CompleteLoad(Key(0), {}, 1, {4}).ok());  // no_data: in memory only
  EXPECT_EQ(cache.LociOf(Key(0)), (std::vector<int>{4}));
  RegionInfo info;
  ASSERT_TRUE(cache.layout().WriteRegion(Key(1), 0, "x", &info).ok());
  ASSERT_TRUE(cache.CompleteLoad(Key(1), {info}, 1, {0, 3}).ok());
  WorkerCache after(Root(), Limits(1000, 1000));
  std::vector<std::string> ignored;
  ASSERT_TRUE(after.Recover(&ignored, 0, 1).ok());
  EXPECT_EQ(after.LociOf(Key(1)), (std::vector<int>{0, 3}));
  EXPECT_TRUE(after.LociOf(Key(9)).empty());
}

TEST_F(WorkerCacheTest, PastTheDiskWatermarkTheOldestSliceIsDroppedWithItsFiles) {
  WorkerCache cache(Root(), Limits(1000, 100));  // on disk past 60 bytes: drop to 50
  Load(&cache, Key(0), {std::string(40, 'a')}, 1);
  Load(&cache, Key(1), {std::string(30, 'b')}, 2);
  std::vector<EvictionStep> expected = {{Key(0), EvictionAction::kDrop, "disk"}};
  EXPECT_EQ(cache.Evict(3), expected);
  EXPECT_EQ(cache.StateOf(Key(0)), S::kCold);
  EXPECT_FALSE(fs::exists(Dir(Key(0))));
  EXPECT_TRUE(fs::exists(Dir(Key(1)) + "/manifest.json"));
  EXPECT_EQ(cache.disk_bytes(), 30u);
}

TEST_F(WorkerCacheTest, RestartedWorkerRecoversItsWarmSlicesAndIgnoresATornOne) {
  {
    WorkerCache before(Root(), Limits(1000, 1000));
    Load(&before, Key(0), {"zero", "one"}, 1);
    Load(&before, Key(1), {"hot when it died"}, 2);
    Load(&before, Key(2), {"torn by the crash"}, 3);
    std::vector<std::string_view> regions;
    ASSERT_TRUE(before.Acquire(Key(1), 4, &regions).ok());
    // A slice whose load was cut off: regions, no manifest.
    RegionInfo info;
    ASSERT_TRUE(before.layout().WriteRegion(Key(3), 0, "half", &info).ok());
  }
  fs::resize_file(Dir(Key(2)) + "/region-0.brgn", 4);

  WorkerCache after(Root(), Limits(1000, 1000));
  std::vector<std::string> ignored;
  ASSERT_TRUE(after.Recover(&ignored).ok());
  EXPECT_EQ(after.StateOf(Key(0)), S::kWarm);
  EXPECT_EQ(after.StateOf(Key(1)), S::kWarm) << "what was hot comes back warm: mapped again at its next scan";
  EXPECT_EQ(after.StateOf(Key(2)), S::kCold);
  EXPECT_EQ(after.StateOf(Key(3)), S::kCold);
  ASSERT_EQ(ignored.size(), 2u);
  EXPECT_NE(ignored[0].find("slice-2: region-0.brgn: 4 bytes where the manifest says 17 (torn)"), std::string::npos)
      << ignored[0];
  EXPECT_NE(ignored[1].find("slice-3: no manifest"), std::string::npos) << ignored[1];
  std::vector<std::string_view> regions;
  ASSERT_TRUE(after.Acquire(Key(0), 5, &regions).ok());
  EXPECT_EQ(regions, (std::vector<std::string_view>{"zero", "one"}));
  Load(&after, Key(2), {"loaded anew"}, 6);
  EXPECT_EQ(after.StateOf(Key(2)), S::kWarm);
}

TEST_F(WorkerCacheTest, RegionTornUnderAWarmSliceFailsItAtTheScanSayingWhy) {
  WorkerCache cache(Root(), Limits(1000, 1000));
  Load(&cache, Key(0), {"twelve bytes"}, 1);
  fs::resize_file(Dir(Key(0)) + "/region-0.brgn", 5);
  std::vector<std::string_view> regions;
  Status st = cache.Acquire(Key(0), 2, &regions);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_NE(st.message().find("5 bytes where its manifest says 12 (torn)"), std::string::npos) << st.message();
  EXPECT_EQ(cache.StateOf(Key(0)), S::kFailed);
  EXPECT_NE(cache.FailureOf(Key(0)).find("(torn)"), std::string::npos);
  EXPECT_TRUE(regions.empty());
}

TEST_F(WorkerCacheTest, DropForgetsAFailedSliceAndItsFilesSoItMayLoadAgain) {
  WorkerCache cache(Root(), Limits(1000, 1000));
  RegionInfo info;
  ASSERT_TRUE(cache.layout().WriteRegion(Key(0), 0, "half", &info).ok());
  ASSERT_TRUE(cache.FailLoad(Key(0), "locus 1 at tcp://127.0.0.1:1: gone", 1).ok());
  ASSERT_TRUE(cache.Drop(Key(0)).ok());
  EXPECT_EQ(cache.StateOf(Key(0)), S::kCold);
  EXPECT_FALSE(fs::exists(Dir(Key(0))));
  EXPECT_TRUE(cache.Slices().empty());
  Load(&cache, Key(0), {"whole"}, 2);
  EXPECT_EQ(cache.StateOf(Key(0)), S::kWarm);
  EXPECT_TRUE(cache.Drop(Key(1)).IsNotFound());
}

TEST_F(WorkerCacheTest, ContentsListEachSliceWithItsRegions) {
  WorkerCache cache(Root(), Limits(1000, 1000));
  Load(&cache, Key(1), {"abc", "de"}, 5);
  const std::vector<CachedSlice> held = cache.Contents();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].key, Key(1));
  EXPECT_EQ(held[0].life.state(), S::kWarm);
  EXPECT_EQ(held[0].regions, (std::vector<RegionInfo>{{0, "region-0.brgn", 3}, {1, "region-1.brgn", 2}}));
  EXPECT_EQ(held[0].last_used_ms, 5);
}

TEST_F(WorkerCacheTest, RecoveredSlicesCountAsUsedAtTheRestartSoTheirTtlRunsFromIt) {
  {
    WorkerCache before(Root(), Limits(1000, 1000, /*ttl_ms=*/100));
    Load(&before, Key(0), {"zero"}, 1);
  }
  WorkerCache after(Root(), Limits(1000, 1000, /*ttl_ms=*/100));
  std::vector<std::string> ignored;
  ASSERT_TRUE(after.Recover(&ignored, 5000).ok());
  EXPECT_EQ(after.Slices()[0].last_used_ms, 5000);
  EXPECT_TRUE(after.Evict(5050).empty());
  EXPECT_EQ(after.Evict(5100).size(), 1u);
}

}  // namespace
}  // namespace datablox::worker
