// When a topology's checkpoints start, who must take each, and how each
// ends: the master's half of the checkpoint protocol
// (runtime/core/checkpoint_protocol.h), without a socket or a store.
//
// One checkpoint at a time (as Flink does by default): the next is due
// `every` after the last one started, and never before it ended. It is
// complete once every element it waits for sent its snapshot; abandoned
// when one could not (its snapshot failed, it was not running), when an
// element crashed, restarted or moved meanwhile (its barrier is lost with
// it), or when it took longer than the timeout. An element that ends
// leaves the checkpoints it was waited for: it has nothing to restore.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace datablox::master {

struct CheckpointProgress {
  enum class State : uint8_t { kInProgress, kComplete, kAbandoned };
  uint64_t id = 0;
  State state = State::kInProgress;
  int64_t started_unix_ms = 0;
  std::chrono::steady_clock::time_point started;
  int64_t duration_ms = 0;  // set when it ends
  std::set<std::string> waiting;                 // elements whose snapshot has not come
  std::map<std::string, std::string> snapshots;  // by element; handed to the store once complete
  uint64_t bytes = 0;
  int elements = 0;  // waited for at the start
  std::string why;   // why it was abandoned
};
const char* StateName(CheckpointProgress::State state);

class CheckpointCoordinator {
 public:
  using Clock = std::chrono::steady_clock;
  // `next_id`: ids never repeat for a topology, across master restarts.
  // `next_id`, `last_complete`: as the registry left them (a master started again).
  CheckpointCoordinator(std::chrono::milliseconds every, uint64_t next_id, uint64_t last_complete = 0);

  std::chrono::milliseconds every() const { return every_; }
  // max(10 s, 10 x every): a checkpoint slower than this is abandoned.
  std::chrono::milliseconds timeout() const;
  // True when the next checkpoint should start now.
  bool Due(Clock::time_point now) const;
  // Starts the next checkpoint, waited for from `elements`; its id. With
  // no element to wait for it completes at once.
  uint64_t Start(Clock::time_point now, int64_t unix_ms, std::set<std::string> elements);

  enum class Outcome : uint8_t { kIgnored, kWaiting, kComplete, kAbandoned };
  // `element` took checkpoint `id` (its snapshot), or failed to (`error`).
  Outcome OnTaken(const std::string& element, uint64_t id, std::string snapshot, const std::optional<std::string>& error,
                  Clock::time_point now);
  // `element` ended: nothing waits for it any more.
  Outcome OnEnded(const std::string& element, Clock::time_point now);
  // The checkpoint in progress cannot complete (why): true when one was.
  bool Abandon(const std::string& why, Clock::time_point now);
  // Abandons the one in progress if it ran past the timeout.
  bool TimedOut(Clock::time_point now);
  // The newest checkpoint completed, but could not be stored (why): it is
  // abandoned after all, and the one complete before it is the last again.
  void StoreFailed(const std::string& why);

  // The checkpoint in progress, or the newest one when none is; null before the first.
  CheckpointProgress* current() { return history_.empty() ? nullptr : &history_.back(); }
  const std::deque<CheckpointProgress>& history() const { return history_; }
  bool in_progress() const { return !history_.empty() && history_.back().state == CheckpointProgress::State::kInProgress; }
  uint64_t last_complete() const { return last_complete_; }
  uint64_t next_id() const { return next_id_; }
  static constexpr size_t kHistory = 20;  // the newest ones, in memory (the registry keeps more)

 private:
  void End(CheckpointProgress& checkpoint, CheckpointProgress::State state, std::string why, Clock::time_point now);
  Outcome Settle(CheckpointProgress& checkpoint, Clock::time_point now);

  std::chrono::milliseconds every_;
  uint64_t next_id_;
  uint64_t last_complete_ = 0;
  uint64_t complete_before_ = 0;  // last_complete_ before the newest completed
  std::optional<Clock::time_point> last_started_;
  std::deque<CheckpointProgress> history_;
};

}  // namespace datablox::master
