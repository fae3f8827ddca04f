#include "runtime/host/timer_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace datablox::host {
namespace {

const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);
constexpr Milliseconds ms(int n) { return Milliseconds(n); }

TEST(TimerQueueTest, NothingIsDueBeforeItsDelay) {
  TimerQueue timers;
  timers.Add(kT0, ms(10), ms(0));
  EXPECT_TRUE(timers.Due(kT0 + ms(9)).empty());
  EXPECT_EQ(timers.Due(kT0 + ms(10)), std::vector<int>{1});
}

TEST(TimerQueueTest, AOneShotTimerFiresOnceAndIsGone) {
  TimerQueue timers;
  int id = timers.Add(kT0, ms(5), ms(0));
  EXPECT_TRUE(timers.Fire(id, kT0 + ms(5)));
  EXPECT_TRUE(timers.empty());
  EXPECT_FALSE(timers.Fire(id, kT0 + ms(6)));
}

TEST(TimerQueueTest, APeriodicTimerIsDueAgainOnePeriodAfterItsDueTime) {
  TimerQueue timers;
  int id = timers.Add(kT0, ms(10), ms(10));
  ASSERT_TRUE(timers.Fire(id, kT0 + ms(12)));  // fired 2 ms late
  EXPECT_TRUE(timers.Due(kT0 + ms(19)).empty());
  EXPECT_EQ(timers.Due(kT0 + ms(20)), std::vector<int>{id});  // no drift from the lateness
}

TEST(TimerQueueTest, APeriodicTimerThatFellBehindSkipsTheMissedPeriods) {
  TimerQueue timers;
  int id = timers.Add(kT0, ms(10), ms(10));
  ASSERT_TRUE(timers.Fire(id, kT0 + ms(55)));
  EXPECT_EQ(timers.NextDue(kT0 + std::chrono::hours(1)), kT0 + ms(65));
}

TEST(TimerQueueTest, DueTimersComeInTheOrderTheyWereSet) {
  TimerQueue timers;
  int late = timers.Add(kT0, ms(30), ms(0));
  int early = timers.Add(kT0, ms(10), ms(0));
  EXPECT_EQ(timers.Due(kT0 + ms(30)), (std::vector<int>{late, early}));
}

TEST(TimerQueueTest, ATimerCancelledByAnEarlierHookDoesNotFire) {
  TimerQueue timers;
  int a = timers.Add(kT0, ms(1), ms(0));
  int b = timers.Add(kT0, ms(1), ms(0));
  std::vector<int> due = timers.Due(kT0 + ms(1));
  ASSERT_EQ(due, (std::vector<int>{a, b}));
  EXPECT_TRUE(timers.Fire(a, kT0 + ms(1)));
  timers.Cancel(b);  // what a's hook did
  EXPECT_FALSE(timers.Fire(b, kT0 + ms(1)));
}

TEST(TimerQueueTest, NextDueIsTheEarliestTimerOrTheCap) {
  TimerQueue timers;
  EXPECT_EQ(timers.NextDue(kT0 + ms(100)), kT0 + ms(100));
  timers.Add(kT0, ms(40), ms(0));
  timers.Add(kT0, ms(20), ms(0));
  EXPECT_EQ(timers.NextDue(kT0 + ms(100)), kT0 + ms(20));
  EXPECT_EQ(timers.NextDue(kT0 + ms(5)), kT0 + ms(5));
}

TEST(TimerQueueTest, IdsAreNeverReused) {
  TimerQueue timers;
  int a = timers.Add(kT0, ms(1), ms(0));
  timers.Cancel(a);
  int b = timers.Add(kT0, ms(1), ms(0));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace datablox::host
