#include "runtime/host/in_link.h"

namespace datablox::host {

InLinkState::BatchVerdict InLinkState::OnBatch(uint64_t first, uint64_t count) {
  if (!known_ || first > expect_) {
    // Sent before the sender knew where we stand (we restarted), or after
    // something we never got: dropped here, sent again after a resume.
    resync_due_ = true;
    return {Batch::kStale, 0};
  }
  if (first + count <= expect_) {  // a replay of what was processed already
    regrant_ = true;
    return {Batch::kDuplicate, 0};
  }
  // A replay may straddle what was processed (batches end elsewhere in
  // another incarnation of the sender): only the new tail counts.
  return {Batch::kFresh, expect_ - first};
}

void InLinkState::Processed(uint64_t end, uint64_t fresh) {
  expect_ = end;
  logs_ += fresh;
}

void InLinkState::Hold(std::span<OutLinkState* const> outputs) {
  holds_.push_back(expect_);
  for (const OutLinkState* out : outputs) holds_.push_back(out->emitted());
}

void InLinkState::ReleaseHolds(std::span<OutLinkState* const> outputs, bool keep_marks) {
  const size_t outs = outputs.size();
  while (!holds_.empty()) {
    for (size_t i = 0; i < outs; ++i) {
      if (outputs[i]->acked() < holds_[1 + i]) return;
    }
    released_ = holds_[0];
    if (keep_marks) {
      released_marks_.resize(outs);
      for (size_t i = 0; i < outs; ++i) released_marks_[i] = {outputs[i]->stream(), holds_[1 + i]};
    }
    holds_.erase(holds_.begin(), holds_.begin() + static_cast<std::ptrdiff_t>(1 + outs));
  }
}

void InLinkState::OutputsAdded(size_t before, size_t added) {
  if (added == 0 || holds_.empty()) return;
  std::deque<uint64_t> widened;
  for (size_t at = 0; at < holds_.size(); at += 1 + before) {
    widened.insert(widened.end(), holds_.begin() + static_cast<std::ptrdiff_t>(at),
                   holds_.begin() + static_cast<std::ptrdiff_t>(at + 1 + before));
    widened.insert(widened.end(), added, 0);
  }
  holds_ = std::move(widened);
}

InLinkState::ResumeVerdict InLinkState::OnResume(const wire::Position& from, bool may_reopen) {
  ResumeVerdict verdict;
  if (!known_ || from.stream != stream_) {
    if (ended_ && !known_ && may_reopen) {
      ended_ = false;  // ended in an earlier life, yet its sender is replaying: follow it
      verdict.reopened = true;
    }
    // A new sender (or we are new): start where it says we stand.
    known_ = true;
    stream_ = from.stream;
    expect_ = released_ = granted_ = from.offset;
    holds_.clear();
    released_marks_.clear();
    verdict.kind = Resume::kNewStream;
  } else if (from.offset > expect_) {
    expect_ = released_ = granted_ = from.offset;  // acked beyond what we saw: nothing to redo
    holds_.clear();
    verdict.kind = Resume::kAhead;
  } else {
    regrant_ = true;  // the sender is behind us: tell it where we are
    verdict.kind = Resume::kBehind;
  }
  resync_due_ = false;
  return verdict;
}

InLinkState::End InLinkState::OnEnd(uint64_t stream, uint64_t offset) {
  if (!known_ || stream != stream_ || offset != expect_) {
    resync_due_ = true;
    return End::kStale;
  }
  if (ended_) return End::kRepeat;
  ended_ = true;
  return End::kEnded;
}

void InLinkState::EndedBefore() {
  ended_ = true;
  resync_due_ = false;
}

bool InLinkState::CreditDue(bool remainder, uint32_t chunk) const {
  // Credit goes back in chunks; when idle, the rest follows after the
  // batching time limit, so that what senders count in flight is what is
  // really here, without a credit message per batch.
  if (!known_ || peer_.peer().empty()) return false;
  const uint64_t ungranted = released_ - granted_;
  return regrant_ || (ungranted > 0 && (remainder || ungranted >= chunk));
}

bool InLinkState::Granted(Clock::time_point now) {
  granted_ = released_;
  regrant_ = false;
  last_grant_ = now;
  if (ended_ && granted_ == expect_ && !reported_done_) {
    reported_done_ = true;
    return true;
  }
  return false;
}

}  // namespace datablox::host
