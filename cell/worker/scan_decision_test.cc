#include "cell/worker/scan_decision.h"

#include <gtest/gtest.h>

namespace datablox::worker {
namespace {

using S = SliceState;

std::string_view Next(S state, bool loading, bool same_loci, bool in_use) {
  return ScanStepName(NextScanStep({state, loading, same_loci, in_use}));
}

TEST(ScanDecisionTest, AHeldSliceOfTheSameDealIsScannedAsItIs) {
  EXPECT_EQ(Next(S::kHot, false, true, false), "scan");
  EXPECT_EQ(Next(S::kWarm, false, true, false), "scan");
  EXPECT_EQ(Next(S::kHot, false, true, true), "scan") << "scans of one slice run side by side";
  EXPECT_EQ(Next(S::kNoData, false, true, false), "answer_empty");
}

TEST(ScanDecisionTest, AnotherDealReloadsTheSliceOnceNoScanReadsIt) {
  EXPECT_EQ(Next(S::kHot, false, false, false), "reload");
  EXPECT_EQ(Next(S::kWarm, false, false, false), "reload");
  EXPECT_EQ(Next(S::kNoData, false, false, false), "reload");
  EXPECT_EQ(Next(S::kHot, false, false, true), "wait");
}

TEST(ScanDecisionTest, AScanWaitsForALoadInProgressAndStartsOneWhenNothingIsHeld) {
  for (S state : {S::kCold, S::kWarm, S::kHot, S::kNoData, S::kFailed}) {
    EXPECT_EQ(Next(state, true, false, false), "wait") << StateName(state);
    EXPECT_EQ(Next(state, true, true, false), "wait") << StateName(state);
  }
  EXPECT_EQ(Next(S::kCold, false, false, false), "load");
  EXPECT_EQ(Next(S::kFailed, false, true, false), "load");
}

}  // namespace
}  // namespace datablox::worker
