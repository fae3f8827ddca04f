#include "shards/migration.h"

#include <gtest/gtest.h>

#include "shards/migration_test_lines.h"

namespace datablox::shards {

using namespace migration_test;  // NOLINT: the helpers are these tests' vocabulary

// A grow of users {0, 1} by member 2, driven up to both senders fenced.
class KeyedGrowTest : public ::testing::Test {
 protected:
  KeyedGrowTest() : migration_(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2)) {}
  void UpToExports() {
    ASSERT_EQ(Lines(migration_.Start(0)), L{"can_add users/0 #1"});
    ASSERT_EQ(Lines(migration_.On(CanAdd(1, true, 2.5), 0.1)), L{"spawn users/2"});
    ASSERT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberStarted, 2), 0.2)).size(), 4u);
    ASSERT_EQ(Lines(migration_.On(Fenced("q", 2, "ask"), 0.3)), L{});
    ASSERT_EQ(Lines(migration_.On(Fenced("a", 2), 0.3)), L{});
    ASSERT_EQ(Lines(migration_.On(Fenced("b", 2), 0.3)), (L{"export users/0 4 #2", "export users/1 5 #3"}));
  }
  Migration migration_;
};

TEST_F(KeyedGrowTest, FullSequenceHoldsFencesMovesThenReleases) {
  ASSERT_EQ(Lines(migration_.Start(0)), L{"can_add users/0 #1"});
  EXPECT_EQ(Lines(migration_.On(CanAdd(1, true, 2.5), 0.1)), L{"spawn users/2"});
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberBound, 2), 0.15)), L{});
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberStarted, 2), 0.2)),
            (L{"expect sink.in +2", "reroute a.out v2 [010101] held 4,5 +2", "reroute b.out v2 [010101] held 4,5 +2",
               "reroute q.ask? v2 [010101] held 4,5"}));
  EXPECT_EQ(migration_.waiting_for(), "the fence of a.out, b.out, q.ask");
  EXPECT_EQ(Lines(migration_.On(Fenced("a", 2), 0.3)), L{});
  // The requester too: a request it sent before the held table may still reach an old owner.
  EXPECT_EQ(Lines(migration_.On(Fenced("q", 2, "ask"), 0.3)), L{});
  std::vector<Action> exports = migration_.On(Fenced("b", 2), 0.3);
  EXPECT_EQ(Lines(exports), (L{"export users/0 4 #2", "export users/1 5 #3"}));
  for (const Action& action : exports) EXPECT_EQ(action.key_groups, 6);
  EXPECT_EQ(Lines(migration_.On(Exported(3, {"k5"}), 0.35)), L{"import users/2 k5 #4"});
  EXPECT_EQ(Lines(migration_.On(Exported(2, {"k4a", "k4b"}), 0.4)), L{"import users/2 k4a,k4b #5"});
  EXPECT_EQ(migration_.waiting_for(), "0 exports and 2 imports");
  EXPECT_EQ(Lines(migration_.On(Imported(4), 0.45)), L{});
  std::vector<Action> last = migration_.On(Imported(5), 0.5);
  EXPECT_EQ(Lines(last), (L{"reroute a.out v3 [010122]", "reroute b.out v3 [010122]", "reroute q.ask? v3 [010122] +2",
                            "done 0,1,2 v3"}));
  EXPECT_EQ(last.back().description,
            "grew users from 2 to 3 members: 2 of 6 key groups moved (3 state logs) in 0.50 s");
  EXPECT_TRUE(migration_.finished());
  EXPECT_FALSE(migration_.aborted());
  EXPECT_EQ(migration_.figures().moved_groups, 2u);
  EXPECT_EQ(migration_.figures().state_logs, 3u);
  EXPECT_DOUBLE_EQ(migration_.figures().elapsed_s, 0.5);
}

TEST_F(KeyedGrowTest, CanAddIsToldTheLoadAndTheMovingShare) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), {true, 2, {2, 0.9, 40, 0.5, 0}, 1e300});
  std::vector<Action> ask = migration.Start(0);
  ASSERT_EQ(ask.size(), 1u);
  EXPECT_EQ(ask[0].load.members, 2);
  EXPECT_DOUBLE_EQ(ask[0].load.busy_share, 0.9);
  EXPECT_DOUBLE_EQ(ask[0].load.moving_share, 2.0 / 6.0);
  EXPECT_EQ(ask[0].description,
            "asking users/0 whether users may grow to 3 members (busy 0.90, queue 40.0, blocked 0.50, moving 0.33)");
}

