#include "runtime/host/barrier_aligner.h"

#include <gtest/gtest.h>

namespace datablox::host {
namespace {

using Arrival = BarrierAligner::Arrival;

TEST(BarrierAlignerTest, HoldsEachLinkUntilEveryOpenLinkDeliveredTheBarrier) {
  BarrierAligner aligner;
  const std::vector<std::string> open = {"a.out>j.in", "b.out>j.in"};
  EXPECT_EQ(aligner.Aligned(open), 0u);
  EXPECT_EQ(aligner.OnBarrier("a.out>j.in", 1), Arrival::kHeld);
  EXPECT_TRUE(aligner.Held("a.out>j.in"));
  EXPECT_FALSE(aligner.Held("b.out>j.in"));
  EXPECT_EQ(aligner.Aligned(open), 0u);
  EXPECT_EQ(aligner.OnBarrier("a.out>j.in", 1), Arrival::kRepeat);
  EXPECT_EQ(aligner.OnBarrier("b.out>j.in", 1), Arrival::kHeld);
  EXPECT_EQ(aligner.Aligned(open), 1u);
  aligner.Done(1);
  EXPECT_FALSE(aligner.Held("a.out>j.in"));
  EXPECT_EQ(aligner.Aligned(open), 0u);
  EXPECT_EQ(aligner.OnBarrier("b.out>j.in", 1), Arrival::kOld);  // a late repeat
}

TEST(BarrierAlignerTest, AnEndedLinkCountsAsDelivered) {
  BarrierAligner aligner;
  EXPECT_EQ(aligner.OnBarrier("a", 3), Arrival::kHeld);
  EXPECT_EQ(aligner.Aligned({"a", "b"}), 0u);
  EXPECT_EQ(aligner.Aligned({"a"}), 3u);  // b ended
}

TEST(BarrierAlignerTest, ASingleLinkAlignsAtOnce) {
  BarrierAligner aligner;
  EXPECT_EQ(aligner.OnBarrier("a", 1), Arrival::kHeld);
  EXPECT_EQ(aligner.Aligned({"a"}), 1u);
}

TEST(BarrierAlignerTest, ANewerBarrierAbandonsTheCheckpointBeingAligned) {
  BarrierAligner aligner;
  EXPECT_EQ(aligner.OnBarrier("a", 4), Arrival::kHeld);
  EXPECT_EQ(aligner.OnBarrier("b", 5), Arrival::kAbandoned);
  EXPECT_EQ(aligner.aligning(), 5u);
  EXPECT_FALSE(aligner.Held("a"));
  EXPECT_TRUE(aligner.Held("b"));
  EXPECT_EQ(aligner.OnBarrier("a", 4), Arrival::kOld);  // its held frames, handled again
  EXPECT_EQ(aligner.OnBarrier("a", 5), Arrival::kHeld);
  EXPECT_EQ(aligner.Aligned({"a", "b"}), 5u);
}

TEST(BarrierAlignerTest, TheMasterGivingUpReleasesTheHeldLinks) {
  BarrierAligner aligner;
  EXPECT_EQ(aligner.OnBarrier("a", 2), Arrival::kHeld);
  aligner.Done(2);  // aborted
  EXPECT_FALSE(aligner.Held("a"));
  EXPECT_EQ(aligner.last_done(), 2u);
  EXPECT_EQ(aligner.OnBarrier("b", 2), Arrival::kOld);
  aligner.Done(7);  // an abort of one never seen here
  EXPECT_EQ(aligner.OnBarrier("a", 6), Arrival::kOld);
  EXPECT_EQ(aligner.OnBarrier("a", 8), Arrival::kHeld);
}

}  // namespace
}  // namespace datablox::host
