// A member's answers to the master's state questions (export_state,
// import_state), kept by request id, so that a question asked again is
// answered the same, without doing it twice. The master asks again under
// the same id when it was started again in the middle of a change and
// cannot know whether its first question was answered (its answer died
// with it): an export asked twice must not find the state gone (the first
// export took it out of the element), an import must not add it twice.
// Socket-free; the element host keeps one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

#include "runtime/core/control_protocol.h"

namespace datablox::shards {

class AnsweredRequests {
 public:
  // A shard's most members: a leaving member answers one export for each
  // member that stays, all asked at once, and each must still be here if
  // the master asks them all again. The answers hold the exported state:
  // a copy of it stays in the member's memory until newer answers push it out.
  static constexpr size_t kDefaultCapacity = 64;

  explicit AnsweredRequests(size_t capacity = kDefaultCapacity) : capacity_(capacity > 0 ? capacity : 1) {}

  // The answer given to `request`, or null.
  const control::Json* Find(uint64_t request) const {
    for (const auto& [id, answer] : answers_) {
      if (id == request) return &answer;
    }
    return nullptr;
  }
  // Keeps `answer` (the oldest goes when full). Only a successful answer is
  // kept: a failed question changed nothing, and asked again it is tried again.
  void Keep(uint64_t request, control::Json answer) {
    if (answers_.size() == capacity_) answers_.pop_front();
    answers_.emplace_back(request, std::move(answer));
  }
  size_t size() const { return answers_.size(); }

 private:
  size_t capacity_;
  std::deque<std::pair<uint64_t, control::Json>> answers_;
};

}  // namespace datablox::shards
