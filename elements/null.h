// Null: its documentation is Null::spec() in null.cc, which
// `datablox describe Null` prints.
#pragma once

#include "datablox/element.h"

namespace datablox {

class Null : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int, Batch logs) override { count_ += logs.size(); }

 private:
  uint64_t count_ = 0;
};

}  // namespace datablox
