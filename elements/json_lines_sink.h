// JsonLinesSink: its documentation is JsonLinesSink::spec() in json_lines_sink.cc, which
// `datablox describe JsonLinesSink` prints.
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
  int position_fd_ = -1;                           // the position file, rewritten in place
  uint64_t length_ = 0;                            // bytes of the data file that hold whole, recorded lines
  std::map<std::string, Next, std::less<>> next_;  // by link id
  std::string text_;
  uint64_t count_ = 0, replayed_ = 0;
};

}  // namespace datablox
