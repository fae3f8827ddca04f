// Rate-limited warnings: a flood of garbage on a socket must not flood the
// log. At most one line per kind per interval goes through; the next line
// of that kind says how many it stands for.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace datablox {

class WarningLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit WarningLimiter(Clock::duration interval = std::chrono::seconds(1)) : interval_(interval) {}

  // True when a line of `kind` may be written at `now`; *suppressed is then
  // the number of lines of that kind held back since the last one written.
  // False (and the line counted as held back) otherwise.
  bool Allow(std::string_view kind, Clock::time_point now, uint64_t* suppressed);

 private:
  struct Kind {
    Clock::time_point last{};
    bool written = false;
    uint64_t held_back = 0;
  };
  Clock::duration interval_;
  std::map<std::string, Kind, std::less<>> kinds_;
};

}  // namespace datablox
