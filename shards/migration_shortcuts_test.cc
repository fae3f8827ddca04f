// The migrations that move no state (a stateless shard, one that is not
// hash-routed, a grow with nothing to take), shrinking, and timeouts.
#include <gtest/gtest.h>

#include "shards/migration.h"
#include "shards/migration_test_lines.h"

namespace datablox::shards {

using namespace migration_test;  // NOLINT: the helpers are these tests' vocabulary

namespace {

ShardState RoundRobin(std::vector<int> members) {
  ShardState shard = Users(std::move(members), {}, StateKind::kStateless);
  shard.table.route = RouteKind::kRoundRobin;
  shard.table.key.clear();
  shard.table.key_groups = 0;
  return shard;
}

}  // namespace

TEST(MigrationShortcutTest, GrowOfAStatelessHashShardHoldsNothing) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}, StateKind::kStateless), GrowTo(2));
  EXPECT_EQ(Lines(migration.Start(0)), L{"can_add users/0 #1"});
  EXPECT_EQ(Lines(migration.On(CanAdd(1, true, 0), 0)), L{"spawn users/2"});
  std::vector<Action> last = migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0.25);
  EXPECT_EQ(Lines(last), (L{"expect sink.in +2", "reroute a.out v2 [010122] +2", "reroute b.out v2 [010122] +2",
                            "reroute q.ask? v2 [010122] +2", "done 0,1,2 v2"}));
  EXPECT_EQ(last.back().description,
            "grew users from 2 to 3 members: 2 of 6 key groups moved (0 state logs) in 0.25 s");
}

TEST(MigrationShortcutTest, GrowOfARoundRobinShardSpawnsAndLinks) {
  for (RouteKind route : {RouteKind::kRoundRobin, RouteKind::kBroadcast, RouteKind::kWorkQueue}) {
    ShardState shard = RoundRobin({0, 1});
    shard.table.route = route;
    Migration migration(shard, GrowTo(2));
    EXPECT_EQ(Lines(migration.Start(0)), L{"can_add users/0 #1"});
    EXPECT_EQ(Lines(migration.On(CanAdd(1, true, 0), 0)), L{"spawn users/2"});
    std::vector<Action> last = migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0.5);
    EXPECT_EQ(Lines(last), (L{"expect sink.in +2", "reroute a.out v2 [] +2", "reroute b.out v2 [] +2",
                              "reroute q.ask? v2 [] +2", "done 0,1,2 v2"}));
    EXPECT_EQ(last.back().description, "grew users from 2 to 3 members in 0.50 s");
  }
}

TEST(MigrationShortcutTest, GrowWithNoGroupToTakeHoldsNothing) {
  Migration migration(Users({0, 1}, {0, 1}), GrowTo(2));
  migration.Start(0);
  migration.On(CanAdd(1, true, 0), 0);
  EXPECT_EQ(Lines(migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0)),
            (L{"expect sink.in +2", "reroute a.out v2 [01] +2", "reroute b.out v2 [01] +2", "reroute q.ask? v2 [01] +2",
               "done 0,1,2 v2"}));
}

TEST(MigrationShortcutTest, ShrinkOfARoundRobinShardUnlinksTheLeaver) {
  Migration migration(RoundRobin({0, 1, 3}), ShrinkOut(1));
  std::vector<Action> actions = migration.Start(0);
  EXPECT_EQ(Lines(actions),
            (L{"reroute a.out v2 [] -1", "reroute b.out v2 [] -1", "reroute q.ask? v2 [] -1", "done 0,3 v2"}));
  EXPECT_EQ(actions.back().description, "shrank users from 3 to 2 members in 0.00 s");
}

TEST(MigrationShortcutTest, ShrinkOfAStatelessHashShardRehashesAtOnce) {
  Migration migration(Users({0, 1, 2}, {0, 1, 2, 0, 1, 2}, StateKind::kStateless), ShrinkOut(1));
  EXPECT_EQ(Lines(migration.Start(0)), (L{"reroute a.out v2 [002022] -1", "reroute b.out v2 [002022] -1",
                                          "reroute q.ask? v2 [002022] -1", "done 0,2 v2"}));
}

