// =c Ask(request, timeout_ms)
// =s when its input ends, asks REQUEST once on its "ask" port and emits the reply
// =d The input only says when: its logs are counted, not kept. REQUEST is a
//    JSON object. An error reply, or none within TIMEOUT_MS, fails the
//    element (and so the run), naming the reason.
// =h count: input logs seen
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
