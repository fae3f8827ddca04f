#include "runtime/core/warning_limiter.h"

namespace datablox {

bool WarningLimiter::Allow(std::string_view kind, Clock::time_point now, uint64_t* suppressed) {
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) it = kinds_.emplace(std::string(kind), Kind{}).first;
  Kind& k = it->second;
  if (k.written && now - k.last < interval_) {
    ++k.held_back;
    return false;
  }
  *suppressed = k.held_back;
  k.held_back = 0;
  k.last = now;
  k.written = true;
  return true;
}

}  // namespace datablox
