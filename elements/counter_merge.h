// How a shard of Counters answers one query: its members' replies merged
// into the reply one Counter holding every count would give (the class's
// `merge: custom`, ClassSpec::merge). Apart from the Counter, so that a
// unit test feeds it replies and reads the merge.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"

namespace datablox {

using GroupCount = std::pair<std::string, uint64_t>;  // a group's name, its count

// The order of a top-N list: the larger count first, then the name.
inline bool CountThenName(const GroupCount& a, const GroupCount& b) {
  return a.second != b.second ? a.second > b.second : a.first < b.first;
}

// {"top": [{"group": NAME, "count": N}, ...], "limit": LIMIT, "count": TOTAL}
void WriteTop(const std::vector<GroupCount>& top, int64_t limit, uint64_t total, LogBuilder* out);

// Replies all of one kind, as Counter::on_query gives them: {"count",
// "groups"} sums the total and each group's count; {"group", "count"} sums
// the count of that one group; {"top", "limit", "count"} sums each listed
// group over the lists, then keeps the LIMIT largest. The top-N merge is
// exact when each group is counted by one member (hash routing by KEY) or
// when no member had more groups than LIMIT; otherwise a group just outside
// some member's list is undercounted. An error names the reply (by its
// index) and what is wrong with it.
Status MergeCounterReplies(const std::vector<const Log*>& replies, LogBuilder* merged);

}  // namespace datablox
