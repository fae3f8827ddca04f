// Which member owns which key group of a hash-routed shard, and what moves
// when members come and go.
#pragma once

#include <vector>

namespace datablox::shards {

// The owners of `key_groups` groups spread evenly over `members` (member
// ids, in order): owners[group] is the id of the member that owns it.
std::vector<int> InitialOwners(int key_groups, const std::vector<int>& members);

}  // namespace datablox::shards
