// Filter: its documentation is Filter::spec() in filter.cc, which
// `datablox describe Filter` prints.
#pragma once

#include "datablox/element.h"
#include "datablox/expr.h"

namespace datablox {

class Filter : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;

 private:
  Expr expr_;
  int rejected_port_ = -1;
  uint64_t passed_ = 0, dropped_ = 0, errors_ = 0;
  std::string error_;
};

}  // namespace datablox
