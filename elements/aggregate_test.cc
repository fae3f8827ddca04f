// Aggregate through the harness: exact outputs, windows at their edges,
// late logs, bad parameters.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "datablox/testing.h"

namespace datablox::testing {
namespace {

using Logs = std::vector<std::string>;

std::unique_ptr<ElementHarness> Started(GivenParams params) {
  std::unique_ptr<ElementHarness> run;
  Status st = ElementHarness::Make("Aggregate", std::move(params), &run);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return run;
}
ParamValue S(const char* s) { return ParamValue::String(s); }
ParamValue By(const char* field) { return ParamValue::List({ParamValue::String(field)}); }

TEST(Aggregate, EveryFunctionAtTheEndOfInput) {
  auto run =
      Started({{"by", By("user")},
               {"compute", S("n = count(), total = sum(size), lo = min(size), hi = max(size), mean = avg(size), "
                             "a = first(page), z = last(page), pages = count_distinct(page), sized = count(size)")}});
  ASSERT_TRUE(run->Push("in", {R"({"user":"b","size":4,"page":"x"})", R"({"user":"a","size":1,"page":"x"})",
                               R"({"user":"a","size":3,"page":"y"})", R"({"user":"a","page":"x"})"})
                  .ok());
  EXPECT_TRUE(run->Output("out").empty());  // nothing before the end
  run->End();
  EXPECT_EQ(run->Output("out"),
            (Logs{R"({"a":"x","hi":3,"lo":1,"mean":2.0,"n":3,"pages":2,"sized":2,"total":4,"user":"a","z":"x"})",
                  R"({"a":"x","hi":4,"lo":4,"mean":4.0,"n":1,"pages":1,"sized":1,"total":4,"user":"b","z":"x"})"}));
  EXPECT_EQ(run->Read("logs"), "4");
}

TEST(Aggregate, ByTwoFieldsAndFloatSums) {
  auto run = Started({{"by", ParamValue::List({S("k"), S("j")})}, {"compute", S("s = sum(v)")}});
  ASSERT_TRUE(
      run->Push("in", {R"({"k":1,"j":"x","v":1})", R"({"k":1,"j":"y","v":2.5})", R"({"k":1,"j":"x","v":0.5})"}).ok());
  run->End();
  EXPECT_EQ(run->Output("out"), (Logs{R"({"j":"x","k":1,"s":1.5})", R"({"j":"y","k":1,"s":2.5})"}));
}

TEST(Aggregate, RejectsALogOfTheWrongTypeWhole) {
  auto run = Started({{"compute", S("n = count(), s = sum(v)")}});
  ASSERT_TRUE(run->Push("in", {R"({"v":1})", R"({"v":"two"})"}).ok());
  run->End();
  EXPECT_EQ(run->Output("out"), (Logs{R"({"n":1,"s":1})"}));
  EXPECT_EQ(run->rejected(), 1);
  EXPECT_EQ(run->Read("errors"), "1");
}

TEST(Aggregate, ReportsEveryComputeErrorAtItsColumn) {
  std::unique_ptr<ElementHarness> run;
  Status st = ElementHarness::Make("Aggregate", {{"compute", S("n = count(), m = mean(x), s = sum()")}}, &run);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("column 18: unknown function \"mean\""), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("column 31: sum() needs a field"), std::string::npos) << st.message();
}

TEST(Aggregate, ReportsEveryWindowErrorAtOnce) {
  std::unique_ptr<ElementHarness> run;
  Status st = ElementHarness::Make("Aggregate",
                                   {{"compute", S("n = count()")},
                                    {"window", S("event")},
                                    {"size", ParamValue::Int(10)},
                                    {"slide", ParamValue::Int(20)},
                                    {"by", ParamValue::List({ParamValue::Int(3)})}},
                                   &run);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("by[0]"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("slide: 20 is not within"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("time: an event-time window needs TIME"), std::string::npos) << st.message();
  EXPECT_FALSE(
      ElementHarness::Make("Aggregate",
                           {{"compute", S("n = count()")}, {"window", S("hourly")}, {"size", ParamValue::Int(1)}}, &run)
          .ok());
}

TEST(Aggregate, TumblingCountWindowsPerGroupAndTheOpenOneAtTheEnd) {
  auto run =
      Started({{"by", By("u")}, {"compute", S("s = sum(v)")}, {"window", S("count")}, {"size", ParamValue::Int(2)}});
  ASSERT_TRUE(
      run->Push("in", {R"({"u":"a","v":1})", R"({"u":"b","v":10})", R"({"u":"a","v":2})", R"({"u":"a","v":3})"}).ok());
  EXPECT_EQ(run->TakeOutput("out"), (Logs{R"({"s":3,"u":"a","window_end":2,"window_start":0})"}));
  run->End();
  EXPECT_EQ(run->Output("out"), (Logs{R"({"s":3,"u":"a","window_end":3,"window_start":2})",
                                      R"({"s":10,"u":"b","window_end":1,"window_start":0})"}));
}

TEST(Aggregate, SlidingCountWindows) {
  auto run = Started({{"compute", S("s = sum(v)")},
                      {"window", S("count")},
                      {"size", ParamValue::Int(4)},
                      {"slide", ParamValue::Int(2)}});
  ASSERT_TRUE(
      run->Push("in", {R"({"v":1})", R"({"v":2})", R"({"v":3})", R"({"v":4})", R"({"v":5})", R"({"v":6})"}).ok());
  EXPECT_EQ(run->Output("out"),
            (Logs{R"({"s":3,"window_end":2,"window_start":0})", R"({"s":10,"window_end":4,"window_start":0})",
                  R"({"s":18,"window_end":6,"window_start":2})"}));
}

TEST(Aggregate, ProcessingTimeWindowsCloseOnTheClock) {
  auto run = Started({{"compute", S("n = count()")},
                      {"window", S("processing")},
                      {"size", ParamValue::Int(1000)},
                      {"slide", ParamValue::Int(500)}});
  ASSERT_TRUE(run->Push("in", {"{}", "{}"}).ok());
  run->Advance(Milliseconds(499));
  EXPECT_TRUE(run->Output("out").empty());  // a millisecond before the pane closes
  run->Advance(Milliseconds(1));
  ASSERT_TRUE(run->Push("in", {"{}"}).ok());
  run->Advance(Milliseconds(500));
  run->Advance(Milliseconds(500));
  Logs out = run->Output("out");
  ASSERT_EQ(out.size(), 3u);  // panes [2], [2, 1], [1]
  std::vector<int64_t> counts, starts, ends;
  for (const std::string& json : out) {
    OwnedLog log;
    ASSERT_TRUE(OwnedLog::FromJson(json, &log).ok());
    counts.push_back(log.get("n").as_int());
    starts.push_back(log.get("window_start").as_int());
    ends.push_back(log.get("window_end").as_int());
  }
  EXPECT_EQ(counts, (std::vector<int64_t>{2, 3, 1}));
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(ends[i] - starts[i], 1000);
  EXPECT_EQ(ends[1] - ends[0], 500);
  EXPECT_EQ(ends[2] - ends[1], 500);
}

GivenParams EventParams(int64_t size, int64_t slide, int64_t delay, int64_t lateness) {
  return {{"by", By("u")},
          {"compute", S("n = count()")},
          {"window", S("event")},
          {"time", S("t")},
          {"size", ParamValue::Int(size)},
          {"slide", ParamValue::Int(slide)},
          {"delay", ParamValue::Int(delay)},
          {"lateness", ParamValue::Int(lateness)}};
}

TEST(Aggregate, EventTimeWindowFiresWhenTheWatermarkPassesItsLastMillisecond) {
  auto run = Started(EventParams(10, 0, 0, 0));
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":0})", R"({"u":"a","t":9})", R"({"u":"b","t":5})"}).ok());
  EXPECT_TRUE(run->Output("out").empty());                     // watermark 8: [0, 10) not done
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":10})"}).ok());  // watermark 9
  EXPECT_EQ(run->TakeOutput("out"), (Logs{R"({"n":2,"u":"a","window_end":10,"window_start":0})",
                                          R"({"n":1,"u":"b","window_end":10,"window_start":0})"}));
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":3})"}).ok());  // its window is gone
  EXPECT_EQ(run->Output("late"), (Logs{R"({"t":3,"u":"a"})"}));
  EXPECT_EQ(run->Read("late"), "1");
  run->End();
  EXPECT_EQ(run->Output("out"), (Logs{R"({"n":1,"u":"a","window_end":20,"window_start":10})"}));
}

