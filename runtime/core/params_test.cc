#include <gtest/gtest.h>

#include "datablox/params.h"

namespace datablox {
namespace {

ClassSpec Spec() {
  return ClassSpec("Thing", "a test class")
      .param_int("count", "required")
      .param_float("rate", 1.5, "optional float")
      .param_string("name", "x", "optional string")
      .param_bool("flag", false, "optional bool");
}

TEST(ParamsTest, ResolveFillsDefaults) {
  Params params;
  ASSERT_TRUE(Params::Resolve(Spec(), {{"count", ParamValue::Int(3)}}, &params).ok());
  int64_t count = 0;
  double rate = 0;
  std::string name;
  bool flag = true;
  ASSERT_TRUE(params.read("count", count).read("rate", rate).read("name", name).read("flag", flag).status().ok());
  EXPECT_EQ(count, 3);
  EXPECT_DOUBLE_EQ(rate, 1.5);
  EXPECT_EQ(name, "x");
  EXPECT_FALSE(flag);
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
  Params params;
  ASSERT_TRUE(Params::Resolve(Spec(), {{"count", ParamValue::Int(1)}, {"rate", ParamValue::Int(4)}}, &params).ok());
  double rate = 0;
  ASSERT_TRUE(params.read("rate", rate).status().ok());
  EXPECT_DOUBLE_EQ(rate, 4.0);
}

TEST(ParamsTest, ReaderRefusesTypeMismatchesAndNamesThem) {
  Params params({{"n", ParamValue::String("7")}});
  int64_t n = 0;
  bool b = false;
  Status st = params.read("n", n).read("missing", b).status();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("parameter 'n' must be an int, not \"7\""), std::string::npos);
  EXPECT_NE(st.message().find("parameter 'missing' is missing"), std::string::npos);
  EXPECT_EQ(n, 0);
}

TEST(ParamValueTest, ToStringWritesTopologySyntax) {
  ParamValue list = ParamValue::List({ParamValue::Int(1), ParamValue::String("a\"b"), ParamValue::Bool(true)});
  EXPECT_EQ(list.ToString(), "[1, \"a\\\"b\", true]");
  EXPECT_EQ(ParamValue::Float(2.5).ToString(), "2.5");
}

}  // namespace
}  // namespace datablox
