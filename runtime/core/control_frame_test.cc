// A received control frame read as a message (control::ParseFrame): what
// every daemon does with a frame before any decoder sees it.
#include <gtest/gtest.h>

#include <string>

#include "runtime/core/control.h"
#include "runtime/core/control_protocol.h"

namespace datablox::control {
namespace {

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ControlFrameTest, AnObjectIsAMessageAnythingElseIsNot) {
  Json message;
  ASSERT_TRUE(ParseFrame(R"({"op": "list"})", &message).ok());
  EXPECT_EQ(message["op"], "list");
  EXPECT_EQ(ParseFrame("[1]", &message).message(), "control frame is not a JSON object");
  EXPECT_EQ(ParseFrame("{\"op\":", &message).message(), "control frame is not a JSON object");
}

// Found by fuzz/control_fuzz: a submit whose absolute_paths nested 300,000
// arrays overflowed the stack when its decoder copied the field.
TEST(ControlFrameTest, AFrameNestedTooDeepIsRefusedBeforeAnyDecoderCopiesIt) {
  Json message;
  const std::string deep = R"({"op": "submit", "file": "x", "text": "", "absolute_paths": )" + Nested(300000) + "}";
  const Status st = ParseFrame(deep, &message);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nested deeper than 256 levels"), std::string::npos) << st.message();
}

TEST(ControlFrameTest, APlanParameterNestedToItsLimitStillFits) {
  ParamValue value = ParamValue::Int(1);
  for (int i = 0; i < kMaxParamListNesting; ++i) value = ParamValue::List({value});
  Spawn spawn;
  spawn.plan.params.emplace("fields", value);
  Json message;
  ASSERT_TRUE(ParseFrame(Serialize(ToJson(spawn)), &message).ok());
  Spawn back;
  ASSERT_TRUE(FromJson(message, &back).ok());
  EXPECT_EQ(ToJson(back), ToJson(spawn));
}

}  // namespace
}  // namespace datablox::control
