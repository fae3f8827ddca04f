// What the caretaker does when one of its element hosts exits: restart it
// at once, restart it after a delay, or give up and tell the master it is
// gone. A pure function of the element's restart policy, its crashes so far
// and the facts of this exit, so that every rule of README.md's `restart`
// policy is checked by restart_policy_test.cc without a process.
#pragma once

#include <chrono>
#include <string>

#include "runtime/core/control_protocol.h"

namespace datablox {

// An element's `policy { restart, restart_limit, backoff_ms }`, with the
// protocol's defaults; the policy enum was parsed once, with the plan.
struct RestartRules {
  control::RestartPolicy policy = control::kDefaultRestartPolicy;
  int limit = control::kDefaultRestartLimit;  // crashes in a row before giving up
  std::chrono::milliseconds backoff{
      control::kDefaultBackoffMs};  // the second restart in a row waits this, doubled after
};
RestartRules RestartRulesOf(const control::ElementPlan& plan);

// A life at least this long ends a crash loop: the next crash counts from 1.
inline constexpr std::chrono::seconds kHealthyLife{10};
// No restart waits longer than this, however long the crash loop.
inline constexpr std::chrono::seconds kMaxRestartDelay{10};

// What is known about one exit (or, for `will_restart`, about a failure the
// host just reported, before it exits).
struct ExitFacts {
  bool asked_to_stop = false;      // the master stopped it, or the caretaker is shutting down
  bool said_done = false;          // the host said it ended (or stopped): running it again would start over
  bool failed_on_purpose = false;  // the host said it failed: not a crash
  std::chrono::steady_clock::duration lived{};  // how long this life lasted
};

enum class GiveUpReason {
  kNone,             // the decision is a restart
  kStopped,          // we asked it to go
  kEnded,            // it said it was done
  kPolicyNever,      // restart: "never"
  kFailedOnPurpose,  // restart: "on-failure", and this was no crash
  kLimitReached,     // restart_limit crashes in a row
};
const char* GiveUpReasonName(GiveUpReason reason);

struct RestartDecision {
  enum class Action { kRestartNow, kRestartAfterDelay, kGiveUp };
  Action action = Action::kGiveUp;
  std::chrono::milliseconds delay{0};  // kRestartAfterDelay only
  GiveUpReason reason = GiveUpReason::kNone;
  // The crash count of the element after this exit (the one to keep when
  // it restarts; unchanged when it gives up).
  int crashes_in_a_row = 0;

  bool restarts() const { return action != Action::kGiveUp; }
};

// The first restart in a row is at once (a one-off crash costs
// milliseconds); each next one waits `backoff` doubled, at most
// kMaxRestartDelay. `crashes_in_a_row` counts the crashes before this exit.
RestartDecision DecideRestart(const RestartRules& rules, int crashes_in_a_row, const ExitFacts& exit);

// A waitpid status as a user reads it: "exited with status 3",
// "killed by signal 9 (SIGKILL)".
std::string DescribeExit(int wait_status);

}  // namespace datablox
