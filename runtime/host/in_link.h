// The receiving end of one push link, without a socket: what to do with
// each frame the sender sends, and what to send back.
//
// The receiver follows the sender's stream by offset: it processes each log
// once, drops what a replay sends again, and hands back cumulative credit
// once a log is *done with*: for an element with outputs, once what it
// emitted while processing the log has been acknowledged downstream in
// turn (the "holds" below). So a log is never dropped from its sender's
// replay buffer while a crash anywhere downstream could still lose it.
//
// The host feeds it decoded frames (OnBatch, OnResume, OnEnd), tells it what
// became of a batch (Processed, Hold, ReleaseHolds), and asks it what is due
// (CreditDue, ResyncDue); every decision is here, every send is the host's.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "runtime/core/wire.h"
#include "runtime/host/link_peer.h"
#include "runtime/host/out_link.h"
#include "runtime/host/timing.h"

namespace datablox::host {

class InLinkState {
 public:
  // What a batch at `first` with `count` logs is to this receiver.
  enum class Batch : uint8_t {
    kStale,      // sent before the sender knew where we stand, or past a gap: dropped, resync asked
    kDuplicate,  // all of it processed already (a replay): dropped, our position said again
    kFresh,      // to process, from `skip` logs in (a replay may straddle what was processed)
  };
  struct BatchVerdict {
    Batch kind = Batch::kStale;
    uint64_t skip = 0;  // with kFresh: logs at its head processed already
  };
  BatchVerdict OnBatch(uint64_t first, uint64_t count);

  // on_batch returned for the batch that ends at `end`, with `fresh` new logs.
  void Processed(uint64_t end, uint64_t fresh);
  // An element without outputs is done with what it processed at once.
  void ReleaseProcessed() { released_ = expect_; }
  // An element with outputs: what it processed is done with once each
  // output is acked up to where it stands now (its `emitted()` mark).
  void Hold(std::span<OutLinkState* const> outputs);
  // Releases the holds every output has acked. With `keep_marks` (a
  // single-input element: only those adopt marks) it also remembers where
  // each output stood, to hand upstream with the credit.
  void ReleaseHolds(std::span<OutLinkState* const> outputs, bool keep_marks);
  bool holding() const { return !holds_.empty(); }
  // `added` output links joined the `before` there were (a reroute to a
  // shard's new members): the holds taken before mark nothing on them,
  // since nothing was emitted there yet.
  void OutputsAdded(size_t before, size_t added);

  // What a resume from the sender did.
  enum class Resume : uint8_t {
    kNewStream,  // a new sender, or we are new: we start where it says
    kAhead,      // it acked beyond what we saw: nothing to redo, we jump there
    kBehind,     // it is behind us: our position is said again
  };
  struct ResumeVerdict {
    Resume kind = Resume::kNewStream;
    bool reopened = false;  // the link had ended in an earlier life: it is open again
  };
  // `may_reopen`: the element has not been told its inputs ended, so a link
  // that ended in an earlier life of this element, whose sender replays,
  // is followed again.
  ResumeVerdict OnResume(const wire::Position& from, bool may_reopen);
  // A restarted single-input element continues its output streams at the
  // marks of the resume: those are our marks at `released` from now on.
  void AdoptMarks(std::vector<wire::StreamMark> marks) { released_marks_ = std::move(marks); }

  // What an END at (stream, offset) is.
  enum class End : uint8_t {
    kStale,   // from before a resume (the resume's replay ends with it again): resync asked
    kEnded,   // the link ends here: acknowledge it
    kRepeat,  // ended already, said again: acknowledge it again
  };
  End OnEnd(uint64_t stream, uint64_t offset);
  // It had ended for good in an earlier life of this element (the caretaker says).
  void EndedBefore();

  // Credit due: with `remainder` whatever was released and not granted,
  // otherwise only a chunk of `chunk` logs or more (or our position again,
  // after a replay we dropped). Never before a sender resumed.
  bool CreditDue(bool remainder, uint32_t chunk) const;
  wire::Position Credit() const { return {stream_, released_, released_marks_}; }
  // The credit went out at `now`. True when this was the last of it: the
  // link is done with for good (reported once, so that a restart of this
  // element does not wait for it).
  bool Granted(Clock::time_point now);

  // A connection that is not the link's peer sent data: dropped, and a
  // resync asked (it becomes the peer if it resumes).
  void FromStranger() { resync_due_ = true; }
  // A resync is due at `now` (asked at most every kResyncEvery).
  bool ResyncDue(Clock::time_point now) const { return resync_wanted() && now - last_resync_ >= kResyncEvery; }
  void ResyncAsked(Clock::time_point now) { last_resync_ = now; }
  // The known peer got the resync: no more until something is stale again.
  void ResyncDelivered() { resync_due_ = false; }

  // When the event loop must wake for this link, if it must.
  bool credit_owed() const { return known_ && (released_ > granted_ || regrant_); }
  bool resync_wanted() const { return resync_due_ && !(ended_ && known_); }
  Clock::time_point last_grant() const { return last_grant_; }
  Clock::time_point last_resync() const { return last_resync_; }

  bool ended() const { return ended_; }
  bool known() const { return known_; }
  uint64_t stream() const { return stream_; }
  uint64_t expect() const { return expect_; }
  uint64_t released() const { return released_; }
  uint64_t granted() const { return granted_; }
  uint64_t logs() const { return logs_; }
  LinkPeer& peer() { return peer_; }
  const LinkPeer& peer() const { return peer_; }

  bool check_schema = false;  // the upstream's schema does not guarantee ours: check each log

 private:
  bool ended_ = false;
  bool known_ = false;      // a resume told us the sender's stream and where to start
  bool resync_due_ = true;  // ask the sender to resume (and replay what is not acked)
  bool regrant_ = false;    // a replay was dropped: say again where we are
  bool reported_done_ = false;
  uint64_t stream_ = 0;
  uint64_t expect_ = 0;    // offset of the next log to process
  uint64_t released_ = 0;  // every log before this offset is done with
  uint64_t granted_ = 0;   // the last `released_` sent back as credit
  uint64_t logs_ = 0;
  LinkPeer peer_;  // the sender's connection that last resumed; others only claim the link
  std::vector<wire::StreamMark> released_marks_;  // our outputs' positions at `released_`
  // Processed batches waiting for their outputs to be acked, flat:
  // [offset after the batch, then each output link's offset after it].
  std::deque<uint64_t> holds_;
  Clock::time_point last_grant_{}, last_resync_{};
};

}  // namespace datablox::host
