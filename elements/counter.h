// Counter: its documentation is Counter::spec() in counter.cc, which
// `datablox describe Counter` prints.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "datablox/element.h"

namespace datablox {

class Counter : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;
  void on_query(int port, const Log& request, Responder responder) override;

  // A shard's member: its state is one count per key (group name).
  uint64_t state_size() const override { return groups_.size(); }
  Status export_state(const KeyGroupSet& moving, std::vector<OwnedLog>* out) override;
  Status import_state(Batch state) override;
  // Checkpoints: the total and every group's count.
  Status snapshot(std::string* state) override;
  Status restore(std::string_view state) override;

 private:
  void AnswerTop(const Value& limit, Responder& responder);
  void WriteCounts(LogBuilder& out) const;  // {"count": N, "groups": {VALUE: N}}

  std::string key_;
  uint64_t count_ = 0;
  std::unordered_map<std::string, uint64_t> groups_;  // by KeyText of the key's value
};

}  // namespace datablox
