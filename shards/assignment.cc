#include "shards/assignment.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>

namespace datablox::shards {

namespace {

bool Contains(const std::vector<int>& members, int id) {
  return std::find(members.begin(), members.end(), id) != members.end();
}

// Every owner in the table must be a member, or a grow or shrink would move
// groups of a member nobody knows about.
Status CheckOwners(const std::vector<int>& owners, const std::vector<int>& members) {
  for (size_t g = 0; g < owners.size(); ++g) {
    if (!Contains(members, owners[g])) {
      return Status::Invalid("key group " + std::to_string(g) + " is owned by " + std::to_string(owners[g]) +
                             ", not a member");
    }
  }
  return Status::OK();
}

// Member id -> the groups it owns (ascending); members holding none are there too.
std::map<int, std::vector<int>> GroupsByMember(const std::vector<int>& owners, const std::vector<int>& members) {
  std::map<int, std::vector<int>> groups;
  for (int id : members) groups[id];
  for (size_t g = 0; g < owners.size(); ++g) groups[owners[g]].push_back(static_cast<int>(g));
  return groups;
}

}  // namespace

std::vector<int> InitialOwners(int key_groups, const std::vector<int>& members) {
  std::vector<int> owners(static_cast<size_t>(key_groups > 0 ? key_groups : 0), members.empty() ? 0 : members[0]);
  if (members.empty()) return owners;
  for (int g = 0; g < key_groups; ++g) owners[g] = members[static_cast<size_t>(g) % members.size()];
  return owners;
}

Status Grow(const std::vector<int>& owners, const std::vector<int>& members, int new_member, std::vector<int>* after) {
  if (Contains(members, new_member))
    return Status::Invalid("member " + std::to_string(new_member) + " is already in the shard");
  *after = owners;
  if (members.empty()) {  // the first member takes everything
    std::fill(after->begin(), after->end(), new_member);
    return Status::OK();
  }
  if (Status s = CheckOwners(owners, members); !s.ok()) return s;
  std::map<int, std::vector<int>> groups = GroupsByMember(owners, members);
  const size_t take = owners.size() / (members.size() + 1);
  for (size_t taken = 0; taken < take; ++taken) {
    auto richest = groups.begin();  // the map is by id: the first of equals is the lowest id
    for (auto it = groups.begin(); it != groups.end(); ++it) {
      if (it->second.size() > richest->second.size()) richest = it;
    }
    (*after)[richest->second.back()] = new_member;
    richest->second.pop_back();
  }
  return Status::OK();
}

Status Shrink(const std::vector<int>& owners, const std::vector<int>& members, int leaving, std::vector<int>* after) {
  if (!Contains(members, leaving)) return Status::Invalid("member " + std::to_string(leaving) + " is not in the shard");
  if (members.size() < 2) return Status::Invalid("member " + std::to_string(leaving) + " is the shard's last");
  if (Status s = CheckOwners(owners, members); !s.ok()) return s;
  *after = owners;
  std::map<int, size_t> held;  // what each remaining member holds as the groups are dealt
  for (const auto& [id, groups] : GroupsByMember(owners, members)) {
    if (id != leaving) held[id] = groups.size();
  }
  for (size_t g = 0; g < owners.size(); ++g) {
    if (owners[g] != leaving) continue;
    auto poorest = held.begin();
    for (auto it = held.begin(); it != held.end(); ++it) {
      if (it->second < poorest->second) poorest = it;
    }
    (*after)[g] = poorest->first;
    ++poorest->second;
  }
  return Status::OK();
}

int PickLeaver(const std::vector<int>& owners, const std::vector<int>& members) {
  int leaver = -1;
  size_t fewest = 0;
  for (const auto& [id, groups] : GroupsByMember(owners, members)) {
    if (!Contains(members, id)) continue;         // an owner outside the members is no candidate
    if (leaver < 0 || groups.size() <= fewest) {  // ascending ids: "<=" keeps the highest of equals
      leaver = id;
      fewest = groups.size();
    }
  }
  return leaver;
}

std::vector<Move> Moves(const std::vector<int>& before, const std::vector<int>& after) {
  std::map<std::pair<int, int>, std::vector<int>> by_pair;
  const size_t n = std::min(before.size(), after.size());
  for (size_t g = 0; g < n; ++g) {
    if (before[g] != after[g]) by_pair[{before[g], after[g]}].push_back(static_cast<int>(g));
  }
  std::vector<Move> moves;
  for (auto& [pair, groups] : by_pair) moves.push_back({pair.first, pair.second, std::move(groups)});
  return moves;
}

double MovedShare(const std::vector<int>& before, const std::vector<int>& after) {
  if (before.empty()) return 0;
  size_t moved = 0;
  for (const Move& move : Moves(before, after)) moved += move.groups.size();
  return static_cast<double>(moved) / static_cast<double>(before.size());
}

std::vector<int> GroupsOf(const std::vector<int>& owners, int member) {
  std::vector<int> groups;
  for (size_t g = 0; g < owners.size(); ++g) {
    if (owners[g] == member) groups.push_back(static_cast<int>(g));
  }
  return groups;
}

}  // namespace datablox::shards