TEST_F(KeyedGrowTest, AStaleOrUnknownFenceIsIgnored) {
  migration_.Start(0);
  migration_.On(CanAdd(1, true), 0);
  EXPECT_EQ(Lines(migration_.On(Fenced("a", 2), 0)), L{});  // before the held table was even sent
  migration_.On(MemberEvent(EventKind::kMemberStarted, 2), 0);
  EXPECT_EQ(Lines(migration_.On(Fenced("a", 1), 0)), L{});  // an older table's
  EXPECT_EQ(Lines(migration_.On(Fenced("b", 1), 0)), L{});
  EXPECT_EQ(Lines(migration_.On(Fenced("a", 3), 0)), L{});         // a version never sent
  EXPECT_EQ(Lines(migration_.On(Fenced("x", 2), 0)), L{});         // not a sender
  EXPECT_EQ(Lines(migration_.On(Fenced("q", 1, "ask"), 0)), L{});  // a requester's older fence
  EXPECT_EQ(Lines(migration_.On(Fenced("q", 2, "ask"), 0)), L{});
  EXPECT_EQ(Lines(migration_.On(Fenced("a", 2), 0)), L{});
  EXPECT_EQ(Lines(migration_.On(Fenced("a", 2), 0)), L{});  // twice counts once
  EXPECT_EQ(Lines(migration_.On(Fenced("b", 2), 0)), (L{"export users/0 4 #2", "export users/1 5 #3"}));
}

TEST_F(KeyedGrowTest, AnAnswerToAnotherRequestIsIgnored) {
  UpToExports();
  EXPECT_EQ(Lines(migration_.On(Exported(9, {"x"}), 1)), L{});
  EXPECT_EQ(Lines(migration_.On(Imported(2), 1)), L{});  // an export's id, not an import's
  EXPECT_EQ(Lines(migration_.On(CanAdd(1, true), 1)), L{});
}

TEST_F(KeyedGrowTest, NewMemberCrashBeforeImportsAreAckedReturnsTheStateThenReleasesToOldOwners) {
  UpToExports();
  migration_.On(Exported(2, {"k4"}), 1);
  migration_.On(Exported(3, {"k5"}), 1);
  migration_.On(Imported(4), 1);  // acknowledged, but lost with the member
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberCrashed, 2), 2)),
            (L{"import users/0 k4 #6", "import users/1 k5 #7"}));
  EXPECT_EQ(Lines(migration_.On(Imported(5), 2)), L{});  // the dead member's late answer
  EXPECT_EQ(Lines(migration_.On(Imported(6), 2)), L{});
  EXPECT_EQ(Lines(migration_.On(Imported(7), 2)),
            (L{"reroute a.out v3 [010101] -2", "reroute b.out v3 [010101] -2", "reroute q.ask? v3 [010101] +2 -2",
               "aborted 0,1 v3: the new member users/2 crashed"}));
  EXPECT_TRUE(migration_.aborted());
}

TEST_F(KeyedGrowTest, NewMemberCrashWithAnExportUnansweredWaitsForItToReturnIt) {
  UpToExports();
  migration_.On(Exported(3, {"k5"}), 1);
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberCrashed, 2), 2)), L{"import users/1 k5 #5"});
  EXPECT_EQ(Lines(migration_.On(Imported(5), 2)), L{});
  EXPECT_EQ(Lines(migration_.On(Exported(2, {"k4"}), 2)), L{"import users/0 k4 #6"});
  EXPECT_EQ(Lines(migration_.On(Imported(6), 2)),
            (L{"reroute a.out v3 [010101] -2", "reroute b.out v3 [010101] -2", "reroute q.ask? v3 [010101] +2 -2",
               "aborted 0,1 v3: the new member users/2 crashed"}));
}

