#include "runtime/core/bounded_json.h"

#include <gtest/gtest.h>

#include <string>

namespace datablox {
namespace {

TEST(BoundedJsonTest, NestingPastTheLimitIsRefused) {
  nlohmann::json j;
  EXPECT_TRUE(ParseBoundedJson("[[[1]]]", &j, 3).ok());
  EXPECT_EQ(ParseBoundedJson("[[[[1]]]]", &j, 3).message(), "JSON nested deeper than 3 levels");
  EXPECT_EQ(ParseBoundedJson(std::string(100000, '['), &j).message(), "JSON nested deeper than 8 levels");
  EXPECT_EQ(ParseBoundedJson(R"([{"a": [[1]]}])", &j, 3).message(), "JSON nested deeper than 3 levels");
}

TEST(BoundedJsonTest, BracketsInsideStringsAreNoNesting) {
  nlohmann::json j;
  ASSERT_TRUE(ParseBoundedJson(R"(["[[[{{{", "\"[[[[", {"k]]]": "}"}])", &j, 2).ok());
  EXPECT_EQ(j[1], "\"[[[[");
  EXPECT_EQ(j[2]["k]]]"], "}");
  EXPECT_EQ(ParseBoundedJson(R"(["\\", [[1]]])", &j, 2).message(), "JSON nested deeper than 2 levels");
  EXPECT_EQ(ParseBoundedJson("[1]]]", &j, 2).message(), "not JSON");
}

TEST(BoundedJsonTest, AnArrayOfManyObjectsParsesWhole) {
  // 200,000 objects: the callback parser this replaced took quadratic time on them.
  std::string text = "[";
  for (int i = 0; i < 200000; ++i) text += i ? ",{}" : "{}";
  text += "]";
  nlohmann::json j;
  ASSERT_TRUE(ParseBoundedJson(text, &j, 2).ok());
  EXPECT_EQ(j.size(), 200000u);
}

}  // namespace
}  // namespace datablox
