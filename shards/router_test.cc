#include "shards/router.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "datablox/shard.h"
#include "shards/assignment.h"

namespace datablox::shards {
namespace {

control::ShardRoute Route(RouteKind kind, uint64_t version = 1) {
  control::ShardRoute route;
  route.shard = "work";
  route.route = kind;
  route.version = version;
  return route;
}

control::ShardRoute HashRoute(int groups, const std::vector<int>& members, uint64_t version = 1) {
  control::ShardRoute route = Route(RouteKind::kHash, version);
  route.key = "user";
  route.key_groups = groups;
  route.owners = InitialOwners(groups, members);
  return route;
}

// Feeds `logs` logs through a batch router, appending to the slot it picks
// and sealing a batch when it is full (as the host does); returns the slot
// of each log.
std::vector<int> Feed(Router& router, std::vector<MemberLinkView>& links, int logs) {
  std::vector<int> slots;
  for (int i = 0; i < logs; ++i) {
    const int slot = router.BatchSlot(links);
    slots.push_back(slot);
    if (slot < 0) continue;
    MemberLinkView& link = links[slot];
    if (++link.pending == link.batch_max) {
      link.credit -= link.pending;  // sealed and sent: in flight
      link.pending = 0;
    }
  }
  return slots;
}

TEST(RouterTest, RoundRobinSticksToAMemberUntilItsBatchIsSealed) {
  Router router(Route(RouteKind::kRoundRobin), {0, 1, 2});
  std::vector<MemberLinkView> links(3, MemberLinkView{0, 100, 2});
  EXPECT_EQ(Feed(router, links, 8), (std::vector<int>{0, 0, 1, 1, 2, 2, 0, 0}));
}

TEST(RouterTest, RoundRobinMovesOnWhenAPartialBatchWasFlushed) {
  Router router(Route(RouteKind::kRoundRobin), {0, 1});
  std::vector<MemberLinkView> links(2, MemberLinkView{0, 100, 10});
  EXPECT_EQ(router.BatchSlot(links), 0);
  links[0].pending = 1;
  EXPECT_EQ(router.BatchSlot(links), 0);
  links[0].pending = 0;  // flushed by age
  EXPECT_EQ(router.BatchSlot(links), 1);
}

TEST(RouterTest, RoundRobinPassesOverAMemberWithoutRoomForABatch) {
  Router router(Route(RouteKind::kRoundRobin), {0, 1, 2});
  std::vector<MemberLinkView> links = {{0, 100, 1}, {0, 0, 1}, {0, 100, 1}};
  // Member 1's window is full: it is not waited for, the others take its turns.
  EXPECT_EQ(Feed(router, links, 4), (std::vector<int>{0, 2, 0, 2}));
  links[1].credit = 100;  // it caught up: its turn again
  EXPECT_EQ(Feed(router, links, 3), (std::vector<int>{0, 1, 2}));
}

TEST(RouterTest, RoundRobinWaitsOnlyWhenNoMemberHasRoomForABatch) {
  Router router(Route(RouteKind::kRoundRobin), {0, 1});
  std::vector<MemberLinkView> links = {{0, 1, 2}, {0, 0, 2}};  // room for 1 log, batches of 2
  EXPECT_EQ(router.BatchSlot(links), Router::kWait);
  EXPECT_EQ(router.sticky(), -1);
  links[1].credit = 2;
  EXPECT_EQ(router.BatchSlot(links), 1);
}

TEST(RouterTest, WorkQueueTakesTheMemberWithTheMostFreeCredit) {
  Router router(Route(RouteKind::kWorkQueue), {0, 1, 2});
  std::vector<MemberLinkView> links = {{0, 4, 2}, {0, 10, 2}, {0, 6, 2}};
  // 10 > 6 > 4: member 1 takes batches until it has less than member 2...
  EXPECT_EQ(Feed(router, links, 12), (std::vector<int>{1, 1, 1, 1, 1, 1, 2, 2, 0, 0, 1, 1}));
}

TEST(RouterTest, WorkQueueTakesTheFirstMemberAmongEquals) {
  Router router(Route(RouteKind::kWorkQueue), {0, 1, 2});
  std::vector<MemberLinkView> links(3, MemberLinkView{0, 4, 2});
  EXPECT_EQ(Feed(router, links, 6), (std::vector<int>{0, 0, 1, 1, 2, 2}));
}

TEST(RouterTest, WorkQueueWaitsWhenNoMemberHasCreditForABatch) {
  Router router(Route(RouteKind::kWorkQueue), {0, 1});
  std::vector<MemberLinkView> links = {{0, 1, 2}, {0, 0, 2}};
  EXPECT_EQ(router.BatchSlot(links), Router::kWait);
  EXPECT_EQ(router.sticky(), -1);
  links[1].credit = 2;  // credit came back
  EXPECT_EQ(router.BatchSlot(links), 1);
}

TEST(RouterTest, WorkQueueFinishesTheBatchItStartedWhateverTheCredit) {
  Router router(Route(RouteKind::kWorkQueue), {0, 1});
  std::vector<MemberLinkView> links = {{0, 4, 4}, {0, 2, 4}};
  EXPECT_EQ(router.BatchSlot(links), 0);
  links[0].pending = 1;
  links[1].credit = 100;
  EXPECT_EQ(router.BatchSlot(links), 0);
}

TEST(RouterTest, NoMembersIsNone) {
  Router router(Route(RouteKind::kRoundRobin), {});
  EXPECT_EQ(router.BatchSlot({}), Router::kNone);
}

TEST(RouterTest, HashSendsEachGroupToItsOwnersSlot) {
  // Slots in another order than member ids: the owner's slot is found by id.
  control::ShardRoute route = HashRoute(8, {0, 1});
  Router router(route, {1, 0});
  for (int g = 0; g < 8; ++g) EXPECT_EQ(router.SlotOfGroup(g), route.owners[g] == 1 ? 0 : 1) << g;
  EXPECT_EQ(router.GroupOf("alice"), KeyGroupOf("alice", 8));
  EXPECT_EQ(router.SlotOfGroup(8), Router::kNone);
  EXPECT_EQ(router.SlotOfGroup(-1), Router::kNone);
}

TEST(RouterTest, HashSpreads10000KeysWithin10PercentOver4Members) {
  Router router(HashRoute(kDefaultKeyGroups, {0, 1, 2, 3}), {0, 1, 2, 3});
  std::map<int, int> per_slot;
  for (int i = 0; i < 10000; ++i) ++per_slot[router.SlotOfGroup(router.GroupOf("user" + std::to_string(i)))];
  ASSERT_EQ(per_slot.size(), 4u);
  for (const auto& [slot, keys] : per_slot) {
    EXPECT_GE(keys, 2250) << slot;
    EXPECT_LE(keys, 2750) << slot;
  }
}

TEST(RouterTest, AnOwnerWithoutALinkIsNone) {
  Router router(HashRoute(4, {0, 1}), {0});
  EXPECT_EQ(router.SlotOfGroup(0), 0);
  EXPECT_EQ(router.SlotOfGroup(1), Router::kNone);
}

TEST(RouterTest, HeldGroupsAreHeldAndTheirOldOwnersFenced) {
  Router router(HashRoute(4, {0, 1}), {0, 1});  // owners 0 1 0 1
  control::ShardRoute next = HashRoute(4, {0, 1}, 2);
  next.held = {1, 2};
  std::vector<int> fence;
  ASSERT_EQ(router.Apply(next, {0, 1}, &fence), Router::Update::kApplied);
  EXPECT_EQ(fence, (std::vector<int>{0, 1}));
  EXPECT_EQ(router.SlotOfGroup(0), 0);
  EXPECT_EQ(router.SlotOfGroup(1), Router::kHeld);
  EXPECT_EQ(router.SlotOfGroup(2), Router::kHeld);
  EXPECT_EQ(router.SlotOfGroup(3), 1);
  EXPECT_TRUE(router.held(1));
  EXPECT_FALSE(router.held(3));
  EXPECT_TRUE(router.holds_any());
}

TEST(RouterTest, GrowingHoldsTheMovingGroupsThenReleasesThemToTheNewMember) {
  Router router(HashRoute(4, {0, 1}), {0, 1});  // owners 0 1 0 1
  control::ShardRoute hold = HashRoute(4, {0, 1}, 2);
  hold.held = {3};
  std::vector<int> fence;
  ASSERT_EQ(router.Apply(hold, {0, 1, 2}, &fence), Router::Update::kApplied);  // the new member's link joins
  EXPECT_EQ(fence, (std::vector<int>{1}));                                     // group 3's owner was member 1
  control::ShardRoute release = HashRoute(4, {0, 1}, 3);
  release.owners[3] = 2;
  ASSERT_EQ(router.Apply(release, {0, 1, 2}, &fence), Router::Update::kApplied);
  EXPECT_TRUE(fence.empty());
  EXPECT_EQ(router.SlotOfGroup(3), 2);
  EXPECT_FALSE(router.holds_any());
}

TEST(RouterTest, AnOlderOrTheSameVersionIsIgnored) {
  Router router(HashRoute(4, {0, 1}, 5), {0, 1});
  control::ShardRoute older = HashRoute(4, {1, 0}, 4);
  older.held = {0};
  std::vector<int> fence = {9};
  EXPECT_EQ(router.Apply(older, {1, 0}, &fence), Router::Update::kStale);
  older.version = 5;
  EXPECT_EQ(router.Apply(older, {1, 0}, &fence), Router::Update::kStale);
  EXPECT_EQ(router.version(), 5u);
  EXPECT_EQ(router.members(), (std::vector<int>{0, 1}));
  EXPECT_EQ(router.SlotOfGroup(0), 0);
  EXPECT_EQ(fence, (std::vector<int>{9}));  // untouched
}

TEST(RouterTest, ANewTableStartsANewBatchInTurn) {
  Router router(Route(RouteKind::kRoundRobin), {0, 1, 2});
  std::vector<MemberLinkView> links(3, MemberLinkView{0, 100, 2});
  EXPECT_EQ(Feed(router, links, 3), (std::vector<int>{0, 0, 1}));
  std::vector<int> fence;
  ASSERT_EQ(router.Apply(Route(RouteKind::kRoundRobin, 2), {0, 2}, &fence), Router::Update::kApplied);
  EXPECT_EQ(router.sticky(), -1);
  std::vector<MemberLinkView> two(2, MemberLinkView{0, 100, 2});
  EXPECT_EQ(Feed(router, two, 4), (std::vector<int>{0, 0, 1, 1}));  // next_in_turn 2 % 2
}

}  // namespace
}  // namespace datablox::shards
