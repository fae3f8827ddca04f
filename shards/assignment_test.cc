#include "shards/assignment.h"

#include <gtest/gtest.h>

#include <map>
#include <numeric>

namespace datablox::shards {

namespace {

std::vector<int> Ids(int n) {
  std::vector<int> ids(static_cast<size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  return ids;
}

// Member id -> groups held, for every member (those holding none too).
std::map<int, int> Counts(const std::vector<int>& owners, const std::vector<int>& members) {
  std::map<int, int> counts;
  for (int id : members) counts[id] = 0;
  for (int owner : owners) ++counts[owner];
  return counts;
}

void ExpectBalanced(const std::vector<int>& owners, const std::vector<int>& members) {
  std::map<int, int> counts = Counts(owners, members);
  int fewest = owners.size(), most = 0;
  for (const auto& [id, n] : counts) {
    fewest = std::min(fewest, n);
    most = std::max(most, n);
  }
  EXPECT_LE(most - fewest, 1) << "members " << members.size() << ", groups " << owners.size();
}

size_t MovedGroups(const std::vector<int>& before, const std::vector<int>& after) {
  size_t moved = 0;
  for (const Move& move : Moves(before, after)) moved += move.groups.size();
  return moved;
}

}  // namespace

TEST(AssignmentTest, InitialOwnersSpreadGroupsEvenly) {
  std::vector<int> owners = InitialOwners(128, {0, 1, 2});
  ASSERT_EQ(owners.size(), 128u);
  std::map<int, int> per_member;
  for (int owner : owners) ++per_member[owner];
  EXPECT_EQ(per_member.size(), 3u);
  for (const auto& [member, groups] : per_member) {
    EXPECT_GE(groups, 42) << member;
    EXPECT_LE(groups, 43) << member;
  }
}

TEST(AssignmentTest, InitialOwnersOfOneMemberIsThatMember) {
  for (int owner : InitialOwners(16, {7})) EXPECT_EQ(owner, 7);
}

TEST(AssignmentTest, GrowTakesFromTheRichestLowestIdFirstAndTheirHighestGroup) {
  std::vector<int> after;
  ASSERT_TRUE(Grow({0, 1, 0, 1, 0, 1}, {0, 1}, 2, &after).ok());
  EXPECT_EQ(after, (std::vector<int>{0, 1, 0, 1, 2, 2}));
  std::vector<Move> moves = Moves({0, 1, 0, 1, 0, 1}, after);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].from, 0);
  EXPECT_EQ(moves[0].to, 2);
  EXPECT_EQ(moves[0].groups, (std::vector<int>{4}));
  EXPECT_EQ(moves[1].from, 1);
  EXPECT_EQ(moves[1].to, 2);
  EXPECT_EQ(moves[1].groups, (std::vector<int>{5}));
}

TEST(AssignmentTest, GrowingNToNPlusOneMovesExactlyTheNewMembersShare) {
  for (int n = 1; n <= 8; ++n) {
    std::vector<int> before = InitialOwners(128, Ids(n)), after;
    ASSERT_TRUE(Grow(before, Ids(n), n, &after).ok());
    const size_t share = 128 / static_cast<size_t>(n + 1);
    EXPECT_EQ(GroupsOf(after, n).size(), share) << n;
    EXPECT_EQ(MovedGroups(before, after), share) << n;
    for (const Move& move : Moves(before, after)) EXPECT_EQ(move.to, n);
    ExpectBalanced(after, Ids(n + 1));
  }
}

TEST(AssignmentTest, GrowingTwoToThreeMovesAThird) {
  std::vector<int> before = InitialOwners(128, {0, 1}), after;
  ASSERT_TRUE(Grow(before, {0, 1}, 2, &after).ok());
  EXPECT_DOUBLE_EQ(MovedShare(before, after), 42.0 / 128.0);
}

TEST(AssignmentTest, GrowingOneByOneStaysBalancedWhenGroupsAreNotAMultiple) {
  std::vector<int> owners = InitialOwners(10, {0});
  for (int n = 1; n < 10; ++n) {
    std::vector<int> after;
    ASSERT_TRUE(Grow(owners, Ids(n), n, &after).ok());
    EXPECT_EQ(MovedGroups(owners, after), GroupsOf(after, n).size()) << n;
    ExpectBalanced(after, Ids(n + 1));
    owners = after;
  }
  EXPECT_EQ(Counts(owners, Ids(10)),
            (std::map<int, int>{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}, {9, 1}}));
}

TEST(AssignmentTest, GrowBeyondTheGroupsGivesTheNewMemberNone) {
  std::vector<int> after;
  ASSERT_TRUE(Grow({0, 1}, {0, 1, 2}, 3, &after).ok());
  EXPECT_EQ(after, (std::vector<int>{0, 1}));
  EXPECT_TRUE(Moves({0, 1}, after).empty());
}

TEST(AssignmentTest, GrowOfAnEmptyShardGivesTheFirstMemberEverything) {
  std::vector<int> after;
  ASSERT_TRUE(Grow({0, 0, 0}, {}, 5, &after).ok());
  EXPECT_EQ(after, (std::vector<int>{5, 5, 5}));
}

