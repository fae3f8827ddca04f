#include "runtime/master/checkpoint_coordinator.h"

#include <algorithm>

namespace datablox::master {

const char* StateName(CheckpointProgress::State state) {
  switch (state) {
    case CheckpointProgress::State::kInProgress: return "in progress";
    case CheckpointProgress::State::kComplete: return "complete";
    case CheckpointProgress::State::kAbandoned: return "abandoned";
  }
  return "?";
}

CheckpointCoordinator::CheckpointCoordinator(std::chrono::milliseconds every, uint64_t next_id,
                                             uint64_t last_complete)
    : every_(every), next_id_(std::max<uint64_t>(next_id, 1)), last_complete_(last_complete) {}

void CheckpointCoordinator::StoreFailed(const std::string& why) {
  if (history_.empty() || history_.back().state != CheckpointProgress::State::kComplete) return;
  history_.back().state = CheckpointProgress::State::kAbandoned;
  history_.back().why = why;
  history_.back().snapshots.clear();
  last_complete_ = complete_before_;
}

std::chrono::milliseconds CheckpointCoordinator::timeout() const {
  return std::max<std::chrono::milliseconds>(std::chrono::seconds(10), every_ * 10);
}

bool CheckpointCoordinator::Due(Clock::time_point now) const {
  if (in_progress()) return false;
  return !last_started_ || now >= *last_started_ + every_;
}

uint64_t CheckpointCoordinator::Start(Clock::time_point now, int64_t unix_ms, std::set<std::string> elements) {
  CheckpointProgress& checkpoint = history_.emplace_back();
  if (history_.size() > kHistory) history_.pop_front();
  checkpoint.id = next_id_++;
  checkpoint.started = now;
  checkpoint.started_unix_ms = unix_ms;
  checkpoint.elements = static_cast<int>(elements.size());
  checkpoint.waiting = std::move(elements);
  last_started_ = now;
  (void)Settle(history_.back(), now);
  return history_.back().id;
}

CheckpointCoordinator::Outcome CheckpointCoordinator::OnTaken(const std::string& element, uint64_t id,
                                                              std::string snapshot,
                                                              const std::optional<std::string>& error,
                                                              Clock::time_point now) {
  if (!in_progress() || history_.back().id != id) return Outcome::kIgnored;  // late, or of an earlier master
  CheckpointProgress& checkpoint = history_.back();
  if (checkpoint.waiting.erase(element) == 0) return Outcome::kIgnored;  // not waited for, or said twice
  if (error) {
    End(checkpoint, CheckpointProgress::State::kAbandoned, element + ": " + *error, now);
    return Outcome::kAbandoned;
  }
  checkpoint.bytes += snapshot.size();
  checkpoint.snapshots[element] = std::move(snapshot);
  return Settle(checkpoint, now);
}

CheckpointCoordinator::Outcome CheckpointCoordinator::OnEnded(const std::string& element, Clock::time_point now) {
  if (!in_progress()) return Outcome::kIgnored;
  CheckpointProgress& checkpoint = history_.back();
  if (checkpoint.waiting.erase(element) == 0) return Outcome::kIgnored;
  return Settle(checkpoint, now);
}

bool CheckpointCoordinator::Abandon(const std::string& why, Clock::time_point now) {
  if (!in_progress()) return false;
  End(history_.back(), CheckpointProgress::State::kAbandoned, why, now);
  return true;
}

bool CheckpointCoordinator::TimedOut(Clock::time_point now) {
  if (!in_progress() || now - history_.back().started < timeout()) return false;
  return Abandon("took longer than " + std::to_string(timeout().count()) + " ms", now);
}

void CheckpointCoordinator::End(CheckpointProgress& checkpoint, CheckpointProgress::State state, std::string why,
                                Clock::time_point now) {
  checkpoint.state = state;
  checkpoint.why = std::move(why);
  checkpoint.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - checkpoint.started).count();
  if (state == CheckpointProgress::State::kComplete) {
    complete_before_ = last_complete_;
    last_complete_ = checkpoint.id;
  } else {
    checkpoint.snapshots.clear();  // never restored from
  }
}

CheckpointCoordinator::Outcome CheckpointCoordinator::Settle(CheckpointProgress& checkpoint, Clock::time_point now) {
  if (!checkpoint.waiting.empty()) return Outcome::kWaiting;
  End(checkpoint, CheckpointProgress::State::kComplete, "", now);
  return Outcome::kComplete;
}

}  // namespace datablox::master
