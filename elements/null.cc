#include "null.h"

namespace datablox {

ClassSpec Null::spec() {
  return ClassSpec("Null", "drops every log it receives, counting them")
      .shardable()  // stateless: a member starts working at once, nothing moves
      .push_in("in")
      .handler("count", "logs received");
}

Status Null::configure(const Params&) {
  add_read_handler("count", [this] { return std::to_string(count_); });
  return Status::OK();
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Null)
