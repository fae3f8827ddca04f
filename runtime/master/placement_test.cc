#include "runtime/master/placement.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace datablox {
namespace {

std::vector<std::string> PlaceAll(Placement& placement, int count) {
  std::vector<std::string> nodes;
  for (int i = 0; i < count; ++i) {
    std::string node;
    EXPECT_TRUE(placement.PlaceNew("e" + std::to_string(i), "", &node).ok());
    nodes.push_back(node);
  }
  return nodes;
}

TEST(PlacementTest, NewElementsSpreadByElementsPerCore) {
  Placement placement({{"a", 1, 0, 0}, {"b", 2, 0, 0}});
  // b has two cores: it takes two of every three.
  EXPECT_EQ(PlaceAll(placement, 6), (std::vector<std::string>{"a", "b", "b", "a", "b", "b"}));
}

TEST(PlacementTest, NewElementsCountWhatRunsAlready) {
  Placement placement({{"a", 1, 3, 0}, {"b", 1, 0, 0}});
  EXPECT_EQ(PlaceAll(placement, 4), (std::vector<std::string>{"b", "b", "b", "a"}));
}

TEST(PlacementTest, NewElementsIgnoreTheCpuFigure) {
  Placement placement({{"a", 1, 0, 400}, {"b", 1, 0, 0}});
  EXPECT_EQ(PlaceAll(placement, 1), (std::vector<std::string>{"a"}));  // a tie by count: the first
}

TEST(PlacementTest, PinnedElementGoesWhereItIsPinnedAndCounts) {
  Placement placement({{"a", 1, 0, 0}, {"b", 1, 0, 0}});
  std::string node;
  ASSERT_TRUE(placement.PlaceNew("x", "b", &node).ok());
  EXPECT_EQ(node, "b");
  ASSERT_TRUE(placement.PlaceNew("y", "b", &node).ok());
  EXPECT_EQ(node, "b");
  EXPECT_EQ(PlaceAll(placement, 2), (std::vector<std::string>{"a", "a"}));
}

TEST(PlacementTest, PinnedToAnAbsentNodeIsNotFound) {
  Placement placement({{"a", 1, 0, 0}});
  std::string node = "unchanged";
  Status st = placement.PlaceNew("x", "gone", &node);
  EXPECT_TRUE(st.IsNotFound());
  EXPECT_EQ(st.message(), "element 'x' is placed on node 'gone', which has not joined");
  EXPECT_EQ(node, "unchanged");
}

TEST(PlacementTest, NoNodeIsUnavailable) {
  Placement placement({});
  EXPECT_TRUE(placement.empty());
  std::string node;
  Status st = placement.PlaceNew("x", "", &node);
  EXPECT_EQ(st.code(), Status::Code::kUnavailable);
  EXPECT_EQ(st.message(), "no caretaker has joined the master");
}

TEST(PlacementTest, MovedElementAvoidsItsDeadNodeAndCounts) {
  Placement placement({{"a", 1, 1, 0}, {"b", 1, 2, 0}, {"dead", 8, 0, 0}});
  EXPECT_EQ(placement.PlaceMoved("dead"), "a");  // 1 per core against 2
  EXPECT_EQ(placement.PlaceMoved("dead"), "a");  // 2 against 2: the first
  EXPECT_EQ(placement.PlaceMoved("dead"), "b");  // 3 against 2
}

TEST(PlacementTest, MovedElementBreaksATieByCpu) {
  Placement placement({{"a", 1, 1, 90}, {"b", 1, 1, 10}});
  EXPECT_EQ(placement.PlaceMoved(""), "b");
}

TEST(PlacementTest, MovedElementCpuWeighsLessThanOneElementPerCore) {
  Placement placement({{"a", 1, 1, 0}, {"b", 1, 2, 900}, {"c", 1, 3, 0}});
  EXPECT_EQ(placement.PlaceMoved(""), "a");
  EXPECT_EQ(placement.PlaceMoved(""), "a");  // a: 2 against b: 2.9
  EXPECT_EQ(placement.PlaceMoved(""), "b");  // a: 3 against b: 2.9
}

TEST(PlacementTest, MovedElementWithNoOtherNodeGetsNone) {
  Placement placement({{"dead", 1, 0, 0}});
  EXPECT_EQ(placement.PlaceMoved("dead"), "");
  Placement none({});
  EXPECT_EQ(none.PlaceMoved("x"), "");
}

}  // namespace
}  // namespace datablox
