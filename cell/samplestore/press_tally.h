// What one worker's presses did, over all its streams: the counts its
// handlers show (items, bytes, every reject by reason, the first samples).
// Press threads add to it; the host thread reads it. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "cell/brio/press_stats.h"

namespace datablox::samplestore {

class PressTally {
 public:
  // Adds one file's press.
  void Add(const brio::PressStats& stats);
  void AddFailedFile() {
    std::lock_guard lock(mu_);
    ++failed_files_;
  }
  // Bytes taken from the files (decompressed), as the reads go: a press
  // stopped mid-file shows how far it read.
  void AddRead(uint64_t bytes) { read_bytes_.fetch_add(bytes, std::memory_order_relaxed); }
  uint64_t read_bytes() const { return read_bytes_.load(std::memory_order_relaxed); }
  brio::PressStats Totals() const;
  uint64_t files() const;
  uint64_t failed_files() const;
  // "malformed=1 not_object=0 missing_key=2 too_deep=0 over_size_cap=0"
  std::string RejectsText() const;
  // The first rejects, "WHERE: REASON" one a line ("" when none).
  std::string SamplesText() const;

 private:
  mutable std::mutex mu_;
  brio::PressStats totals_;
  uint64_t files_ = 0;
  uint64_t failed_files_ = 0;
  std::atomic<uint64_t> read_bytes_{0};
};

// "malformed=1 not_object=0 ..." of one PressStats: the reasons' names.
std::string RejectsText(const brio::PressStats& stats);

}  // namespace datablox::samplestore
