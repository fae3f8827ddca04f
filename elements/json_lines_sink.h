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
  // Checkpoints: the length of the file at the barrier; a rollback cuts the
  // file back to it, so the logs since are written once, when they come again.
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
  Status WriteAll(std::string_view bytes);

  std::string path_, partial_, position_;
  int fd_ = -1;
  int position_fd_ = -1;                           // the position file, rewritten in place
  uint64_t length_ = 0;                            // bytes of the data file that hold whole, recorded lines
  std::map<std::string, Next, std::less<>> next_;  // by link id
  std::string text_;
  uint64_t count_ = 0, replayed_ = 0;
  std::optional<uint64_t> restored_length_;  // restore() came: start() rewinds to it
  uint64_t committed_ = 0;                   // bytes of the newest complete checkpoint
  std::map<uint64_t, uint64_t> prepared_;    // checkpoint -> length at its barrier, until complete
};

}  // namespace datablox
