// How the members' replies to one query become the shard's one reply
// (`merge: KIND` in the shard's declaration; the kinds are MergeKind in
// runtime/core/shard_policy.h).
//
// The replies come in member order (the lowest member id first), and only
// those that came. Every kind but custom writes the fields in the order of
// the first reply, then the fields only later replies have, each in the
// order it first appeared:
//   first   the first reply, as it is
//   sum     numbers added field by field: ints stay ints, an int and a float
//           make a float; maps summed key by key, recursively; a field some
//           replies lack is summed over those that have it; any other field
//           (or a field whose replies disagree on its type): the first's
//   union   list fields concatenated in member order; any other field: the first's
//   min/max per numeric field the smallest (largest), as that reply wrote
//           it; maps recursively; any other field: the first's
//   custom  the member class's MergeFunction (ClassSpec::merge); its error
//           is the merge's.
#pragma once

#include <vector>

#include "datablox/log.h"
#include "datablox/shard.h"
#include "datablox/status.h"
#include "runtime/core/shard_policy.h"

namespace datablox::shards {

struct MergeOptions {
  const MergeFunction* custom = nullptr;  // for MergeKind::kCustom
  // Maps nest at most this deep (the root is level 1); deeper is an error,
  // not a recursion without end.
  int max_depth = kMaxLogDepth;
};

// Merges `replies` (at least one, in member order) into `merged` (cleared first).
Status MergeReplies(MergeKind kind, const std::vector<const Log*>& replies, LogBuilder* merged,
                    const MergeOptions& options = {});

}  // namespace datablox::shards
