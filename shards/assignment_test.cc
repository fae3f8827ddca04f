#include "shards/assignment.h"

#include <gtest/gtest.h>

#include <map>

namespace datablox::shards {

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

}  // namespace datablox::shards
