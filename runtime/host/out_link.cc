#include "runtime/host/out_link.h"

#include <algorithm>
#include <utility>

namespace datablox::host {

const std::shared_ptr<std::string>& OutLinkState::Seal() {
  const uint32_t count = writer_.count();
  unacked_.push_back({sent_, count, std::make_shared<std::string>(writer_.take(sent_))});
  sent_ += count;
  peak_in_flight_ = std::max<uint64_t>(peak_in_flight_, in_flight());
  return unacked_.back().bytes;
}

OutLinkState::Credit OutLinkState::OnCredit(wire::Position acked) {
  if (acked.stream != stream_) return Credit::kStale;
  Credit result = Credit::kNoChange;
  if (acked.offset > acked_) {
    acked_ = acked.offset;
    result = Credit::kAckedMore;
  }
  resume_marks_ = std::move(acked.marks);
  while (!unacked_.empty() && unacked_.front().first + unacked_.front().count <= acked_) unacked_.pop_front();
  return result;
}

OutLinkState::ResumePlan OutLinkState::StartResume() {
  ResumePlan plan;
  plan.from = {stream_, acked_, resume_marks_};
  plan.replay = resumed_;
  if (plan.replay) replays_ += unacked_.size();
  resumed_ = true;
  plan.end = end_sent_;
  return plan;
}

}  // namespace datablox::host
