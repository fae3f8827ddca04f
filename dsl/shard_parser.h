// The options of a shard's declaration, `users :: shard Counter(key: "user")
// { members: 1..8, route: hash(user), merge: sum, key_groups: 128 }`.
// Private to dsl/: the statement parser calls it at the '{'.
#pragma once

#include "dsl/token_cursor.h"
#include "dsl/topology.h"

namespace datablox::dsl {

// From the '{' through the '}', into `shard`: each option at most once,
// separated by commas or newlines. Fills key_pos and value_pos under the
// option's name; besides, value_pos["members.max"] is where the maximum of
// `members: A..B` was written (the value itself for `members: N`) and
// value_pos["route.key"] the field of hash(FIELD). Only syntax and names
// are checked here (a route or merge that does not exist); counts and what
// fits the member class are the checker's (shard_check.h). False after a
// syntax error, reported.
bool ParseShardOptions(TokenCursor* cursor, ShardDecl* shard);

}  // namespace datablox::dsl
