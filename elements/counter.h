// Counter: its documentation is Counter::spec() in counter.cc, which
// `datablox describe Counter` prints.
#pragma once

#include <string>
#include <unordered_map>

#include "datablox/element.h"

namespace datablox {

class Counter : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;
  void on_query(int port, const Log& request, Responder responder) override;

 private:
  std::string key_;
  uint64_t count_ = 0;
  std::unordered_map<std::string, uint64_t> groups_;
};

}  // namespace datablox
