// The data-plane wire format: what one ZeroMQ message carries on a push or a
// query link. Every frame starts with [version][kind] so that a peer speaking
// another version is told apart from garbage, and both are counted, never
// trusted.
//
//   batch    [1][kBatch][msgpack array32 header][msgpack bin per log...]
//   credit   [1][kCredit][u32 logs]          receiver -> sender: logs consumed
//   end      [1][kEnd]                        sender -> receiver: no more logs
//   end-ack  [1][kEndAck]                     receiver -> sender: END received
//   request  [1][kRequest][u64 id][log]       query-out -> query-in
//   reply    [1][kReply][u64 id][log]         query-in -> query-out
//   error    [1][kError][u64 id][utf-8 text]  query-in -> query-out
//
// A batch is itself valid msgpack after its two header bytes (an array of
// bins, each bin one log's msgpack map), so any msgpack tool can read it,
// and the receiver finds every log's bounds without parsing the log.
// Integers are little-endian.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"

namespace datablox::wire {

constexpr uint8_t kVersion = 1;

enum class Kind : uint8_t {
  kBatch = 1,
  kCredit = 2,
  kEnd = 3,
  kEndAck = 4,
  kRequest = 5,
  kReply = 6,
  kError = 7,
};

constexpr size_t kHeaderSize = 2;
constexpr size_t kBatchPrefix = kHeaderSize + 5;  // header + array32
static_assert(kBatchPrefix == 7, "batch prefix is header plus a msgpack array32 header");

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
  // Patches the log count into the header; the writer is empty afterwards
  // and the returned buffer is the caller's.
  std::string take();

 private:
  std::string buffer_;
  uint32_t count_ = 0;
};

// Splits a batch frame into log views (no log is parsed). Any framing error
// rejects the whole frame: its logs cannot be told apart reliably.
Status ReadBatch(std::string_view frame, detail::Arena* arena, std::vector<Log>* logs);

std::string Credit(uint32_t logs);
Status ReadCredit(std::string_view frame, uint32_t* logs);
std::string End();
std::string EndAck();

std::string Request(uint64_t id, std::string_view log);
std::string Reply(uint64_t id, std::string_view log);
std::string Error(uint64_t id, std::string_view message);
// For kRequest, kReply and kError frames: the id and what follows it.
Status ReadAddressed(std::string_view frame, uint64_t* id, std::string_view* body);

}  // namespace datablox::wire
