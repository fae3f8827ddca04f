#include "runtime/host/timer_queue.h"

#include <algorithm>

namespace datablox::host {

int TimerQueue::Add(Clock::time_point now, Milliseconds delay, Milliseconds period) {
  int id = next_id_++;
  timers_.push_back({id, now + delay, period});
  return id;
}

void TimerQueue::Cancel(int id) {
  std::erase_if(timers_, [id](const Timer& t) { return t.id == id; });
}

std::vector<int> TimerQueue::Due(Clock::time_point now) const {
  std::vector<int> due;
  for (const Timer& t : timers_) {
    if (t.due <= now) due.push_back(t.id);
  }
  return due;
}

bool TimerQueue::Fire(int id, Clock::time_point now) {
  auto it = std::find_if(timers_.begin(), timers_.end(), [id](const Timer& t) { return t.id == id; });
  if (it == timers_.end()) return false;
  if (it->period.count() > 0) {
    it->due += it->period;
    if (it->due < now) it->due = now + it->period;
  } else {
    timers_.erase(it);
  }
  return true;
}

Clock::time_point TimerQueue::NextDue(Clock::time_point no_later_than) const {
  Clock::time_point wake = no_later_than;
  for (const Timer& t : timers_) wake = std::min(wake, t.due);
  return wake;
}

}  // namespace datablox::host
