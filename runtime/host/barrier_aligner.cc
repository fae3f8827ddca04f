#include "runtime/host/barrier_aligner.h"

namespace datablox::host {

BarrierAligner::Arrival BarrierAligner::OnBarrier(std::string_view link, uint64_t checkpoint) {
  if (checkpoint <= last_done_ || checkpoint < aligning_) return Arrival::kOld;
  if (checkpoint == aligning_) {
    return arrived_.emplace(link).second ? Arrival::kHeld : Arrival::kRepeat;
  }
  const bool abandoned = aligning_ != 0;  // a newer one: the old one cannot complete any more
  if (abandoned) last_done_ = aligning_;
  arrived_.clear();
  aligning_ = checkpoint;
  arrived_.emplace(link);
  return abandoned ? Arrival::kAbandoned : Arrival::kHeld;
}

uint64_t BarrierAligner::Aligned(const std::vector<std::string>& open) const {
  if (aligning_ == 0) return 0;
  for (const std::string& link : open) {
    if (!arrived_.count(link)) return 0;
  }
  return aligning_;
}

void BarrierAligner::Done(uint64_t checkpoint) {
  if (checkpoint > last_done_) last_done_ = checkpoint;
  if (aligning_ != 0 && aligning_ <= checkpoint) {
    aligning_ = 0;
    arrived_.clear();
  }
}

}  // namespace datablox::host
