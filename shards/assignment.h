// Which member owns which key group of a hash-routed shard, and what moves
// when members come and go.
//
// A table is `owners`: owners[group] is the id of the member that owns the
// group. Member ids are not reused (after 0, 1, 2 and removing 1 the next is
// 3), so a member is named by its id, never by its place. Every function is
// deterministic: the same input gives the same table, so the master and a
// test agree on what moves.
#pragma once

#include <vector>

#include "datablox/status.h"

namespace datablox::shards {

// The owners of `key_groups` groups spread evenly over `members` (member
// ids, in order): owners[group] is the id of the member that owns it.
std::vector<int> InitialOwners(int key_groups, const std::vector<int>& members);

// The table after `new_member` joins `members` (the ids there now; with
// fewer groups than members some hold none, which is why they are passed).
// The new member takes floor(groups / (n + 1)) groups, one at a time from
// the member holding the most (the lowest id first among equals), each time
// that member's highest group: only what the new member takes moves, and a
// balanced table stays balanced within one group.
Status Grow(const std::vector<int>& owners, const std::vector<int>& members, int new_member, std::vector<int>* after);

// The table after `leaving` leaves `members`: only its groups move, in
// order, each to the remaining member holding the fewest (the lowest id
// first among equals), so a balanced table stays balanced within one group.
Status Shrink(const std::vector<int>& owners, const std::vector<int>& members, int leaving, std::vector<int>* after);

// The member a shrink should take away: the one holding the fewest groups
// (least state moves), the highest id among equals (the newest). With no
// table (a shard that is not hash-routed) that is the highest id. -1 when
// `members` is empty.
int PickLeaver(const std::vector<int>& owners, const std::vector<int>& members);

// The groups that change owner between two tables of the same size, one
// Move per (from, to) pair: what one export from `from` and one import into
// `to` carry. Sorted by (from, to); groups ascending.
struct Move {
  int from = 0;
  int to = 0;
  std::vector<int> groups;
};
std::vector<Move> Moves(const std::vector<int>& before, const std::vector<int>& after);

// The share of groups whose owner differs (0 for empty tables).
double MovedShare(const std::vector<int>& before, const std::vector<int>& after);

// The groups `member` owns, ascending.
std::vector<int> GroupsOf(const std::vector<int>& owners, int member);

}  // namespace datablox::shards