TEST_F(KeyedGrowTest, NewMemberCrashWhileFencingReleasesAtOnce) {
  migration_.Start(0);
  migration_.On(CanAdd(1, true), 0);
  migration_.On(MemberEvent(EventKind::kMemberStarted, 2), 0);
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberCrashed, 2), 1)),
            (L{"reroute a.out v3 [010101] -2", "reroute b.out v3 [010101] -2", "reroute q.ask? v3 [010101] +2 -2",
               "aborted 0,1 v3: the new member users/2 crashed"}));
}

// The regression (tests/e2e/test_shard_crash.py): an aborted grow stopped
// its new member after the senders had linked it and the receivers expected
// it, so the senders waited for good for its END ack and the receivers for
// its END: the topology never ended. Now the unlinking reroute ends it.
TEST_F(KeyedGrowTest, AGrowAbortedAfterItsMemberWasLinkedUnlinksItAndDoesNotStopIt) {
  migration_.Start(0);
  migration_.On(CanAdd(1, true), 0);
  migration_.On(MemberEvent(EventKind::kMemberStarted, 2), 0);  // linked: the senders hold, the receivers expect
  std::vector<Action> out = migration_.On(MemberEvent(EventKind::kMemberCrashed, 2), 1);
  EXPECT_EQ(Lines(out), (L{"reroute a.out v3 [010101] -2", "reroute b.out v3 [010101] -2",
                           "reroute q.ask? v3 [010101] +2 -2", "aborted 0,1 v3: the new member users/2 crashed"}));
  for (const Action& action : out) EXPECT_NE(action.kind, ActionKind::kStopMember);
}

TEST_F(KeyedGrowTest, NewMemberCrashBeforeItStartedOnlyStopsIt) {
  migration_.Start(0);
  migration_.On(CanAdd(1, true), 0);
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberCrashed, 2), 1)),
            (L{"stop users/2", "aborted 0,1 v1: the new member users/2 crashed"}));
}

TEST_F(KeyedGrowTest, OldOwnerCrashAfterItsExportStillImportsIntoTheNewMember) {
  UpToExports();
  EXPECT_EQ(Lines(migration_.On(Exported(2, {"k4"}), 1)), L{"import users/2 k4 #4"});
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberCrashed, 0), 1)), L{});
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberRestarted, 0), 1)), L{});
  EXPECT_EQ(Lines(migration_.On(Exported(3, {"k5"}), 1)), L{"import users/2 k5 #5"});
  migration_.On(Imported(4), 1);
  EXPECT_EQ(Lines(migration_.On(Imported(5), 1)).back(), "done 0,1,2 v3");
}

TEST_F(KeyedGrowTest, OldOwnerCrashWithItsExportUnansweredIsAskedAgainOnceBack) {
  UpToExports();
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberCrashed, 0), 1)), L{});
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberRestarted, 0), 1)), L{"export users/0 4 #4"});
  EXPECT_EQ(Lines(migration_.On(Exported(2, {"old"}), 1)), L{});  // the first request's, too late
  EXPECT_EQ(Lines(migration_.On(Exported(4, {"k4"}), 1)), L{"import users/2 k4 #5"});
}

TEST_F(KeyedGrowTest, SenderRestartedWhileFencedGetsTheHeldTableAgainAndFencesAgain) {
  migration_.Start(0);
  migration_.On(CanAdd(1, true), 0);
  migration_.On(MemberEvent(EventKind::kMemberStarted, 2), 0);
  migration_.On(Fenced("q", 2, "ask"), 0);
  migration_.On(Fenced("a", 2), 0);
  EXPECT_EQ(Lines(migration_.On(SenderEvent(EventKind::kSenderCrashed, "a"), 1)), L{});
  EXPECT_EQ(Lines(migration_.On(SenderEvent(EventKind::kSenderRestarted, "a"), 1)),
            L{"reroute a.out v2 [010101] held 4,5 +2"});
  EXPECT_EQ(Lines(migration_.On(Fenced("b", 2), 1)), L{});  // a has not fenced again yet
  EXPECT_EQ(Lines(migration_.On(Fenced("a", 2), 1)), (L{"export users/0 4 #2", "export users/1 5 #3"}));
}

