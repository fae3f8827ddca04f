#include "cell/worker/disk_layout.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cell/samplestore/test_dir.h"
#include "cell/worker/mapped_region.h"

namespace datablox::worker {
namespace {

namespace fs = std::filesystem;

class DiskLayoutTest : public ::testing::Test {
 protected:
  SliceKey Key(int worker = 0, int64_t generation = 3) { return {{"unity", "events", generation}, worker}; }
  // A complete slice: its regions, then its manifest.
  void WriteSlice(const SliceKey& key, const std::vector<std::string>& regions, const std::vector<int>& loci = {}) {
    std::vector<RegionInfo> written;
    for (size_t core = 0; core < regions.size(); ++core) {
      RegionInfo info;
      ASSERT_TRUE(layout_.WriteRegion(key, static_cast<int>(core), regions[core], &info).ok());
      written.push_back(info);
    }
    ASSERT_TRUE(layout_.WriteManifest(key, written, loci).ok());
  }
  std::string Dir(const SliceKey& key) {
    std::string dir;
    EXPECT_TRUE(layout_.SliceDir(key, &dir).ok());
    return dir;
  }
  RescanResult Rescan(int worker = kAnyWorker) {
    RescanResult result;
    EXPECT_TRUE(DiskLayout(dir_.path() + "/cache").Rescan(&result, worker).ok());  // as a restarted worker would
    return result;
  }
  samplestore::TestDir dir_;
  DiskLayout layout_{dir_.path() + "/cache"};
};

TEST_F(DiskLayoutTest, SliceIsFoldersOfDomainViewGenerationWorker) {
  EXPECT_EQ(Dir(Key(2, 7)), dir_.path() + "/cache/unity/events/7/slice-2");
  std::string dir;
  EXPECT_EQ(layout_.SliceDir({{"unity", "../etc", 1}, 0}, &dir).code(), Status::Code::kInvalid);
  EXPECT_EQ(layout_.SliceDir({{"", "events", 1}, 0}, &dir).code(), Status::Code::kInvalid);
}

TEST_F(DiskLayoutTest, RestartedWorkerFindsItsCompleteSlicesWarm) {
  WriteSlice(Key(0), {"first region", "second, longer region"});
  WriteSlice(Key(1, 4), {"other"});
  RescanResult found = Rescan();
  EXPECT_TRUE(found.ignored.empty());
  ASSERT_EQ(found.warm.size(), 2u);
  EXPECT_EQ(found.warm[0].key, Key(0));
  EXPECT_EQ(found.warm[0].life.state(), SliceState::kWarm);
  EXPECT_EQ(found.warm[0].regions, (std::vector<RegionInfo>{{0, "region-0.brgn", 12}, {1, "region-1.brgn", 21}}));
  EXPECT_EQ(found.warm[0].bytes(), 33u);
  EXPECT_EQ(found.warm[1].key, Key(1, 4));
}

TEST_F(DiskLayoutTest, ASliceKnowsTheLociItHoldsAcrossARestart) {
  WriteSlice(Key(0), {"a"}, {2, 0, 5});
  WriteSlice(Key(1), {"b"});
  RescanResult found = Rescan();
  ASSERT_EQ(found.warm.size(), 2u);
  EXPECT_EQ(found.warm[0].loci, (std::vector<int>{2, 0, 5}));
  EXPECT_TRUE(found.warm[1].loci.empty());
}

TEST_F(DiskLayoutTest, AManifestOfTheFormatBeforeLociIsIgnoredAndRemoved) {
  WriteSlice(Key(0), {"a"});
  dir_.Write("cache/unity/events/3/slice-0/manifest.json",
             R"({"format": 1, "domain": "unity", "view": "events", "generation": 3, "worker": 0,)"
             R"( "regions": [{"core": 0, "bytes": 1}]})");
  RescanResult found = Rescan();
  EXPECT_TRUE(found.warm.empty());
  ASSERT_EQ(found.ignored.size(), 1u);
  EXPECT_EQ(found.ignored[0], Dir(Key(0)) + ": manifest: not format 2");
  WriteSlice(Key(0), {"a"});
  dir_.Write("cache/unity/events/3/slice-0/manifest.json",
             R"({"format": 2, "domain": "unity", "view": "events", "generation": 3, "worker": 0,)"
             R"( "regions": [{"core": 0, "bytes": 1}], "loci": ["x"]})");
  found = Rescan();
  ASSERT_EQ(found.ignored.size(), 1u);
  EXPECT_EQ(found.ignored[0], Dir(Key(0)) + ": manifest: a locus that is no number");
}

TEST_F(DiskLayoutTest, AWorkerRescansOnlyItsOwnSlicesBesideAnotherMembersHalfWrittenOne) {
  WriteSlice(Key(0), {"mine"});
  RegionInfo info;
  ASSERT_TRUE(layout_.WriteRegion(Key(1), 0, "the other member is writing this", &info).ok());
  RescanResult found = Rescan(0);
  ASSERT_EQ(found.warm.size(), 1u);
  EXPECT_EQ(found.warm[0].key, Key(0));
  EXPECT_TRUE(found.ignored.empty());
  EXPECT_TRUE(fs::exists(Dir(Key(1)) + "/region-0.brgn")) << "another member's slice is left alone";
}

TEST_F(DiskLayoutTest, ARegionWrittenAsItComesIsCompleteOnlyOnceCommitted) {
  std::string path;
  ASSERT_TRUE(layout_.PartialRegionPath(Key(), 1, &path).ok());
  EXPECT_EQ(path, Dir(Key()) + "/region-1.brgn.partial");
  dir_.Write("cache/unity/events/3/slice-0/region-1.brgn.partial", "streamed blobs");
  EXPECT_FALSE(fs::exists(Dir(Key()) + "/region-1.brgn"));
  RegionInfo info;
  ASSERT_TRUE(layout_.CommitRegion(Key(), 1, &info).ok());
  EXPECT_EQ(info, (RegionInfo{1, "region-1.brgn", 14}));
  EXPECT_FALSE(fs::exists(path));
  ASSERT_TRUE(layout_.WriteManifest(Key(), {info}, {0}).ok());
  RescanResult found = Rescan();
  ASSERT_EQ(found.warm.size(), 1u);
  EXPECT_EQ(found.warm[0].regions, (std::vector<RegionInfo>{info}));
  EXPECT_EQ(layout_.CommitRegion(Key(), 2, &info).code(), Status::Code::kIOError) << "nothing written for core 2";
}

TEST_F(DiskLayoutTest, FoundRegionMapsReadOnlyWithItsBytes) {
  WriteSlice(Key(), {"the blobs of core zero"});
  RescanResult found = Rescan();
  ASSERT_EQ(found.warm.size(), 1u);
  const RegionInfo& region = found.warm[0].regions[0];
  std::unique_ptr<MappedRegion> mapped;
  ASSERT_TRUE(MappedRegion::Map(Dir(Key()) + "/" + region.file, region.bytes, &mapped).ok());
  EXPECT_EQ(mapped->bytes(), "the blobs of core zero");
}

TEST_F(DiskLayoutTest, SliceWithoutItsManifestIsIgnoredAndRemoved) {
  RegionInfo info;
  ASSERT_TRUE(layout_.WriteRegion(Key(), 0, "written before a crash", &info).ok());
  RescanResult found = Rescan();
  EXPECT_TRUE(found.warm.empty());
  ASSERT_EQ(found.ignored.size(), 1u);
  EXPECT_EQ(found.ignored[0], Dir(Key()) + ": no manifest (a slice written only in part)");
  EXPECT_FALSE(fs::exists(Dir(Key())));
}

TEST_F(DiskLayoutTest, TornRegionIsIgnoredAndItsSliceRemoved) {
  WriteSlice(Key(0), {"complete region", "this one will be torn"});
  WriteSlice(Key(1), {"a good slice beside it"});
  fs::resize_file(Dir(Key(0)) + "/region-1.brgn", 7);
  RescanResult found = Rescan();
  ASSERT_EQ(found.warm.size(), 1u);
  EXPECT_EQ(found.warm[0].key, Key(1));
  ASSERT_EQ(found.ignored.size(), 1u);
  EXPECT_EQ(found.ignored[0], Dir(Key(0)) + ": region-1.brgn: 7 bytes where the manifest says 21 (torn)");
  EXPECT_FALSE(fs::exists(Dir(Key(0))));
  // A torn file is refused by the mapping too, never scanned.
  WriteSlice(Key(2), {"twelve bytes"});
  fs::resize_file(Dir(Key(2)) + "/region-0.brgn", 3);
  std::unique_ptr<MappedRegion> mapped;
  EXPECT_EQ(MappedRegion::Map(Dir(Key(2)) + "/region-0.brgn", 12, &mapped).code(), Status::Code::kInvalid);
}

TEST_F(DiskLayoutTest, PartialLeftoversAreRemovedAndTheCompleteSliceKept) {
  WriteSlice(Key(), {"complete"});
  dir_.Write("cache/unity/events/3/slice-0/region-1.brgn.partial", "half");
  RescanResult found = Rescan();
  ASSERT_EQ(found.warm.size(), 1u);
  ASSERT_EQ(found.ignored.size(), 1u);
  EXPECT_EQ(found.ignored[0], Dir(Key()) + "/region-1.brgn.partial: written only in part");
  EXPECT_FALSE(fs::exists(Dir(Key()) + "/region-1.brgn.partial"));
}

TEST_F(DiskLayoutTest, ManifestThatDoesNotParseOrNamesAnotherSliceIsIgnored) {
  WriteSlice(Key(0), {"a"});
  dir_.Write("cache/unity/events/3/slice-0/manifest.json", "{\"format\": 1, \"regions\": [");
  WriteSlice(Key(1), {"b"});
  fs::rename(Dir(Key(1)), dir_.path() + "/cache/unity/events/3/slice-5");
  RescanResult found = Rescan();
  EXPECT_TRUE(found.warm.empty());
  ASSERT_EQ(found.ignored.size(), 2u);
  EXPECT_NE(found.ignored[0].find("slice-0: manifest: "), std::string::npos) << found.ignored[0];
  EXPECT_NE(found.ignored[1].find("slice-5: manifest: names another slice than its folder"), std::string::npos)
      << found.ignored[1];
}

TEST_F(DiskLayoutTest, DroppedSliceIsGoneAndAMissingRootIsEmpty) {
  EXPECT_TRUE(Rescan().warm.empty());
  WriteSlice(Key(), {"x"});
  ASSERT_TRUE(layout_.RemoveSlice(Key()).ok());
  EXPECT_FALSE(fs::exists(Dir(Key())));
  EXPECT_TRUE(Rescan().warm.empty());
}

TEST(MappedRegion, EmptyRegionMapsToNoBytesAndAMissingFileIsAnIOError) {
  samplestore::TestDir dir;
  std::unique_ptr<MappedRegion> mapped;
  ASSERT_TRUE(MappedRegion::Map(dir.Write("empty.brgn", ""), 0, &mapped).ok());
  EXPECT_TRUE(mapped->bytes().empty());
  EXPECT_EQ(MappedRegion::Map(dir.path() + "/none.brgn", 0, &mapped).code(), Status::Code::kIOError);
}

}  // namespace
}  // namespace datablox::worker
