// =c JsonLinesSink(path)
// =s writes every log to a JSON Lines file, one JSON object per line
// =d The file is written to PATH.partial and renamed to PATH once every
//    input has ended and the data is on disk, so a file at PATH is always
//    complete. A write error fails the element.
// =h count: logs written
#pragma once

#include <cstdio>
#include <string>

#include "datablox/element.h"

namespace datablox {

class JsonLinesSink : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Status start() override;
  void on_batch(int port, Batch logs) override;
  void on_inputs_ended() override;
  void stop() override;

 private:
  std::string path_, partial_;
  std::FILE* file_ = nullptr;
  std::string text_;
  uint64_t count_ = 0;
};

}  // namespace datablox
