#include "cell/worker/cache_listing.h"

#include <gtest/gtest.h>

#include "cell/samplestore/test_dir.h"
#include "cell/worker/cache_test_util.h"

namespace datablox::worker {
namespace {

TEST(CacheListingTest, ListsGenerationsThenSlicesThenRegionsWithStates) {
  samplestore::TestDir dir;
  WorkerCache cache(dir.path() + "/cache", Limits(1000, 1000));
  RegionInfo info;
  ASSERT_TRUE(cache.layout().WriteRegion(Key(0), 0, "abcd", &info).ok());
  ASSERT_TRUE(cache.CompleteLoad(Key(0), {info}, 7).ok());
  ASSERT_TRUE(cache.FailLoad(Key(1), "locus 1 at tcp://127.0.0.1:9: Timeout", 8).ok());
  ASSERT_TRUE(cache.CompleteLoad(Key(0, 2), {}, 9).ok());
  std::vector<std::string_view> regions;
  ASSERT_TRUE(cache.Acquire(Key(0), 10, &regions).ok());

  const nlohmann::json expected = nlohmann::json::parse(R"({
    "memory_bytes": 4, "disk_bytes": 4,
    "generations": [
      {"domain": "unity", "view": "events", "generation": "0000000000000001", "slices": [
        {"worker": 0, "state": "hot", "bytes": 4, "last_used_ms": 10,
         "regions": [{"core": 0, "file": "region-0.brgn", "bytes": 4}]},
        {"worker": 1, "state": "failed", "bytes": 0, "last_used_ms": 8, "regions": [],
         "failure": "locus 1 at tcp://127.0.0.1:9: Timeout"}]},
      {"domain": "unity", "view": "events", "generation": "0000000000000002", "slices": [
        {"worker": 0, "state": "no_data", "bytes": 0, "last_used_ms": 9, "regions": []}]}]})");
  EXPECT_EQ(CacheListing(cache), expected) << CacheListing(cache).dump(2);
}

TEST(CacheListingTest, StateCountsNameEveryStateAndCountLoadsAsCold) {
  std::vector<SliceUse> slices = {{Key(0), SliceState::kHot, 1, 0},
                                  {Key(1), SliceState::kHot, 1, 0},
                                  {Key(2), SliceState::kWarm, 1, 0},
                                  {Key(3), SliceState::kFailed, 0, 0}};
  EXPECT_EQ(StateCounts(slices, 1), "cold=1 warm=1 hot=2 no_data=0 failed=1");
  EXPECT_EQ(StateCounts({}, 0), "cold=0 warm=0 hot=0 no_data=0 failed=0");
}

}  // namespace
}  // namespace datablox::worker
