#include "shards/query_targets.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "shards/test_logs.h"

namespace datablox::shards {
namespace {

using test_logs::Json;

control::ShardRoute HashedByUser() {
  control::ShardRoute route;
  route.shard = "users";
  route.route = RouteKind::kHash;
  route.key = "user";
  route.key_groups = 8;
  route.owners = {0, 0, 1, 1, 2, 2, 0, 1};
  return route;
}

TEST(QueryTargetsTest, ARequestNamingTheKeyGoesToItsGroupsOwnerOnly) {
  control::ShardRoute route = HashedByUser();
  std::vector<int> targets;
  for (const char* user : {"alice", "bob", "carol", "dave"}) {
    ASSERT_TRUE(QueryTargets(route, Json(fmt::format(R"({{"user":"{}"}})", user)).log(), {0, 1, 2}, &targets).ok());
    EXPECT_EQ(targets, std::vector<int>{route.owners[KeyGroupOf(user, 8)]}) << user;
  }
}

TEST(QueryTargetsTest, ANonStringKeyIsHashedAsItsJson) {
  control::ShardRoute route = HashedByUser();
  std::vector<int> targets;
  ASSERT_TRUE(QueryTargets(route, Json(R"({"user":42})").log(), {0, 1, 2}, &targets).ok());
  EXPECT_EQ(targets, std::vector<int>{route.owners[KeyGroupOf("42", 8)]});
}

TEST(QueryTargetsTest, ARequestWithoutTheKeyGoesToEveryMember) {
  std::vector<int> targets;
  ASSERT_TRUE(QueryTargets(HashedByUser(), Json(R"({"group":"alice"})").log(), {0, 1, 2}, &targets).ok());
  EXPECT_EQ(targets, (std::vector<int>{0, 1, 2}));
}

TEST(QueryTargetsTest, OtherRoutesAskEveryMemberEvenWithTheKey) {
  for (RouteKind kind : {RouteKind::kRoundRobin, RouteKind::kBroadcast, RouteKind::kWorkQueue}) {
    control::ShardRoute route = HashedByUser();
    route.route = kind;
    std::vector<int> targets;
    ASSERT_TRUE(QueryTargets(route, Json(R"({"user":"alice"})").log(), {2, 0}, &targets).ok());
    EXPECT_EQ(targets, (std::vector<int>{2, 0})) << RouteKindName(kind);
  }
}

TEST(QueryTargetsTest, AnOwnerWithoutALinkIsUnavailable) {
  control::ShardRoute route = HashedByUser();
  route.owners.assign(8, 5);
  std::vector<int> targets;
  Status st = QueryTargets(route, Json(R"({"user":"alice"})").log(), {0, 1}, &targets);
  EXPECT_EQ(st.code(), Status::Code::kUnavailable);
  EXPECT_EQ(st.message(),
            fmt::format("shard 'users': users/5 owns key group {} but is not linked here", KeyGroupOf("alice", 8)));
  EXPECT_TRUE(targets.empty());
}

TEST(QueryTargetsTest, NoMemberToAskIsUnavailable) {
  std::vector<int> targets;
  Status st = QueryTargets(HashedByUser(), Json("{}").log(), {}, &targets);
  EXPECT_EQ(st.code(), Status::Code::kUnavailable);
  EXPECT_EQ(st.message(), "shard 'users' has no member to ask");
}

// The gap of issue 10's queries: while a grow or shrink moves key groups,
// a keyed request went to the group's owner in the requester's table, which
// may have exported the state already (an answer of 0), or the new owner,
// which may not have it yet. Now it waits for the release.
TEST(QueryTargetsTest, ARequestForAKeyWhoseGroupIsMovingWaitsForTheRelease) {
  control::ShardRoute route = HashedByUser();
  route.held = {KeyGroupOf("alice", 8)};
  EXPECT_TRUE(WaitsForHeldGroups(route, Json(R"({"user":"alice"})").log()));
  route.held = {};  // the release
  EXPECT_FALSE(WaitsForHeldGroups(route, Json(R"({"user":"alice"})").log()));
}

TEST(QueryTargetsTest, ARequestForAKeyWhoseGroupStaysGoesAtOnce) {
  control::ShardRoute route = HashedByUser();
  const int alice = KeyGroupOf("alice", 8);
  route.held = {(alice + 1) % 8, (alice + 2) % 8};
  EXPECT_FALSE(WaitsForHeldGroups(route, Json(R"({"user":"alice"})").log()));
}

TEST(QueryTargetsTest, ARequestOfEveryMemberWaitsWhileAnyGroupMoves) {
  control::ShardRoute route = HashedByUser();
  EXPECT_FALSE(WaitsForHeldGroups(route, Json("{}").log()));
  route.held = {3};
  EXPECT_TRUE(WaitsForHeldGroups(route, Json("{}").log()));
  EXPECT_TRUE(WaitsForHeldGroups(route, Json(R"({"group":"alice"})").log()));
}

TEST(QueryTargetsTest, NothingHeldNeverWaits) {
  control::ShardRoute route = HashedByUser();
  route.route = RouteKind::kRoundRobin;
  EXPECT_FALSE(WaitsForHeldGroups(route, Json(R"({"user":"alice"})").log()));
  EXPECT_FALSE(WaitsForHeldGroups(route, Json("{}").log()));
}

}  // namespace
}  // namespace datablox::shards
