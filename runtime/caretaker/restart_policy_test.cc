#include "runtime/caretaker/restart_policy.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>
#include <vector>

namespace datablox {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Action = RestartDecision::Action;
using control::RestartPolicy;

ExitFacts Crash(std::chrono::steady_clock::duration lived = milliseconds(50)) {
  ExitFacts exit;
  exit.lived = lived;
  return exit;
}

ExitFacts FailureOnPurpose() {
  ExitFacts exit = Crash();
  exit.failed_on_purpose = true;
  return exit;
}

// Feeds `crashes` short-lived crashes through the policy, the way the
// caretaker does (keeping the count each decision returns), and returns
// every decision.
std::vector<RestartDecision> CrashLoop(const RestartRules& policy, int crashes) {
  std::vector<RestartDecision> decisions;
  int in_a_row = 0;
  for (int i = 0; i < crashes; ++i) {
    decisions.push_back(DecideRestart(policy, in_a_row, Crash()));
    in_a_row = decisions.back().crashes_in_a_row;
  }
  return decisions;
}

TEST(RestartPolicyTest, TheDefaultsAreOnFailureFiveCrashesAndOneHundredMilliseconds) {
  RestartRules rules;
  EXPECT_EQ(rules.policy, RestartPolicy::kOnFailure);
  EXPECT_EQ(rules.limit, 5);
  EXPECT_EQ(rules.backoff, milliseconds(100));
}

TEST(RestartPolicyTest, TheRulesAreReadFromThePlan) {
  control::ElementPlan plan;
  plan.restart = RestartPolicy::kAlways;
  plan.restart_limit = 2;
  plan.backoff_ms = 30;
  RestartRules rules = RestartRulesOf(plan);
  EXPECT_EQ(rules.policy, RestartPolicy::kAlways);
  EXPECT_EQ(rules.limit, 2);
  EXPECT_EQ(rules.backoff, milliseconds(30));
}

TEST(RestartPolicyTest, AFirstCrashIsRestartedAtOnce) {
  RestartDecision d = DecideRestart(RestartRules{}, 0, Crash());
  EXPECT_EQ(d.action, Action::kRestartNow);
  EXPECT_EQ(d.delay, milliseconds(0));
  EXPECT_EQ(d.crashes_in_a_row, 1);
  EXPECT_EQ(d.reason, GiveUpReason::kNone);
  EXPECT_TRUE(d.restarts());
}

TEST(RestartPolicyTest, ACrashLoopWaitsTheBackoffDoubledEachTime) {
  RestartRules policy{RestartPolicy::kOnFailure, 5, milliseconds(100)};
  std::vector<RestartDecision> d = CrashLoop(policy, 5);
  EXPECT_EQ(d[0].action, Action::kRestartNow);
  EXPECT_EQ(d[1].action, Action::kRestartAfterDelay);
  EXPECT_EQ(d[1].delay, milliseconds(100));
  EXPECT_EQ(d[2].delay, milliseconds(200));
  EXPECT_EQ(d[3].delay, milliseconds(400));
  EXPECT_EQ(d[4].delay, milliseconds(800));
  EXPECT_EQ(d[4].crashes_in_a_row, 5);
}

TEST(RestartPolicyTest, TheDelayStopsGrowingAtTenSeconds) {
  RestartRules policy{RestartPolicy::kOnFailure, 100, milliseconds(3000)};
  std::vector<RestartDecision> d = CrashLoop(policy, 4);
  EXPECT_EQ(d[2].delay, milliseconds(6000));
  EXPECT_EQ(d[3].delay, kMaxRestartDelay);
}

TEST(RestartPolicyTest, AVeryLongCrashLoopNeitherOverflowsNorWaitsPastTheCap) {
  RestartRules policy{RestartPolicy::kOnFailure, 1000, milliseconds(1)};
  RestartDecision d = DecideRestart(policy, 500, Crash());
  EXPECT_EQ(d.action, Action::kRestartAfterDelay);
  EXPECT_EQ(d.delay, kMaxRestartDelay);
  EXPECT_EQ(d.crashes_in_a_row, 501);
}

TEST(RestartPolicyTest, AZeroBackoffRestartsEveryCrashAtOnce) {
  RestartRules policy{RestartPolicy::kOnFailure, 5, milliseconds(0)};
  std::vector<RestartDecision> d = CrashLoop(policy, 3);
  for (const RestartDecision& each : d) {
    EXPECT_EQ(each.action, Action::kRestartNow);
    EXPECT_EQ(each.delay, milliseconds(0));
  }
}

TEST(RestartPolicyTest, TheLimitOfCrashesInARowGivesUp) {
  RestartRules policy{RestartPolicy::kOnFailure, 3, milliseconds(100)};
  std::vector<RestartDecision> d = CrashLoop(policy, 4);
  EXPECT_TRUE(d[2].restarts());
  EXPECT_EQ(d[3].action, Action::kGiveUp);
  EXPECT_EQ(d[3].reason, GiveUpReason::kLimitReached);
  EXPECT_EQ(d[3].crashes_in_a_row, 3);  // unchanged: nothing restarted
}

TEST(RestartPolicyTest, ALimitOfOneRestartsOnceOnly) {
  RestartRules policy{RestartPolicy::kOnFailure, 1, milliseconds(100)};
  std::vector<RestartDecision> d = CrashLoop(policy, 2);
  EXPECT_EQ(d[0].action, Action::kRestartNow);
  EXPECT_EQ(d[1].reason, GiveUpReason::kLimitReached);
}

TEST(RestartPolicyTest, TenSecondsOfHealthResetTheCountAndTheDelay) {
  RestartRules policy{RestartPolicy::kOnFailure, 3, milliseconds(100)};
  RestartDecision d = DecideRestart(policy, 3, Crash(kHealthyLife));
  EXPECT_EQ(d.action, Action::kRestartNow);
  EXPECT_EQ(d.crashes_in_a_row, 1);
}

TEST(RestartPolicyTest, ALifeJustShortOfHealthyStillCounts) {
  RestartRules policy{RestartPolicy::kOnFailure, 3, milliseconds(100)};
  RestartDecision d = DecideRestart(policy, 3, Crash(kHealthyLife - milliseconds(1)));
  EXPECT_EQ(d.reason, GiveUpReason::kLimitReached);
}

TEST(RestartPolicyTest, NeverRestartsNothing) {
  RestartRules policy{RestartPolicy::kNever, 5, milliseconds(100)};
  RestartDecision d = DecideRestart(policy, 0, Crash());
  EXPECT_EQ(d.action, Action::kGiveUp);
  EXPECT_EQ(d.reason, GiveUpReason::kPolicyNever);
  EXPECT_EQ(DecideRestart(policy, 0, FailureOnPurpose()).reason, GiveUpReason::kPolicyNever);
}

TEST(RestartPolicyTest, OnFailureDoesNotRestartAFailureOnPurpose) {
  RestartDecision d = DecideRestart(RestartRules{}, 0, FailureOnPurpose());
  EXPECT_EQ(d.action, Action::kGiveUp);
  EXPECT_EQ(d.reason, GiveUpReason::kFailedOnPurpose);
}

TEST(RestartPolicyTest, AlwaysRestartsAFailureOnPurposeLikeACrash) {
  RestartRules policy{RestartPolicy::kAlways, 2, milliseconds(100)};
  RestartDecision first = DecideRestart(policy, 0, FailureOnPurpose());
  EXPECT_EQ(first.action, Action::kRestartNow);
  RestartDecision second = DecideRestart(policy, first.crashes_in_a_row, FailureOnPurpose());
  EXPECT_EQ(second.delay, milliseconds(100));
  EXPECT_EQ(DecideRestart(policy, second.crashes_in_a_row, FailureOnPurpose()).reason, GiveUpReason::kLimitReached);
}

TEST(RestartPolicyTest, AnElementThatSaidItEndedIsNeverRestartedWhateverThePolicy) {
  ExitFacts ended = Crash();
  ended.said_done = true;
  for (RestartPolicy mode : {RestartPolicy::kOnFailure, RestartPolicy::kAlways, RestartPolicy::kNever}) {
    RestartDecision d = DecideRestart(RestartRules{mode, 5, milliseconds(100)}, 0, ended);
    EXPECT_EQ(d.reason, GiveUpReason::kEnded) << static_cast<int>(mode);
  }
}

TEST(RestartPolicyTest, AnElementAskedToStopIsNeverRestartedWhateverItSaid) {
  ExitFacts stopped = FailureOnPurpose();
  stopped.asked_to_stop = true;
  RestartDecision d = DecideRestart(RestartRules{RestartPolicy::kAlways, 5, milliseconds(100)}, 0, stopped);
  EXPECT_EQ(d.action, Action::kGiveUp);
  EXPECT_EQ(d.reason, GiveUpReason::kStopped);
  EXPECT_STREQ(GiveUpReasonName(d.reason), "stopped");
}

TEST(RestartPolicyTest, DescribesAnExitByItsStatusOrItsSignal) {
  EXPECT_EQ(DescribeExit(3 << 8), "exited with status 3");  // the layout of a waitpid status
  ASSERT_TRUE(WIFEXITED(3 << 8));
  EXPECT_EQ(DescribeExit(SIGKILL), "killed by signal 9 (SIGKILL)");
  ASSERT_TRUE(WIFSIGNALED(SIGKILL));
  EXPECT_EQ(DescribeExit(SIGSEGV), "killed by signal 11 (SIGSEGV)");
}

}  // namespace
}  // namespace datablox
