#include "runtime/host/rate_meter.h"

#include <gtest/gtest.h>

namespace datablox::host {
namespace {

TEST(RateMeter, TheFirstSampleHasNoRateYet) {
  RateMeter meter;
  EXPECT_EQ(meter.Sample(5000, 100), 0.0);
}

TEST(RateMeter, TheRateIsTheGrowthOverTheLastSecondOrMore) {
  RateMeter meter;
  meter.Sample(0, 0);
  EXPECT_EQ(meter.Sample(2000, 1000), 500.0);
  EXPECT_EQ(meter.Sample(3000, 4000), 3000.0);
}

TEST(RateMeter, SamplesCloserThanASecondKeepTheLastRate) {
  RateMeter meter;
  meter.Sample(0, 0);
  EXPECT_EQ(meter.Sample(1000, 100), 100.0);
  EXPECT_EQ(meter.Sample(1500, 10000), 100.0);
  EXPECT_EQ(meter.Sample(2000, 10100), 10000.0);  // from the sample at 1000 ms
}

TEST(RateMeter, ATotalThatStopsGrowingGoesToZero) {
  RateMeter meter;
  meter.Sample(0, 0);
  meter.Sample(1000, 500);
  EXPECT_EQ(meter.Sample(2000, 500), 0.0);
}

}  // namespace
}  // namespace datablox::host
