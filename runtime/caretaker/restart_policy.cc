#include "runtime/caretaker/restart_policy.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstring>

namespace datablox {

using control::RestartPolicy;

RestartRules RestartRulesOf(const control::ElementPlan& plan) {
  return {plan.restart, plan.restart_limit, std::chrono::milliseconds(plan.backoff_ms)};
}

const char* GiveUpReasonName(GiveUpReason reason) {
  switch (reason) {
    case GiveUpReason::kNone: return "none";
    case GiveUpReason::kStopped: return "stopped";
    case GiveUpReason::kEnded: return "ended";
    case GiveUpReason::kPolicyNever: return "restart policy never";
    case GiveUpReason::kFailedOnPurpose: return "failed on purpose";
    case GiveUpReason::kLimitReached: return "restart_limit reached";
  }
  return "?";
}

RestartDecision DecideRestart(const RestartRules& rules, int crashes_in_a_row, const ExitFacts& exit) {
  RestartDecision decision;
  decision.crashes_in_a_row = crashes_in_a_row;
  auto give_up = [&](GiveUpReason reason) {
    decision.action = RestartDecision::Action::kGiveUp;
    decision.reason = reason;
    return decision;
  };
  if (exit.asked_to_stop) return give_up(GiveUpReason::kStopped);
  if (exit.said_done) return give_up(GiveUpReason::kEnded);
  if (rules.policy == RestartPolicy::kNever) return give_up(GiveUpReason::kPolicyNever);
  if (exit.failed_on_purpose && rules.policy != RestartPolicy::kAlways) return give_up(GiveUpReason::kFailedOnPurpose);
  int before = exit.lived >= kHealthyLife ? 0 : crashes_in_a_row;
  if (before >= rules.limit) return give_up(GiveUpReason::kLimitReached);

  decision.crashes_in_a_row = before + 1;
  if (decision.crashes_in_a_row == 1) {
    decision.action = RestartDecision::Action::kRestartNow;
    return decision;
  }
  // At most 20 doublings: past them the delay is kMaxRestartDelay anyway,
  // and the shift cannot overflow.
  int doublings = std::min(decision.crashes_in_a_row - 2, 20);
  std::chrono::milliseconds delay(static_cast<int64_t>(rules.backoff.count()) << doublings);
  decision.delay = std::min<std::chrono::milliseconds>(delay, kMaxRestartDelay);
  decision.action = decision.delay.count() > 0 ? RestartDecision::Action::kRestartAfterDelay
                                               : RestartDecision::Action::kRestartNow;  // backoff_ms: 0
  return decision;
}

std::string DescribeExit(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    int signal = WTERMSIG(wait_status);
    const char* name = sigabbrev_np(signal);
    return name ? fmt::format("killed by signal {} (SIG{})", signal, name) : fmt::format("killed by signal {}", signal);
  }
  return fmt::format("exited with status {}", WEXITSTATUS(wait_status));
}

}  // namespace datablox
