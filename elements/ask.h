// Ask: its documentation is Ask::spec() in ask.cc, which
// `datablox describe Ask` prints.
#pragma once

#include "datablox/element.h"

namespace datablox {

class Ask : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int, Batch logs) override { count_ += logs.size(); }
  void on_inputs_ended() override;

 private:
  OwnedLog request_;
  int64_t timeout_ms_ = 5000;
  uint64_t count_ = 0;
};

}  // namespace datablox
