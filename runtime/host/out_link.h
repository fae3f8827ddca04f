// The sending end of one push link, without a socket: batching, credit,
// what is kept for a replay, and END.
//
// Everything sent and not yet acked is kept (the buffer is shared with
// ZeroMQ, never copied): a receiver that restarts asks for a resume and
// gets it all again. The window (the receiver's queue policy) bounds what
// is kept, as it bounds what is in flight: a sender without credit waits.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/wire.h"

namespace datablox::host {

// A batch is sent once it holds `batch_max` logs or this many bytes,
// whichever comes first: the logs-per-message policy stays a count, and a
// batch of large logs stays one modest message.
inline constexpr size_t kBatchBytes = 256 * 1024;

// A batch sent and not acked yet.
struct SentBatch {
  uint64_t first = 0;
  uint32_t count = 0;
  std::shared_ptr<std::string> bytes;
};

class OutLinkState {
 public:
  // `window`: logs in flight at most; `batch_max`: logs per batch at most;
  // `stream`: this link's stream id (random per life of the sender).
  OutLinkState(uint32_t window, uint32_t batch_max, uint64_t stream)
      : window_(window), batch_max_(batch_max), stream_(stream) {}

  // --- Batching. ------------------------------------------------------------
  // Adds a log to the batch being built; true when that batch is full (by
  // count or by kBatchBytes).
  bool Append(std::string_view log) {
    writer_.append(log);
    return writer_.count() >= batch_max_ || writer_.size() >= kBatchBytes;
  }
  uint32_t pending() const { return writer_.count(); }
  // The batch being built, numbered from `sent()` on, as the next batch
  // sent: kept until the receiver is done with it. Only with pending() > 0.
  // The buffer returned is the one kept (valid until the next credit).
  const std::shared_ptr<std::string>& Seal();

  // --- Credit. ------------------------------------------------------------------
  enum class Credit : uint8_t {
    kStale,      // for a stream of an earlier life: ignored
    kNoChange,   // nothing more acked (a repeat, or our position said again)
    kAckedMore,  // more is done with: holds upstream may be released
  };
  // A credit frame: every log before `acked.offset` is done with.
  Credit OnCredit(wire::Position acked);
  uint64_t in_flight() const { return sent_ > acked_ ? sent_ - acked_ : 0; }
  // Logs this link may still send before the receiver is done with some.
  int64_t credit() const { return static_cast<int64_t>(window_) - static_cast<int64_t>(in_flight()); }

  // --- Resume: where the receiver stands by our books, then everything it
  // has not acked, then END if we sent it. After a resume the receiver has
  // it all again, and drops by offset what it had seen. ----------------------
  struct ResumePlan {
    wire::Position from;  // the resume frame's position
    bool replay = false;  // then every unacked() batch again (not on the first resume)
    bool end = false;     // then END again
  };
  ResumePlan StartResume();
  bool resumed() const { return resumed_; }  // a resume went out: batches may follow

  // --- End of stream. ------------------------------------------------------------
  // END goes out at sent(); the link is done once it is acked and every log is.
  void EndSent() { end_sent_ = true; }
  void OnEndAck() { end_acked_ = true; }
  bool end_sent() const { return end_sent_; }
  bool end_acked() const { return end_acked_; }
  bool done() const { return end_acked_ && acked_ >= sent_; }

  // --- A restarted single-input element continues its old stream. -----------
  // Nothing sent, built or resumed yet: the stream may still be adopted.
  bool untouched() const { return sent_ == 0 && writer_.count() == 0 && !resumed_; }
  void Adopt(const wire::StreamMark& mark) {
    stream_ = mark.stream;
    sent_ = acked_ = mark.offset;
  }

  // Something the receiver has yet to acknowledge: it must be able to reach us.
  bool waiting() const { return in_flight() > 0 || (end_sent_ && !end_acked_); }
  // Where the next emitted log will be: the mark a hold waits for.
  uint64_t emitted() const { return sent_ + writer_.count(); }
  uint64_t stream() const { return stream_; }
  uint64_t sent() const { return sent_; }
  uint64_t acked() const { return acked_; }
  uint32_t window() const { return window_; }
  uint32_t batch_max() const { return batch_max_; }
  uint64_t peak_in_flight() const { return peak_in_flight_; }
  uint64_t replayed_batches() const { return replays_; }
  const std::deque<SentBatch>& unacked() const { return unacked_; }

 private:
  wire::BatchWriter writer_;
  uint32_t window_ = 0;
  uint32_t batch_max_ = 100;
  uint64_t stream_ = 0;
  uint64_t sent_ = 0;   // offset after the last log sent
  uint64_t acked_ = 0;  // every log before this offset is done with downstream
  std::deque<SentBatch> unacked_;
  std::vector<wire::StreamMark> resume_marks_;  // the receiver's marks at `acked_`
  bool resumed_ = false;
  bool end_sent_ = false;
  bool end_acked_ = false;
  uint64_t peak_in_flight_ = 0;
  uint64_t replays_ = 0;
};

}  // namespace datablox::host
