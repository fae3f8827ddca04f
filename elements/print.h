// Print: its documentation is Print::spec() in print.cc, which
// `datablox describe Print` prints.
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
