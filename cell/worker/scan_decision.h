// What a CellWorker does next with a scan waiting for its slice,
// socket-free: decided from the slice's state, whether it is loading,
// whether the loci it holds are the ones the scan's deal names, and whether
// other scans are reading it now. The element asks again at every poll
// until the answer is to scan (or to answer nothing), so a scan that waits
// for a load or for other scans runs once they are done.
//
//   loading                        -> wait (the load in progress serves it)
//   warm/hot, the same loci        -> scan (hot: from memory; warm: mapped from disk)
//   no_data, the same loci         -> answer an empty partial
//   warm/hot/no_data, other loci   -> reload (dropped, then loaded with the scan's deal),
//                                     or wait while other scans read it
//   cold, failed                   -> load (a failed slice asked again loads anew)
#pragma once

#include <cstdint>
#include <string_view>

#include "cell/worker/slice_state.h"

namespace datablox::worker {

enum class ScanStep : uint8_t { kWait, kScan, kAnswerEmpty, kLoad, kReload };

std::string_view ScanStepName(ScanStep step);  // "wait", "scan", ...

struct SliceSituation {
  SliceState state = SliceState::kCold;
  bool loading = false;
  bool same_loci = false;  // the slice holds what the scan's deal names
  bool in_use = false;     // other scans read its regions now
};

ScanStep NextScanStep(const SliceSituation& slice);

}  // namespace datablox::worker
