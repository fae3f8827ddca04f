// When a shard should grow or shrink, from the load its members report:
// socket-free and clock-free (time is an argument), so that a test with a
// fake clock checks every decision.
//
// Hysteresis: one overloaded period decides nothing; the shard grows when
// it stayed overloaded for a window (busy members, a full input queue, or
// senders blocked by backpressure), and shrinks when it stayed idle for a
// longer one. After a change there is a cooldown, nothing is decided while
// a migration runs, and the members stay within min..max.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace datablox::shards {

// The defaults; a topology's policy may set its own.
struct ScaleThresholds {
  double grow_busy = 0.75;       // mean busy share at or above: overloaded
  double grow_queue = 0.9;       // an input queue this full (share of its window) or more: overloaded
  double grow_blocked = 0.3;     // senders blocked this share of their time or more: overloaded
  double grow_window_s = 3;      // overloaded this long: grow
  double shrink_busy = 0.2;      // mean busy share at or below, with no blocking: idle
  double shrink_blocked = 0.01;  // "no blocking"
  double shrink_window_s = 10;   // idle this long: shrink
  double cooldown_s = 10;        // after a decision and after the change ends: none
  double stale_s = 5;            // a member's sample older than this is not counted
};

// What one member measured over one stats period.
struct MemberSample {
  double time_s = 0;
  int member = 0;
  double busy_share = 0;     // of the period, in its hooks
  double queue_depth = 0;    // logs waiting in its inputs
  double queue_window = 0;   // logs its inputs may hold (0: unknown)
  double blocked_share = 0;  // of its senders' time, blocked by its backpressure
};

struct ScaleDecision {
  enum class Kind : uint8_t { kNone, kGrow, kShrink };
  Kind kind = Kind::kNone;
  int members = 0;           // the members to have
  double busy_share = 0;     // mean over the members
  double queue_share = 0;    // the fullest input queue, as a share of its window
  double blocked_share = 0;  // the most blocked senders' share
  double sustained_s = 0;    // how long the shard was overloaded (grow) or idle (shrink)
  std::string description;   // one line for `datablox events` (empty for kNone)
};

class Autoscaler {
 public:
  Autoscaler(std::string shard, int min_members, int max_members, ScaleThresholds thresholds = {});

  // A member's sample (the latest of each member counts).
  void Observe(const MemberSample& sample);
  // Once per stats period, with the members now. While `migrating`, nothing
  // is decided and the overloaded and idle spells start again.
  ScaleDecision Decide(double now_s, const std::vector<int>& members, bool migrating);
  // A change ended (done or aborted): the cooldown runs from here.
  void Changed(double now_s);

 private:
  std::string shard_;
  int min_members_, max_members_;
  ScaleThresholds thresholds_;
  std::map<int, MemberSample> latest_;  // by member id
  std::optional<double> overloaded_since_, idle_since_;
  std::optional<double> last_change_s_;
};

}  // namespace datablox::shards
