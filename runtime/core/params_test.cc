#include "datablox/params.h"

#include <gtest/gtest.h>

namespace datablox {
namespace {

ClassSpec Spec() {
  return ClassSpec("Thing", "a test class")
      .param_int("count", "required")
      .param_float("rate", 1.5, "optional float")
      .param_string("name", "x", "optional string")
      .param_bool("flag", false, "optional bool")
      .param_expr("when", "true", "an expression")
      .param_list("tags", {ParamValue::String("a")}, "a list");
}

Params Resolved(std::map<std::string, ParamValue, std::less<>> given) {
  Params params;
  Status st = Params::Resolve(Spec(), std::move(given), &params);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return params;
}

TEST(ParamsTest, ResolveFillsDefaults) {
  Params params = Resolved({{"count", ParamValue::Int(3)}});
  int64_t count = 0;
  double rate = 0;
  std::string name, when;
  bool flag = true;
  std::vector<ParamValue> tags;
  ASSERT_TRUE(params.read("count", count)
                  .read("rate", rate)
                  .read("name", name)
                  .read("flag", flag)
                  .read("when", when)
                  .read("tags", tags)
                  .status()
                  .ok());
  EXPECT_EQ(count, 3);
  EXPECT_DOUBLE_EQ(rate, 1.5);
  EXPECT_EQ(name, "x");
  EXPECT_FALSE(flag);
  EXPECT_EQ(when, "true");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].s, "a");
}

TEST(ParamsTest, ResolveReportsEveryErrorAtOnce) {
  Params params;
  Status st = Params::Resolve(Spec(), {{"rate", ParamValue::String("fast")}, {"colour", ParamValue::Int(1)}}, &params);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("unknown parameter 'colour'"), std::string::npos);
  EXPECT_NE(st.message().find("parameter 'rate' of Thing must be float"), std::string::npos);
  EXPECT_NE(st.message().find("missing parameter 'count'"), std::string::npos);
}

TEST(ParamsTest, IntIsAcceptedForFloat) {
  Params params = Resolved({{"count", ParamValue::Int(1)}, {"rate", ParamValue::Int(4)}});
  double rate = 0;
  ASSERT_TRUE(params.read("rate", rate).status().ok());
  EXPECT_DOUBLE_EQ(rate, 4.0);
}

TEST(ParamsTest, AnIntParameterReadAsAStringIsAnErrorNotADefault) {
  Params params = Resolved({{"count", ParamValue::Int(7)}});
  std::string count = "untouched";
  Status st = params.read("count", count).status();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "Thing reads parameter 'count' as a string, but declares it int");
  EXPECT_EQ(count, "untouched");
}

// The value 4 would fit an int64_t; 4.5 would not: reading by the value
// would work for some topologies only.
TEST(ParamsTest, AFloatParameterGivenAsAnIntStillCannotBeReadAsAnInt) {
  Params params = Resolved({{"count", ParamValue::Int(1)}, {"rate", ParamValue::Int(4)}});
  int64_t rate = 0;
  Status st = params.read("rate", rate).status();
  EXPECT_EQ(st.message(), "Thing reads parameter 'rate' as an int, but declares it float");
  EXPECT_EQ(rate, 0);
}

TEST(ParamsTest, AnExpressionIsReadAsAString) {
  Params params = Resolved({{"count", ParamValue::Int(1)}, {"when", ParamValue::String("seq > 2")}});
  std::string when;
  ASSERT_TRUE(params.read("when", when).status().ok());
  EXPECT_EQ(when, "seq > 2");
  bool wrong = false;
  EXPECT_EQ(params.read("when", wrong).status().message(),
            "Thing reads parameter 'when' as a bool, but declares it expression");
}

TEST(ParamsTest, AnUndeclaredNameIsAnError) {
  Params params = Resolved({{"count", ParamValue::Int(1)}});
  bool verbose = false;
  EXPECT_EQ(params.read("verbose", verbose).status().message(),
            "Thing reads parameter 'verbose', which it does not declare");
}

TEST(ParamsTest, EveryMismatchOfAChainIsReportedAndTheRestAreRead) {
  Params params = Resolved({{"count", ParamValue::Int(5)}});
  int64_t count = 0, name = 0;
  bool flag = true, rate = false;
  Status st = params.read("name", name).read("count", count).read("rate", rate).read("flag", flag).status();
  EXPECT_EQ(st.message(),
            "Thing reads parameter 'name' as an int, but declares it string; "
            "Thing reads parameter 'rate' as a bool, but declares it float");
  EXPECT_EQ(count, 5);
  EXPECT_FALSE(flag);
}

TEST(ParamsTest, UnresolvedParamsDeclareNothing) {
  Params params;
  int64_t n = 0;
  EXPECT_FALSE(params.read("n", n).status().ok());
}

TEST(ParamValueTest, ToStringWritesTopologySyntax) {
  ParamValue list = ParamValue::List({ParamValue::Int(1), ParamValue::String("a\"b"), ParamValue::Bool(true)});
  EXPECT_EQ(list.ToString(), "[1, \"a\\\"b\", true]");
  EXPECT_EQ(ParamValue::Float(2.5).ToString(), "2.5");
}

}  // namespace
}  // namespace datablox
