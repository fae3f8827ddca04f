// Dedup: its documentation is Dedup::spec() in dedup.cc, which
// `datablox describe Dedup` prints.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_set>
#include <vector>

#include "datablox/element.h"

namespace datablox {

class Dedup : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;

 private:
  std::vector<std::string> key_;
  int64_t within_ = 0;
  int duplicates_port_ = -1;
  std::deque<std::string> order_;  // the remembered keys, oldest first
  std::unordered_set<std::string> seen_;
  std::string text_;
  uint64_t passed_ = 0, dropped_ = 0;
};

}  // namespace datablox
