// JsonLinesSink: its documentation is JsonLinesSink::spec() in json_lines_sink.cc, which
// `datablox describe JsonLinesSink` prints.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "datablox/element.h"

namespace datablox {

class JsonLinesSink : public Element {
 public:
  static ClassSpec spec();
  ~JsonLinesSink() override;
  Status configure(const Params& params) override;
  Status start() override;
  void on_batch(int port, Batch logs) override;
  void on_inputs_ended() override;
  void stop() override;
  // Checkpoints: the bytes written up to the barrier and the segment they
  // end with; a rollback commits what that checkpoint prepared and drops
  // what came after, so the logs since are written once, when they come again.
  Status snapshot(std::string* state) override;
  Status restore(std::string_view state) override;
  void on_checkpoint_complete(uint64_t checkpoint) override;

 private:
  // The sidecar: the data file's length and, per input link, the stream
  // and the offset after the last log that length holds.
  struct Next {
    uint64_t stream = 0;
    uint64_t offset = 0;
  };
  Status Continue();
  Status Rewind(uint64_t length);
  Status OpenAgain(uint64_t* size);  // a rollback's start: the file cut back to `length`
  Status ReadPosition(bool* found);
  Status WritePosition();
  Status WriteAll(int fd, std::string_view bytes, const std::string& path);
  Status Finish();  // the end of a sink without checkpoints

  // In a checkpointed topology (json_lines_sink_commits.cc): two phases.
  // Logs go to a tmp segment, PATH.open; at a barrier it is synced and
  // renamed PATH.NNNNNN.prepared-C (prepared for checkpoint C); when C
  // completes it is committed: appended to PATH.partial (by way of
  // PATH.NNNNNN.commit-START, so a crash halfway is finished, not doubled)
  // or, with `segments`, renamed PATH.NNNNNN.
  struct Prepared {
    uint64_t number = 0;  // the segment's place in the output
    uint64_t bytes = 0;
  };
  struct Restored {
    uint64_t length = 0;    // bytes the checkpoint's segments hold
    uint64_t segments = 1;  // the number of the next segment after it
    uint64_t checkpoint = 0;
  };
  Status StartCommits();
  Status RecoverSegments(const Restored& to, bool restarted_alone);
  Status WriteSegment(std::string_view bytes);
  Status Prepare(uint64_t checkpoint);
  Status Commit(const Prepared& segment, uint64_t checkpoint);
  Status AppendCommitted(const std::string& from, uint64_t start);
  Status FinishCommits();
  std::string SegmentName(uint64_t number) const;
  std::string PreparedName(uint64_t number, uint64_t checkpoint) const;

  std::string path_, partial_, position_, open_;
  bool segments_ = false;   // committed segments kept as numbered files
  bool two_phase_ = false;  // the topology takes checkpoints
  int fd_ = -1;
  int position_fd_ = -1;                           // the position file, rewritten in place
  uint64_t length_ = 0;                            // bytes of the data file that hold whole, recorded lines
  std::map<std::string, Next, std::less<>> next_;  // by link id
  std::string text_;
  uint64_t count_ = 0, replayed_ = 0;
  std::optional<Restored> restored_;  // restore() came: start() rolls back to it
  uint64_t committed_ = 0;            // bytes the newest complete checkpoint holds
  // Two phases: the open segment's bytes, the next segment's number, the
  // segments prepared and not yet committed (by checkpoint), and the bytes
  // of PATH.partial.
  uint64_t open_bytes_ = 0, next_segment_ = 1, partial_bytes_ = 0;
  std::map<uint64_t, Prepared> prepared_;
  std::map<uint64_t, uint64_t> length_at_;  // checkpoint -> length_ at its barrier, until complete
};

namespace json_lines_sink_files {
Status Errno(std::string_view what, const std::string& path);
bool Exists(const std::string& path);
}  // namespace json_lines_sink_files

}  // namespace datablox
