#include "shards/assignment.h"

#include <cstddef>

namespace datablox::shards {

std::vector<int> InitialOwners(int key_groups, const std::vector<int>& members) {
  std::vector<int> owners(static_cast<size_t>(key_groups > 0 ? key_groups : 0), members.empty() ? 0 : members[0]);
  if (members.empty()) return owners;
  for (int g = 0; g < key_groups; ++g) owners[g] = members[static_cast<size_t>(g) % members.size()];
  return owners;
}

}  // namespace datablox::shards
