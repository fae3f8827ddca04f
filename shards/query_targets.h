// Which members of a shard a request is asked of.
#pragma once

#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"
#include "runtime/core/control_protocol.h"

namespace datablox::shards {

// The member that owns the key group of the request's key, when the shard
// is hash-routed and the request names its key field (`{"user": "alice"}`
// to a shard routed by hash(user)); otherwise every member in `members`
// (the ids the requester has a link to, in its order). Unavailable when
// there is no member to ask, or the owner is not among `members`.
Status QueryTargets(const control::ShardRoute& route, const Log& request, const std::vector<int>& members,
                    std::vector<int>* targets);

}  // namespace datablox::shards
