#include "runtime/core/handler_check.h"

#include <gtest/gtest.h>

namespace datablox {
namespace {

ClassSpec Counting() {
  return ClassSpec("Counting", "a test class")
      .push_in("in")
      .handler("count", "logs counted")
      .handler("reset", "write anything: count starts again from 0");
}

TEST(HandlerCheckTest, ExactlyTheDeclaredHandlersPass) {
  EXPECT_TRUE(CheckHandlers(Counting(), {"reset", "count"}).ok());
}

TEST(HandlerCheckTest, AHandlerRegisteredTwiceCountsOnce) {
  // A read and a write handler of one name are two registrations.
  EXPECT_TRUE(CheckHandlers(Counting(), {"count", "reset", "count"}).ok());
}

TEST(HandlerCheckTest, NoHandlersDeclaredAndNoneRegisteredPass) {
  EXPECT_TRUE(CheckHandlers(ClassSpec("Quiet", "declares nothing"), {}).ok());
}

TEST(HandlerCheckTest, AnUndeclaredRegistrationIsNamed) {
  Status st = CheckHandlers(Counting(), {"count", "reset", "rate"});
  ASSERT_EQ(st.code(), Status::Code::kInvalid) << st.ToString();
  EXPECT_EQ(st.message(), "Counting registers handler 'rate' but does not declare it");
}

TEST(HandlerCheckTest, ADeclaredHandlerNeverRegisteredIsNamed) {
  Status st = CheckHandlers(Counting(), {"count"});
  ASSERT_EQ(st.code(), Status::Code::kInvalid) << st.ToString();
  EXPECT_EQ(st.message(), "Counting declares handler 'reset' but never registers it");
}

TEST(HandlerCheckTest, EveryOffenderIsNamedAtOnceUndeclaredFirst) {
  Status st = CheckHandlers(Counting(), {"rate", "groups", "rate"});
  EXPECT_EQ(st.message(),
            "Counting registers handler 'rate' but does not declare it; "
            "Counting registers handler 'groups' but does not declare it; "
            "Counting declares handler 'count' but never registers it; "
            "Counting declares handler 'reset' but never registers it");
}

TEST(HandlerCheckTest, OneLateRegistrationIsCheckedAlone) {
  EXPECT_TRUE(CheckHandlerDeclared(Counting(), "reset").ok());
  Status st = CheckHandlerDeclared(Counting(), "rate");
  ASSERT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_EQ(st.message(), "Counting registers handler 'rate' but does not declare it");
}

}  // namespace
}  // namespace datablox
