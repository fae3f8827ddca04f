// =c Map(expr)
// =s sets fields of every log from expressions: "word = upper(word), n = seq * 2"
// =d Every other field is kept as it is. The assignments see the incoming
//    log, not each other's results. A log on which an expression fails is
//    rejected and counted, not passed on.
// =h count, errors: counts
#pragma once

#include <vector>

#include "datablox/element.h"
#include "datablox/expr.h"

namespace datablox {

class Map : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;

 private:
  std::vector<Assignment> assignments_;
  std::vector<std::string_view> assigned_fields_;
  LogBuilder out_;
  uint64_t count_ = 0, errors_ = 0;
};

}  // namespace datablox
