#include "cell/query/time_parts.h"

#include <gtest/gtest.h>

namespace datablox::eql {
namespace {

constexpr int64_t kDay = 86'400'000;

std::string Text(DimFunction f, int64_t ms) {
  std::string text;
  EXPECT_TRUE(TimePartText(f, TimePart(f, ms), &text));
  return text;
}

TEST(TimePartsTest, DayAndMonthAreCalendarDatesInUtc) {
  EXPECT_EQ(Text(DimFunction::kDay, 1'700'000'000'000), "2023-11-14");  // 22:13:20 UTC
  EXPECT_EQ(Text(DimFunction::kMonth, 1'700'000'000'000), "2023-11");
  EXPECT_EQ(Text(DimFunction::kDay, 0), "1970-01-01");
  EXPECT_EQ(Text(DimFunction::kDay, 951'782'400'000), "2000-02-29");  // a leap day
  EXPECT_EQ(Text(DimFunction::kMonth, 951'782'400'000), "2000-02");
}

TEST(TimePartsTest, TimesBeforeTheEpochRoundDown) {
  EXPECT_EQ(Text(DimFunction::kDay, -1), "1969-12-31");
  EXPECT_EQ(Text(DimFunction::kMonth, -1), "1969-12");
  EXPECT_EQ(TimePart(DimFunction::kHour, -1), 23);
  EXPECT_EQ(TimePart(DimFunction::kDayOfWeek, -1), 3);  // 1969-12-31: a Wednesday
}

TEST(TimePartsTest, HourOfTheDayAndIsoDayOfTheWeek) {
  EXPECT_EQ(TimePart(DimFunction::kHour, 1'700'000'000'000), 22);
  EXPECT_EQ(TimePart(DimFunction::kDayOfWeek, 0), 4);                             // 1970-01-01: a Thursday
  EXPECT_EQ(TimePart(DimFunction::kDayOfWeek, 1'700'000'000'000), 2);             // a Tuesday
  EXPECT_EQ(TimePart(DimFunction::kDayOfWeek, 1'700'000'000'000 + 5 * kDay), 7);  // the Sunday after
  EXPECT_EQ(TimePart(DimFunction::kDayOfWeek, 1'700'000'000'000 + 6 * kDay), 1);  // Monday
  std::string text;
  EXPECT_FALSE(TimePartText(DimFunction::kHour, 22, &text));  // a number, written as one
}

TEST(TimePartsTest, DayPartsSortInTimeOrder) {
  EXPECT_LT(TimePart(DimFunction::kDay, -1), TimePart(DimFunction::kDay, 0));
  EXPECT_LT(TimePart(DimFunction::kMonth, 1'700'000'000'000),
            TimePart(DimFunction::kMonth, 1'700'000'000'000 + 30 * kDay));
}

TEST(TimePartsTest, TheCacheAgreesWithTimePartAcrossHourAndDayEdges) {
  const int64_t edge = 1'700'006'400'000;  // 2023-11-15T00:00:00Z
  for (DimFunction f :
       {DimFunction::kValue, DimFunction::kHour, DimFunction::kDay, DimFunction::kDayOfWeek, DimFunction::kMonth}) {
    TimePartCache cache;
    for (int64_t ms : {edge - 1, edge, edge + 1, edge + 3'599'999, edge + 3'600'000, edge - 1, int64_t{-1}, int64_t{0},
                       -(int64_t{1} << 62), int64_t{1} << 62, edge + 86'400'000 * 16}) {
      EXPECT_EQ(cache.Get(f, ms), TimePart(f, ms)) << static_cast<int>(f) << " at " << ms;
    }
  }
  EXPECT_EQ(TimePartSpanMs(DimFunction::kHour), 3'600'000);
  EXPECT_EQ(TimePartSpanMs(DimFunction::kMonth), 86'400'000);
  EXPECT_EQ(TimePartSpanMs(DimFunction::kValue), 0);
}

}  // namespace
}  // namespace datablox::eql
