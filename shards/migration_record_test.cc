// A migration written to its record at any step and read back goes on as
// the one that wrote it would have, and Resume sends again what a master
// killed at that step may have sent in part or whose answers it lost.
#include <gtest/gtest.h>

#include "shards/migration.h"
#include "shards/migration_test_lines.h"

namespace datablox::shards {
namespace {

using namespace migration_test;  // NOLINT: the helpers are these tests' vocabulary

// The migration as a master started again reads it from its registry:
// through the record's text, as SQLite keeps it.
std::unique_ptr<Migration> Reread(const Migration& migration) {
  std::unique_ptr<Migration> back;
  Status st = Migration::Restore(control::Json::parse(migration.Record().dump()), &back);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return back;
}

class ResumedGrowTest : public ::testing::Test {
 protected:
  ResumedGrowTest() : migration_(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2)) {}
  void UpToHeld() {
    migration_.Start(0);
    migration_.On(CanAdd(1, true), 0.1);
    ASSERT_EQ(migration_.On(MemberEvent(EventKind::kMemberStarted, 2), 0.2).size(), 4u);
  }
  void UpToExports() {
    UpToHeld();
    migration_.On(Fenced("a", 2), 0.3);
    migration_.On(Fenced("q", 2, "ask"), 0.3);
    ASSERT_EQ(Lines(migration_.On(Fenced("b", 2), 0.3)), (L{"export users/0 4 #2", "export users/1 5 #3"}));
  }
  Migration migration_;
};

TEST_F(ResumedGrowTest, CanAddIsAskedAgainUnderANewRequest) {
  migration_.Start(0);
  auto back = Reread(migration_);
  EXPECT_EQ(Lines(back->Resume(5)), L{"can_add users/0 #2"});
  EXPECT_EQ(Lines(back->On(CanAdd(1, true), 5.1)), L{});  // the first question's answer: stale
  EXPECT_EQ(Lines(back->On(CanAdd(2, true), 5.1)), L{"spawn users/2"});
}

TEST_F(ResumedGrowTest, AMemberThatWasStartingIsStoppedAndTheGrowUndone) {
  migration_.Start(0);
  migration_.On(CanAdd(1, true), 0.1);
  auto back = Reread(migration_);
  EXPECT_EQ(Lines(back->Resume(5)),
            (L{"stop users/2", "aborted 0,1 v1: the master restarted while users/2 was starting"}));
  EXPECT_TRUE(back->aborted());
}

TEST_F(ResumedGrowTest, WhileFencingTheHeldTableGoesAgainOneVersionOnAndOldFencesDoNotCount) {
  UpToHeld();
  migration_.On(Fenced("a", 2), 0.3);  // this sender's fence was heard; b's died with the master
  auto back = Reread(migration_);
  EXPECT_EQ(Lines(back->Resume(5)),
            (L{"expect sink.in +2", "reroute a.out v3 [010101] held 4,5 +2", "reroute b.out v3 [010101] held 4,5 +2",
               "reroute q.ask? v3 [010101] held 4,5"}));
  EXPECT_EQ(Lines(back->On(Fenced("b", 2), 5.1)), L{});  // for the table before: it fences again
  back->On(Fenced("a", 3), 5.1);
  back->On(Fenced("q", 3, "ask"), 5.1);
  EXPECT_EQ(Lines(back->On(Fenced("b", 3), 5.1)), (L{"export users/0 4 #2", "export users/1 5 #3"}));
}

TEST_F(ResumedGrowTest, UnansweredExportsAreAskedAgainUnderTheirOwnRequestIds) {
  UpToExports();
  ASSERT_EQ(Lines(migration_.On(Exported(3, {"k5"}), 0.35)), L{"import users/2 k5 #4"});
  auto back = Reread(migration_);
  // Export #2's answer was lost; import #4 may or may not have been applied.
  EXPECT_EQ(Lines(back->Resume(5)), (L{"export users/0 4 #2", "import users/2 k5 #4"}));
  EXPECT_EQ(Lines(back->On(Exported(2, {"k4"}), 5.1)), L{"import users/2 k4 #5"});
  EXPECT_EQ(Lines(back->On(Imported(4), 5.2)), L{});
  EXPECT_EQ(Lines(back->On(Imported(5), 5.3)),
            (L{"reroute a.out v3 [010122]", "reroute b.out v3 [010122]", "reroute q.ask? v3 [010122] +2",
               "done 0,1,2 v3"}));
  EXPECT_EQ(back->figures().state_logs, 2u);
}

TEST_F(ResumedGrowTest, TheExportedStateIsKeptInTheRecordUntilItIsImported) {
  UpToExports();
  migration_.On(Exported(3, {"k5a", "k5b"}), 0.35);
  migration_.On(Exported(2, {"k4"}), 0.36);
  auto back = Reread(migration_);
  EXPECT_EQ(Lines(back->Resume(5)), (L{"import users/2 k4 #5", "import users/2 k5a,k5b #4"}));
}

TEST_F(ResumedGrowTest, AReleaseCutShortIsSentAgainOneVersionOnWithTheNewMembersLinks) {
  UpToExports();
  migration_.On(Exported(2, {"k4"}), 0.35);
  migration_.On(Exported(3, {"k5"}), 0.35);
  migration_.On(Imported(4), 0.4);
  ASSERT_EQ(migration_.On(Imported(5), 0.4).back().kind, ActionKind::kDone);
  auto back = Reread(migration_);
  EXPECT_EQ(Lines(back->Resume(5)),
            (L{"expect sink.in +2", "reroute a.out v4 [010122] +2", "reroute b.out v4 [010122] +2",
               "reroute q.ask? v4 [010122] +2", "done 0,1,2 v4"}));
}

TEST_F(ResumedGrowTest, ARollbackCutShortReturnsTheStateItHolds) {
  UpToExports();
  migration_.On(Exported(2, {"k4"}), 0.35);
  // The new member crashed: the state exported goes back to its owner.
  ASSERT_EQ(Lines(migration_.On(MemberEvent(EventKind::kMemberCrashed, 2), 0.4)), L{"import users/0 k4 #5"});
  auto back = Reread(migration_);
  EXPECT_EQ(Lines(back->Resume(5)), (L{"import users/0 k4 #5", "export users/1 5 #3"}));
  EXPECT_EQ(Lines(back->On(Imported(5), 5.1)), L{});
  EXPECT_EQ(Lines(back->On(Exported(3, {"k5"}), 5.2)), L{"import users/1 k5 #6"});
  std::vector<std::string> end = Lines(back->On(Imported(6), 5.3));
  ASSERT_FALSE(end.empty());
  EXPECT_EQ(end.back(), "aborted 0,1 v3: the new member users/2 crashed");
}

TEST(ResumedShrinkTest, AShrinkResumedWhileMovingEndsWithoutTheLeaver) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), ShrinkOut(1));
  ASSERT_EQ(migration.Start(0).size(), 3u);  // the held table to a, b and q
  migration.On(Fenced("a", 2), 0.1);
  migration.On(Fenced("b", 2), 0.1);
  ASSERT_EQ(Lines(migration.On(Fenced("q", 2, "ask"), 0.1)), L{"export users/1 1,3,5 #1"});
  auto back = Reread(migration);
  EXPECT_EQ(Lines(back->Resume(3)), L{"export users/1 1,3,5 #1"});
  EXPECT_EQ(Lines(back->On(Exported(1, {"k1", "k3"}), 3.1)), L{"import users/0 k1,k3 #2"});
  EXPECT_EQ(Lines(back->On(Imported(2), 3.2)),
            (L{"reroute a.out v3 [000000] -1", "reroute b.out v3 [000000] -1", "reroute q.ask? v3 [000000] -1",
               "done 0 v3"}));
}

TEST(MigrationRecordTest, ARecordThatDoesNotReadIsAnErrorNamingWhat) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2));
  migration.Start(0);
  std::unique_ptr<Migration> back;
  control::Json record = migration.Record();
  record["version"] = 99;
  Status st = Migration::Restore(record, &back);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("version 99"), std::string::npos) << st.message();
  record = migration.Record();
  record["phase"] = "dancing";
  EXPECT_NE(Migration::Restore(record, &back).message().find("phase 'dancing'"), std::string::npos);
  record = migration.Record();
  record["moves"] = control::Json::array({control::Json{{"from", "zero"}}});
  st = Migration::Restore(record, &back);
  EXPECT_NE(st.message().find("'from'"), std::string::npos) << st.message();
  record = migration.Record();
  record["fenced"] = control::Json::array({true});  // three senders
  EXPECT_NE(Migration::Restore(record, &back).message().find("one bool per sender"), std::string::npos);
  EXPECT_FALSE(Migration::Restore(control::Json::array(), &back).ok());
  EXPECT_FALSE(back);
}

}  // namespace
}  // namespace datablox::shards
