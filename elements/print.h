// =c Print(prefix)
// =s writes every log to standard output as one JSON line
// =d Each line is PREFIX followed by the log's JSON. Logs pass on unchanged
//    through the optional output.
// =h count: logs printed
#pragma once

#include <string>

#include "datablox/element.h"

namespace datablox {

class Print : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;
  void on_inputs_ended() override;

 private:
  std::string prefix_;
  std::string line_;
  uint64_t count_ = 0;
};

}  // namespace datablox
