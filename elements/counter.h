// =c Counter(key)
// =s counts logs, in total and grouped by the field KEY when given
// =d Answers on its "query" port: a request {} gets {"count": N} (and
//    "groups": {VALUE: N, ...} when KEY is set); {"group": VALUE} gets
//    {"group": VALUE, "count": N}. Logs pass on unchanged through the
//    optional output.
// =h count: logs counted; groups: distinct values of KEY
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
