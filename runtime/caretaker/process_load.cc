#include "runtime/caretaker/process_load.h"

#include <unistd.h>

#include <algorithm>
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

NodeLoad NodeLoadMeter::Sample() {
  NodeLoad load;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) {
    uint64_t busy = user + nice + system + irq + softirq + steal;
    uint64_t total = busy + idle + iowait;
    if (last_total_ != 0 && total > last_total_) {
      load.cpu_percent = 100.0 * static_cast<double>(busy - last_busy_) / static_cast<double>(total - last_total_);
    }
    last_busy_ = busy;
    last_total_ = total;
  }
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  uint64_t value = 0, total_kb = 0, available_kb = 0;
  while (meminfo >> key >> value >> unit) {
    if (key == "MemTotal:") total_kb = value;
    if (key == "MemAvailable:") available_kb = value;
  }
  load.memory_total_mb = total_kb >> 10;
  load.memory_used_mb = (total_kb - std::min(total_kb, available_kb)) >> 10;
  return load;
}

}  // namespace datablox
