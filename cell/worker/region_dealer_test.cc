#include "cell/worker/region_dealer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cell/brio/region.h"
#include "cell/samplestore/test_dir.h"

namespace datablox::worker {
namespace {

class RegionDealerTest : public ::testing::Test {
 protected:
  RegionDealer Dealer(int cores) {
    return RegionDealer(cores, [this](int core, std::string* path) {
      *path = dir_.path() + "/region-" + std::to_string(core) + ".partial";
      return Status::OK();
    });
  }
  // The first 8 bytes of each blob of a region file (a blob runs to the next one's aligned start).
  static std::vector<std::string> Blobs(const RegionDealer::Region& region) {
    std::ifstream in(region.path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const std::string text = bytes.str();
    EXPECT_EQ(text.size(), region.bytes);
    brio::RegionView view;
    EXPECT_TRUE(brio::RegionView::Open(text, &view).ok());
    std::vector<std::string> blobs;
    for (uint64_t i = 0; i < view.blob_count(); ++i) blobs.emplace_back(view.BlobBytes(i).substr(0, 8));
    return blobs;
  }
  samplestore::TestDir dir_;
};

TEST_F(RegionDealerTest, BlobsAreDealtInTurnToOneRegionFilePerCore) {
  RegionDealer dealer = Dealer(2);
  for (const char* blob : {"blob-0..", "blob-1..", "blob-2..", "blob-3..", "blob-4.."}) dealer.Add(0, blob);
  EXPECT_EQ(dealer.blob_count(), 5u);
  std::vector<RegionDealer::Region> regions;
  ASSERT_TRUE(dealer.Finish(&regions).ok());
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0].core, 0);
  EXPECT_EQ(Blobs(regions[0]), (std::vector<std::string>{"blob-0..", "blob-2..", "blob-4.."}));
  EXPECT_EQ(regions[1].core, 1);
  EXPECT_EQ(Blobs(regions[1]), (std::vector<std::string>{"blob-1..", "blob-3.."}));
}

TEST_F(RegionDealerTest, ACoreWithNoBlobGetsNoRegionNorFile) {
  RegionDealer dealer = Dealer(4);
  dealer.Add(0, "only-one");
  std::vector<RegionDealer::Region> regions;
  ASSERT_TRUE(dealer.Finish(&regions).ok());
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].core, 0);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/region-1.partial"));
  RegionDealer none = Dealer(3);
  ASSERT_TRUE(none.Finish(&regions).ok());
  EXPECT_TRUE(regions.empty());
}

TEST_F(RegionDealerTest, ADiscardedLocusKeepsOnlyItsRetrysBlobs) {
  RegionDealer dealer = Dealer(2);
  dealer.Add(1, "l1-a....");  // core 0
  dealer.Add(0, "l0-a....");  // core 1
  dealer.Add(1, "l1-b....");  // core 0
  dealer.Discard(1);          // its worker failed mid-stream: pulled again from a replica
  EXPECT_EQ(dealer.blob_count(), 1u);
  dealer.Add(1, "l1-a'...");  // core 1
  dealer.Add(1, "l1-b'...");  // core 0
  dealer.Add(1, "l1-c'...");  // core 1
  EXPECT_EQ(dealer.blob_count(), 4u);
  std::vector<RegionDealer::Region> regions;
  ASSERT_TRUE(dealer.Finish(&regions).ok());
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(Blobs(regions[0]), (std::vector<std::string>{"l1-b'..."}));
  EXPECT_EQ(Blobs(regions[1]), (std::vector<std::string>{"l0-a....", "l1-a'...", "l1-c'..."}));
}

TEST_F(RegionDealerTest, AFileThatCannotBeWrittenIsTheError) {
  RegionDealer dealer(1, [](int, std::string* path) {
    *path = "/nonexistent-folder/region-0.partial";
    return Status::OK();
  });
  dealer.Add(0, "blob-0..");
  std::vector<RegionDealer::Region> regions;
  EXPECT_EQ(dealer.Finish(&regions).code(), Status::Code::kIOError);
  EXPECT_TRUE(regions.empty());
}

}  // namespace
}  // namespace datablox::worker
