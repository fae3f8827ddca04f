#include "cell/worker/region_dealer.h"

#include <gtest/gtest.h>

#include "cell/brio/region.h"

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

TEST(RegionDealerTest, ADiscardedLocusIsDealtOnlyFromItsRetry) {
  RegionDealer dealer(2);
  dealer.Add(1, "l1-a....");
  dealer.Add(0, "l0-a....");
  dealer.Add(1, "l1-b....");
  dealer.Discard(1);  // its worker failed mid-stream: pulled again from a replica
  EXPECT_EQ(dealer.blob_count(), 1u);
  dealer.Add(1, "l1-a'...");
  dealer.Add(1, "l1-b'...");
  dealer.Add(1, "l1-c'...");
  EXPECT_EQ(dealer.blob_count(), 4u);
  const std::vector<RegionDealer::Region> regions = dealer.Finish();
  ASSERT_EQ(regions.size(), 2u);  // locus 0 first, then locus 1, in turn over the cores
  EXPECT_EQ(Blobs(regions[0].bytes), (std::vector<std::string>{"l0-a....", "l1-b'..."}));
  EXPECT_EQ(Blobs(regions[1].bytes), (std::vector<std::string>{"l1-a'...", "l1-c'..."}));
  EXPECT_EQ(dealer.blob_count(), 0u);
}

}  // namespace
}  // namespace datablox::worker
