// Map: its documentation is Map::spec() in map.cc, which
// `datablox describe Map` prints.
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