TEST(AssignmentTest, ShrinkDealsTheLeaversGroupsToThePoorestLowestIdFirst) {
  std::vector<int> after;
  ASSERT_TRUE(Shrink({0, 1, 2, 0, 1, 2}, {0, 1, 2}, 1, &after).ok());
  EXPECT_EQ(after, (std::vector<int>{0, 0, 2, 0, 2, 2}));
  std::vector<Move> moves = Moves({0, 1, 2, 0, 1, 2}, after);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].from, 1);
  EXPECT_EQ(moves[0].to, 0);
  EXPECT_EQ(moves[0].groups, (std::vector<int>{1}));
  EXPECT_EQ(moves[1].from, 1);
  EXPECT_EQ(moves[1].to, 2);
  EXPECT_EQ(moves[1].groups, (std::vector<int>{4}));
}

TEST(AssignmentTest, ShrinkMovesOnlyTheLeaversGroupsAndStaysBalanced) {
  for (int n = 2; n <= 9; ++n) {
    for (int leaving = 0; leaving < n; ++leaving) {
      std::vector<int> before = InitialOwners(128, Ids(n)), after;
      ASSERT_TRUE(Shrink(before, Ids(n), leaving, &after).ok());
      EXPECT_EQ(MovedGroups(before, after), GroupsOf(before, leaving).size()) << n << " " << leaving;
      for (const Move& move : Moves(before, after)) EXPECT_EQ(move.from, leaving);
      EXPECT_TRUE(GroupsOf(after, leaving).empty());
      std::vector<int> rest = Ids(n);
      rest.erase(rest.begin() + leaving);
      ExpectBalanced(after, rest);
    }
  }
}

TEST(AssignmentTest, ShrinkGivesToAMemberHoldingNoGroup) {
  std::vector<int> after;
  ASSERT_TRUE(Shrink({0, 1}, {0, 1, 2}, 0, &after).ok());
  EXPECT_EQ(after, (std::vector<int>{2, 1}));
}

TEST(AssignmentTest, IdsAreNotReusedAfterAMemberLeaves) {
  std::vector<int> owners = InitialOwners(12, {0, 1, 2}), after;
  ASSERT_TRUE(Shrink(owners, {0, 1, 2}, 1, &after).ok());
  owners = after;
  ASSERT_TRUE(Grow(owners, {0, 2}, 3, &after).ok());
  EXPECT_EQ(Counts(after, {0, 2, 3}), (std::map<int, int>{{0, 4}, {2, 4}, {3, 4}}));
  EXPECT_EQ(MovedGroups(owners, after), 4u);
  EXPECT_TRUE(GroupsOf(after, 1).empty());
}

TEST(AssignmentTest, SameInputGivesTheSameTable) {
  std::vector<int> owners = InitialOwners(128, {0, 3, 5}), first, second;
  ASSERT_TRUE(Grow(owners, {0, 3, 5}, 9, &first).ok());
  ASSERT_TRUE(Grow(owners, {0, 3, 5}, 9, &second).ok());
  EXPECT_EQ(first, second);
  ASSERT_TRUE(Shrink(first, {0, 3, 5, 9}, 3, &first).ok());
  ASSERT_TRUE(Shrink(second, {0, 3, 5, 9}, 3, &second).ok());
  EXPECT_EQ(first, second);
}

TEST(AssignmentTest, GrowRefusesAMemberAlreadyThere) {
  std::vector<int> after;
  Status s = Grow({0, 1}, {0, 1}, 1, &after);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "member 1 is already in the shard");
}

TEST(AssignmentTest, ShrinkRefusesAStrangerAndTheLastMember) {
  std::vector<int> after;
  EXPECT_EQ(Shrink({0, 1}, {0, 1}, 4, &after).message(), "member 4 is not in the shard");
  EXPECT_EQ(Shrink({0, 0}, {0}, 0, &after).message(), "member 0 is the shard's last");
}

TEST(AssignmentTest, AnOwnerThatIsNoMemberIsAnError) {
  std::vector<int> after;
  EXPECT_EQ(Grow({0, 7}, {0}, 1, &after).message(), "key group 1 is owned by 7, not a member");
  EXPECT_EQ(Shrink({0, 7}, {0, 1}, 1, &after).message(), "key group 1 is owned by 7, not a member");
}

TEST(AssignmentTest, PickLeaverTakesTheFewestGroupsThenTheHighestId) {
  EXPECT_EQ(PickLeaver({0, 1, 2, 0, 1}, {0, 1, 2}), 2);
  EXPECT_EQ(PickLeaver({0, 1, 0, 1}, {0, 1}), 1);
  EXPECT_EQ(PickLeaver({0, 1}, {0, 1, 4}), 4);
  EXPECT_EQ(PickLeaver({}, {0, 2, 3}), 3);  // not hash-routed: the newest
  EXPECT_EQ(PickLeaver({}, {}), -1);
}

TEST(AssignmentTest, MovesOfEqualTablesAreNone) {
  EXPECT_TRUE(Moves({0, 1, 2}, {0, 1, 2}).empty());
  EXPECT_DOUBLE_EQ(MovedShare({0, 1, 2}, {0, 1, 2}), 0.0);
  EXPECT_DOUBLE_EQ(MovedShare({}, {}), 0.0);
}

}  // namespace datablox::shards
