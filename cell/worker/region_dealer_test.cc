#include "cell/worker/region_dealer.h"

#include <gtest/gtest.h>

namespace datablox::worker {
namespace {

std::vector<std::string> Blobs(const std::string& region) {
  brio::RegionView view;
  EXPECT_TRUE(brio::RegionView::Open(region, &view).ok());
  std::vector<std::string> blobs;
  for (uint64_t i = 0; i < view.blob_count(); ++i) {
    std::string_view blob = view.BlobBytes(i);
    blobs.emplace_back(blob.substr(0, 8));  // a blob runs to the next one's (aligned) start
  }
  return blobs;
}

TEST(RegionDealerTest, BlobsAreDealtInTurnToOneRegionPerCore) {
  RegionDealer dealer(2);
  for (const char* blob : {"blob-0..", "blob-1..", "blob-2..", "blob-3..", "blob-4.."}) dealer.Add(blob);
  EXPECT_EQ(dealer.blob_count(), 5u);
  const std::vector<RegionDealer::Region> regions = dealer.Finish();
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0].core, 0);
  EXPECT_EQ(Blobs(regions[0].bytes), (std::vector<std::string>{"blob-0..", "blob-2..", "blob-4.."}));
  EXPECT_EQ(regions[1].core, 1);
  EXPECT_EQ(Blobs(regions[1].bytes), (std::vector<std::string>{"blob-1..", "blob-3.."}));
}

TEST(RegionDealerTest, ACoreWithNoBlobGetsNoRegion) {
  RegionDealer dealer(4);
  dealer.Add("only-one");
  const std::vector<RegionDealer::Region> regions = dealer.Finish();
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].core, 0);
  EXPECT_TRUE(RegionDealer(3).Finish().empty());
}

}  // namespace
}  // namespace datablox::worker
