// How a shard of SqliteStores answers one query with `merge: custom` (its
// ClassSpec::merge): the members' rows in member order and their counts
// summed. `merge: union` concatenates the rows too, but keeps the first
// member's "count". Either way a statement runs on each member alone: an
// ORDER BY, LIMIT or aggregate holds within each member's rows, not across.
#pragma once

#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"

namespace datablox {

// Replies {"rows": [ROW, ...], "count": N}; an error names the reply by its index.
Status MergeSqliteReplies(const std::vector<const Log*>& replies, LogBuilder* merged);

}  // namespace datablox