TEST(Aggregate, DelayHoldsTheWatermarkBack) {
  auto run = Started(EventParams(10, 0, 5, 0));
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":12})", R"({"u":"a","t":4})"}).ok());  // watermark 6
  EXPECT_TRUE(run->Output("out").empty());
  EXPECT_TRUE(run->Output("late").empty());
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":15})"}).ok());  // watermark 9
  EXPECT_EQ(run->Output("out"), (Logs{R"({"n":1,"u":"a","window_end":10,"window_start":0})"}));
}

TEST(Aggregate, LatenessReEmitsTheWindowUpdatedThenDropsItToLate) {
  auto run = Started(EventParams(10, 0, 0, 5));
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":1})", R"({"u":"a","t":11})"}).ok());  // watermark 10
  EXPECT_EQ(run->TakeOutput("out"), (Logs{R"({"n":1,"u":"a","window_end":10,"window_start":0})"}));
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":2})"}).ok());  // within lateness: fires again
  EXPECT_EQ(run->TakeOutput("out"), (Logs{R"({"n":2,"u":"a","window_end":10,"window_start":0})"}));
  // The watermark moves after each batch: 14, which passed 9 + 5.
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":15})"}).ok());
  EXPECT_TRUE(run->TakeOutput("out").empty());  // [10, 20) is still open
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":3})"}).ok());
  EXPECT_TRUE(run->Output("out").empty());
  EXPECT_EQ(run->Output("late"), (Logs{R"({"t":3,"u":"a"})"}));
}

TEST(Aggregate, SlidingEventWindowsHoldALogInEachOfTheirs) {
  auto run = Started(EventParams(10, 5, 0, 0));
  ASSERT_TRUE(run->Push("in", {R"({"u":"a","t":7})"}).ok());
  run->End();
  EXPECT_EQ(run->Output("out"), (Logs{R"({"n":1,"u":"a","window_end":10,"window_start":0})",
                                      R"({"n":1,"u":"a","window_end":15,"window_start":5})"}));
}

TEST(Aggregate, ALogWithoutItsTimeIsRejected) {
  auto run = Started(EventParams(10, 0, 0, 0));
  ASSERT_TRUE(run->Push("in", {R"({"u":"a"})", R"({"u":"a","t":"noon"})"}).ok());
  EXPECT_EQ(run->rejected(), 2);
  EXPECT_EQ(run->Read("errors"), "2");
}

}  // namespace
}  // namespace datablox::testing
