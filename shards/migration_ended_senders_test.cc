// A sender that ends while its shard changes: it sent all it ever will and
// every log was acknowledged, so it is fenced; a shard none of whose
// senders is left does not change at all.
#include <gtest/gtest.h>

#include "shards/migration.h"
#include "shards/migration_test_lines.h"

namespace datablox::shards {
namespace {

using namespace migration_test;  // NOLINT: the helpers are these tests' vocabulary

ShardState UsersWithEnded(std::vector<std::string> ended) {
  ShardState shard = Users({0, 1}, {0, 1, 0, 1, 0, 1});
  for (ShardSender& sender : shard.senders) {
    for (const std::string& name : ended) sender.ended = sender.ended || sender.element == name;
  }
  return shard;
}

TEST(MigrationEndedSenderTest, ASenderThatEndedBeforeTheGrowIsFencedAlready) {
  Migration migration(UsersWithEnded({"a"}), GrowTo(2));
  ASSERT_EQ(Lines(migration.Start(0)), L{"can_add users/0 #1"});
  ASSERT_EQ(Lines(migration.On(CanAdd(1, true), 0.1)), L{"spawn users/2"});
  ASSERT_EQ(Lines(migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0.2)).size(), 4u);
  EXPECT_EQ(migration.waiting_for(), "the fence of b.out, q.ask");
  EXPECT_EQ(Lines(migration.On(Fenced("q", 2, "ask"), 0.3)), L{});
  EXPECT_EQ(Lines(migration.On(Fenced("b", 2), 0.3)), (L{"export users/0 4 #2", "export users/1 5 #3"}));
}

TEST(MigrationEndedSenderTest, ASenderEndingWhileOthersFenceCompletesTheFence) {
  Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2));
  migration.Start(0);
  migration.On(CanAdd(1, true), 0.1);
  migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0.2);
  migration.On(Fenced("q", 2, "ask"), 0.25);
  EXPECT_EQ(Lines(migration.On(Fenced("a", 2), 0.3)), L{});
  EXPECT_EQ(Lines(migration.On(SenderEvent(EventKind::kSenderEnded, "b"), 0.4)),
            (L{"export users/0 4 #2", "export users/1 5 #3"}));
  EXPECT_EQ(Lines(migration.On(SenderEvent(EventKind::kSenderEnded, "b"), 0.5)), L{}) << "said twice: nothing new";
}

TEST(MigrationEndedSenderTest, AChangeOfAShardWhoseSendersAllEndedIsAbortedAtOnce) {
  Migration migration(UsersWithEnded({"a", "b"}), GrowTo(2));
  EXPECT_EQ(Lines(migration.Start(0)), L{"aborted 0,1 v1: every sender of users has ended: nothing more comes to it"});
  EXPECT_TRUE(migration.aborted());
  Migration shrink(UsersWithEnded({"a", "b"}), ShrinkOut(1));
  EXPECT_EQ(Lines(shrink.Start(0)), L{"aborted 0,1 v1: every sender of users has ended: nothing more comes to it"});
}

TEST(MigrationEndedSenderTest, TheLastSenderEndingBeforeTheNewMemberIsLinkedStopsIt) {
  Migration migration(UsersWithEnded({"a"}), GrowTo(2));
  migration.Start(0);
  ASSERT_EQ(Lines(migration.On(CanAdd(1, true), 0.1)), L{"spawn users/2"});
  // Linked now, it would wait for ever for an END from b, which is gone.
  EXPECT_EQ(Lines(migration.On(SenderEvent(EventKind::kSenderEnded, "b"), 0.2)),
            (L{"stop users/2", "aborted 0,1 v1: every sender of users has ended: nothing more comes to it"}));
}

TEST(MigrationEndedSenderTest, TheLastSenderEndingAfterTheLinkOnlyCompletesTheFence) {
  Migration migration(UsersWithEnded({"a"}), GrowTo(2));
  migration.Start(0);
  migration.On(CanAdd(1, true), 0.1);
  migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0.2);
  migration.On(Fenced("q", 2, "ask"), 0.25);
  // b heard of users/2 before it ended (its END went there too): the state moves as usual.
  EXPECT_EQ(Lines(migration.On(SenderEvent(EventKind::kSenderEnded, "b"), 0.3)),
            (L{"export users/0 4 #2", "export users/1 5 #3"}));
}

TEST(MigrationEndedSenderTest, ARequesterThatEndedOrCrashedIsFenced) {
  // Its requests in flight died with it (or it had none left): nothing of it can reach an old owner now.
  for (EventKind gone : {EventKind::kSenderCrashed, EventKind::kSenderEnded}) {
    Migration migration(Users({0, 1}, {0, 1, 0, 1, 0, 1}), GrowTo(2));
    migration.Start(0);
    migration.On(CanAdd(1, true), 0.1);
    migration.On(MemberEvent(EventKind::kMemberStarted, 2), 0.2);
    migration.On(Fenced("a", 2), 0.3);
    migration.On(Fenced("b", 2), 0.3);
    EXPECT_EQ(Lines(migration.On(SenderEvent(gone, "q"), 0.4)), (L{"export users/0 4 #2", "export users/1 5 #3"}));
  }
}

TEST(MigrationEndedSenderTest, AShardWithoutPushSendersStillChanges) {
  ShardState shard = Users({0, 1}, {0, 1, 0, 1, 0, 1}, StateKind::kStateless);
  shard.senders = {{"q", "ask", true}};
  Migration migration(std::move(shard), GrowTo(2));
  EXPECT_EQ(Lines(migration.Start(0)), L{"can_add users/0 #1"});
}

}  // namespace
}  // namespace datablox::shards
