#include "runtime/caretaker/process_load.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace datablox {

uint64_t ResidentBytes(pid_t pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

ProcessLoad ProcessLoadMeter::Sample() {
  ProcessLoad load;
  load.rss_bytes = ResidentBytes(pid_);
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
  std::string text;
  std::getline(stat, text);
  // Fields after the command name, which may hold spaces: it ends at the last ')'.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return load;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
  uint64_t utime = 0, stime = 0;
  fields >> utime >> stime;
  uint64_t ticks = utime + stime;
  auto now = std::chrono::steady_clock::now();
  if (last_time_.time_since_epoch().count() != 0) {
    double seconds = std::chrono::duration<double>(now - last_time_).count();
    double used = static_cast<double>(ticks - last_ticks_) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    if (seconds > 0) load.cpu_percent = 100.0 * used / seconds;
  }
  last_ticks_ = ticks;
  last_time_ = now;
  return load;
}

}  // namespace datablox
