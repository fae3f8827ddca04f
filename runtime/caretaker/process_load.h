// CPU and memory of a process, read from /proc.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

namespace datablox {

struct ProcessLoad {
  double cpu_percent = 0;  // since the previous sample, of one core
  uint64_t rss_bytes = 0;
};

// Keeps the previous CPU time of one process to turn totals into a rate.
class ProcessLoadMeter {
 public:
  explicit ProcessLoadMeter(pid_t pid) : pid_(pid) {}
  ProcessLoad Sample();

 private:
  pid_t pid_;
  uint64_t last_ticks_ = 0;
  std::chrono::steady_clock::time_point last_time_{};
};

// The whole node: CPU busy share of all cores, memory in use.
struct NodeLoad {
  double cpu_percent = 0;  // of all cores together, 0..100
  uint64_t memory_used_mb = 0;
  uint64_t memory_total_mb = 0;
};

class NodeLoadMeter {
 public:
  NodeLoad Sample();

 private:
  uint64_t last_busy_ = 0, last_total_ = 0;
};

// Resident memory of a process; 0 when it is gone.
uint64_t ResidentBytes(pid_t pid);

}  // namespace datablox