TEST(MigrationShrinkTest, KeyedShrinkMovesTheLeaversGroupsThenUnlinksIt) {
  Migration migration(Users({0, 1, 2}, {0, 1, 2, 0, 1, 2}), ShrinkOut(1));
  EXPECT_EQ(Lines(migration.Start(0)), (L{"reroute a.out v2 [012012] held 1,4", "reroute b.out v2 [012012] held 1,4",
                                          "reroute q.ask? v2 [012012] held 1,4"}));
  EXPECT_EQ(Lines(migration.On(Fenced("b", 2), 0)), L{});
  EXPECT_EQ(Lines(migration.On(Fenced("q", 2, "ask"), 0)), L{});
  EXPECT_EQ(Lines(migration.On(Fenced("a", 2), 0)), (L{"export users/1 1 #1", "export users/1 4 #2"}));
  EXPECT_EQ(Lines(migration.On(Exported(2, {"k4"}), 0)), L{"import users/2 k4 #3"});
  EXPECT_EQ(Lines(migration.On(Exported(1, {"k1"}), 0)), L{"import users/0 k1 #4"});
  EXPECT_EQ(Lines(migration.On(Imported(4), 0)), L{});
  std::vector<Action> last = migration.On(Imported(3), 1);
  EXPECT_EQ(Lines(last), (L{"reroute a.out v3 [002022] -1", "reroute b.out v3 [002022] -1",
                            "reroute q.ask? v3 [002022] -1", "done 0,2 v3"}));
  EXPECT_EQ(last.back().description,
            "shrank users from 3 to 2 members: 2 of 6 key groups moved (2 state logs) in 1.00 s");
}

TEST(MigrationShrinkTest, AReceiverThatRestartsIsSentItsStateAgain) {
  Migration migration(Users({0, 1, 2}, {0, 1, 2, 0, 1, 2}), ShrinkOut(1));
  migration.Start(0);
  migration.On(Fenced("q", 2, "ask"), 0);
  migration.On(Fenced("a", 2), 0);
  migration.On(Fenced("b", 2), 0);
  migration.On(Exported(1, {"k1"}), 0);  // import #3 into users/0
  EXPECT_EQ(Lines(migration.On(MemberEvent(EventKind::kMemberCrashed, 0), 0)), L{});
  EXPECT_EQ(Lines(migration.On(MemberEvent(EventKind::kMemberRestarted, 0), 0)), L{"import users/0 k1 #4"});
  EXPECT_EQ(Lines(migration.On(Imported(3), 0)), L{});  // the first try's, too late
  migration.On(Exported(2, {"k4"}), 0);                 // import #5 into users/2
  migration.On(Imported(4), 0);
  EXPECT_EQ(Lines(migration.On(Imported(5), 0)).back(), "done 0,2 v3");
}

TEST(MigrationShrinkTest, AFailedImportKeepsWhatArrivedAndReturnsTheRest) {
  Migration migration(Users({0, 1, 2}, {0, 1, 2, 0, 1, 2}), ShrinkOut(1));
  migration.Start(0);
  migration.On(Fenced("q", 2, "ask"), 0);
  migration.On(Fenced("a", 2), 0);
  migration.On(Fenced("b", 2), 0);
  migration.On(Exported(1, {"k1"}), 0);  // import #3 into users/0
  migration.On(Exported(2, {"k4"}), 0);  // import #4 into users/2
  migration.On(Imported(3), 0);
  EXPECT_EQ(Lines(migration.On(WithError(Imported(4), "read-only"), 0)), L{"import users/1 k4 #5"});
  EXPECT_EQ(Lines(migration.On(Imported(5), 0)),
            (L{"reroute a.out v3 [002012]", "reroute b.out v3 [002012]", "reroute q.ask? v3 [002012]",
               "aborted 0,1,2 v3: importing into users/2 failed: read-only"}));
}

TEST(MigrationShrinkTest, TheLastMemberCannotLeave) {
  Migration migration(Users({0}, {0, 0}), ShrinkOut(0));
  EXPECT_EQ(Lines(migration.Start(0)), L{"aborted 0 v1: users/0 is the shard's last member"});
}

TEST(MigrationShrinkTest, AStrangerCannotLeaveNorAMemberJoinTwice) {
  Migration shrink(Users({0, 1}, {0, 1}), ShrinkOut(5));
  EXPECT_EQ(Lines(shrink.Start(0)), L{"aborted 0,1 v1: member users/5 is not in the shard"});
  Migration grow(Users({0, 1}, {0, 1}), GrowTo(1));
  EXPECT_EQ(Lines(grow.Start(0)), L{"aborted 0,1 v1: member users/1 is there already"});
  Migration bad(Users({0, 1}, {0, 7}), GrowTo(2));
  EXPECT_EQ(Lines(bad.Start(0)), L{"aborted 0,1 v1: key group 1 is owned by 7, not a member"});
}

