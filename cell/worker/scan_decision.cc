#include "cell/worker/scan_decision.h"

namespace datablox::worker {

std::string_view ScanStepName(ScanStep step) {
  switch (step) {
    case ScanStep::kWait: return "wait";
    case ScanStep::kScan: return "scan";
    case ScanStep::kAnswerEmpty: return "answer_empty";
    case ScanStep::kLoad: return "load";
    case ScanStep::kReload: return "reload";
  }
  return "?";
}

ScanStep NextScanStep(const SliceSituation& slice) {
  if (slice.loading) return ScanStep::kWait;
  switch (slice.state) {
    case SliceState::kCold:
    case SliceState::kFailed: return ScanStep::kLoad;
    case SliceState::kWarm:
    case SliceState::kHot:
    case SliceState::kNoData:
      if (!slice.same_loci) return slice.in_use ? ScanStep::kWait : ScanStep::kReload;
      return slice.state == SliceState::kNoData ? ScanStep::kAnswerEmpty : ScanStep::kScan;
  }
  return ScanStep::kWait;
}

}  // namespace datablox::worker
