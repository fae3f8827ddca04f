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

// Whether a request must wait for the table that releases the key groups
// held now (their state is moving between members), because no member can
// answer it right while they move: one that names the key of a held group
// (its old owner may have exported it, its new owner not yet imported it),
// or one asked of every member (a held group's state may be at neither).
// A request naming the key of a group that is not held goes at once.
bool WaitsForHeldGroups(const control::ShardRoute& route, const Log& request);

}  // namespace datablox::shards
