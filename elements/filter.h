// =c Filter(expr)
// =s passes on the logs for which EXPR is true, unchanged
// =d EXPR is an expression of the expression language (see README), compiled
//    once. Logs for which it is false go to the optional "rejected" output.
//    A log on which EXPR cannot be evaluated (a type error) is rejected and
//    counted, never passed on silently.
// =h passed, dropped, errors: counts
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
