// Route: its documentation is Route::spec() in route.cc, which
// `datablox describe Route` prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datablox/element.h"
#include "datablox/expr.h"

namespace datablox {

class Route : public Element {
 public:
  // Outputs case0 .. case7: ports are declared as data, before any
  // parameter is known, so their number is fixed.
  static constexpr int kMaxCases = 8;
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;

 private:
  std::vector<Expr> cases_;
  std::vector<int> ports_;  // case i's output
  int default_port_ = -1;
  std::vector<uint64_t> routed_;  // per case
  uint64_t defaulted_ = 0, errors_ = 0;
  std::string error_;
};

}  // namespace datablox
