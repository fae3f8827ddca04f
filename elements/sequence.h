// Sequence: its documentation is Sequence::spec() in sequence.cc, which
// `datablox describe Sequence` prints.
#pragma once

#include <chrono>

#include "datablox/element.h"

namespace datablox {

class Sequence : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Status start() override;
  Production produce() override;
  Status snapshot(std::string* state) override;
  Status restore(std::string_view state) override;

 private:
  int64_t count_ = 0, start_ = 0, pad_ = 0;
  double rate_ = 0;
  int64_t emitted_ = 0;
  int64_t paced_from_ = 0;  // emitted_ at start(): what a restore brought
  std::string padding_;
  std::chrono::steady_clock::time_point began_;
  LogBuilder log_;
};

}  // namespace datablox
