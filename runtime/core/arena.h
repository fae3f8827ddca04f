// The memory parsed log fields live in: one msgpack zone, reset per batch.
#pragma once

#include <msgpack.hpp>

namespace datablox::detail {

class Arena {
 public:
  msgpack::zone& zone() { return zone_; }
  void clear() { zone_.clear(); }

 private:
  msgpack::zone zone_;
};

}  // namespace datablox::detail
