#include "shards/autoscaler.h"

#include <gtest/gtest.h>

namespace datablox::shards {

namespace {

using Kind = ScaleDecision::Kind;

// A shard of members {0, 1} (1..4 members) fed by a fake clock: each
// period every member reports the same load.
class AutoscalerTest : public ::testing::Test {
 protected:
  AutoscalerTest() : scaler_("users", 1, 4) {}

  ScaleDecision Period(double now, double busy, double queue = 0, double blocked = 0, bool migrating = false) {
    for (int member : members_) scaler_.Observe({now, member, busy, queue, 100, blocked});
    return scaler_.Decide(now, members_, migrating);
  }
  // One period a second from `from` to `to` (inclusive); the first decision that is not none, if any.
  ScaleDecision Run(double from, double to, double busy, double queue = 0, double blocked = 0) {
    for (double now = from; now <= to; now += 1) {
      ScaleDecision decision = Period(now, busy, queue, blocked);
      if (decision.kind != Kind::kNone) return decision;
    }
    return {};
  }

  Autoscaler scaler_;
  std::vector<int> members_{0, 1};
};

}  // namespace

TEST_F(AutoscalerTest, OneOverloadedPeriodDecidesNothing) {
  EXPECT_EQ(Period(0, 0.95).kind, Kind::kNone);
  EXPECT_EQ(Period(1, 0.5).kind, Kind::kNone);
}

TEST_F(AutoscalerTest, OverloadSustainedForTheWindowGrowsWithItsFigures) {
  EXPECT_EQ(Period(0, 0.8).kind, Kind::kNone);
  EXPECT_EQ(Period(1, 0.8).kind, Kind::kNone);
  EXPECT_EQ(Period(2, 0.8).kind, Kind::kNone);
  ScaleDecision decision = Period(3, 0.8);
  EXPECT_EQ(decision.kind, Kind::kGrow);
  EXPECT_EQ(decision.members, 3);
  EXPECT_DOUBLE_EQ(decision.busy_share, 0.8);
  EXPECT_DOUBLE_EQ(decision.sustained_s, 3);
  EXPECT_EQ(decision.description, "grow users from 2 to 3 members: overloaded for 3.0 s (busy 0.80 >= 0.75)");
}

TEST_F(AutoscalerTest, TheBusyShareIsTheMembersMean) {
  for (double now = 0; now <= 5; now += 1) {
    scaler_.Observe({now, 0, 1.0, 0, 100, 0});
    scaler_.Observe({now, 1, 0.4, 0, 100, 0});  // mean 0.7: not overloaded
    EXPECT_EQ(scaler_.Decide(now, members_, false).kind, Kind::kNone) << now;
  }
}

TEST_F(AutoscalerTest, AQueueNearItsWindowGrows) {
  ScaleDecision decision = Run(0, 10, 0.3, 95);
  EXPECT_EQ(decision.kind, Kind::kGrow);
  EXPECT_DOUBLE_EQ(decision.queue_share, 0.95);
  EXPECT_EQ(decision.description,
            "grow users from 2 to 3 members: overloaded for 3.0 s (queue 0.95 of its window >= 0.90)");
}

TEST_F(AutoscalerTest, BlockedSendersGrow) {
  ScaleDecision decision = Run(0, 10, 0.5, 0, 0.4);
  EXPECT_EQ(decision.kind, Kind::kGrow);
  EXPECT_EQ(decision.description,
            "grow users from 2 to 3 members: overloaded for 3.0 s (senders blocked 0.40 >= 0.30)");
}

TEST_F(AutoscalerTest, FlappingLoadNeitherGrowsNorShrinks) {
  for (int second = 0; second < 60; ++second) {
    const bool high = (second / 2) % 2 == 0;  // two seconds overloaded, two idle
    EXPECT_EQ(Period(second, high ? 0.9 : 0.05).kind, Kind::kNone) << second;
  }
}

TEST_F(AutoscalerTest, IdleSustainedForTheLongerWindowShrinks) {
  for (int second = 0; second < 10; ++second) EXPECT_EQ(Period(second, 0.1).kind, Kind::kNone) << second;
  ScaleDecision decision = Period(10, 0.1);
  EXPECT_EQ(decision.kind, Kind::kShrink);
  EXPECT_EQ(decision.members, 1);
  EXPECT_EQ(decision.description,
            "shrink users from 2 to 1 member: idle for 10.0 s (busy 0.10 <= 0.20, senders blocked 0.00)");
}

TEST_F(AutoscalerTest, IdleButBlockedIsNoShrink) { EXPECT_EQ(Run(0, 30, 0.1, 0, 0.1).kind, Kind::kNone); }

TEST_F(AutoscalerTest, NoDecisionInTheCooldownAfterAChange) {
  ASSERT_EQ(Run(0, 3, 0.9).kind, Kind::kGrow);
  members_ = {0, 1, 2};
  EXPECT_EQ(Period(4, 0.9, 0, 0, true).kind, Kind::kNone);  // the migration runs
  scaler_.Changed(4.5);
  EXPECT_EQ(Run(5, 14, 0.9).kind, Kind::kNone);  // cooling down until 14.5
  ScaleDecision decision = Period(15, 0.9);
  EXPECT_EQ(decision.kind, Kind::kGrow);
  EXPECT_EQ(decision.members, 4);
  EXPECT_DOUBLE_EQ(decision.sustained_s, 10);  // overloaded since 5, the first period after the change
}

TEST_F(AutoscalerTest, NothingIsDecidedWhileMigratingAndTheSpellStartsAgain) {
  Period(0, 0.9);
  Period(1, 0.9);
  EXPECT_EQ(Period(2, 0.9, 0, 0, true).kind, Kind::kNone);
  EXPECT_EQ(Period(3, 0.9).kind, Kind::kNone);
  EXPECT_EQ(Period(5, 0.9).kind, Kind::kNone);
  EXPECT_EQ(Period(6, 0.9).kind, Kind::kGrow);
}

TEST_F(AutoscalerTest, NeverBeyondTheMaximum) {
  members_ = {0, 1, 2, 3};
  EXPECT_EQ(Run(0, 30, 0.99, 100, 1).kind, Kind::kNone);
}

TEST_F(AutoscalerTest, NeverBelowTheMinimum) {
  members_ = {0};
  EXPECT_EQ(Run(0, 60, 0).kind, Kind::kNone);
}

TEST_F(AutoscalerTest, StaleSamplesAndMembersThatLeftAreNotCounted) {
  scaler_.Observe({0, 0, 0.9, 0, 100, 0});
  scaler_.Observe({0, 1, 0.9, 0, 100, 0});
  scaler_.Observe({0, 7, 0.9, 0, 100, 0});  // not a member
  for (double now = 6; now <= 20; now += 1) {
    EXPECT_EQ(scaler_.Decide(now, members_, false).kind, Kind::kNone) << now;  // older than 5 s
  }
  EXPECT_EQ(scaler_.Decide(20, members_, false).busy_share, 0);
}

TEST_F(AutoscalerTest, AnOlderSampleDoesNotReplaceANewerOne) {
  scaler_.Observe({3, 0, 0.9, 0, 100, 0});
  scaler_.Observe({2, 0, 0.1, 0, 100, 0});
  EXPECT_DOUBLE_EQ(scaler_.Decide(3, {0}, false).busy_share, 0.9);
}

TEST(AutoscalerThresholdsTest, ThePolicysThresholdsAreUsed) {
  ScaleThresholds thresholds;
  thresholds.grow_busy = 0.5;
  thresholds.grow_window_s = 1;
  Autoscaler scaler("work", 2, 4, thresholds);
  scaler.Observe({0, 0, 0.6, 0, 0, 0});
  EXPECT_EQ(scaler.Decide(0, {0}, false).kind, Kind::kNone);
  scaler.Observe({1, 0, 0.6, 0, 0, 0});
  ScaleDecision decision = scaler.Decide(1, {0}, false);
  EXPECT_EQ(decision.kind, Kind::kGrow);
  EXPECT_EQ(decision.description, "grow work from 1 to 2 members: overloaded for 1.0 s (busy 0.60 >= 0.50)");
}

}  // namespace datablox::shards
