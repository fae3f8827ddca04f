// The supervisor's deal: spread at first, sticky while members live, the
// loci of a member gone re-dealt to the fewest-loaded.
#include "cell/supervisor/locus_deal.h"

#include <gtest/gtest.h>

namespace datablox::supervisor {
namespace {

TEST(LocusDealTest, AFirstDealSpreadsTheLociOverTheMembers) {
  LocusDeal deal;
  Deal out;
  ASSERT_TRUE(deal.Deal("events", 4, {0, 1}, &out).ok());
  EXPECT_EQ(out, (Deal{{0, {0, 2}}, {1, {1, 3}}}));
  EXPECT_EQ(deal.Text("events"), "0=0 1=1 2=0 3=1");
}

TEST(LocusDealTest, ALocusStaysWithItsMemberWhileItLivesEvenWhenAMemberJoins) {
  LocusDeal deal;
  Deal out;
  ASSERT_TRUE(deal.Deal("events", 2, {0, 1}, &out).ok());
  ASSERT_TRUE(deal.Deal("events", 2, {0, 1, 2}, &out).ok());
  EXPECT_EQ(out, (Deal{{0, {0}}, {1, {1}}}));
  EXPECT_EQ(deal.redealt(), 0u);
}

TEST(LocusDealTest, TheLociOfAMemberGoneGoToTheFewestLoaded) {
  LocusDeal deal;
  Deal out;
  ASSERT_TRUE(deal.Deal("events", 6, {0, 1, 2}, &out).ok());  // 0: {0,3} 1: {1,4} 2: {2,5}
  ASSERT_TRUE(deal.Deal("events", 6, {0, 2, 7}, &out).ok());
  // Member 1's loci 1 and 4 go to 7, which holds fewer than 0 and 2 (two each) until it holds two too.
  EXPECT_EQ(out, (Deal{{0, {0, 3}}, {2, {2, 5}}, {7, {1, 4}}}));
  EXPECT_EQ(deal.redealt(), 2u);
  // Member 1 back: the loci stay where they went.
  ASSERT_TRUE(deal.Deal("events", 6, {0, 1, 2, 7}, &out).ok());
  EXPECT_EQ(out, (Deal{{0, {0, 3}}, {2, {2, 5}}, {7, {1, 4}}}));
  // Two gone at once: 2's loci to 0 and 7 in turn (the lowest id first on a tie).
  ASSERT_TRUE(deal.Deal("events", 6, {0, 7}, &out).ok());
  EXPECT_EQ(out, (Deal{{0, {0, 2, 3}}, {7, {1, 4, 5}}}));
}

TEST(LocusDealTest, MoreLociAreDealtToTheFewestLoadedAndFewerAreForgotten) {
  LocusDeal deal;
  Deal out;
  ASSERT_TRUE(deal.Deal("events", 3, {0, 1}, &out).ok());  // 0: {0,2} 1: {1}
  ASSERT_TRUE(deal.Deal("events", 4, {0, 1}, &out).ok());
  EXPECT_EQ(out, (Deal{{0, {0, 2}}, {1, {1, 3}}}));
  ASSERT_TRUE(deal.Deal("events", 1, {0, 1}, &out).ok());
  EXPECT_EQ(out, (Deal{{0, {0}}}));
}

TEST(LocusDealTest, ViewsAreDealtApart) {
  LocusDeal deal;
  Deal out;
  ASSERT_TRUE(deal.Deal("a", 1, {0, 1}, &out).ok());
  ASSERT_TRUE(deal.Deal("b", 1, {0, 1}, &out).ok());
  EXPECT_EQ(out, (Deal{{0, {0}}}));  // b's own deal starts afresh
}

TEST(LocusDealTest, NoMemberIsUnavailableAndNoLocusIsAnEmptyDeal) {
  LocusDeal deal;
  Deal out{{3, {0}}};
  Status st = deal.Deal("events", 2, {}, &out);
  EXPECT_EQ(st.code(), Status::Code::kUnavailable);
  ASSERT_TRUE(deal.Deal("events", 0, {}, &out).ok());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace datablox::supervisor
