#include "shards/held_logs.h"

namespace datablox::shards {

std::vector<HeldLog> HeldLogs::Release(const std::function<bool(int group)>& held) {
  std::vector<HeldLog> released;
  std::deque<HeldLog> kept;
  for (HeldLog& log : logs_) {
    if (held(log.group)) {
      kept.push_back(std::move(log));
    } else {
      released.push_back(std::move(log));
    }
  }
  logs_ = std::move(kept);
  return released;
}

}  // namespace datablox::shards
