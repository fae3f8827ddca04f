// A sender's fence for one shard's table: once a reroute holds some key
// groups, the links to the members that owned them must acknowledge every
// log emitted on them before the reroute; then (and only then) the master
// may move the groups' state, since nothing more of theirs is in flight.
// Socket-free: the host arms it with the links' states and asks it after
// each credit.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "runtime/host/out_link.h"

namespace datablox::host {

class ShardFence {
 public:
  // Waits, for table `version`, until each of `links` has acked what was
  // emitted on it so far (its `emitted()` now: a batch still being built
  // counts, and goes out by age). Replaces a fence armed before.
  void Arm(uint64_t version, const std::vector<const OutLinkState*>& links) {
    armed_ = true;
    version_ = version;
    marks_.clear();
    for (const OutLinkState* link : links) marks_.emplace_back(link, link->emitted());
  }
  // A table without held groups: nothing to report.
  void Disarm() { armed_ = false; }
  // True once, when armed and every mark is acked; then it is disarmed.
  bool Reached() {
    if (!armed_) return false;
    for (const auto& [link, mark] : marks_) {
      if (link->acked() < mark) return false;
    }
    armed_ = false;
    return true;
  }
  bool armed() const { return armed_; }
  uint64_t version() const { return version_; }

 private:
  bool armed_ = false;
  uint64_t version_ = 0;
  std::vector<std::pair<const OutLinkState*, uint64_t>> marks_;
};

}  // namespace datablox::host