TEST_F(KeyedGrowTest, SenderRestartedWhileStateMovesMustFenceAgainBeforeTheRelease) {
  UpToExports();
  EXPECT_EQ(Lines(migration_.On(SenderEvent(EventKind::kSenderRestarted, "b"), 1)),
            L{"reroute b.out v2 [010101] held 4,5 +2"});
  migration_.On(Exported(2, {"k4"}), 1);
  migration_.On(Exported(3, {"k5"}), 1);
  migration_.On(Imported(4), 1);
  EXPECT_EQ(Lines(migration_.On(Imported(5), 1)), L{});
  EXPECT_EQ(Lines(migration_.On(Fenced("b", 2), 1)).back(), "done 0,1,2 v3");
}

TEST_F(KeyedGrowTest, CanAddNoAbortsBeforeAnythingStarts) {
  migration_.Start(0);
  EXPECT_EQ(Lines(migration_.On(CanAdd(1, false, 0, "state too large"), 1)),
            L{"aborted 0,1 v1: the member class says no: state too large"});
}

TEST(MigrationTest, CanAddCostAboveTheLimitAborts) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), {true, 2, {}, 10});
  migration.Start(0);
  EXPECT_EQ(Lines(migration.On(CanAdd(1, true, 12), 1)),
            L{"aborted 0,1 v1: can_add's cost 12.00 is above the limit 10.00"});
}

TEST_F(KeyedGrowTest, AFailedExportReturnsWhatMovedAndReleases) {
  UpToExports();
  migration_.On(Exported(3, {"k5"}), 1);
  EXPECT_EQ(Lines(migration_.On(WithError(Exported(2, {}), "disk full"), 1)), L{"import users/1 k5 #5"});
  EXPECT_EQ(Lines(migration_.On(Imported(5), 1)),
            (L{"reroute a.out v3 [010101] -2", "reroute b.out v3 [010101] -2", "reroute q.ask? v3 [010101] +2 -2",
               "aborted 0,1 v3: exporting from users/0 failed: disk full"}));
}

TEST_F(KeyedGrowTest, EventsAfterTheEndAreIgnored) {
  UpToExports();
  migration_.On(MemberEvent(EventKind::kMemberCrashed, 2), 1);
  migration_.On(Exported(2, {}), 1);
  migration_.On(Exported(3, {}), 1);
  migration_.On(Imported(4), 1);
  ASSERT_FALSE(migration_.finished());
  ASSERT_EQ(Lines(migration_.On(Imported(5), 1)).back().substr(0, 7), "aborted");
  EXPECT_EQ(Lines(migration_.On(Fenced("a", 2), 2)), L{});
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberStarted, 2), 2)), L{});
  EXPECT_EQ(Lines(migration_.Tick(100)), L{});
}

TEST_F(KeyedGrowTest, TheMemberAskedCanAddRestartingIsAskedAgain) {
  migration_.Start(0);
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberRestarted, 1), 1)), L{});  // not the one asked
  EXPECT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberRestarted, 0), 1)), L{"can_add users/0 #2"});
  EXPECT_EQ(Lines(migration_.On(CanAdd(1, true), 1)), L{});  // the first question's answer, too late
  EXPECT_EQ(Lines(migration_.On(CanAdd(2, true), 1)), L{"spawn users/2"});
}

TEST_F(KeyedGrowTest, ASenderRestartedWhileStateGoesBackHoldsAgainUntilTheRelease) {
  UpToExports();
  migration_.On(Exported(2, {"k4"}), 1);
  migration_.On(MemberEvent(EventKind::kMemberCrashed, 2), 1);  // returns k4 as #5; #3 unanswered
  EXPECT_EQ(Lines(migration_.On(SenderEvent(EventKind::kSenderRestarted, "a"), 1)),
            L{"reroute a.out v2 [010101] held 4,5 +2"});
  migration_.On(Imported(5), 1);
  migration_.On(Exported(3, {"k5"}), 1);  // returned as #6
  EXPECT_EQ(Lines(migration_.On(Imported(6), 1)),
            (L{"reroute a.out v3 [010101] -2", "reroute b.out v3 [010101] -2", "reroute q.ask? v3 [010101] +2 -2",
               "aborted 0,1 v3: the new member users/2 crashed"}));
}

}  // namespace datablox::shards
