// =c JsonLinesSink(path)
// =s writes every log to a JSON Lines file, one JSON object per line
// =d The file is written to PATH.partial and renamed to PATH once every
//    input has ended and the data is on disk, so a file at PATH is always
//    complete. Each batch is written (write(2)) and its stream position
//    recorded in PATH.partial.position (never half-written) before the
//    batch is acknowledged: a sink its caretaker restarts truncates the file
//    back to the recorded length, continues it, and skips what its upstream
//    replays below the recorded positions, so every log is written once.
//    fsync happens once, at the end, before the rename: a restart continues
//    only on the same machine, whose page cache outlives the process (a
//    first start or a move to another node starts the file afresh). A write
//    error fails the element.
// =h count: logs written (in this process)
// =h replayed: logs of a replay skipped because the file had them already
#pragma once

#include <map>
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

 private:
  // The sidecar: the data file's length and, per input link, the stream
  // and the offset after the last log that length holds.
  struct Next {
    uint64_t stream = 0;
    uint64_t offset = 0;
  };
  Status Continue();
  Status ReadPosition(bool* found);
  Status WritePosition();
  Status WriteAll(std::string_view bytes);

  std::string path_, partial_, position_;
  int fd_ = -1;
  int position_fd_ = -1;  // the position file, rewritten in place
  uint64_t length_ = 0;  // bytes of the data file that hold whole, recorded lines
  std::map<std::string, Next, std::less<>> next_;  // by link id
  std::string text_;
  uint64_t count_ = 0, replayed_ = 0;
};

}  // namespace datablox
