// The element's timers (Element::set_timer), without a clock of its own:
// the caller says what time it is, so a test can drive it.
//
// Firing is two steps because a timer's hook may cancel another timer (or
// itself) that was due at the same moment: Due() says which were due, and
// Fire() says, one by one, whether each still is (and reschedules it).
#pragma once

#include <vector>

#include "runtime/host/timing.h"

namespace datablox::host {

class TimerQueue {
 public:
  // A timer due `delay` after `now`, then every `period` if non-zero.
  int Add(Clock::time_point now, Milliseconds delay, Milliseconds period);
  void Cancel(int id);
  // The ids due at `now`, in the order they were added.
  std::vector<int> Due(Clock::time_point now) const;
  // Takes timer `id` as fired at `now`: a periodic one is due again a
  // period later (or a period after `now`, when it fell behind; missed
  // periods are not made up), a one-shot one is gone. False when it was
  // cancelled in the meantime: its hook must not run.
  bool Fire(int id, Clock::time_point now);
  // The earliest due time, or `no_later_than` when that is earlier.
  Clock::time_point NextDue(Clock::time_point no_later_than) const;
  bool empty() const { return timers_.empty(); }

 private:
  struct Timer {
    int id = 0;
    Clock::time_point due;
    Milliseconds period{0};
  };
  std::vector<Timer> timers_;
  int next_id_ = 1;
};

}  // namespace datablox::host