TEST(MigrationTimeoutTest, NoCanAddAnswerAbortsWithNothingToUndo) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2));
  migration.Start(100);
  EXPECT_EQ(Lines(migration.Tick(109.9)), L{});
  EXPECT_EQ(Lines(migration.Tick(110)), L{"aborted 0,1 v1: timed out after 10.0 s waiting for can_add from users/0"});
}

TEST(MigrationTimeoutTest, AMemberThatNeverStartsIsStopped) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2));
  migration.Start(0);
  migration.On(CanAdd(1, true), 5);
  EXPECT_EQ(Lines(migration.Tick(14)), L{});  // the step's clock started at the answer
  EXPECT_EQ(Lines(migration.Tick(15)),
            (L{"stop users/2", "aborted 0,1 v1: timed out after 10.0 s waiting for users/2 to start"}));
}

TEST(MigrationTimeoutTest, ASenderThatNeverFencesReleasesTheHeldGroups) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2), {2.0, 1});
  migration.Start(0);
  migration.On(CanAdd(1, true), 0);
  migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0);
  migration.On(Fenced("a", 2), 1);
  EXPECT_EQ(Lines(migration.Tick(2)),
            (L{"reroute a.out v3 [010101] -2", "reroute b.out v3 [010101] -2", "reroute q.ask? v3 [010101] +2 -2",
               "aborted 0,1 v3: timed out after 2.0 s waiting for the fence of b.out, q.ask"}));
}

TEST(MigrationTimeoutTest, AnImportThatNeverEndsReturnsTheState) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2), {2.0, 1});
  migration.Start(0);
  migration.On(CanAdd(1, true), 0);
  migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0);
  migration.On(Fenced("q", 2, "ask"), 0);
  migration.On(Fenced("a", 2), 0);
  migration.On(Fenced("b", 2), 0);
  migration.On(Exported(2, {"k4"}), 0);
  migration.On(Exported(3, {"k5"}), 0);
  EXPECT_EQ(Lines(migration.Tick(2)), (L{"import users/0 k4 #6", "import users/1 k5 #7"}));
  migration.On(Imported(6), 3);
  EXPECT_EQ(Lines(migration.On(Imported(7), 3)),
            (L{"reroute a.out v3 [010101] -2", "reroute b.out v3 [010101] -2", "reroute q.ask? v3 [010101] +2 -2",
               "aborted 0,1 v3: timed out after 2.0 s waiting for 0 exports and 2 imports"}));
}

TEST(MigrationTimeoutTest, AReturnThatNeverEndsIsGivenUpAndSaidSo) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2), {2.0, 1});
  migration.Start(0);
  migration.On(CanAdd(1, true), 0);
  migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0);
  migration.On(Fenced("q", 2, "ask"), 0);
  migration.On(Fenced("a", 2), 0);
  migration.On(Fenced("b", 2), 0);
  migration.On(Exported(2, {"k4"}), 0);
  migration.On(MemberEvent(EventKind::kMemberCrashed, 2), 1);  // returns #5 to users/0; #3 unanswered
  EXPECT_EQ(Lines(migration.Tick(3)),
            (L{"reroute a.out v3 [010101] -2", "reroute b.out v3 [010101] -2", "reroute q.ask? v3 [010101] +2 -2",
               "aborted 0,1 v3: the new member users/2 crashed; timed out after 2.0 s waiting for 2 returns of "
               "state: the state of 2 key groups may be lost"}));
}

TEST(MigrationTimeoutTest, AKeyedShrinkThatNeverFencesKeepsTheLeaver) {
  Migration migration(Users({0, 1, 2}, {0, 1, 2, 0, 1, 2}), ShrinkOut(1), {2.0, 1});
  migration.Start(0);
  migration.On(Fenced("a", 2), 0);
  std::vector<Action> last = migration.Tick(2);
  EXPECT_EQ(Lines(last), (L{"reroute a.out v3 [012012]", "reroute b.out v3 [012012]", "reroute q.ask? v3 [012012]",
                            "aborted 0,1,2 v3: timed out after 2.0 s waiting for the fence of b.out, q.ask"}));
  EXPECT_EQ(last.back().description,
            "shrink of users from 3 to 2 members aborted: timed out after 2.0 s waiting for the fence of b.out, "
            "q.ask");
}

}  // namespace datablox::shards
