// The data-plane wire format: what one ZeroMQ message carries on a push or a
// query link. Every frame starts with [version][kind] so that a peer speaking
// another version is told apart from garbage, and both are counted, never
// trusted.
//
//   batch    [2][kBatch][u64 offset][msgpack array32][msgpack bin per log...]
//   credit   [2][kCredit][u64 stream][u64 acked][marks]   receiver -> sender
//   end      [2][kEnd][u64 stream][u64 offset]            sender -> receiver
//   end-ack  [2][kEndAck]                                 receiver -> sender
//   resume   [2][kResume][u64 stream][u64 offset][marks]  sender -> receiver
//   resync   [2][kResync]                                 receiver -> sender
//   barrier  [2][kBarrier][u64 stream][u64 offset][u64 checkpoint]  sender -> receiver
//   request  [2][kRequest][u64 id][log]                   query-out -> query-in
//   reply    [2][kReply][u64 id][log]                     query-in -> query-out
//   error    [2][kError][u64 id][utf-8 text]              query-in -> query-out
//   marks    [u8 n][n x (u64 stream, u64 offset)]
//
// Every log on a push link has an offset: its position in the sender's
// *stream* (a random 64-bit id per output link and sender incarnation). A
// batch names the offset of its first log. Credit is cumulative: "every log
// before `acked` is done with", so a lost or repeated credit does no harm.
// The sender keeps what is not acked yet and sends it again after a resume,
// which is how a restarted receiver loses nothing; the receiver drops what
// it has seen already by offset, which is how a replay duplicates nothing.
// A barrier sits between two logs of a stream (at `offset`: after every
// log before it): what a sender emitted before it belongs to checkpoint
// `checkpoint`, what follows to the next one (runtime/host/barrier_aligner.h).
// It is not kept for a replay: a checkpoint whose barrier a restart lost is
// abandoned, and the next one is taken.
// `marks` carry the receiver's own output positions at `acked` (see
// runtime/host/push_input.cc: a restarted element continues its output
// streams from there).
//
// A batch is valid msgpack after its ten header bytes (an array of bins,
// each bin one log's msgpack map), so any msgpack tool can read it, and the
// receiver finds every log's bounds without parsing the log. Integers in
// headers are little-endian.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"

namespace datablox::wire {

constexpr uint8_t kVersion = 2;

enum class Kind : uint8_t {
  kBatch = 1,
  kCredit = 2,
  kEnd = 3,
  kEndAck = 4,
  kRequest = 5,
  kReply = 6,
  kError = 7,
  kResume = 8,
  kResync = 9,
  kBarrier = 10,
};

// Where one output stream of an element stood.
struct StreamMark {
  uint64_t stream = 0;
  uint64_t offset = 0;
  bool operator==(const StreamMark&) const = default;
};

constexpr size_t kHeaderSize = 2;
constexpr size_t kBatchPrefix = kHeaderSize + 8 + 5;  // header + offset + array32
static_assert(kBatchPrefix == 15, "batch prefix is header, offset and a msgpack array32 header");

// Checks version and kind; the frame's payload follows kHeaderSize bytes.
Status ReadHeader(std::string_view frame, Kind* kind);

// Accumulates the logs of one batch in a buffer handed to ZeroMQ whole.
class BatchWriter {
 public:
  BatchWriter() { reset(); }
  void reset();
  void append(std::string_view log);
  uint32_t count() const { return count_; }
  size_t size() const { return buffer_.size(); }
  // Patches the offset of the first log and the log count into the header;
  // the writer is empty afterwards and the returned buffer is the caller's.
  std::string take(uint64_t first_offset = 0);

 private:
  std::string buffer_;
  uint32_t count_ = 0;
  // What the last batch took: the next one reserves as much, so that a
  // batch of many logs is not grown (and copied) in steps.
  size_t last_size_ = 0;
};

// Splits a batch frame into log views (no log is parsed). Any framing error
// rejects the whole frame: its logs cannot be told apart reliably.
Status ReadBatch(std::string_view frame, uint64_t* first_offset, detail::Arena* arena, std::vector<Log>* logs);

// A stream position with marks: the body of credit and resume frames.
struct Position {
  uint64_t stream = 0;
  uint64_t offset = 0;
  std::vector<StreamMark> marks;
};
std::string Credit(const Position& acked);
std::string Resume(const Position& from);
// For kCredit and kResume frames.
Status ReadPosition(std::string_view frame, Position* position);
std::string Resync();
std::string End(uint64_t stream, uint64_t offset);
Status ReadEnd(std::string_view frame, uint64_t* stream, uint64_t* offset);
std::string EndAck();
// A checkpoint barrier at (stream, offset).
struct Barrier {
  uint64_t stream = 0;
  uint64_t offset = 0;
  uint64_t checkpoint = 0;
  bool operator==(const Barrier&) const = default;
};
std::string BarrierFrame(const Barrier& barrier);
Status ReadBarrier(std::string_view frame, Barrier* barrier);

std::string Request(uint64_t id, std::string_view log);
std::string Reply(uint64_t id, std::string_view log);
std::string Error(uint64_t id, std::string_view message);
// For kRequest, kReply and kError frames: the id and what follows it.
Status ReadAddressed(std::string_view frame, uint64_t* id, std::string_view* body);

}  // namespace datablox::wire
