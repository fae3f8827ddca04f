// Sample: its documentation is Sample::spec() in sample.cc, which
// `datablox describe Sample` prints.
#pragma once

#include <cstdint>
#include <random>

#include "datablox/element.h"

namespace datablox {

class Sample : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;

 private:
  double rate_ = 0;
  int64_t every_ = 0;
  std::mt19937_64 random_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  int dropped_port_ = -1;
  uint64_t seen_ = 0, passed_ = 0, dropped_ = 0;
};

}  // namespace datablox
