#include "dsl/suggest.h"

#include <gtest/gtest.h>

namespace datablox::dsl {
namespace {

const std::vector<std::string> kClasses = {"Counter", "Filter", "JsonLinesSink", "Map", "Sequence"};

TEST(ClosestNameTest, FindsANameWithinTwoEdits) {
  EXPECT_EQ(ClosestName("Fliter", kClasses), "Filter");
  EXPECT_EQ(ClosestName("Sequense", kClasses), "Sequence");
}

TEST(ClosestNameTest, IgnoresCase) {
  EXPECT_EQ(ClosestName("counter", kClasses), "Counter");
  EXPECT_EQ(ClosestName("jsonlinessink", kClasses), "JsonLinesSink");
  EXPECT_EQ(ClosestName("fitler", kClasses), "Filter");  // two edits once case is set aside
}

TEST(ClosestNameTest, AnswersNothingWhenNothingIsClose) {
  EXPECT_EQ(ClosestName("Zebra", kClasses), "");
  EXPECT_EQ(ClosestName("x", {}), "");
}

TEST(ClosestNameTest, PrefersTheCloserName) {
  EXPECT_EQ(ClosestName("runn", {"call", "run", "list"}), "run");
  EXPECT_EQ(ClosestName("Mapp", kClasses), "Map");
}

}  // namespace
}  // namespace datablox::dsl
