#include "runtime/core/warning_limiter.h"

#include <gtest/gtest.h>

#include "runtime/core/control.h"

namespace datablox {
namespace {

using std::chrono::milliseconds;

TEST(WarningLimiterTest, OneLinePerKindPerIntervalAndTheNextSaysHowManyWereHeldBack) {
  WarningLimiter limiter(std::chrono::seconds(1));
  WarningLimiter::Clock::time_point t0{};
  uint64_t suppressed = 99;
  ASSERT_TRUE(limiter.Allow("malformed", t0, &suppressed));
  EXPECT_EQ(suppressed, 0u);
  for (int i = 1; i <= 1000; ++i) EXPECT_FALSE(limiter.Allow("malformed", t0 + milliseconds(i % 999), &suppressed));
  ASSERT_TRUE(limiter.Allow("malformed", t0 + milliseconds(1000), &suppressed));
  EXPECT_EQ(suppressed, 1000u);
  EXPECT_FALSE(limiter.Allow("malformed", t0 + milliseconds(1500), &suppressed));
}

TEST(WarningLimiterTest, KindsAreLimitedSeparately) {
  WarningLimiter limiter(std::chrono::seconds(1));
  WarningLimiter::Clock::time_point t0{};
  uint64_t suppressed = 0;
  ASSERT_TRUE(limiter.Allow("from a client", t0, &suppressed));
  EXPECT_TRUE(limiter.Allow("from a caretaker", t0, &suppressed));
  EXPECT_FALSE(limiter.Allow("from a client", t0, &suppressed));
}

TEST(PrintableIdTest, ControlBytesAndNonAsciiAreEscapedAndLongIdsCut) {
  EXPECT_EQ(control::PrintableId("node:n1"), "'node:n1'");
  EXPECT_EQ(control::PrintableId(std::string("a\0\xff'\\", 5)), "'a\\x00\\xff\\x27\\x5c'");
  std::string printed = control::PrintableId(std::string(1000, 'x'));
  EXPECT_EQ(printed, "'" + std::string(64, 'x') + "...'");
}

}  // namespace
}  // namespace datablox
