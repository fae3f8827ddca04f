// The harness (datablox/testing.h) on built-in classes whose behaviour is
// known: what it hands in, what it keeps, its clock.
#include "datablox/testing.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace datablox::testing {
namespace {

using Logs = std::vector<std::string>;

TEST(ElementHarness, KeepsWhatEachOutputGot) {
  std::unique_ptr<ElementHarness> run;
  ASSERT_TRUE(ElementHarness::Make("Filter", {{"expr", ParamValue::String("seq > 1")}}, &run).ok());
  ASSERT_TRUE(run->Push("in", {R"({"seq": 1})", R"({"seq": 2})", R"({"seq": 3})"}).ok());
  run->End();
  EXPECT_EQ(run->Output("out"), (Logs{R"({"seq":2})", R"({"seq":3})"}));
  EXPECT_EQ(run->Output("rejected"), (Logs{R"({"seq":1})"}));
  EXPECT_EQ(run->Read("passed"), "2");
  EXPECT_EQ(run->TakeOutput("out").size(), 2u);
  EXPECT_TRUE(run->Output("out").empty());
}

TEST(ElementHarness, RefusesAnUnknownClassABadParameterAndAnUnknownPort) {
  std::unique_ptr<ElementHarness> run;
  EXPECT_TRUE(ElementHarness::Make("NoSuchClass", {}, &run).IsNotFound());
  Status bad = ElementHarness::Make("Filter", {{"expr", ParamValue::String("seq >")}}, &run);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(run, nullptr);
  ASSERT_TRUE(ElementHarness::Make("Filter", {{"expr", ParamValue::String("true")}}, &run).ok());
  EXPECT_TRUE(run->Push("nowhere", {"{}"}).IsNotFound());
  EXPECT_FALSE(run->Push("in", {"not json"}).ok());
}

TEST(ElementHarness, AnswersQueries) {
  std::unique_ptr<ElementHarness> run;
  ASSERT_TRUE(ElementHarness::Make("Counter", {{"key", ParamValue::String("user")}}, &run).ok());
  ASSERT_TRUE(run->Push("in", {R"({"user": "a"})", R"({"user": "b"})", R"({"user": "a"})"}).ok());
  Answer answer = run->Query("query", R"({"group": "a"})");
  ASSERT_TRUE(answer.status.ok()) << answer.status.ToString();
  EXPECT_EQ(answer.json, R"({"count":2,"group":"a"})");  // keys sorted
  Answer bad = run->Query("query", R"({"top": -1})");
  EXPECT_FALSE(bad.status.ok());
}

TEST(ElementHarness, RunsASourceToItsEnd) {
  std::unique_ptr<ElementHarness> run;
  ASSERT_TRUE(ElementHarness::Make("Sequence", {{"count", ParamValue::Int(3)}}, &run).ok());
  ASSERT_TRUE(run->Produce().ok());
  EXPECT_EQ(run->Output("out").size(), 3u);
}

}  // namespace
}  // namespace datablox::testing
