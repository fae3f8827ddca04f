// An operation: the streams that serve one larger task (a cell worker loading
// every locus of a slice), grouped under one operation id as Burst's message
// header carries one. Socket-free: the transport tells it what each stream
// did; it answers what the operation as a whole is.
//
// Cancel() ends every live stream at once; progress is summed over the
// streams; the first error of any stream is the operation's error.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "datablox/status.h"

namespace datablox::nexus {

struct OperationProgress {
  uint64_t items = 0;
  uint64_t bytes = 0;
  int64_t expected = 0;        // summed over the streams that know theirs
  bool expected_known = true;  // false while any stream's expected count is unknown
  uint32_t streams = 0;
  uint32_t live = 0;
};

class Operation {
 public:
  explicit Operation(uint64_t id) : id_(id) {}

  void Add(uint64_t stream_id);
  // A stream's counts so far (cumulative, as its client stream holds them).
  void OnProgress(uint64_t stream_id, uint64_t items, uint64_t bytes, int64_t expected);
  // A stream ended; a non-ok status is the operation's error if it is the first.
  void OnEnded(uint64_t stream_id, const Status& status);
  // The streams to abort now (every live one); the operation's status
  // becomes "cancelled" unless a stream had failed first.
  std::vector<uint64_t> Cancel();

  uint64_t id() const { return id_; }
  // Every stream ended.
  bool done() const;
  // OK while no stream failed; the first failure otherwise.
  const Status& status() const { return status_; }
  // The stream whose failure is status(), 0 when none.
  uint64_t failed_stream() const { return failed_stream_; }
  OperationProgress progress() const;

 private:
  struct Member {
    uint64_t items = 0;
    uint64_t bytes = 0;
    int64_t expected = -1;
    bool live = true;
  };
  uint64_t id_;
  std::map<uint64_t, Member> streams_;
  Status status_;
  uint64_t failed_stream_ = 0;
};

}  // namespace datablox::nexus
