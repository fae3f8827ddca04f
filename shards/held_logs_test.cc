#include "shards/held_logs.h"

#include <gtest/gtest.h>

namespace datablox::shards {
namespace {

std::vector<std::string> Bytes(const std::vector<HeldLog>& logs) {
  std::vector<std::string> bytes;
  for (const HeldLog& log : logs) bytes.push_back(log.bytes);
  return bytes;
}

TEST(HeldLogsTest, IsFullAtItsCapacity) {
  HeldLogs held(2);
  EXPECT_TRUE(held.empty());
  held.Hold(1, "a");
  EXPECT_FALSE(held.full());
  held.Hold(1, "b");
  EXPECT_TRUE(held.full());
  EXPECT_EQ(held.size(), 2u);
}

TEST(HeldLogsTest, AZeroCapacityHoldsOne) {
  HeldLogs held(0);
  EXPECT_EQ(held.capacity(), 1u);
}

TEST(HeldLogsTest, ReleasesTheGroupsNoLongerHeldInOrderAndKeepsTheRest) {
  HeldLogs held(10);
  held.Hold(1, "a1");
  held.Hold(2, "b1");
  held.Hold(1, "a2");
  held.Hold(3, "c1");
  held.Hold(2, "b2");
  std::vector<HeldLog> out = held.Release([](int group) { return group == 2; });
  EXPECT_EQ(Bytes(out), (std::vector<std::string>{"a1", "a2", "c1"}));
  EXPECT_EQ(out[0].group, 1);
  EXPECT_EQ(out[2].group, 3);
  EXPECT_EQ(held.size(), 2u);
  out = held.Release([](int) { return false; });
  EXPECT_EQ(Bytes(out), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_TRUE(held.empty());
}

TEST(HeldLogsTest, ReleasingWhileAllStayHeldGivesNothing) {
  HeldLogs held(4);
  held.Hold(0, "x");
  EXPECT_TRUE(held.Release([](int) { return true; }).empty());
  EXPECT_EQ(held.size(), 1u);
}

}  // namespace
}  // namespace datablox::shards
