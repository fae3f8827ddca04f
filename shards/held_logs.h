// The logs a sender holds back while their key groups move between
// members: bounded (a full buffer makes the sender wait: backpressure), and
// given back in the order they were emitted once their groups are released.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace datablox::shards {

struct HeldLog {
  int group = 0;
  std::string bytes;
};

class HeldLogs {
 public:
  explicit HeldLogs(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Only when !full().
  void Hold(int group, std::string_view log) { logs_.push_back({group, std::string(log)}); }
  // Takes out, in order, every log whose group `held` says is no longer
  // held; the others stay, in order.
  std::vector<HeldLog> Release(const std::function<bool(int group)>& held);

  bool full() const { return logs_.size() >= capacity_; }
  bool empty() const { return logs_.empty(); }
  size_t size() const { return logs_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  std::deque<HeldLog> logs_;
};

}  // namespace datablox::shards
