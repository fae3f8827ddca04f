// Throttle: its documentation is Throttle::spec() in throttle.cc, which
// `datablox describe Throttle` prints.
#pragma once

#include <chrono>

#include "datablox/element.h"

namespace datablox {

class Throttle : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Status start() override;
  void on_batch(int port, Batch logs) override;

 private:
  double rate_ = 0;
  uint64_t count_ = 0;
  std::chrono::steady_clock::time_point began_;
};

}  // namespace datablox
