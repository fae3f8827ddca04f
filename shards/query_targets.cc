#include "shards/query_targets.h"

#include <fmt/format.h>

#include <algorithm>

namespace datablox::shards {

Status QueryTargets(const control::ShardRoute& route, const Log& request, const std::vector<int>& members,
                    std::vector<int>* targets) {
  targets->clear();
  if (members.empty()) return Status::Unavailable(fmt::format("shard '{}' has no member to ask", route.shard));
  Value key;
  if (route.route == RouteKind::kHash && !route.key.empty()) key = request.get(route.key);
  if (!key.exists() || route.key_groups <= 0 || static_cast<int>(route.owners.size()) != route.key_groups) {
    *targets = members;
    return Status::OK();
  }
  const int group = KeyGroupOf(KeyText(key), route.key_groups);
  const int owner = route.owners[group];
  if (std::find(members.begin(), members.end(), owner) == members.end()) {
    return Status::Unavailable(fmt::format("shard '{}': {}/{} owns key group {} but is not linked here", route.shard,
                                           route.shard, owner, group));
  }
  targets->push_back(owner);
  return Status::OK();
}

bool WaitsForHeldGroups(const control::ShardRoute& route, const Log& request) {
  if (route.held.empty()) return false;
  Value key;
  if (route.route == RouteKind::kHash && !route.key.empty()) key = request.get(route.key);
  if (!key.exists() || route.key_groups <= 0) return true;  // asked of every member
  const int group = KeyGroupOf(KeyText(key), route.key_groups);
  return std::find(route.held.begin(), route.held.end(), group) != route.held.end();
}

}  // namespace datablox::shards
