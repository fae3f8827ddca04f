// Dedup, Route and Sample through the harness.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "datablox/testing.h"

namespace datablox::testing {
namespace {

using Logs = std::vector<std::string>;

std::unique_ptr<ElementHarness> Started(const char* class_name, GivenParams params) {
  std::unique_ptr<ElementHarness> run;
  Status st = ElementHarness::Make(class_name, std::move(params), &run);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return run;
}

TEST(Dedup, PassesTheFirstOfEachKeyAndSendsTheRestToDuplicates) {
  auto run = Started("Dedup", {{"key", ParamValue::List({ParamValue::String("id")})}, {"within", ParamValue::Int(10)}});
  ASSERT_TRUE(run->Push("in", {R"({"id":1,"v":"a"})", R"({"id":2})", R"({"id":1,"v":"b"})"}).ok());
  EXPECT_EQ(run->Output("out"), (Logs{R"({"id":1,"v":"a"})", R"({"id":2})"}));
  EXPECT_EQ(run->Output("duplicates"), (Logs{R"({"id":1,"v":"b"})"}));
  EXPECT_EQ(run->Read("dropped"), "1");
}

TEST(Dedup, WithinBoundsWhatItRemembers) {
  auto run = Started("Dedup", {{"within", ParamValue::Int(2)}});  // the whole log is the key
  ASSERT_TRUE(run->Push("in", {R"({"a":1})", R"({"a":2})", R"({"a":1})", R"({"a":3})", R"({"a":1})"}).ok());
  // {"a":3} pushes {"a":1} out: the second repeat of it passes again.
  EXPECT_EQ(run->Output("out"), (Logs{R"({"a":1})", R"({"a":2})", R"({"a":3})", R"({"a":1})"}));
  EXPECT_EQ(run->Read("remembered"), "2");
}

TEST(Dedup, RefusesBadParameters) {
  std::unique_ptr<ElementHarness> run;
  Status st = ElementHarness::Make(
      "Dedup", {{"within", ParamValue::Int(0)}, {"key", ParamValue::List({ParamValue::Int(1)})}}, &run);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("key[0]"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("within: must be > 0"), std::string::npos) << st.message();
}

TEST(Route, TheFirstTrueCaseWinsTheRestGoToDefault) {
  auto run =
      Started("Route", {{"cases", ParamValue::List({ParamValue::String("n > 10"), ParamValue::String("n > 5")})}});
  ASSERT_TRUE(run->Push("in", {R"({"n":20})", R"({"n":7})", R"({"n":1})", R"({"n":"x"})"}).ok());
  EXPECT_EQ(run->Output("case0"), (Logs{R"({"n":20})"}));
  EXPECT_EQ(run->Output("case1"), (Logs{R"({"n":7})"}));
  EXPECT_EQ(run->Output("default"), (Logs{R"({"n":1})", R"({"n":"x"})"}));
  EXPECT_EQ(run->Read("routed"), "1,1");
  EXPECT_EQ(run->Read("defaulted"), "1");
  EXPECT_EQ(run->Read("errors"), "1");
  EXPECT_EQ(run->rejected(), 1);
}

TEST(Route, ReportsEveryBadCase) {
  std::unique_ptr<ElementHarness> run;
  Status st = ElementHarness::Make(
      "Route",
      {{"cases", ParamValue::List({ParamValue::String("n >"), ParamValue::Int(3), ParamValue::String("true")})}}, &run);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cases[0]: column"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("cases[1]: an expression"), std::string::npos) << st.message();
  EXPECT_FALSE(ElementHarness::Make("Route", {}, &run).ok());
}

TEST(Sample, EveryPassesTheFirstOfEachRun) {
  auto run = Started("Sample", {{"every", ParamValue::Int(3)}});
  ASSERT_TRUE(run->Push("in", {R"({"i":0})", R"({"i":1})", R"({"i":2})", R"({"i":3})", R"({"i":4})"}).ok());
  EXPECT_EQ(run->Output("out"), (Logs{R"({"i":0})", R"({"i":3})"}));
  EXPECT_EQ(run->Output("dropped").size(), 3u);
  EXPECT_EQ(run->Read("passed"), "2");
}

TEST(Sample, RateIsRepeatableBySeedAndNearItsShare) {
  std::vector<std::string> logs(10000, "{}");
  auto once = [&](int64_t seed) {
    auto run = Started("Sample", {{"rate", ParamValue::Float(0.25)}, {"seed", ParamValue::Int(seed)}});
    EXPECT_TRUE(run->Push("in", logs).ok());
    return std::stoi(run->Read("passed"));
  };
  const int passed = once(7);
  EXPECT_EQ(passed, once(7));
  EXPECT_GT(passed, 2250);  // 0.25 of 10000, five standard deviations (43) off at most
  EXPECT_LT(passed, 2750);
}

TEST(Sample, RefusesBothOrNeitherAndARateOutOfRange) {
  std::unique_ptr<ElementHarness> run;
  EXPECT_FALSE(ElementHarness::Make("Sample", {}, &run).ok());
  EXPECT_FALSE(
      ElementHarness::Make("Sample", {{"rate", ParamValue::Float(0.5)}, {"every", ParamValue::Int(2)}}, &run).ok());
  EXPECT_FALSE(ElementHarness::Make("Sample", {{"rate", ParamValue::Float(1.5)}}, &run).ok());
}

}  // namespace
}  // namespace datablox::testing
